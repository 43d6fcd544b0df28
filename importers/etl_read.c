/*
 * .etl container walk (see etl_read.h).  Each buffer is read whole with
 * pread() into one reused block (at most ETL_BUFFER_MAX), decoded into a
 * second one when compressed, and its records walked from byte 72 to
 * FilledBytes (not SavedOffset, which can leave out the last record).
 * Record sizes live in two places: the u16 at offset 4 for system,
 * compact and perfinfo headers (whose first u16 is a version), the u16
 * at offset 0 for the rest.  Damage stops the walk with its position.
 */
#include "etl_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl_xpress.h"
#include "xmalloc.h"

#define FILETIME_UNIX_EPOCH 116444736000000000LL

/* Header types (byte 2 of a record). */
#define ETL_HT_SYSTEM32   0x01
#define ETL_HT_SYSTEM64   0x02
#define ETL_HT_COMPACT32  0x03
#define ETL_HT_COMPACT64  0x04
#define ETL_HT_PERFINFO32 0x10
#define ETL_HT_PERFINFO64 0x11
#define ETL_HT_EVENT32    0x12
#define ETL_HT_EVENT64    0x13
#define ETL_HT_FULL32     0x0A
#define ETL_HT_FULL64     0x14

#define ETL_EVENT_HDR   80
#define ETL_EXT_INFO    0x0001 /* EVENT_HEADER.Flags: extended items */
#define ETL_LOGFILE_HDR 0x110  /* TRACE_LOGFILE_HEADER, 32-bit */

struct etl_walk {
    const char *path;
    int fd;
    uint64_t size;
    const struct etl_walk_cb *cb;
    unsigned char *raw, *dec; /* the buffer as stored, and decoded */
    size_t raw_cap, dec_cap;  /* grown to the largest buffer met */
    struct etl_header hdr;
    int have_hdr;
};

static uint16_t
etl_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
etl_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t
etl_le64(const unsigned char *p)
{
    return (uint64_t)etl_le32(p) | ((uint64_t)etl_le32(p + 4) << 32);
}

/* Size of the fixed header of a record of type t (0: unknown kind). */
static uint32_t
etl_hdr_len(unsigned t)
{
    switch (t) {
    case ETL_HT_SYSTEM32:
    case ETL_HT_SYSTEM64:
        return 32;
    case ETL_HT_COMPACT32:
    case ETL_HT_COMPACT64:
        return 24;
    case ETL_HT_PERFINFO32:
    case ETL_HT_PERFINFO64:
        return 16;
    case ETL_HT_EVENT32:
    case ETL_HT_EVENT64:
        return ETL_EVENT_HDR;
    case ETL_HT_FULL32:
    case ETL_HT_FULL64:
        return 48;
    default:
        return 8;
    }
}

/* Whether the record size of type t is the u16 at offset 4. */
static int
etl_size_at_4(unsigned t)
{
    return (t >= ETL_HT_SYSTEM32 && t <= ETL_HT_COMPACT64) ||
           t == ETL_HT_PERFINFO32 || t == ETL_HT_PERFINFO64;
}

int
etl_probe(const unsigned char *h, size_t n)
{
    const unsigned char *r = h + ETL_BUFFER_HDR;
    uint32_t bsize, filled;
    unsigned t;

    if (n < ETL_BUFFER_HDR + 8)
        return 0;
    bsize = etl_le32(h);
    filled = etl_le32(h + 0x30);
    t = r[2];
    return bsize >= ETL_BUFFER_HDR + 24 && bsize <= ETL_BUFFER_MAX &&
           filled >= ETL_BUFFER_HDR + 24 && filled <= bsize &&
           !(etl_le16(h + 0x34) & ETL_BUF_COMPRESSED) && t >= ETL_HT_SYSTEM32 &&
           t <= ETL_HT_COMPACT64 && (r[3] & 0xC0) == 0xC0 &&
           etl_le16(r + 6) == 0 &&
           etl_le16(r + 4) >= etl_hdr_len(t) + ETL_LOGFILE_HDR;
}

