/*
 * Fuzz target: TCP reassembly (tcp_reasm.c) feeding the HTTP parser
 * (http_parse.c), without a capture file around them.  The input is a
 * list of segments, each a 6-byte header then its payload:
 *
 *   byte 0    bits 0-1 connection (4 client ports), bit 2 direction
 *             (0 client to server), bits 3-7 flags: SYN FIN RST ACK PSH
 *   byte 1-2  signed offset of seq from the next byte expected there
 *   byte 3-4  payload length (little endian, cut to what is left)
 *   byte 5    time step in milliseconds
 *
 * Small reassembly limits make the caps, gaps and evictions reachable.
 * Every exchange handed out is checked against its own offsets.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_parse.h"
#include "pkt_decode.h"
#include "tcp_reasm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A piece of a message must lie inside its head text. */
static void
fuzz_check_span(const struct http_msg *m, uint32_t off, uint32_t len)
{
    if ((uint64_t)off + len > m->head.len)
        abort();
}

/* An exchange: touch everything the importer reads. */
static enum rn_rc
fuzz_xact(void *ctx, struct http_xact *x, struct rn_err *err)
{
    const struct http_msg *msgs[2 + HTTP_INTERIM_MAX];
    int i, n = 0;
    size_t k;

    (void)ctx;
    (void)err;
    msgs[n++] = &x->req;
    msgs[n++] = &x->resp;
    for (i = 0; i < x->ninterim && i < HTTP_INTERIM_MAX; i++)
        msgs[n++] = &x->interim[i];
    for (i = 0; i < n; i++) {
        const struct http_msg *m = msgs[i];

        if (!m->present)
            continue;
        for (k = 0; k < 3; k++)
            fuzz_check_span(m, m->p[k], m->plen[k]);
        if (m->nhdr > HTTP_HEADERS_MAX)
            abort();
        for (k = 0; k < m->nhdr; k++) {
            fuzz_check_span(m, m->hdr[k].name, m->hdr[k].name_len);
            fuzz_check_span(m, m->hdr[k].value, m->hdr[k].value_len);
        }
        if (m->head.len > HTTP_HEAD_MAX + HTTP_LINE_MAX)
            abort();
    }
    return RN_OK;
}

struct fuzz_conn {
    struct http_conn *http;
};

static struct http_stats fuzz_hs;

/* tcp_reasm: a new connection. */
static enum rn_rc
fuzz_open(void *ctx, struct tcp_conn_info *c, struct rn_err *err)
{
    struct fuzz_conn *fc = calloc(1, sizeof *fc);

    (void)ctx;
    (void)err;
    if (fc == NULL)
        abort();
    c->user = fc;
    return RN_OK;
}

/* The connection's HTTP parser, made at its first byte. */
static struct http_conn *
fuzz_http(struct tcp_conn_info *c)
{
    struct fuzz_conn *fc = c->user;

    if (fc->http == NULL) {
        struct http_conn_cb cb = {NULL, fuzz_xact};

        fc->http = http_conn_new(&cb, c->syn_dir, c->partial, &fuzz_hs);
    }
    return fc->http;
}

/* tcp_reasm: stream bytes. */
static enum rn_rc
fuzz_data(void *ctx, struct tcp_conn_info *c, int dir, const unsigned char *p,
          size_t n, uint64_t frame, int64_t ts, struct rn_err *err)
{
    (void)ctx;
    return http_conn_data(fuzz_http(c), dir, p, n, frame, ts, err);
}

/* tcp_reasm: lost bytes. */
static enum rn_rc
fuzz_gap(void *ctx, struct tcp_conn_info *c, int dir, uint64_t n,
         uint64_t frame, int64_t ts, struct rn_err *err)
{
    (void)ctx;
    return http_conn_gap(fuzz_http(c), dir, n, frame, ts, err);
}

