/*
 * Unit tests of the front end's state machine and formatting, without a
 * terminal (no curses is linked): keys go into state_key() and the tests
 * look at the views, the prompt and the store.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "ingest.h"
#include "keys.h"
#include "query.h"
#include "rn_time.h"
#include "state.h"
#include "store.h"
#include "test.h"
#include "view.h"

#define NREQ 100

/* Request i's key. */
static void
key_of(int i, char *buf, size_t n)
{
    snprintf(buf, n, "{00000000-0000-0000-4c06-%012d}", i);
}

/*
 * A store of nreq requests, one a second; every 10th is a seed-like
 * 502.2 (CGI_LAUNCH, CGI_PREMATURE_TERMINATION, GENERAL_REQUEST_END),
 * the others plain 200s.  Request needle's URL is unique ("needle").
 * Their URLs are http://HOST/...
 */
static struct store *
make_store_at(const char *path, const char *host, int first, int nreq,
              int needle)
{
    char sha[65];
    struct store_source_info info = {"mem.xml", STORE_KIND_ETW, "test", 10,
                                     sha};
    struct store_source_result res;
    struct rn_err err = {RN_OK, ""};
    struct store *st = NULL;
    struct ingest *in;
    int64_t sid, rid;
    int existing, i, ord = 0;

    /* Each import its own content (the store skips a source seen). */
    snprintf(sha, sizeof sha, "%064d", first + 1);
    CHECK(store_open(path, 0, &st, &err) == RN_OK);
    in = ingest_open(st);
    CHECK(ingest_begin(in, &err) == RN_OK);
    CHECK(ingest_source_begin(in, &info, &sid, &existing, &err) == RN_OK);
    for (i = first; i < first + nreq; i++) {
        struct store_srcreq r;
        struct store_event ev;
        char key[64], url[128], fields[256];
        int fail = i % 10 == 3;
        int64_t t = (1124828346LL + i) * 1000000000LL;

        key_of(i, key, sizeof key);
        snprintf(url, sizeof url, "http://%s/%s/%d", host,
                 i == needle ? "needle" : (fail ? "cgi-bin/app.exe" : "page"),
                 i);
        store_srcreq_init(&r);
        r.key = key;
        r.verb = fail ? "POST" : "GET";
        r.url = url;
        CHECK(ingest_srcreq_put(in, sid, &r, &rid, &err) == RN_OK);
        store_event_init(&ev);
        ev.ord = ord++;
        ev.seq = 1000 + ev.ord;
        ev.ts_ns = t;
        ev.name = "GENERAL_REQUEST_START";
        snprintf(fields, sizeof fields,
                 "{\"ContextId\":\"%s\",\"RequestURL\":\"%s\","
                 "\"RequestVerb\":\"%s\"}",
                 key, url, r.verb);
        ev.fields_json = fields;
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
        if (fail) {
            ev.ord = ord++;
            ev.seq = 1000 + ev.ord;
            ev.ts_ns = t + 1000000;
            ev.name = "CGI_LAUNCH";
            ev.fields_json = "{\"ProcessId\":\"3136\"}";
            CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
            ev.ord = ord++;
            ev.seq = 1000 + ev.ord;
            ev.ts_ns = t + 400000000;
            ev.name = "CGI_PREMATURE_TERMINATION";
            ev.level = 2;
            ev.fields_json = "{\"Headers\":\"\"}";
            CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
            ev.level = STORE_NONE;
        }
        ev.ord = ord++;
        ev.seq = 1000 + ev.ord;
        ev.ts_ns = t + 500000000;
        ev.name = "GENERAL_REQUEST_END";
        snprintf(fields, sizeof fields,
                 "{\"HttpStatus\":\"%d\",\"HttpSubStatus\":\"%d\"}",
                 fail ? 502 : 200, fail ? 2 : 0);
        ev.fields_json = fields;
        CHECK(ingest_event_add(in, sid, rid, &ev, NULL, &err) == RN_OK);
    }
    memset(&res, 0, sizeof res);
    res.clock_offset_ns = STORE_NONE;
    CHECK(ingest_source_end(in, sid, &res, &err) == RN_OK);
    CHECK(ingest_commit(in, &err) == RN_OK);
    ingest_close(in);
    if (err.rc != RN_OK)
        fprintf(stderr, "store: %s\n", err.msg);
    return st;
}

static struct store *
make_store(int nreq, int needle)
{
    return make_store_at(":memory:", "h", 0, nreq, needle);
}

/* Feed a key script (keys.h syntax). */
static unsigned
keys(struct state *s, const char *script)
{
    struct keys_event ev[256];
    size_t bad = 0;
    int n = keys_parse_script(script, ev, 256, &bad), i;
    unsigned flags = 0;

    CHECK(n >= 0);
    for (i = 0; i < n; i++) {
        if (ev[i].key == KEYS_RESIZE)
            state_resize(s, ev[i].rows, ev[i].cols);
        else
            flags |= state_key(s, ev[i].key);
    }
    return flags;
}

/* Run every background job. */
static void
idle(struct state *s)
{
    while (s->jobs != 0)
        state_idle(s);
}

/* The request under the list cursor. */
static const struct rq_row *
cur_row(struct state *s)
{
    return view_list_current(&state_top(s)->u.list);
}