/* Read n bytes at off; RN_EFORMAT or RN_EIO naming the buffer. */
static enum rn_rc
etl_pread(struct etl_walk *w, unsigned char *buf, size_t n, uint64_t off,
          struct rn_err *err)
{
    size_t got = 0;

    while (got < n) {
        ssize_t k = pread(w->fd, buf + got, n - got, (off_t)(off + got));

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return rn_err_set(err, RN_EIO, "%s: offset %llu: %s", w->path,
                              (unsigned long long)(off + got), strerror(errno));
        if (k == 0)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: offset %llu: file ends early", w->path,
                              (unsigned long long)(off + got));
        got += (size_t)k;
    }
    return RN_OK;
}

/* The logfile header record (hook 0) at p, size bytes, header type t. */
static enum rn_rc
etl_logfile_header(struct etl_walk *w, const unsigned char *p, uint32_t size,
                   unsigned t, struct rn_err *err)
{
    struct etl_header *h = &w->hdr;
    uint32_t hl = etl_hdr_len(t);
    const unsigned char *l = p + hl;
    uint32_t shift;

    h->ptr64 = t == ETL_HT_SYSTEM64 || t == ETL_HT_COMPACT64;
    /* From TimeZone on, the 64-bit struct sits 8 bytes further on: its
     * two name pointers take 8 bytes each, not 4. */
    shift = h->ptr64 ? 8 : 0;
    if (size < hl + ETL_LOGFILE_HDR + shift)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: buffer at offset 0: logfile header of %u "
                          "bytes is too short",
                          w->path, size);
    h->t0 = (int64_t)etl_le64(p + 16);
    h->mode = etl_le32(l + 0x20);
    h->events_lost = etl_le32(l + 0x30);
    h->cpu_mhz = etl_le32(l + 0x34);
    h->perf_freq = etl_le64(l + 0xF8 + shift);
    h->start = (int64_t)etl_le64(l + 0x100 + shift);
    h->clock = etl_le32(l + 0x108 + shift);
    h->buffers_lost = etl_le32(l + 0x10C + shift);
    w->have_hdr = 1;
    return w->cb->header != NULL ? w->cb->header(w->cb->ctx, h, err) : RN_OK;
}

/* Hand over the manifest event at p (size bytes, offset off in b). */
static enum rn_rc
etl_event(struct etl_walk *w, const struct etl_buffer *b,
          const unsigned char *p, uint32_t off, uint32_t size,
          struct rn_err *err)
{
    struct etl_event ev;
    uint32_t q = ETL_EVENT_HDR;

    memset(&ev, 0, sizeof ev);
    ev.buf_off = b->off;
    ev.rec_off = off;
    ev.cpu = b->cpu;
    ev.tid = etl_le32(p + 8);
    ev.pid = etl_le32(p + 12);
    ev.ts = (int64_t)etl_le64(p + 16);
    ev.provider = p + 24;
    ev.id = etl_le16(p + 40);
    ev.version = p[42];
    ev.keyword = etl_le64(p + 48);
    if (etl_le16(p + 4) & ETL_EXT_INFO) {
        for (;;) {
            uint32_t isz, link;

            if (size - q < 8)
                return rn_err_set(err, RN_EFORMAT,
                                  "%s: buffer at offset %llu, record at "
                                  "offset %u: extended item past the record",
                                  w->path, (unsigned long long)b->off, off);
            isz = (etl_le16(p + q) + 7u) & ~7u;
            link = etl_le16(p + q + 4);
            if (isz < 8 || isz > size - q)
                return rn_err_set(err, RN_EFORMAT,
                                  "%s: buffer at offset %llu, record at "
                                  "offset %u: extended item of %u bytes at "
                                  "offset %u does not fit",
                                  w->path, (unsigned long long)b->off, off, isz,
                                  q);
            if (ev.nitems < ETL_ITEMS_KEPT)
                ev.item_type[ev.nitems] = etl_le16(p + q + 2);
            ev.nitems++;
            q += isz;
            if (!(link & 1))
                break;
        }
    }
    ev.data = p + q;
    ev.len = size - q;
    return w->cb->event != NULL ? w->cb->event(w->cb->ctx, &ev, err) : RN_OK;
}

