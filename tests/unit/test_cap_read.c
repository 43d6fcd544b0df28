/*
 * Unit tests for importers/cap_read.c and cap_pcapng.c: Network Monitor
 * 1.x/2.x files built here byte by byte (frame table out of physical
 * order, metadata frames, per-frame trailers, FILETIME), pcapng files
 * (sections of both byte orders, interfaces of different link types and
 * time resolutions, every packet block kind, blocks to skip), damaged
 * files, pcap through libpcap, and frame check sequences taken off
 * Ethernet frames where a pcap header or pcapng interface or packet says
 * they are there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_read.h"
#include "pkt_decode.h"
#include "rn_time.h"
#include "test.h"

static unsigned char file[4096];
static size_t flen;
static char path[64];

static void
le16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void
le32(unsigned char *p, uint32_t v)
{
    le16(p, v & 0xFFFF);
    le16(p + 2, v >> 16);
}

static void
le64(unsigned char *p, uint64_t v)
{
    le32(p, (uint32_t)v);
    le32(p + 4, (uint32_t)(v >> 32));
}

/* Write file[0..n) to a temporary path. */
static void
save(size_t n)
{
    FILE *f;

    snprintf(path, sizeof path, "/tmp/rn_test_cap_%d.cap", (int)getpid());
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL)
        return;
    fwrite(file, 1, n, f);
    fclose(f);
}

struct nm_frame {
    uint64_t delta; /* ms (1.x) or us (2.x) */
    int net;        /* trailer network type */
    const char *data;
    uint64_t filetime;
};

/*
 * Build a NetMon file of version major.minor with frames written in
 * reverse physical order (the table restores file order).
 */
static void
build_netmon(int major, int minor, const struct nm_frame *fr, int n)
{
    size_t off = 128, hlen = major == 1 ? 8 : 16, tlen = 0;
    uint32_t offs[8];
    int i;

    if (major == 2)
        tlen = minor >= 3 ? 15 : minor == 2 ? 6 : minor == 1 ? 2 : 0;
    memset(file, 0, sizeof file);
    memcpy(file, major == 1 ? "RTSS" : "GMBU", 4);
    file[4] = (unsigned char)minor;
    file[5] = (unsigned char)major;
    le16(file + 6, 1);
    /* 2005-08-23 (Tuesday) 20:25:47.250, local time of the capture. */
    le16(file + 8, 2005);
    le16(file + 10, 8);
    le16(file + 12, 2);
    le16(file + 14, 23);
    le16(file + 16, 20);
    le16(file + 18, 25);
    le16(file + 20, 47);
    le16(file + 22, 250);
    for (i = n - 1; i >= 0; i--) {
        size_t dl = strlen(fr[i].data);
        unsigned char *p = file + off;

        offs[i] = (uint32_t)off;
        if (major == 1) {
            le32(p, (uint32_t)fr[i].delta);
            le16(p + 4, (unsigned)dl + 10);
            le16(p + 6, (unsigned)dl);
        } else {
            le64(p, fr[i].delta);
            le32(p + 8, (uint32_t)dl);
            le32(p + 12, (uint32_t)dl);
        }
        memcpy(p + hlen, fr[i].data, dl);
        if (tlen >= 2)
            le16(p + hlen + dl, (unsigned)fr[i].net);
        if (tlen == 15)
            le64(p + hlen + dl + 6, fr[i].filetime);
        off += hlen + dl + tlen;
    }
    le32(file + 24, (uint32_t)off);
    le32(file + 28, (uint32_t)(4 * n));
    for (i = 0; i < n; i++)
        le32(file + off + 4 * (size_t)i, offs[i]);
    flen = off + 4 * (size_t)n;
}

/*
 * Read all frames into out, joined by spaces: "number:link:data", or
 * with lens "caplen/origlen/fcs"; the first maxts times into ts; the
 * reader's error (or "") into errmsg.
 */
