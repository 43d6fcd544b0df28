/*
 * The capture importer: glue from frames to the store.  cap_read gives
 * frames, pkt_decode turns them into TCP segments, tcp_reasm into ordered
 * byte streams per direction, http_parse into exchanges; each exchange is
 * written as one source request (key "pcap:<sha prefix>:<frame>", with
 * ".N" for the Nth further message starting in the same frame) with
 * its events.  The SYN attaches to the connection's first exchange; a
 * FIN or RST to the exchange that was the newest on its connection when
 * it arrived (written at once when that exchange is already stored,
 * else held until it is), or to the first one when none had begun.
 * A header block cut short (http_parse keeps a request's or a final
 * response's) is written with what arrived: its head event carries
 * head_incomplete (the cause) and is at least a warning, and it gets no
 * end event (no body was read).
 * Connections with no HTTP leave nothing in the store.  Memory stays flat in
 * the file size: streams are never buffered whole, and only open exchanges'
 * header blocks are kept.
 */
#include "import_pcap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cap_etl.h"
#include "cap_read.h"
#include "http_parse.h"
#include "pkt_decode.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_pipe.h"
#include "rn_time.h"
#include "sha256.h"
#include "store.h"
#include "tcp_reasm.h"
#include "xmalloc.h"

#define PCAP_PROGRESS_FRAMES 65536
#define PCAP_CONN_EVENTS_MAX 4
#define PCAP_LINK_WARN_MAX   8
#define PCAP_ADDR_MAX        64
/* Frames go to the hasher thread a megabyte at a time, one hashed while
 * the next fills (hashing is steady work: no bursts for a deeper queue to
 * absorb). */
#define PCAP_HASH_BATCH (1u << 20)
#define PCAP_HASH_DEPTH 1

/* A connection event waiting for an exchange to attach to. */
struct pcap_conn_event {
    const char *name; /* "TCP_FIN" or "TCP_RST" */
    int dir;          /* sending TCP direction */
    uint64_t frame;
    int64_t ts;
    uint64_t xseq; /* exchange (http_xact.seq) it belongs to; 0 none yet */
};

/* Per-connection state (tcp_conn_info.user). */
struct pcap_conn {
    struct http_conn *http; /* created at the first byte */
    int64_t last_srcreq;    /* last exchange written, 0 when none */
    uint64_t last_seq;      /* its http_xact.seq */
    int connect_written;    /* TCP_CONNECT already attached */
    int rst;                /* the connection was reset */
    uint64_t key_frame;     /* frame of the last exchange key */
    unsigned key_n;         /* exchanges keyed on that frame so far */
    /* Client and server addresses as text, made at the first exchange
     * (inet_ntop was a noticeable part of writing one) for the client
     * direction addr_client (-1: not made yet). */
    int addr_client;
    char caddr[PCAP_ADDR_MAX], saddr[PCAP_ADDR_MAX];
    struct pcap_conn_event pend[PCAP_CONN_EVENTS_MAX];
    int npend;
};

struct pcap_imp {
    struct import_ctx *ctx;
    struct ingest *in;
    char keypfx[40];   /* "pcap:<16 hex>:" */
    int64_t ord;       /* next event ordinal */
    int64_t offset_ns; /* clock offset applied to times, or 0 */
    int have_offset;
    struct tcp_reasm *ra;
    struct http_stats hs;
    struct tcp_conn_info *cur; /* connection of the exchange being written */
    struct rn_buf fields, attrs, url; /* scratch, reused */
    struct rn_buf hkey, hval;         /* a header field's name and value */
    int warned_links[PCAP_LINK_WARN_MAX];
    int nwarned_links;
    int warned_cap;
    uint64_t exchanges, frames, tcp_frames, undecodable;
    int64_t last_ts;               /* time of the previous frame */
    int64_t min_ts, max_ts;        /* earliest and latest frame times */
    int links[PCAP_LINK_WARN_MAX]; /* link types seen (sources json) */
    int nlinks;
    struct sha256 frames_hash; /* every frame's time and bytes, in order */
    struct rn_pipe *hasher;    /* a thread hashing them, or NULL */
};

/* Event time: the captured time shifted by the clock offset, if any. */
static int64_t
import_pcap_ts(const struct pcap_imp *im, int64_t ts)
{
    return im->have_offset ? ts + im->offset_ns : ts;
}

/* "addr:port" ("[v6]:port") of endpoint e of c into out. */
static void
import_pcap_endpoint(const struct tcp_conn_info *c, int e, char *out, size_t n)
{
    char a[PCAP_ADDR_MAX];

    pkt_decode_addr_str(c->ipver, c->addr[e], a, sizeof a);
    if (c->ipver == 6)
        snprintf(out, n, "[%s]:%u", a, c->port[e]);
    else
        snprintf(out, n, "%s:%u", a, c->port[e]);
}

/*
 * Add a field under a key of our own: plain ASCII, written as it is,
 * where rn_json_obj_add would escape it byte by byte.  The text is the
 * same.  IMPORT_PCAP_FIELD takes the key as a string literal.
 */
static enum rn_rc
import_pcap_field(struct rn_json_obj *o, const char *qkey, size_t qn,
                  const char *v, size_t vn)
{
    enum rn_rc rc = rn_buf_putc(o->b, o->count == 0 ? '{' : ',');

    if (rc == RN_OK)
        rc = rn_buf_append(o->b, qkey, qn);
    if (rc == RN_OK)
        rc = rn_json_str(o->b, v, vn);
    o->count++;
    return rc;
}

#define IMPORT_PCAP_FIELD(o, k, v, n)                                          \
    import_pcap_field((o), "\"" k "\":", sizeof("\"" k "\":") - 1, (v), (n))

