/*
 * Capture file readers behind one iterator.  The file is opened once: its
 * magic number is read with pread(), and for pcap and pcapng the same
 * descriptor is then handed to stdio.  pcap goes through libpcap
 * (pcap_fopen_offline_with_tstamp_precision, nanoseconds, and
 * pcap_next_ex); libpcap's DLT_ values are mapped back to LINKTYPE_
 * numbers, and the FCS length in the upper bits of the header's link type
 * (pcap_datalink_ext(): the P bit 0x04000000 says it is there, bits 28-31
 * give it in 16-bit words, as Wireshark reads it) is taken off every
 * Ethernet frame.  pcapng goes to cap_pcapng.c: libpcap refuses a pcapng
 * file whose interfaces differ in link type or snapshot length, and such
 * files are what merging captures of several interfaces gives.  Network
 * Monitor files are read here with pread(): the frame table (read in
 * blocks, so memory stays flat) gives each frame's offset; 1.x and 2.x
 * record headers, the 2.1+ trailer with its per-frame network type and the
 * 2.3 per-frame UTC FILETIME.  They say nothing of an FCS, so their frames
 * are returned as they are.  Every offset and length read from the file
 * is checked against the file size before use.
 */
#include "cap_read.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "cap_etl.h"
#include "cap_pcapng.h"
#include "etl_read.h"
#include "pkt_decode.h"
#include "rn_time.h"
#include "xmalloc.h"

#define NETMON_HDR_LEN      64    /* fields we read of the 128-byte header */
#define NETMON_FT_BLOCK     16384 /* frame-table entries read at a time */
#define NETMON_FRAME_MAX    (64u * 1024 * 1024)
#define FILETIME_UNIX_EPOCH 116444736000000000LL
/* stdio buffer for libpcap's stream: it reads a frame header and a frame
 * at a time, and the default (one block, 4 KiB) made a read(2) every
 * three frames. */
#define PCAP_STDIO_BUF (256u * 1024)

struct cap_reader {
    enum cap_format fmt;
    char *path;
    uint64_t size;
    uint64_t number; /* frames returned or skipped so far */
    /* libpcap */
    pcap_t *pc;
    uint32_t fcs; /* FCS bytes at the end of every Ethernet frame */
    /* pcapng */
    struct cap_pcapng *ng;
    /* .etl */
    struct cap_etl *etl;
    /* Network Monitor */
    int fd;
    int vmaj, vmin;
    int hdr_net;      /* network type in the file header */
    int64_t start_ns; /* capture start (local time taken as UTC) */
    uint32_t ft_off;  /* frame table offset and entry count */
    uint64_t nframes;
    uint32_t *ft;     /* a block of the frame table */
    uint64_t ft_base; /* index of ft[0] */
    size_t ft_n;
    unsigned char *buf; /* the current frame */
    size_t bufcap;
    uint64_t pos;
};

enum cap_format
cap_read_probe(const unsigned char *h, size_t n)
{
    if (n < 4)
        return CAP_FMT_NONE;
    if ((h[0] == 0xD4 && h[1] == 0xC3 && h[2] == 0xB2 && h[3] == 0xA1) ||
        (h[0] == 0xA1 && h[1] == 0xB2 && h[2] == 0xC3 && h[3] == 0xD4) ||
        (h[0] == 0x4D && h[1] == 0x3C && h[2] == 0xB2 && h[3] == 0xA1) ||
        (h[0] == 0xA1 && h[1] == 0xB2 && h[2] == 0x3C && h[3] == 0x4D))
        return CAP_FMT_PCAP;
    if (h[0] == 0x0A && h[1] == 0x0D && h[2] == 0x0D && h[3] == 0x0A)
        return CAP_FMT_PCAPNG;
    if (memcmp(h, "RTSS", 4) == 0 || memcmp(h, "GMBU", 4) == 0)
        return CAP_FMT_NETMON;
    if (etl_probe(h, n))
        return CAP_FMT_ETL;
    return CAP_FMT_NONE;
}

/* Little-endian u16 / u32 / u64. */
static uint16_t
cap_read_le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t
cap_read_le32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint64_t
cap_read_le64(const unsigned char *p)
{
    return (uint64_t)cap_read_le32(p) | ((uint64_t)cap_read_le32(p + 4) << 32);
}

/*
 * base + v * unit, or CAP_TS_NONE when a damaged file makes that
 * overflow (|result| is kept below 2^62).
 */