static void
read_frames(char *out, size_t outlen, int64_t *ts, int maxts, char *errmsg,
            int lens)
{
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    int got, i = 0;
    size_t len = 0;

    out[0] = '\0';
    errmsg[0] = '\0';
    if (cap_read_open(path, &r, &err) != RN_OK) {
        snprintf(errmsg, RN_ERR_MSG_MAX, "%s", err.msg);
        return;
    }
    while (cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        const char *sep = len > 0 ? " " : "";
        int w = lens ? snprintf(out + len, outlen - len, "%s%u/%u/%u", sep,
                                (unsigned)f.caplen, (unsigned)f.origlen,
                                (unsigned)f.fcs)
                     : snprintf(out + len, outlen - len, "%s%llu:%d:%.*s", sep,
                                (unsigned long long)f.number, f.link,
                                (int)f.caplen, (const char *)f.data);

        if (w > 0 && (size_t)w < outlen - len)
            len += (size_t)w;
        if (i < maxts)
            ts[i++] = f.ts_ns;
    }
    snprintf(errmsg, RN_ERR_MSG_MAX, "%s", err.msg);
    cap_read_close(r);
}

/* Read all frames: "number:link:data" joined by spaces. */
static void
read_all(char *out, size_t outlen, int64_t *ts, int maxts, char *errmsg)
{
    read_frames(out, outlen, ts, maxts, errmsg, 0);
}

static void
test_netmon_versions(void)
{
    static const struct nm_frame fr[] = {
        {1000, 1, "first", 0},
        {2000, 0xFFFF, "filter", 0}, /* metadata: numbered, skipped */
        {3500, 7, "third", 0},
    };
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[4], start;
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};

    rn_time_parse("2005-08-23T20:25:47.250Z", 0, &start);

    /* 1.x: ms deltas from the local start time; one network type. */
    build_netmon(1, 1, fr, 3);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:first 2:1:filter 3:1:third");
    CHECK_STR(msg, "");
    CHECK(ts[0] == start + 1000 * 1000000LL);
    CHECK(ts[2] == start + 3500 * 1000000LL);
    CHECK(cap_read_open(path, &r, &err) == RN_OK);
    CHECK_STR(cap_read_name(r), "netmon1");
    CHECK(cap_read_ts_local(r) == 1);
    cap_read_close(r);

    /* 2.0: us deltas, no trailer. */
    build_netmon(2, 0, fr, 3);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:first 2:1:filter 3:1:third");
    CHECK(ts[2] == start + 3500 * 1000LL);

    /* 2.1: per-frame network type; the filter frame is skipped. */
    build_netmon(2, 1, fr, 3);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:first 3:101:third");
    CHECK_STR(msg, "");
}

static void
test_netmon_23(void)
{
    /* Times are 2005-08-23T20:25:47.1234567Z (+100 ns...) as FILETIMEs. */
    const struct nm_frame fr[] = {
        {0, 0xE001, "ether", 127693023471234567ULL},
        {5, 0xE000 | 113, "sll", 127693023471234568ULL},
        {9, 0xE000 | 147, "user0", 127693023471234569ULL},
    };
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[4], want;
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};

    rn_time_parse("2005-08-23T20:25:47.1234567Z", 0, &want);
    build_netmon(2, 3, fr, 3);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:ether 2:113:sll 3:-1:user0");
    CHECK(ts[0] == want);
    CHECK(ts[1] == want + 100);
    CHECK(cap_read_open(path, &r, &err) == RN_OK);
    CHECK(cap_read_ts_local(r) == 0);
    CHECK_STR(cap_read_name(r), "netmon2");
    cap_read_close(r);
}

