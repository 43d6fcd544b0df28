/*
 * Unit tests for the .etl reader (importers/etl_xpress.c, etl_read.c,
 * cap_etl.c): the XPRESS decoder on streams built here by hand, every
 * length form and every refusal; and, on the public corpus (skipped when
 * it is absent), PktMon.etl against the pcapng `pktmon etl2pcap` wrote from
 * it (every appearance: bytes, microsecond times, lengths; then one
 * appearance a packet), the two uncompressed traces (the walk ends at
 * FilledBytes, extended items skipped), and damaged copies (frames before
 * the damage kept, the position named); and the reader whose sorts spill
 * to a file after 4 packets against the one that sorts in memory.
 *
 *   test_cap_etl [CORPUS_DIR]   (default $REQNAV_CORPUS, then argv[1])
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_etl.h"
#include "cap_read.h"
#include "etl_read.h"
#include "etl_xpress.h"
#include "test.h"

/* ---- XPRESS ---------------------------------------------------------- */

/* Decode n bytes of in; the output length or -1. */
static long
xp(const unsigned char *in, size_t n, unsigned char *out, size_t cap,
   const char **why)
{
    size_t got = 0, at = 0;

    *why = "";
    if (etl_xpress_decode(in, n, out, cap, &got, why, &at) != 0)
        return -1;
    return (long)got;
}

static void
test_xpress(void)
{
    unsigned char out[4096];
    const char *why;
    /* Flags 0x40000000... read MSB first: literal 'a', then a match
     * (distance 1, code 2: length 5), then padding (input ends). */
    static const unsigned char s1[] = {0x00, 0x00, 0x00, 0x40, 'a', 0x02, 0x00};
    /* Literals "ab", then match distance 2 code 7 with half byte 3
     * (length 3 + 7 + 3 = 13), then a second code-7 match, distance 2,
     * using the high half (0xF: byte 10 -> 10 + 22 + 3 = 35). */
    static const unsigned char s2[] = {0x00, 0x00, 0x00, 0x30, 'a',  'b',
                                       0x0F, 0x00, 0xF3, 0x0F, 0x00, 0x0A};
    /* 'x' then a match whose length is a u16 (300 -> 303). */
    static const unsigned char s3[] = {0x00, 0x00, 0x00, 0x40, 'x', 0x07,
                                       0x00, 0x0F, 0xFF, 0x2C, 0x01};
    /* ... and a u32 after a zero u16 (70000 -> 70003: too big for out). */
    static const unsigned char s4[] = {0x00, 0x00, 0x00, 0x40, 'x',
                                       0x07, 0x00, 0x0F, 0xFF, 0x00,
                                       0x00, 0x70, 0x11, 0x01, 0x00};
    /* A match before any output. */
    static const unsigned char s5[] = {0x00, 0x00, 0x00, 0x80, 0x00, 0x00};
    /* Input ending inside a match and inside a flag word. */
    static const unsigned char s6[] = {0x00, 0x00, 0x00, 0x40, 'a', 0x07};
    static const unsigned char s7[] = {0x00, 0x00};
    /* A u16 length below the 22 the earlier stages count. */
    static const unsigned char s8[] = {0x00, 0x00, 0x00, 0x40, 'x', 0x07,
                                       0x00, 0x0F, 0xFF, 0x05, 0x00};
    long n;
    int i, ok;

    CHECK(xp(s1, sizeof s1, out, sizeof out, &why) == 6);
    CHECK(memcmp(out, "aaaaaa", 6) == 0);
    n = xp(s2, sizeof s2, out, sizeof out, &why);
    CHECK(n == 2 + 13 + 35);
    for (i = 0, ok = 1; i < n; i++)
        ok &= out[i] == (i % 2 ? 'b' : 'a');
    CHECK(ok);
    CHECK(xp(s3, sizeof s3, out, sizeof out, &why) == 1 + 303);
    CHECK(xp(s4, sizeof s4, out, sizeof out, &why) == -1);
    CHECK(strstr(why, "longer") != NULL);
    CHECK(xp(s5, sizeof s5, out, sizeof out, &why) == -1);
    CHECK(strstr(why, "before the start") != NULL);
    CHECK(xp(s6, sizeof s6, out, sizeof out, &why) == -1);
    CHECK(strstr(why, "inside a match") != NULL);
    CHECK(xp(s7, sizeof s7, out, sizeof out, &why) == -1);
    CHECK(xp(s8, sizeof s8, out, sizeof out, &why) == -1);
    /* The output limit holds for literals too. */
    CHECK(xp(s1, sizeof s1, out, 3, &why) == -1);
    CHECK(xp(s1, 0, out, sizeof out, &why) == 0);
}