/* Id of the k-th request (0-based) of the whole list in an order. */
static int64_t
nth_id(struct store *st, enum rq_order order, size_t k)
{
    struct rq_row rows[NREQ];
    struct rn_err err = {RN_OK, ""};
    size_t n = 0, i;
    int64_t id = 0;

    CHECK(query_requests_page(st, NULL, order, NULL, 1, rows, NREQ, &n, &err) ==
          RN_OK);
    if (k < n)
        id = rows[k].id;
    for (i = 0; i < n; i++)
        rq_row_fini(&rows[i]);
    return id;
}

/* Name of the timeline's cursor event. */
static const char *
tl_name(struct state *s)
{
    struct view *v = state_top(s);

    if (v->kind != VIEW_TIMELINE || v->u.tl.n == 0)
        return "(no timeline)";
    return v->u.tl.ev[v->u.tl.cur].name;
}

static void
test_fmt(void)
{
    char b[64];
    char *e;
    struct fmt_fields f;
    struct keys_event ev[16];
    size_t bad;

    fmt_duration(0, 401 * 1000000000LL, b, sizeof b);
    CHECK_STR(b, "6m41.0s");
    fmt_duration(0, 12 * 1000000LL, b, sizeof b);
    CHECK_STR(b, "12ms");
    fmt_duration(0, 3400 * 1000000LL, b, sizeof b);
    CHECK_STR(b, "3.4s");
    fmt_duration(0, 7300 * 1000000000LL, b, sizeof b);
    CHECK_STR(b, "2h01m40s");
    fmt_duration(0, 294061405000LL, b, sizeof b);
    CHECK_STR(b, "4m54.1s");
    fmt_duration(0, 999600000LL, b, sizeof b);
    CHECK_STR(b, "1.0s");
    fmt_duration(0, 59960000000LL, b, sizeof b);
    CHECK_STR(b, "1m00.0s");
    fmt_duration(0, 15500 * 1000000LL, b, sizeof b);
    CHECK_STR(b, "15.5s");
    fmt_duration(0, 412000, b, sizeof b);
    CHECK_STR(b, "412us");
    fmt_duration(0, 1250000, b, sizeof b);
    CHECK_STR(b, "1.3ms");
    fmt_duration(5, 5, b, sizeof b);
    CHECK_STR(b, "0ms");
    fmt_duration(STORE_NONE, 5, b, sizeof b);
    CHECK_STR(b, "-");
    fmt_status(502, 2, b, sizeof b);
    CHECK_STR(b, "502.2");
    fmt_status(STORE_NONE, STORE_NONE, b, sizeof b);
    CHECK_STR(b, "-");
    fmt_sources(0x1 | 0x2 | 0x10, b, sizeof b);
    CHECK_STR(b, "EF  P");
    fmt_rel(401000000000LL, b, sizeof b);
    CHECK_STR(b, "+6m41.0s");
    fmt_rel(294061405000LL, b, sizeof b);
    CHECK_STR(b, "+4m54.1s");
    fmt_rel(12000000, b, sizeof b);
    CHECK_STR(b, "+12ms");
    fmt_rel(-1500000, b, sizeof b);
    CHECK_STR(b, "-1.5ms");
    fmt_rel(STORE_NONE, b, sizeof b);
    CHECK_STR(b, "?");
    {
        size_t st[8], ln[8], nl;

        nl = fmt_wrap("the CGI did not answer", 10, st, ln, 8);
        CHECK(nl == 3);
        CHECK(ln[0] == 7 &&
              strncmp("the CGI did not answer" + st[0], "the CGI", 7) == 0);
        CHECK(strncmp("the CGI did not answer" + st[1], "did not", 7) == 0);
        CHECK(strncmp("the CGI did not answer" + st[2], "answer", 6) == 0 &&
              ln[2] == 6);
        /* A word wider than the line is cut; the count is exact. */
        nl = fmt_wrap("abcdefghijKLMNO", 10, st, ln, 1);
        CHECK(nl == 2 && ln[0] == 10);
        CHECK(fmt_wrap("", 10, st, ln, 8) == 1 && ln[0] == 0);
    }
    CHECK_STR(fmt_url_path("http://h.example:80/cgi-bin/a.exe?x=1"),
              "/cgi-bin/a.exe?x=1");
    CHECK_STR(fmt_url_path("http://h.example"), "/");
    CHECK_STR(fmt_url_path("/plain/path"), "/plain/path");
    e = fmt_url_short("/cgi-bin/htmlos.exe/00182.3.055317239900014075", 31,
                      "~");
    CHECK(fmt_width(e) <= 31);
    CHECK(strstr(e, "/cgi-bin/htmlos.exe/") == e);
    free(e);
    /* Narrower: the directories give way before the program name. */
    e = fmt_url_short("/cgi-bin/htmlos.exe/00182.3.055317239900014075", 20,
                      "~");
    CHECK(fmt_width(e) <= 20);
    CHECK(strstr(e, "~/htmlos.exe/") == e);
    free(e);
    e = fmt_url_short("/app/page.aspx?session=abcdefghijklmnop&x=1", 20, "~");
    CHECK_STR(e, "/app/page.aspx?~");
    free(e);
    e = fmt_url_short("/a/b.htm", 20, "~");
    CHECK_STR(e, "/a/b.htm");
    free(e);
    /* Far too narrow: still no wider than asked. */
    e = fmt_url_short("/cgi-bin/htmlos.exe/00182.3.055317239900014075", 8, "~");
    CHECK(fmt_width(e) <= 8);
    free(e);
    fmt_srcpos(STORE_KIND_FREB, "C:\\logs\\fr000017.xml", 12, b, sizeof b);
    CHECK_STR(b, "FREB fr000017.xml #12");
    fmt_srcpos(STORE_KIND_PCAP, "x.pcap", 5731, b, sizeof b);
    CHECK_STR(b, "PCAP x.pcap frame 5731");
    fmt_time(1124828346LL * 1000000000LL, FMT_TIME_SHORT, b, sizeof b);
    CHECK_STR(b, "08-23 20:19:06.000");

    e = fmt_elide_middle("http://example.org/a/very/long/path", 16, "~");
    CHECK_STR(e, "http://e~ng/path");
    CHECK(fmt_width(e) == 16);
    free(e);
    e = fmt_elide_middle("short", 16, "\xe2\x80\xa6");
    CHECK_STR(e, "short");
    free(e);
    /* Wide characters count two columns and are never split. */
    e = fmt_elide_middle("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"
                         "abcdef",
                         8, "~");
    CHECK(fmt_width(e) <= 8);
    free(e);
    CHECK(fmt_find_ci("http://H/NeedLe/4", "needle") == 9);
    CHECK(fmt_find_ci("abc", "x") == -1);

    fmt_fields_parse("{\"Headers\":\"\",\"A\":\"x\\u001b[2Jy\",\"N\":12}", &f);
    CHECK(f.n == 3);
    if (f.n == 3) {
        CHECK_STR(f.keys[0], "Headers");
        CHECK_STR(f.vals[0], "");
        CHECK_STR(f.vals[1], "x\x1b[2Jy");
        CHECK_STR(f.vals[2], "12");
        e = fmt_fields_inline(&f);
        /* Empty values stay visible; escapes come out escaped. */
        CHECK_STR(e, "Headers=  A=x\\x1b[2Jy  N=12");
        free(e);
    }
    fmt_fields_fini(&f);

    CHECK(keys_parse_script("j\\r<Down><C-l><resize:100x30>\xc3\xa9", ev, 16,
                            &bad) == 6);
    CHECK(ev[0].key == 'j');
    CHECK(ev[1].key == KEYS_ENTER);
    CHECK(ev[2].key == KEYS_DOWN);
    CHECK(ev[3].key == 12);
    CHECK(ev[4].key == KEYS_RESIZE && ev[4].cols == 100 && ev[4].rows == 30);
    CHECK(ev[5].key == 0xE9);
    CHECK(keys_parse_script("<Nope>", ev, 16, &bad) == -1);
    CHECK(keys_lookup('c', KEYS_IN_TIMELINE) == ACT_JUMP_CGI);
    CHECK(keys_lookup(KEYS_ENTER, KEYS_IN_LIST) == ACT_OPEN);
    CHECK(keys_lookup(KEYS_ENTER, KEYS_IN_TIMELINE) == ACT_DETAIL);
    CHECK(keys_lookup('x', KEYS_IN_TEXT) == ACT_NONE);
}