/* Start an event's fields with the times every capture event carries. */
static enum rn_rc
import_pcap_fields_begin(struct pcap_imp *im, struct rn_json_obj *o, int64_t ts)
{
    char t[RN_TS_STR_MAX];
    enum rn_rc rc;

    rn_buf_reset(&im->fields);
    rn_json_obj_begin(o, &im->fields);
    rn_time_format(ts, t);
    rc = IMPORT_PCAP_FIELD(o, "captured_ts", t, strlen(t));
    if (rc == RN_OK && im->have_offset) {
        char ms[32];

        snprintf(ms, sizeof ms, "%.3f", (double)im->offset_ns / 1e6);
        rc = IMPORT_PCAP_FIELD(o, "clock_offset_ms", ms, strlen(ms));
    }
    return rc;
}

/* Add a string field from a C string (k a string literal). */
#define import_pcap_add(o, k, v)                                               \
    import_pcap_add_cstr((o), "\"" k "\":", sizeof("\"" k "\":") - 1, (v))

static enum rn_rc
import_pcap_add_cstr(struct rn_json_obj *o, const char *qkey, size_t qn,
                     const char *v)
{
    return import_pcap_field(o, qkey, qn, v, strlen(v));
}

/* Add an unsigned number as a string field (k a string literal). */
#define import_pcap_add_u(o, k, v)                                             \
    import_pcap_add_num((o), "\"" k "\":", sizeof("\"" k "\":") - 1, (v))

static enum rn_rc
import_pcap_add_num(struct rn_json_obj *o, const char *qkey, size_t qn,
                    uint64_t v)
{
    char s[24];

    return import_pcap_field(o, qkey, qn, s, rn_u64_dec(v, s));
}

/* Write one event of the current exchange. */
static enum rn_rc
import_pcap_event(struct pcap_imp *im, int64_t srcreq, const char *name,
                  uint64_t frame, int64_t ts, int level, const char *raw,
                  struct rn_err *err)
{
    struct store_event ev;

    store_event_init(&ev);
    ev.ord = im->ord++;
    ev.seq = (int64_t)frame;
    ev.ts_ns = import_pcap_ts(im, ts);
    ev.provider = "capture";
    ev.name = name;
    ev.level = level;
    ev.fields_json = rn_buf_str(&im->fields);
    ev.raw = raw;
    return ingest_event_add(im->in, im->ctx->source_id, srcreq, &ev, NULL, err);
}

#define IMPORT_PCAP_RESERVED(k)                                                \
    {                                                                          \
        k, sizeof k - 1                                                        \
    }
static const struct {
    const char *s;
    size_t n;
} import_pcap_reserved[] = {
    IMPORT_PCAP_RESERVED("captured_ts"),
    IMPORT_PCAP_RESERVED("clock_offset_ms"),
    IMPORT_PCAP_RESERVED("method"),
    IMPORT_PCAP_RESERVED("target"),
    IMPORT_PCAP_RESERVED("version"),
    IMPORT_PCAP_RESERVED("status"),
    IMPORT_PCAP_RESERVED("reason"),
    IMPORT_PCAP_RESERVED("frame"),
    IMPORT_PCAP_RESERVED("client"),
    IMPORT_PCAP_RESERVED("server"),
    IMPORT_PCAP_RESERVED("head_incomplete"),
    IMPORT_PCAP_RESERVED("request_line_incomplete"),
    IMPORT_PCAP_RESERVED("response_line_incomplete"),
};

/* Whether a header name collides with one of our own field names
 * (lengths first: this runs for every header line). */
static int
import_pcap_is_reserved(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof import_pcap_reserved / sizeof *import_pcap_reserved;
         i++) {
        if (import_pcap_reserved[i].n == n &&
            memcmp(import_pcap_reserved[i].s, s, n) == 0)
            return 1;
    }
    return 0;
}