/* ---- corpus ---------------------------------------------------------- */

static char corpus[1024];

static int
corpus_path(char *out, size_t n, const char *name)
{
    struct stat sb;

    snprintf(out, n, "%s/etl/%s", corpus, name);
    return stat(out, &sb) == 0;
}

/* PktMon.etl, every appearance, against PktMon.pcapng frame by frame. */
static void
test_pktmon_all(const char *etl, const char *ng)
{
    struct cap_reader *r = NULL;
    struct cap_etl *e = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame a, b;
    uint64_t idx, n = 0, same = 0;
    int fd = open(etl, O_RDONLY), got = 1, gotb = 1;
    struct stat sb;

    CHECK(fd >= 0 && fstat(fd, &sb) == 0);
    CHECK(cap_etl_open(etl, fd, (uint64_t)sb.st_size, 1, &e, &err) == RN_OK);
    CHECK(cap_read_open(ng, &r, &err) == RN_OK);
    if (e == NULL || r == NULL)
        goto out;
    for (;;) {
        CHECK(cap_etl_next(e, &a, &got, &idx, &err) == RN_OK);
        CHECK(cap_read_next(r, &b, &gotb, &err) == RN_OK);
        CHECK(got == gotb);
        if (!got || !gotb)
            break;
        n++;
        /* pcapng keeps microseconds: compare at that resolution. */
        if (a.number == b.number && idx == n - 1 && a.caplen == b.caplen &&
            a.origlen == b.origlen && a.link == b.link &&
            a.ts_ns / 1000 == b.ts_ns / 1000 &&
            memcmp(a.data, b.data, a.caplen) == 0)
            same++;
    }
    CHECK(n == 114);
    CHECK(same == n);
    CHECK(cap_etl_info(e)->packet_events == 114);
    CHECK(cap_etl_info(e)->truncated == 0);
out:
    cap_etl_close(e);
    cap_read_close(r);
    if (fd >= 0)
        close(fd);
}

/* One appearance a packet: 38 frames, each one of the oracle's. */
static void
test_pktmon_dedup(const char *etl, const char *ng)
{
    struct cap_reader *r = NULL;
    struct cap_etl *e = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame o[128], a;
    unsigned char data[128][128];
    uint64_t idx, prev_idx = 0, n = 0, same = 0, no = 0;
    int64_t prev_ts = INT64_MIN;
    int fd = open(etl, O_RDONLY), got = 1, ordered = 1;
    struct stat sb;

    CHECK(fd >= 0 && fstat(fd, &sb) == 0);
    CHECK(cap_read_open(ng, &r, &err) == RN_OK);
    while (r != NULL && no < 128 &&
           cap_read_next(r, &o[no], &got, &err) == RN_OK && got) {
        CHECK(o[no].caplen <= sizeof data[0]);
        memcpy(data[no], o[no].data, o[no].caplen);
        no++;
    }
    CHECK(no == 114);
    CHECK(cap_etl_open(etl, fd, (uint64_t)sb.st_size, 0, &e, &err) == RN_OK);
    while (e != NULL && cap_etl_next(e, &a, &got, &idx, &err) == RN_OK && got) {
        n++;
        if (a.number != n || a.ts_ns < prev_ts || (n > 1 && idx <= prev_idx))
            ordered = 0;
        prev_ts = a.ts_ns;
        prev_idx = idx;
        if (idx < no && a.caplen == o[idx].caplen &&
            a.origlen == o[idx].origlen &&
            a.ts_ns / 1000 == o[idx].ts_ns / 1000 &&
            memcmp(a.data, data[idx], a.caplen) == 0)
            same++;
    }
    CHECK(n == 38);
    CHECK(same == 38);
    CHECK(ordered);
    if (e != NULL) {
        CHECK(cap_etl_info(e)->packet_events == 114);
        CHECK(cap_etl_info(e)->duplicates == 76);
        CHECK(cap_etl_info(e)->pktmon == 1);
    }
    cap_etl_close(e);
    cap_read_close(r);
    if (fd >= 0)
        close(fd);
}