static void
test_list_paging(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    struct list_state *l;
    int64_t first;
    int i;

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    l = &state_top(s)->u.list;
    CHECK(state_top(s)->kind == VIEW_LIST);
    CHECK(l->order == RQ_ORDER_FAILURES);
    CHECK(l->n == (size_t)state_body_height(s));
    CHECK(l->n == 19); /* 24 rows: header, strip, labels, headings, status */
    /* Failures first: the ten 502.2 requests lead. */
    CHECK(l->rows[0].http_status == 502 && l->rows[9].http_status == 502);
    CHECK(l->rows[10].http_status == 200);

    for (i = 0; i < 30; i++)
        keys(s, "j");
    CHECK(cur_row(s) != NULL && cur_row(s)->id == nth_id(st, l->order, 30));
    CHECK(l->cur == l->n - 1);
    keys(s, "<PgDn>");
    CHECK(cur_row(s)->id == nth_id(st, l->order, 49));
    keys(s, "<PgUp>k");
    CHECK(cur_row(s)->id == nth_id(st, l->order, 29));
    keys(s, "G");
    CHECK(cur_row(s)->id == nth_id(st, l->order, NREQ - 1));
    keys(s, "j");
    CHECK(cur_row(s)->id == nth_id(st, l->order, NREQ - 1));
    keys(s, "g");
    CHECK(cur_row(s)->id == nth_id(st, l->order, 0));
    keys(s, "k");
    CHECK(cur_row(s)->id == nth_id(st, l->order, 0));

    /* Order toggle keeps the cursor's request. */
    keys(s, "jjj");
    first = cur_row(s)->id;
    keys(s, "o");
    CHECK(l->order == RQ_ORDER_TIME);
    CHECK(cur_row(s)->id == first);

    /* Resize: the page follows the body height, the cursor stays. */
    keys(s, "<resize:80x10>");
    idle(s); /* a page slower than the key's 15 ms fills in slices */
    CHECK(l->n == (size_t)state_body_height(s));
    CHECK(cur_row(s)->id == first);
    keys(s, "<resize:200x60>");
    idle(s); /* a page slower than the key's 15 ms fills in slices */
    CHECK(l->n == (size_t)state_body_height(s));
    CHECK(cur_row(s)->id == first);
    keys(s, "<resize:30x3>");
    idle(s); /* a page slower than the key's 15 ms fills in slices */
    CHECK(cur_row(s) != NULL && cur_row(s)->id == first);

    /* :goto a time in time order. */
    keys(s, "<resize:80x24>:goto 2005-08-23T20:20:00Z\r");
    CHECK(cur_row(s)->start_ns == (1124828346LL + 54) * 1000000000LL);
    keys(s, ":goto 20:19:10\r");
    CHECK(cur_row(s)->start_ns == (1124828346LL + 4) * 1000000000LL);
    CHECK(strstr(s->msg, "goto: 2005-08-23 20:19:10.000, the first request") ==
          s->msg);
    keys(s, ":goto nonsense\r");
    CHECK(strstr(s->msg, "goto: bad time") != NULL);
    state_free(s);
}

