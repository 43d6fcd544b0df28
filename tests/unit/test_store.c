/* Unit tests for the store, filters, paging, triage and correlation. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filter.h"
#include "ingest.h"
#include "query.h"
#include "query_ui.h"
#include "store.h"
#include "store_impl.h"
#include "test.h"

static char sha_buf[65];

/* A distinct fake content hash per source. */
static const char *
fake_sha(int n)
{
    snprintf(sha_buf, sizeof sha_buf, "%064d", n);
    return sha_buf;
}

/* Import into `in` one source holding `nreq` requests of three events
 * each. */
static int64_t
put_source(struct ingest *in, int n, int nreq, int status, int kind)
{
    struct store_source_info info = {"mem", kind, "test", 10, fake_sha(n)};
    struct store_source_result res;
    struct rn_err err = {RN_OK, ""};
    int64_t sid, rid;
    int existing, i, ord = 0;

    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    if (existing)
        return sid;
    for (i = 0; i < nreq; i++) {
        struct store_srcreq r;
        struct store_event ev;
        char key[64], fields[128];

        snprintf(key, sizeof key, "{00000000-0000-0000-0000-%012d}",
                 n * 100000 + i);
        store_srcreq_init(&r);
        r.key = key;
        r.verb = "GET";
        r.url = i % 2 ? "http://h/odd.exe" : "http://h/even.htm";
        CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
        store_event_init(&ev);
        ev.ord = ord++;
        ev.seq = ev.ord + 1;
        ev.ts_ns = (int64_t)(n * 1000 + i) * 1000000000LL;
        ev.name = "GENERAL_REQUEST_START";
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
        ev.ord = ord++;
        ev.seq = ev.ord + 1;
        ev.name = i % 3 == 0 ? "CGI_PREMATURE_TERMINATION" : "OTHER";
        ev.fields_json = "{\"Headers\":\"\"}";
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
        ev.ord = ord++;
        ev.seq = ev.ord + 1;
        ev.ts_ns += 5000000;
        ev.name = "GENERAL_REQUEST_END";
        snprintf(fields, sizeof fields,
                 "{\"HttpStatus\":\"%d\",\"HttpSubStatus\":\"%d\"}",
                 i % 3 == 0 ? status : 200, i % 3 == 0 ? 2 : 0);
        ev.fields_json = fields;
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
    }
    memset(&res, 0, sizeof res);
    res.clock_offset_ns = STORE_NONE;
    CHECK(ingest_source_end(in, sid, &res, &err) == RN_OK);
    CHECK(res.events == 3 * nreq);
    CHECK(res.requests == nreq);
    if (err.rc != RN_OK)
        fprintf(stderr, "error: %s\n", err.msg);
    return sid;
}

/* Add one source holding `nreq` requests of three events each. */
static int64_t
add_source(struct store *st, int n, int nreq, int status, int kind)
{
    struct ingest *in = ingest_open(st);
    int64_t sid = put_source(in, n, nreq, status, kind);

    ingest_close(in);
    return sid;
}

static int64_t
count(struct store *st, const char *expr)
{
    struct filter *f = NULL;
    struct rn_err err = {RN_OK, ""};
    int64_t n = -1;

    if (filter_parse(expr, &f, &err) != RN_OK) {
        fprintf(stderr, "filter: %s\n", err.msg);
        return -1;
    }
    CHECK(query_requests_count(st, f, &n, &err) == RN_OK);
    filter_free(f);
    return n;
}

static void
test_import_and_filter(void)
{
    struct ingest *in;
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    int64_t sid, sid2;
    int existing;
    char sha1[65];
    struct store_source_info info = {"again", 1, "test", 10, sha1};

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sid = add_source(st, 1, 30, 502, STORE_KIND_ETW);
    snprintf(sha1, sizeof sha1, "%s", fake_sha(1));
    CHECK(count(st, "") == 30);
    CHECK(count(st, "status:502.2") == 10);
    CHECK(count(st, "status:502") == 10);
    CHECK(count(st, "status:5xx") == 10);
    CHECK(count(st, "status:200") == 20);
    CHECK(count(st, "-status:200") == 10);
    CHECK(count(st, "verb:get url:odd") == 15);
    CHECK(count(st, "has:header_error") == 10);
    CHECK(count(st, "source:etw") == 30);
    CHECK(count(st, "source:pcap") == 0);
    CHECK(count(st, "since:1970-01-01T00:16:50Z") == 30 - 10);
    /* Same content again: nothing new. */
    in = ingest_open(st);
    CHECK(ingest_source_begin(in, &info, &sid2, &existing, &err) == RN_OK);
    CHECK(existing == 1 && sid2 == sid);
    CHECK(count(st, "") == 30);
    ingest_close(in);
    store_close(st);
}