static int64_t
cap_read_ts(int64_t base, int64_t v, int64_t unit)
{
    const int64_t lim = INT64_C(1) << 62;

    if (v > lim / unit || v < -lim / unit || base > lim || base < -lim)
        return CAP_TS_NONE;
    return base + v * unit;
}

/* Map a libpcap DLT_ value to a LINKTYPE_ number we decode. */
static int
cap_read_dlt_link(int dlt)
{
    switch (dlt) {
    case DLT_NULL:
        return PKT_LINK_NULL;
    case DLT_EN10MB:
        return PKT_LINK_ETHERNET;
    case 12: /* DLT_RAW on most systems, DLT_LOOP on OpenBSD */
    case 14: /* DLT_RAW on OpenBSD */
    case 101:
        return PKT_LINK_RAW;
    case 108:
        return PKT_LINK_LOOP;
    case DLT_LINUX_SLL:
        return PKT_LINK_SLL;
    case DLT_LINUX_SLL2:
        return PKT_LINK_SLL2;
    case DLT_IPV4:
        return PKT_LINK_IPV4;
    case DLT_IPV6:
        return PKT_LINK_IPV6;
    case DLT_NFLOG:
        return PKT_LINK_NFLOG;
    default:
        return CAP_LINK_UNKNOWN;
    }
}

int
cap_read_link(unsigned linktype)
{
    switch (linktype) {
    case PKT_LINK_NULL:
    case PKT_LINK_ETHERNET:
    case PKT_LINK_RAW:
    case PKT_LINK_LOOP:
    case PKT_LINK_SLL:
    case PKT_LINK_IPV4:
    case PKT_LINK_IPV6:
    case PKT_LINK_NFLOG:
    case PKT_LINK_SLL2:
        return (int)linktype;
    case 12: /* DLT_RAW written as a link type by some tools */
    case 14:
        return PKT_LINK_RAW;
    default:
        return CAP_LINK_UNKNOWN;
    }
}

void
cap_read_fcs_strip(struct cap_frame *f, uint32_t fcs)
{
    f->fcs = 0;
    if (fcs == 0 || f->link != PKT_LINK_ETHERNET || f->origlen < fcs)
        return;
    f->origlen -= fcs; /* origlen >= caplen: every reader makes it so */
    if (f->caplen > f->origlen)
        f->caplen = f->origlen;
    f->fcs = fcs;
}

/* Map a Network Monitor network type; -2 for metadata frames to skip. */
static int
cap_read_netmon_link(int net)
{
    if (net == 0 || net == 1)
        return PKT_LINK_ETHERNET;
    if (net == 7 || net == 8 || net == 9)
        return PKT_LINK_RAW;
    if (net == 0xFFE0 || (net >= 0xFFFB && net <= 0xFFFF))
        return -2;
    if ((net & 0xF000) == 0xE000 && !(net >= 0xE080 && net <= 0xE08A) &&
        (net & 0x0FFF) != 12 && (net & 0x0FFF) != 14)
        return cap_read_link((unsigned)(net & 0x0FFF));
    return CAP_LINK_UNKNOWN;
}

/* Read exactly n bytes at off; RN_EFORMAT on a short read. */
static enum rn_rc
cap_read_pread(struct cap_reader *r, void *buf, size_t n, uint64_t off,
               const char *what, struct rn_err *err)
{
    size_t got = 0;

    while (got < n) {
        ssize_t k =
            pread(r->fd, (char *)buf + got, n - got, (off_t)(off + got));

        if (k < 0) {
            if (errno == EINTR)
                continue;
            return rn_err_set(err, RN_EIO, "%s: %s at offset %llu: %s", r->path,
                              what, (unsigned long long)off, strerror(errno));
        }
        if (k == 0)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: %s at offset %llu: file ends early", r->path,
                              what, (unsigned long long)off);
        got += (size_t)k;
    }
    return RN_OK;
}