static void
test_netmon_damaged(void)
{
    static const struct nm_frame fr[] = {
        {1, 1, "aaaa", 0}, {2, 1, "bbbb", 0}, {3, 1, "cccc", 0}};
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[4];
    unsigned char keep[4];

    /* A frame-table entry pointing past the end: frames before are kept. */
    build_netmon(2, 1, fr, 3);
    le32(file + flen - 4, (uint32_t)flen + 100);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:aaaa 2:1:bbbb");
    CHECK(strstr(msg, "frame 3") != NULL);
    CHECK(strstr(msg, path) != NULL);

    /* A captured length past the end of the file. */
    build_netmon(2, 1, fr, 3);
    le32(file + 128 + 12, 100000); /* frame 3 is physically first */
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:aaaa 2:1:bbbb");
    CHECK(strstr(msg, "frame 3") != NULL);

    /* A frame table that does not fit. */
    build_netmon(2, 1, fr, 3);
    le32(file + 28, 1 << 20);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK(strstr(msg, "frame table") != NULL);

    /* Bad version, short header. */
    build_netmon(2, 1, fr, 3);
    file[5] = 9;
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK(strstr(msg, "version") != NULL);
    memcpy(keep, "GMBU", 4);
    memcpy(file, keep, 4);
    save(20);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK(strstr(msg, "header") != NULL);
}

/* A nanosecond pcap with two frames; cut says where the file ends. */
static void
build_pcap(size_t cut)
{
    unsigned char *p = file;

    memset(file, 0, sizeof file);
    le32(p, 0xA1B23C4D);
    le16(p + 4, 2);
    le16(p + 6, 4);
    le32(p + 16, 65535);
    le32(p + 20, 1);
    p += 24;
    le32(p, 1124828747);
    le32(p + 4, 123456789);
    le32(p + 8, 5);
    le32(p + 12, 60);
    memcpy(p + 16, "hello", 5);
    p += 21;
    le32(p, 1124828748);
    le32(p + 4, 1);
    le32(p + 8, 5);
    le32(p + 12, 5);
    memcpy(p + 16, "world", 5);
    p += 21;
    flen = (size_t)(p - file);
    if (cut > 0)
        flen = cut;
}

static void
test_pcap(void)
{
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[4];

    build_pcap(0);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:hello 2:1:world");
    CHECK_STR(msg, "");
    CHECK(ts[0] == 1124828747LL * 1000000000LL + 123456789);
    build_pcap(24 + 21 + 18);
    save(flen);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK_STR(out, "1:1:hello");
    CHECK(strstr(msg, "frame 2") != NULL);
    CHECK(cap_read_probe(file, 4) == CAP_FMT_PCAP);
    CHECK(cap_read_probe((const unsigned char *)"\x0a\x0d\x0d\x0a", 4) ==
          CAP_FMT_PCAPNG);
    CHECK(cap_read_probe((const unsigned char *)"RTSS", 4) == CAP_FMT_NETMON);
    CHECK(cap_read_probe((const unsigned char *)"<?xm", 4) == CAP_FMT_NONE);
    CHECK(cap_read_probe(file, 3) == CAP_FMT_NONE);
    memcpy(file, "junkjunk", 8);
    save(8);
    read_all(out, sizeof out, ts, 4, msg);
    CHECK(strstr(msg, "not a pcap") != NULL);
}

/* pcapng builder: blocks appended to file[] in the section's order. */
static int ng_be;

static void
ng16(unsigned char *p, unsigned v)
{
    if (ng_be) {
        p[0] = (unsigned char)(v >> 8);
        p[1] = (unsigned char)v;
    } else {
        le16(p, v);
    }
}

static void
ng32(unsigned char *p, uint32_t v)
{
    if (ng_be) {
        ng16(p, v >> 16);
        ng16(p + 2, v & 0xFFFF);
    } else {
        le32(p, v);
    }
}

static void
ng64(unsigned char *p, uint64_t v)
{
    if (ng_be) {
        ng32(p, (uint32_t)(v >> 32));
        ng32(p + 4, (uint32_t)v);
    } else {
        le64(p, v);
    }
}

/* Append a block with body b (n bytes, padded); returns its offset. */
static size_t
ng_block(uint32_t type, const unsigned char *b, size_t n)
{
    size_t at = flen, pad = (4 - n % 4) % 4, len = 12 + n + pad;

    ng32(file + at, type);
    ng32(file + at + 4, (uint32_t)len);
    memcpy(file + at + 8, b, n);
    memset(file + at + 8 + n, 0, pad);
    ng32(file + at + 8 + n + pad, (uint32_t)len);
    flen += len;
    return at;
}

