/*
 * .etl packet captures (see cap_etl.h).  Packets are written to one
 * temporary file as the walk meets them, with a small record each that
 * goes to an external sort (spill_sort.c), so the memory held does not
 * grow with the packets or their bytes.  PktMon appearances go first to a
 * sort by PktGroupId, whose merge keeps one appearance a packet once the
 * walk has seen every component; the survivors, and NDIS packets
 * directly, go to a sort by time (ties in file order), whose merge is
 * read frame by frame and gives the frame numbers.  NDIS
 * fragments wait per thread until the event that carries PacketEnd: a
 * driver logs the pieces of one packet in one call, so on one thread.
 * Every field length is checked against the event's user data.
 */
#include "cap_etl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "etl_read.h"
#include "pkt_decode.h"
#include "spill_sort.h"
#include "xmalloc.h"

/* Provider GUIDs as stored (Data1-3 little-endian, Data4 as is). */
static const unsigned char guid_pktmon[16] = {
    0xd9, 0x80, 0x4f, 0x4d, 0xbd, 0xc8, 0x73, 0x4d,
    0xbb, 0x5b, 0x19, 0xc9, 0x04, 0x02, 0xc5, 0xac}; /* 4d4f80d9-... */
static const unsigned char guid_ndis[16] = {
    0x6e, 0x00, 0xd6, 0x2e, 0x29, 0x47, 0x09, 0x46,
    0xb4, 0x23, 0x3e, 0xe7, 0xbc, 0xd6, 0x78, 0xef}; /* 2ed6006e-... */

/* NDIS-PacketCapture keyword bits. */
#define KW_RAW_IP    0x200ull
#define KW_80211     0x10000ull
#define KW_TRUNCATED 0x2000000ull
#define KW_START     0x40000000ull
#define KW_END       0x80000000ull

#define PKTMON_FIXED         34
#define PKTMON_COMPONENT     20 /* rundown: component id and type */
#define PKTMON_MINIPORT      2  /* component type of a NIC driver */
#define PKTMON_DIR_RX        3
#define PKTMON_DIR_TX        4
#define LINKTYPE_80211       105
#define CAP_ETL_FRAG_MAX     65535 /* as etl2pcapng: bytes of one packet */
#define CAP_ETL_FRAG_SLOT    64    /* threads with a packet half logged */
#define CAP_ETL_WIRE_UNKNOWN (65535 + 14) /* largest IP packet + Ethernet */

struct cap_etl_pkt {
    uint64_t group; /* PktGroupId (PktMon) */
    uint64_t data;  /* offset in the spill file */
    int64_t ts_ns;
    uint64_t index; /* among packet events, file order */
    uint32_t caplen, origlen;
    int link, raw_link;
    uint16_t comp, dir; /* PktMon component and DirTag */
    int pktmon;
};

/* Fragments of one NDIS packet logged so far on one thread. */
struct cap_etl_frag {
    uint32_t tid;
    int used;
    uint32_t len, wire; /* bytes kept, bytes logged */
    unsigned char *buf;
};

struct cap_etl {
    const char *path;
    struct etl_header hdr;
    struct cap_etl_info info;
    FILE *spill;          /* packet bytes, in walk order */
    uint64_t alen;        /* bytes written to it */
    unsigned char *frame; /* the frame cap_etl_next returned last */
    size_t framecap;
    struct spill_sort *by_group; /* PktMon appearances to de-duplicate */
    struct spill_sort *by_time;  /* the frames to hand over */
    uint64_t next;               /* frames handed over */
    uint8_t *comp_type;          /* PktMon component id -> type (65536) */
    struct cap_etl_frag frag[CAP_ETL_FRAG_SLOT];
    int all;
    int damaged;
    char damage[RN_ERR_MSG_MAX];
};

static uint16_t
cap_etl_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
cap_etl_le32(const unsigned char *p)
{
    return (uint32_t)cap_etl_le16(p) | ((uint32_t)cap_etl_le16(p + 2) << 16);
}

static uint64_t
cap_etl_le64(const unsigned char *p)
{
    return (uint64_t)cap_etl_le32(p) | ((uint64_t)cap_etl_le32(p + 4) << 32);
}