/* Open a Network Monitor file: header and frame table bounds. */
static enum rn_rc
cap_read_netmon_open(struct cap_reader *r, struct rn_err *err)
{
    unsigned char h[NETMON_HDR_LEN];
    uint32_t ft_len;
    int64_t days;
    enum rn_rc rc;

    if (r->size < NETMON_HDR_LEN)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: network monitor header truncated (%llu bytes)",
                          r->path, (unsigned long long)r->size);
    rc = cap_read_pread(r, h, sizeof h, 0, "network monitor header", err);
    if (rc != RN_OK)
        return rc;
    r->vmin = h[4];
    r->vmaj = h[5];
    if ((memcmp(h, "RTSS", 4) == 0 && r->vmaj != 1) ||
        (memcmp(h, "GMBU", 4) == 0 && r->vmaj != 2))
        return rn_err_set(err, RN_EFORMAT,
                          "%s: unsupported network monitor version %d.%d",
                          r->path, r->vmaj, r->vmin);
    r->hdr_net = cap_read_le16(h + 6);
    {
        unsigned y = cap_read_le16(h + 8), mo = cap_read_le16(h + 10);
        unsigned d = cap_read_le16(h + 14), hh = cap_read_le16(h + 16);
        unsigned mi = cap_read_le16(h + 18), s = cap_read_le16(h + 20);
        unsigned ms = cap_read_le16(h + 22);

        /* Only years whose nanoseconds fit in 64 bits (as rn_time). */
        if (y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
            hh > 23 || mi > 59 || s > 60 || ms > 999)
            y = 1970, mo = 1, d = 1, hh = mi = s = ms = 0;
        days = rn_days_from_civil(y, mo, d);
        r->start_ns =
            ((days * 86400 + hh * 3600 + mi * 60 + s) * 1000 + ms) * 1000000LL;
    }
    r->ft_off = cap_read_le32(h + 24);
    ft_len = cap_read_le32(h + 28);
    if (ft_len == 0 || ft_len % 4 != 0 || r->ft_off < NETMON_HDR_LEN ||
        (uint64_t)r->ft_off + ft_len > r->size)
        return rn_err_set(err, RN_EFORMAT,
                          "%s: frame table at offset %u, %u bytes, does not "
                          "fit a %llu-byte file",
                          r->path, r->ft_off, ft_len,
                          (unsigned long long)r->size);
    r->nframes = ft_len / 4;
    r->ft = xmalloc(NETMON_FT_BLOCK * sizeof *r->ft);
    return RN_OK;
}

/* Make sure frame-table entry idx is loaded; return its value. */
static enum rn_rc
cap_read_netmon_entry(struct cap_reader *r, uint64_t idx, uint32_t *off,
                      struct rn_err *err)
{
    if (idx < r->ft_base || idx >= r->ft_base + r->ft_n) {
        uint64_t n = r->nframes - idx;
        unsigned char *raw;
        size_t i;
        enum rn_rc rc;

        if (n > NETMON_FT_BLOCK)
            n = NETMON_FT_BLOCK;
        raw = xmalloc((size_t)n * 4);
        rc = cap_read_pread(r, raw, (size_t)n * 4, r->ft_off + idx * 4,
                            "frame table", err);
        if (rc != RN_OK) {
            free(raw);
            return rc;
        }
        for (i = 0; i < n; i++)
            r->ft[i] = cap_read_le32(raw + 4 * i);
        free(raw);
        r->ft_base = idx;
        r->ft_n = (size_t)n;
    }
    *off = r->ft[idx - r->ft_base];
    return RN_OK;
}

