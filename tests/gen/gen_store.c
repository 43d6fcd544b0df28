/*
 * Benchmark store generator: writes a case store directly through
 * model/store/store.h (no XML), as an ETW import would: one source, N requests
 * one every 10 ms, each with E events (GENERAL_REQUEST_START, filler
 * events, GENERAL_REQUEST_END); every 20th request is a CGI 502.2 with
 * CGI_LAUNCH and CGI_PREMATURE_TERMINATION.
 *
 *   gen_store --store FILE [--requests N] [--events E]
 *
 * Deterministic.  Prints what it wrote and how long it took.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "rn_time.h"
#include "store.h"

/* Monotonic seconds. */
static double
now_s(void)
{
    return (double)rn_time_mono_ns() / 1e9;
}

/* Exit with the store's message. */
static void
die(const struct rn_err *err)
{
    fprintf(stderr, "gen_store: %s\n", err->msg);
    exit(1);
}

int
main(int argc, char **argv)
{
    const char *path = NULL;
    long nreq = 1000000, nev = 10, i, k;
    struct store *st;
    struct ingest *in;
    struct rn_err err = {RN_OK, ""};
    struct store_source_info info = {"bench.xml", STORE_KIND_ETW,
                                     "etw-logparser", 0, NULL};
    struct store_source_result res;
    char sha[65];
    int64_t sid, rid, ord = 0, t0 = 1124828346LL * 1000000000LL;
    int existing;
    double start = now_s();

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
            path = argv[++i];
        else if (strcmp(argv[i], "--requests") == 0 && i + 1 < argc)
            nreq = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            nev = strtol(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "usage: gen_store --store FILE [--requests N] "
                            "[--events E]\n");
            return 2;
        }
    }
    if (path == NULL || nreq < 1 || nev < 2)
        return 2;
    snprintf(sha, sizeof sha, "%064ld", nreq * 1000 + nev);
    info.sha256 = sha;
    info.size = nreq * nev * 300;
    if (store_open(path, 0, &st, &err) != RN_OK)
        die(&err);
    in = ingest_open(st);
    if (ingest_begin(in, &err) != RN_OK ||
        ingest_source_begin(in, &info, &sid, &existing, &err) != RN_OK)
        die(&err);
    if (existing) {
        fprintf(stderr, "gen_store: %s already holds this data\n", path);
        store_close(st);
        return 0;
    }
    for (i = 0; i < nreq; i++) {
        struct store_srcreq r;
        struct store_event ev;
        char key[64], url[160], fields[512];
        int fail = i % 20 == 7;
        int64_t t = t0 + (int64_t)i * 10000000;

        snprintf(key, sizeof key, "{00000000-0000-0000-%04lx-%012lx}",
                 (unsigned long)(i >> 48) & 0xffff, (unsigned long)i);
        snprintf(url, sizeof url, "http://www.example.com/%s/page%ld.%s",
                 fail ? "cgi-bin" : "app", i % 997, fail ? "exe" : "htm");
        store_srcreq_init(&r);
        r.key = key;
        r.verb = i % 3 ? "GET" : "POST";
        r.url = url;
        if (ingest_srcreq_put(in, sid, &r, &rid, &err) != RN_OK)
            die(&err);
        for (k = 0; k < nev; k++) {
            store_event_init(&ev);
            ev.ord = ord;
            ev.seq = ++ord;
            ev.line = ord * 2;
            ev.ts_ns = t + k * 1000000;
            ev.provider = "IISGeneral";
            ev.level = 4;
            if (k == 0) {
                ev.name = "GENERAL_REQUEST_START";
                snprintf(fields, sizeof fields,
                         "{\"ContextId\":\"%s\",\"SiteId\":\"1\","
                         "\"RequestURL\":\"%s\",\"RequestVerb\":\"%s\"}",
                         key, url, r.verb);
            } else if (k == nev - 1) {
                ev.name = "GENERAL_REQUEST_END";
                snprintf(fields, sizeof fields,
                         "{\"ContextId\":\"%s\",\"BytesSent\":\"370\","
                         "\"HttpStatus\":\"%d\",\"HttpSubStatus\":\"%d\"}",
                         key, fail ? 502 : 200, fail ? 2 : 0);
            } else if (fail && k == 1) {
                ev.provider = "IISCGI";
                ev.name = "CGI_LAUNCH";
                snprintf(fields, sizeof fields,
                         "{\"ContextId\":\"%s\",\"CommandLine\":\"app.exe\","
                         "\"ProcessId\":\"%ld\"}",
                         key, 1000 + i % 5000);
            } else if (fail && k == nev - 2) {
                ev.provider = "IISCGI";
                ev.name = "CGI_PREMATURE_TERMINATION";
                ev.level = 2;
                snprintf(fields, sizeof fields,
                         "{\"ContextId\":\"%s\",\"Headers\":\"\"}", key);
            } else {
                ev.name = "GENERAL_READ_ENTITY_START";
                snprintf(fields, sizeof fields, "{\"ContextId\":\"%s\"}", key);
            }
            ev.fields_json = fields;
            if (ingest_event_add(in, sid, rid, &ev, NULL, &err) != RN_OK)
                die(&err);
        }
    }
    fprintf(stderr, "gen_store: events written in %.1f s\n", now_s() - start);
    memset(&res, 0, sizeof res);
    res.clock_offset_ns = STORE_NONE;
    if (ingest_source_end(in, sid, &res, &err) != RN_OK ||
        ingest_commit(in, &err) != RN_OK)
        die(&err);
    store_close(st);
    printf("gen_store: %ld requests, %ld events in %.1f s\n", nreq, nreq * nev,
           now_s() - start);
    return 0;
}