/* Walk the records of buffer b (decoded, at base) up to b->filled. */
static enum rn_rc
etl_records(struct etl_walk *w, struct etl_buffer *b, const unsigned char *base,
            struct rn_err *err)
{
    uint32_t pos = ETL_BUFFER_HDR;
    enum rn_rc rc = RN_OK;

    while (pos < b->filled && b->filled - pos >= 4) {
        const unsigned char *p = base + pos;
        unsigned t = p[2];
        uint32_t size, left = b->filled - pos;

        if (etl_le32(p) == 0xFFFFFFFFu)
            break; /* end marker: the rest is padding */
        if (!(p[3] & 0x80) || (etl_size_at_4(t) && left < 8))
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu, record at offset "
                              "%u: not a record header",
                              w->path, (unsigned long long)b->off, pos);
        size = etl_size_at_4(t) ? etl_le16(p + 4) : etl_le16(p);
        if (size < etl_hdr_len(t) || size > left)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu, record at offset "
                              "%u: size %u does not fit the %u bytes filled",
                              w->path, (unsigned long long)b->off, pos, size,
                              b->filled);
        if (!w->have_hdr) {
            if (t > ETL_HT_COMPACT64 || t < ETL_HT_SYSTEM32 ||
                etl_le16(p + 6) != 0)
                return rn_err_set(err, RN_EFORMAT,
                                  "%s: buffer at offset %llu, record at "
                                  "offset %u: no logfile header",
                                  w->path, (unsigned long long)b->off, pos);
            rc = etl_logfile_header(w, p, size, t, err);
        } else if (t == ETL_HT_EVENT32 || t == ETL_HT_EVENT64) {
            rc = etl_event(w, b, p, pos, size, err);
        }
        if (rc != RN_OK)
            return rc;
        b->records++;
        /* The last record need not be padded: then the walk ends at
         * its end, which FilledBytes is. */
        pos = ((size + 7u) & ~7u) <= left ? pos + ((size + 7u) & ~7u)
                                          : pos + size;
    }
    b->end = pos;
    return RN_OK;
}

/* Read, check and decode the buffer at off; *base is its records. */
static enum rn_rc
etl_buffer_load(struct etl_walk *w, struct etl_buffer *b,
                const unsigned char **base, struct rn_err *err)
{
    unsigned char *h = w->raw;
    enum rn_rc rc;

    if (w->size - b->off < ETL_BUFFER_HDR)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: buffer at offset %llu: %llu bytes left, less "
                          "than a buffer header",
                          w->path, (unsigned long long)b->off,
                          (unsigned long long)(w->size - b->off));
    rc = etl_pread(w, h, ETL_BUFFER_HDR, b->off, err);
    if (rc != RN_OK)
        return rc;
    b->size = etl_le32(h);
    b->filled = etl_le32(h + 0x30);
    b->flags = etl_le16(h + 0x34);
    b->type = etl_le16(h + 0x36);
    b->cpu = etl_le16(h + 0x28);
    if (b->size < ETL_BUFFER_HDR || b->size > ETL_BUFFER_MAX ||
        b->size > w->size - b->off)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: buffer at offset %llu: size %u does not fit "
                          "the %llu bytes left",
                          w->path, (unsigned long long)b->off, b->size,
                          (unsigned long long)(w->size - b->off));
    if (b->size > w->raw_cap) {
        w->raw_cap = b->size;
        w->raw = xrealloc(w->raw, w->raw_cap, 1);
        h = w->raw;
    }
    rc = etl_pread(w, h + ETL_BUFFER_HDR, b->size - ETL_BUFFER_HDR,
                   b->off + ETL_BUFFER_HDR, err);
    if (rc != RN_OK)
        return rc;
    if (b->filled == 0) {
        b->filled = ETL_BUFFER_HDR; /* never written to */
    } else if (!(b->flags & ETL_BUF_COMPRESSED)) {
        if (b->filled < ETL_BUFFER_HDR || b->filled > b->size)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu: FilledBytes %u "
                              "outside its %u bytes",
                              w->path, (unsigned long long)b->off, b->filled,
                              b->size);
    } else {
        size_t got = 0, at = 0;
        const char *why = "";

        if (b->filled < ETL_BUFFER_HDR || b->filled > ETL_BUFFER_MAX)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu: FilledBytes %u of "
                              "a compressed buffer out of range",
                              w->path, (unsigned long long)b->off, b->filled);
        if (b->filled > w->dec_cap) {
            w->dec_cap = b->filled;
            w->dec = xrealloc(w->dec, w->dec_cap, 1);
        }
        if (etl_xpress_decode(h + ETL_BUFFER_HDR, b->size - ETL_BUFFER_HDR,
                              w->dec + ETL_BUFFER_HDR,
                              b->filled - ETL_BUFFER_HDR, &got, &why, &at) != 0)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu: compressed data at "
                              "offset %zu: %s",
                              w->path, (unsigned long long)b->off,
                              at + ETL_BUFFER_HDR, why);
        if (got != b->filled - ETL_BUFFER_HDR)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: buffer at offset %llu: decodes to %zu "
                              "bytes, FilledBytes says %u",
                              w->path, (unsigned long long)b->off,
                              got + ETL_BUFFER_HDR, b->filled);
        memcpy(w->dec, h, ETL_BUFFER_HDR);
        *base = w->dec;
        return RN_OK;
    }
    *base = h;
    return RN_OK;
}