/* Next Network Monitor frame (skipping metadata frames). */
static enum rn_rc
cap_read_netmon_next(struct cap_reader *r, struct cap_frame *f, int *got,
                     struct rn_err *err)
{
    for (;;) {
        uint64_t idx = r->number, number = idx + 1;
        uint32_t off, caplen, origlen, tlen = 0;
        size_t hlen = r->vmaj == 1 ? 8 : 16;
        unsigned char *p;
        int net = r->hdr_net, link;
        enum rn_rc rc;

        if (idx >= r->nframes) {
            *got = 0;
            return RN_OK;
        }
        rc = cap_read_netmon_entry(r, idx, &off, err);
        if (rc != RN_OK)
            return rc;
        if ((uint64_t)off + hlen > r->size)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: frame %llu: record header at offset %u "
                              "past the end of the file",
                              r->path, (unsigned long long)number, off);
        if (hlen > r->bufcap) {
            r->bufcap = 4096;
            r->buf = xrealloc(r->buf, r->bufcap, 1);
        }
        rc = cap_read_pread(r, r->buf, hlen, off, "record header", err);
        if (rc != RN_OK)
            return rc;
        if (r->vmaj == 1) {
            origlen = cap_read_le16(r->buf + 4);
            caplen = cap_read_le16(r->buf + 6);
        } else {
            origlen = cap_read_le32(r->buf + 8);
            caplen = cap_read_le32(r->buf + 12);
            if (r->vmin >= 3)
                tlen = 15;
            else if (r->vmin == 2)
                tlen = 6;
            else if (r->vmin == 1)
                tlen = 2;
        }
        if (caplen > NETMON_FRAME_MAX ||
            (uint64_t)off + hlen + caplen > r->size)
            return rn_err_set(err, RN_EFORMAT,
                              "%s: frame %llu at offset %u: captured length "
                              "%u past the end of the file",
                              r->path, (unsigned long long)number, off, caplen);
        if ((uint64_t)off + hlen + caplen + tlen > r->size)
            tlen = 0; /* no room for the trailer: use the header's values */
        if (hlen + caplen + tlen > r->bufcap) {
            r->bufcap = hlen + caplen + tlen;
            r->buf = xrealloc(r->buf, r->bufcap, 1);
        }
        rc = cap_read_pread(r, r->buf + hlen, caplen + tlen, off + hlen,
                            "frame data", err);
        if (rc != RN_OK)
            return rc;
        p = r->buf + hlen;
        r->number = number;
        if ((uint64_t)off + hlen + caplen + tlen > r->pos)
            r->pos = (uint64_t)off + hlen + caplen + tlen;
        if (tlen >= 2)
            net = cap_read_le16(p + caplen);
        link = cap_read_netmon_link(net);
        if (link == -2)
            continue; /* metadata frame: numbered, not returned */
        f->number = number;
        f->link = link;
        f->raw_link = net;
        f->data = p;
        f->caplen = caplen;
        f->origlen = origlen < caplen ? caplen : origlen;
        f->fcs = 0;
        if (tlen == 15) {
            /* Unsigned: a FILETIME near the bottom must not overflow. */
            int64_t ft = (int64_t)(cap_read_le64(p + caplen + 6) -
                                   (uint64_t)FILETIME_UNIX_EPOCH);

            f->ts_ns = cap_read_ts(0, ft, 100);
        } else if (r->vmaj == 1) {
            f->ts_ns = cap_read_ts(r->start_ns, cap_read_le32(r->buf), 1000000);
        } else {
            /* Microseconds, read as Wireshark does: x10 as signed 100 ns. */
            int64_t d100 = (int64_t)(cap_read_le64(r->buf) * 10u);

            f->ts_ns = cap_read_ts(r->start_ns, d100, 100);
        }
        *got = 1;
        return RN_OK;
    }
}

