/*
 * Unit tests for importers/http_parse.c.  Each exchange handed out is
 * written to a log as "METHOD target (body/end/complete) -> status
 * (body/end/complete)", and every case compares the whole log.  Cases
 * are also fed one byte at a time, which must not change the result.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "http_parse.h"
#include "rn_buf.h"
#include "test.h"

static struct rn_buf xlog;

/* Append a message summary. */
static void
log_msg(const struct http_msg *m)
{
    rn_buf_printf(&xlog, "(%llu/%s/%d@%llu-%llu)",
                  (unsigned long long)m->body_bytes, http_end_str(m->end),
                  m->complete, (unsigned long long)m->frame,
                  (unsigned long long)m->end_frame);
}

static enum rn_rc
on_xact(void *ctx, struct http_xact *x, struct rn_err *err)
{
    int i;

    (void)ctx;
    (void)err;
    if (xlog.len > 0)
        rn_buf_puts(&xlog, " | ");
    if (x->req.present) {
        rn_buf_append(&xlog, http_msg_at(&x->req, x->req.p[0]), x->req.plen[0]);
        rn_buf_putc(&xlog, ' ');
        rn_buf_append(&xlog, http_msg_at(&x->req, x->req.p[1]), x->req.plen[1]);
        log_msg(&x->req);
    } else {
        rn_buf_puts(&xlog, "-");
    }
    for (i = 0; i < x->ninterim; i++)
        rn_buf_printf(&xlog, " ~%d", x->interim[i].status);
    if (x->resp.present) {
        rn_buf_printf(&xlog, " -> %d", x->resp.status);
        log_msg(&x->resp);
    }
    if (x->tunnel)
        rn_buf_puts(&xlog, " tunnel");
    return RN_OK;
}

/* One step of a script: direction, bytes (or a gap / close). */
struct step {
    int dir;       /* 0 client, 1 server */
    const char *s; /* bytes; NULL with gap > 0 means a gap, else a close */
    unsigned gap;
};

/* Run a script, whole chunks (bytewise 0) or one byte at a time. */
static void
run(const struct step *steps, size_t n, int client_dir, int bytewise,
    const char *want, struct http_stats *stats)
{
    struct http_conn_cb cb = {NULL, on_xact};
    struct http_conn *h;
    struct rn_err err = {RN_OK, ""};
    size_t i, k;
    int partial[2] = {client_dir < 0, client_dir < 0};

    rn_buf_reset(&xlog);
    h = http_conn_new(&cb, client_dir, partial, stats);
    for (i = 0; i < n; i++) {
        const struct step *s = &steps[i];
        uint64_t frame = i + 1;

        if (s->s != NULL) {
            size_t len = strlen(s->s);

            if (!bytewise) {
                CHECK(http_conn_data(h, s->dir, (const unsigned char *)s->s,
                                     len, frame, (int64_t)frame,
                                     &err) == RN_OK);
            } else {
                for (k = 0; k < len; k++)
                    CHECK(http_conn_data(h, s->dir,
                                         (const unsigned char *)s->s + k, 1,
                                         frame, (int64_t)frame, &err) == RN_OK);
            }
        } else if (s->gap > 0) {
            CHECK(http_conn_gap(h, s->dir, s->gap, frame, (int64_t)frame,
                                &err) == RN_OK);
        } else {
            CHECK(http_conn_close(h, s->dir, HTTP_END_FIN, frame,
                                  (int64_t)frame, &err) == RN_OK);
        }
    }
    CHECK(http_conn_finish(h, HTTP_END_CAPTURE, &err) == RN_OK);
    http_conn_free(h);
    if (strcmp(rn_buf_str(&xlog), want) != 0)
        fprintf(stderr, "  (bytewise=%d)\n", bytewise);
    CHECK_STR(rn_buf_str(&xlog), want);
}

