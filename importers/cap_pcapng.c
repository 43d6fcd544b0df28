/*
 * pcapng, read block by block through stdio.  Every block's length is
 * checked (at least 12, a multiple of 4, within the file) before any of
 * it is read, and its trailing length must repeat the leading one.  A
 * section header block sets the byte order up to the next one and
 * forgets the interfaces (their IDs start again at 0 in each section).
 * Only section, interface and packet blocks are read into memory (one
 * buffer, capped at CAP_PCAPNG_BLOCK_MAX); other blocks are skipped by
 * their length.  A frame's link type and time come from its interface:
 * if_tsresol (10^-n or 2^-n seconds, microseconds by default) and
 * if_tsoffset (seconds added).  So does the length of the frame check
 * sequence that ends its frames, read as Wireshark reads it: if_fcslen
 * (code 13, one byte) is in bits by the specification, but a value under
 * 8 is taken as octets (what some writers meant); the FCS length in bits
 * 5-8 of a packet's epb_flags (code 2, in octets; 0 = not given) overrides
 * the interface's for that packet.  Simple packet blocks have no options
 * and use interface 0's.  Wireshark also numbers custom blocks,
 * decryption-secrets blocks and systemd journal entries as frames, so
 * they use up a frame number here but are not returned.
 */
#include "cap_pcapng.h"

#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define PCAPNG_SHB       0x0A0D0D0Au
#define PCAPNG_IDB       1u
#define PCAPNG_PB        2u /* obsolete packet block */
#define PCAPNG_SPB       3u
#define PCAPNG_EPB       6u
#define PCAPNG_SJE       9u /* systemd journal export */
#define PCAPNG_DSB       0x0Au
#define PCAPNG_CB        0x00000BADu
#define PCAPNG_CB_NOCOPY 0x40000BADu

#define PCAPNG_OPT_END      0
#define PCAPNG_OPT_FLAGS    2 /* epb_flags, in packet blocks */
#define PCAPNG_OPT_TSRESOL  9
#define PCAPNG_OPT_FCSLEN   13
#define PCAPNG_OPT_TSOFFSET 14

#define PCAPNG_TSRESOL_DEFAULT 6 /* microseconds */
#define PCAPNG_SEC_LIM         ((INT64_C(1) << 62) / 1000000000)
#define PCAPNG_STDIO_BUF       (256u * 1024)

/* One interface of the current section. */
struct cap_pcapng_if {
    int link;          /* enum pkt_link, or CAP_LINK_UNKNOWN */
    unsigned linktype; /* LINKTYPE_ value as written */
    uint32_t snaplen;  /* 0: no limit */
    unsigned tsresol;  /* if_tsresol byte */
    int64_t tsoffset;  /* if_tsoffset, seconds */
    uint32_t fcs;      /* FCS bytes ending each frame (if_fcslen), or 0 */
};

struct cap_pcapng {
    char *path;
    FILE *fp;
    uint64_t size;
    uint64_t off;    /* offset of the next block */
    uint64_t number; /* frame numbers used so far */
    int be;          /* the current section is big-endian */
    struct cap_pcapng_if *ifs;
    size_t nif, ifcap;
    unsigned char *buf; /* body and trailer of the current block */
    size_t bufcap;
};

/* u16 in the section's byte order. */
static uint16_t
cap_pcapng_u16(const struct cap_pcapng *p, const unsigned char *b)
{
    return p->be ? (uint16_t)((b[0] << 8) | b[1])
                 : (uint16_t)(b[0] | (b[1] << 8));
}

/* u32 in the section's byte order. */
static uint32_t
cap_pcapng_u32(const struct cap_pcapng *p, const unsigned char *b)
{
    if (p->be)
        return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
               ((uint32_t)b[2] << 8) | b[3];
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
}

/* u64 in the section's byte order (never aligned in the file). */
static uint64_t
cap_pcapng_u64(const struct cap_pcapng *p, const unsigned char *b)
{
    uint64_t v = 0;
    int i;

    for (i = 0; i < 8; i++)
        v = (v << 8) | b[p->be ? i : 7 - i];
    return v;
}