/* Frames of path read by the default reader and by one whose sorts keep
 * at most 4 records in memory and merge 2 runs at a time (so S-1's 114
 * appearances take dozens of runs and merges of merges): the same frames,
 * bytes, order and end; the number of frames compared. */
static uint64_t
same_spilled(const char *path, int all)
{
    struct spill_sort_limits tiny = {4, 2, 1};
    struct cap_etl *e = NULL, *t = NULL;
    struct rn_err err = {RN_OK, ""}, terr = {RN_OK, ""};
    struct cap_frame a, b;
    uint64_t ia, ib, n = 0, same = 0;
    int fd = open(path, O_RDONLY), got = 1, gotb = 1;
    enum rn_rc rc = RN_OK, rct = RN_OK;
    struct stat sb;

    CHECK(fd >= 0 && fstat(fd, &sb) == 0);
    if (fd < 0)
        return 0;
    CHECK(cap_etl_open(path, fd, (uint64_t)sb.st_size, all, &e, &err) == RN_OK);
    CHECK(cap_etl_open_limits(path, fd, (uint64_t)sb.st_size, all, &tiny, &t,
                              &terr) == RN_OK);
    while (e != NULL && t != NULL && got && gotb) {
        rc = cap_etl_next(e, &a, &got, &ia, &err);
        rct = cap_etl_next(t, &b, &gotb, &ib, &terr);
        if (rc != RN_OK || rct != RN_OK)
            break;
        CHECK(got == gotb);
        if (!got || !gotb)
            break;
        n++;
        if (a.number == b.number && ia == ib && a.ts_ns == b.ts_ns &&
            a.caplen == b.caplen && a.origlen == b.origlen &&
            a.link == b.link && a.raw_link == b.raw_link &&
            memcmp(a.data, b.data, a.caplen) == 0)
            same++;
    }
    CHECK(same == n);
    CHECK(rc == rct);
    CHECK_STR(err.msg, terr.msg);
    if (e != NULL && t != NULL) {
        CHECK(cap_etl_info(e)->packet_events == cap_etl_info(t)->packet_events);
        CHECK(cap_etl_info(e)->duplicates == cap_etl_info(t)->duplicates);
    }
    cap_etl_close(e);
    cap_etl_close(t);
    close(fd);
    return n;
}

/* What a walk of an uncompressed trace saw. */
struct walk_seen {
    int buffers, ends_at_filled, events, with_items, items_12_11;
    int data_in_record;
};

static enum rn_rc
walk_event(void *ctx, const struct etl_event *ev, struct rn_err *err)
{
    struct walk_seen *w = ctx;

    (void)err;
    w->events++;
    if (ev->nitems > 0)
        w->with_items++;
    if (ev->nitems == 2 && ev->item_type[0] == 12 && ev->item_type[1] == 11)
        w->items_12_11++;
    /* User data starts after the items, inside the record. */
    if (ev->data >= ev->provider - 24 + 80 + 8 * ev->nitems)
        w->data_in_record++;
    return RN_OK;
}

static void
walk_buffer(void *ctx, const struct etl_buffer *b)
{
    struct walk_seen *w = ctx;

    w->buffers++;
    if (b->end == b->filled && !(b->flags & ETL_BUF_COMPRESSED))
        w->ends_at_filled++;
}

static enum rn_rc
walk_file(const char *path, struct walk_seen *w, struct rn_err *err)
{
    struct etl_walk_cb cb = {w, NULL, walk_event, walk_buffer};
    struct stat sb;
    int fd = open(path, O_RDONLY);
    enum rn_rc rc;

    memset(w, 0, sizeof *w);
    if (fd < 0 || fstat(fd, &sb) != 0)
        return RN_EIO;
    rc = etl_walk(path, fd, (uint64_t)sb.st_size, &cb, err);
    close(fd);
    return rc;
}

static void
test_uncompressed(void)
{
    char p[1200];
    struct walk_seen w;
    struct rn_err err = {RN_OK, ""};

    /* lxcore: 3 buffers of 8 KiB, 2 events with items (12 then 11). */
    if (corpus_path(p, sizeof p, "airbus-lxcore_kernel.etl")) {
        CHECK(walk_file(p, &w, &err) == RN_OK);
        CHECK(w.buffers == 3);
        CHECK(w.ends_at_filled == 3);
        CHECK(w.with_items == 2);
        CHECK(w.items_12_11 == 2);
        CHECK(w.data_in_record == w.events);
    }
    /* AMSI: 6 buffers of 64 KiB, 19 TraceLogging events, 2 items each. */
    if (corpus_path(p, sizeof p, "airbus-AMSITrace.etl")) {
        CHECK(walk_file(p, &w, &err) == RN_OK);
        CHECK(w.buffers == 6);
        CHECK(w.ends_at_filled == 6);
        CHECK(w.with_items == 19);
        CHECK(w.items_12_11 == 19);
        CHECK(w.data_in_record == w.events);
        printf("AMSITrace: %d events, %d with items\n", w.events, w.with_items);
    }
}