static void
test_filter_and_jumps(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    struct list_state *l;
    int64_t id;
    size_t i;

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    l = &state_top(s)->u.list;
    keys(s, "f<C-u>status:502.2\r");
    idle(s);
    CHECK_STR(l->filter_text, "status:502.2");
    CHECK(l->count == 10);
    CHECK(l->n == 10);
    for (i = 0; i < l->n; i++)
        CHECK(l->rows[i].http_status == 502 && l->rows[i].substatus == 2);
    /* A bad filter keeps the old one and reopens the prompt. */
    keys(s, "f<C-u>status:bad\r");
    CHECK(s->prompt.kind == PROMPT_FILTER);
    CHECK(strstr(s->msg, "bad status") != NULL);
    keys(s, "\\e");
    CHECK(s->prompt.kind == PROMPT_NONE);
    CHECK_STR(l->filter_text, "status:502.2");
    /* History: Up brings the last filter back. */
    keys(s, "f<C-u><Up>");
    CHECK_STR(s->prompt.text, "status:502.2");
    keys(s, "\\e");

    /* Enter, then the jump keys. */
    keys(s, "\r");
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    keys(s, "c");
    CHECK_STR(tl_name(s), "CGI_LAUNCH");
    keys(s, "h");
    CHECK_STR(tl_name(s), "CGI_PREMATURE_TERMINATION");
    keys(s, "s");
    CHECK_STR(tl_name(s), "GENERAL_REQUEST_END");
    keys(s, "gn");
    CHECK_STR(tl_name(s), "CGI_PREMATURE_TERMINATION");
    keys(s, "w");
    CHECK(strstr(s->msg, "no next warning") != NULL);
    /* Detail pane: every field and the role. */
    keys(s, "h\r");
    CHECK(state_top(s)->u.tl.detail);
    {
        size_t n, k;
        char **lines = view_timeline_detail(&state_top(s)->u.tl, 0, &n);
        int headers = 0, role = 0;

        for (k = 0; k < n; k++) {
            headers |= strstr(lines[k], "Headers =") != NULL;
            role |= strstr(lines[k], "header_error") != NULL;
        }
        CHECK(headers && role);
        view_timeline_detail_free(lines, n);
    }
    /* e/E: the next failed request, without leaving the timeline. */
    id = state_top(s)->u.tl.req.id;
    keys(s, "e");
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    CHECK(state_top(s)->u.tl.req.id != id);
    CHECK(state_top(s)->u.tl.req.http_status == 502);
    keys(s, "E");
    CHECK(state_top(s)->u.tl.req.id == id);
    keys(s, "q");
    CHECK(state_top(s)->kind == VIEW_LIST);
    CHECK(cur_row(s)->id == id);

    /* From the list, h opens at the header error. */
    keys(s, "h");
    CHECK_STR(tl_name(s), "CGI_PREMATURE_TERMINATION");
    keys(s, "q");

    /* A request without the role says so. */
    keys(s, "\\e");
    CHECK_STR(l->filter_text, "");
    keys(s, "f<C-u>status:200\r\r");
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    keys(s, "c");
    CHECK(strstr(s->msg, "no cgi_start event") != NULL);
    CHECK_STR(tl_name(s), "GENERAL_REQUEST_START");
    keys(s, "q");
    state_free(s);
}

