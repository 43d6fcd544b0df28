/*
 * TCP reassembly.  Connections live in a chained hash table keyed by the
 * unordered 4-tuple, and on an LRU list ordered by last activity (for
 * idle eviction and the connection cap).  Each direction keeps the next
 * expected sequence number and a sorted list of buffered out-of-order
 * segments; sequence numbers compare modulo 2^32.  Bytes before `next`
 * are retransmissions and are dropped (bytes already delivered are never
 * replaced); among buffered segments the first copy wins.  A segment cut
 * by the snapshot length carries `miss` bytes that exist on the wire but
 * not in the file: they come out as a gap of known size.
 */
#include "tcp_reasm.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define TCP_REASM_MIN_BUCKETS 1024

/* One buffered out-of-order segment. */
struct tcp_seg {
    struct tcp_seg *next;
    uint32_t seq;  /* first byte */
    uint32_t len;  /* captured bytes in data[] */
    uint32_t miss; /* bytes after data[] lost to the snapshot length */
    uint64_t frame;
    int64_t ts;
    unsigned char data[];
};

struct tcp_dir {
    int started;   /* next is meaningful */
    int isn_known; /* SYN seen */
    uint32_t isn;
    uint32_t next; /* next expected sequence number */
    uint64_t delivered;
    int fin_seen;
    uint32_t fin_seq; /* sequence number of the FIN */
    uint64_t fin_frame;
    int64_t fin_ts;
    int closed;              /* close callback done */
    struct tcp_seg *pending; /* sorted by seq */
    size_t pending_bytes;
};

struct tcp_conn {
    struct tcp_conn_info info;
    struct tcp_dir dir[2];
    uint32_t hash;
    struct tcp_conn *hnext;         /* hash chain */
    struct tcp_conn *lprev, *lnext; /* LRU list, oldest first */
    int64_t last_ts;
};

struct tcp_reasm {
    struct tcp_reasm_cb cb;
    struct tcp_reasm_limits lim;
    struct tcp_reasm_stats st;
    struct tcp_conn **buckets;
    size_t nbuckets, nconns;
    struct tcp_conn *lru_head, *lru_tail;
    uint64_t next_id;
};

/* a < b in sequence space. */
static int
tcp_reasm_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

/* a <= b in sequence space. */
static int
tcp_reasm_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

void
tcp_reasm_limits_default(struct tcp_reasm_limits *lim)
{
    lim->conn_bytes = 2u * 1024 * 1024;
    lim->global_bytes = 128u * 1024 * 1024;
    lim->max_conns = 1000000;
    lim->idle_ns = 600LL * 1000000000LL;
}

struct tcp_reasm *
tcp_reasm_new(const struct tcp_reasm_cb *cb, const struct tcp_reasm_limits *lim)
{
    struct tcp_reasm *r = xcalloc(1, sizeof *r);

    r->cb = *cb;
    if (lim != NULL)
        r->lim = *lim;
    else
        tcp_reasm_limits_default(&r->lim);
    r->nbuckets = TCP_REASM_MIN_BUCKETS;
    r->buckets = xcalloc(r->nbuckets, sizeof *r->buckets);
    return r;
}

const struct tcp_reasm_stats *
tcp_reasm_stats(const struct tcp_reasm *r)
{
    return &r->st;
}

