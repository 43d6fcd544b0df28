/*
 * pcapng generator for the reader tests: HTTP/1.1 conversations over
 * interfaces that differ in link type, snapshot length and time
 * resolution, in two sections of opposite byte order, with every kind of
 * packet block and blocks a reader must skip.
 *
 *   gen_pcapng mixed OUT     the file described below
 *   gen_pcapng badtrail OUT  the same, but the block after conversation
 *                            A's last frame has a wrong trailing length
 *   gen_pcapng sll OUT       a classic pcap, Linux cooked (SLL), with one
 *                            conversation (GET /sll-pcap -> 200), for
 *                            merging with an Ethernet pcap by mergecap
 *   gen_pcapng fcs OUT       Ethernet frames that end in a frame check
 *                            sequence, as described below
 *   gen_pcapng fcspcap OUT   a classic pcap whose link-type field says
 *                            every frame ends in a 4-byte FCS (P bit,
 *                            2 x 16 bits): POST /fcs-pcap -> 502 (232)
 *                            then GET /again -> 200 (5) on one connection
 *
 * mixed, section 1 (little-endian):
 *   if 0  Ethernet, snaplen 0, default resolution (us)
 *   if 1  raw IP (101), snaplen 65535, if_tsresol 9 (ns)
 *   if 2  Linux SLL (113), snaplen 262144, if_tsresol 2^-20,
 *         if_tsoffset 3600 (times written an hour early)
 *   A  EPB if 0  IPv4  GET /eth          -> 200  (interleaved with B)
 *   B  EPB if 1  IPv6  POST /raw.exe     -> 502
 *   C  EPB if 2  IPv4  GET /sll          -> 404
 *   D  SPB if 0  IPv4  GET /spb          -> 200  (no times)
 *   E  PB  if 1  IPv4  GET /pb           -> 301  (obsolete block)
 *   plus a name resolution, an interface statistics, a custom and an
 *   unknown local-use block.
 * section 2 (big-endian), interface IDs from 0 again:
 *   if 0  Linux SLL2 (276), snaplen 128, if_tsresol 3 (ms)
 *   if 1  Ethernet, snaplen 65535
 *   F  EPB if 0  IPv4  GET /be           -> 500  (frames cut to 128)
 *   G  EPB if 1  IPv4  GET /be-eth       -> 200
 * Expected: 7 requests; statuses 200 x3, 301, 404, 500, 502.
 *
 * fcs (one little-endian section): every frame is sent with its IPv4
 * total length 0, as a host with segmentation offload captures it, so a
 * reader that leaves the FCS on hands its 4 bytes to TCP as payload.  The
 * FCS is the frame's real CRC-32.
 *   if 0  Ethernet, if_fcslen 32 (bits, as the specification says)
 *   if 1  Ethernet, no if_fcslen; some packets say FCS length 4 (octets)
 *         in epb_flags
 *   if 2  Ethernet, snaplen 96, if_fcslen 4 (octets, as older writers
 *         put it and Wireshark reads a value under 8)
 *   if 3  raw IP, if_fcslen 32: no FCS on the frames, none taken off
 *   A  EPB if 0  POST /fcs.exe (body 300)  -> 502 (232)
 *   B  EPB if 1  GET /flags  -> 200 (1000)   epb_flags FCS 4, with FCS
 *   C  EPB if 1  GET /plain  -> 404 (20)     no flags, no FCS
 *   D  EPB if 2  GET /cut    -> 204          the response is cut by the
 *                                            snaplen inside its FCS
 *   E  EPB if 2  GET /big    -> 200 (100)    the response is cut before
 *                                            its FCS (body not captured)
 *   F  EPB if 3  GET /raw    -> 200 (50)
 *   G  SPB if 0  GET /spb    -> 200 (10)     interface 0's if_fcslen
 *   H  PB  if 1  GET /pb     -> 301 (0)      pack_flags FCS 4, with FCS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_write.h"

#define F_FIN 0x01
#define F_SYN 0x02
#define F_PSH 0x08
#define F_ACK 0x10

#define LT_ETHERNET 1
#define LT_RAW      101
#define LT_SLL      113
#define LT_SLL2     276

#define BLK_SPB 3
#define BLK_PB  2
#define BLK_EPB 6

static FILE *out;
static int be;                                     /* section byte order */
static uint64_t clock_ns = 1124828747000000000ULL; /* 2005-08-23T20:25:47Z */
static int bad_trailer;                            /* badtrail mode armed */
static int classic; /* seg() writes classic pcap records */