static void
test_search(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    keys(s, "\\e\\e");
    /* Incremental search looks at the rows shown; Enter at the store. */
    keys(s, "/needl");
    CHECK(s->prompt.kind == PROMPT_SEARCH_FWD);
    keys(s, "e\r");
    idle(s); /* text: looks at events too: it may go on as a scan */
    CHECK(cur_row(s) != NULL && strstr(cur_row(s)->url, "needle") != NULL);
    CHECK_STR(s->search, "needle");
    /* n wraps back to the same single match. */
    keys(s, "n");
    idle(s);
    CHECK(strstr(cur_row(s)->url, "needle") != NULL);
    keys(s, "/nothing-like-this\r");
    idle(s);
    CHECK(strstr(s->msg, "pattern not found") != NULL);
    /* Enter runs no query: a store search (it reads events) is handed to
     * the background, whose first slice is the query itself. */
    keys(s, "g/needle\r");
    CHECK(state_top(s)->u.list.scan.kind == SCAN_SEARCH);
    CHECK(state_top(s)->u.list.scan.direct);
    CHECK(strstr(cur_row(s)->url, "needle") == NULL);
    state_idle(s);
    CHECK(state_top(s)->u.list.scan.kind == SCAN_NONE);
    CHECK(strstr(cur_row(s)->url, "needle") != NULL);
    /* So is a text: filter's page. */
    keys(s, "ftext:needle\r");
    CHECK(state_top(s)->u.list.scan.kind == SCAN_FILL);
    CHECK(state_top(s)->u.list.n == 0);
    idle(s);
    CHECK(state_top(s)->u.list.n == 1);
    CHECK(strstr(cur_row(s)->url, "needle") != NULL);
    keys(s, "\\e\\e"); /* the search, then the filter */
    idle(s);
    CHECK_STR(state_top(s)->u.list.filter_text, "");
    /* Esc in the prompt goes back to where it started. */
    keys(s, "g/page/5\\e");
    CHECK(s->prompt.kind == PROMPT_NONE);
    CHECK(cur_row(s)->id == nth_id(st, state_top(s)->u.list.order, 0));
    /* Backward search is N after /; ? is the help, not a search. */
    keys(s, "G/app.exe\r");
    idle(s);
    keys(s, "N");
    idle(s);
    CHECK(s->prompt.kind == PROMPT_NONE);
    CHECK(strstr(cur_row(s)->url, "app.exe") != NULL);
    keys(s, "?");
    CHECK(state_top(s)->kind == VIEW_TEXT);
    CHECK(state_top(s)->u.text.help_cols == 80);
    keys(s, "q");
    CHECK(state_top(s)->kind == VIEW_LIST);
    /* A store search finds event names (text:), and the timeline opens
     * on the matching event. */
    keys(s, "g/premature_term\\r");
    idle(s);
    CHECK(cur_row(s) != NULL && cur_row(s)->http_status == 502);
    keys(s, "\\r");
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    CHECK_STR(tl_name(s), "CGI_PREMATURE_TERMINATION");
    keys(s, "q\\e");
    CHECK(state_top(s)->kind == VIEW_LIST);
    /* In a timeline, search covers the fields. */
    keys(s, "\\e\r/ProcessId\r");
    CHECK_STR(tl_name(s), "CGI_LAUNCH");
    keys(s, "q\\e");
    CHECK_STR(s->search, "");
    state_free(s);
}

/* Ids of every request matching expr, in list order (malloc'd). */
static int64_t *
all_ids(struct store *st, const char *expr, enum rq_order order, size_t *n)
{
    struct rn_err err = {RN_OK, ""};
    struct filter *f = NULL;
    struct rq_row *rows = calloc(4000, sizeof *rows);
    int64_t *ids = calloc(4000, sizeof *ids);
    size_t i;

    CHECK(rows != NULL && ids != NULL);
    CHECK(filter_parse(expr, &f, &err) == RN_OK);
    CHECK(query_requests_page(st, f, order, NULL, 1, rows, 4000, n, &err) ==
          RN_OK);
    for (i = 0; i < *n; i++) {
        ids[i] = rows[i].id;
        rq_row_fini(&rows[i]);
    }
    free(rows);
    filter_free(f);
    return ids;
}

/*
 * Queries that miss their time go on as scans in slices (list_scan.c).
 * With query_us < 0 every list query is a scan, so each path (filter,
 * scroll, End, search, count, Esc) goes through one, and must land where
 * the direct query would.  A real deadline of 1 us sends a search for a
 * request 2500 rows away to a scan too.
 */
static void
test_slow_scans(void)
{
    struct store *st = make_store(3000, 2500);
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "big");
    struct list_state *l;
    int64_t *ids;
    size_t n, i;
    int steps;

    s->query_us = -1;
    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    idle(s);
    l = &state_top(s)->u.list;
    ids = all_ids(st, "url:cgi-bin", l->order, &n);
    CHECK(n == 300);
    /* A filter: the page starts empty and fills in slices. */
    keys(s, "furl:cgi-bin\r");
    CHECK((s->jobs & JOB_SCAN) != 0);
    CHECK(l->scan.kind == SCAN_FILL);
    CHECK(strstr(s->msg, "filtering") != NULL);
    /* Keys while it fills do not stop it. */
    keys(s, "jj");
    CHECK(l->scan.kind == SCAN_FILL);
    idle(s);
    CHECK(l->n == l->cap && l->rows[0].id == ids[0]);
    CHECK(l->count == 300);
    keys(s, "g");
    idle(s);
    CHECK(s->msg[0] == '\0');
    /* Down past the page, then back up: the cursor follows the list. */
    for (i = 0; i < 30; i++) {
        keys(s, "j");
        idle(s);
    }
    CHECK(cur_row(s)->id == ids[30]);
    for (i = 0; i < 25; i++) {
        keys(s, "k");
        idle(s);
    }
    CHECK(cur_row(s)->id == ids[5]);
    /* End fills backward from the list's end; the cursor on the last. */
    keys(s, "G");
    idle(s);
    CHECK(l->n == l->cap && cur_row(s)->id == ids[n - 1]);
    CHECK(l->rows[0].id == ids[n - l->cap]);
    keys(s, "g");
    idle(s);
    free(ids);
    /* A search, from the start: found where the direct query finds it. */
    keys(s, "\\e");
    idle(s);
    CHECK_STR(l->filter_text, "");
    s->query_us = 1;
    keys(s, "/needle\r");
    CHECK(l->scan.kind == SCAN_SEARCH);
    idle(s);
    s->query_us = -1;
    CHECK(cur_row(s) != NULL && strstr(cur_row(s)->url, "needle") != NULL);
    /* From past it, the search starts over and says so. */
    keys(s, "G");
    idle(s);
    keys(s, "/needle\r");
    idle(s);
    CHECK(strstr(cur_row(s)->url, "needle") != NULL);
    CHECK(strstr(s->msg, "wrapped") != NULL);
    /* Searching while the page still fills: from the list's start. */
    keys(s, "G/needle\r");
    idle(s);
    CHECK(strstr(cur_row(s)->url, "needle") != NULL);
    CHECK(strstr(s->msg, "wrapped") == NULL);
    /* Nothing anywhere: one round, then "not found". */
    keys(s, "/nowhere-at-all\r");
    idle(s);
    CHECK(strstr(s->msg, "pattern not found") != NULL);
    /* Esc stops a scan at once; the cursor stays. */
    keys(s, "g");
    idle(s);
    keys(s, "/nowhere-either\r");
    CHECK(l->scan.kind == SCAN_SEARCH);
    state_idle(s);
    keys(s, "\\e");
    CHECK(l->scan.kind == SCAN_NONE);
    CHECK_STR(s->msg, "stopped");
    for (steps = 0; s->jobs != 0 && steps < 100000; steps++)
        state_idle(s);
    CHECK(s->jobs == 0);
    CHECK(cur_row(s)->id == l->rows[0].id);
    state_free(s);
    store_close(st);
}