/* FNV-1a over a byte range, continuing from h. */
static uint32_t
tcp_reasm_fnv(uint32_t h, const unsigned char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

/* Hash of an endpoint pair, the same in both directions. */
static uint32_t
tcp_reasm_hash(const struct pkt_tcp *s)
{
    size_t alen = s->ipver == 4 ? 4 : 16;
    uint32_t h1 = tcp_reasm_fnv(2166136261u, s->src, alen);
    uint32_t h2 = tcp_reasm_fnv(2166136261u, s->dst, alen);

    h1 = tcp_reasm_fnv(h1, (const unsigned char *)&s->sport, 2);
    h2 = tcp_reasm_fnv(h2, (const unsigned char *)&s->dport, 2);
    return (h1 ^ h2) * 2654435761u + (uint32_t)s->ipver;
}

/* Find the connection of s; *dir receives the sending endpoint. */
static struct tcp_conn *
tcp_reasm_find(struct tcp_reasm *r, const struct pkt_tcp *s, uint32_t h,
               int *dir)
{
    struct tcp_conn *c;

    for (c = r->buckets[h & (r->nbuckets - 1)]; c != NULL; c = c->hnext) {
        const struct tcp_conn_info *i = &c->info;

        if (c->hash != h || i->ipver != s->ipver)
            continue;
        if (i->port[0] == s->sport && i->port[1] == s->dport &&
            memcmp(i->addr[0], s->src, 16) == 0 &&
            memcmp(i->addr[1], s->dst, 16) == 0) {
            *dir = 0;
            return c;
        }
        if (i->port[1] == s->sport && i->port[0] == s->dport &&
            memcmp(i->addr[1], s->src, 16) == 0 &&
            memcmp(i->addr[0], s->dst, 16) == 0) {
            *dir = 1;
            return c;
        }
    }
    return NULL;
}

/* Double the hash table. */
static void
tcp_reasm_grow(struct tcp_reasm *r)
{
    size_t n = r->nbuckets * 2, i;
    struct tcp_conn **b = xcalloc(n, sizeof *b);

    for (i = 0; i < r->nbuckets; i++) {
        struct tcp_conn *c = r->buckets[i], *next;

        for (; c != NULL; c = next) {
            next = c->hnext;
            c->hnext = b[c->hash & (n - 1)];
            b[c->hash & (n - 1)] = c;
        }
    }
    free(r->buckets);
    r->buckets = b;
    r->nbuckets = n;
}

/* Unlink c from the LRU list. */
static void
tcp_reasm_lru_unlink(struct tcp_reasm *r, struct tcp_conn *c)
{
    if (c->lprev != NULL)
        c->lprev->lnext = c->lnext;
    else
        r->lru_head = c->lnext;
    if (c->lnext != NULL)
        c->lnext->lprev = c->lprev;
    else
        r->lru_tail = c->lprev;
    c->lprev = c->lnext = NULL;
}

/* Append c to the LRU list (most recent). */
static void
tcp_reasm_lru_push(struct tcp_reasm *r, struct tcp_conn *c)
{
    c->lprev = r->lru_tail;
    c->lnext = NULL;
    if (r->lru_tail != NULL)
        r->lru_tail->lnext = c;
    else
        r->lru_head = c;
    r->lru_tail = c;
}

/* Create a connection whose endpoint 0 is the sender of s. */
static enum rn_rc
tcp_reasm_create(struct tcp_reasm *r, const struct pkt_tcp *s, uint32_t h,
                 int64_t ts, struct tcp_conn **out, struct rn_err *err)
{
    struct tcp_conn *c = xcalloc(1, sizeof *c);
    size_t b;

    c->info.id = ++r->next_id;
    c->info.ipver = s->ipver;
    memcpy(c->info.addr[0], s->src, 16);
    memcpy(c->info.addr[1], s->dst, 16);
    c->info.port[0] = s->sport;
    c->info.port[1] = s->dport;
    c->info.syn_dir = -1;
    c->hash = h;
    c->last_ts = ts;
    if (r->nconns >= r->nbuckets)
        tcp_reasm_grow(r);
    b = h & (r->nbuckets - 1);
    c->hnext = r->buckets[b];
    r->buckets[b] = c;
    tcp_reasm_lru_push(r, c);
    r->nconns++;
    r->st.conns++;
    *out = c;
    if (r->cb.open != NULL)
        return r->cb.open(r->cb.ctx, &c->info, err);
    return RN_OK;
}

/* Remove c from the table and free it (no callbacks). */
static void
tcp_reasm_destroy(struct tcp_reasm *r, struct tcp_conn *c)
{
    struct tcp_conn **pp = &r->buckets[c->hash & (r->nbuckets - 1)];
    int d;

    while (*pp != c)
        pp = &(*pp)->hnext;
    *pp = c->hnext;
    tcp_reasm_lru_unlink(r, c);
    for (d = 0; d < 2; d++) {
        struct tcp_seg *sg = c->dir[d].pending, *next;

        for (; sg != NULL; sg = next) {
            next = sg->next;
            free(sg);
        }
        r->st.buffered -= c->dir[d].pending_bytes;
    }
    r->nconns--;
    free(c);
}

/* Hand bytes [seq, seq+len+miss) to the consumer, trimmed against next. */
static enum rn_rc
tcp_reasm_deliver(struct tcp_reasm *r, struct tcp_conn *c, int dir,
                  uint32_t seq, const unsigned char *p, uint32_t len,
                  uint32_t miss, uint64_t frame, int64_t ts, struct rn_err *err)
{
    struct tcp_dir *d = &c->dir[dir];
    uint32_t skip;
    enum rn_rc rc = RN_OK;

    if (tcp_reasm_le(seq + len + miss, d->next)) {
        r->st.retrans_bytes += len;
        return RN_OK;
    }
    if (tcp_reasm_lt(seq, d->next)) {
        skip = d->next - seq;
        r->st.retrans_bytes += skip < len ? skip : len;
        if (skip >= len) {
            miss -= skip - len;
            p += len;
            len = 0;
        } else {
            p += skip;
            len -= skip;
        }
    }
    if (len > 0) {
        d->delivered += len;
        d->next += len;
        if (r->cb.data != NULL)
            rc = r->cb.data(r->cb.ctx, &c->info, dir, p, len, frame, ts, err);
    }
    if (rc == RN_OK && miss > 0) {
        d->next += miss;
        r->st.gaps++;
        r->st.gap_bytes += miss;
        if (r->cb.gap != NULL)
            rc = r->cb.gap(r->cb.ctx, &c->info, dir, miss, frame, ts, err);
    }
    return rc;
}

/* Deliver buffered segments that are now in sequence; close on FIN. */
static enum rn_rc
tcp_reasm_drain(struct tcp_reasm *r, struct tcp_conn *c, int dir,
                struct rn_err *err)
{
    struct tcp_dir *d = &c->dir[dir];
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && d->pending != NULL &&
           tcp_reasm_le(d->pending->seq, d->next)) {
        struct tcp_seg *sg = d->pending;

        d->pending = sg->next;
        d->pending_bytes -= sg->len;
        r->st.buffered -= sg->len;
        rc = tcp_reasm_deliver(r, c, dir, sg->seq, sg->data, sg->len, sg->miss,
                               sg->frame, sg->ts, err);
        free(sg);
    }
    if (rc == RN_OK && d->fin_seen && !d->closed &&
        tcp_reasm_le(d->fin_seq, d->next) && d->pending == NULL) {
        d->closed = 1;
        if (r->cb.close != NULL)
            rc = r->cb.close(r->cb.ctx, &c->info, dir, TCP_END_FIN,
                             d->fin_frame, d->fin_ts, err);
    }
    return rc;
}