/* Interfaces of the current section. */
struct iface {
    int linktype;
    uint32_t snaplen;
    int tsresol; /* option byte, or -1 for none (us) */
    int64_t tsoffset;
};
static struct iface ifs[4];
static int nifs;

/* A TCP connection on one interface, written as one kind of block. */
struct conn {
    int v6;
    unsigned char caddr[16], saddr[16];
    uint16_t cport, sport;
    uint32_t cseq, sseq;
    int ifid;
    int block;     /* BLK_EPB, BLK_SPB or BLK_PB */
    int tso;       /* IP length field 0 (segmentation offload) */
    int fcs;       /* a 4-byte FCS ends each frame */
    int flags_fcs; /* FCS length for epb_flags, 0 for no option */
};

/* Section-order writers into a block buffer. */
static void
w16(unsigned char *p, unsigned v)
{
    if (be) {
        p[0] = (unsigned char)(v >> 8);
        p[1] = (unsigned char)v;
    } else {
        p[0] = (unsigned char)v;
        p[1] = (unsigned char)(v >> 8);
    }
}

static void
w32(unsigned char *p, uint32_t v)
{
    if (be) {
        w16(p, v >> 16);
        w16(p + 2, v & 0xFFFF);
    } else {
        w16(p, v & 0xFFFF);
        w16(p + 2, v >> 16);
    }
}

static void
w64(unsigned char *p, uint64_t v)
{
    if (be) {
        w32(p, (uint32_t)(v >> 32));
        w32(p + 4, (uint32_t)v);
    } else {
        w32(p, (uint32_t)v);
        w32(p + 4, (uint32_t)(v >> 32));
    }
}

/* Write a block: type, body (padded to 4), lengths. */
static void
block(uint32_t type, const unsigned char *body, size_t n)
{
    static unsigned char b[70000];
    size_t pad = (4 - n % 4) % 4, len = 12 + n + pad;

    w32(b, type);
    w32(b + 4, (uint32_t)len);
    memcpy(b + 8, body, n);
    memset(b + 8 + n, 0, pad);
    w32(b + 8 + n + pad, (uint32_t)len);
    if (bad_trailer) {
        w32(b + 8 + n + pad, (uint32_t)len + 4);
        bad_trailer = 0;
    }
    fwrite(b, 1, len, out);
}

/* Append an option (code, value) at *o; returns the new end. */
static size_t
opt(unsigned char *o, size_t at, unsigned code, const void *v, size_t n)
{
    size_t pad = (4 - n % 4) % 4;

    w16(o + at, code);
    w16(o + at + 2, (unsigned)n);
    memcpy(o + at + 4, v, n);
    memset(o + at + 4 + n, 0, pad);
    return at + 4 + n + pad;
}

/* A section header block in byte order big. */
static void
shb(int big)
{
    unsigned char b[64];
    size_t n;

    be = big;
    nifs = 0;
    w32(b, 0x1A2B3C4D);
    w16(b + 4, 1);
    w16(b + 6, 0);
    w64(b + 8, UINT64_MAX);              /* section length unknown */
    n = opt(b, 16, 4, "gen_pcapng", 10); /* shb_userappl */
    n = opt(b, n, 0, "", 0);
    block(0x0A0D0D0A, b, n);
}

