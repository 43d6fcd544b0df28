/*
 * HTTP/1.x over reassembled streams.  Each direction runs a small state
 * machine (start line, headers, body by length / chunks / close, tunnel)
 * that consumes whatever bytes arrive and never needs more than the
 * current header block in memory.  When a direction loses bytes (a gap)
 * in a place where lengths no longer tell where the next message starts,
 * it searches: it skips to line starts until one begins with a known
 * method or "HTTP/1.", then checks the whole start line strictly.
 *
 * The connection object pairs messages: requests enter a FIFO of
 * exchanges; a final response pairs with the oldest exchange without
 * one (1xx interims attach to it without using it up); an exchange is
 * handed to the consumer when its request and response have ended, in
 * FIFO order.  Responses with no request become exchanges of their own.
 *
 * A header block cut short (the capture ends, a FIN or RST, lost bytes
 * before the blank line) is not thrown away: a request whose method is
 * complete, and a final response whose status code is complete, are
 * kept with the header lines complete so far, marked head_incomplete
 * (line_incomplete when the start line itself was cut), ended by the
 * cause, and paired like complete ones.  The 502 of a connection that
 * IIS reset mid-head is thus still seen.  Cut interims are dropped.
 */
#include "http_parse.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

enum http_state {
    HS_LINE,       /* collecting a start line */
    HS_SKIP,       /* skipping to the next line while searching */
    HS_HEADERS,    /* collecting header lines */
    HS_BODY_LEN,   /* remaining body bytes known */
    HS_CHUNK_SIZE, /* collecting a chunk-size line */
    HS_CHUNK_DATA, /* remaining chunk bytes known */
    HS_CHUNK_END,  /* the CRLF after chunk data */
    HS_TRAILERS,   /* trailer lines after the last chunk */
    HS_BODY_CLOSE, /* body until the connection closes */
    HS_TUNNEL,     /* not HTTP any more (101, CONNECT) */
    HS_CLOSED      /* direction ended */
};

struct http_dir {
    enum http_state st;
    int resync;              /* searching: strict start-line checks */
    struct http_msg scratch; /* the message whose head is being read */
    struct http_msg *m;      /* message whose body is being read, or NULL */
    struct http_xact *mx;    /* its exchange */
    uint64_t remaining;      /* body or chunk bytes left */
    size_t line_start;       /* offset in scratch.head of the current line */
    struct rn_buf line;      /* chunk-size or trailer line */
    int tunnel_after;        /* turn into a tunnel after this message */
    uint64_t last_frame;     /* frame of the last byte seen */
    int64_t last_ts;
    uint64_t data_frame; /* frame of the last byte received (not a gap) */
    int64_t data_ts;
};

struct http_conn {
    struct http_conn_cb cb;
    struct http_dir dir[2];
    int client_dir;                      /* -1 until known */
    struct http_xact *q[HTTP_QUEUE_MAX]; /* ring of exchanges */
    size_t qhead, qlen;
    size_t resp_next; /* queue index the next response
                         pairs with (relative to head) */
    uint64_t nxact;   /* exchanges created */
    uint64_t emitted;
    struct http_stats *stats;
    struct http_stats own;
};

static const char *const http_methods[] = {"GET",
                                           "POST",
                                           "HEAD",
                                           "PUT",
                                           "DELETE",
                                           "OPTIONS",
                                           "TRACE",
                                           "CONNECT",
                                           "PATCH",
                                           "PROPFIND",
                                           "PROPPATCH",
                                           "MKCOL",
                                           "COPY",
                                           "MOVE",
                                           "LOCK",
                                           "UNLOCK",
                                           "SEARCH",
                                           "REPORT",
                                           "MERGE",
                                           "UPDATE",
                                           "CHECKIN",
                                           "CHECKOUT",
                                           "UNCHECKOUT",
                                           "MKACTIVITY",
                                           "MKWORKSPACE",
                                           "VERSION-CONTROL",
                                           "BASELINE-CONTROL",
                                           "LABEL",
                                           "ORDERPATCH",
                                           "ACL",
                                           "MKCALENDAR",
                                           "MKREDIRECTREF",
                                           "UPDATEREDIRECTREF",
                                           "NOTIFY",
                                           "SUBSCRIBE",
                                           "UNSUBSCRIBE",
                                           "M-SEARCH",
                                           "POLL",
                                           "BCOPY",
                                           "BMOVE",
                                           "BDELETE",
                                           "BPROPFIND",
                                           "BPROPPATCH",
                                           "RPC_IN_DATA",
                                           "RPC_OUT_DATA",
                                           "BIND",
                                           "UNBIND",
                                           "REBIND",
                                           "MKRESOURCE",
                                           "CCM_POST",
                                           "RPC_CONNECT"};

int
http_parse_is_method(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof http_methods / sizeof http_methods[0]; i++) {
        if (strlen(http_methods[i]) == n && memcmp(http_methods[i], s, n) == 0)
            return 1;
    }
    return 0;
}

const char *
http_end_str(enum http_end e)
{
    switch (e) {
    case HTTP_END_NONE:
        return "none";
    case HTTP_END_LENGTH:
        return "length";
    case HTTP_END_CHUNKED:
        return "chunked";
    case HTTP_END_FIN:
        return "fin";
    case HTTP_END_RST:
        return "rst";
    case HTTP_END_CAPTURE:
        return "capture_end";
    case HTTP_END_GAP:
        return "gap";
    case HTTP_END_HEAD:
        return "head_only";
    }
    return "?";
}