static void
test_abort_keeps_store(void)
{
    struct ingest *in;
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    char sha7[65];
    struct store_source_info info = {"bad", 1, "test", 10, sha7};
    struct store_srcreq r;
    int64_t sid, rid;
    int existing;

    snprintf(sha7, sizeof sha7, "%s", fake_sha(7));
    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 1, 5, 502, STORE_KIND_ETW);
    in = ingest_open(st);
    CHECK(ingest_begin(in, &err) == RN_OK);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    store_srcreq_init(&r);
    r.key = "{11111111-0000-0000-0000-000000000000}";
    CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
    ingest_source_abort(in);
    CHECK(ingest_commit(in, &err) == RN_OK);
    CHECK(count(st, "") == 5);
    /* The aborted content may be imported later. */
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    CHECK(existing == 0);
    ingest_source_abort(in);
    ingest_close(in);
    store_close(st);
}

static void
test_paging(void)
{
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct rq_row rows[7], back[7];
    struct rq_pos pos;
    size_t n, i, total = 0;
    int64_t last_start = INT64_MIN, last_id = 0;
    int sorted = 1, first = 1, sev_ok = 1, prev_sev = 3;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 1, 50, 502, STORE_KIND_ETW);
    /* Time order, pages of 7. */
    for (;;) {
        CHECK(query_requests_page(st, NULL, RQ_ORDER_TIME, first ? NULL : &pos,
                                  1, rows, 7, &n, &err) == RN_OK);
        for (i = 0; i < n; i++) {
            if (rows[i].start_ns < last_start ||
                (rows[i].start_ns == last_start && rows[i].id <= last_id))
                sorted = 0;
            last_start = rows[i].start_ns;
            last_id = rows[i].id;
        }
        total += n;
        if (n > 0)
            rq_pos_of(&rows[n - 1], &pos);
        for (i = 0; i < n; i++)
            rq_row_fini(&rows[i]);
        first = 0;
        if (n < 7)
            break;
    }
    CHECK(total == 50);
    CHECK(sorted);
    /* Failures first: every 5xx before any 2xx, across page boundaries. */
    first = 1;
    total = 0;
    for (;;) {
        CHECK(query_requests_page(st, NULL, RQ_ORDER_FAILURES,
                                  first ? NULL : &pos, 1, rows, 7, &n,
                                  &err) == RN_OK);
        for (i = 0; i < n; i++) {
            if (rows[i].severity > prev_sev)
                sev_ok = 0;
            prev_sev = rows[i].severity;
        }
        total += n;
        if (n > 0)
            rq_pos_of(&rows[n - 1], &pos);
        if (n == 7 && total == 14) {
            /* A backward page from here returns the previous 7 rows. */
            struct rq_pos p2;

            rq_pos_of(&rows[0], &p2);
            CHECK(query_requests_page(st, NULL, RQ_ORDER_FAILURES, &p2, 0, back,
                                      7, &n, &err) == RN_OK);
            CHECK(n == 7);
            for (i = 0; i < n; i++)
                rq_row_fini(&back[i]);
            n = 7;
        }
        for (i = 0; i < n; i++)
            rq_row_fini(&rows[i]);
        first = 0;
        if (n < 7)
            break;
    }
    CHECK(total == 50);
    CHECK(sev_ok);
    store_close(st);
}

/* Ids of the requests matching expr, in list order (page by page). */
static size_t
page_ids(struct store *st, const struct filter *f, enum rq_order order,
         int64_t *ids, size_t max)
{
    struct rq_row rows[100];
    struct rn_err err = {RN_OK, ""};
    size_t n = 0, i;

    CHECK(query_requests_page(st, f, order, NULL, 1, rows, 100, &n, &err) ==
          RN_OK);
    for (i = 0; i < n; i++) {
        if (i < max)
            ids[i] = rows[i].id;
        rq_row_fini(&rows[i]);
    }
    return n;
}

/* Scan in slices of window requests, at most limit matches a slice. */
static size_t
scan_ids(struct store *st, const struct filter *f, enum rq_order order,
         int forward, size_t window, size_t limit, int64_t *ids, size_t max,
         int64_t *scanned)
{
    struct rq_scan sc;
    struct rq_row rows[4];
    struct rn_err err = {RN_OK, ""};
    size_t n, got = 0, i, slices = 0;

    memset(&sc, 0, sizeof sc);
    while (!sc.done && slices++ < 1000) {
        CHECK(query_requests_scan(st, f, order, forward, window, &sc, rows,
                                  limit, &n, &err) == RN_OK);
        CHECK(n <= limit || limit == 0);
        for (i = 0; i < n && limit > 0; i++) {
            if (got < max)
                ids[got] = rows[i].id;
            got++;
            rq_row_fini(&rows[i]);
        }
        if (limit == 0)
            got += n;
    }
    *scanned = sc.scanned;
    return got;
}