/* Copy src to a temporary file, cut at len and with byte at flipped. */
static void
damaged_copy(const char *src, char *dst, size_t n, long len, long at)
{
    FILE *in = fopen(src, "rb"), *out;
    unsigned char buf[65536];
    size_t k;

    snprintf(dst, n, "/tmp/rn_test_etl_%d.etl", (int)getpid());
    out = fopen(dst, "wb");
    CHECK(in != NULL && out != NULL);
    if (in == NULL || out == NULL)
        goto done;
    k = fread(buf, 1, sizeof buf, in);
    if (len >= 0 && (size_t)len < k)
        k = (size_t)len;
    if (at >= 0 && (size_t)at < k)
        buf[at] ^= 0x55;
    CHECK(fwrite(buf, 1, k, out) == k);
done:
    if (in != NULL)
        fclose(in);
    if (out != NULL)
        fclose(out);
}

/* Frames read before an error, and the error. */
static uint64_t
read_all(const char *path, struct rn_err *err, enum rn_rc *end_rc)
{
    struct cap_reader *r = NULL;
    struct cap_frame f;
    uint64_t n = 0;
    int got = 1;

    *end_rc = cap_read_open(path, &r, err);
    if (*end_rc != RN_OK)
        return 0;
    while ((*end_rc = cap_read_next(r, &f, &got, err)) == RN_OK && got)
        n++;
    cap_read_close(r);
    return n;
}

static void
test_damage(const char *etl)
{
    char p[256];
    struct rn_err err = {RN_OK, ""};
    enum rn_rc rc;
    uint64_t n, whole;

    whole = read_all(etl, &err, &rc);
    CHECK(rc == RN_OK && whole == 38);
    /* Cut inside the last buffer (it starts at 1024 + 11926): the
     * packets, all in the buffer before, are kept, the cut one named. */
    rn_err_clear(&err);
    damaged_copy(etl, p, sizeof p, 1024 + 11926 + 500, -1);
    n = read_all(p, &err, &rc);
    CHECK(rc == RN_EFORMAT && n == whole);
    CHECK(strstr(err.msg, "buffer at offset 12950: size 12621 does not fit "
                          "the 500 bytes left") != NULL);
    /* ... and so when the sorts spill to their temporary file. */
    CHECK(same_spilled(p, 0) == whole);
    /* A flipped byte in the compressed data of the first packet buffer. */
    rn_err_clear(&err);
    damaged_copy(etl, p, sizeof p, -1, 1024 + 72 + 4000);
    n = read_all(p, &err, &rc);
    CHECK(rc == RN_EFORMAT);
    CHECK(strstr(err.msg, "buffer at offset 1024") != NULL);
    printf("damaged: %s (%llu frames kept)\n", err.msg, (unsigned long long)n);
    /* FilledBytes of the header buffer beyond its size. */
    rn_err_clear(&err);
    damaged_copy(etl, p, sizeof p, -1, 0x31);
    n = read_all(p, &err, &rc);
    CHECK(rc == RN_EFORMAT && n == 0);
    unlink(p);
}

int
main(int argc, char **argv)
{
    char etl[1200], ng[1200];
    const char *env = getenv("REQNAV_CORPUS");

    test_xpress();
    snprintf(corpus, sizeof corpus, "%s",
             env != NULL && env[0] != '\0' ? env
             : argc > 1                    ? argv[1]
                                           : "");
    if (corpus_path(etl, sizeof etl, "PktMon.etl") &&
        corpus_path(ng, sizeof ng, "PktMon.pcapng")) {
        test_pktmon_all(etl, ng);
        test_pktmon_dedup(etl, ng);
        CHECK(same_spilled(etl, 1) == 114);
        CHECK(same_spilled(etl, 0) == 38);
        test_damage(etl);
    } else {
        printf("skip: no corpus at %s\n", corpus);
    }
    test_uncompressed();
    return test_report("test_cap_etl");
}