enum rn_rc
etl_walk(const char *path, int fd, uint64_t size, const struct etl_walk_cb *cb,
         struct rn_err *err)
{
    struct etl_walk w;
    uint64_t off = 0;
    enum rn_rc rc = RN_OK;

    memset(&w, 0, sizeof w);
    w.path = path;
    w.fd = fd;
    w.size = size;
    w.cb = cb;
    w.raw_cap = ETL_BUFFER_HDR;
    w.raw = xmalloc(w.raw_cap);
    while (off < size && rc == RN_OK) {
        struct etl_buffer b;
        const unsigned char *base = NULL;

        memset(&b, 0, sizeof b);
        b.off = off;
        rc = etl_buffer_load(&w, &b, &base, err);
        if (rc == RN_OK)
            rc = etl_records(&w, &b, base, err);
        if (rc == RN_OK && cb->buffer != NULL)
            cb->buffer(cb->ctx, &b);
        off += b.size;
    }
    if (rc == RN_OK && !w.have_hdr)
        rc = rn_err_set(err, RN_EFORMAT, "%s: no logfile header", path);
    free(w.raw);
    free(w.dec);
    return rc;
}

/* v * num / den for |v| < 2^63, den > 0; 0 when it overflows. */
static int
etl_scale(int64_t v, int64_t num, int64_t den, int64_t *out)
{
    int64_t q = v / den, r = v % den, a, b;

    if (__builtin_mul_overflow(q, num, &a) ||
        __builtin_mul_overflow(r, num, &b))
        return 0;
    return !__builtin_add_overflow(a, b / den, out);
}

int64_t
etl_time_ns(const struct etl_header *h, int64_t ts)
{
    int64_t num = 1, den = 1, d, delta, ft, ns;

    if (h->clock == 3) {
        num = 10;
        den = h->cpu_mhz;
    } else if (h->clock != 2) {
        num = 10000000;
        den = (int64_t)(h->perf_freq > (1ULL << 40) ? 0 : h->perf_freq);
    }
    if (den <= 0 || __builtin_sub_overflow(ts, h->t0, &d) ||
        !etl_scale(d, num, den, &delta) ||
        __builtin_add_overflow(h->start, delta, &ft) ||
        __builtin_sub_overflow(ft, FILETIME_UNIX_EPOCH, &ft) ||
        __builtin_mul_overflow(ft, 100, &ns) || ns == INT64_MIN)
        return INT64_MIN;
    return ns;
}