/* Case-insensitive equality of two byte ranges. */
static int
import_pcap_ieq(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i;

    if (an != bn)
        return 0;
    for (i = 0; i < an; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return 1;
}

/*
 * Add a message's headers as fields: one per name (repeated names joined
 * with ", "), malformed lines under "malformed_header".
 */
static enum rn_rc
import_pcap_add_headers(struct pcap_imp *im, struct rn_json_obj *o,
                        const struct http_msg *m)
{
    struct rn_buf *v = &im->hval, *k = &im->hkey;
    size_t i, j;
    enum rn_rc rc = RN_OK;

    for (i = 0; i < m->nhdr && rc == RN_OK; i++) {
        const struct http_header *h = &m->hdr[i];
        const char *name = http_msg_at(m, h->name);
        int seen = 0;

        if (h->malformed) {
            /* Gathered once, at the first malformed line. */
            for (j = 0; j < i && !seen; j++)
                seen = m->hdr[j].malformed;
            if (seen)
                continue;
            rn_buf_reset(v);
            for (j = i; j < m->nhdr; j++) {
                const struct http_header *g = &m->hdr[j];

                if (!g->malformed)
                    continue;
                if (v->len > 0)
                    rn_buf_puts(v, "\n");
                rn_buf_append(v, http_msg_at(m, g->name),
                              g->value + g->value_len > g->name
                                  ? g->value + g->value_len - g->name
                                  : g->name_len);
            }
            rc = rn_json_obj_add(o, "malformed_header", rn_buf_str(v), v->len);
            continue;
        }
        for (j = 0; j < i && !seen; j++) {
            const struct http_header *g = &m->hdr[j];

            seen = !g->malformed &&
                   import_pcap_ieq(http_msg_at(m, g->name), g->name_len, name,
                                   h->name_len);
        }
        if (seen)
            continue;
        rn_buf_reset(v);
        rn_buf_append(v, http_msg_at(m, h->value), h->value_len);
        for (j = i + 1; j < m->nhdr; j++) {
            const struct http_header *g = &m->hdr[j];

            if (!g->malformed &&
                import_pcap_ieq(http_msg_at(m, g->name), g->name_len, name,
                                h->name_len)) {
                rn_buf_puts(v, ", ");
                rn_buf_append(v, http_msg_at(m, g->value), g->value_len);
            }
        }
        rn_buf_reset(k);
        if (import_pcap_is_reserved(name, h->name_len))
            rn_buf_puts(k, "header:");
        rn_buf_append(k, name, h->name_len);
        rc = rn_json_obj_add(o, rn_buf_str(k), rn_buf_str(v), v->len);
    }
    return rc;
}

/* The value of the first header called name (lower case), or NULL. */
static const struct http_header *
import_pcap_header(const struct http_msg *m, const char *name)
{
    size_t i;

    for (i = 0; i < m->nhdr; i++) {
        const struct http_header *h = &m->hdr[i];

        if (!h->malformed && import_pcap_ieq(http_msg_at(m, h->name),
                                             h->name_len, name, strlen(name)))
            return h;
    }
    return NULL;
}

/* ,"<pfx>_<name>": of an attrs member, in one append (five made it a
 * good part of writing the attrs).  Our own short names: they fit. */
static void
import_pcap_attr_key(struct rn_buf *b, const char *pfx, const char *name)
{
    char k[96];
    size_t pn = strlen(pfx), nn = strlen(name);

    if (pn + nn + 5 > sizeof k)
        return;
    k[0] = ',';
    k[1] = '"';
    memcpy(k + 2, pfx, pn);
    k[2 + pn] = '_';
    memcpy(k + 3 + pn, name, nn);
    k[3 + pn + nn] = '"';
    k[4 + pn + nn] = ':';
    rn_buf_append(b, k, pn + nn + 5);
}

/* Append one message's facts to attrs under prefix ("request"...). */
static void
import_pcap_attrs_msg(struct rn_buf *b, const char *pfx,
                      const struct http_msg *m)
{
    static const struct {
        size_t off; /* of the flag in struct http_msg */
        const char *name;
    } flags[] = {
        {offsetof(struct http_msg, chunked), "chunked"},
        {offsetof(struct http_msg, malformed), "malformed_headers"},
        {offsetof(struct http_msg, cl_conflict), "content_length_conflict"},
        {offsetof(struct http_msg, head_truncated), "head_truncated"},
        {offsetof(struct http_msg, head_incomplete), "head_incomplete"},
        {offsetof(struct http_msg, line_incomplete), "line_incomplete"},
    };
    size_t i;

    /* Appends rather than one format string: this runs for every
     * message, and formatting was most of its cost. */
    import_pcap_attr_key(b, pfx, "frame");
    rn_buf_put_u64(b, m->frame);
    import_pcap_attr_key(b, pfx, "end_frame");
    rn_buf_put_u64(b, m->end_frame);
    import_pcap_attr_key(b, pfx, "body_bytes");
    rn_buf_put_u64(b, m->body_bytes);
    /* With the head's size, what the message weighed on the wire: what
     * IIS counts as bytes sent and received. */
    if (m->head_bytes > 0) {
        import_pcap_attr_key(b, pfx, "head_bytes");
        rn_buf_put_u64(b, m->head_bytes);
    }
    import_pcap_attr_key(b, pfx, "gap_bytes");
    rn_buf_put_u64(b, m->gap_bytes);
    import_pcap_attr_key(b, pfx, "complete");
    rn_buf_puts(b, m->complete ? "true" : "false");
    import_pcap_attr_key(b, pfx, "end");
    rn_buf_putc(b, '"');
    rn_buf_puts(b, http_end_str(m->end));
    rn_buf_putc(b, '"');
    if (m->content_length >= 0) {
        import_pcap_attr_key(b, pfx, "content_length");
        rn_buf_put_i64(b, m->content_length);
    }
    for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (*(const int *)((const char *)m + flags[i].off)) {
            import_pcap_attr_key(b, pfx, flags[i].name);
            rn_buf_puts(b, "true");
        }
    }
}

/* Build the url: the absolute target, or http://Host + target. */
static void
import_pcap_url(struct pcap_imp *im, const struct http_msg *req,
                const struct tcp_conn_info *c, int server)
{
    const char *t = http_msg_at(req, req->p[1]);
    size_t tn = req->plen[1];
    const struct http_header *host = import_pcap_header(req, "host");

    rn_buf_reset(&im->url);
    if ((tn >= 7 && import_pcap_ieq(t, 7, "http://", 7)) ||
        (tn >= 8 && import_pcap_ieq(t, 8, "https://", 8))) {
        rn_buf_append(&im->url, t, tn);
        return;
    }
    rn_buf_puts(&im->url, "http://");
    if (host != NULL && host->value_len > 0) {
        rn_buf_append(&im->url, http_msg_at(req, host->value), host->value_len);
    } else {
        char a[PCAP_ADDR_MAX];

        pkt_decode_addr_str(c->ipver, c->addr[server], a, sizeof a);
        rn_buf_printf(&im->url, c->ipver == 6 ? "[%s]" : "%s", a);
        if (c->port[server] != 80)
            rn_buf_printf(&im->url, ":%u", c->port[server]);
    }
    if (tn == 0 || t[0] != '/')
        rn_buf_putc(&im->url, '/');
    if (!(tn == 1 && t[0] == '*'))
        rn_buf_append(&im->url, t, tn);
}

