/*
 * Fuzz target: the .etl packet capture reader (cap_etl.c over etl_read.c)
 * and the XPRESS decoder it uses (etl_xpress.c).
 *
 * An input that starts with "XP": bytes 2-3 are an output size (x16,
 * little-endian), the rest an XPRESS stream; the decoder must stay inside
 * its output and report a failure at an offset inside its input.  Any
 * other input is an .etl file (so .etl files seed it as they are), read
 * through cap_read (one appearance a PktMon packet) and again with every
 * appearance; frames must be numbered 1, 2, ... in time order, lie inside
 * what was read and have caplen <= origlen.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_etl.h"
#include "cap_read.h"
#include "etl_xpress.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every frame of the file through cap_read. */
static void
fuzz_etl_frames(const char *path)
{
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    uint64_t last = 0;
    int64_t last_ts = INT64_MIN;
    int got = 1;

    if (cap_read_open(path, &r, &err) != RN_OK) {
        if (r != NULL || err.msg[0] == '\0')
            abort(); /* a refusal says why */
        return;
    }
    while (got && cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        volatile unsigned char sum = 0;
        uint32_t i;

        /* Only .etl frames are sorted (other formats keep file order). */
        if (f.number <= last || f.caplen > f.origlen ||
            (cap_read_format(r) == CAP_FMT_ETL &&
             (f.number != last + 1 ||
              (f.ts_ns != CAP_TS_NONE && f.ts_ns < last_ts))))
            abort();
        last = f.number;
        if (f.ts_ns != CAP_TS_NONE)
            last_ts = f.ts_ns;
        for (i = 0; i < f.caplen; i++)
            sum ^= f.data[i]; /* every byte claimed must be readable */
        (void)sum;
    }
    if (cap_read_format(r) == CAP_FMT_ETL &&
        cap_read_etl_info(r)->packet_events <
            last + cap_read_etl_info(r)->duplicates)
        abort(); /* frames come from packet events */
    cap_read_close(r);
}

/* Every appearance, straight from cap_etl. */
static void
fuzz_etl_all(const char *path, size_t size)
{
    struct cap_etl *e = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    uint64_t idx, n = 0;
    int fd = open(path, O_RDONLY), got = 1;

    if (fd < 0)
        abort();
    if (cap_etl_open(path, fd, size, 1, &e, &err) == RN_OK) {
        while (cap_etl_next(e, &f, &got, &idx, &err) == RN_OK && got) {
            if (idx >= cap_etl_info(e)->packet_events)
                abort();
            n++;
        }
        if (n != cap_etl_info(e)->packet_events)
            abort(); /* all kept: one frame an event */
        cap_etl_close(e);
    } else if (e != NULL || err.msg[0] == '\0') {
        abort();
    }
    close(fd);
}

static void
fuzz_xpress(const uint8_t *data, size_t size)
{
    size_t cap = ((size_t)data[0] | (size_t)data[1] << 8) * 16, got = 0;
    size_t at = 0;
    const char *why = NULL;
    unsigned char *out = malloc(cap + 1);

    if (out == NULL)
        abort();
    if (etl_xpress_decode(data + 2, size - 2, out, cap, &got, &why, &at) == 0) {
        if (got > cap)
            abort();
    } else if (why == NULL || at > size - 2) {
        abort();
    }
    free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path;

    if (size >= 4 && data[0] == 'X' && data[1] == 'P') {
        fuzz_xpress(data + 2, size - 2);
        return 0;
    }
    path = fuzz_file_write(data, size);
    fuzz_etl_frames(path);
    fuzz_etl_all(path, size);
    return 0;
}