/* An interface description block (if_fcslen unless < 0); returns its ID. */
static int
idb_fcs(int linktype, uint32_t snaplen, int tsresol, int64_t tsoffset,
        int fcslen)
{
    unsigned char b[64], v[8];
    size_t n;

    w16(b, (unsigned)linktype);
    w16(b + 2, 0);
    w32(b + 4, snaplen);
    n = opt(b, 8, 2, "gen0", 4); /* if_name */
    if (tsresol >= 0) {
        v[0] = (unsigned char)tsresol;
        n = opt(b, n, 9, v, 1);
    }
    if (tsoffset != 0) {
        w64(v, (uint64_t)tsoffset);
        n = opt(b, n, 14, v, 8);
    }
    if (fcslen >= 0) {
        v[0] = (unsigned char)fcslen;
        n = opt(b, n, 13, v, 1);
    }
    n = opt(b, n, 0, "", 0);
    block(1, b, n);
    ifs[nifs].linktype = linktype;
    ifs[nifs].snaplen = snaplen;
    ifs[nifs].tsresol = tsresol;
    ifs[nifs].tsoffset = tsoffset;
    return nifs++;
}

/* An interface description block without if_fcslen; returns its ID. */
static int
idb(int linktype, uint32_t snaplen, int tsresol, int64_t tsoffset)
{
    return idb_fcs(linktype, snaplen, tsresol, tsoffset, -1);
}

/* The current time in the units of interface i. */
static uint64_t
ts_units(const struct iface *i)
{
    uint64_t t = clock_ns - (uint64_t)(i->tsoffset * 1000000000LL);
    int r = i->tsresol < 0 ? 6 : i->tsresol;

    if (r & 0x80) {
        int n = r & 0x7F;

        return ((t / 1000000000u) << n) +
               (((t % 1000000000u) << n) / 1000000000u);
    }
    if (r == 9)
        return t;
    if (r == 6)
        return t / 1000u;
    return t / 1000000u; /* 3: ms */
}

/* IPv4 or IPv6 + TCP packet into p; returns its length. */
static size_t
ip_tcp(unsigned char *p, const struct conn *c, int dir, uint8_t flags,
       const void *data, size_t len)
{
    const unsigned char *src = dir == 0 ? c->caddr : c->saddr;
    const unsigned char *dst = dir == 0 ? c->saddr : c->caddr;
    unsigned char *tcp;
    size_t ih = c->v6 ? 40 : 20;

    memset(p, 0, ih + 20);
    if (c->v6) {
        p[0] = 0x60;
        put16(p + 4, (unsigned)(20 + len));
        p[6] = 6;
        p[7] = 64;
        memcpy(p + 8, src, 16);
        memcpy(p + 24, dst, 16);
    } else {
        p[0] = 0x45;
        put16(p + 2, (unsigned)(40 + len));
        p[8] = 64;
        p[9] = 6;
        memcpy(p + 12, src, 4);
        memcpy(p + 16, dst, 4);
    }
    if (c->tso)
        put16(p + (c->v6 ? 4 : 2), 0);
    tcp = p + ih;
    tcp_write(tcp, dir == 0 ? c->cport : c->sport,
              dir == 0 ? c->sport : c->cport, dir == 0 ? c->cseq : c->sseq,
              dir == 0 ? c->sseq : c->cseq, flags, data, len);
    return ih + 20 + len;
}

