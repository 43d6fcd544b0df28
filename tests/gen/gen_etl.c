/*
 * .etl generator for the reader tests: the frames of a classic pcap
 * (Ethernet or raw IP) written as the ETW packet events Windows logs, in
 * uncompressed buffers of per-processor order (so the file is not in time
 * order), after a logfile header whose clock turns the raw times back
 * into the pcap's times exactly.
 *
 *   gen_etl [OPTIONS] IN.pcap OUT.etl
 *
 *   --pktmon       Microsoft-Windows-PktMon 160 events, each packet twice:
 *                  at a filter (DirTag In) and at a NIC miniport (Rx),
 *                  with the component rundown (event 20) first; without
 *                  it, Microsoft-Windows-NDIS-PacketCapture 1001 events
 *   --pkt-size N   PktMon: log at most N bytes a packet (0: whole)
 *   --raw          raw IP: Ethernet headers taken off, PacketType 3 or
 *                  the WirelessWAN keyword
 *   --frag N       NDIS: split packets into fragments of at most N bytes,
 *                  PacketStart on the first event and PacketEnd on the last
 *                  (NDIS logs no length on the wire: a frame the pcap's
 *                  snapshot length cut gets the PacketTruncated keyword)
 *   --gft          NDIS: the trailing GftFlowEntryId and
 *                  GftOffloadInformation fields after the fragment
 *   --vmswitch     NDIS: 1003 (Hyper-V switch) events instead of 1001
 *   --hdr32        32-bit headers: SYSTEM32 logfile header, EVENT_HEADER32
 *   --ext          two extended data items on every packet event
 *   --cpus N       spread events over N processors' buffers (default 3)
 *   --buffer N     buffer size in bytes (default 16384)
 *   --clock C      qpc (10 MHz, the default), system or cycles (3000 MHz)
 *
 * Every record of a test generator is written here byte by byte, as
 * ETL.md describes the layout; nothing is copied from a Windows header.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILETIME_UNIX_EPOCH 116444736000000000LL
#define BUF_HDR             72
#define MAX_CPUS            16
#define MAX_FRAME           262144

/* Provider GUIDs as stored. */
static const unsigned char guid_pktmon[16] = {
    0xd9, 0x80, 0x4f, 0x4d, 0xbd, 0xc8, 0x73, 0x4d,
    0xbb, 0x5b, 0x19, 0xc9, 0x04, 0x02, 0xc5, 0xac};
static const unsigned char guid_ndis[16] = {0x6e, 0x00, 0xd6, 0x2e, 0x29, 0x47,
                                            0x09, 0x46, 0xb4, 0x23, 0x3e, 0xe7,
                                            0xbc, 0xd6, 0x78, 0xef};

struct opts {
    int pktmon, raw, gft, vmswitch, hdr32, ext, cpus, clock;
    unsigned pkt_size, frag, buffer;
};

/* One processor's buffer being filled. */
struct cpubuf {
    unsigned char *b;
    unsigned len; /* bytes used, header included */
};

static struct opts o = {0, 0, 0, 0, 0, 0, 3, 1, 0, 0, 16384};
static struct cpubuf cpu[MAX_CPUS];
static FILE *out;
static int64_t start_ft, t0;
static uint64_t seqno;

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

/* The raw event time of FILETIME ft, in the clock chosen. */
static int64_t
raw_time(int64_t ft)
{
    if (o.clock == 2)
        return ft;
    if (o.clock == 3)
        return t0 + (ft - start_ft) * 300; /* 3000 MHz: 300 a 100 ns */
    return t0 + (ft - start_ft);           /* 10 MHz QPC: one a 100 ns */
}

/* Write buffer c (filled to its len) padded with 0xFF, and empty it. */
static void
flush_cpu(int c, unsigned type)
{
    struct cpubuf *b = &cpu[c];

    if (b->len <= BUF_HDR)
        return;
    memset(b->b + b->len, 0xFF, o.buffer - b->len);
    le32(b->b, o.buffer);
    le32(b->b + 4, b->len);
    le32(b->b + 8, b->len);
    le64(b->b + 0x10, (uint64_t)start_ft);
    le64(b->b + 0x18, ++seqno);
    le16(b->b + 0x28, (unsigned)c);
    le32(b->b + 0x30, b->len);
    le16(b->b + 0x34, 0x1);
    le16(b->b + 0x36, type);
    if (fwrite(b->b, 1, o.buffer, out) != o.buffer) {
        perror("gen_etl: write");
        exit(1);
    }
    memset(b->b, 0, o.buffer);
    b->len = BUF_HDR;
}