/* Read n bytes at the current position (off is for the message). */
static enum rn_rc
cap_pcapng_read(struct cap_pcapng *p, void *buf, size_t n, uint64_t off,
                struct rn_err *err)
{
    if (n > 0 && fread(buf, 1, n, p->fp) != n) {
        if (ferror(p->fp))
            return rn_err_set(err, RN_EIO,
                              "%s: pcapng block at offset %llu: %s", p->path,
                              (unsigned long long)off, strerror(errno));
        return rn_err_set(err, RN_EFORMAT,
                          "%s: pcapng block at offset %llu: file ends early",
                          p->path, (unsigned long long)off);
    }
    return RN_OK;
}

/* Move to file offset off. */
static enum rn_rc
cap_pcapng_seek(struct cap_pcapng *p, uint64_t off, struct rn_err *err)
{
    if (fseeko(p->fp, (off_t)off, SEEK_SET) != 0)
        return rn_err_set(err, RN_EIO, "%s: seek to offset %llu: %s", p->path,
                          (unsigned long long)off, strerror(errno));
    return RN_OK;
}

/*
 * The option at *pos of the list o (n bytes): its code and length into
 * *code and *len, its value returned, *pos moved past it; NULL at the end
 * of the list or where it is damaged (the rest is ignored).
 */
static const unsigned char *
cap_pcapng_opt(const struct cap_pcapng *p, const unsigned char *o, size_t n,
               size_t *pos, unsigned *code, size_t *len)
{
    size_t padded;

    if (*pos > n || n - *pos < 4)
        return NULL;
    *code = cap_pcapng_u16(p, o + *pos);
    *len = cap_pcapng_u16(p, o + *pos + 2);
    padded = (*len + 3) & ~(size_t)3;
    if (*code == PCAPNG_OPT_END || padded > n - *pos - 4)
        return NULL;
    *pos += 4 + padded;
    return o + *pos - padded;
}

/* FCS bytes for an if_fcslen value (bits; under 8 taken as octets). */
static uint32_t
cap_pcapng_fcs_octets(unsigned v)
{
    return v < 8 ? v : v / 8;
}

/* Read the interface options we use. */
static void
cap_pcapng_idb_options(const struct cap_pcapng *p, struct cap_pcapng_if *ifc,
                       const unsigned char *o, size_t n)
{
    const unsigned char *v;
    size_t pos = 0, len;
    unsigned code;
    int fcs_seen = 0;

    while ((v = cap_pcapng_opt(p, o, n, &pos, &code, &len)) != NULL) {
        if (code == PCAPNG_OPT_TSRESOL && len >= 1)
            ifc->tsresol = v[0];
        else if (code == PCAPNG_OPT_TSOFFSET && len >= 8)
            ifc->tsoffset = (int64_t)cap_pcapng_u64(p, v);
        else if (code == PCAPNG_OPT_FCSLEN && len == 1 && !fcs_seen) {
            /* Wireshark keeps the first of repeated options. */
            ifc->fcs = cap_pcapng_fcs_octets(v[0]);
            fcs_seen = 1;
        }
    }
}

/* The FCS length in octets a packet block's options give, or 0. */
static uint32_t
cap_pcapng_pkt_fcs(const struct cap_pcapng *p, const unsigned char *o, size_t n)
{
    const unsigned char *v;
    size_t pos = 0, len;
    unsigned code;

    while ((v = cap_pcapng_opt(p, o, n, &pos, &code, &len)) != NULL)
        if (code == PCAPNG_OPT_FLAGS && len == 4)
            return (cap_pcapng_u32(p, v) >> 5) & 0xF;
    return 0;
}