/* A malformed packet event: stops the walk with its position. */
static enum rn_rc
cap_etl_bad(struct cap_etl *e, const struct etl_event *ev, const char *what,
            struct rn_err *err)
{
    return rn_err_set(err, RN_EFORMAT,
                      "%s: buffer at offset %llu, record at offset %u: "
                      "event %u: %s",
                      e->path, (unsigned long long)ev->buf_off, ev->rec_off,
                      ev->id, what);
}

/* A temporary file of the sorts failed (errno says why). */
static enum rn_rc
cap_etl_sort_failed(const struct cap_etl *e, struct rn_err *err)
{
    return rn_err_set(err, RN_EIO,
                      "%s: cannot sort its packets in a temporary file: %s",
                      e->path, strerror(errno));
}

/* Add a packet of caplen bytes at data, p its record with the fields of
 * its kind filled in. */
static enum rn_rc
cap_etl_add(struct cap_etl *e, const struct etl_event *ev,
            const unsigned char *data, uint32_t caplen, uint32_t origlen,
            struct cap_etl_pkt *p, struct rn_err *err)
{
    if (e->alen + caplen > CAP_ETL_BYTES_MAX)
        return rn_err_set(err, RN_ENOMEM,
                          "%s: buffer at offset %llu: more than %llu MiB of "
                          "packets",
                          e->path, (unsigned long long)ev->buf_off,
                          CAP_ETL_BYTES_MAX >> 20);
    if (caplen > 0 && e->spill == NULL && (e->spill = tmpfile()) == NULL)
        return rn_err_set(err, RN_EIO,
                          "%s: cannot create a temporary file for its "
                          "packets: %s",
                          e->path, strerror(errno));
    if (caplen > 0 && fwrite(data, 1, caplen, e->spill) != caplen)
        return rn_err_set(err, RN_EIO,
                          "%s: cannot write its packets to a temporary "
                          "file: %s",
                          e->path, strerror(errno));
    p->index = e->info.packet_events++;
    p->data = e->alen;
    p->caplen = caplen;
    p->origlen = origlen < caplen ? caplen : origlen;
    p->ts_ns = etl_time_ns(&e->hdr, ev->ts);
    e->alen += caplen;
    if (p->origlen > caplen)
        e->info.truncated++;
    if (spill_sort_put(p->pktmon && !e->all ? e->by_group : e->by_time, p) != 0)
        return cap_etl_sort_failed(e, err);
    return RN_OK;
}

/* PktMon 160/170: the packet after 34 fixed bytes. */
static enum rn_rc
cap_etl_pktmon(struct cap_etl *e, const struct etl_event *ev,
               struct rn_err *err)
{
    const unsigned char *d = ev->data;
    struct cap_etl_pkt p;
    uint16_t type, logged;

    if (ev->len < PKTMON_FIXED)
        return cap_etl_bad(e, ev, "shorter than its fixed fields", err);
    logged = cap_etl_le16(d + 32);
    if (logged > ev->len - PKTMON_FIXED)
        return cap_etl_bad(e, ev, "packet longer than the event", err);
    memset(&p, 0, sizeof p);
    p.pktmon = 1;
    p.group = cap_etl_le64(d);
    p.dir = cap_etl_le16(d + 12);
    p.comp = cap_etl_le16(d + 16);
    type = cap_etl_le16(d + 14);
    p.raw_link = type == 2 ? LINKTYPE_80211 : type;
    p.link = type == 1   ? PKT_LINK_ETHERNET
             : type == 3 ? PKT_LINK_RAW
                         : CAP_LINK_UNKNOWN;
    e->info.pktmon = 1;
    return cap_etl_add(e, ev, d + PKTMON_FIXED, logged, cap_etl_le16(d + 30),
                       &p, err);
}

/* Skip a NUL-terminated UTF-16 string at *off in d (len bytes). */
static int
cap_etl_skip_utf16(const unsigned char *d, uint32_t len, uint32_t *off)
{
    while (len - *off >= 2) {
        uint16_t c = cap_etl_le16(d + *off);

        *off += 2;
        if (c == 0)
            return 0;
    }
    return -1;
}

