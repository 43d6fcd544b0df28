/*
 * Shared helpers for the libFuzzer harnesses: the input is written to a
 * temporary file (the importers read paths) and imported through the real
 * driver into a fresh in-memory store, whose read side is then walked the
 * way the command line and the interface walk it.  Anything that goes
 * wrong inside reqnav (a crash, a leak, undefined behaviour, an oracle
 * below that fails) aborts, which libFuzzer reports.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/xmlerror.h>

#include "fuzz_file.h"
#include "fuzz_json.h"
#include "importer.h"
#include "query.h"
#include "render.h"
#include "rn_buf.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* libxml2 reports through our handler; keep its generic channel quiet. */
static inline void
fuzz_xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* Write the input where the importers can read it; its path. */
static inline const char *
fuzz_write(const uint8_t *data, size_t size)
{
    static int quiet;

    if (!quiet) {
        xmlSetGenericErrorFunc(NULL, fuzz_xml_quiet);
        quiet = 1;
    }
    return fuzz_file_write(data, size);
}

/* JSON the command line would print must be valid JSON. */
static inline void
fuzz_check_json(const struct rn_buf *b, const char *what)
{
    if (!fuzz_json_valid(b->data != NULL ? b->data : "", b->len)) {
        fprintf(stderr, "invalid JSON from %s: %.*s\n", what,
                (int)(b->len < 2000 ? b->len : 2000), b->data);
        abort();
    }
}

/* Walk the store as the list and timeline views do; the JSON of both
 * must be valid. */
static inline void
fuzz_read_back(struct store *st)
{
    struct rq_row rows[64];
    struct rn_err err = {RN_OK, ""};
    struct rn_buf b;
    size_t n = 0, i, j;

    if (query_requests_page(st, NULL, RQ_ORDER_TIME, NULL, 1, rows, 64, &n,
                            &err) != RN_OK) {
        fprintf(stderr, "query error: %s\n", err.msg);
        abort(); /* reading what was just written must work */
    }
    rn_buf_init(&b, 1u << 30);
    for (i = 0; i < n; i++) {
        struct ev_row *ev = NULL;
        size_t nev = 0;

        rn_buf_reset(&b);
        if (render_request_json(&b, &rows[i]) != RN_OK)
            abort();
        fuzz_check_json(&b, "requests --format json");
        if (query_timeline(st, &rows[i], &ev, &nev, &err) != RN_OK) {
            fprintf(stderr, "timeline error: %s\n", err.msg);
            abort();
        }
        rn_buf_reset(&b);
        if (render_timeline_json(&b, &rows[i], ev, nev) != RN_OK)
            abort();
        fuzz_check_json(&b, "timeline --format json");
        for (j = 0; j < nev; j++) {
            char pos[512];

            render_position(ev[j].kind, ev[j].file, ev[j].seq, pos, sizeof pos);
        }
        ev_rows_free(ev, nev);
        rq_row_fini(&rows[i]);
    }
    rn_buf_fini(&b);
}

/*
 * Import the input as format (NULL: detect) into a new in-memory store.
 * The caller closes the store.  Store failures other than bad input abort.
 */
static inline struct store *
fuzz_import(const uint8_t *data, size_t size, const char *format)
{
    struct import_options opt;
    struct import_summary sum;
    struct rn_err err = {RN_OK, ""};
    struct store *st;
    const char *path = fuzz_write(data, size);

    if (store_open(":memory:", 0, &st, &err) != RN_OK)
        abort();
    memset(&opt, 0, sizeof opt);
    opt.format = format;
    opt.clock_offset_ns = STORE_NONE;
    if (import_paths(st, &path, 1, &opt, &sum, &err) != RN_OK) {
        fprintf(stderr, "store error: %s\n", err.msg);
        abort();
    }
    return st;
}

#endif