/* Scan mode: the cases where a running fill or search meets other keys. */
static void
test_scan_interplay(void)
{
    struct store *st = make_store(3000, 2500);
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "big");
    struct list_state *l;
    int64_t *ids;
    size_t n;

    s->query_us = -1;
    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    idle(s);
    l = &state_top(s)->u.list;
    if (l->order != RQ_ORDER_TIME) {
        keys(s, "o");
        idle(s);
    }
    CHECK(l->order == RQ_ORDER_TIME);
    ids = all_ids(st, "url:cgi-bin", RQ_ORDER_TIME, &n);
    /* Up and PgUp at the top while the page fills: the fill goes on. */
    keys(s, "furl:cgi-bin\r<Up><PgUp>");
    CHECK(l->scan.kind == SCAN_FILL);
    idle(s);
    CHECK(l->n == l->cap && l->rows[0].id == ids[0]);
    /* :goto past the last match: the page shows the matches before it,
     * not "no request matches". */
    keys(s, ":goto 2005-08-23T21:09:03Z\r");
    idle(s);
    CHECK(l->n == l->cap);
    CHECK(l->rows[l->n - 1].id == ids[n - 1]);
    CHECK(strstr(s->msg, "no request matches") == NULL);
    /* End, then help and back before the fill is done: the backward fill
     * survives the uncovered list's resize. */
    keys(s, "G<F1>");
    keys(s, "q");
    CHECK(l->scan.kind == SCAN_FILL && !l->scan.forward);
    idle(s);
    CHECK(cur_row(s)->id == ids[n - 1]);
    free(ids);
    /* A resize stops a search and takes its progress off the line. */
    keys(s, "\\eg");
    idle(s);
    keys(s, "/nowhere-x\r");
    CHECK(l->scan.kind == SCAN_SEARCH);
    CHECK(strstr(s->msg, "searching") != NULL);
    state_resize(s, 30, 100);
    CHECK(l->scan.kind != SCAN_SEARCH); /* the page refills instead */
    CHECK(strstr(s->msg, "searching") == NULL);
    idle(s);
    /* "not found" names the pattern searched, not one typed since. */
    keys(s, "/nowhere-y\r");
    snprintf(s->search, sizeof s->search, "%s", "typed-later");
    idle(s);
    CHECK(strstr(s->msg, "nowhere-y") != NULL);
    /* M while the marks list fills: it stays open; a mark toggled while
     * its count runs in slices is counted. */
    keys(s, "\\eg");
    idle(s);
    keys(s, "<Space><Space>M");
    CHECK(state_top(s)->u.list.marks_only);
    CHECK(list_scan_filling(&state_top(s)->u.list));
    idle(s);
    CHECK(state_top(s)->u.list.n == 2 && state_top(s)->u.list.count == 2);
    state_idle(s); /* nothing pending: no-op */
    keys(s, "<Space>");
    CHECK(state_top(s)->u.list.count == -1);
    idle(s);
    CHECK(state_top(s)->u.list.count == 1);
    state_free(s);
    store_close(st);
}

/* Export hook for the test: remember what was asked. */
static int export_calls;
static char export_fmt[16], export_path[256];
static size_t export_nids;

static enum rn_rc
fake_export(struct store *st, const int64_t *ids, size_t n, const char *fmt,
            const char *path, struct rn_err *err)
{
    (void)st;
    (void)ids;
    (void)err;
    export_calls++;
    export_nids = n;
    snprintf(export_fmt, sizeof export_fmt, "%s", fmt);
    snprintf(export_path, sizeof export_path, "%s", path);
    return RN_OK;
}