/* Time in ns of a timestamp t in ifc's units, or CAP_TS_NONE. */
static int64_t
cap_pcapng_ts(const struct cap_pcapng_if *ifc, uint64_t t)
{
    unsigned n = ifc->tsresol & 0x7F, k;
    uint64_t sec, frac_ns;
    int64_t s;

    if (ifc->tsresol & 0x80) {
        /* Units of 2^-n s. */
        uint64_t frac;

        if (n > 63)
            return CAP_TS_NONE;
        sec = t >> n;
        frac = t & ((UINT64_C(1) << n) - 1);
        if (n <= 34)
            frac_ns = (frac * 1000000000u) >> n;
        else
            frac_ns = ((frac >> (n - 34)) * 1000000000u) >> 34;
    } else {
        /* Units of 10^-n s. */
        uint64_t units = 1, rem, scale = 1;

        if (n > 19)
            return CAP_TS_NONE;
        for (k = 0; k < n; k++)
            units *= 10;
        sec = t / units;
        rem = t % units;
        for (k = n; k < 9; k++)
            scale *= 10;
        for (k = 9; k < n; k++)
            scale *= 10;
        frac_ns = n <= 9 ? rem * scale : rem / scale;
    }
    if (sec > (uint64_t)PCAPNG_SEC_LIM || ifc->tsoffset > PCAPNG_SEC_LIM ||
        ifc->tsoffset < -PCAPNG_SEC_LIM)
        return CAP_TS_NONE;
    s = (int64_t)sec + ifc->tsoffset;
    if (s > PCAPNG_SEC_LIM || s < -PCAPNG_SEC_LIM)
        return CAP_TS_NONE;
    return s * 1000000000 + (int64_t)frac_ns;
}

/* Make room for n bytes in the block buffer. */
static void
cap_pcapng_reserve(struct cap_pcapng *p, size_t n)
{
    if (n > p->bufcap) {
        p->bufcap = n < 65536 ? 65536 : n;
        free(p->buf);
        p->buf = xmalloc(p->bufcap);
    }
}

/* A new section: its header block's body (blen bytes) is in p->buf. */
static enum rn_rc
cap_pcapng_shb(struct cap_pcapng *p, uint64_t off, size_t blen,
               struct rn_err *err)
{
    unsigned major, minor;

    if (blen < 16)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: section header block at offset %llu: %zu "
                          "bytes, too short",
                          p->path, (unsigned long long)off, blen + 12);
    major = cap_pcapng_u16(p, p->buf + 4);
    minor = cap_pcapng_u16(p, p->buf + 6);
    if (major != 1)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: section header block at offset %llu: "
                          "unsupported pcapng version %u.%u",
                          p->path, (unsigned long long)off, major, minor);
    p->nif = 0; /* interface IDs start again */
    return RN_OK;
}

/* An interface description block (body in p->buf). */
static enum rn_rc
cap_pcapng_idb(struct cap_pcapng *p, uint64_t off, size_t blen,
               struct rn_err *err)
{
    struct cap_pcapng_if *ifc;

    if (blen < 8)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: interface description block at offset %llu: "
                          "%zu bytes, too short",
                          p->path, (unsigned long long)off, blen + 12);
    if (p->nif >= CAP_PCAPNG_IF_MAX)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: interface description block at offset %llu: "
                          "more than %u interfaces in one section",
                          p->path, (unsigned long long)off,
                          (unsigned)CAP_PCAPNG_IF_MAX);
    if (p->nif == p->ifcap) {
        p->ifcap = p->ifcap == 0 ? 8 : p->ifcap * 2;
        p->ifs = xrealloc(p->ifs, p->ifcap, sizeof *p->ifs);
    }
    ifc = &p->ifs[p->nif++];
    ifc->linktype = cap_pcapng_u16(p, p->buf);
    ifc->link = cap_read_link(ifc->linktype);
    ifc->snaplen = cap_pcapng_u32(p, p->buf + 4);
    ifc->tsresol = PCAPNG_TSRESOL_DEFAULT;
    ifc->tsoffset = 0;
    ifc->fcs = 0;
    cap_pcapng_idb_options(p, ifc, p->buf + 8, blen - 8);
    return RN_OK;
}

/*
 * A packet block (enhanced, simple or obsolete; body in p->buf) into *f.
 */