/* CRC-32 of n bytes: an Ethernet FCS (sent least significant byte first). */
static uint32_t
fcs32(const unsigned char *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    size_t i;
    int k;

    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

/*
 * The options of c's packet block whose data ends at m in b: padding,
 * then epb_flags (direction and FCS length) when c has one; returns the
 * new end.
 */
static size_t
pkt_options(unsigned char *b, size_t m, const struct conn *c, int dir)
{
    unsigned char v[4];

    if (c->flags_fcs == 0)
        return m;
    while (m % 4 != 0)
        b[m++] = 0;
    w32(v, (dir == 0 ? 2u : 1u) | (uint32_t)c->flags_fcs << 5);
    m = opt(b, m, 2, v, 4);
    return opt(b, m, 0, "", 0);
}

/* Link header for linktype in front of an IP packet; returns its size. */
static size_t
link_hdr(unsigned char *p, int linktype, int dir, int v6)
{
    unsigned proto = v6 ? 0x86DD : 0x0800;

    switch (linktype) {
    case LT_ETHERNET:
        memset(p, 0, 12);
        p[5] = (unsigned char)(dir == 0 ? 0xFE : 1);
        p[11] = (unsigned char)(dir == 0 ? 1 : 0xFE);
        put16(p + 12, proto);
        return 14;
    case LT_SLL:
        memset(p, 0, 16);
        put16(p, dir == 0 ? 4 : 0); /* outgoing / to us */
        put16(p + 2, 1);            /* ARPHRD_ETHER */
        put16(p + 4, 6);
        p[11] = 1;
        put16(p + 14, proto);
        return 16;
    case LT_SLL2:
        memset(p, 0, 20);
        put16(p, proto);
        put32(p + 4, 2); /* interface index */
        put16(p + 8, 1);
        p[10] = (unsigned char)(dir == 0 ? 4 : 0);
        p[11] = 6;
        p[17] = 1;
        return 20;
    default:
        return 0; /* raw IP */
    }
}

/* One TCP segment of c as a packet block; advances the clock and seq. */
static void
seg(struct conn *c, int dir, uint8_t flags, const void *data, size_t len)
{
    static unsigned char pkt[70000], b[70100];
    const struct iface *i = &ifs[c->ifid];
    size_t n = link_hdr(pkt, i->linktype, dir, c->v6);
    size_t caplen;
    uint64_t t;

    clock_ns += 37000;
    n += ip_tcp(pkt + n, c, dir, flags, data, len);
    if (c->fcs) {
        le32(pkt + n, fcs32(pkt, n));
        n += 4;
    }
    caplen = i->snaplen != 0 && n > i->snaplen ? i->snaplen : n;
    t = ts_units(i);
    if (classic) {
        le32(b, (uint32_t)(clock_ns / 1000000000u));
        le32(b + 4, (uint32_t)(clock_ns % 1000000000u / 1000u));
        le32(b + 8, (uint32_t)caplen);
        le32(b + 12, (uint32_t)n);
        memcpy(b + 16, pkt, caplen);
        fwrite(b, 1, 16 + caplen, out);
    } else if (c->block == BLK_SPB) {
        w32(b, (uint32_t)n);
        memcpy(b + 4, pkt, caplen);
        block(BLK_SPB, b, 4 + caplen);
    } else if (c->block == BLK_PB) {
        w16(b, (unsigned)c->ifid);
        w16(b + 2, 0);
        w32(b + 4, (uint32_t)(t >> 32));
        w32(b + 8, (uint32_t)t);
        w32(b + 12, (uint32_t)caplen);
        w32(b + 16, (uint32_t)n);
        memcpy(b + 20, pkt, caplen);
        block(BLK_PB, b, pkt_options(b, 20 + caplen, c, dir));
    } else {
        w32(b, (uint32_t)c->ifid);
        w32(b + 4, (uint32_t)(t >> 32));
        w32(b + 8, (uint32_t)t);
        w32(b + 12, (uint32_t)caplen);
        w32(b + 16, (uint32_t)n);
        memcpy(b + 20, pkt, caplen);
        block(BLK_EPB, b, pkt_options(b, 20 + caplen, c, dir));
    }
    if (dir == 0)
        c->cseq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
    else
        c->sseq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
}

/* A connection: n picks addresses and port; v6 for IPv6. */
static void
conn_init(struct conn *c, int n, int v6, int ifid, int blk)
{
    memset(c, 0, sizeof *c);
    c->v6 = v6;
    if (v6) {
        c->caddr[0] = c->saddr[0] = 0x20;
        c->caddr[1] = c->saddr[1] = 0x01;
        c->caddr[2] = c->saddr[2] = 0x0d;
        c->caddr[3] = c->saddr[3] = 0xb8;
        c->caddr[15] = (unsigned char)n;
        c->saddr[15] = 0xFE;
    } else {
        c->caddr[0] = c->saddr[0] = 10;
        c->caddr[3] = (unsigned char)n;
        c->saddr[3] = 0xFE;
    }
    c->cport = (uint16_t)(40000 + n);
    c->sport = 80;
    c->cseq = 1000u * (uint32_t)n;
    c->sseq = 0xFFFFF000u - 77u * (uint32_t)n;
    c->ifid = ifid;
    c->block = blk;
}

static void
handshake(struct conn *c)
{
    seg(c, 0, F_SYN, NULL, 0);
    seg(c, 1, F_SYN | F_ACK, NULL, 0);
    seg(c, 0, F_ACK, NULL, 0);
}

static void
closing(struct conn *c)
{
    seg(c, 0, F_FIN | F_ACK, NULL, 0);
    seg(c, 1, F_FIN | F_ACK, NULL, 0);
}

/* Request text for method and target. */
static size_t
request(char *buf, size_t cap, const char *method, const char *target)
{
    return (size_t)snprintf(buf, cap,
                            "%s %s HTTP/1.1\r\nHost: gen.example\r\n"
                            "User-Agent: gen_pcapng\r\n\r\n",
                            method, target);
}

/* Response text with a body of n filler bytes. */
static size_t
response(char *buf, size_t cap, int status, const char *reason, size_t n)
{
    return http_response(buf, cap, status, reason, "", n);
}

/* One whole exchange on c (segments of at most 1400 bytes). */
static void
exchange(struct conn *c, const char *method, const char *target, int status,
         const char *reason, size_t body)
{
    static char buf[8192];
    size_t n = request(buf, sizeof buf, method, target), off;

    seg(c, 0, F_ACK | F_PSH, buf, n);
    n = response(buf, sizeof buf, status, reason, body);
    for (off = 0; off < n; off += 1400)
        seg(c, 1, F_ACK | F_PSH, buf + off, n - off < 1400 ? n - off : 1400);
}

/* Blocks a reader must skip (and a custom block Wireshark numbers). */
static void
other_blocks(void)
{
    unsigned char b[64];

    /* Name resolution: one IPv4 record, then the end. */
    w16(b, 1);
    w16(b + 2, 16);
    memcpy(b + 4, "\x0a\x00\x00\xfegen.example\0", 16);
    w16(b + 20, 0);
    w16(b + 22, 0);
    block(4, b, 24);
    /* Interface statistics for interface 0. */
    w32(b, 0);
    w32(b + 4, 0);
    w32(b + 8, 1);
    block(5, b, 12);
    /* Custom block (private enterprise number 32473, example). */
    w32(b, 32473);
    memcpy(b + 4, "opaque", 6);
    block(0x00000BAD, b, 10);
    /* Local use, unknown to everyone. */
    memcpy(b, "skip me", 7);
    block(0x80000123, b, 7);
}

static void
mixed(int badtrail)
{
    struct conn a, bb, c, d, e, f, g;
    static char buf[8192];
    size_t n;

    shb(0);
    idb(LT_ETHERNET, 0, -1, 0);
    idb(LT_RAW, 65535, 9, 0);
    idb(LT_SLL, 262144, 0x80 | 20, 3600);
    conn_init(&a, 1, 0, 0, BLK_EPB);
    conn_init(&bb, 2, 1, 1, BLK_EPB);
    handshake(&a);
    handshake(&bb);
    /* A and B interleaved. */
    n = request(buf, sizeof buf, "GET", "/eth");
    seg(&a, 0, F_ACK | F_PSH, buf, n);
    n = request(buf, sizeof buf, "POST", "/raw.exe");
    seg(&bb, 0, F_ACK | F_PSH, buf, n);
    n = response(buf, sizeof buf, 502, "Bad Gateway", 232);
    seg(&bb, 1, F_ACK | F_PSH, buf, n);
    n = response(buf, sizeof buf, 200, "OK", 3000);
    seg(&a, 1, F_ACK | F_PSH, buf, 1400);
    seg(&a, 1, F_ACK | F_PSH, buf + 1400, 1400);
    seg(&a, 1, F_ACK | F_PSH, buf + 2800, n - 2800);
    closing(&a);
    if (badtrail)
        bad_trailer = 1;
    other_blocks();
    closing(&bb);
    conn_init(&c, 3, 0, 2, BLK_EPB);
    handshake(&c);
    exchange(&c, "GET", "/sll", 404, "Not Found", 20);
    closing(&c);
    conn_init(&d, 4, 0, 0, BLK_SPB);
    handshake(&d);
    exchange(&d, "GET", "/spb", 200, "OK", 10);
    closing(&d);
    conn_init(&e, 5, 0, 1, BLK_PB);
    handshake(&e);
    exchange(&e, "GET", "/pb", 301, "Moved Permanently", 0);
    closing(&e);

    shb(1);
    idb(LT_SLL2, 128, 3, 0);
    idb(LT_ETHERNET, 65535, -1, 0);
    conn_init(&f, 6, 0, 0, BLK_EPB);
    conn_init(&g, 7, 0, 1, BLK_EPB);
    handshake(&f);
    handshake(&g);
    exchange(&g, "GET", "/be-eth", 200, "OK", 5);
    /* Frames of F are cut to 128 bytes: keep its request small. */
    n = (size_t)snprintf(buf, sizeof buf,
                         "GET /be HTTP/1.1\r\nHost: g\r\n\r\n");
    seg(&f, 0, F_ACK | F_PSH, buf, n);
    n = (size_t)snprintf(buf, sizeof buf,
                         "HTTP/1.1 500 Internal Server Error\r\n"
                         "Content-Length: 0\r\n\r\n");
    seg(&f, 1, F_ACK | F_PSH, buf, n);
    closing(&g);
    closing(&f);
}

/* A connection of the fcs scenarios: offloaded, with FCS (fcs 0: none). */
static void
fcs_conn(struct conn *c, int n, int ifid, int blk, int fcs, int flags_fcs)
{
    conn_init(c, n, 0, ifid, blk);
    c->tso = 1;
    c->fcs = fcs;
    c->flags_fcs = flags_fcs;
}

/* One exchange on its own connection: handshake, exchange, close. */
static void
fcs_exchange(struct conn *c, const char *method, const char *target, int status,
             const char *reason, size_t body)
{
    handshake(c);
    exchange(c, method, target, status, reason, body);
    closing(c);
}

/* The fcs scenario (see the top of the file). */
static void
fcs_file(void)
{
    struct conn a, bb, c, d, e, f, g, h;
    static char buf[8192];
    size_t n;

    shb(0);
    idb_fcs(LT_ETHERNET, 0, -1, 0, 32);
    idb(LT_ETHERNET, 65535, -1, 0);
    idb_fcs(LT_ETHERNET, 96, -1, 0, 4);
    idb_fcs(LT_RAW, 0, -1, 0, 32);

    /* A: the request's headers and its 300-byte body in two segments. */
    fcs_conn(&a, 11, 0, BLK_EPB, 1, 0);
    handshake(&a);
    n = (size_t)snprintf(buf, sizeof buf,
                         "POST /fcs.exe HTTP/1.1\r\nHost: gen.example\r\n"
                         "Content-Length: 300\r\n\r\n");
    seg(&a, 0, F_ACK | F_PSH, buf, n);
    memset(buf, 'p', 300);
    seg(&a, 0, F_ACK | F_PSH, buf, 300);
    n = response(buf, sizeof buf, 502, "Bad Gateway", 232);
    seg(&a, 1, F_ACK | F_PSH, buf, n);
    closing(&a);

    fcs_conn(&bb, 12, 1, BLK_EPB, 1, 4);
    fcs_exchange(&bb, "GET", "/flags", 200, "OK", 1000);
    fcs_conn(&c, 13, 1, BLK_EPB, 0, 0);
    fcs_exchange(&c, "GET", "/plain", 404, "Not Found", 20);

    /* D: a 94-byte response frame, 98 with its FCS, cut at 96. */
    fcs_conn(&d, 14, 2, BLK_EPB, 1, 0);
    handshake(&d);
    n = (size_t)snprintf(buf, sizeof buf,
                         "GET /cut HTTP/1.1\r\nHost: g\r\n\r\n");
    seg(&d, 0, F_ACK | F_PSH, buf, n);
    n = (size_t)snprintf(buf, sizeof buf,
                         "HTTP/1.1 204 No Content\r\nServer: gen\r\n\r\n");
    seg(&d, 1, F_ACK | F_PSH, buf, n);
    closing(&d);

    /* E: the response's headers fit in 96 bytes, its body does not. */
    fcs_conn(&e, 15, 2, BLK_EPB, 1, 0);
    handshake(&e);
    n = (size_t)snprintf(buf, sizeof buf,
                         "GET /big HTTP/1.1\r\nHost: g\r\n\r\n");
    seg(&e, 0, F_ACK | F_PSH, buf, n);
    n = (size_t)snprintf(buf, sizeof buf,
                         "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
    memset(buf + n, 'b', 100);
    seg(&e, 1, F_ACK | F_PSH, buf, n + 100);
    closing(&e);

    fcs_conn(&f, 16, 3, BLK_EPB, 0, 0);
    fcs_exchange(&f, "GET", "/raw", 200, "OK", 50);
    fcs_conn(&g, 17, 0, BLK_SPB, 1, 0);
    fcs_exchange(&g, "GET", "/spb", 200, "OK", 10);
    fcs_conn(&h, 18, 1, BLK_PB, 1, 4);
    fcs_exchange(&h, "GET", "/pb", 301, "Moved Permanently", 0);
}

/* The fcspcap scenario: a classic pcap whose frames end in an FCS. */
static void
fcs_pcap(void)
{
    struct conn c;

    pcap_write_header_link(out, 0x24000000u | LT_ETHERNET);
    classic = 1;
    nifs = 1;
    ifs[0].linktype = LT_ETHERNET;
    ifs[0].snaplen = 65535;
    ifs[0].tsresol = -1;
    fcs_conn(&c, 19, 0, BLK_EPB, 1, 0);
    handshake(&c);
    exchange(&c, "POST", "/fcs-pcap", 502, "Bad Gateway", 232);
    exchange(&c, "GET", "/again", 200, "OK", 5);
    closing(&c);
}

/* A classic pcap with Linux cooked headers: one conversation. */
static void
sll_pcap(void)
{
    unsigned char h[24], rec[16];
    static unsigned char pkt[4096];
    static char buf[2048];
    struct conn c;
    size_t n;
    int i, step;

    memset(h, 0, sizeof h);
    le32(h, 0xA1B2C3D4);
    h[4] = 2;
    h[6] = 4;
    le32(h + 16, 65535);
    le32(h + 20, LT_SLL);
    fwrite(h, 1, sizeof h, out);
    conn_init(&c, 8, 0, 0, BLK_EPB);
    for (step = 0; step < 7; step++) {
        int dir = step == 1 || step == 4 || step == 6;
        uint8_t flags = step == 0   ? F_SYN
                        : step == 1 ? F_SYN | F_ACK
                        : step >= 5 ? F_FIN | F_ACK
                                    : F_ACK | F_PSH;

        n = 0;
        if (step == 3)
            n = request(buf, sizeof buf, "GET", "/sll-pcap");
        else if (step == 4)
            n = response(buf, sizeof buf, 200, "OK", 64);
        else if (step == 2)
            flags = F_ACK;
        i = (int)link_hdr(pkt, LT_SLL, dir, 0);
        i += (int)ip_tcp(pkt + i, &c, dir, flags, buf, n);
        clock_ns += 41000;
        le32(rec, (uint32_t)(clock_ns / 1000000000u));
        le32(rec + 4, (uint32_t)(clock_ns % 1000000000u / 1000u));
        le32(rec + 8, (uint32_t)i);
        le32(rec + 12, (uint32_t)i);
        fwrite(rec, 1, 16, out);
        fwrite(pkt, 1, (size_t)i, out);
        if (dir == 0)
            c.cseq += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
        else
            c.sseq += (uint32_t)n + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
    }
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr,
                "usage: gen_pcapng mixed|badtrail|sll|fcs|fcspcap OUT\n");
        return 2;
    }
    out = fopen(argv[2], "wb");
    if (out == NULL) {
        perror(argv[2]);
        return 1;
    }
    if (strcmp(argv[1], "mixed") == 0)
        mixed(0);
    else if (strcmp(argv[1], "badtrail") == 0)
        mixed(1);
    else if (strcmp(argv[1], "sll") == 0)
        sll_pcap();
    else if (strcmp(argv[1], "fcs") == 0)
        fcs_file();
    else if (strcmp(argv[1], "fcspcap") == 0)
        fcs_pcap();
    else {
        fprintf(stderr, "gen_pcapng: unknown scenario %s\n", argv[1]);
        return 2;
    }
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