/* tcp_reasm: FIN or RST. */
static enum rn_rc
fuzz_close(void *ctx, struct tcp_conn_info *c, int dir, enum tcp_end how,
           uint64_t frame, int64_t ts, struct rn_err *err)
{
    struct fuzz_conn *fc = c->user;
    enum rn_rc rc = RN_OK;

    (void)ctx;
    if (fc->http == NULL)
        return RN_OK;
    if (how == TCP_END_RST) {
        rc = http_conn_close_both(fc->http, HTTP_END_RST, frame, ts, err);
        return rc;
    }
    return http_conn_close(fc->http, dir, HTTP_END_FIN, frame, ts, err);
}

/* tcp_reasm: the connection is gone. */
static enum rn_rc
fuzz_end(void *ctx, struct tcp_conn_info *c, enum tcp_end why,
         struct rn_err *err)
{
    struct fuzz_conn *fc = c->user;
    enum rn_rc rc = RN_OK;

    (void)ctx;
    if (fc == NULL)
        return RN_OK;
    if (fc->http != NULL && why != TCP_END_DISCARD)
        rc = http_conn_finish(fc->http, HTTP_END_CAPTURE, err);
    http_conn_free(fc->http);
    free(fc);
    c->user = NULL;
    return rc;
}

/* Decode the segment list and feed it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tcp_reasm_cb cb = {NULL,     fuzz_open,  fuzz_data,
                              fuzz_gap, fuzz_close, fuzz_end};
    struct tcp_reasm_limits lim;
    struct tcp_reasm *r;
    struct rn_err err = {RN_OK, ""};
    uint32_t next[4][2] = {
        {1000, 9000}, {2000, 8000}, {3000, 7000}, {4000, 6000}};
    int64_t ts = 1000000000LL;
    uint64_t frame = 0;
    size_t at = 0;
    enum rn_rc rc = RN_OK;

    tcp_reasm_limits_default(&lim);
    lim.conn_bytes = 4096;
    lim.global_bytes = 8192;
    lim.max_conns = 3;
    lim.idle_ns = 5000000000LL;
    r = tcp_reasm_new(&cb, &lim);
    while (rc == RN_OK && size - at >= 6) {
        const uint8_t *h = data + at;
        int conn = h[0] & 3, dir = (h[0] >> 2) & 1;
        int16_t off = (int16_t)(h[1] | h[2] << 8);
        size_t len = (size_t)(h[3] | h[4] << 8);
        struct pkt_tcp seg;

        at += 6;
        if (len > size - at)
            len = size - at;
        memset(&seg, 0, sizeof seg);
        seg.ipver = 4;
        seg.src[0] = 10;
        seg.src[3] = (unsigned char)(dir == 0 ? 1 : 2);
        seg.dst[0] = 10;
        seg.dst[3] = (unsigned char)(dir == 0 ? 2 : 1);
        seg.sport = (uint16_t)(dir == 0 ? 40000 + conn : 80);
        seg.dport = (uint16_t)(dir == 0 ? 80 : 40000 + conn);
        seg.flags = 0;
        if (h[0] & 0x08)
            seg.flags |= PKT_TCP_SYN;
        if (h[0] & 0x10)
            seg.flags |= PKT_TCP_FIN;
        if (h[0] & 0x20)
            seg.flags |= PKT_TCP_RST;
        if (h[0] & 0x40)
            seg.flags |= PKT_TCP_ACK;
        if (h[0] & 0x80)
            seg.flags |= PKT_TCP_PSH;
        seg.seq = next[conn][dir] + (uint32_t)(int32_t)off;
        seg.ack = next[conn][!dir];
        seg.payload = data + at;
        seg.cap_len = (uint32_t)len;
        seg.seg_len = (uint32_t)len;
        if (seg.seq == next[conn][dir])
            next[conn][dir] += (uint32_t)len + ((seg.flags & PKT_TCP_SYN) != 0);
        at += len;
        ts += (int64_t)h[5] * 1000000LL;
        rc = tcp_reasm_feed(r, &seg, ++frame, ts, &err);
    }
    if (rc == RN_OK)
        rc = tcp_reasm_flush(r, &err);
    tcp_reasm_free(r);
    return 0;
}