/* A section header block of byte order big (version major.minor). */
static size_t
ng_shb(int big, unsigned major, unsigned minor)
{
    unsigned char b[16];

    ng_be = big;
    ng32(b, 0x1A2B3C4D);
    ng16(b + 4, major);
    ng16(b + 6, minor);
    ng64(b + 8, UINT64_MAX);
    return ng_block(0x0A0D0D0A, b, sizeof b);
}

/* An interface; tsresol < 0 and fcslen < 0 leave their options out. */
static void
ng_idb_fcs(unsigned linktype, uint32_t snaplen, int tsresol, int64_t tsoffset,
           int fcslen)
{
    unsigned char b[64];
    size_t n = 8;

    memset(b, 0, sizeof b);
    ng16(b, linktype);
    ng32(b + 4, snaplen);
    if (tsresol >= 0) {
        ng16(b + n, 9);
        ng16(b + n + 2, 1);
        b[n + 4] = (unsigned char)tsresol;
        n += 8;
    }
    if (tsoffset != 0) {
        ng16(b + n, 14);
        ng16(b + n + 2, 8);
        ng64(b + n + 4, (uint64_t)tsoffset);
        n += 12;
    }
    if (fcslen >= 0) {
        ng16(b + n, 13);
        ng16(b + n + 2, 1);
        b[n + 4] = (unsigned char)fcslen;
        n += 8;
    }
    ng_block(1, b, n + 4); /* opt_endofopt */
}

/* An interface without if_fcslen. */
static void
ng_idb(unsigned linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    ng_idb_fcs(linktype, snaplen, tsresol, tsoffset, -1);
}

/*
 * An enhanced (type 6) or obsolete (type 2) packet block of n bytes of
 * data, with an epb_flags option of optlen bytes (flags, or its first
 * bytes) unless optlen is 0.
 */
static size_t
ng_pkt_bin(uint32_t type, unsigned ifid, uint64_t ts, const void *data,
           size_t n, uint32_t origlen, unsigned optlen, uint32_t flags)
{
    unsigned char b[256], v[4];
    size_t m = 20 + ((n + 3) & ~(size_t)3);

    memset(b, 0, sizeof b);
    if (type == 2) {
        ng16(b, ifid);
        ng16(b + 2, 0);
    } else {
        ng32(b, ifid);
    }
    ng32(b + 4, (uint32_t)(ts >> 32));
    ng32(b + 8, (uint32_t)ts);
    ng32(b + 12, (uint32_t)n);
    ng32(b + 16, origlen);
    memcpy(b + 20, data, n);
    if (optlen == 0)
        return ng_block(type, b, 20 + n);
    ng32(v, flags);
    ng16(b + m, 2);
    ng16(b + m + 2, optlen);
    memcpy(b + m + 4, v, optlen);
    m += 4 + ((optlen + 3) & ~3u);
    return ng_block(type, b, m + 4); /* opt_endofopt */
}

/* An enhanced (type 6) or obsolete (type 2) packet block of a string. */
static size_t
ng_pkt(uint32_t type, unsigned ifid, uint64_t ts, const char *data,
       uint32_t origlen)
{
    return ng_pkt_bin(type, ifid, ts, data, strlen(data), origlen, 0, 0);
}

/* A simple packet block. */
static void
ng_spb(const char *data, uint32_t origlen)
{
    unsigned char b[256];
    size_t n = strlen(data);

    ng32(b, origlen);
    memcpy(b + 4, data, n);
    ng_block(3, b, 4 + n);
}