/* Write one connection event into exchange sr. */
static enum rn_rc
import_pcap_conn_event(struct pcap_imp *im, struct pcap_conn *pc,
                       const struct pcap_conn_event *e, int64_t sr,
                       struct rn_err *err)
{
    int client = pc->http != NULL ? http_conn_client_dir(pc->http) : -1;
    int rst = strcmp(e->name, "TCP_RST") == 0;
    struct rn_json_obj o;
    enum rn_rc rc = import_pcap_fields_begin(im, &o, e->ts);

    if (rc == RN_OK)
        rc = import_pcap_add(&o, "from",
                             client < 0         ? "unknown"
                             : e->dir == client ? "client"
                                                : "server");
    if (rc == RN_OK)
        rc = rn_json_obj_end(&o);
    if (rc == RN_OK)
        rc = import_pcap_event(im, sr, e->name, e->frame, e->ts, rst ? 3 : 4,
                               NULL, err);
    return rc;
}

/*
 * Write the waiting connection events that belong to exchanges up to
 * seq (all of them when all is set) into exchange sr.
 */
static enum rn_rc
import_pcap_flush_conn_events(struct pcap_imp *im, struct pcap_conn *pc,
                              int64_t sr, uint64_t seq, int all,
                              struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    int i, k = 0;

    for (i = 0; i < pc->npend; i++) {
        struct pcap_conn_event *e = &pc->pend[i];

        if (rc == RN_OK && (all || e->xseq <= seq))
            rc = import_pcap_conn_event(im, pc, e, sr, err);
        else
            pc->pend[k++] = *e;
    }
    pc->npend = rc == RN_OK ? k : 0;
    return rc;
}

/* Level of a response status event. */
static int
import_pcap_status_level(int status)
{
    if (status >= 500)
        return 2;
    if (status >= 400)
        return 3;
    return 4;
}

/* Write a request's or response's head event. */
static enum rn_rc
import_pcap_head_event(struct pcap_imp *im, int64_t sr,
                       const struct http_msg *m, const char *name,
                       struct rn_err *err)
{
    struct rn_json_obj o;
    enum rn_rc rc = import_pcap_fields_begin(im, &o, m->ts);
    int level = 4;

    if (m->is_response) {
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "status", http_msg_at(m, m->p[1]),
                                   m->plen[1]);
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "reason", http_msg_at(m, m->p[2]),
                                   m->plen[2]);
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "version", http_msg_at(m, m->p[0]),
                                   m->plen[0]);
        level = import_pcap_status_level(m->status);
        /* Cut before the blank line: at least a warning (a 502 stays an
         * error). */
        if (rc == RN_OK && m->head_incomplete) {
            level = level < 3 ? level : 3;
            rc = import_pcap_add(&o, "head_incomplete", http_end_str(m->end));
        }
        if (rc == RN_OK && m->line_incomplete)
            rc = import_pcap_add(&o, "response_line_incomplete", "1");
    } else {
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "method", http_msg_at(m, m->p[0]),
                                   m->plen[0]);
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "target", http_msg_at(m, m->p[1]),
                                   m->plen[1]);
        if (rc == RN_OK)
            rc = IMPORT_PCAP_FIELD(&o, "version", http_msg_at(m, m->p[2]),
                                   m->plen[2]);
        /* Cut before the blank line: what was captured, as a warning. */
        if (rc == RN_OK && m->head_incomplete) {
            level = 3;
            rc = import_pcap_add(&o, "head_incomplete", http_end_str(m->end));
        }
        if (rc == RN_OK && m->line_incomplete)
            rc = import_pcap_add(&o, "request_line_incomplete", "1");
    }
    if (rc == RN_OK)
        rc = import_pcap_add_headers(im, &o, m);
    if (rc == RN_OK)
        rc = rn_json_obj_end(&o);
    if (rc == RN_ENOMEM) {
        /* A header block too big for one field: keep the event, plainly. */
        rn_buf_reset(&im->fields);
        rc = rn_buf_puts(&im->fields, "{}");
    }
    if (rc == RN_OK)
        rc = import_pcap_event(im, sr, name, m->frame, m->ts, level,
                               rn_buf_str(&m->head), err);
    return rc;
}

/* Write the end-of-message event (body sizes, how it ended). */
static enum rn_rc
import_pcap_end_event(struct pcap_imp *im, int64_t sr, const struct http_msg *m,
                      const char *name, struct rn_err *err)
{
    struct rn_json_obj o;
    enum rn_rc rc = import_pcap_fields_begin(im, &o, m->end_ts);

    if (rc == RN_OK)
        rc = import_pcap_add_u(&o, "body_bytes", m->body_bytes);
    if (rc == RN_OK && m->gap_bytes > 0)
        rc = import_pcap_add_u(&o, "gap_bytes", m->gap_bytes);
    if (rc == RN_OK)
        rc = import_pcap_add(&o, "complete", m->complete ? "1" : "0");
    if (rc == RN_OK)
        rc = import_pcap_add(&o, "end", http_end_str(m->end));
    if (rc == RN_OK)
        rc = rn_json_obj_end(&o);
    if (rc == RN_OK)
        rc = import_pcap_event(im, sr, name, m->end_frame, m->end_ts,
                               m->complete ? 4 : 3, NULL, err);
    return rc;
}