/* The fragment of an NDIS 1001 or 1003 event: *frag, *n. */
static int
cap_etl_ndis_fragment(const struct etl_event *ev, const unsigned char **frag,
                      uint32_t *n)
{
    const unsigned char *d = ev->data;
    uint32_t off = 8, len = ev->len, k;

    if (ev->id == 1003) {
        off = 12;
        for (k = 0; k < 3; k++) {
            if (len < off || cap_etl_skip_utf16(d, len, &off) != 0)
                return -1;
        }
        if (len - off < 4)
            return -1;
        k = cap_etl_le32(d + off);
        off += 4;
        if (k > (len - off) / 8)
            return -1;
        off += k * 8;
    }
    if (len < off || len - off < 4)
        return -1;
    *n = cap_etl_le32(d + off);
    off += 4;
    /* Always FragmentSize: newer builds add GFT fields after it. */
    if (*n > len - off)
        return -1;
    *frag = d + off;
    return 0;
}

/* The pending-fragment slot of thread tid (a free one if none). */
static struct cap_etl_frag *
cap_etl_frag_slot(struct cap_etl *e, uint32_t tid)
{
    struct cap_etl_frag *free_slot = NULL;
    int i;

    for (i = 0; i < CAP_ETL_FRAG_SLOT; i++) {
        if (e->frag[i].used && e->frag[i].tid == tid)
            return &e->frag[i];
        if (!e->frag[i].used && free_slot == NULL)
            free_slot = &e->frag[i];
    }
    if (free_slot == NULL)
        free_slot = &e->frag[tid % CAP_ETL_FRAG_SLOT]; /* reuse: drop it */
    free_slot->used = 1;
    free_slot->tid = tid;
    free_slot->len = free_slot->wire = 0;
    if (free_slot->buf == NULL)
        free_slot->buf = xmalloc(CAP_ETL_FRAG_MAX);
    return free_slot;
}

/* NDIS-PacketCapture 1001/1003: join fragments up to PacketEnd. */
static enum rn_rc
cap_etl_ndis(struct cap_etl *e, const struct etl_event *ev, struct rn_err *err)
{
    const unsigned char *frag;
    struct cap_etl_frag *s;
    struct cap_etl_pkt p;
    uint32_t n, take, wire;

    if (cap_etl_ndis_fragment(ev, &frag, &n) != 0)
        return cap_etl_bad(e, ev, "fragment does not fit the event", err);
    s = cap_etl_frag_slot(e, ev->tid);
    if (ev->keyword & KW_START)
        s->len = s->wire = 0;
    take = n < CAP_ETL_FRAG_MAX - s->len ? n : CAP_ETL_FRAG_MAX - s->len;
    memcpy(s->buf + s->len, frag, take);
    s->len += take;
    s->wire = s->wire + n < s->wire ? UINT32_MAX : s->wire + n;
    if (!(ev->keyword & KW_END))
        return RN_OK;
    s->used = 0;
    wire = s->wire;
    if ((ev->keyword & KW_TRUNCATED) && wire <= s->len) {
        /* Cut by netsh (packettruncatebytes), which does not log the
         * length on the wire: say it is as long as an IP packet can be,
         * so the IP header's own length decides what is missing. */
        wire = CAP_ETL_WIRE_UNKNOWN;
    }
    memset(&p, 0, sizeof p);
    p.raw_link = ev->keyword & KW_80211    ? LINKTYPE_80211
                 : ev->keyword & KW_RAW_IP ? PKT_LINK_RAW
                                           : PKT_LINK_ETHERNET;
    p.link = p.raw_link == LINKTYPE_80211 ? CAP_LINK_UNKNOWN : p.raw_link;
    return cap_etl_add(e, ev, s->buf, s->len, wire, &p, err);
}

static enum rn_rc
cap_etl_on_header(void *ctx, const struct etl_header *h, struct rn_err *err)
{
    struct cap_etl *e = ctx;

    (void)err;
    e->hdr = *h;
    e->info.events_lost = h->events_lost;
    return RN_OK;
}