/* Declare the bytes before the first buffered segment lost, then drain. */
static enum rn_rc
tcp_reasm_skip_gap(struct tcp_reasm *r, struct tcp_conn *c, int dir,
                   struct rn_err *err)
{
    struct tcp_dir *d = &c->dir[dir];
    struct tcp_seg *sg = d->pending;
    uint32_t n;
    enum rn_rc rc = RN_OK;

    if (sg == NULL)
        return RN_OK;
    n = sg->seq - d->next;
    if (tcp_reasm_lt(d->next, sg->seq)) {
        d->next = sg->seq;
        r->st.gaps++;
        r->st.gap_bytes += n;
        if (r->cb.gap != NULL)
            rc = r->cb.gap(r->cb.ctx, &c->info, dir, n, sg->frame, sg->ts, err);
    }
    if (rc == RN_OK)
        rc = tcp_reasm_drain(r, c, dir, err);
    return rc;
}

/* Deliver everything buffered in both directions, skipping the holes. */
static enum rn_rc
tcp_reasm_flush_conn(struct tcp_reasm *r, struct tcp_conn *c,
                     struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    int d;

    for (d = 0; d < 2 && rc == RN_OK; d++) {
        while (rc == RN_OK && c->dir[d].pending != NULL)
            rc = tcp_reasm_skip_gap(r, c, d, err);
        /* A FIN after a hole nobody filled still closes the direction. */
        if (rc == RN_OK && c->dir[d].fin_seen && !c->dir[d].closed) {
            uint32_t n = c->dir[d].fin_seq - c->dir[d].next;

            if (tcp_reasm_lt(c->dir[d].next, c->dir[d].fin_seq)) {
                c->dir[d].next = c->dir[d].fin_seq;
                r->st.gaps++;
                r->st.gap_bytes += n;
                if (r->cb.gap != NULL)
                    rc = r->cb.gap(r->cb.ctx, &c->info, d, n,
                                   c->dir[d].fin_frame, c->dir[d].fin_ts, err);
            }
            c->dir[d].closed = 1;
            if (rc != RN_OK)
                break;
            if (r->cb.close != NULL)
                rc = r->cb.close(r->cb.ctx, &c->info, d, TCP_END_FIN,
                                 c->dir[d].fin_frame, c->dir[d].fin_ts, err);
        }
    }
    return rc;
}