/* Case-insensitive comparison of n bytes with a lower-case literal. */
static int
http_parse_ieq(const char *s, size_t n, const char *lit)
{
    size_t i;

    if (strlen(lit) != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

/* Whether c may appear in a method token. */
static int
http_parse_tchar(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '!' || c == '#' || c == '$' || c == '%' || c == '&' ||
           c == '\'' || c == '*' || c == '+' || c == '^' || c == '`' ||
           c == '|' || c == '~';
}

/* Whether c is an upper-case method character. */
static int
http_parse_uchar(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

/* Whether "HTTP/d.d" (strict: "HTTP/1.d") starts s (n >= 8 bytes). */
static int
http_parse_version_at(const char *s, size_t n, int strict)
{
    if (n < 8 || memcmp(s, "HTTP/", 5) != 0)
        return 0;
    if (strict && s[5] != '1')
        return 0;
    return s[5] >= '0' && s[5] <= '9' && s[6] == '.' && s[7] >= '0' &&
           s[7] <= '9';
}

/*
 * Quick check of the first n bytes of a would-be start line (final: no
 * more bytes will come for it).  Returns 1 possible, 0 impossible, -1
 * undecided.  role limits the kinds accepted.
 */
static int
http_parse_prefix(const char *s, size_t n, int strict, int role, int final)
{
    size_t i, k = n < 5 ? n : 5;

    if (role != HTTP_ROLE_CLIENT && memcmp(s, "HTTP/", k) == 0) {
        if (n < 5)
            return final ? 0 : -1;
        return 1;
    }
    if (role == HTTP_ROLE_SERVER)
        return 0;
    for (i = 0; i < n && i < 24; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ' ' || c == '\r' || c == '\n')
            break;
        if (!(strict ? http_parse_uchar(c) : http_parse_tchar(c)))
            return 0;
    }
    if (i == n && i < 24)
        return final ? 0 : -1;
    if (i == 0 || i >= 24)
        return 0;
    if (s[i] != ' ') /* a bare method line ("OPTIONS") */
        return !strict && http_parse_is_method(s, i);
    if (strict && !http_parse_is_method(s, i))
        return 0;
    return 1;
}

/*
 * Validate a complete start line s (n bytes, without CR LF) and record
 * its pieces in m.  Returns 1 request, 2 response, 0 invalid.  Like
 * Wireshark, a known method followed by anything is a request line (a
 * bad or missing version is what a broken client sends).
 */
static int
http_parse_start_line(struct http_msg *m, int strict, int role)
{
    const char *s = m->head.data;
    size_t n = m->head.len, i, j, k, t;
    int known;

    while (n > 0 && (s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    if (role != HTTP_ROLE_CLIENT && n >= 5 && memcmp(s, "HTTP/", 5) == 0) {
        /* HTTP/x.y SP ddd [SP reason] */
        for (i = 0; i < n && s[i] != ' '; i++)
            ;
        if (strict && !http_parse_version_at(s, n, 1))
            return 0;
        j = i;
        while (j < n && s[j] == ' ')
            j++;
        if (j + 3 > n || s[j] < '1' || s[j] > '9' || s[j + 1] < '0' ||
            s[j + 1] > '9' || s[j + 2] < '0' || s[j + 2] > '9')
            return 0;
        if (j + 3 < n && s[j + 3] != ' ' && s[j + 3] != '\t')
            return 0;
        m->is_response = 1;
        m->p[0] = 0;
        m->plen[0] = (uint32_t)i;
        m->p[1] = (uint32_t)j;
        m->plen[1] = 3;
        m->status = (s[j] - '0') * 100 + (s[j + 1] - '0') * 10 + s[j + 2] - '0';
        k = j + 3;
        while (k < n && (s[k] == ' ' || s[k] == '\t'))
            k++;
        m->p[2] = (uint32_t)k;
        m->plen[2] = (uint32_t)(n - k);
        return 2;
    }
    if (role == HTTP_ROLE_SERVER)
        return 0;
    /* METHOD SP target SP version; leniently, a known method and anything. */
    for (i = 0; i < n && s[i] != ' '; i++) {
        if (!http_parse_tchar((unsigned char)s[i]))
            return 0;
    }
    if (i == 0 || i > 32)
        return 0;
    known = http_parse_is_method(s, i);
    j = i;
    while (j < n && s[j] == ' ')
        j++;
    for (k = j; k < n && s[k] != ' '; k++)
        ;
    m->is_response = 0;
    m->status = -1;
    m->p[0] = 0;
    m->plen[0] = (uint32_t)i;
    m->p[1] = (uint32_t)j;
    m->plen[1] = (uint32_t)(k - j);
    while (k < n && s[k] == ' ')
        k++;
    m->p[2] = (uint32_t)k;
    m->plen[2] = (uint32_t)(n - k);
    while (m->plen[2] > 0 &&
           (s[k + m->plen[2] - 1] == ' ' || s[k + m->plen[2] - 1] == '\t'))
        m->plen[2]--;
    if (strict) {
        /* Searching: only a well-formed HTTP/1.x request line will do. */
        return known && k > j && http_parse_version_at(s + k, n - k, 1);
    }
    if (known)
        return 1;
    /* An unknown method: an upper-case token and a proper version. */
    for (t = 0; t < i; t++) {
        if (!http_parse_uchar((unsigned char)s[t]))
            return 0;
    }
    return m->plen[1] > 0 && http_parse_version_at(s + k, n - k, 0);
}

/* Parse a decimal Content-Length value; -1 if unusable. */
static int64_t
http_parse_cl(const char *s, size_t n)
{
    size_t i = 0;
    int64_t v = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n || s[i] < '0' || s[i] > '9')
        return -1;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Whether a Transfer-Encoding value ends in the chunked coding. */
static int
http_parse_te_chunked(const char *s, size_t n)
{
    size_t end = n, start;

    while (end > 0 &&
           (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == ','))
        end--;
    start = end;
    while (start > 0 && s[start - 1] != ',' && s[start - 1] != ' ' &&
           s[start - 1] != '\t')
        start--;
    return http_parse_ieq(s + start, end - start, "chunked");
}

/* Record one header field (or a malformed line) of m. */
static void
http_parse_add_header(struct http_msg *m, size_t name, size_t name_len,
                      size_t value, size_t value_len, int malformed)
{
    struct http_header *h;

    if (m->nhdr >= HTTP_HEADERS_MAX)
        return;
    if (m->nhdr == m->hdr_cap) {
        m->hdr_cap = m->hdr_cap == 0 ? 16 : m->hdr_cap * 2;
        m->hdr = xrealloc(m->hdr, m->hdr_cap, sizeof *m->hdr);
    }
    h = &m->hdr[m->nhdr++];
    h->name = (uint32_t)name;
    h->name_len = (uint32_t)name_len;
    h->value = (uint32_t)value;
    h->value_len = (uint32_t)value_len;
    h->malformed = malformed;
    if (malformed)
        m->malformed = 1;
}

/* Split the header lines of a complete head and pick out the framing. */
static void
http_parse_headers(struct http_msg *m)
{
    const char *s = m->head.data;
    size_t n = m->head.len, pos, eol, end;

    m->content_length = -1;
    pos = 0;
    while (pos < n && s[pos] != '\n')
        pos++;
    pos++;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t colon, ne, vs, ve;

        eol = nl != NULL ? (size_t)(nl - s) : n;
        end = eol;
        if (end > pos && s[end - 1] == '\r')
            end--;
        if (end == pos) {
            pos = eol + 1;
            continue;
        }
        if ((s[pos] == ' ' || s[pos] == '\t') && m->nhdr > 0 &&
            m->nhdr < HTTP_HEADERS_MAX) {
            /* obs-fold: the value continues on this line. */
            struct http_header *h = &m->hdr[m->nhdr - 1];

            if (!h->malformed)
                h->value_len = (uint32_t)(end - h->value);
            pos = eol + 1;
            continue;
        }
        for (colon = pos; colon < end && s[colon] != ':'; colon++)
            ;
        if (colon == end || colon == pos) {
            http_parse_add_header(m, pos, end - pos, end, 0, 1);
            pos = eol + 1;
            continue;
        }
        ne = colon;
        while (ne > pos && (s[ne - 1] == ' ' || s[ne - 1] == '\t'))
            ne--;
        vs = colon + 1;
        while (vs < end && (s[vs] == ' ' || s[vs] == '\t'))
            vs++;
        ve = end;
        while (ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
            ve--;
        http_parse_add_header(m, pos, ne - pos, vs, ve - vs,
                              memchr(s + pos, ' ', colon - pos) != NULL ||
                                  memchr(s + pos, '\t', colon - pos) != NULL);
        if (http_parse_ieq(s + pos, ne - pos, "content-length")) {
            int64_t v = http_parse_cl(s + vs, ve - vs);

            if (m->content_length < 0)
                m->content_length = v;
            else if (v != m->content_length)
                m->cl_conflict = 1;
        } else if (http_parse_ieq(s + pos, ne - pos, "transfer-encoding")) {
            m->chunked = http_parse_te_chunked(s + vs, ve - vs);
        }
        pos = eol + 1;
    }
}

/* Reset a message slot to empty (keeping its head buffer's memory). */
static void
http_msg_reset(struct http_msg *m)
{
    struct rn_buf head = m->head;
    struct http_header *hdr = m->hdr;
    size_t cap = m->hdr_cap;

    memset(m, 0, sizeof *m);
    m->head = head;
    rn_buf_reset(&m->head);
    m->hdr = hdr;
    m->hdr_cap = cap;
    m->status = -1;
    m->content_length = -1;
}

/* Free a message's memory. */
static void
http_msg_fini(struct http_msg *m)
{
    rn_buf_fini(&m->head);
    free(m->hdr);
    m->hdr = NULL;
    m->hdr_cap = m->nhdr = 0;
}

/* Move src into an empty slot dst; src is left empty and reusable. */
static void
http_msg_move(struct http_msg *dst, struct http_msg *src)
{
    *dst = *src;
    dst->present = 1;
    memset(src, 0, sizeof *src);
    rn_buf_init(&src->head, HTTP_HEAD_MAX);
    src->status = -1;
    src->content_length = -1;
}

/* Free an exchange. */
static void
http_xact_free(struct http_xact *x)
{
    int i;

    if (x == NULL)
        return;
    http_msg_fini(&x->req);
    http_msg_fini(&x->resp);
    for (i = 0; i < x->ninterim; i++)
        http_msg_fini(&x->interim[i]);
    free(x);
}

struct http_conn *
http_conn_new(const struct http_conn_cb *cb, int client_dir,
              const int partial[2], struct http_stats *stats)
{
    struct http_conn *h = xcalloc(1, sizeof *h);
    int d;

    h->cb = *cb;
    h->client_dir = client_dir;
    h->stats = stats != NULL ? stats : &h->own;
    for (d = 0; d < 2; d++) {
        struct http_dir *hd = &h->dir[d];

        hd->st = HS_LINE;
        hd->resync = partial != NULL && partial[d];
        rn_buf_init(&hd->scratch.head, HTTP_HEAD_MAX);
        http_msg_reset(&hd->scratch);
        rn_buf_init(&hd->line, HTTP_LINE_MAX);
    }
    return h;
}

/* Role of direction d. */
static int
http_conn_role(const struct http_conn *h, int d)
{
    if (h->client_dir < 0)
        return HTTP_ROLE_UNKNOWN;
    return d == h->client_dir ? HTTP_ROLE_CLIENT : HTTP_ROLE_SERVER;
}

int
http_conn_client_dir(const struct http_conn *h)
{
    return h->client_dir;
}

uint64_t
http_conn_count(const struct http_conn *h)
{
    return h->emitted;
}

uint64_t
http_conn_last_seq(const struct http_conn *h)
{
    return h->nxact;
}

/* Detach any direction still reading a body into x. */
static void
http_conn_detach(struct http_conn *h, struct http_xact *x)
{
    int d;

    for (d = 0; d < 2; d++) {
        if (h->dir[d].mx == x) {
            h->dir[d].mx = NULL;
            h->dir[d].m = NULL;
        }
    }
}

/* Hand the head exchange to the consumer and drop it from the queue. */
static enum rn_rc
http_conn_pop(struct http_conn *h, struct rn_err *err)
{
    struct http_xact *x = h->q[h->qhead];
    enum rn_rc rc = RN_OK;

    h->qhead = (h->qhead + 1) % HTTP_QUEUE_MAX;
    h->qlen--;
    if (h->resp_next > 0)
        h->resp_next--;
    http_conn_detach(h, x);
    h->emitted++;
    if (h->cb.xact != NULL)
        rc = h->cb.xact(h->cb.ctx, x, err);
    http_xact_free(x);
    return rc;
}

/* Emit finished exchanges from the head of the queue, in order. */
static enum rn_rc
http_conn_emit(struct http_conn *h, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && h->qlen > 0) {
        struct http_xact *x = h->q[h->qhead];

        if (!((!x->req.present || x->req_done) && x->resp_done))
            break;
        rc = http_conn_pop(h, err);
    }
    return rc;
}

/* Append a new exchange to the queue (emitting the oldest if full). */
static enum rn_rc
http_conn_push(struct http_conn *h, struct http_xact **out, struct rn_err *err)
{
    struct http_xact *x;
    enum rn_rc rc = RN_OK;

    if (h->qlen == HTTP_QUEUE_MAX) {
        h->stats->queue_overflows++;
        rc = http_conn_pop(h, err);
    }
    x = xcalloc(1, sizeof *x);
    rn_buf_init(&x->req.head, HTTP_HEAD_MAX);
    rn_buf_init(&x->resp.head, HTTP_HEAD_MAX);
    x->seq = ++h->nxact;
    h->q[(h->qhead + h->qlen) % HTTP_QUEUE_MAX] = x;
    h->qlen++;
    *out = x;
    return rc;
}

/* The message being read in direction d ended. */
static enum rn_rc
http_dir_end_msg(struct http_conn *h, int d, enum http_end how, uint64_t frame,
                 int64_t ts, struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    struct http_msg *m = hd->m;
    struct http_xact *x = hd->mx;

    if (m != NULL) {
        m->end = how;
        m->complete = m->gap_bytes == 0 && !m->head_truncated &&
                      (how == HTTP_END_LENGTH || how == HTTP_END_CHUNKED ||
                       (how == HTTP_END_FIN && hd->st == HS_BODY_CLOSE));
        if (m->body_bytes > 0 || m->gap_bytes > 0 || hd->st == HS_CHUNK_SIZE ||
            hd->st == HS_TRAILERS) {
            m->end_frame = frame;
            m->end_ts = ts;
        } else {
            m->end_frame = m->head_end_frame;
            m->end_ts = m->head_end_ts;
        }
        if (x != NULL) {
            if (m == &x->req)
                x->req_done = 1;
            else if (m == &x->resp)
                x->resp_done = 1;
        }
    }
    hd->m = NULL;
    hd->mx = NULL;
    hd->remaining = 0;
    if (hd->st != HS_CLOSED)
        hd->st = hd->tunnel_after ? HS_TUNNEL : HS_LINE;
    return http_conn_emit(h, err);
}

/* Turn both directions into tunnels (after the current request). */
static void
http_conn_tunnel(struct http_conn *h, int server_dir)
{
    struct http_dir *c = &h->dir[!server_dir];

    h->dir[server_dir].tunnel_after = 1;
    c->tunnel_after = 1;
    if (c->st == HS_LINE && c->scratch.head.len == 0)
        c->st = HS_TUNNEL;
}

/* Queue a new exchange for the request in m (moved into it). */
static enum rn_rc
http_conn_add_request(struct http_conn *h, struct http_msg *m,
                      struct http_xact **out, struct rn_err *err)
{
    struct http_xact *x;
    enum rn_rc rc = http_conn_push(h, &x, err);

    if (rc != RN_OK)
        return rc;
    rn_buf_fini(&x->req.head);
    http_msg_move(&x->req, m);
    h->stats->requests++;
    *out = x;
    return RN_OK;
}

/* The exchange the next response belongs to: the oldest one waiting for
 * its response, else a new one of its own (an orphan response). */
static enum rn_rc
http_conn_response_xact(struct http_conn *h, struct http_xact **out,
                        struct rn_err *err)
{
    enum rn_rc rc;

    if (h->resp_next < h->qlen) {
        *out = h->q[(h->qhead + h->resp_next) % HTTP_QUEUE_MAX];
        return RN_OK;
    }
    rc = http_conn_push(h, out, err);
    if (rc == RN_OK)
        h->stats->orphan_responses++;
    return rc;
}

/* Make the final response in m exchange x's (it uses x up). */
static void
http_conn_set_response(struct http_conn *h, struct http_xact *x,
                       struct http_msg *m)
{
    h->resp_next++;
    rn_buf_fini(&x->resp.head);
    http_msg_move(&x->resp, m);
    h->stats->responses++;
}

/* A request head is complete in direction d: queue it, pick its body. */
static enum rn_rc
http_dir_request(struct http_conn *h, int d, uint64_t frame, int64_t ts,
                 struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    struct http_xact *x;
    struct http_msg *m;
    enum rn_rc rc = http_conn_add_request(h, &hd->scratch, &x, err);

    if (rc != RN_OK)
        return rc;
    m = &x->req;
    hd->m = m;
    hd->mx = x;
    if (m->head_truncated)
        return http_dir_end_msg(h, d, HTTP_END_HEAD, frame, ts, err);
    if (m->chunked) {
        m->has_body = 1;
        hd->st = HS_CHUNK_SIZE;
        rn_buf_reset(&hd->line);
        return RN_OK;
    }
    if (m->content_length > 0) {
        m->has_body = 1;
        hd->st = HS_BODY_LEN;
        hd->remaining = (uint64_t)m->content_length;
        return RN_OK;
    }
    return http_dir_end_msg(h, d, HTTP_END_LENGTH, frame, ts, err);
}

/* Whether status st on exchange x turns the connection into a tunnel. */
static int
http_xact_tunnels(const struct http_xact *x, int st)
{
    const struct http_msg *req = x->req.present ? &x->req : NULL;

    return st == 101 ||
           (req != NULL && req->plen[0] == 7 &&
            memcmp(http_msg_at(req, req->p[0]), "CONNECT", 7) == 0 &&
            st >= 200 && st < 300);
}

/* A response head is complete in direction d: pair it, pick its body. */
static enum rn_rc
http_dir_response(struct http_conn *h, int d, uint64_t frame, int64_t ts,
                  struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    struct http_xact *x;
    struct http_msg *m, *req;
    int st = hd->scratch.status, head_req = 0;
    enum rn_rc rc = http_conn_response_xact(h, &x, err);

    if (rc != RN_OK)
        return rc;
    if (st >= 100 && st < 200 && st != 101) {
        /* Interim: kept with the exchange, does not use it up. */
        h->stats->interims++;
        if (x->ninterim < HTTP_INTERIM_MAX) {
            m = &x->interim[x->ninterim++];
            http_msg_move(m, &hd->scratch);
            m->end_frame = m->head_end_frame;
            m->end_ts = m->head_end_ts;
            m->end = HTTP_END_LENGTH;
            m->complete = 1;
        } else {
            x->interim_dropped++;
            http_msg_reset(&hd->scratch);
        }
        hd->st = HS_LINE;
        return RN_OK;
    }
    http_conn_set_response(h, x, &hd->scratch);
    m = &x->resp;
    hd->m = m;
    hd->mx = x;
    req = x->req.present ? &x->req : NULL;
    if (req != NULL)
        head_req = req->plen[0] == 4 &&
                   memcmp(http_msg_at(req, req->p[0]), "HEAD", 4) == 0;
    if (http_xact_tunnels(x, st)) {
        x->tunnel = 1;
        http_conn_tunnel(h, d);
        return http_dir_end_msg(h, d, HTTP_END_LENGTH, frame, ts, err);
    }
    if (m->head_truncated)
        return http_dir_end_msg(h, d, HTTP_END_HEAD, frame, ts, err);
    if (head_req || st == 204 || st == 304 || (st >= 100 && st < 200))
        return http_dir_end_msg(h, d, HTTP_END_LENGTH, frame, ts, err);
    m->has_body = 1;
    if (m->chunked) {
        hd->st = HS_CHUNK_SIZE;
        rn_buf_reset(&hd->line);
        return RN_OK;
    }
    if (m->content_length >= 0) {
        if (m->content_length == 0)
            return http_dir_end_msg(h, d, HTTP_END_LENGTH, frame, ts, err);
        hd->st = HS_BODY_LEN;
        hd->remaining = (uint64_t)m->content_length;
        return RN_OK;
    }
    hd->st = HS_BODY_CLOSE;
    return RN_OK;
}

/* The head in scratch is complete (blank line at frame/ts). */
static enum rn_rc
http_dir_head_done(struct http_conn *h, int d, uint64_t frame, int64_t ts,
                   struct rn_err *err)
{
    struct http_msg *m = &h->dir[d].scratch;

    m->head_end_frame = frame;
    m->head_end_ts = ts;
    http_parse_headers(m);
    if (h->client_dir < 0)
        h->client_dir = m->is_response ? !d : d;
    h->dir[d].resync = 0;
    if (m->is_response)
        return http_dir_response(h, d, frame, ts, err);
    return http_dir_request(h, d, frame, ts, err);
}

/*
 * Whether a cut start line in scratch (no line end) is a response line
 * at least as far as its status: "HTTP/x.y SP ddd" followed by a space,
 * a tab or the end of the data.  Records its pieces (the reason may be
 * cut) when it is.
 */
static int
http_dir_cut_status_line(struct http_dir *hd, int role)
{
    struct http_msg *m = &hd->scratch;

    if (role == HTTP_ROLE_CLIENT || m->head.len < 9 ||
        !http_parse_version_at(m->head.data, m->head.len, hd->resync) ||
        m->head.data[8] != ' ')
        return 0;
    return http_parse_start_line(m, hd->resync, role) == 2;
}

/* Whether a request line cut after its method names a known method. */
static int
http_dir_cut_request_line(struct http_dir *hd, int role)
{
    struct http_msg *m = &hd->scratch;
    const char *s = m->head.data;
    size_t i;

    if (role == HTTP_ROLE_SERVER)
        return 0;
    for (i = 0; i < m->head.len && s[i] != ' '; i++)
        ;
    if (i == m->head.len || !http_parse_is_method(s, i))
        return 0;
    m->is_response = 0;
    m->status = -1;
    m->p[0] = 0;
    m->plen[0] = (uint32_t)i;
    m->p[1] = m->p[2] = (uint32_t)m->head.len;
    m->plen[1] = m->plen[2] = 0;
    return 1;
}

/* Mark the cut message m (now in an exchange) as ended by how. */
static void
http_dir_cut_mark(const struct http_dir *hd, struct http_msg *m,
                  enum http_end how)
{
    m->head_incomplete = 1;
    m->head_end_frame = m->end_frame = hd->data_frame;
    m->head_end_ts = m->end_ts = hd->data_ts;
    m->end = how;
    m->complete = 0;
}

/*
 * The head being read in direction d was cut short (how: a close, the
 * capture end, lost bytes).  What is known is kept, marked incomplete,
 * with the header lines complete so far and no body:
 *   - a request whose method at least is complete becomes an exchange
 *     of its own;
 *   - a final response whose status at least is complete ("HTTP/1.1
 *     502", the reason possibly cut) pairs like a complete one: with the
 *     oldest exchange waiting for a response, else on its own (orphan).
 * Anything shorter, and an interim 1xx, is dropped.  The caller resets
 * the scratch message.
 */
static enum rn_rc
http_dir_cut_head(struct http_conn *h, int d, enum http_end how,
                  struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    struct http_msg *m = &hd->scratch;
    struct http_xact *x;
    int role = http_conn_role(h, d);
    size_t len;
    enum rn_rc rc;

    if (m->head.len == 0)
        return RN_OK;
    h->stats->partial_heads++;
    if (hd->st == HS_HEADERS) {
        if (role == (m->is_response ? HTTP_ROLE_CLIENT : HTTP_ROLE_SERVER))
            return RN_OK;
        len = m->head.len;
        m->head.len = hd->line_start; /* complete lines only */
        http_parse_headers(m);
        m->head.len = len;
    } else if (hd->st == HS_LINE) {
        if (http_dir_cut_status_line(hd, role))
            m->line_incomplete = 1;
        else if (http_dir_cut_request_line(hd, role))
            m->line_incomplete = 1;
        else
            return RN_OK;
    } else {
        return RN_OK;
    }
    if (m->is_response && m->status >= 100 && m->status < 200 &&
        m->status != 101)
        return RN_OK; /* an interim: nothing to pair with */
    if (h->client_dir < 0)
        h->client_dir = m->is_response ? !d : d;
    if (!m->is_response) {
        rc = http_conn_add_request(h, m, &x, err);
        if (rc != RN_OK)
            return rc;
        http_dir_cut_mark(hd, &x->req, how);
        x->req_done = 1;
        return http_conn_emit(h, err);
    }
    rc = http_conn_response_xact(h, &x, err);
    if (rc != RN_OK)
        return rc;
    http_conn_set_response(h, x, m);
    http_dir_cut_mark(hd, &x->resp, how);
    x->resp_done = 1;
    if (http_xact_tunnels(x, x->resp.status)) {
        /* A cut 101 (or CONNECT 2xx): what follows is not HTTP. */
        x->tunnel = 1;
        http_conn_tunnel(h, d);
        hd->st = HS_TUNNEL;
    }
    return http_conn_emit(h, err);
}

/* Abandon the message being read and search for the next one. */
static enum rn_rc
http_dir_lose_sync(struct http_conn *h, int d, uint64_t frame, int64_t ts,
                   struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    enum rn_rc rc = RN_OK;

    if (hd->m != NULL) {
        hd->m->complete = 0;
        rc = http_dir_end_msg(h, d, HTTP_END_GAP, frame, ts, err);
    }
    if (rc == RN_OK)
        rc = http_dir_cut_head(h, d, HTTP_END_GAP, err);
    http_msg_reset(&hd->scratch);
    if (hd->st != HS_TUNNEL && hd->st != HS_CLOSED) {
        hd->st = HS_LINE;
        hd->resync = 1;
        h->stats->resyncs++;
    }
    return rc;
}

/*
 * HS_SKIP: look for the next message start anywhere in p (a message may
 * begin right after a body, with no line break before it).  Returns the
 * bytes before the candidate, after which the state is HS_LINE; all of p
 * when there is none.
 */
static size_t
http_dir_search(struct http_conn *h, int d, const unsigned char *p, size_t n)
{
    int role = http_conn_role(h, d);
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = p[i];
        size_t k = n - i < 24 ? n - i : 24;

        if (role == HTTP_ROLE_SERVER) {
            const unsigned char *q = memchr(p + i, 'H', n - i);

            if (q == NULL)
                return n;
            i = (size_t)(q - p);
            k = n - i < 24 ? n - i : 24;
        } else if (c < 'A' || c > 'Z') {
            continue;
        }
        if (http_parse_prefix((const char *)p + i, k, 1, role, 0) != 0) {
            h->dir[d].st = HS_LINE;
            return i;
        }
    }
    return n;
}

/* HS_LINE: collect a start line; returns bytes consumed. */
static size_t
http_dir_line(struct http_conn *h, int d, const unsigned char *p, size_t n,
              uint64_t frame, int64_t ts)
{
    struct http_dir *hd = &h->dir[d];
    struct http_msg *m = &hd->scratch;
    const unsigned char *lf;
    size_t take, i = 0;
    int ok, kind, role = http_conn_role(h, d), fresh = m->head.len == 0;

    if (fresh) {
        while (i < n && (p[i] == '\r' || p[i] == '\n'))
            i++;
        if (i == n)
            return n;
        m->frame = frame;
        m->ts = ts;
    }
    lf = memchr(p + i, '\n', n - i);
    take = lf != NULL ? (size_t)(lf - p) + 1 - i : n - i;
    if (m->head.len + take > HTTP_LINE_MAX ||
        rn_buf_append(&m->head, p + i, take) != RN_OK) {
        http_msg_reset(m);
        hd->st = HS_SKIP;
        hd->resync = 1;
        h->stats->resyncs++;
        /* A line that began in this chunk: search again from its second
         * byte, or the search would find it again and loop forever. */
        return fresh ? i + 1 : i;
    }
    ok = http_parse_prefix(m->head.data, m->head.len, hd->resync, role,
                           lf != NULL);
    if (ok != 0 && lf == NULL)
        return i + take;
    kind = ok == 0 ? 0 : http_parse_start_line(m, hd->resync, role);
    if (kind == 0) {
        /* Not a start line: search again from the byte after its first
         * (if that byte is in this chunk; else from this chunk's start). */
        int here = m->head.len == take;

        h->stats->skipped_bytes += here ? 1 : m->head.len - take;
        http_msg_reset(m);
        if (!hd->resync)
            h->stats->resyncs++;
        hd->resync = 1;
        hd->st = HS_SKIP;
        return here ? i + 1 : i;
    }
    hd->line_start = m->head.len;
    hd->st = HS_HEADERS;
    return i + take;
}

/* HS_HEADERS: collect header lines up to the blank line. */
static size_t
http_dir_headers(struct http_conn *h, int d, const unsigned char *p, size_t n,
                 uint64_t frame, int64_t ts, enum rn_rc *rc, struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    struct http_msg *m = &hd->scratch;
    size_t used = 0;

    while (used < n) {
        const unsigned char *lf = memchr(p + used, '\n', n - used);
        size_t take = lf != NULL ? (size_t)(lf - p) + 1 - used : n - used;
        size_t ll;

        if (rn_buf_append(&m->head, p + used, take) != RN_OK) {
            /* Head too long: keep what fits, parse no body. */
            m->head_truncated = 1;
            m->malformed = 1;
            *rc = http_dir_head_done(h, d, frame, ts, err);
            if (hd->st == HS_LINE) {
                hd->st = HS_SKIP;
                hd->resync = 1;
            }
            return used;
        }
        used += take;
        if (lf == NULL)
            break;
        ll = m->head.len - hd->line_start;
        if (ll == 1 || (ll == 2 && m->head.data[hd->line_start] == '\r')) {
            m->head_bytes = m->head.len;  /* what crossed the wire */
            m->head.len = hd->line_start; /* drop the blank line */
            m->head.data[m->head.len] = '\0';
            *rc = http_dir_head_done(h, d, frame, ts, err);
            return used;
        }
        hd->line_start = m->head.len;
    }
    return used;
}

/* Parse a chunk-size line; -1 when it is not one. */
static int64_t
http_parse_chunk_size(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    int64_t v = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    for (; i < n; i++, digits++) {
        int c = (unsigned char)s[i], x;

        if (c >= '0' && c <= '9')
            x = c - '0';
        else if (c >= 'a' && c <= 'f')
            x = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            x = c - 'A' + 10;
        else
            break;
        if (v > (INT64_MAX >> 4))
            return -1;
        v = v * 16 + x;
    }
    if (digits == 0)
        return -1;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < n && s[i] != ';' && s[i] != '\r' && s[i] != '\n')
        return -1;
    return v;
}

/* Collect a line into hd->line; returns bytes used, *done when complete. */
static size_t
http_dir_collect_line(struct http_dir *hd, const unsigned char *p, size_t n,
                      int *done, int *overflow)
{
    const unsigned char *lf = memchr(p, '\n', n);
    size_t take = lf != NULL ? (size_t)(lf - p) + 1 : n;

    *done = lf != NULL;
    *overflow = rn_buf_append(&hd->line, p, take) != RN_OK;
    return take;
}

/* One step of direction d over p[0..n); returns bytes consumed. */
static size_t
http_dir_step(struct http_conn *h, int d, const unsigned char *p, size_t n,
              uint64_t frame, int64_t ts, enum rn_rc *rc, struct rn_err *err)
{
    struct http_dir *hd = &h->dir[d];
    size_t take;
    int done, overflow;

    switch (hd->st) {
    case HS_LINE:
        return http_dir_line(h, d, p, n, frame, ts);
    case HS_SKIP:
        take = http_dir_search(h, d, p, n);
        h->stats->skipped_bytes += take;
        return take;
    case HS_HEADERS:
        return http_dir_headers(h, d, p, n, frame, ts, rc, err);
    case HS_BODY_LEN:
    case HS_CHUNK_DATA:
        take = n < hd->remaining ? n : (size_t)hd->remaining;
        hd->remaining -= take;
        if (hd->m != NULL)
            hd->m->body_bytes += take;
        if (hd->remaining == 0) {
            if (hd->st == HS_BODY_LEN) {
                *rc = http_dir_end_msg(h, d, HTTP_END_LENGTH, frame, ts, err);
            } else {
                hd->st = HS_CHUNK_END;
            }
        }
        return take;
    case HS_CHUNK_END:
        if (p[0] == '\r')
            return 1;
        hd->st = HS_CHUNK_SIZE;
        rn_buf_reset(&hd->line);
        return p[0] == '\n' ? 1 : 0;
    case HS_CHUNK_SIZE:
        take = http_dir_collect_line(hd, p, n, &done, &overflow);
        if (overflow) {
            *rc = http_dir_lose_sync(h, d, frame, ts, err);
            return take;
        }
        if (done) {
            int64_t v = http_parse_chunk_size(hd->line.data, hd->line.len);

            rn_buf_reset(&hd->line);
            if (v < 0) {
                *rc = http_dir_lose_sync(h, d, frame, ts, err);
            } else if (v == 0) {
                hd->st = HS_TRAILERS;
            } else {
                hd->st = HS_CHUNK_DATA;
                hd->remaining = (uint64_t)v;
            }
        }
        return take;
    case HS_TRAILERS:
        take = http_dir_collect_line(hd, p, n, &done, &overflow);
        if (overflow) {
            *rc = http_dir_lose_sync(h, d, frame, ts, err);
            return take;
        }
        if (done) {
            size_t ll = hd->line.len;
            int blank = ll == 1 || (ll == 2 && hd->line.data[0] == '\r');

            rn_buf_reset(&hd->line);
            if (blank)
                *rc = http_dir_end_msg(h, d, HTTP_END_CHUNKED, frame, ts, err);
        }
        return take;
    case HS_BODY_CLOSE:
        if (hd->m != NULL)
            hd->m->body_bytes += n;
        return n;
    case HS_TUNNEL:
    case HS_CLOSED:
        return n;
    }
    return n;
}

enum rn_rc
http_conn_data(struct http_conn *h, int dir, const unsigned char *p, size_t n,
               uint64_t frame, int64_t ts, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    h->dir[dir].last_frame = frame;
    h->dir[dir].last_ts = ts;
    h->dir[dir].data_frame = frame;
    h->dir[dir].data_ts = ts;
    while (n > 0 && rc == RN_OK) {
        size_t used = http_dir_step(h, dir, p, n, frame, ts, &rc, err);

        p += used;
        n -= used;
    }
    return rc;
}

enum rn_rc
http_conn_gap(struct http_conn *h, int dir, uint64_t n, uint64_t frame,
              int64_t ts, struct rn_err *err)
{
    struct http_dir *hd = &h->dir[dir];

    hd->last_frame = frame;
    hd->last_ts = ts;
    switch (hd->st) {
    case HS_BODY_LEN:
    case HS_CHUNK_DATA:
        if (n < hd->remaining) {
            hd->remaining -= n;
            if (hd->m != NULL)
                hd->m->gap_bytes += n;
            return RN_OK;
        }
        if (hd->m != NULL)
            hd->m->gap_bytes += hd->remaining;
        if (hd->st == HS_BODY_LEN && n == hd->remaining) {
            /* The gap ends exactly at the end of the body. */
            return http_dir_end_msg(h, dir, HTTP_END_LENGTH, frame, ts, err);
        }
        return http_dir_lose_sync(h, dir, frame, ts, err);
    case HS_BODY_CLOSE:
        if (hd->m != NULL)
            hd->m->gap_bytes += n;
        return RN_OK;
    case HS_TUNNEL:
    case HS_CLOSED:
        return RN_OK;
    case HS_LINE:
        if (hd->scratch.head.len == 0 && !hd->resync) {
            /* Between messages: the next byte may well start one. */
            hd->resync = 1;
            h->stats->resyncs++;
            return RN_OK;
        }
        return http_dir_lose_sync(h, dir, frame, ts, err);
    default:
        return http_dir_lose_sync(h, dir, frame, ts, err);
    }
}

enum rn_rc
http_conn_close(struct http_conn *h, int dir, enum http_end how, uint64_t frame,
                int64_t ts, struct rn_err *err)
{
    struct http_dir *hd = &h->dir[dir];
    enum rn_rc rc = RN_OK;

    (void)frame;
    (void)ts;
    if (hd->st == HS_CLOSED)
        return RN_OK;
    /* A message cut by the close ends at the last byte seen. */
    if (hd->m != NULL)
        rc = http_dir_end_msg(h, dir, how, hd->last_frame, hd->last_ts, err);
    if (rc == RN_OK)
        rc = http_dir_cut_head(h, dir, how, err);
    http_msg_reset(&hd->scratch);
    hd->st = HS_CLOSED;
    return rc;
}

enum rn_rc
http_conn_close_both(struct http_conn *h, enum http_end how, uint64_t frame,
                     int64_t ts, struct rn_err *err)
{
    const struct http_msg *a = &h->dir[0].scratch, *b = &h->dir[1].scratch;
    /* Heads cut in both directions: the one that began first is kept
     * first, so a response pairs with a request only if it came later. */
    int first = a->head.len > 0 && b->head.len > 0 && b->frame < a->frame;
    enum rn_rc rc = http_conn_close(h, first, how, frame, ts, err);

    if (rc == RN_OK)
        rc = http_conn_close(h, !first, how, frame, ts, err);
    return rc;
}

enum rn_rc
http_conn_finish(struct http_conn *h, enum http_end how, struct rn_err *err)
{
    enum rn_rc rc = http_conn_close_both(h, how, 0, 0, err);

    while (rc == RN_OK && h->qlen > 0) {
        struct http_xact *x = h->q[h->qhead];

        x->req_done = 1;
        x->resp_done = 1;
        rc = http_conn_pop(h, err);
    }
    return rc;
}

void
http_conn_free(struct http_conn *h)
{
    int d;

    if (h == NULL)
        return;
    while (h->qlen > 0) {
        http_xact_free(h->q[h->qhead]);
        h->qhead = (h->qhead + 1) % HTTP_QUEUE_MAX;
        h->qlen--;
    }
    for (d = 0; d < 2; d++) {
        http_msg_fini(&h->dir[d].scratch);
        rn_buf_fini(&h->dir[d].line);
    }
    free(h);
}
