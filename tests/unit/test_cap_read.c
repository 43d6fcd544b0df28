/*
 * Unit tests for importers/cap_read.c: Network Monitor 1.x/2.x files built
 * here byte by byte (frame table out of physical order, metadata frames,
 * per-frame trailers, FILETIME), damaged files, and pcap through libpcap.
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

/* Read all frames: "number:link:data" joined by spaces. */
static void
read_all(char *out, size_t outlen, int64_t *ts, int maxts, char *errmsg)
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
        int w = snprintf(out + len, outlen - len, "%s%llu:%d:%.*s",
                         len > 0 ? " " : "", (unsigned long long)f.number,
                         f.link, (int)f.caplen, (const char *)f.data);

        if (w > 0 && (size_t)w < outlen - len)
            len += (size_t)w;
        if (i < maxts)
            ts[i++] = f.ts_ns;
    }
    snprintf(errmsg, RN_ERR_MSG_MAX, "%s", err.msg);
    cap_read_close(r);
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

int
main(void)
{
    test_netmon_versions();
    test_netmon_23();
    test_netmon_damaged();
    test_pcap();
    unlink(path);
    return test_report("test_cap_read");
}