static enum rn_rc
cap_etl_on_event(void *ctx, const struct etl_event *ev, struct rn_err *err)
{
    struct cap_etl *e = ctx;

    if (memcmp(ev->provider, guid_pktmon, 16) == 0) {
        if (ev->id == 160 || ev->id == 170)
            return cap_etl_pktmon(e, ev, err);
        if (ev->id == PKTMON_COMPONENT && ev->len >= 4) {
            uint16_t type = cap_etl_le16(ev->data + 2);

            e->comp_type[cap_etl_le16(ev->data)] = type > 255 ? 255 : type;
        }
    } else if (memcmp(ev->provider, guid_ndis, 16) == 0 &&
               (ev->id == 1001 || ev->id == 1003)) {
        return cap_etl_ndis(e, ev, err);
    }
    return RN_OK;
}

static void
cap_etl_on_buffer(void *ctx, const struct etl_buffer *b)
{
    struct cap_etl *e = ctx;

    if ((b->flags &
         (ETL_BUF_EVENTS_LOST | ETL_BUF_BUFFER_LOST | ETL_BUF_CORRUPT)) &&
        !e->info.lost) {
        e->info.lost = 1;
        e->info.lost_buf_off = b->off;
    }
}

/* How much an appearance is preferred: a NIC's, then a Rx/Tx edge's. */
static int
cap_etl_score(const struct cap_etl *e, const struct cap_etl_pkt *p)
{
    return (e->comp_type[p->comp] == PKTMON_MINIPORT ? 2 : 0) +
           (p->dir == PKTMON_DIR_RX || p->dir == PKTMON_DIR_TX ? 1 : 0);
}

/* PktMon appearances by group, then file order: the merge meets the
 * appearances of one packet together, the first logged first. */