/* Count in k pieces of the id space. */
static int64_t
count_pieces(struct store *st, const struct filter *f, int64_t k)
{
    struct rn_err err = {RN_OK, ""};
    int64_t span = QUERY_ID_MAX / k + 1, lo, c, sum = 0;

    for (lo = 1; lo < QUERY_ID_MAX; lo += span) {
        CHECK(query_requests_count_ids(st, f, lo, lo + span - 1, &c, &err) ==
              RN_OK);
        sum += c;
    }
    return sum;
}

static void
test_scan_slices(void)
{
    static const char *const exprs[] = {"", "url:odd", "status:502.2",
                                        "url:nowhere"};
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct filter *f;
    int64_t want[100], got[100], scanned;
    size_t nw, ng, i, w, e, k;
    int order, fwd, same;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 1, 50, 502, STORE_KIND_ETW);
    for (e = 0; e < sizeof exprs / sizeof *exprs; e++) {
        f = NULL;
        if (exprs[e][0] != '\0')
            CHECK(filter_parse(exprs[e], &f, &err) == RN_OK);
        for (order = 0; order < 2; order++) {
            nw = page_ids(st, f, (enum rq_order)order, want, 100);
            for (fwd = 0; fwd < 2; fwd++) {
                static const size_t windows[] = {1, 3, 7, 50, 64};

                for (w = 0; w < 5; w++) {
                    for (k = 0; k < 2; k++) {
                        /* limit 1 or 4 rows a slice; then counting */
                        ng =
                            scan_ids(st, f, (enum rq_order)order, fwd,
                                     windows[w], k ? 4 : 1, got, 100, &scanned);
                        CHECK(ng == nw);
                        CHECK(scanned == 50);
                        same = ng == nw;
                        for (i = 0; same && i < ng; i++)
                            same = got[i] == want[fwd ? i : nw - 1 - i];
                        CHECK(same);
                    }
                    CHECK(scan_ids(st, f, (enum rq_order)order, fwd, windows[w],
                                   0, got, 100, &scanned) == nw);
                    /* A count in id pieces adds up to the same. */
                    CHECK(count_pieces(st, f, (int64_t)windows[w]) ==
                          (int64_t)nw);
                }
            }
        }
        filter_free(f);
    }
    store_close(st);
}

static void
test_pos_cmp(void)
{
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct rq_row rows[60];
    struct rq_pos a, b;
    size_t n, i;
    int order, ok = 1;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 1, 50, 502, STORE_KIND_ETW);
    for (order = 0; order < 2; order++) {
        CHECK(query_requests_page(st, NULL, (enum rq_order)order, NULL, 1, rows,
                                  60, &n, &err) == RN_OK);
        CHECK(n == 50);
        for (i = 0; i + 1 < n; i++) {
            rq_pos_of(&rows[i], &a);
            rq_pos_of(&rows[i + 1], &b);
            if (rq_pos_cmp((enum rq_order)order, &a, &b) >= 0 ||
                rq_pos_cmp((enum rq_order)order, &b, &a) <= 0 ||
                rq_pos_cmp((enum rq_order)order, &a, &a) != 0)
                ok = 0;
        }
        for (i = 0; i < n; i++)
            rq_row_fini(&rows[i]);
    }
    CHECK(ok);
    store_close(st);
}

/* A row callback that counts. */
static enum rn_rc
deadline_rows(void *ctx, int n, const char *const *names,
              const char *const *values)
{
    (void)n;
    (void)names;
    (void)values;
    ++*(int *)ctx;
    return RN_OK;
}

static void
test_deadline(void)
{
    static const char endless[] =
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c)"
        " SELECT count(*) FROM c";
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    int rows = 0;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 2, 4, 500, STORE_KIND_ETW);
    /* A query that never ends stops at its deadline... */
    store_deadline(st, 20000);
    CHECK(store_sql_readonly(st, endless, deadline_rows, &rows, &err) ==
          RN_ETIMEOUT);
    CHECK(strstr(err.msg, "deadline") != NULL);
    CHECK(rows == 0);
    rn_err_clear(&err);
    /* ...and once lifted, reads work as before. */
    store_deadline(st, 0);
    CHECK(store_sql_readonly(st, "SELECT * FROM request", deadline_rows, &rows,
                             &err) == RN_OK);
    CHECK(rows == 4);
    CHECK(count(st, "") == 4);
    store_close(st);
}

/* The histogram cache keeps real (2005) times and refuses damage. */
static void
test_hist_cache(void)
{
    uint32_t total[3] = {977, 0, 4000000000u}, failed[3] = {49, 0, 1};
    struct query_ui_hist h = {1124828346000000000LL, 9765615235LL, 3, total,
                              failed},
                         back;
    struct rn_err err = {RN_OK, ""};
    char *text = query_ui_hist_dump(&h);

    CHECK(query_ui_hist_load(text, &back, &err) == RN_OK);
    CHECK(back.t0 == h.t0 && back.width == h.width && back.n == 3);
    CHECK(back.total[0] == 977 && back.failed[0] == 49);
    CHECK(back.total[2] == 4000000000u && back.failed[2] == 1);
    query_ui_hist_fini(&back);
    free(text);
    CHECK(query_ui_hist_load("1 99999999999999999999 5 1 1/0", &back, &err) ==
          RN_EFORMAT);
    rn_err_clear(&err);
    CHECK(query_ui_hist_load("1 5 5 2 1/0", &back, &err) == RN_EFORMAT);
    rn_err_clear(&err);
    CHECK(query_ui_hist_load("1 5 5 1 1/99999999999", &back, &err) ==
          RN_EFORMAT);
}