static void
test_marks_state_export(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    struct filter *f = NULL;
    int64_t n = -1, cursor, open;
    struct view *v;

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    keys(s, "\\e\\eg");
    keys(s, "x");
    CHECK(strstr(s->msg, "export not available yet") != NULL);
    /* Space marks and moves down; M lists the marked. */
    keys(s, "<Space>j<Space>");
    CHECK(filter_parse("marked:yes", &f, &err) == RN_OK);
    CHECK(query_requests_count(st, f, &n, &err) == RN_OK);
    CHECK(n == 2);
    keys(s, "M");
    CHECK(state_top(s)->u.list.marks_only);
    CHECK(state_top(s)->u.list.n == 2);
    keys(s, "<Space>q");
    CHECK(query_requests_count(st, f, &n, &err) == RN_OK);
    CHECK(n == 1);
    CHECK(!state_top(s)->u.list.marks_only);

    /* x asks for the format and the file, then calls the export hook. */
    s->export_fn = fake_export;
    keys(s, "x\r<C-u>/nonexistent-dir/r.md\r");
    CHECK(export_calls == 1);
    CHECK_STR(export_fmt, "md");
    CHECK_STR(export_path, "/nonexistent-dir/r.md");
    CHECK(export_nids == 0); /* 0 ids: the marked requests */
    keys(s, ":export csv /\r");
    CHECK(s->prompt.kind == PROMPT_CONFIRM); /* "/" exists */
    keys(s, "n");
    CHECK(export_calls == 1);
    CHECK(strstr(s->msg, "cancelled") != NULL);

    /* State survives: a new session reopens where this one was. */
    keys(s, "jjj\r");
    keys(s, "G");
    v = state_top(s);
    CHECK(v->kind == VIEW_TIMELINE);
    open = v->u.tl.req.id;
    keys(s, "q");
    cursor = cur_row(s)->id;
    keys(s, "\r/GENERAL_REQUEST_END\r");
    state_save(s);
    state_free(s);

    s = state_new(st, "mem");
    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    v = state_top(s);
    CHECK(v->kind == VIEW_TIMELINE);
    CHECK(v->u.tl.req.id == open);
    CHECK_STR(tl_name(s), "GENERAL_REQUEST_END");
    CHECK_STR(s->search, "GENERAL_REQUEST_END");
    keys(s, "\\eq");
    CHECK(cur_row(s) != NULL && cur_row(s)->id == cursor);
    {
        /* The row shows the mark the store holds; one mark survived. */
        struct rq_row r;

        memset(&r, 0, sizeof r);
        CHECK(query_request_get(st, cursor, &r, &err) == RN_OK);
        CHECK(cur_row(s)->marked == r.marked);
        rq_row_fini(&r);
        CHECK(query_requests_count(st, f, &n, &err) == RN_OK);
        CHECK(n == 1);
    }
    filter_free(f);
    state_free(s);
}

static void
test_pages(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    struct text_state *t;
    size_t i;
    int found = 0;

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    while (s->depth > 1)
        keys(s, "q");
    keys(s, "\\e\\e<F1>");
    CHECK(state_top(s)->kind == VIEW_TEXT);
    t = &state_top(s)->u.text;
    /* Every bound action with help text is on the page. */
    for (i = 0; i < t->n; i++)
        found += strstr(t->lines[i], "jump to the CGI start") != NULL;
    CHECK(found == 1);
    keys(s, "q:sql SELECT count(*) AS n FROM request\r");
    CHECK(state_top(s)->kind == VIEW_TEXT);
    t = &state_top(s)->u.text;
    CHECK(t->n == 2);
    if (t->n == 2) {
        CHECK_STR(t->lines[0], "n");
        CHECK_STR(t->lines[1], "100");
    }
    keys(s, "q:sql DELETE FROM request\r");
    CHECK(state_top(s)->kind == VIEW_LIST);
    CHECK(s->msg_err);
    keys(s, ":nope\r");
    CHECK(strstr(s->msg, "unknown command") != NULL);
    CHECK(keys(s, ":quit\r") & UI_QUIT);
    CHECK(keys(s, "Q") & UI_QUIT);
    state_free(s);
}

/* Does a help line contain text? */
static int
help_has(const struct text_state *t, const char *text)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (strstr(t->lines[i], text) != NULL)
            return 1;
    return 0;
}

/*
 * The help wraps to the screen (again after a resize), lists the :
 * commands from their table and takes its examples from the store.
 */
static void
test_help(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    const struct text_state *t;
    const struct cmd_entry *c;
    char want[64], when[RN_TS_STR_MAX];
    size_t i, widest = 0;

    CHECK(state_start(s, 24, 50, &err) == RN_OK);
    keys(s, "\\e\\e");
    rn_time_format(cur_row(s)->start_ns, when);
    keys(s, "?");
    CHECK(state_top(s)->kind == VIEW_TEXT);
    t = &state_top(s)->u.text;
    for (i = 0; i < t->n; i++)
        widest =
            fmt_width(t->lines[i]) > widest ? fmt_width(t->lines[i]) : widest;
    CHECK(widest <= 50);
    for (c = cmd_table(); c->name != NULL; c++) {
        snprintf(want, sizeof want, ":%s", c->name);
        CHECK(help_has(t, want));
    }
    /* The :goto example is the cursor's request's own clock time. */
    snprintf(want, sizeof want, ":goto %.5s", when + 11);
    CHECK(help_has(t, want));
    state_resize(s, 24, 120);
    t = &state_top(s)->u.text;
    CHECK(t->help_cols == 120);
    widest = 0;
    for (i = 0; i < t->n; i++)
        widest =
            fmt_width(t->lines[i]) > widest ? fmt_width(t->lines[i]) : widest;
    CHECK(widest > 50 && widest <= 120);
    keys(s, "q:nosuch\\r");
    CHECK(strstr(s->msg, "unknown command 'nosuch'") != NULL);
    state_free(s);
}