/* Flush c, tell the consumer it ended, and free it. */
static enum rn_rc
tcp_reasm_end(struct tcp_reasm *r, struct tcp_conn *c, enum tcp_end why,
              struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    if (why != TCP_END_DISCARD)
        rc = tcp_reasm_flush_conn(r, c, err);
    if (r->cb.end != NULL) {
        enum rn_rc rc2 = r->cb.end(r->cb.ctx, &c->info,
                                   rc == RN_OK ? why : TCP_END_DISCARD, err);
        if (rc == RN_OK)
            rc = rc2;
    }
    tcp_reasm_destroy(r, c);
    return rc;
}

/* Buffer [seq, seq+len+miss) out of order; the first copy of a byte wins. */
static void
tcp_reasm_buffer(struct tcp_reasm *r, struct tcp_dir *d, uint32_t seq,
                 const unsigned char *p, uint32_t len, uint32_t miss,
                 uint64_t frame, int64_t ts)
{
    struct tcp_seg **pp = &d->pending;
    uint32_t end = seq + len + miss;

    while (tcp_reasm_lt(seq, end)) {
        struct tcp_seg *cur = *pp, *sg;
        uint32_t stop = end, piece, plen, pmiss;

        /* Skip segments wholly before seq. */
        if (cur != NULL && tcp_reasm_le(cur->seq + cur->len + cur->miss, seq)) {
            pp = &cur->next;
            continue;
        }
        if (cur != NULL && tcp_reasm_le(cur->seq, seq)) {
            /* seq is covered by cur: drop the covered part. */
            uint32_t cend = cur->seq + cur->len + cur->miss;
            uint32_t k = cend - seq;

            if (tcp_reasm_le(end, cend))
                return;
            if (k >= len) {
                miss -= k - len;
                p += len;
                len = 0;
            } else {
                p += k;
                len -= k;
            }
            seq = cend;
            pp = &cur->next;
            continue;
        }
        if (cur != NULL && tcp_reasm_lt(cur->seq, end))
            stop = cur->seq;
        piece = stop - seq;
        plen = piece < len ? piece : len;
        pmiss = piece - plen;
        sg = xmalloc(sizeof *sg + plen);
        sg->seq = seq;
        sg->len = plen;
        sg->miss = pmiss;
        sg->frame = frame;
        sg->ts = ts;
        memcpy(sg->data, p, plen);
        sg->next = cur;
        *pp = sg;
        pp = &sg->next;
        d->pending_bytes += plen;
        r->st.buffered += plen;
        p += plen;
        len -= plen;
        miss -= pmiss;
        seq = stop;
    }
    if (r->st.buffered > r->st.buffered_peak)
        r->st.buffered_peak = r->st.buffered;
}