/* Room for a record of n bytes in c's buffer (flushing it if full). */
static unsigned char *
room(int c, unsigned n)
{
    unsigned al = (n + 7) & ~7u;
    unsigned char *p;

    if (al > o.buffer - BUF_HDR) {
        fprintf(stderr, "gen_etl: a %u-byte event does not fit a buffer\n", n);
        exit(1);
    }
    if (cpu[c].len + al > o.buffer)
        flush_cpu(c, 0);
    p = cpu[c].b + cpu[c].len;
    cpu[c].len += al;
    return p;
}

/* An EVENT_HEADER record of user data d (n bytes) on processor c. */
static void
event(int c, const unsigned char *guid, unsigned id, uint64_t kw, int64_t ts,
      const unsigned char *d, unsigned n)
{
    unsigned items = o.ext ? 24 + 16 : 0, size = 80 + items + n;
    unsigned char *p;

    if (size > 65535) {
        fprintf(stderr, "gen_etl: event of %u bytes\n", size);
        exit(1);
    }
    p = room(c, size);
    le16(p, size);
    p[2] = o.hdr32 ? 0x12 : 0x13;
    p[3] = 0xC0;
    le16(p + 4, o.ext ? 0x1 : 0);
    le32(p + 8, 1000u + (unsigned)c); /* one thread a processor */
    le32(p + 12, 4);
    le64(p + 16, (uint64_t)ts);
    memcpy(p + 24, guid, 16);
    le16(p + 40, id);
    p[44] = 4;
    le64(p + 48, kw);
    if (o.ext) {
        /* Provider traits (12) linked to a SID item (2). */
        le16(p + 80, 24);
        le16(p + 82, 12);
        le16(p + 84, 1);
        le16(p + 86, 12);
        memcpy(p + 88, "\x0c\x00traits\0\0\0\0", 12);
        le16(p + 104, 16);
        le16(p + 106, 2);
        le16(p + 108, 0);
        le16(p + 110, 8);
        memcpy(p + 112, "\x01\x01\0\0\0\0\0\x05", 8);
    }
    if (n > 0)
        memcpy(p + 80 + items, d, n);
}

/* UTF-16LE copy of s with its NUL at p; bytes written. */
static unsigned
utf16z(unsigned char *p, const char *s)
{
    unsigned i, n = (unsigned)strlen(s);

    for (i = 0; i <= n; i++)
        le16(p + 2 * i, (unsigned char)s[i]);
    return 2 * (n + 1);
}

/* The header buffer: the logfile header record, then PktMon's rundown. */
static void
header_buffer(void)
{
    unsigned sys = 32, lh = o.hdr32 ? 0x110 : 0x118;
    unsigned shift = o.hdr32 ? 0 : 8, size;
    unsigned char name[64], *p, *l;
    unsigned nlen = utf16z(name, "reqnav-gen");

    size = sys + lh + nlen;
    p = room(0, size);
    le16(p, 2);
    p[2] = o.hdr32 ? 0x01 : 0x02;
    p[3] = 0xC0;
    le16(p + 4, size);
    le16(p + 6, 0); /* hook 0: the logfile header */
    le64(p + 16, (uint64_t)(o.clock == 2 ? start_ft : t0));
    l = p + sys;
    le32(l, o.buffer);
    le32(l + 0x04, 0x0002000A);
    le32(l + 0x0C, (uint32_t)o.cpus);
    le32(l + 0x20, 0x00010001);
    le32(l + 0x2C, o.hdr32 ? 4 : 8);
    le32(l + 0x34, 3000);
    le64(l + 0xF8 + shift, 10000000);
    le64(l + 0x100 + shift, (uint64_t)start_ft);
    le32(l + 0x108 + shift, (uint32_t)o.clock);
    memcpy(l + lh, name, nlen);
    if (o.pktmon) {
        static const struct {
            unsigned id, type;
            const char *name;
        } comp[] = {{12, 3, "filter"}, {7, 2, "nic"}};
        int i;

        for (i = 0; i < 2; i++) {
            unsigned char d[128];
            unsigned n = 4;

            le16(d, comp[i].id);
            le16(d + 2, comp[i].type);
            n += utf16z(d + n, comp[i].name);
            n += utf16z(d + n, "generated");
            event(0, guid_pktmon, 20, 0x2, raw_time(start_ft), d, n);
        }
    }
    flush_cpu(0, 4);
}