/* http_parse callback: write one finished exchange. */
static enum rn_rc
import_pcap_xact(void *vctx, struct http_xact *x, struct rn_err *err)
{
    struct pcap_imp *im = vctx;
    struct tcp_conn_info *c = im->cur;
    struct pcap_conn *pc = c->user;
    int client = http_conn_client_dir(pc->http), server;
    const struct http_msg *req = x->req.present ? &x->req : NULL;
    const struct http_msg *resp = x->resp.present ? &x->resp : NULL;
    const struct http_msg *first = req != NULL ? req : resp;
    struct store_srcreq r;
    char key[64];
    int64_t sr = 0;
    int i;
    enum rn_rc rc;

    if (first == NULL) {
        /* Only interim responses survived: keep them with their frame. */
        if (x->ninterim == 0)
            return RN_OK;
        first = &x->interim[0];
    }
    if (client < 0)
        client = c->syn_dir >= 0 ? c->syn_dir : 0;
    server = !client;
    im->exchanges++;
    /* Pipelined messages can share a frame: number them after the first. */
    if (pc->key_frame == first->frame) {
        pc->key_n++;
        snprintf(key, sizeof key, "%s%" PRIu64 ".%u", im->keypfx, first->frame,
                 pc->key_n);
    } else {
        pc->key_frame = first->frame;
        pc->key_n = 0;
        snprintf(key, sizeof key, "%s%" PRIu64, im->keypfx, first->frame);
    }
    store_srcreq_init(&r);
    r.key = key;
    r.start_ns = import_pcap_ts(im, first->ts);
    if (resp != NULL)
        r.end_ns = import_pcap_ts(im, resp->end_ts);
    else if (req != NULL)
        r.end_ns = import_pcap_ts(im, req->end_ts);
    if (req != NULL) {
        char *verb = xstrndup(http_msg_at(req, req->p[0]), req->plen[0]);
        const struct http_header *host = import_pcap_header(req, "host");
        char *hs = host != NULL ? xstrndup(http_msg_at(req, host->value),
                                           host->value_len)
                                : NULL;

        r.verb = verb;
        r.host = hs;
        /* A request line cut short has no target to build a url from. */
        if (!req->line_incomplete) {
            import_pcap_url(im, req, c, server);
            r.url = rn_buf_str(&im->url);
        }
    }
    if (resp != NULL)
        r.http_status = resp->status;
    if (pc->addr_client != client) {
        pkt_decode_addr_str(c->ipver, c->addr[client], pc->caddr,
                            sizeof pc->caddr);
        pkt_decode_addr_str(c->ipver, c->addr[server], pc->saddr,
                            sizeof pc->saddr);
        pc->addr_client = client;
    }
    r.client_addr = pc->caddr;
    r.server_addr = pc->saddr;
    r.client_port = c->port[client];
    r.server_port = c->port[server];
    r.truncated = (req != NULL && !req->complete) ||
                  (resp != NULL && !resp->complete) || resp == NULL;

    /* attrs: everything a report needs to point at the frames. */
    rn_buf_reset(&im->attrs);
    rn_buf_printf(&im->attrs,
                  "{\"connection\":%" PRIu64 ",\"exchange\":%" PRIu64, c->id,
                  x->seq);
    if (c->partial[0] || c->partial[1])
        rn_buf_puts(&im->attrs, ",\"partial_start\":true");
    /* The headers themselves are the head events' (fields, and every
     * captured byte in raw): not copied here. */
    if (req != NULL)
        import_pcap_attrs_msg(&im->attrs, "request", req);
    if (resp != NULL) {
        import_pcap_attrs_msg(&im->attrs, "response", resp);
    } else {
        rn_buf_printf(&im->attrs, ",\"response\":null,\"no_response\":\"%s\"",
                      pc->rst ? "rst" : "no response seen");
    }
    if (x->ninterim > 0) {
        rn_buf_puts(&im->attrs, ",\"interim\":[");
        for (i = 0; i < x->ninterim; i++)
            rn_buf_printf(&im->attrs, "%s{\"status\":%d,\"frame\":%" PRIu64 "}",
                          i > 0 ? "," : "", x->interim[i].status,
                          x->interim[i].frame);
        rn_buf_putc(&im->attrs, ']');
    }
    if (x->tunnel)
        rn_buf_puts(&im->attrs, ",\"tunnel\":true");
    if (rn_buf_putc(&im->attrs, '}') != RN_OK) {
        rn_buf_reset(&im->attrs);
        rn_buf_puts(&im->attrs, "{\"attrs_truncated\":true}");
    }
    r.attrs_json = rn_buf_str(&im->attrs);
    rc = ingest_srcreq_put(im->in, im->ctx->source_id, &r, &sr, err);
    free((char *)(uintptr_t)r.verb);
    free((char *)(uintptr_t)r.host);
    if (rc != RN_OK)
        return rc;

    if (!pc->connect_written && c->syn_dir >= 0 && c->syn_frame > 0) {
        struct rn_json_obj o;
        char ep[PCAP_ADDR_MAX + 8];

        pc->connect_written = 1;
        rc = import_pcap_fields_begin(im, &o, c->syn_ts);
        import_pcap_endpoint(c, client, ep, sizeof ep);
        if (rc == RN_OK)
            rc = import_pcap_add(&o, "client", ep);
        import_pcap_endpoint(c, server, ep, sizeof ep);
        if (rc == RN_OK)
            rc = import_pcap_add(&o, "server", ep);
        if (rc == RN_OK)
            rc = rn_json_obj_end(&o);
        if (rc == RN_OK)
            rc = import_pcap_event(im, sr, "TCP_CONNECT", c->syn_frame,
                                   c->syn_ts, 4, NULL, err);
    }
    pc->connect_written = 1;
    if (rc == RN_OK && req != NULL)
        rc = import_pcap_head_event(im, sr, req, "HTTP_REQUEST_HEADERS", err);
    if (rc == RN_OK && req != NULL && req->has_body)
        rc = import_pcap_end_event(im, sr, req, "HTTP_REQUEST_BODY_END", err);
    for (i = 0; i < x->ninterim && rc == RN_OK; i++)
        rc = import_pcap_head_event(im, sr, &x->interim[i],
                                    "HTTP_RESPONSE_INTERIM", err);
    if (rc == RN_OK && resp != NULL)
        rc = import_pcap_head_event(im, sr, resp, "HTTP_RESPONSE_STATUS", err);
    /* A head cut short has no end of its own (as for requests): the
     * status event says what cut it. */
    if (rc == RN_OK && resp != NULL && !resp->head_incomplete)
        rc = import_pcap_end_event(im, sr, resp, "HTTP_RESPONSE_END", err);
    /* A close goes to the newest exchange: the one before is complete. */
    if (rc == RN_OK && pc->last_srcreq != 0)
        rc = ingest_srcreq_done(im->in, pc->last_srcreq, err);
    pc->last_srcreq = sr;
    pc->last_seq = x->seq;
    if (rc == RN_OK && pc->npend > 0)
        rc = import_pcap_flush_conn_events(im, pc, sr, x->seq, 0, err);
    return rc;
}