/* Enforce the per-connection and the global buffer caps. */
static enum rn_rc
tcp_reasm_caps(struct tcp_reasm *r, struct tcp_conn *c, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    struct tcp_conn *o;
    int d;

    while (rc == RN_OK && c->dir[0].pending_bytes + c->dir[1].pending_bytes >
                              r->lim.conn_bytes) {
        d = c->dir[0].pending_bytes >= c->dir[1].pending_bytes ? 0 : 1;
        r->st.conn_cap_hits++;
        rc = tcp_reasm_skip_gap(r, c, d, err);
    }
    if (rc != RN_OK || r->st.buffered <= r->lim.global_bytes)
        return rc;
    /* Global cap: flush connections, least recently active first. */
    r->st.global_cap_hits++;
    for (o = r->lru_head; o != NULL && rc == RN_OK; o = o->lnext) {
        for (d = 0; d < 2 && rc == RN_OK; d++) {
            while (rc == RN_OK && o->dir[d].pending != NULL)
                rc = tcp_reasm_skip_gap(r, o, d, err);
        }
        if (r->st.buffered <= r->lim.global_bytes / 2)
            break;
    }
    return rc;
}

/* Whether a connection last active at last is idle at now (no overflow). */
static int
tcp_reasm_idle(const struct tcp_reasm *r, int64_t now, int64_t last)
{
    return now > last &&
           (uint64_t)now - (uint64_t)last > (uint64_t)r->lim.idle_ns;
}

/* End connections idle for longer than the limit, or past the count cap. */
static enum rn_rc
tcp_reasm_evict(struct tcp_reasm *r, int64_t now, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && r->lru_head != NULL &&
           (r->nconns > r->lim.max_conns ||
            tcp_reasm_idle(r, now, r->lru_head->last_ts))) {
        r->st.evicted++;
        rc = tcp_reasm_end(r, r->lru_head, TCP_END_EVICTED, err);
    }
    return rc;
}

/* Handle a reset: deliver what can be, close both directions, end. */
static enum rn_rc
tcp_reasm_rst(struct tcp_reasm *r, struct tcp_conn *c, int dir, uint64_t frame,
              int64_t ts, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    int d;

    for (d = 0; d < 2 && rc == RN_OK; d++) {
        while (rc == RN_OK && c->dir[d].pending != NULL)
            rc = tcp_reasm_skip_gap(r, c, d, err);
    }
    if (rc == RN_OK && r->cb.close != NULL)
        rc = r->cb.close(r->cb.ctx, &c->info, dir, TCP_END_RST, frame, ts, err);
    c->dir[0].closed = c->dir[1].closed = 1;
    c->dir[0].fin_seen = c->dir[1].fin_seen = 0;
    if (rc == RN_OK)
        return tcp_reasm_end(r, c, TCP_END_RST, err);
    tcp_reasm_end(r, c, TCP_END_RST, NULL);
    return rc;
}