static int
cap_etl_group_cmp(const void *a, const void *b)
{
    const struct cap_etl_pkt *x = a, *y = b;

    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Frames by time, ties in file order. */
static int
cap_etl_time_cmp(const void *a, const void *b)
{
    const struct cap_etl_pkt *x = a, *y = b;

    if (x->ts_ns != y->ts_ns)
        return x->ts_ns < y->ts_ns ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Keep one appearance a PktMon packet (the best scored, the first logged
 * among equals) and pass it to the sort by time. */
static int
cap_etl_dedup(struct cap_etl *e)
{
    struct cap_etl_pkt best, p;
    int have = 0, got;

    if (spill_sort_done(e->by_group) != 0)
        return -1;
    while ((got = spill_sort_next(e->by_group, &p)) == 1) {
        if (have && p.group == best.group) {
            e->info.duplicates++;
            if (cap_etl_score(e, &p) > cap_etl_score(e, &best))
                best = p;
            continue;
        }
        if (have && spill_sort_put(e->by_time, &best) != 0)
            return -1;
        best = p;
        have = 1;
    }
    if (got < 0 || (have && spill_sort_put(e->by_time, &best) != 0))
        return -1;
    spill_sort_free(e->by_group);
    e->by_group = NULL;
    return 0;
}

/* Keep one appearance a PktMon packet, then put the frames in order. */
static int
cap_etl_finish(struct cap_etl *e)
{
    if (cap_etl_dedup(e) != 0)
        return -1;
    return spill_sort_done(e->by_time);
}

enum rn_rc
cap_etl_open(const char *path, int fd, uint64_t size, int all,
             struct cap_etl **out, struct rn_err *err)
{
    return cap_etl_open_limits(path, fd, size, all, NULL, out, err);
}

enum rn_rc
cap_etl_open_limits(const char *path, int fd, uint64_t size, int all,
                    const struct spill_sort_limits *lim, struct cap_etl **out,
                    struct rn_err *err)
{
    struct cap_etl *e = xcalloc(1, sizeof *e);
    struct etl_walk_cb cb = {e, cap_etl_on_header, cap_etl_on_event,
                             cap_etl_on_buffer};
    struct rn_err werr = {RN_OK, ""};
    enum rn_rc rc;

    *out = NULL;
    e->path = path;
    e->all = all;
    e->comp_type = xcalloc(65536, 1);
    e->by_group =
        spill_sort_new(sizeof(struct cap_etl_pkt), cap_etl_group_cmp, lim);
    e->by_time =
        spill_sort_new(sizeof(struct cap_etl_pkt), cap_etl_time_cmp, lim);
    rc = etl_walk(path, fd, size, &cb, &werr);
    if (rc != RN_OK && (e->info.packet_events == 0 || rc != RN_EFORMAT)) {
        rn_err_set(err, rc, "%s", werr.msg);
        cap_etl_close(e);
        return rc;
    }
    if (rc != RN_OK) {
        e->damaged = 1; /* after the frames read so far */
        memcpy(e->damage, werr.msg, sizeof e->damage);
    }
    if (e->info.packet_events == 0) {
        cap_etl_close(e);
        /* Not damage: a trace of another kind, which the import skips
         * in a folder as it does any file that is not a capture. */
        return rn_err_set(err, RN_ENOTFOUND,
                          "%s: an ETW trace without packet events: render IIS "
                          "events with tracerpt or Log Parser to XML first",
                          path);
    }
    if (e->spill != NULL && fflush(e->spill) != 0) {
        rc = rn_err_set(err, RN_EIO,
                        "%s: cannot write its packets to a temporary file: "
                        "%s",
                        path, strerror(errno));
        cap_etl_close(e);
        return rc;
    }
    if (cap_etl_finish(e) != 0) {
        rc = cap_etl_sort_failed(e, err);
        cap_etl_close(e);
        return rc;
    }
    *out = e;
    return RN_OK;
}

/* Read the bytes of p back from the spill file into e->frame. */
static enum rn_rc
cap_etl_load(struct cap_etl *e, const struct cap_etl_pkt *p, struct rn_err *err)
{
    size_t got = 0;

    if (p->caplen > e->framecap) {
        e->framecap = p->caplen;
        e->frame = xrealloc(e->frame, e->framecap, 1);
    }
    while (got < p->caplen) {
        ssize_t k = pread(fileno(e->spill), e->frame + got, p->caplen - got,
                          (off_t)(p->data + got));

        if (k <= 0 && !(k < 0 && errno == EINTR))
            return rn_err_set(err, RN_EIO,
                              "%s: cannot read its packets back from a "
                              "temporary file: %s",
                              e->path, k < 0 ? strerror(errno) : "cut short");
        if (k > 0)
            got += (size_t)k;
    }
    return RN_OK;
}

enum rn_rc
cap_etl_next(struct cap_etl *e, struct cap_frame *f, int *got, uint64_t *index,
             struct rn_err *err)
{
    struct cap_etl_pkt p;
    int more;

    *got = 0;
    more = spill_sort_next(e->by_time, &p);
    if (more < 0)
        return cap_etl_sort_failed(e, err);
    if (more == 0) {
        if (e->damaged) {
            e->damaged = 0; /* said once */
            return rn_err_set(err, RN_EFORMAT, "%s", e->damage);
        }
        return RN_OK;
    }
    if (p.caplen > 0) {
        enum rn_rc rc = cap_etl_load(e, &p, err);

        if (rc != RN_OK)
            return rc;
    }
    e->next++;
    memset(f, 0, sizeof *f);
    f->number = e->next;
    f->ts_ns = p.ts_ns == INT64_MIN ? CAP_TS_NONE : p.ts_ns;
    f->link = p.link;
    f->raw_link = p.raw_link;
    f->data = p.caplen > 0 ? e->frame : (const unsigned char *)"";
    f->caplen = p.caplen;
    f->origlen = p.origlen;
    if (index != NULL)
        *index = p.index;
    *got = 1;
    return RN_OK;
}

const struct cap_etl_info *
cap_etl_info(const struct cap_etl *e)
{
    return &e->info;
}

void
cap_etl_close(struct cap_etl *e)
{
    int i;

    if (e == NULL)
        return;
    for (i = 0; i < CAP_ETL_FRAG_SLOT; i++)
        free(e->frag[i].buf);
    free(e->comp_type);
    spill_sort_free(e->by_group);
    spill_sort_free(e->by_time);
    if (e->spill != NULL)
        fclose(e->spill);
    free(e->frame);
    free(e);
}