/* The file of test_pcapng: two sections, every kind of block. */
static void
build_pcapng(void)
{
    static const unsigned char other[8] = "opaque!";

    flen = 0;
    memset(file, 0, sizeof file);
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);              /* 0: Ethernet, us */
    ng_idb(101, 65535, 9, 0);         /* 1: raw IP, ns */
    ng_idb(113, 4, 0x80 | 10, -3600); /* 2: SLL, 2^-10 s, -1 h */
    ng_pkt(6, 0, 1124828747123456ULL, "eth", 60);
    ng_pkt(6, 1, 1124828747123456789ULL, "raw", 3);
    ng_block(4, other, 8); /* name resolution: skipped */
    ng_pkt(6, 2, (1124832347ULL << 10) | 512, "sll", 3);
    ng_spb("hello", 5);             /* interface 0: no time */
    ng_block(0x00000BAD, other, 8); /* custom: numbered, skipped */
    ng_pkt(2, 1, 1124828748000000001ULL, "pb", 2);
    ng_block(0x80000001, other, 8); /* local use: skipped */
    ng_shb(1, 1, 2);                /* big-endian; minor 2 as 0 */
    ng_idb(276, 3, 3, 0);           /* 0 again: SLL2, ms, snaplen 3 */
    ng_pkt(6, 0, 1124828749500ULL, "be", 2);
    ng_spb("snap", 4); /* cut to the snaplen: "sna" */
}

static void
test_pcapng(void)
{
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[8];
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    const int64_t s0 = 1124828747LL * 1000000000LL;

    build_pcapng();
    save(flen);
    read_all(out, sizeof out, ts, 8, msg);
    CHECK_STR(out, "1:1:eth 2:101:raw 3:113:sll 4:1:hello 6:101:pb 7:276:be "
                   "8:276:sna");
    CHECK_STR(msg, "");
    CHECK(ts[0] == s0 + 123456000);
    CHECK(ts[1] == s0 + 123456789);
    CHECK(ts[2] == s0 + 500000000); /* 512/1024 s, offset undone */
    CHECK(ts[3] == CAP_TS_NONE);
    CHECK(ts[4] == s0 + 1000000001);
    CHECK(ts[5] == s0 + 2500000000LL);
    CHECK(ts[6] == CAP_TS_NONE);
    CHECK(cap_read_open(path, &r, &err) == RN_OK);
    CHECK_STR(cap_read_name(r), "pcapng");
    CHECK(cap_read_format(r) == CAP_FMT_PCAPNG);
    cap_read_close(r);
}

/* Check that reading the file gives frames want and an error with what. */
static void
pcapng_damaged(const char *want, const char *what)
{
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[8];

    save(flen);
    read_all(out, sizeof out, ts, 8, msg);
    CHECK_STR(out, want);
    if (strstr(msg, what) == NULL || strstr(msg, path) == NULL)
        fprintf(stderr, "  message: %s (want %s)\n", msg, what);
    CHECK(strstr(msg, what) != NULL);
    CHECK(strstr(msg, path) != NULL);
}