enum rn_rc
tcp_reasm_feed(struct tcp_reasm *r, const struct pkt_tcp *s, uint64_t frame,
               int64_t ts, struct rn_err *err)
{
    uint32_t h = tcp_reasm_hash(s), seq = s->seq;
    int dir = 0, syn = (s->flags & PKT_TCP_SYN) != 0;
    int ack = (s->flags & PKT_TCP_ACK) != 0;
    struct tcp_conn *c;
    struct tcp_dir *d;
    enum rn_rc rc = RN_OK;

    if (r->lru_head != NULL && (r->nconns > r->lim.max_conns ||
                                tcp_reasm_idle(r, ts, r->lru_head->last_ts))) {
        rc = tcp_reasm_evict(r, ts, err);
        if (rc != RN_OK)
            return rc;
    }
    c = tcp_reasm_find(r, s, h, &dir);
    if (c != NULL && syn && !ack) {
        d = &c->dir[dir];
        /* A SYN with a new ISN on a known 4-tuple is a new connection. */
        if (!(d->isn_known && d->isn == seq) &&
            (d->isn_known || d->delivered > 0 || c->dir[!dir].delivered > 0 ||
             c->dir[!dir].isn_known)) {
            rc = tcp_reasm_end(r, c, TCP_END_REUSE, err);
            if (rc != RN_OK)
                return rc;
            c = NULL;
        }
    }
    if (c == NULL) {
        if (!syn && s->seg_len == 0)
            return RN_OK; /* a lone ACK, FIN or RST: nothing to track */
        if (s->flags & PKT_TCP_RST)
            return RN_OK;
        dir = 0;
        rc = tcp_reasm_create(r, s, h, ts, &c, err);
        if (rc != RN_OK)
            return rc;
        if (syn) {
            c->info.syn_dir = ack ? 1 : 0;
            if (!ack) {
                c->info.syn_frame = frame;
                c->info.syn_ts = ts;
            }
        }
    } else {
        c->last_ts = ts;
        tcp_reasm_lru_unlink(r, c);
        tcp_reasm_lru_push(r, c);
        if (syn && !ack && c->info.syn_dir < 0 && c->dir[0].delivered == 0 &&
            c->dir[1].delivered == 0) {
            c->info.syn_dir = dir;
            c->info.syn_frame = frame;
            c->info.syn_ts = ts;
        }
    }
    d = &c->dir[dir];
    if (syn) {
        if (!d->isn_known && d->delivered == 0 && d->pending == NULL) {
            d->isn_known = 1;
            d->isn = seq;
            d->next = seq + 1;
            d->started = 1;
        }
        seq++;
    }
    if (s->flags & PKT_TCP_RST)
        return tcp_reasm_rst(r, c, dir, frame, ts, err);
    if (s->seg_len > 0) {
        uint32_t len = s->cap_len, miss = s->seg_len - s->cap_len;

        if (!d->started) {
            d->started = 1;
            d->next = seq;
            c->info.partial[dir] = 1;
        }
        if (seq == d->next &&
            (d->pending == NULL ||
             tcp_reasm_le(seq + len + miss, d->pending->seq))) {
            rc = tcp_reasm_deliver(r, c, dir, seq, s->payload, len, miss, frame,
                                   ts, err);
        } else if (tcp_reasm_le(seq + len + miss, d->next)) {
            r->st.retrans_bytes += len;
        } else if (tcp_reasm_le(seq, d->next)) {
            rc = tcp_reasm_deliver(r, c, dir, seq, s->payload, len, miss, frame,
                                   ts, err);
        } else {
            tcp_reasm_buffer(r, d, seq, s->payload, len, miss, frame, ts);
        }
    }
    if (rc == RN_OK && (s->flags & PKT_TCP_FIN) && !d->fin_seen) {
        d->fin_seen = 1;
        d->fin_seq = seq + s->seg_len;
        d->fin_frame = frame;
        d->fin_ts = ts;
        if (!d->started) {
            d->started = 1;
            d->next = d->fin_seq;
        }
    }
    if (rc == RN_OK)
        rc = tcp_reasm_drain(r, c, dir, err);
    if (rc == RN_OK)
        rc = tcp_reasm_caps(r, c, err);
    if (rc == RN_OK && c->dir[0].closed && c->dir[1].closed)
        rc = tcp_reasm_end(r, c, TCP_END_FIN, err);
    return rc;
}

enum rn_rc
tcp_reasm_flush(struct tcp_reasm *r, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    while (r->lru_head != NULL) {
        if (rc == RN_OK)
            rc = tcp_reasm_end(r, r->lru_head, TCP_END_CAPTURE, err);
        else
            tcp_reasm_end(r, r->lru_head, TCP_END_DISCARD, NULL);
    }
    return rc;
}

void
tcp_reasm_free(struct tcp_reasm *r)
{
    if (r == NULL)
        return;
    while (r->lru_head != NULL) {
        struct tcp_conn *c = r->lru_head;

        if (r->cb.end != NULL)
            r->cb.end(r->cb.ctx, &c->info, TCP_END_DISCARD, NULL);
        tcp_reasm_destroy(r, c);
    }
    free(r->buckets);
    free(r);
}