/* The HTTP state of c, created at its first byte. */
static struct http_conn *
import_pcap_http(struct pcap_imp *im, struct tcp_conn_info *c)
{
    struct pcap_conn *pc = c->user;

    if (pc->http == NULL) {
        struct http_conn_cb cb = {im, import_pcap_xact};

        pc->http = http_conn_new(&cb, c->syn_dir, c->partial, &im->hs);
    }
    return pc->http;
}

/* tcp_reasm: a new connection. */
static enum rn_rc
import_pcap_open(void *vctx, struct tcp_conn_info *c, struct rn_err *err)
{
    (void)vctx;
    (void)err;
    struct pcap_conn *pc = xcalloc(1, sizeof *pc);

    pc->addr_client = -1;
    c->user = pc;
    return RN_OK;
}

/* tcp_reasm: stream bytes. */
static enum rn_rc
import_pcap_data(void *vctx, struct tcp_conn_info *c, int dir,
                 const unsigned char *p, size_t n, uint64_t frame, int64_t ts,
                 struct rn_err *err)
{
    struct pcap_imp *im = vctx;
    struct http_conn *h = import_pcap_http(im, c);

    im->cur = c;
    return http_conn_data(h, dir, p, n, frame, ts, err);
}

/* tcp_reasm: lost bytes. */
static enum rn_rc
import_pcap_gap(void *vctx, struct tcp_conn_info *c, int dir, uint64_t n,
                uint64_t frame, int64_t ts, struct rn_err *err)
{
    struct pcap_imp *im = vctx;
    struct http_conn *h = import_pcap_http(im, c);

    im->cur = c;
    return http_conn_gap(h, dir, n, frame, ts, err);
}

/*
 * tcp_reasm: FIN or RST.  The direction is closed first (which may end
 * and store exchanges); the event then belongs to the newest exchange
 * of the connection: written now if that one is stored, else held.
 */
static enum rn_rc
import_pcap_close(void *vctx, struct tcp_conn_info *c, int dir,
                  enum tcp_end how, uint64_t frame, int64_t ts,
                  struct rn_err *err)
{
    struct pcap_imp *im = vctx;
    struct pcap_conn *pc = c->user;
    struct pcap_conn_event e;
    enum rn_rc rc = RN_OK;

    im->cur = c;
    e.name = how == TCP_END_RST ? "TCP_RST" : "TCP_FIN";
    e.dir = dir;
    e.frame = frame;
    e.ts = ts;
    e.xseq = 0;
    if (pc->http != NULL) {
        if (how == TCP_END_RST) {
            pc->rst = 1;
            rc = http_conn_close_both(pc->http, HTTP_END_RST, frame, ts, err);
        } else {
            rc = http_conn_close(pc->http, dir, HTTP_END_FIN, frame, ts, err);
        }
        if (rc != RN_OK)
            return rc;
        e.xseq = http_conn_last_seq(pc->http);
    }
    if (e.xseq != 0 && e.xseq == pc->last_seq && pc->last_srcreq != 0)
        return import_pcap_conn_event(im, pc, &e, pc->last_srcreq, err);
    if (pc->npend < PCAP_CONN_EVENTS_MAX)
        pc->pend[pc->npend++] = e;
    return RN_OK;
}

/* tcp_reasm: the connection is gone; emit what is left, free. */
static enum rn_rc
import_pcap_end(void *vctx, struct tcp_conn_info *c, enum tcp_end why,
                struct rn_err *err)
{
    struct pcap_imp *im = vctx;
    struct pcap_conn *pc = c->user;
    enum rn_rc rc = RN_OK;

    im->cur = c;
    if (pc == NULL)
        return RN_OK;
    if (why != TCP_END_DISCARD && pc->http != NULL) {
        rc = http_conn_finish(
            pc->http, why == TCP_END_RST ? HTTP_END_RST : HTTP_END_CAPTURE,
            err);
        if (rc == RN_OK && pc->npend > 0 && pc->last_srcreq != 0)
            rc = import_pcap_flush_conn_events(im, pc, pc->last_srcreq, 0, 1,
                                               err);
    }
    if (rc == RN_OK && pc->last_srcreq != 0)
        rc = ingest_srcreq_done(im->in, pc->last_srcreq, err);
    http_conn_free(pc->http);
    free(pc);
    c->user = NULL;
    return rc;
}

/* Warn once per link type the decoder does not support. */
static void
import_pcap_warn_link(struct pcap_imp *im, const struct cap_frame *f)
{
    int i;

    for (i = 0; i < im->nwarned_links; i++) {
        if (im->warned_links[i] == f->raw_link)
            return;
    }
    if (im->nwarned_links < PCAP_LINK_WARN_MAX)
        im->warned_links[im->nwarned_links++] = f->raw_link;
    else
        return;
    import_warn(im->ctx, (int64_t)f->number,
                "%s: frame %" PRIu64 ": unsupported link type %d; frames of "
                "this type are skipped",
                im->ctx->path, f->number, f->raw_link);
}