/* PktMon: the packet at the filter, then at the NIC. */
static void
pktmon_packet(int c, uint64_t group, int64_t ts, const unsigned char *f,
              unsigned caplen, unsigned origlen)
{
    static unsigned char d[34 + MAX_FRAME];
    unsigned logged = caplen, k;

    if (o.pkt_size > 0 && logged > o.pkt_size)
        logged = o.pkt_size;
    for (k = 0; k < 2; k++) {
        memset(d, 0, 34);
        le64(d, group);
        le16(d + 8, 1);
        le16(d + 10, k + 1);
        le16(d + 12, k == 0 ? 1 : 3); /* In at the filter, Rx at the NIC */
        le16(d + 14, o.raw ? 3 : 1);
        le16(d + 16, k == 0 ? 12 : 7);
        le16(d + 18, 1);
        le16(d + 30, origlen > 65535 ? 65535 : origlen);
        le16(d + 32, logged);
        memcpy(d + 34, f, logged);
        /* The filter sees it a microsecond later: the kept time is the
         * NIC's, which is the pcap's. */
        event(c, guid_pktmon, 160, 0x10, raw_time(ts + (k == 0 ? 10 : 0)), d,
              34 + logged);
    }
}

/* NDIS: the packet in fragments of at most o.frag bytes. */
static void
ndis_packet(int c, int64_t ts, const unsigned char *f, unsigned caplen,
            unsigned origlen)
{
    static unsigned char d[256 + MAX_FRAME];
    unsigned off = 0, step = o.frag > 0 ? o.frag : caplen;

    do {
        unsigned n = caplen - off < step ? caplen - off : step, k = 0;
        uint64_t kw = (o.raw ? 0x200ull : 0x1ull) | 0x200000000ull;

        /* A frame the pcap's snapshot length cut: netsh's truncation,
         * which says so but not how long the packet was. */
        if (caplen < origlen)
            kw |= 0x2000000ull;

        if (off == 0)
            kw |= 0x40000000ull;
        if (off + n == caplen)
            kw |= 0x80000000ull;
        le32(d, 7);
        le32(d + 4, 7);
        k = 8;
        if (o.vmswitch) {
            le32(d + 8, 3);
            k = 12;
            k += utf16z(d + k, "port");
            k += utf16z(d + k, "nic");
            k += utf16z(d + k, "");
            le32(d + k, 2);
            memset(d + k + 4, 0xAB, 16);
            k += 4 + 16;
        }
        le32(d + k, n);
        memcpy(d + k + 4, f + off, n);
        k += 4 + n;
        if (o.gft) {
            le64(d + k, 0x1122334455667788ull);
            le64(d + k + 8, 0);
            k += 16;
        }
        if (o.vmswitch) {
            le32(d + k, 8);
            memset(d + k + 4, 0, 8);
            k += 12;
        }
        event(c, guid_ndis, o.vmswitch ? 1003 : 1001, kw, raw_time(ts), d, k);
        off += n;
    } while (off < caplen);
}