static void
test_pcapng_damaged(void)
{
    size_t at;
    char want[64];

    /* A trailing length that does not repeat the leading one. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    ng_pkt(6, 0, 1, "aa", 2);
    at = ng_pkt(6, 0, 2, "bb", 2);
    ng32(file + flen - 4, 99);
    snprintf(want, sizeof want, "block at offset %zu", at);
    pcapng_damaged("1:1:aa", want);
    pcapng_damaged("1:1:aa", "trailing length 99 does not match 36");

    /* Cut inside a block, and a tail too short for any block. */
    flen = 0;
    ng_shb(1, 1, 0);
    ng_idb(1, 0, -1, 0);
    ng_pkt(6, 0, 1, "aa", 2);
    at = ng_pkt(6, 0, 2, "bb", 2);
    flen -= 10;
    snprintf(want, sizeof want, "block at offset %zu", at);
    pcapng_damaged("1:1:aa", want);
    pcapng_damaged("1:1:aa", "runs past the end of the file");
    flen = at + 6;
    pcapng_damaged("1:1:aa", "truncated (6 bytes left");

    /* An interface never described; a captured length past the block. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    ng_pkt(6, 0, 1, "aa", 2);
    ng_pkt(6, 3, 2, "bb", 2);
    pcapng_damaged("1:1:aa", "interface 3 not described (the section has 1)");
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    at = ng_pkt(6, 0, 2, "bb", 2);
    ng32(file + at + 8 + 12, 200);
    pcapng_damaged("", "captured length 200 past the end of the block");

    /* Interface IDs start again in a new section. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    ng_idb(1, 0, -1, 0);
    ng_pkt(6, 1, 1, "aa", 2);
    ng_shb(0, 1, 0);
    ng_idb(101, 0, -1, 0);
    ng_pkt(6, 1, 2, "bb", 2);
    pcapng_damaged("1:1:aa", "interface 1 not described");

    /* Lengths that are not lengths. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    at = ng_pkt(6, 0, 1, "aa", 2);
    ng32(file + at + 4, 30);
    pcapng_damaged("", "bad length 30");
    ng32(file + at + 4, 8);
    pcapng_damaged("", "bad length 8");
    ng32(file + at + 4, 0x7FFFFFFC);
    pcapng_damaged("", "runs past the end of the file");
    ng32(file + at + 4, 16); /* too short for an enhanced packet block */
    ng32(file + at + 12, 16);
    pcapng_damaged("", "too short");

    /* Section headers: byte-order magic, version, size. */
    flen = 0;
    ng_shb(0, 1, 0);
    file[8] = 0x11;
    pcapng_damaged("", "bad byte-order magic 113c2b1a");
    flen = 0;
    ng_shb(1, 2, 0);
    pcapng_damaged("", "unsupported pcapng version 2.0");
    flen = 0;
    ng_shb(0, 1, 0);
    ng32(file + 4, 12);
    pcapng_damaged("", "too short");
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, -1, 0);
    ng_pkt(6, 0, 1, "aa", 2);
    at = ng_shb(0, 1, 0);
    file[at + 8] = 0;
    snprintf(want, sizeof want, "block at offset %zu: bad byte", at);
    pcapng_damaged("1:1:aa", want);
}

static void
test_pcapng_times(void)
{
    char out[512], msg[RN_ERR_MSG_MAX];
    int64_t ts[8];

    /* Resolutions out of range and offsets that overflow give no time. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb(1, 0, 20, 0);            /* 10^-20 s */
    ng_idb(1, 0, 0x80 | 64, 0);     /* 2^-64 s */
    ng_idb(1, 0, 0, INT64_MAX / 2); /* offset too far */
    ng_idb(1, 0, 19, 0);            /* 10^-19 s: fine */
    ng_idb(1, 0, 0x80 | 63, 0);     /* 2^-63 s: fine */
    ng_idb(1, 0, 0, -1124828747LL); /* s, back to 1970 */
    ng_pkt(6, 0, 5, "a", 1);
    ng_pkt(6, 1, 5, "b", 1);
    ng_pkt(6, 2, 5, "c", 1);
    ng_pkt(6, 3, 10000000000000000000ULL, "d", 1);
    ng_pkt(6, 4, UINT64_C(3) << 62, "e", 1);
    ng_pkt(6, 5, 1124828747ULL + 2, "f", 1);
    ng_pkt(6, 0, UINT64_MAX, "g", 1);
    save(flen);
    read_all(out, sizeof out, ts, 8, msg);
    CHECK_STR(out, "1:1:a 2:1:b 3:1:c 4:1:d 5:1:e 6:1:f 7:1:g");
    CHECK_STR(msg, "");
    CHECK(ts[0] == CAP_TS_NONE);
    CHECK(ts[1] == CAP_TS_NONE);
    CHECK(ts[2] == CAP_TS_NONE);
    CHECK(ts[3] == 1000000000LL);
    CHECK(ts[4] == 1500000000LL);
    CHECK(ts[5] == 2000000000LL);
    CHECK(ts[6] == CAP_TS_NONE);
}

/* Read all frames: "caplen/origlen/fcs" joined by spaces. */
static void
read_lens(char *out, size_t outlen, char *errmsg)
{
    read_frames(out, outlen, NULL, 0, errmsg, 1);
}