/* The key prefix: "pcap:" and the first 16 hex digits of the hash. */
static void
import_pcap_keypfx(struct pcap_imp *im)
{
    const char *sha = im->ctx->sha256;

    snprintf(im->keypfx, sizeof im->keypfx,
             "pcap:%.16s:", sha != NULL ? sha : "0000000000000000");
}

/* Count a frame for the source's summary: times and link types. */
static void
import_pcap_seen(struct pcap_imp *im, const struct cap_frame *f)
{
    int link = f->link != CAP_LINK_UNKNOWN ? f->link : f->raw_link, i;

    if (im->frames == 0 || f->ts_ns < im->min_ts)
        im->min_ts = f->ts_ns;
    if (im->frames == 0 || f->ts_ns > im->max_ts)
        im->max_ts = f->ts_ns;
    im->frames++;
    for (i = 0; i < im->nlinks && im->links[i] != link; i++)
        ;
    if (i == im->nlinks && im->nlinks < PCAP_LINK_WARN_MAX)
        im->links[im->nlinks++] = link;
}

/*
 * The source's capture summary (reqnav sources --format json): frames,
 * earliest and latest times, link types; for .etl also the packet events
 * before de-duplication and those logged cut short.
 */
static void
import_pcap_summary(struct pcap_imp *im, const struct cap_reader *cr)
{
    const struct cap_etl_info *ei = cap_read_etl_info(cr);
    char a[RN_TS_STR_MAX], b[RN_TS_STR_MAX];
    struct rn_buf s;
    int i;

    rn_buf_init(&s, sizeof im->ctx->capture - 1);
    rn_buf_printf(&s, "{\"frames\":%" PRIu64, im->frames);
    if (im->frames > 0) {
        rn_time_format(im->min_ts, a);
        rn_time_format(im->max_ts, b);
        rn_buf_printf(&s, ",\"first\":\"%s\",\"last\":\"%s\"", a, b);
    } else {
        rn_buf_puts(&s, ",\"first\":null,\"last\":null");
    }
    rn_buf_puts(&s, ",\"link_types\":[");
    for (i = 0; i < im->nlinks; i++)
        rn_buf_printf(&s, "%s%d", i > 0 ? "," : "", im->links[i]);
    rn_buf_putc(&s, ']');
    if (ei != NULL)
        rn_buf_printf(&s,
                      ",\"packet_events\":%" PRIu64
                      ",\"packet_events_truncated\":%" PRIu64,
                      ei->packet_events, ei->truncated);
    if (rn_buf_putc(&s, '}') == RN_OK)
        snprintf(im->ctx->capture, sizeof im->ctx->capture, "%s",
                 rn_buf_str(&s));
    rn_buf_fini(&s);
}

/* What an .etl file says of its own gaps, as warnings. */
static void
import_pcap_etl_warnings(struct pcap_imp *im, const struct cap_reader *cr)
{
    const struct cap_etl_info *ei = cap_read_etl_info(cr);

    if (ei == NULL)
        return;
    if (ei->truncated > 0)
        import_warn(im->ctx, STORE_NONE,
                    "%s: %" PRIu64 " of %" PRIu64 " packet events were "
                    "logged cut short (pktmon logs 128 bytes a packet unless "
                    "started with --pkt-size 0); their exchanges are marked "
                    "truncated",
                    im->ctx->path, ei->truncated, ei->packet_events);
    if (ei->lost)
        import_warn(im->ctx, STORE_NONE,
                    "%s: buffer at offset %" PRIu64 ": events were lost "
                    "while tracing; the capture has gaps",
                    im->ctx->path, ei->lost_buf_off);
    else if (ei->events_lost > 0)
        import_warn(im->ctx, STORE_NONE,
                    "%s: the trace lost %u events while tracing; the "
                    "capture has gaps",
                    im->ctx->path, ei->events_lost);
}

/*
 * Add a frame to the capture's frames hash: its time (ns, little-endian),
 * captured length and bytes, so that the same traffic saved as pcap,
 * pcapng or Network Monitor hashes the same.
 */
static void
import_pcap_hash_frame(struct pcap_imp *im, const struct cap_frame *f)
{
    unsigned char h[12];
    uint64_t t = (uint64_t)f->ts_ns;
    int i;

    for (i = 0; i < 8; i++)
        h[i] = (unsigned char)(t >> (8 * i));
    for (i = 0; i < 4; i++)
        h[8 + i] = (unsigned char)(f->caplen >> (8 * i));
    if (im->hasher == NULL) {
        sha256_update(&im->frames_hash, h, sizeof h);
        sha256_update(&im->frames_hash, f->data, f->caplen);
        return;
    }
    rn_pipe_bytes(im->hasher, h, sizeof h);
    rn_pipe_bytes(im->hasher, f->data, f->caplen);
    (void)rn_pipe_op_end(im->hasher, NULL); /* hashing never fails */
}

/* The hasher thread's work: a batch of frames into the hash. */
static enum rn_rc
import_pcap_hash_run(void *ctx, const unsigned char *batch, size_t len,
                     struct rn_err *err)
{
    (void)err;
    sha256_update(ctx, batch, len);
    return RN_OK;
}

/* Read every frame and feed the pipeline. */
static enum rn_rc
import_pcap_frames(struct pcap_imp *im, struct cap_reader *cr,
                   struct rn_err *err)
{
    struct cap_frame f;
    struct rn_err rerr = {RN_OK, ""};
    int got;
    enum rn_rc rc = RN_OK;