static uint32_t
rd32(const unsigned char *p, int swap)
{
    return swap ? (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 |
                      (uint32_t)p[0] << 24
                : (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                      (uint32_t)p[3] << 24;
}

static void
usage(void)
{
    fprintf(stderr, "usage: gen_etl [--pktmon] [--pkt-size N] [--raw] "
                    "[--frag N] [--gft] [--vmswitch] [--hdr32] [--ext] "
                    "[--cpus N] [--buffer N] [--clock qpc|system|cycles] "
                    "IN.pcap OUT.etl\n");
    exit(2);
}

/* Options into o; the index of the first file argument. */
static int
parse_opts(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--pktmon") == 0)
            o.pktmon = 1;
        else if (strcmp(a, "--raw") == 0)
            o.raw = 1;
        else if (strcmp(a, "--gft") == 0)
            o.gft = 1;
        else if (strcmp(a, "--vmswitch") == 0)
            o.vmswitch = 1;
        else if (strcmp(a, "--hdr32") == 0)
            o.hdr32 = 1;
        else if (strcmp(a, "--ext") == 0)
            o.ext = 1;
        else if (v != NULL && strcmp(a, "--pkt-size") == 0 && ++i)
            o.pkt_size = (unsigned)strtoul(v, NULL, 10);
        else if (v != NULL && strcmp(a, "--frag") == 0 && ++i)
            o.frag = (unsigned)strtoul(v, NULL, 10);
        else if (v != NULL && strcmp(a, "--cpus") == 0 && ++i)
            o.cpus = (int)strtol(v, NULL, 10);
        else if (v != NULL && strcmp(a, "--buffer") == 0 && ++i)
            o.buffer = (unsigned)strtoul(v, NULL, 10);
        else if (v != NULL && strcmp(a, "--clock") == 0 && ++i)
            o.clock = strcmp(v, "system") == 0   ? 2
                      : strcmp(v, "cycles") == 0 ? 3
                                                 : 1;
        else
            usage();
    }
    if (argc - i != 2 || o.cpus < 1 || o.cpus > MAX_CPUS || o.buffer < 4096 ||
        o.buffer > 16u * 1024 * 1024 || o.buffer % 8)
        usage();
    return i;
}

int
main(int argc, char **argv)
{
    static unsigned char frame[MAX_FRAME];
    unsigned char gh[24], rh[16];
    FILE *in;
    int i, swap, nano, first = 1;
    uint32_t link;
    uint64_t n = 0;

    i = parse_opts(argc, argv);
    in = fopen(argv[i], "rb");
    out = fopen(argv[i + 1], "wb");
    if (in == NULL || out == NULL || fread(gh, 1, 24, in) != 24) {
        perror("gen_etl");
        return 1;
    }
    swap = gh[0] == 0xA1;
    nano = rd32(gh, swap) == 0xA1B23C4D;
    if (rd32(gh, swap) != 0xA1B2C3D4 && !nano) {
        fprintf(stderr, "gen_etl: %s: not a classic pcap\n", argv[i]);
        return 1;
    }
    link = rd32(gh + 20, swap) & 0xFFFF;
    if (link != 1 && link != 101) {
        fprintf(stderr, "gen_etl: link type %u: Ethernet or raw IP only\n",
                link);
        return 1;
    }
    for (i = 0; i < o.cpus; i++) {
        cpu[i].b = calloc(1, o.buffer);
        cpu[i].len = BUF_HDR;
        if (cpu[i].b == NULL)
            return 1;
    }
    while (fread(rh, 1, 16, in) == 16) {
        uint32_t caplen = rd32(rh + 8, swap), origlen = rd32(rh + 12, swap);
        int64_t ft =
            FILETIME_UNIX_EPOCH + (int64_t)rd32(rh, swap) * 10000000 +
            (nano ? rd32(rh + 4, swap) / 100 : rd32(rh + 4, swap) * 10);
        const unsigned char *f = frame;
        int c;

        if (caplen > MAX_FRAME || fread(frame, 1, caplen, in) != caplen) {
            fprintf(stderr, "gen_etl: frame %llu cut short\n",
                    (unsigned long long)n + 1);
            return 1;
        }
        if (first) {
            /* The trace starts a second before the first packet. */
            start_ft = ft - 10000000;
            t0 = 5000000000LL;
            header_buffer();
            first = 0;
        }
        if (o.raw && link == 1 && caplen >= 14) {
            f += 14;
            caplen -= 14;
            origlen -= 14;
        }
        /* Runs of five events a processor, so buffers interleave. */
        c = (int)((n / 5) % (uint64_t)o.cpus);
        if (o.pktmon)
            pktmon_packet(c, n + 1, ft, f, caplen, origlen);
        else
            ndis_packet(c, ft, f, caplen, origlen);
        n++;
    }
    /* The last buffers in reverse processor order: not time order. */
    for (i = o.cpus - 1; i >= 0; i--) {
        flush_cpu(i, 0);
        free(cpu[i].b);
    }
    fclose(in);
    if (fclose(out) != 0) {
        perror("gen_etl");
        return 1;
    }
    return 0;
}