static enum rn_rc
cap_pcapng_packet(struct cap_pcapng *p, uint32_t type, uint64_t off,
                  size_t blen, struct cap_frame *f, struct rn_err *err)
{
    const char *what = type == PCAPNG_EPB   ? "enhanced packet block"
                       : type == PCAPNG_SPB ? "simple packet block"
                                            : "packet block";
    size_t hlen = type == PCAPNG_SPB ? 4 : 20;
    const struct cap_pcapng_if *ifc;
    uint32_t ifid, caplen, origlen, fcs;
    size_t data_end;
    uint64_t t = 0;

    if (blen < hlen)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: %s at offset %llu: %zu bytes, too short",
                          p->path, what, (unsigned long long)off, blen + 12);
    if (type == PCAPNG_SPB) {
        ifid = 0;
        origlen = cap_pcapng_u32(p, p->buf);
        caplen = blen - 4 < origlen ? (uint32_t)(blen - 4) : origlen;
    } else {
        ifid = type == PCAPNG_EPB ? cap_pcapng_u32(p, p->buf)
                                  : cap_pcapng_u16(p, p->buf);
        t = ((uint64_t)cap_pcapng_u32(p, p->buf + 4) << 32) |
            cap_pcapng_u32(p, p->buf + 8);
        caplen = cap_pcapng_u32(p, p->buf + 12);
        origlen = cap_pcapng_u32(p, p->buf + 16);
        if (caplen > blen - 20)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: %s at offset %llu: captured length %u past "
                              "the end of the block",
                              p->path, what, (unsigned long long)off, caplen);
    }
    if (ifid >= p->nif)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: %s at offset %llu: interface %u not described "
                          "(the section has %zu)",
                          p->path, what, (unsigned long long)off, ifid, p->nif);
    ifc = &p->ifs[ifid];
    if (type == PCAPNG_SPB && ifc->snaplen != 0 && caplen > ifc->snaplen)
        caplen = ifc->snaplen;
    f->number = ++p->number;
    f->ts_ns = type == PCAPNG_SPB ? CAP_TS_NONE : cap_pcapng_ts(ifc, t);
    f->link = ifc->link;
    f->raw_link = (int)ifc->linktype;
    f->data = p->buf + hlen;
    f->caplen = caplen;
    f->origlen = origlen < caplen ? caplen : origlen;
    fcs = ifc->fcs;
    data_end = hlen + (((size_t)caplen + 3) & ~(size_t)3);
    if (type != PCAPNG_SPB && data_end < blen) {
        uint32_t pkt =
            cap_pcapng_pkt_fcs(p, p->buf + data_end, blen - data_end);

        if (pkt != 0)
            fcs = pkt;
    }
    cap_read_fcs_strip(f, fcs);
    return RN_OK;
}

/*
 * Read the block at p->off: its type into *type, its body into p->buf
 * when it is one we use (*blen bytes), and move past it.
 */
static enum rn_rc
cap_pcapng_block(struct cap_pcapng *p, uint32_t *type, size_t *blen,
                 struct rn_err *err)
{
    uint64_t off = p->off, left = p->size - off;
    unsigned char h[8], tail[4];
    uint32_t len;
    size_t body = 0;
    int shb, keep;
    enum rn_rc rc;