/* Hand the descriptor (still at offset 0) over to a stdio stream *fp. */
static enum rn_rc
cap_read_fdopen(struct cap_reader *r, FILE **fp, struct rn_err *err)
{
    *fp = fdopen(r->fd, "rb");
    if (*fp == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", r->path, strerror(errno));
    r->fd = -1; /* the stream owns it now */
    return RN_OK;
}

/* Open a pcap file through libpcap on stream fp (closed on failure too). */
static enum rn_rc
cap_read_pcap_open(struct cap_reader *r, FILE *fp, struct rn_err *err)
{
    char errbuf[PCAP_ERRBUF_SIZE];
    int ext;

    errbuf[0] = '\0';
    /* Before the first read.  A refusal leaves stdio's own buffer: slower,
     * the same frames. */
    (void)setvbuf(fp, NULL, _IOFBF, PCAP_STDIO_BUF);
    r->pc = pcap_fopen_offline_with_tstamp_precision(
        fp, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (r->pc == NULL) {
        fclose(fp); /* libpcap leaves it to us when it fails */
        return rn_err_set(err, RN_EFORMAT, "%s: %s", r->path, errbuf);
    }
    ext = pcap_datalink_ext(r->pc);
    if (ext != PCAP_ERROR_NOT_ACTIVATED && LT_FCS_LENGTH_PRESENT(ext))
        r->fcs = (uint32_t)LT_FCS_LENGTH(ext) * 2;
    return RN_OK;
}

enum rn_rc
cap_read_open(const char *path, struct cap_reader **out, struct rn_err *err)
{
    struct cap_reader *r;
    unsigned char head[CAP_READ_PROBE_MIN];
    struct stat sb;
    FILE *fp;
    enum rn_rc rc = RN_OK;
    size_t n;
    int fd;

    *out = NULL;
    fd = open(path, O_RDONLY);
    if (fd < 0)
        return rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
    r = xcalloc(1, sizeof *r);
    r->fd = fd;
    r->path = xstrdup(path);
    if (fstat(fd, &sb) != 0) {
        rc = rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
        goto out;
    }
    r->size = (uint64_t)sb.st_size;
    if (r->size < 4) {
        rc = rn_err_set(err, RN_EFORMAT, "%s: not a capture file (%llu bytes)",
                        path, (unsigned long long)r->size);
        goto out;
    }
    n = r->size < sizeof head ? (size_t)r->size : sizeof head;
    rc = cap_read_pread(r, head, n, 0, "magic number", err);
    if (rc != RN_OK)
        goto out;
    r->fmt = cap_read_probe(head, n);
    switch (r->fmt) {
    case CAP_FMT_ETL:
        rc = cap_etl_open(r->path, r->fd, r->size, 0, &r->etl, err);
        r->pos = r->size; /* read whole at open */
        break;
    case CAP_FMT_NETMON:
        rc = cap_read_netmon_open(r, err);
        break;
    case CAP_FMT_PCAPNG:
        rc = cap_read_fdopen(r, &fp, err);
        if (rc == RN_OK)
            rc = cap_pcapng_open(path, fp, r->size, &r->ng, err);
        break;
    case CAP_FMT_PCAP:
        rc = cap_read_fdopen(r, &fp, err);
        if (rc == RN_OK)
            rc = cap_read_pcap_open(r, fp, err);
        break;
    case CAP_FMT_NONE:
        rc = rn_err_set(err, RN_EFORMAT,
                        "%s: not a pcap, pcapng, network monitor or .etl "
                        "packet capture file",
                        path);
        break;
    }
out:
    if (rc != RN_OK) {
        cap_read_close(r);
        return rc;
    }
    *out = r;
    return RN_OK;
}

enum rn_rc
cap_read_next(struct cap_reader *r, struct cap_frame *f, int *got,
              struct rn_err *err)
{
    struct pcap_pkthdr *ph;
    const u_char *data;
    int k, dlt;

    *got = 0;
    if (r->fmt == CAP_FMT_NETMON)
        return cap_read_netmon_next(r, f, got, err);
    if (r->ng != NULL)
        return cap_pcapng_next(r->ng, f, got, err);
    if (r->etl != NULL)
        return cap_etl_next(r->etl, f, got, NULL, err);
    k = pcap_next_ex(r->pc, &ph, &data);
    if (k == -2)
        return RN_OK;
    if (k != 1)
        return rn_err_set(err, RN_EFORMAT, "%s: frame %llu: %s", r->path,
                          (unsigned long long)r->number + 1,
                          pcap_geterr(r->pc));
    r->number++;
    dlt = pcap_datalink(r->pc);
    f->number = r->number;
    f->ts_ns =
        cap_read_ts(ph->ts.tv_usec, (int64_t)ph->ts.tv_sec, 1000000000LL);
    f->link = cap_read_dlt_link(dlt);
    f->raw_link = dlt;
    f->data = data;
    f->caplen = ph->caplen;
    f->origlen = ph->len < ph->caplen ? ph->caplen : ph->len;
    cap_read_fcs_strip(f, r->fcs);
    *got = 1;
    return RN_OK;
}

enum cap_format
cap_read_format(const struct cap_reader *r)
{
    return r->fmt;
}

const char *
cap_read_name(const struct cap_reader *r)
{
    switch (r->fmt) {
    case CAP_FMT_PCAP:
        return "pcap";
    case CAP_FMT_PCAPNG:
        return "pcapng";
    case CAP_FMT_NETMON:
        return r->vmaj == 1 ? "netmon1" : "netmon2";
    case CAP_FMT_ETL:
        return "etl";
    case CAP_FMT_NONE:
        break;
    }
    return "unknown";
}

uint64_t
cap_read_pos(const struct cap_reader *r)
{
    if (r->ng != NULL)
        return cap_pcapng_pos(r->ng);
    if (r->pc != NULL) {
        FILE *fp = pcap_file(r->pc);
        off_t o = fp != NULL ? ftello(fp) : -1;

        return o < 0 ? 0 : (uint64_t)o;
    }
    return r->pos;
}

uint64_t
cap_read_size(const struct cap_reader *r)
{
    return r->size;
}

int
cap_read_ts_local(const struct cap_reader *r)
{
    return r->fmt == CAP_FMT_NETMON && !(r->vmaj == 2 && r->vmin >= 3);
}

const struct cap_etl_info *
cap_read_etl_info(const struct cap_reader *r)
{
    return r->etl != NULL ? cap_etl_info(r->etl) : NULL;
}

void
cap_read_close(struct cap_reader *r)
{
    if (r == NULL)
        return;
    if (r->pc != NULL)
        pcap_close(r->pc);
    cap_pcapng_close(r->ng);
    cap_etl_close(r->etl);
    if (r->fd >= 0)
        close(r->fd);
    free(r->ft);
    free(r->buf);
    free(r->path);
    free(r);
}