static void
test_pcapng_fcs(void)
{
    static const char d20[] = "0123456789abcdefFCS!";
    char out[512], msg[RN_ERR_MSG_MAX];

    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb_fcs(1, 0, -1, 0, 32);   /* 0: 32 bits, the specification's unit */
    ng_idb_fcs(1, 0, -1, 0, 2);    /* 1: under 8: octets */
    ng_idb_fcs(1, 0, -1, 0, 16);   /* 2: 2 octets */
    ng_idb(1, 0, -1, 0);           /* 3: nothing said */
    ng_idb_fcs(101, 0, -1, 0, 32); /* 4: raw IP: not Ethernet */
    ng_idb_fcs(1, 0, -1, 0, 0);    /* 5: no FCS */
    ng_pkt_bin(6, 0, 1, d20, 20, 20, 0, 0);       /* whole: 16/16 */
    ng_pkt_bin(6, 0, 1, d20, 10, 20, 0, 0);       /* cut before the FCS */
    ng_pkt_bin(6, 0, 1, d20, 18, 20, 0, 0);       /* cut inside the FCS */
    ng_pkt_bin(6, 0, 1, d20, 3, 3, 0, 0);         /* shorter than an FCS */
    ng_pkt_bin(6, 0, 1, d20, 20, 20, 4, 2u << 5); /* epb_flags: 2 */
    ng_pkt_bin(6, 0, 1, d20, 20, 20, 4, 3);       /* flags, no FCS length */
    ng_pkt_bin(6, 1, 1, d20, 20, 20, 0, 0);
    ng_pkt_bin(6, 2, 1, d20, 20, 20, 0, 0);
    ng_pkt_bin(6, 3, 1, d20, 20, 20, 0, 0);
    ng_pkt_bin(6, 3, 1, d20, 20, 20, 4, 4u << 5);
    ng_pkt_bin(6, 3, 1, d20, 20, 20, 2, 4u << 5); /* option too short */
    ng_pkt_bin(2, 3, 1, d20, 20, 20, 4, 1u << 5); /* PB, pack_flags: 1 */
    ng_pkt_bin(6, 4, 1, d20, 20, 20, 0, 0);
    ng_pkt_bin(6, 5, 1, d20, 20, 20, 0, 0);
    ng_spb(d20, 20); /* interface 0 */
    /* Big-endian: the flags are read in the section's order. */
    ng_shb(1, 1, 0);
    ng_idb_fcs(1, 0, -1, 0, 32);
    ng_pkt_bin(6, 0, 1, d20, 20, 20, 0, 0);
    ng_pkt_bin(6, 0, 1, d20, 20, 20, 4, 1u << 5);
    save(flen);
    read_lens(out, sizeof out, msg);
    CHECK_STR(out, "16/16/4 10/16/4 16/16/4 3/3/0 18/18/2 16/16/4 18/18/2 "
                   "18/18/2 20/20/0 16/16/4 20/20/0 19/19/1 20/20/0 20/20/0 "
                   "16/16/4 16/16/4 19/19/1");
    CHECK_STR(msg, "");

    /* Repeated if_fcslen: the first counts, as in Wireshark. */
    {
        unsigned char b[32];

        flen = 0;
        ng_shb(0, 1, 0);
        memset(b, 0, sizeof b);
        ng16(b, 1);
        ng16(b + 8, 13);
        ng16(b + 10, 1);
        b[12] = 32;
        ng16(b + 16, 13);
        ng16(b + 18, 1);
        b[20] = 0;
        ng_block(1, b, 28);
        ng_pkt_bin(6, 0, 1, d20, 20, 20, 0, 0);
        save(flen);
        read_lens(out, sizeof out, msg);
        CHECK_STR(out, "16/16/4");
    }
}

/* A microsecond pcap of one 20-byte frame, link-type field lt. */
static void
build_pcap_link(uint32_t lt, const void *data, uint32_t caplen,
                uint32_t origlen)
{
    memset(file, 0, sizeof file);
    le32(file, 0xA1B2C3D4);
    le16(file + 4, 2);
    le16(file + 6, 4);
    le32(file + 16, 65535);
    le32(file + 20, lt);
    le32(file + 24, 1124828747);
    le32(file + 32, caplen);
    le32(file + 36, origlen);
    memcpy(file + 40, data, caplen);
    flen = 40 + caplen;
}