/* A request with no time (start 0) does not stretch the histogram. */
static void
test_hist_untimed(void)
{
    struct store_source_info info = {"untimed", STORE_KIND_ETW, "test", 10,
                                     NULL};
    struct store_source_result res;
    struct store_srcreq r;
    struct store_event ev;
    struct query_ui_hist h;
    struct ingest *in;
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    int64_t sid, rid;
    int existing;
    char sha[65];

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 5, 20, 502, STORE_KIND_ETW);
    snprintf(sha, sizeof sha, "%s", fake_sha(6));
    info.sha256 = sha;
    in = ingest_open(st);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    store_srcreq_init(&r);
    r.key = "{00000000-0000-0000-0000-00000000dead}";
    r.verb = "GET";
    CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
    store_event_init(&ev);
    ev.name = "GENERAL_REQUEST_START";
    CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
    memset(&res, 0, sizeof res);
    res.clock_offset_ns = STORE_NONE;
    CHECK(ingest_source_end(in, sid, &res, &err) == RN_OK);
    ingest_close(in);
    CHECK(query_ui_hist_begin(st, 10, &h, &err) == RN_OK);
    CHECK(h.n == 10 && h.t0 == 5000LL * 1000000000LL);
    CHECK(query_ui_hist_bins(st, &h, 0, 10, &err) == RN_OK);
    {
        uint32_t sum = 0;
        size_t i;

        for (i = 0; i < h.n; i++)
            sum += h.total[i];
        CHECK(sum == 20); /* the timed ones, all of them */
    }
    query_ui_hist_fini(&h);
    store_close(st);
}

static void
test_triage_and_timeline(void)
{
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct rq_row row;
    struct ev_row *ev;
    size_t n;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 2, 3, 502, STORE_KIND_ETW);
    CHECK(query_request_by_key(st, "{00000000-0000-0000-0000-000000200000}",
                               &row, &err) == RN_OK);
    CHECK(row.http_status == 502 && row.substatus == 2);
    CHECK(row.severity == 2);
    CHECK(row.roles[STORE_ROLE_HEADER_ERROR] != STORE_NONE);
    CHECK(row.roles[STORE_ROLE_STATUS_SEND] != STORE_NONE);
    CHECK(row.roles[STORE_ROLE_CGI_START] == STORE_NONE);
    CHECK(row.diagnosis != NULL &&
          strstr(row.diagnosis, "Headers= empty") != NULL);
    CHECK(query_timeline(st, &row, &ev, &n, &err) == RN_OK);
    CHECK(n == 3);
    CHECK(n == 3 && ev[2].role == STORE_ROLE_STATUS_SEND);
    CHECK(n == 3 && ev[1].role == STORE_ROLE_HEADER_ERROR);
    ev_rows_free(ev, n);
    /* Marks persist and follow the request. */
    CHECK(query_set_marked(st, row.id, 1, &err) == RN_OK);
    CHECK(count(st, "marked:yes") == 1);
    rq_row_fini(&row);
    store_close(st);
}

static enum rn_rc
sql_rows(void *ctx, int ncol, const char *const *names,
         const char *const *values)
{
    (void)names;
    (void)values;
    *(int *)ctx += ncol > 0;
    return RN_OK;
}

static void
test_sql_readonly(void)
{
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    int rows = 0;
    char *v = NULL;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    add_source(st, 3, 4, 500, STORE_KIND_ETW);
    CHECK(store_sql_readonly(st, "SELECT * FROM request", sql_rows, &rows,
                             &err) == RN_OK);
    CHECK(rows == 4);
    rn_err_clear(&err);
    CHECK(store_sql_readonly(st, "DELETE FROM request", sql_rows, &rows,
                             &err) == RN_EINVAL);
    rn_err_clear(&err);
    CHECK(store_sql_readonly(st, "ATTACH '/tmp/x.db' AS x", sql_rows, &rows,
                             &err) != RN_OK);
    CHECK(count(st, "") == 4);
    CHECK(store_state_set(st, "filter", "status:502.2", &err) == RN_OK);
    CHECK(store_state_get(st, "filter", &v, &err) == RN_OK);
    CHECK_STR(v, "status:502.2");
    free(v);
    store_close(st);
}

