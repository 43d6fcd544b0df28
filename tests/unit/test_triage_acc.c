/*
 * The source requests of a capture and of an IIS trace (ETW, FREB) are
 * linked at insert and triaged as they are imported (triage_acc) instead
 * of being read back at the end of the source.  This checks the two ways
 * agree: random source requests, with events in any order, role events
 * with equal ranks and times, late events and puts after
 * ingest_srcreq_done, a key whose request exists already, and more live
 * source requests than the session keeps in memory; then every request
 * row must be what triage_request() writes when it reads the request back
 * from the store, and every link what the end-of-source link gives.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "ingest.h"
#include "ingest_impl.h"
#include "rn_buf.h"
#include "store.h"
#include "store_impl.h"
#include "test.h"

/* The import session of the store under test (one at a time). */
static struct ingest *in;

static uint64_t rng = 88172645463325252ULL;

/* xorshift64: the same sequence on every run. */
static unsigned
pick(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *
pick_str(const char *const *v, unsigned n)
{
    return v[pick(n)];
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Every request row as text, in id order. */
static char *
dump_requests(struct store *st)
{
    sqlite3_stmt *s;
    struct rn_buf b;
    int i;

    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    CHECK(sqlite3_prepare_v2(store_db(st), "SELECT * FROM request ORDER BY id",
                             -1, &s, NULL) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        for (i = 0; i < sqlite3_column_count(s); i++) {
            const unsigned char *t = sqlite3_column_text(s, i);

            rn_buf_printf(&b, "%s|", t != NULL ? (const char *)t : "NULL");
        }
        rn_buf_putc(&b, '\n');
    }
    sqlite3_finalize(s);
    return rn_buf_take(&b);
}

/* Triage every request again from what the store holds. */
static void
retriage_all(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    sqlite3_stmt *s;

    CHECK(sqlite3_prepare_v2(store_db(st), "SELECT id FROM request", -1, &s,
                             NULL) == SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW)
        CHECK(triage_request(st, sqlite3_column_int64(s, 0), &err) == RN_OK);
    sqlite3_finalize(s);
}

static int64_t
scalar(struct store *st, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;

    CHECK(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* End source sid with no problem to report; its counts in *res. */
static enum rn_rc
end_source(int64_t sid, struct store_source_result *res)
{
    struct rn_err err = {RN_OK, ""};

    memset(res, 0, sizeof *res);
    res->clock_offset_ns = STORE_NONE;
    return ingest_source_end(in, sid, res, &err);
}

/* The kind under test and the key its request number 7 shares with a
 * source of another kind. */
static int kind_under_test;
static const char *shared_key;

/* A source of another kind whose request has the key shared_key. */
static void
add_other_source(void)
{
    struct store_source_info info = {"etw", STORE_KIND_ETW, "test", 1,
                                     "11111111111111111111111111111111"
                                     "11111111111111111111111111111111"};
    struct store_source_result res;
    struct store_srcreq r;
    struct store_event ev;
    struct rn_err err = {RN_OK, ""};
    int64_t sid, rid;
    int existing;

    if (kind_under_test == STORE_KIND_ETW) {
        info.kind = STORE_KIND_FREB;
        info.format = "freb";
    }
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    store_srcreq_init(&r);
    r.key = shared_key;
    r.verb = "POST";
    r.start_ns = 5000;
    CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
    store_event_init(&ev);
    ev.seq = 1;
    ev.ts_ns = 4000;
    ev.name = "CGI_LAUNCH";
    ev.fields_json = "{\"ProcessId\":\"77\"}";
    CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
    CHECK(end_source(sid, &res) == RN_OK);
}

/* An event with random name, time and fields for source request sr. */
static void
random_event(int64_t sid, int64_t sr, int64_t *ord)
{
    static const char *const names[] = {
        "CGI_LAUNCH",
        "FASTCGI_START",
        "FASTCGI_ASSIGN_PROCESS",
        "CGI_PREMATURE_TERMINATION",
        "CGI_TIMEOUT",
        "FASTCGI_UNEXPECTED_EXIT",
        "FASTCGI_STDERR_TRACE_ERROR",
        "GENERAL_REQUEST_END",
        "MODULE_SET_RESPONSE_ERROR_STATUS",
        "GENERAL_RESPONSE_HEADERS",
        "HTTP_RESPONSE_STATUS",
        "HTTP_REQUEST_HEADERS",
        "TCP_FIN",
    };
    static const char *const fields[] = {
        NULL,
        "{}",
        "{\"HttpStatus\":\"502\",\"HttpSubStatus\":\"2\"}",
        "{\"status\":\"404\"}",
        "{\"HttpStatus\":\"500\"}",
        "{\"status\":\"200\",\"reason\":\"OK\"}",
        "{\"ErrorCode\":\"0x80070002\",\"ModuleName\":\"CgiModule\","
        "\"HttpReason\":\"Bad Gateway\",\"HttpStatus\":\"502\"}",
        "{\"ErrorCode\":\"3221225477\",\"ModuleName\":\"FastCgiModule\"}",
        "{\"ProcessId\":\"4242\",\"CommandLine\":\"\\\"C:\\\\x.exe\\\" \"}",
        "{\"Headers\":\"\"}",
        "{\"Headers\":\"Content-Type: text/html\\r\\nX: y\"}",
        "{\"Headers\":\"X-Only: 1\"}",
    };
    static const int64_t times[] = {
        STORE_NONE, 1000, 1000, 2000, 3000, -5, STORE_TS_MAX + 1, 900,
    };
    struct store_event ev;
    struct rn_err err = {RN_OK, ""};

    store_event_init(&ev);
    ev.ord = (*ord)++;
    ev.seq = pick(3); /* equal seqs: ties go to the order of arrival */
    ev.ts_ns = times[pick(NELEM(times))];
    ev.name = pick_str(names, NELEM(names));
    ev.fields_json = pick_str(fields, NELEM(fields));
    CHECK(ingest_event_add(in, sid, sr, &ev, NULL, &err) == RN_OK);
}

/* Of each source request of the source under test: its id, and the start
 * and end its puts gave last (STORE_NONE: none). */
static int64_t *put_id, *put_start, *put_end;

/* Put (or put again) source request number i with random attributes. */
static int64_t
random_put(int64_t sid, int i)
{
    static const char *const verbs[] = {NULL, "GET", "POST"};
    static const char *const urls[] = {NULL, "http://h/a", "http://h/cgi.exe"};
    static const int64_t statuses[] = {STORE_NONE, 200, 404, 502};
    static const int64_t times[] = {STORE_NONE, 500, 1500, 2500};
    struct store_srcreq r;
    struct rn_err err = {RN_OK, ""};
    char key[32];
    int64_t sr = 0;

    if (i == 7)
        snprintf(key, sizeof key, "%s", shared_key);
    else if (kind_under_test != STORE_KIND_PCAP && i % 5 != 0)
        /* IIS traces: mostly GUIDs, in either case. */
        snprintf(key, sizeof key, i % 2 ? "{%08X-AB}" : "{%08x-ab}", i);
    else
        snprintf(key, sizeof key, "x:%d", i);
    store_srcreq_init(&r);
    r.key = key;
    r.verb = pick_str(verbs, NELEM(verbs));
    r.url = pick_str(urls, NELEM(urls));
    r.host = pick(2) ? "h" : NULL;
    r.http_status = statuses[pick(NELEM(statuses))];
    r.substatus = r.http_status != STORE_NONE && pick(2) ? 2 : STORE_NONE;
    r.win32_status = pick(4) == 0 ? 5 : STORE_NONE;
    r.start_ns = times[pick(NELEM(times))];
    r.end_ns = times[pick(NELEM(times))];
    CHECK(ingest_srcreq_put(in, sid, &r, &sr, &err) == RN_OK);
    if (put_id == NULL) /* not recorded */
        return sr;
    put_id[i] = sr;
    if (r.start_ns != STORE_NONE)
        put_start[i] = r.start_ns;
    if (r.end_ns != STORE_NONE)
        put_end[i] = r.end_ns;
    return sr;
}

/* Interleave the requests' events as connections do; finish them in a
 * random order (never, when no_done: the session must then write the
 * least recently used ones itself); now and then touch one that is done
 * already. */
static void
fill_capture(int64_t sid, int nreq, int steps, int no_done)
{
    struct rn_err err = {RN_OK, ""};
    int64_t *sr = calloc((size_t)nreq, sizeof *sr), ord = 0;
    int *done = calloc((size_t)nreq, sizeof *done);
    int next = 0, step;

    for (step = 0; step < nreq * steps; step++) {
        int i = (int)pick((unsigned)nreq);

        if (next < nreq && (pick(3) == 0 || next == 0)) {
            sr[next] = random_put(sid, next);
            next++;
            continue;
        }
        if (i >= next)
            continue;
        switch (pick(8)) {
        case 0:
            if (no_done)
                break;
            CHECK(ingest_srcreq_done(in, sr[i], &err) == RN_OK);
            done[i] = 1;
            break;
        case 1:
            if (done[i] || pick(2)) /* a put after done, or a merge */
                CHECK(random_put(sid, i) == sr[i]);
            break;
        default:
            random_event(sid, sr[i], &ord);
        }
    }
    free(sr);
    free(done);
}

/* Each source request's span is the one its puts gave last, else its
 * events' (but TCP_*): the session keeps it in memory and writes it once,
 * events and puts that come after included. */
static void
check_spans(struct store *st, int nreq)
{
    sqlite3_stmt *s;
    int i;

    CHECK(sqlite3_prepare_v2(
              store_db(st),
              "SELECT start_ns, end_ns,"
              " (SELECT min(ts_ns) FROM event WHERE srcreq_id = ?1"
              "   AND name NOT GLOB 'TCP_*'),"
              " (SELECT max(ts_ns) FROM event WHERE srcreq_id = ?1"
              "   AND name NOT GLOB 'TCP_*') FROM srcreq WHERE id = ?1",
              -1, &s, NULL) == SQLITE_OK);
    for (i = 0; i < nreq; i++) {
        sqlite3_bind_int64(s, 1, put_id[i]);
        CHECK(sqlite3_step(s) == SQLITE_ROW);
        CHECK(
            store_col_opt(s, 0) ==
            (put_start[i] != STORE_NONE ? put_start[i] : store_col_opt(s, 2)));
        CHECK(store_col_opt(s, 1) ==
              (put_end[i] != STORE_NONE ? put_end[i] : store_col_opt(s, 3)));
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
}

static void
test_matches_read_back(int kind, unsigned seed, int nreq, int with_shared)
{
    struct store_source_info info = {"src", 0, "test", 1,
                                     "22222222222222222222222222222222"
                                     "22222222222222222222222222222222"};
    struct store_source_result res;
    struct rn_err err = {RN_OK, ""};
    struct store *st;
    char *incremental, *read_back;
    int64_t sid;
    int existing, other = kind == STORE_KIND_ETW ? 2 : 1;
    /* Past the session's limit, nothing is ever said to be done. */
    int many = nreq > 4096;

    rng = 88172645463325252ULL + seed;
    kind_under_test = info.kind = kind;
    shared_key = kind == STORE_KIND_PCAP ? "shared" : "{5EED-0007}";
    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    in = ingest_open(st);
    if (with_shared)
        add_other_source();
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    put_id = calloc((size_t)nreq, sizeof *put_id);
    put_start = malloc((size_t)nreq * sizeof *put_start);
    put_end = malloc((size_t)nreq * sizeof *put_end);
    for (int i = 0; i < nreq; i++)
        put_start[i] = put_end[i] = STORE_NONE;
    fill_capture(sid, nreq, many ? 3 : 12, many);
    CHECK(end_source(sid, &res) == RN_OK);
    CHECK(res.requests == nreq);
    check_spans(st, nreq);
    free(put_id);
    free(put_start);
    free(put_end);
    put_id = put_start = put_end = NULL;
    /* Every source request is linked to the request of its own key, by
     * the rule the end-of-source link gives (correlate_bulk). */
    CHECK(scalar(st, "SELECT count(*) FROM srcreq q JOIN source s"
                     " ON s.id = q.source_id WHERE s.sha256 LIKE '2%' AND"
                     " (request_id IS NOT rn_request_id(q.key) OR link_rule"
                     " IS NOT CASE WHEN q.kind = 5 OR q.key NOT GLOB '{*'"
                     " THEN 'self' WHEN q.kind = 1 THEN 'context_id'"
                     " ELSE 'activity_id' END OR request_id NOT IN"
                     " (SELECT id FROM request))") == 0);
    CHECK(scalar(st, "SELECT count(*) FROM request") == nreq);
    if (with_shared)
        CHECK(scalar(st, "SELECT sources FROM request WHERE key IN"
                         " ('shared', '{5eed-0007}')") ==
              (other | 1 << (kind - 1)));
    incremental = dump_requests(st);
    retriage_all(st);
    read_back = dump_requests(st);
    CHECK(incremental != NULL && read_back != NULL &&
          strcmp(incremental, read_back) == 0);
    if (strcmp(incremental, read_back) != 0)
        fprintf(stderr,
                "kind %d seed %u:\n--- as imported\n%s--- read back\n%s", kind,
                seed, incremental, read_back);
    free(incremental);
    free(read_back);
    ingest_close(in);
    store_close(st);
}

/* An aborted capture leaves nothing behind (and leaks nothing). */
static void
test_abort(void)
{
    struct store_source_info info = {"cap", STORE_KIND_PCAP, "pcap", 1,
                                     "33333333333333333333333333333333"
                                     "33333333333333333333333333333333"};
    struct store_source_result res;
    struct rn_err err = {RN_OK, ""};
    struct store *st;
    int64_t sid;
    int existing;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    in = ingest_open(st);
    CHECK(ingest_begin(in, &err) == RN_OK);
    kind_under_test = STORE_KIND_PCAP;
    shared_key = "shared";
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    fill_capture(sid, 40, 12, 0);
    ingest_source_abort(in);
    CHECK(ingest_commit(in, &err) == RN_OK);
    CHECK(scalar(st, "SELECT count(*) FROM request") == 0);
    CHECK(scalar(st, "SELECT count(*) FROM srcreq") == 0);
    /* And the same content imports in full afterwards. */
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    CHECK(!existing);
    fill_capture(sid, 5, 12, 0);
    CHECK(end_source(sid, &res) == RN_OK);
    CHECK(scalar(st, "SELECT count(*) FROM request") == 5);
    ingest_close(in);
    store_close(st);
}

int
main(void)
{
    static const int kinds[] = {STORE_KIND_PCAP, STORE_KIND_ETW,
                                STORE_KIND_FREB};
    unsigned seed;
    size_t k;

    for (k = 0; k < NELEM(kinds); k++) {
        for (seed = 0; seed < 40; seed++)
            test_matches_read_back(kinds[k], seed, 30, seed % 2);
        test_matches_read_back(kinds[k], 99, 400, 1);
    }
    /* More live at once than the session keeps: it writes the least
     * recently used itself, and what comes later for them is late. */
    test_matches_read_back(STORE_KIND_ETW, 7, 5000, 1);
    test_abort();
    return test_report("test_triage_acc");
}