    for (;;) {
        struct pkt_tcp seg;
        enum pkt_result pr;

        if (cap_read_next(cr, &f, &got, &rerr) != RN_OK) {
            /* Damaged file: keep what came before and say where. */
            im->ctx->truncated = 1;
            import_warn(im->ctx, (int64_t)f.number, "%s", rerr.msg);
            break;
        }
        if (!got)
            break;
        /* A damaged time: keep the order, borrow the last good one. */
        if (f.ts_ns == CAP_TS_NONE)
            f.ts_ns = im->last_ts;
        im->last_ts = f.ts_ns;
        import_pcap_seen(im, &f); /* counts the frame */
        import_pcap_hash_frame(im, &f);
        if (im->frames % PCAP_PROGRESS_FRAMES == 0) {
            rc = import_progress(im->ctx, (int64_t)cap_read_pos(cr), err);
            if (rc != RN_OK)
                return rc;
        }
        if (f.link == CAP_LINK_UNKNOWN) {
            import_pcap_warn_link(im, &f);
            continue;
        }
        pr = pkt_decode(f.link, f.data, f.caplen, f.origlen, &seg);
        if (pr == PKT_UNSUPPORTED_LINK) {
            import_pcap_warn_link(im, &f);
            continue;
        }
        if (pr != PKT_TCP) {
            if (pr != PKT_NOT_TCP)
                im->undecodable++;
            continue;
        }
        im->tcp_frames++;
        rc = tcp_reasm_feed(im->ra, &seg, f.number, f.ts_ns, err);
        if (rc != RN_OK)
            return rc;
        if (!im->warned_cap && tcp_reasm_stats(im->ra)->global_cap_hits > 0) {
            im->warned_cap = 1;
            import_warn(im->ctx, (int64_t)f.number,
                        "%s: frame %" PRIu64 ": out-of-order buffer limit "
                        "reached; missing bytes were declared lost",
                        im->ctx->path, f.number);
        }
    }
    return tcp_reasm_flush(im->ra, err);
}

/* importer run: the whole file. */
static enum rn_rc
import_pcap_run(struct import_ctx *ctx, struct rn_err *err)
{
    struct pcap_imp im;
    struct cap_reader *cr = NULL;
    struct tcp_reasm_cb cb = {0};
    enum rn_rc rc;

    memset(&im, 0, sizeof im);
    im.ctx = ctx;
    im.in = ctx->in;
    /* --clock-offset: applied here and kept; otherwise times stay as
     * captured and correlation shifts them by its estimate. */
    if (ctx->clock_offset_ns != STORE_NONE) {
        im.have_offset = 1;
        im.offset_ns = ctx->clock_offset_ns;
    }
    import_pcap_keypfx(&im);
    sha256_init(&im.frames_hash);
    /* Hashing a gigabyte of frames takes a tenth of a capture's import:
     * a thread does it beside the parse (or this one, without it). */
    im.hasher = rn_pipe_start(import_pcap_hash_run, &im.frames_hash,
                              PCAP_HASH_BATCH, PCAP_HASH_DEPTH);
    rn_buf_init(&im.fields, RN_BUF_MAX_FIELD);
    rn_buf_init(&im.attrs, RN_BUF_MAX_FIELD);
    rn_buf_init(&im.url, HTTP_HEAD_MAX + 256);
    rn_buf_init(&im.hkey, 1024);
    rn_buf_init(&im.hval, HTTP_HEAD_MAX);
    rc = cap_read_open(ctx->file, &cr, err);
    if (rc != RN_OK)
        goto out;
    ctx->format_detail = cap_read_name(cr);
    if (cap_read_ts_local(cr))
        import_warn(ctx, STORE_NONE,
                    "%s: network monitor %s stores local time without a "
                    "zone; times are taken as UTC",
                    ctx->path, cap_read_name(cr));
    cb.ctx = &im;
    cb.open = import_pcap_open;
    cb.data = import_pcap_data;
    cb.gap = import_pcap_gap;
    cb.close = import_pcap_close;
    cb.end = import_pcap_end;
    im.ra = tcp_reasm_new(&cb, NULL);
    rc = import_pcap_frames(&im, cr, err);
    if (rc == RN_OK) {
        import_pcap_summary(&im, cr);
        import_pcap_etl_warnings(&im, cr);
    }
    /* A capture read whole is known by its frames (importer.c). */
    rn_pipe_stop(im.hasher); /* every frame hashed */
    im.hasher = NULL;
    if (rc == RN_OK && !ctx->truncated && im.frames > 0)
        sha256_final_hex(&im.frames_hash, ctx->frames_sha256);
    if (rc == RN_OK && im.frames > 0 && im.exchanges == 0)
        import_warn(ctx, STORE_NONE,
                    "%s: %" PRIu64 " frames, %" PRIu64
                    " tcp, no http exchange found",
                    ctx->path, im.frames, im.tcp_frames);
out:
    rn_pipe_stop(im.hasher);
    tcp_reasm_free(im.ra);
    cap_read_close(cr);
    rn_buf_fini(&im.fields);
    rn_buf_fini(&im.attrs);
    rn_buf_fini(&im.url);
    rn_buf_fini(&im.hkey);
    rn_buf_fini(&im.hval);
    return rc;
}

/* importer probe: magic numbers only. */
static int
import_pcap_probe(const unsigned char *head, size_t n, const char *path)
{
    (void)path;
    return cap_read_probe(head, n) != CAP_FMT_NONE ? 100 : 0;
}

const struct importer import_pcap_importer = {
    "pcap", STORE_KIND_PCAP, import_pcap_probe, import_pcap_run};