static void
test_filter_errors(void)
{
    struct filter *f = NULL;
    struct rn_err err = {RN_OK, ""};

    CHECK(filter_parse("status:abc", &f, &err) == RN_EINVAL && f == NULL);
    CHECK(strstr(err.msg, "abc") != NULL);
    rn_err_clear(&err);
    CHECK(filter_parse("bogus:1", &f, &err) == RN_EINVAL);
    rn_err_clear(&err);
    CHECK(filter_parse("since:yesterday", &f, &err) == RN_EINVAL);
    rn_err_clear(&err);
    CHECK(filter_parse("url:\"a b\" verb:POST", &f, &err) == RN_OK);
    CHECK(filter_nparams(f) == 2);
    CHECK_STR(filter_param_text(f, 0), "a b");
    filter_free(f);
}

/* The store file's header says WAL (2) or a rollback journal (1) in its
 * read and write version bytes (18, 19); -1 if unreadable. */
static int
header_mode(const char *path)
{
    unsigned char h[20];
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(h, 1, sizeof h, f) : 0;

    if (f != NULL)
        fclose(f);
    return n == sizeof h && h[18] == h[19] ? h[18] : -1;
}

/* Remove a store file and the WAL files beside it. */
static void
remove_store(const char *path)
{
    char side[160];

    remove(path);
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

/* A new store in a file of its own, /tmp/rn-test-TAG-PID.db (its path in
 * path), or NULL. */
static struct store *
open_file_store(const char *tag, char *path, size_t n)
{
    struct rn_err err = {RN_OK, ""};
    struct store *st = NULL;

    snprintf(path, n, "/tmp/rn-test-%s-%d.db", tag, (int)getpid());
    remove_store(path);
    CHECK(store_open(path, 0, &st, &err) == RN_OK);
    return st;
}

/* An import into a new store that nobody else has open writes it without
 * WAL and leaves it in WAL; one with another connection open, or with a
 * source already in it, stays in WAL throughout. */
static void
test_bulk_journal(void)
{
    struct rn_err err = {RN_OK, ""};
    struct store *st = NULL, *other = NULL;
    char path[128], side[160];

    st = open_file_store("bulk", path, sizeof path);
    if (st == NULL)
        return;
    CHECK(header_mode(path) == 2);
    store_bulk_begin(st);
    CHECK(header_mode(path) == 1);
    /* While it lasts, a transaction's journal sits beside the store. */
    CHECK(store_begin(st, &err) == RN_OK);
    CHECK(store_state_set(st, "k", "v", &err) == RN_OK);
    snprintf(side, sizeof side, "%s-journal", path);
    CHECK(access(side, F_OK) == 0);
    CHECK(store_commit(st, &err) == RN_OK);
    store_bulk_end(st);
    CHECK(header_mode(path) == 2);

    /* Another connection open: no switch (and no wait for it). */
    CHECK(store_open(path, 0, &other, &err) == RN_OK);
    store_bulk_begin(st);
    CHECK(header_mode(path) == 2);
    store_bulk_end(st);
    store_close(other);

    /* A store that holds a source already: no switch. */
    add_source(st, 7, 2, 502, 1);
    store_bulk_begin(st);
    CHECK(header_mode(path) == 2);
    store_bulk_end(st);

    /* Closed mid-bulk: back in WAL all the same. */
    store_close(st);
    remove(path);
    st = NULL;
    CHECK(store_open(path, 0, &st, &err) == RN_OK);
    store_bulk_begin(st);
    CHECK(header_mode(path) == 1);
    store_close(st);
    CHECK(header_mode(path) == 2);
    remove_store(path);
}

/*
 * Two big sources in one batch: the second one's savepoint changes
 * hundreds of the first one's pages (requests go in by hashed id), so its
 * journal outgrows memory (4 MiB) and spills to a file.  SQLite 3.40
 * writes each spilled chunk in one call, which its unix layer takes only
 * up to 128 KiB - 1: before the store's VFS cut those writes up, this
 * failed with "database or disk is full".
 */
static void
test_savepoint_spill(void)
{
    struct rn_err err = {RN_OK, ""};
    struct store *st = NULL;
    struct ingest *in;
    char path[128];

    st = open_file_store("spill", path, sizeof path);
    if (st == NULL)
        return;
    in = ingest_open(st);
    CHECK(ingest_begin(in, &err) == RN_OK);
    put_source(in, 1, 40000, 502, STORE_KIND_ETW);
    put_source(in, 2, 40000, 502, STORE_KIND_ETW);
    CHECK(ingest_commit(in, &err) == RN_OK);
    if (err.rc != RN_OK)
        fprintf(stderr, "spill: %s\n", err.msg);
    ingest_close(in);
    CHECK(count(st, "") == 80000);
    store_close(st);
    remove_store(path);
}

/* The first column of the first row of sql, as text ("" for none). */
static void
text_of(struct store *st, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *s;

    out[0] = '\0';
    CHECK(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
}

static int64_t
number_of(struct store *st, const char *sql)
{
    char v[64];

    text_of(st, sql, v, sizeof v);
    return strtoll(v, NULL, 10);
}

/* Put request i of a stream source: every field set on request 7. */
static void
wb_request(struct ingest *in, int64_t sid, int i, int64_t *added)
{
    struct rn_err err = {RN_OK, ""};
    struct store_srcreq r;
    struct store_event ev;
    char key[64], fields[512];
    int64_t rid = 0;
    int k;

    snprintf(key, sizeof key, "{00000000-0000-0000-0000-%012d}", 900000 + i);
    store_srcreq_init(&r);
    r.key = key;
    if (i == 7) {
        r.verb = "POST";
        r.url = "http://h/a.exe?q=1";
        r.host = "h";
        r.http_status = 502;
        r.substatus = 2;
        r.win32_status = 109;
        r.client_addr = "10.0.0.1";
        r.client_port = 4242;
        r.server_addr = "10.0.0.2";
        r.server_port = 80;
        r.attrs_json = "{\"a\":\"b\"}";
        r.truncated = 1;
    }
    CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
    /* Events big enough that the source fills many writer batches. */
    memset(fields, 'x', sizeof fields);
    memcpy(fields, "{\"v\":\"", 6);
    memcpy(fields + sizeof fields - 3, "\"}", 3);
    for (k = 0; k < 3; k++) {
        store_event_init(&ev);
        ev.ord = (*added)++;
        ev.seq = i == 7 ? 99 + k : ev.ord + 1;
        ev.line = i == 7 ? 42 + k : STORE_NONE;
        ev.ts_ns = (int64_t)(1000 + i) * 1000000000LL + k;
        ev.provider = i == 7 ? "IISGeneral" : NULL;
        ev.name = k == 0 ? "GENERAL_REQUEST_START" : "EV";
        ev.level = i == 7 ? 3 : STORE_NONE;
        ev.fields_json = fields;
        ev.raw = i == 7 ? "raw <text>" : NULL;
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
    }
    CHECK(ingest_srcreq_done(in, rid, &err) == RN_OK);
}

/*
 * A trace's rows go through the store's writer thread
 * (store_write_behind): every field arrives, a read in the middle of the
 * source sees every row added before it, and a write that fails in the
 * writer fails the source, which leaves the store as it was.
 */
static void
test_write_behind(void)
{
    struct rn_err err = {RN_OK, ""};
    struct store_source_info info = {"wb", STORE_KIND_ETW, "t", 1, NULL};
    struct store_source_result res;
    struct store_srcreq r;
    struct store *st = NULL;
    struct ingest *in;
    char path[128], v[256];
    int64_t sid, id, added = 0, *taken = NULL;
    size_t ntaken = 0;
    int existing, i;

    st = open_file_store("wb", path, sizeof path);
    if (st == NULL)
        return;
    in = ingest_open(st);
    CHECK(ingest_begin(in, &err) == RN_OK);
    info.sha256 = fake_sha(31);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    for (i = 0; i < 1500; i++)
        wb_request(in, sid, i, &added);
    CHECK(number_of(st, "SELECT count(*) FROM event") == added);
    for (; i < 3000; i++)
        wb_request(in, sid, i, &added);
    memset(&res, 0, sizeof res);
    res.clock_offset_ns = STORE_NONE;
    CHECK(ingest_source_end(in, sid, &res, &err) == RN_OK);
    CHECK(res.events == 9000 && res.requests == 3000);
    CHECK(ingest_commit(in, &err) == RN_OK);
    text_of(st,
            "SELECT printf('%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s', verb,"
            " url, host, http_status, substatus, win32_status, client_addr,"
            " client_port, server_addr, server_port, attrs, truncated,"
            " link_rule, request_id = rn_request_id(key)) FROM srcreq"
            " WHERE key = '{00000000-0000-0000-0000-000000900007}'",
            v, sizeof v);
    CHECK_STR(v, "POST|http://h/a.exe?q=1|h|502|2|109|10.0.0.1|4242|"
                 "10.0.0.2|80|{\"a\":\"b\"}|1|context_id|1");
    text_of(st,
            "SELECT group_concat(printf('%s|%s|%s|%s|%s|%s|%s|%s|%s', e.seq,"
            " e.line, e.ts_ns, e.provider, e.name, e.level, length(e.fields),"
            " e.raw, e.kind), ';') FROM event e JOIN srcreq q"
            " ON q.id = e.srcreq_id"
            " WHERE q.key = '{00000000-0000-0000-0000-000000900007}'",
            v, sizeof v);
    CHECK_STR(v, "99|42|1007000000000|IISGeneral|GENERAL_REQUEST_START|3|511|"
                 "raw <text>|1;100|43|1007000000001|IISGeneral|EV|3|511|"
                 "raw <text>|1;101|44|1007000000002|IISGeneral|EV|3|511|"
                 "raw <text>|1");
    text_of(st,
            "SELECT printf('%s|%s|%s|%s|%s|%s', verb, url, http_status,"
            " substatus, severity, sources) FROM request"
            " WHERE key = '{00000000-0000-0000-0000-000000900007}'",
            v, sizeof v);
    CHECK_STR(v, "POST|http://h/a.exe?q=1|502|2|2|1");

    /* Two rows with one id: the second fails in the writer, and the next
     * call that waits for it says so. */
    CHECK(ingest_begin(in, &err) == RN_OK);
    info.sha256 = fake_sha(32);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    store_srcreq_init(&r);
    r.key = "{00000000-0000-0000-0000-000000999999}";
    CHECK(store_srcreq_reserve(st, &id, &err) == RN_OK);
    CHECK(store_srcreq_write(st, id, &r, "context_id", 1, &err) == RN_OK);
    CHECK(store_srcreq_write(st, id, &r, "context_id", 1, &err) == RN_OK);
    CHECK(store_request_taken(st, &taken, &ntaken, &err) == RN_EDB);
    CHECK(strstr(err.msg, "insert request") != NULL);
    free(taken);
    ingest_source_abort(in);
    err.rc = RN_OK;
    CHECK(ingest_commit(in, &err) == RN_OK);
    CHECK(number_of(st, "SELECT count(*) FROM srcreq") == 3000);
    CHECK(number_of(st, "SELECT count(*) FROM event") == 9000);
    CHECK(count(st, "") == 3000);
    /* And the next source goes in through a working writer. */
    CHECK(ingest_begin(in, &err) == RN_OK);
    info.sha256 = fake_sha(33);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    added = 0;
    wb_request(in, sid, 5000, &added);
    CHECK(ingest_source_end(in, sid, &res, &err) == RN_OK);
    CHECK(ingest_commit(in, &err) == RN_OK);
    CHECK(count(st, "") == 3001);
    ingest_close(in);
    store_close(st);
    remove_store(path);
}

/* Whether a store's URLs name several hosts, found by walking its ids in
 * one range or in pieces of `step` ids. */
static int
many_hosts(struct store *st, const char *const *urls, int64_t step)
{
    struct rn_err err = {RN_OK, ""};
    struct query_ui_hosts h = {NULL, 0, 0};
    char key[32];
    int64_t lo;
    int i, many;

    CHECK(store_exec(st, "DELETE FROM request", &err) == RN_OK);
    for (i = 0; urls[i] != NULL; i++) {
        sqlite3_stmt *s = store_cached(
            st, "INSERT INTO request (id, key, url) VALUES (?1, ?2, ?3)", &err);

        snprintf(key, sizeof key, "k%d", i);
        CHECK(s != NULL);
        sqlite3_bind_int64(s, 1, (i + 1) * 10);
        sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
        if (strcmp(urls[i], "NULL") != 0)
            sqlite3_bind_text(s, 3, urls[i], -1, SQLITE_STATIC);
        CHECK(sqlite3_step(s) == SQLITE_DONE);
        sqlite3_reset(s);
    }
    /* The rows' ids are 10, 20, ... (below 100); the last piece runs to
     * the end. */
    for (lo = 1; step < 100 && lo < 100; lo += step)
        CHECK(query_ui_hosts_ids(st, lo, lo + step - 1, &h, &err) == RN_OK);
    CHECK(query_ui_hosts_ids(st, lo, QUERY_ID_MAX, &h, &err) == RN_OK);
    many = h.many;
    query_ui_hosts_fini(&h);
    return many;
}

static void
test_many_hosts(void)
{
    static const char *const one[] = {"http://h/a", "http://h/b?x=1",
                                      "http://h", "NULL", NULL};
    static const char *const port[] = {"http://h/a", "http://h:8080/a", NULL};
    static const char *const path[] = {"http://h/a", "/a", NULL};
    static const char *const paths[] = {"/a", "/b", "NULL", NULL};
    static const char *const none[] = {"NULL", NULL};
    static const char *const late[] = {"http://h/a", "http://h/b",
                                       "https://h/c", NULL};
    struct rn_err err = {RN_OK, ""};
    struct query_ui_hosts h = {NULL, 0, 0};
    struct store *st;
    sqlite3_stmt *s;
    int found = 0, cuts = 0;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    /* The whole range at once, and pieces of 7 ids (one request or none
     * each, with a NULL URL or the first URL alone in some). */
    CHECK(many_hosts(st, one, QUERY_ID_MAX) == 0);
    CHECK(many_hosts(st, port, QUERY_ID_MAX) == 1);
    CHECK(many_hosts(st, path, QUERY_ID_MAX) == 1);
    CHECK(many_hosts(st, paths, QUERY_ID_MAX) == 0);
    CHECK(many_hosts(st, none, QUERY_ID_MAX) == 0);
    CHECK(many_hosts(st, late, QUERY_ID_MAX) == 1);
    CHECK(many_hosts(st, one, 7) == 0);
    CHECK(many_hosts(st, paths, 7) == 0);
    CHECK(many_hosts(st, late, 7) == 1);
    /* Once another host is met, later ranges cannot undo it (the rows
     * are late's). */
    CHECK(query_ui_hosts_ids(st, 1, 35, &h, &err) == RN_OK);
    CHECK(h.many == 1 && h.first != NULL && strcmp(h.first, "http://h") == 0);
    CHECK(store_exec(st, "UPDATE request SET url = 'http://h/z'", &err) ==
          RN_OK);
    CHECK(query_ui_hosts_ids(st, 36, QUERY_ID_MAX, &h, &err) == RN_OK);
    CHECK(h.many == 1);
    query_ui_hosts_fini(&h);
    CHECK(h.first == NULL && h.many == 0);
    /* Cut short by the deadline, the walk goes on from h.next: 20,000
     * URLs of one host, then one of another at the last id. */
    CHECK(store_exec(st,
                     "DELETE FROM request; WITH RECURSIVE c(x) AS (SELECT 1"
                     " UNION ALL SELECT x + 1 FROM c WHERE x < 20000)"
                     " INSERT INTO request (id, key, url) SELECT x, 'k' || x,"
                     " 'http://h/p' || x FROM c; INSERT INTO request (id, key,"
                     " url) VALUES (30000, 'last', 'http://other/')",
                     &err) == RN_OK);
    h.next = 1;
    for (;;) {
        int64_t from = h.next;
        enum rn_rc rc;

        store_deadline(st, 1);
        rc = query_ui_hosts_ids(st, from, QUERY_ID_MAX, &h, &err);
        store_deadline(st, 0);
        if (rc != RN_ETIMEOUT)
            break;
        rn_err_clear(&err);
        CHECK(h.next > from && h.many == 0);
        if (h.next <= from)
            break;
        cuts++;
    }
    CHECK(cuts > 0 && h.many == 1 && h.next == 30001);
    query_ui_hosts_fini(&h);
    /* A range of ids is a search of the table by rowid, not a scan. */
    CHECK(store_prepare(st,
                        "EXPLAIN QUERY PLAN SELECT url FROM request WHERE id"
                        " BETWEEN ?1 AND ?2 AND url IS NOT NULL",
                        &s, &err) == RN_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);

        found += d != NULL && strstr(d, "INTEGER PRIMARY KEY") != NULL;
    }
    sqlite3_finalize(s);
    CHECK(found == 1);
    store_close(st);
}

/*
 * Link counts per source: a source request is linked when its request
 * holds another kind's; two of one kind are not; a conflict stamp counts
 * only for one left alone; rows without a request are each alone.
 */
static void
test_source_links(void)
{
    static const char sql[] =
        "INSERT INTO source (id, path, kind, format, size, sha256,"
        " imported_at, requests) VALUES"
        " (1, 'e', 1, 'etw', 1, 'a', 't', 4), (2, 'w', 3, 'w3c', 1, 'b', 't',"
        " 3), (3, 'p', 5, 'pcap', 1, 'c', 't', 3);"
        "INSERT INTO srcreq (source_id, kind, key, request_id, alone_reason)"
        " VALUES (1, 1, 'a', 100, NULL), (2, 3, 'b', 100, NULL),"
        " (1, 1, 'c', 200, NULL), (1, 1, 'd', 200, NULL),"
        " (2, 3, 'e', NULL, 'conflict'), (2, 3, 'f', 300, 'no_candidate'),"
        " (3, 5, 'g', 100, NULL), (3, 5, 'h', NULL, 'conflict'),"
        " (3, 5, 'i', 200, 'conflict'), (1, 1, 'j', 400, NULL);";
    struct rn_err err = {RN_OK, ""};
    struct src_row *rows = NULL;
    struct store *st;
    size_t n = 0;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    CHECK(store_exec(st, sql, &err) == RN_OK);
    CHECK(query_sources(st, &rows, &n, &err) == RN_OK && n == 3);
    CHECK(query_source_links(st, rows, n, &err) == RN_OK);
    if (n == 3) {
        /* a; c and d (i's request 200); not j */
        CHECK(rows[0].linked == 3 && rows[0].alone_conflict == -1);
        /* b linked, e alone by conflict, f for want of a candidate */
        CHECK(rows[1].linked == 1 && rows[1].alone_conflict == 1 &&
              rows[1].alone_no_candidate == 1);
        /* g and i linked (i's stamp no longer counts), h by conflict */
        CHECK(rows[2].linked == 2 && rows[2].alone_conflict == 1 &&
              rows[2].alone_no_candidate == 0);
    }
    src_rows_free(rows, n);
    store_close(st);
}

int
main(void)
{
    test_import_and_filter();
    test_abort_keeps_store();
    test_paging();
    test_scan_slices();
    test_pos_cmp();
    test_deadline();
    test_hist_cache();
    test_hist_untimed();
    test_triage_and_timeline();
    test_sql_readonly();
    test_filter_errors();
    test_bulk_journal();
    test_savepoint_spill();
    test_write_behind();
    test_many_hosts();
    test_source_links();
    return test_report("test_store");
}