#define RUN(steps, cd, want)                                                   \
    do {                                                                       \
        run(steps, sizeof steps / sizeof steps[0], cd, 0, want, NULL);         \
        run(steps, sizeof steps / sizeof steps[0], cd, 1, want, NULL);         \
    } while (0)

static void
test_simple_and_content_length(void)
{
    static const struct step s[] = {
        {0, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", 0},
        {1, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", 0},
        {1, "lo", 0},
    };
    RUN(s, 0, "GET /a(0/length/1@1-1) -> 200(5/length/1@2-3)");
}

static void
test_chunked_with_trailers(void)
{
    static const struct step s[] = {
        {0, "POST /up HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 0},
        {0, "5;ext=1\r\nhello\r\n0A\r\n0123456789\r\n0\r\n", 0},
        {0, "X-Trailer: t\r\n\r\n", 0},
        {1,
         "HTTP/1.1 502 Bad Gateway\r\nTransfer-Encoding: gzip, chunked\r\n"
         "Content-Length: 99\r\n\r\n3\nabc\n0\n\n",
         0},
    };
    RUN(s, 0, "POST /up(15/chunked/1@1-3) -> 502(3/chunked/1@4-4)");
}

static void
test_pipelining(void)
{
    static const struct step s[] = {
        {0,
         "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nHEAD /3 HTTP/1.1\r\n"
         "\r\n",
         0},
        {1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA", 0},
        {1,
         "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nBB"
         "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n",
         0},
        {1, "HTTP/1.1 304 Not Modified\r\n\r\n", 0},
    };
    /* HEAD: Content-Length describes a body that is not sent. The last
     * response has no request: it stands alone. */
    RUN(s, 0,
        "GET /1(0/length/1@1-1) -> 200(1/length/1@2-2) | GET "
        "/2(0/length/1@1-1) -> 404(2/length/1@3-3) | HEAD "
        "/3(0/length/1@1-1) -> 200(0/length/1@3-3) | - -> "
        "304(0/length/1@4-4)");
}

static void
test_continue_and_early_response(void)
{
    static const struct step s[] = {
        {0,
         "POST /cgi HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: "
         "100000\r\n\r\n",
         0},
        {1, "HTTP/1.1 100 Continue\r\n\r\n", 0},
        {0, "part of the body", 0},
        /* IIS answers 502 before the upload is over, then resets. */
        {1,
         "HTTP/1.1 502 Bad Gateway\r\nServer: Microsoft-IIS/6.0\r\n"
         "Content-Length: 4\r\n\r\nbody",
         0},
        {0, "more", 0},
    };
    RUN(s, 0, "POST /cgi(20/capture_end/0@1-5) ~100 -> 502(4/length/1@4-4)");
}

static void
test_no_body_statuses(void)
{
    static const struct step s[] = {
        {0, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n", 0},
        {1, "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", 0},
        {1, "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 0},
    };
    RUN(s, 0,
        "GET /a(0/length/1@1-1) -> 204(0/length/1@2-2) | GET "
        "/b(0/length/1@1-1) -> 304(0/length/1@3-3)");
}

static void
test_close_delimited(void)
{
    static const struct step s[] = {
        {0, "GET / HTTP/1.0\r\n\r\n", 0},
        {1, "HTTP/1.0 200 OK\r\nServer: old\r\n\r\nsome ", 0},
        {1, "bytes", 0},
        {1, NULL, 0}, /* FIN */
    };
    RUN(s, 0, "GET /(0/length/1@1-1) -> 200(10/fin/1@2-3)");
}

static void
test_malformed_headers(void)
{
    static const struct step s[] = {
        {0, "GET /x HTTP/1.1\nHost: a\n\n", 0},
        {1,
         "HTTP/1.1 502 Bad Gateway\r\nthis is not a header\r\n"
         "Bad Name: v\r\nX-Folded: a\r\n  b\r\nContent-Length: 0\r\n\r\n",
         0},
    };

    RUN(s, 0, "GET /x(0/length/1@1-1) -> 502(0/length/1@2-2)");
}

/* Capture the response of a one-exchange script for inspection. */
static struct http_msg kept;

static enum rn_rc
on_keep(void *ctx, struct http_xact *x, struct rn_err *err)
{
    size_t i;

    (void)ctx;
    (void)err;
    kept = x->resp;
    kept.head.data = NULL;
    kept.hdr = NULL;
    for (i = 0; i < x->resp.nhdr; i++) {
        const struct http_header *hd = &x->resp.hdr[i];

        rn_buf_printf(&xlog, "[%.*s|%.*s|%d]", (int)hd->name_len,
                      http_msg_at(&x->resp, hd->name), (int)hd->value_len,
                      http_msg_at(&x->resp, hd->value), hd->malformed);
    }
    return RN_OK;
}

static void
test_header_list(void)
{
    static const char resp[] =
        "HTTP/1.1 502 Bad Gateway\r\nthis is not a header\r\n"
        "Bad Name: v\r\nX-Folded: a\r\n  b\r\nContent-Length: 0\r\n"
        "Content-Length: 7\r\n\r\n";
    struct http_conn_cb cb = {NULL, on_keep};
    struct http_conn *h = http_conn_new(&cb, 0, NULL, NULL);
    struct rn_err err = {RN_OK, ""};

    rn_buf_reset(&xlog);
    CHECK(http_conn_data(h, 1, (const unsigned char *)resp, strlen(resp), 9, 9,
                         &err) == RN_OK);
    CHECK(http_conn_finish(h, HTTP_END_CAPTURE, &err) == RN_OK);
    http_conn_free(h);
    CHECK_STR(rn_buf_str(&xlog),
              "[this is not a header||1][Bad Name|v|1][X-Folded|a\r\n  b|0]"
              "[Content-Length|0|0][Content-Length|7|0]");
    CHECK(kept.malformed == 1);
    CHECK(kept.cl_conflict == 1);
    CHECK(kept.content_length == 0);
    CHECK(kept.status == 502);
}

static void
test_resync_after_gap(void)
{
    static const struct step s[] = {
        {0, "GET /1 HTTP/1.1\r\n\r\n", 0},
        {1, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n01234", 0},
        {1, NULL, 100}, /* lost: the rest of the body and more */
        {1,
         "tail of something\r\nHTTP/1.1 404 Not Found\r\n"
         "Content-Length: 0\r\n\r\n",
         0},
        {0, "GET /2 HTTP/1.1\r\nHo", 0},
        {0, NULL, 7}, /* lost inside the headers: kept, incomplete */
        {0, "xx\r\n\r\nPOST /3 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc", 0},
    };
    /* The 404 came before /3 was sent: it pairs with nothing.  /2 ends
     * at its last byte received (frame 5), not at the gap. */
    RUN(s, 0,
        "GET /1(0/length/1@1-1) -> 200(5/gap/0@2-3) | - -> "
        "404(0/length/1@4-4) | GET /2(0/gap/0@5-5) | POST /3(3/length/1@7-7)");
}

/* Log a request's cut-head flags and header list. */
static enum rn_rc
on_cut(void *ctx, struct http_xact *x, struct rn_err *err)
{
    const struct http_msg *m = &x->req;
    size_t i;

    (void)ctx;
    (void)err;
    if (xlog.len > 0)
        rn_buf_puts(&xlog, " | ");
    if (!m->present) {
        rn_buf_printf(&xlog, "- -> %d", x->resp.status);
        return RN_OK;
    }
    rn_buf_printf(
        &xlog, "%.*s '%.*s' '%.*s' inc=%d line=%d %s@%llu-%llu",
        (int)m->plen[0], http_msg_at(m, m->p[0]), (int)m->plen[1],
        http_msg_at(m, m->p[1]), (int)m->plen[2], http_msg_at(m, m->p[2]),
        m->head_incomplete, m->line_incomplete, http_end_str(m->end),
        (unsigned long long)m->frame, (unsigned long long)m->end_frame);
    for (i = 0; i < m->nhdr; i++)
        rn_buf_printf(&xlog, " [%.*s|%.*s]", (int)m->hdr[i].name_len,
                      http_msg_at(m, m->hdr[i].name), (int)m->hdr[i].value_len,
                      http_msg_at(m, m->hdr[i].value));
    if (x->resp.present)
        rn_buf_printf(&xlog, " -> %d", x->resp.status);
    return RN_OK;
}

/* Feed client bytes in two frames, then end with how (FIN: a close). */
static void
run_cut(const char *a, const char *b, int client_dir, enum http_end how,
        const char *resp, const char *want)
{
    struct http_conn_cb cb = {NULL, on_cut};
    int partial[2] = {client_dir < 0, client_dir < 0};
    struct http_conn *h = http_conn_new(&cb, client_dir, partial, NULL);
    struct rn_err err = {RN_OK, ""};

    rn_buf_reset(&xlog);
    CHECK(http_conn_data(h, 0, (const unsigned char *)a, strlen(a), 1, 1,
                         &err) == RN_OK);
    if (b != NULL)
        CHECK(http_conn_data(h, 0, (const unsigned char *)b, strlen(b), 2, 2,
                             &err) == RN_OK);
    if (how == HTTP_END_FIN)
        CHECK(http_conn_close(h, 0, HTTP_END_FIN, 3, 3, &err) == RN_OK);
    if (resp != NULL)
        CHECK(http_conn_data(h, 1, (const unsigned char *)resp, strlen(resp), 4,
                             4, &err) == RN_OK);
    CHECK(http_conn_finish(h, how == HTTP_END_FIN ? HTTP_END_CAPTURE : how,
                           &err) == RN_OK);
    http_conn_free(h);
    CHECK_STR(rn_buf_str(&xlog), want);
}

static void
test_cut_heads(void)
{
    /* The capture ends inside the headers: complete lines are kept. */
    run_cut("GET /a?x=1 HTTP/1.1\r\nHost: h\r\n", "User-Ag", 0,
            HTTP_END_CAPTURE, NULL,
            "GET '/a?x=1' 'HTTP/1.1' inc=1 line=0 capture_end@1-2 [Host|h]");
    /* A client FIN inside the headers; the server still answers. */
    run_cut("POST /up HTTP/1.1\r\nContent-Length: 9\r\n", NULL, 0, HTTP_END_FIN,
            "HTTP/1.1 400 Bad Request\r\n\r\n",
            "POST '/up' 'HTTP/1.1' inc=1 line=0 fin@1-1 [Content-Length|9] "
            "-> 400");
    /* Inside the request line: the method only. */
    run_cut("GET /cgi-bin/lo", "ng", 0, HTTP_END_RST, NULL,
            "GET '' '' inc=1 line=1 rst@1-2");
    /* Roles unknown (no SYN): a cut request still says it is the client. */
    run_cut("DELETE /x HTTP/1.1\r\n", NULL, -1, HTTP_END_CAPTURE, NULL,
            "DELETE '/x' 'HTTP/1.1' inc=1 line=0 capture_end@1-1");
    /* Not a request: no method, an unknown one, or only a method. */
    run_cut("FROB /x", NULL, 0, HTTP_END_CAPTURE, NULL, "");
    run_cut("GET", NULL, 0, HTTP_END_CAPTURE, NULL, "");
    run_cut("\x01\x02 binary", NULL, -1, HTTP_END_CAPTURE, NULL, "");
    /* A complete request before the cut one is unaffected. */
    run_cut("GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nA: b\r\nC", NULL, 0,
            HTTP_END_CAPTURE, "HTTP/1.1 204 No Content\r\n\r\n",
            "GET '/1' 'HTTP/1.1' inc=0 line=0 length@1-1 -> 204 | "
            "GET '/2' 'HTTP/1.1' inc=1 line=0 capture_end@1-1 [A|b]");
}

/* Log an exchange with its response's cut-head flags and header list. */
static enum rn_rc
on_cutresp(void *ctx, struct http_xact *x, struct rn_err *err)
{
    const struct http_msg *m = &x->resp;
    size_t i;
    int k;

    (void)ctx;
    (void)err;
    if (xlog.len > 0)
        rn_buf_puts(&xlog, " | ");
    if (x->req.present)
        rn_buf_printf(&xlog, "%.*s %.*s(%s)", (int)x->req.plen[0],
                      http_msg_at(&x->req, x->req.p[0]), (int)x->req.plen[1],
                      http_msg_at(&x->req, x->req.p[1]),
                      http_end_str(x->req.end));
    else
        rn_buf_puts(&xlog, "-");
    for (k = 0; k < x->ninterim; k++)
        rn_buf_printf(&xlog, " ~%d", x->interim[k].status);
    if (!m->present)
        return RN_OK;
    rn_buf_printf(&xlog, " -> %d '%.*s' inc=%d line=%d %s/%d@%llu-%llu",
                  m->status, (int)m->plen[2], http_msg_at(m, m->p[2]),
                  m->head_incomplete, m->line_incomplete, http_end_str(m->end),
                  m->complete, (unsigned long long)m->frame,
                  (unsigned long long)m->end_frame);
    for (i = 0; i < m->nhdr; i++)
        rn_buf_printf(&xlog, " [%.*s|%.*s]", (int)m->hdr[i].name_len,
                      http_msg_at(m, m->hdr[i].name), (int)m->hdr[i].value_len,
                      http_msg_at(m, m->hdr[i].value));
    if (x->tunnel)
        rn_buf_puts(&xlog, " tunnel");
    return RN_OK;
}

/* A script step that may close a direction in a given way. */
struct cstep {
    int dir;
    const char *s;     /* bytes; NULL: a gap (gap > 0) or a close (how) */
    unsigned gap;      /* bytes lost */
    enum http_end how; /* close: HTTP_END_FIN, _RST or _CAPTURE */
};

/*
 * Run a script (whole chunks, then one byte at a time), finish with how,
 * compare the log with want; stats (may be NULL) gets the first run's.
 */
static void
run_cutresp(const struct cstep *steps, size_t n, int client_dir,
            enum http_end how, const char *want, struct http_stats *stats)
{
    int bytewise;

    for (bytewise = 0; bytewise < 2; bytewise++) {
        struct http_conn_cb cb = {NULL, on_cutresp};
        int partial[2] = {client_dir < 0, client_dir < 0};
        struct http_conn *h;
        struct rn_err err = {RN_OK, ""};
        size_t i, k;

        rn_buf_reset(&xlog);
        h = http_conn_new(&cb, client_dir, partial, bytewise ? NULL : stats);
        for (i = 0; i < n; i++) {
            const struct cstep *s = &steps[i];
            uint64_t f = i + 1;

            if (s->s != NULL) {
                size_t len = strlen(s->s), step = bytewise ? 1 : len;

                for (k = 0; k < len; k += step)
                    CHECK(http_conn_data(h, s->dir,
                                         (const unsigned char *)s->s + k,
                                         len - k < step ? len - k : step, f,
                                         (int64_t)f, &err) == RN_OK);
            } else if (s->gap > 0) {
                CHECK(http_conn_gap(h, s->dir, s->gap, f, (int64_t)f, &err) ==
                      RN_OK);
            } else {
                CHECK(http_conn_close(h, s->dir, s->how, f, (int64_t)f, &err) ==
                      RN_OK);
            }
        }
        CHECK(http_conn_finish(h, how, &err) == RN_OK);
        http_conn_free(h);
        if (strcmp(rn_buf_str(&xlog), want) != 0)
            fprintf(stderr, "  (bytewise=%d)\n", bytewise);
        CHECK_STR(rn_buf_str(&xlog), want);
    }
}

#define RUN_CUT(steps, cd, how, want, stats)                                   \
    run_cutresp(steps, sizeof steps / sizeof steps[0], cd, how, want, stats)

static void
test_cut_responses(void)
{
    struct http_stats st;
    /* Pipelined: the capture ends inside the second response's header
     * lines; it pairs with the second request, the third has none. */
    static const struct cstep pipe[] = {
        {0,
         "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\n"
         "\r\n",
         0, HTTP_END_NONE},
        {1, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 502 Bad Gateway\r\nServer: IIS\r\nConte", 0,
         HTTP_END_NONE},
    };
    /* IIS answers an upload early and resets inside its header lines. */
    static const struct cstep rst[] = {
        {0, "POST /cgi HTTP/1.1\r\nContent-Length: 100\r\n\r\nsome", 0,
         HTTP_END_NONE},
        {1, "HTTP/1.1 502 Bad Gateway\r\nServer: IIS\r\n", 0, HTTP_END_NONE},
        {0, NULL, 0, HTTP_END_RST},
        {1, NULL, 0, HTTP_END_RST},
    };
    /* A FIN inside the status line, after the code. */
    static const struct cstep fin[] = {
        {0, "GET /a HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 502 Bad Gat", 0, HTTP_END_NONE},
        {1, NULL, 0, HTTP_END_FIN},
    };
    /* The code itself complete, nothing after it. */
    static const struct cstep code[] = {
        {0, "GET /a HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.0 404", 0, HTTP_END_NONE},
    };
    /* Lost bytes inside the header lines: kept, cut by the gap, and the
     * next response is found again and pairs with the next request. */
    static const struct cstep gap[] = {
        {0, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 502 Bad Gateway\r\nServer: IIS\r\nX-Cut: ab", 0,
         HTTP_END_NONE},
        {1, NULL, 40, HTTP_END_NONE},
        {1,
         "cd\r\nContent-Length: 4\r\n\r\nbodyHTTP/1.1 200 OK\r\n"
         "Content-Length: 0\r\n\r\n",
         0, HTTP_END_NONE},
    };
    /* A cut request after a complete one, the first one's response cut:
     * each keeps its own half, in order. */
    static const struct cstep both[] = {
        {0, "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\nHo", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 500 Internal Server Error\r\nA: b\r\n", 0, HTTP_END_NONE},
    };
    /* No request at all: a response of its own (an orphan). */
    static const struct cstep orphan[] = {
        {1, "HTTP/1.1 502 Bad Gateway\r\nServer: IIS\r\n", 0, HTTP_END_NONE},
    };
    /* Roles unknown (no SYN): a cut response says it is the server. */
    static const struct cstep unknown[] = {
        {1, "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\n", 0,
         HTTP_END_NONE},
        {0, "GET /late HTTP/1.1\r\n", 0, HTTP_END_NONE},
    };
    /* Both heads cut at the end, the request's begun first, its client
     * the second TCP direction: the response answers it. */
    static const struct cstep early[] = {
        {1, "POST /x HTTP/1.1\r\nContent-Le", 0, HTTP_END_NONE},
        {0, "HTTP/1.1 400 Bad Request\r\nServer: IIS\r\n", 0, HTTP_END_NONE},
    };
    /* Too short to know the status: dropped, the request kept. */
    static const struct cstep digits[] = {
        {0, "GET /a HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 50", 0, HTTP_END_NONE},
    };
    static const struct cstep notcode[] = {
        {0, "GET /a HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 5021 x", 0, HTTP_END_NONE},
    };
    static const struct cstep version[] = {
        {0, "GET /a HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1", 0, HTTP_END_NONE},
    };
    /* An interim cut short is dropped; the final response still pairs. */
    static const struct cstep interim[] = {
        {0, "POST /a HTTP/1.1\r\nExpect: 100-continue\r\n\r\n", 0,
         HTTP_END_NONE},
        {1, "HTTP/1.1 100 Continue\r\nX: y\r\n", 0, HTTP_END_NONE},
        {1, NULL, 0, HTTP_END_FIN},
    };
    /* A 101 cut by lost bytes: what follows is a tunnel, not HTTP. */
    static const struct cstep upgrade[] = {
        {0, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 0, HTTP_END_NONE},
        {1, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n", 0,
         HTTP_END_NONE},
        {1, NULL, 10, HTTP_END_NONE},
        {1, "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 0,
         HTTP_END_NONE},
        {0, "GET /x HTTP/1.1\r\n\r\n", 0, HTTP_END_NONE},
    };

    memset(&st, 0, sizeof st);
    RUN_CUT(pipe, 0, HTTP_END_CAPTURE,
            "GET /1(length) -> 200 'OK' inc=0 line=0 length/1@2-2 "
            "[Content-Length|1] | GET /2(length) -> 502 'Bad Gateway' inc=1 "
            "line=0 capture_end/0@3-3 [Server|IIS] | GET /3(length)",
            &st);
    CHECK(st.requests == 3 && st.responses == 2);
    CHECK(st.partial_heads == 1 && st.orphan_responses == 0);
    RUN_CUT(rst, 0, HTTP_END_CAPTURE,
            "POST /cgi(rst) -> 502 'Bad Gateway' inc=1 line=0 rst/0@2-2 "
            "[Server|IIS]",
            NULL);
    RUN_CUT(fin, 0, HTTP_END_CAPTURE,
            "GET /a(length) -> 502 'Bad Gat' inc=1 line=1 fin/0@2-2", NULL);
    RUN_CUT(code, 0, HTTP_END_RST,
            "GET /a(length) -> 404 '' inc=1 line=1 rst/0@2-2", NULL);
    RUN_CUT(gap, 0, HTTP_END_CAPTURE,
            "GET /1(length) -> 502 'Bad Gateway' inc=1 line=0 gap/0@2-2 "
            "[Server|IIS] | GET /2(length) -> 200 'OK' inc=0 line=0 "
            "length/1@4-4 [Content-Length|0]",
            NULL);
    RUN_CUT(both, 0, HTTP_END_CAPTURE,
            "GET /1(length) -> 500 'Internal Server Error' inc=1 line=0 "
            "capture_end/0@2-2 [A|b] | GET /2(capture_end)",
            NULL);
    memset(&st, 0, sizeof st);
    RUN_CUT(orphan, 0, HTTP_END_CAPTURE,
            "- -> 502 'Bad Gateway' inc=1 line=0 capture_end/0@1-1 "
            "[Server|IIS]",
            &st);
    CHECK(st.requests == 0 && st.responses == 1);
    CHECK(st.partial_heads == 1 && st.orphan_responses == 1);
    RUN_CUT(unknown, -1, HTTP_END_CAPTURE,
            "- -> 503 'Service Unavailable' inc=1 line=0 capture_end/0@1-1 "
            "[Retry-After|5] | GET /late(capture_end)",
            NULL);
    RUN_CUT(early, 1, HTTP_END_RST,
            "POST /x(rst) -> 400 'Bad Request' inc=1 line=0 rst/0@2-2 "
            "[Server|IIS]",
            NULL);
    memset(&st, 0, sizeof st);
    RUN_CUT(digits, 0, HTTP_END_CAPTURE, "GET /a(length)", &st);
    CHECK(st.requests == 1 && st.responses == 0 && st.partial_heads == 1);
    RUN_CUT(notcode, 0, HTTP_END_CAPTURE, "GET /a(length)", NULL);
    RUN_CUT(version, 0, HTTP_END_CAPTURE, "GET /a(length)", NULL);
    memset(&st, 0, sizeof st);
    RUN_CUT(interim, 0, HTTP_END_CAPTURE, "POST /a(length)", &st);
    CHECK(st.responses == 0 && st.interims == 0);
    RUN_CUT(upgrade, 0, HTTP_END_CAPTURE,
            "GET /ws(length) -> 101 'Switching Protocols' inc=1 line=0 "
            "gap/0@2-2 [Upgrade|websocket] tunnel",
            NULL);
}

static void
test_midstream_and_upgrade(void)
{
    static const struct step s[] = {
        /* Capture began inside a body; roles unknown. */
        {1, "ody bytes\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 0},
        {0, "GET /ws HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 0},
        {1, "HTTP/1.1 101 Switching Protocols\r\n\r\n\x81\x05hello", 0},
        {0, "\x81\x85GET / HTTP/1.1\r\n\r\n", 0},
    };
    RUN(s, -1,
        "- -> 200(2/length/1@1-1) | GET /ws(0/length/1@2-2) -> "
        "101(0/length/1@3-3) tunnel");
}

static void
test_not_http(void)
{
    static const struct step s[] = {
        {0, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0},
        {1, "SSH-2.0-OpenSSH_8.9\r\n", 0},
        {0, "get / http/1.1\r\n\r\n", 0},
    };
    struct http_stats st;

    memset(&st, 0, sizeof st);
    run(s, 3, 0, 0, "", &st);
    CHECK(st.requests == 0 && st.responses == 0);
    CHECK(st.resyncs >= 1);
}

static void
test_lenient_request_lines(void)
{
    static const struct step s[] = {
        {0, "OPTIONS\nHost: x\n\nGET / HTTP/1.\nHost: x\n\n", 0},
        {0, "FOO /x HTTP/1.1\r\n\r\nfoo /x HTTP/1.1\r\n\r\n", 0},
    };
    RUN(s, 0,
        "OPTIONS (0/length/1@1-1) | GET /(0/length/1@1-1) | FOO "
        "/x(0/length/1@2-2)");
}

/*
 * A chunk longer than a start line may be, with no line end, that starts
 * like a request line: the parser used to find the same start again and
 * loop forever (found by fuzzing).  An alarm turns a hang into a failure.
 */
static void
test_long_line_in_one_chunk(void)
{
    static char big[3 * HTTP_LINE_MAX];
    static const struct step after[] = {
        {0, "\r\nGET /ok HTTP/1.1\r\n\r\n", 0},
    };
    struct http_conn_cb cb = {NULL, on_xact};
    struct http_conn *h;
    struct rn_err err = {RN_OK, ""};
    size_t i;

    for (i = 0; i + 4 <= sizeof big; i += 4)
        memcpy(big + i, "GET ", 4);
    alarm(20);
    rn_buf_reset(&xlog);
    h = http_conn_new(&cb, 0, NULL, NULL);
    CHECK(http_conn_data(h, 0, (const unsigned char *)big, sizeof big, 1, 1,
                         &err) == RN_OK);
    CHECK(http_conn_data(h, 0, (const unsigned char *)after[0].s,
                         strlen(after[0].s), 2, 2, &err) == RN_OK);
    CHECK(http_conn_finish(h, HTTP_END_CAPTURE, &err) == RN_OK);
    http_conn_free(h);
    alarm(0);
    CHECK(strstr(rn_buf_str(&xlog), "GET /ok") != NULL);
}

int
main(void)
{
    rn_buf_init(&xlog, 1 << 20);
    test_simple_and_content_length();
    test_chunked_with_trailers();
    test_pipelining();
    test_continue_and_early_response();
    test_no_body_statuses();
    test_close_delimited();
    test_malformed_headers();
    test_header_list();
    test_resync_after_gap();
    test_cut_heads();
    test_cut_responses();
    test_midstream_and_upgrade();
    test_not_http();
    test_lenient_request_lines();
    test_long_line_in_one_chunk();
    CHECK(http_parse_is_method("PROPFIND", 8));
    CHECK(!http_parse_is_method("GETX", 4));
    rn_buf_fini(&xlog);
    return test_report("test_http_parse");
}