    if (left < 12)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: pcapng block at offset %llu: truncated "
                          "(%llu bytes left, a block has at least 12)",
                          p->path, (unsigned long long)off,
                          (unsigned long long)left);
    rc = cap_pcapng_read(p, h, 8, off, err);
    if (rc != RN_OK)
        return rc;
    shb = h[0] == 0x0A && h[1] == 0x0D && h[2] == 0x0D && h[3] == 0x0A;
    if (shb) {
        /* The byte-order magic decides how to read even the length. */
        unsigned char bom[4];

        rc = cap_pcapng_read(p, bom, 4, off, err);
        if (rc != RN_OK)
            return rc;
        if (bom[0] == 0x4D && bom[1] == 0x3C && bom[2] == 0x2B &&
            bom[3] == 0x1A)
            p->be = 0;
        else if (bom[0] == 0x1A && bom[1] == 0x2B && bom[2] == 0x3C &&
                 bom[3] == 0x4D)
            p->be = 1;
        else
            return rn_err_set(err, RN_EFORMAT,
                              "%s: section header block at offset %llu: bad "
                              "byte-order magic %02x%02x%02x%02x",
                              p->path, (unsigned long long)off, bom[0], bom[1],
                              bom[2], bom[3]);
        cap_pcapng_reserve(p, 4);
        memcpy(p->buf, bom, 4);
        body = 4;
    }
    *type = cap_pcapng_u32(p, h);
    len = cap_pcapng_u32(p, h + 4);
    if (shb && len < 28 && len % 4 == 0 && len <= left)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: section header block at offset %llu: %u "
                          "bytes, too short",
                          p->path, (unsigned long long)off, len);
    if (len < 12 || len % 4 != 0)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: pcapng block at offset %llu (type 0x%08x): bad "
                          "length %u",
                          p->path, (unsigned long long)off, *type, len);
    if (len > left)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: pcapng block at offset %llu (type 0x%08x, %u "
                          "bytes) runs past the end of the file (%llu bytes): "
                          "truncated",
                          p->path, (unsigned long long)off, *type, len,
                          (unsigned long long)p->size);
    *blen = len - 12;
    keep = shb || *type == PCAPNG_IDB || *type == PCAPNG_EPB ||
           *type == PCAPNG_SPB || *type == PCAPNG_PB;
    if (keep) {
        if (*blen > CAP_PCAPNG_BLOCK_MAX)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: pcapng block at offset %llu (type 0x%08x): "
                              "%u bytes, over the %u-byte limit",
                              p->path, (unsigned long long)off, *type, len,
                              (unsigned)CAP_PCAPNG_BLOCK_MAX);
        if (body > 0) {
            /* Keep the magic already read in front of the rest. */
            unsigned char bom[4];

            memcpy(bom, p->buf, 4);
            cap_pcapng_reserve(p, *blen);
            memcpy(p->buf, bom, 4);
        } else {
            cap_pcapng_reserve(p, *blen);
        }
        rc = cap_pcapng_read(p, p->buf + body, *blen - body, off, err);
    } else {
        rc = cap_pcapng_seek(p, off + len - 4, err);
    }
    if (rc == RN_OK)
        rc = cap_pcapng_read(p, tail, 4, off, err);
    if (rc != RN_OK)
        return rc;
    if (cap_pcapng_u32(p, tail) != len)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: pcapng block at offset %llu (type 0x%08x): "
                          "trailing length %u does not match %u",
                          p->path, (unsigned long long)off, *type,
                          cap_pcapng_u32(p, tail), len);
    p->off = off + len;
    if (shb)
        return cap_pcapng_shb(p, off, *blen, err);
    if (*type == PCAPNG_IDB)
        return cap_pcapng_idb(p, off, *blen, err);
    return RN_OK;
}

enum rn_rc
cap_pcapng_open(const char *path, FILE *fp, uint64_t size,
                struct cap_pcapng **out, struct rn_err *err)
{
    struct cap_pcapng *p;
    uint32_t type;
    size_t blen;
    enum rn_rc rc;

    *out = NULL;
    p = xcalloc(1, sizeof *p);
    p->path = xstrdup(path);
    p->size = size;
    p->fp = fp;
    setvbuf(p->fp, NULL, _IOFBF, PCAPNG_STDIO_BUF);
    /* The first block must be a section header (the probe saw its type). */
    rc = cap_pcapng_block(p, &type, &blen, err);
    if (rc == RN_OK && type != PCAPNG_SHB)
        rc =
            rn_err_set(err, RN_EFORMAT,
                       "%s: not a pcapng file (no section header block)", path);
    if (rc != RN_OK) {
        cap_pcapng_close(p);
        return rc;
    }
    *out = p;
    return RN_OK;
}

enum rn_rc
cap_pcapng_next(struct cap_pcapng *p, struct cap_frame *f, int *got,
                struct rn_err *err)
{
    *got = 0;
    while (p->off < p->size) {
        uint32_t type;
        size_t blen;
        uint64_t off = p->off;
        enum rn_rc rc = cap_pcapng_block(p, &type, &blen, err);

        if (rc != RN_OK)
            return rc;
        switch (type) {
        case PCAPNG_EPB:
        case PCAPNG_SPB:
        case PCAPNG_PB:
            rc = cap_pcapng_packet(p, type, off, blen, f, err);
            if (rc == RN_OK)
                *got = 1;
            return rc;
        case PCAPNG_CB:
        case PCAPNG_CB_NOCOPY:
        case PCAPNG_DSB:
        case PCAPNG_SJE:
            p->number++; /* a frame to Wireshark: numbered, not returned */
            break;
        default:
            break; /* section and interface blocks are taken; others skipped */
        }
    }
    return RN_OK;
}

uint64_t
cap_pcapng_pos(const struct cap_pcapng *p)
{
    return p->off;
}

void
cap_pcapng_close(struct cap_pcapng *p)
{
    if (p == NULL)
        return;
    if (p->fp != NULL)
        fclose(p->fp);
    free(p->ifs);
    free(p->buf);
    free(p->path);
    free(p);
}