static void
test_pcap_fcs(void)
{
    static const char d20[] = "0123456789abcdefFCS!";
    static const struct {
        uint32_t lt, caplen;
        const char *want;
    } cases[] = {
        {0x24000001u, 20, "16/16/4"}, /* P bit, 2 x 16 bits */
        {0x14000001u, 20, "18/18/2"}, /* 1 x 16 bits */
        {0x04000001u, 20, "20/20/0"}, /* P bit, length 0: none */
        {0x20000001u, 20, "20/20/0"}, /* a length without the P bit */
        {0x24000001u, 12, "12/16/4"}, /* cut by the snaplen */
        {0x24000065u, 20, "20/20/0"}, /* raw IP (101): not Ethernet */
    };
    char out[64], msg[RN_ERR_MSG_MAX];
    size_t i;

    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        build_pcap_link(cases[i].lt, d20, cases[i].caplen, 20);
        save(flen);
        read_lens(out, sizeof out, msg);
        CHECK_STR(out, cases[i].want);
        CHECK_STR(msg, "");
    }
    /* A header libpcap refuses: the stream handed to it is closed. */
    build_pcap_link(1, d20, 20, 20);
    save(16);
    read_lens(out, sizeof out, msg);
    CHECK_STR(out, "");
    CHECK(strstr(msg, path) != NULL);
}

/*
 * An Ethernet frame of IPv4 or IPv6 with its length field 0 (segmentation
 * offload) and a 5-byte TCP payload, then a 4-byte FCS; returns its length.
 */
static size_t
offload_frame(unsigned char *p, int v6)
{
    size_t ih = v6 ? 40 : 20, n = 14 + ih + 20 + 5;

    memset(p, 0, n + 4);
    p[12] = v6 ? 0x86 : 0x08;
    p[13] = v6 ? 0xDD : 0x00;
    if (v6) {
        p[14] = 0x60;
        p[14 + 6] = 6; /* next header TCP; payload length 0 */
    } else {
        p[14] = 0x45;
        p[14 + 9] = 6; /* total length 0 */
    }
    p[14 + ih + 12] = 5 << 4;
    memcpy(p + 14 + ih + 20, "hello", 5);
    memcpy(p + n, "\xde\xad\xbe\xef", 4);
    return n + 4;
}

static void
test_fcs_offload(void)
{
    unsigned char fr[128];
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    struct pkt_tcp seg;
    int got = 0, v6, k = 0;

    /* The decoder takes the wire length: without the FCS, 5 bytes. */
    flen = 0;
    ng_shb(0, 1, 0);
    ng_idb_fcs(1, 0, -1, 0, 32);
    for (v6 = 0; v6 <= 1; v6++) {
        size_t n = offload_frame(fr, v6);

        ng_pkt_bin(6, 0, 1, fr, n, (uint32_t)n, 0, 0);
    }
    save(flen);
    CHECK(cap_read_open(path, &r, &err) == RN_OK);
    while (r != NULL && cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        CHECK(pkt_decode(f.link, f.data, f.caplen, f.origlen, &seg) == PKT_TCP);
        CHECK(seg.ipver == (k == 0 ? 4 : 6));
        CHECK(seg.seg_len == 5 && seg.cap_len == 5);
        CHECK(memcmp(seg.payload, "hello", 5) == 0);
        k++;
    }
    CHECK(k == 2);
    cap_read_close(r);
}

int
main(void)
{
    test_netmon_versions();
    test_netmon_23();
    test_netmon_damaged();
    test_pcap();
    test_pcapng();
    test_pcapng_damaged();
    test_pcapng_times();
    test_pcapng_fcs();
    test_pcap_fcs();
    test_fcs_offload();
    unlink(path);
    return test_report("test_cap_read");
}