/*
 * The list's facts: one host (the path alone), the marked count on the
 * status line, the id column toggled and kept, :goto in failures order
 * saying where it landed.
 */
static void
test_list_facts(struct store *st)
{
    struct rn_err err = {RN_OK, ""};
    struct state *s = state_new(st, "mem");
    int64_t before;

    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    keys(s, "\\e\\e");
    CHECK(s->many_hosts == 0); /* every URL is http://h/... */
    {
        struct state_layout lay;

        /* Time labels between the strip and the headings. */
        state_layout(s, &lay);
        CHECK(lay.strip_y == 1 && lay.colhdr_y == 2 && lay.colhdr_h == 2);
        CHECK(lay.body_y == 4);
    }
    before = s->marked;
    CHECK(before >= 0);
    keys(s, "g ");
    CHECK(s->marked == before + (cur_row(s) != NULL ? 1 : 0));
    keys(s, "k ");
    CHECK(s->marked == before);
    CHECK(s->show_ids == 0);
    keys(s, "i");
    CHECK(s->show_ids == 1);
    state_save(s);
    state_free(s);
    s = state_new(st, "mem");
    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    CHECK(s->show_ids == 1);
    CHECK(s->marked == before);
    keys(s, "i");
    CHECK(s->show_ids == 0);
    /* The sources page: the one in-memory source, complete. */
    keys(s, "S");
    CHECK(state_top(s)->kind == VIEW_TEXT);
    CHECK_STR(state_top(s)->u.text.title, "sources");
    CHECK(strstr(state_top(s)->u.text.lines[0], "1 files, 0 with problems") !=
          NULL);
    CHECK(help_has(&state_top(s)->u.text, "complete:"));
    CHECK(help_has(&state_top(s)->u.text, "0 linked with other sources"));
    keys(s, "q");
    CHECK(state_top(s)->kind == VIEW_LIST);
    /* Failures by cause; Enter filters the list to the one selected. */
    keys(s, "C");
    CHECK(state_top(s)->kind == VIEW_CAUSES);
    if (state_top(s)->kind == VIEW_CAUSES) {
        const struct causes_state *c = &state_top(s)->u.causes;
        char want[128];
        int64_t count;

        CHECK(c->n >= 1);
        snprintf(want, sizeof want, "cause:%s", c->rows[0].cause);
        count = c->rows[0].count;
        keys(s, "\\r");
        idle(s);
        CHECK(state_top(s)->kind == VIEW_LIST);
        CHECK_STR(state_list(s)->filter_text, want);
        CHECK(state_list(s)->count == count);
        keys(s, "\\e\\e");
    }
    /* Failures first: goto names the group it looked in. */
    keys(s, ":goto 2005-08-23T20:20:00Z\\r");
    CHECK(strstr(s->msg, "failures first") != NULL);
    CHECK(strstr(s->msg, "the first failed request") != NULL ||
          strstr(s->msg, "the first other request") != NULL);
    state_save(s);
    state_free(s);
}

/*
 * Another process's import into the open store: the poll notices it (and
 * only it: the explorer's own saves do not count), the totals, the list
 * and the open timeline are read again, the cursor stays on its request.
 */
static void
test_refresh(void)
{
    char path[64];
    struct rn_err err = {RN_OK, ""};
    struct store *mine, *other;
    struct state *s;
    int64_t id;

    snprintf(path, sizeof path, "/tmp/rn-test-refresh-%d.db", (int)getpid());
    remove(path);
    mine = make_store_at(path, "h", 0, 20, -1);
    s = state_new(mine, "file");
    CHECK(state_start(s, 24, 80, &err) == RN_OK);
    idle(s);
    CHECK(s->total == 20);
    CHECK(s->many_hosts == 0);
    keys(s, "jj "); /* a write of our own: no refresh */
    state_save(s);
    CHECK(state_poll(s, 1) == 0);
    keys(s, "k");
    id = cur_row(s)->id;
    keys(s, "\\r");
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    /* The other import brings a second host: the list shows hosts. */
    other = make_store_at(path, "h2:8080", 1000, 30, -1);
    store_close(other);
    CHECK(state_poll(s, 1) == 1);
    CHECK(strstr(s->msg, "store changed") != NULL);
    idle(s);
    CHECK(s->total == 50);
    CHECK(s->many_hosts == 1);
    CHECK(state_top(s)->kind == VIEW_TIMELINE);
    CHECK(state_top(s)->u.tl.n > 0);
    keys(s, "q");
    CHECK(state_top(s)->kind == VIEW_LIST);
    CHECK(cur_row(s) != NULL && cur_row(s)->id == id);
    CHECK(state_list(s)->count == 50);
    CHECK(state_poll(s, 1) == 0);
    state_free(s);
    store_close(mine);
    remove(path);
}

int
main(void)
{
    struct store *st = make_store(NREQ, 42);

    test_fmt();
    test_list_paging(st);
    test_filter_and_jumps(st);
    test_search(st);
    test_help(st);
    test_list_facts(st);
    test_refresh();
    test_marks_state_export(st);
    test_pages(st);
    test_slow_scans();
    test_scan_interplay();
    store_close(st);
    return test_report("test_state");
}
