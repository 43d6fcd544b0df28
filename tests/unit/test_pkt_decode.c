/* Unit tests for importers/pkt_decode.c: link layers, IP, TCP bounds. */
#include <stdint.h>
#include <string.h>

#include "pkt_decode.h"
#include "test.h"

static unsigned char frame[2048];

/* Write a big-endian u16 / u32. */
static void
put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void
put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

/* TCP header (20 bytes) + payload at p; returns its length. */
static size_t
tcp_at(unsigned char *p, const char *payload)
{
    size_t n = strlen(payload);

    memset(p, 0, 20);
    put16(p, 40000);
    put16(p + 2, 80);
    put32(p + 4, 1000);
    put32(p + 8, 2000);
    p[12] = 5 << 4;
    p[13] = PKT_TCP_ACK | PKT_TCP_PSH;
    memcpy(p + 20, payload, n);
    return 20 + n;
}

/* IPv4 header + TCP at p; total length field tl (0: computed). */
static size_t
ipv4_at(unsigned char *p, const char *payload, int tl, unsigned frag)
{
    size_t n = tcp_at(p + 20, payload);

    memset(p, 0, 20);
    p[0] = 0x45;
    put16(p + 2, tl >= 0 ? (unsigned)tl : (unsigned)(20 + n));
    put16(p + 6, frag);
    p[8] = 64;
    p[9] = 6;
    p[12] = 192, p[13] = 0, p[14] = 2, p[15] = 1;
    p[16] = 192, p[17] = 0, p[18] = 2, p[19] = 2;
    return 20 + n;
}

/* IPv6 header with optional extension headers + TCP at p. */
static size_t
ipv6_at(unsigned char *p, const char *payload, int ext, int frag_off)
{
    size_t off = 40, n;

    memset(p, 0, 40);
    p[0] = 0x60;
    p[7] = 64;
    p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
    p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
    if (ext) {
        p[6] = 0; /* hop-by-hop, 8 bytes */
        memset(p + off, 0, 8);
        p[off] = 60;
        off += 8;
        memset(p + off, 0, 16); /* destination options, 16 bytes */
        p[off] = 44;
        p[off + 1] = 1;
        off += 16;
        memset(p + off, 0, 8); /* fragment header */
        p[off] = 6;
        put16(p + off + 2, (unsigned)frag_off << 3);
        off += 8;
    } else {
        p[6] = 6;
    }
    n = tcp_at(p + off, payload);
    put16(p + 4, (unsigned)(off - 40 + n));
    return off + n;
}

/* Ethernet header with n VLAN tags; returns the header length. */
static size_t
ether_at(unsigned char *p, unsigned type, int vlans)
{
    size_t off = 12;
    int i;

    memset(p, 0xAA, 12);
    for (i = 0; i < vlans; i++) {
        put16(p + off, i == 0 ? 0x88A8 : 0x8100);
        put16(p + off + 2, 100 + i);
        off += 4;
    }
    put16(p + off, type);
    return off + 2;
}

static void
test_ethernet(void)
{
    struct pkt_tcp t;
    size_t h = ether_at(frame, 0x0800, 0), n;
    char addr[64];

    n = h + ipv4_at(frame + h, "GET / HTTP/1.1\r\n", -1, 0);
    /* Ethernet padding / FCS after the IP packet is not payload. */
    memset(frame + n, 0xEE, 8);
    CHECK(pkt_decode(PKT_LINK_ETHERNET, frame, (uint32_t)n + 8, (uint32_t)n + 8,
                     &t) == PKT_TCP);
    CHECK(t.ipver == 4);
    CHECK(t.sport == 40000 && t.dport == 80);
    CHECK(t.seq == 1000 && t.ack == 2000);
    CHECK(t.cap_len == 16 && t.seg_len == 16);
    CHECK(memcmp(t.payload, "GET / HTTP/1.1\r\n", 16) == 0);
    pkt_decode_addr_str(4, t.src, addr, sizeof addr);
    CHECK_STR(addr, "192.0.2.1");

    /* Stacked VLAN tags (802.1ad outer, 802.1Q inner). */
    h = ether_at(frame, 0x0800, 2);
    n = h + ipv4_at(frame + h, "x", -1, 0);
    CHECK(pkt_decode(PKT_LINK_ETHERNET, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 1 && t.payload[0] == 'x');

    /* 802.3 length field: LLC, not IP. */
    h = ether_at(frame, 100, 0);
    CHECK(pkt_decode(PKT_LINK_ETHERNET, frame, 60, 60, &t) == PKT_NOT_TCP);
    /* ARP. */
    h = ether_at(frame, 0x0806, 0);
    CHECK(pkt_decode(PKT_LINK_ETHERNET, frame, 60, 60, &t) == PKT_NOT_TCP);
    /* Too short for the link header. */
    CHECK(pkt_decode(PKT_LINK_ETHERNET, frame, 10, 60, &t) == PKT_TRUNCATED);
}

static void
test_ipv4_lengths(void)
{
    struct pkt_tcp t;
    size_t n;

    /* Total length 0 (segmentation offload): the frame length counts. */
    n = ipv4_at(frame, "hello world", 0, 0);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 11 && t.seg_len == 11);
    /* Total length larger than the frame: the frame length counts. */
    n = ipv4_at(frame, "hello world", 9000, 0);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 11 && t.seg_len == 11);
    /* Snapshot length cut the payload: wire length known, bytes missing. */
    n = ipv4_at(frame, "hello world", -1, 0);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n - 5, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 6 && t.seg_len == 11);
    /* Cut inside the TCP header. */
    CHECK(pkt_decode(PKT_LINK_RAW, frame, 30, (uint32_t)n, &t) ==
          PKT_TRUNCATED);
    /* Fragments are not TCP segments. */
    n = ipv4_at(frame, "frag", -1, 0x2000);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_FRAGMENT);
    n = ipv4_at(frame, "frag", -1, 10);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_FRAGMENT);
    /* Bad IHL, bad TCP data offset. */
    n = ipv4_at(frame, "x", -1, 0);
    frame[0] = 0x44;
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_MALFORMED);
    n = ipv4_at(frame, "x", -1, 0);
    frame[20 + 12] = 0x20;
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_MALFORMED);
    /* UDP. */
    n = ipv4_at(frame, "x", -1, 0);
    frame[9] = 17;
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_NOT_TCP);
    /* Every prefix of a frame decodes without reading past it. */
    {
        size_t h = ether_at(frame, 0x86DD, 1), k;
        int ok = 1;

        n = h + ipv6_at(frame + h, "payload", 1, 0);
        for (k = 0; k <= n; k++) {
            enum pkt_result r = pkt_decode(PKT_LINK_ETHERNET, frame,
                                           (uint32_t)k, (uint32_t)n, &t);

            if (k < n - 7 && r == PKT_TCP)
                ok = 0;
            if (r == PKT_TCP && t.cap_len > k)
                ok = 0;
        }
        CHECK(ok);
    }
}

static void
test_ipv6(void)
{
    struct pkt_tcp t;
    size_t n;
    char addr[64];

    n = ipv6_at(frame, "abc", 0, 0);
    CHECK(pkt_decode(PKT_LINK_IPV6, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.ipver == 6 && t.cap_len == 3);
    pkt_decode_addr_str(6, t.src, addr, sizeof addr);
    CHECK_STR(addr, "2001:db8::1");
    /* Hop-by-hop, destination options, atomic fragment header. */
    n = ipv6_at(frame, "abcd", 1, 0);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 4 && memcmp(t.payload, "abcd", 4) == 0);
    /* A real fragment. */
    n = ipv6_at(frame, "abcd", 1, 100);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_FRAGMENT);
    /* Payload length 0 (offload): the frame length counts. */
    n = ipv6_at(frame, "abcd", 0, 0);
    put16(frame + 4, 0);
    CHECK(pkt_decode(PKT_LINK_RAW, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.seg_len == 4);
}

static void
test_cooked_and_loopback(void)
{
    struct pkt_tcp t;
    size_t n;

    /* Linux SLL: protocol at offset 14. */
    memset(frame, 0, 16);
    put16(frame + 14, 0x0800);
    n = 16 + ipv4_at(frame + 16, "sll", -1, 0);
    CHECK(pkt_decode(PKT_LINK_SLL, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 3);
    /* Linux SLL2: protocol at offset 0. */
    memset(frame, 0, 20);
    put16(frame, 0x86DD);
    n = 20 + ipv6_at(frame + 20, "sll2", 0, 0);
    CHECK(pkt_decode(PKT_LINK_SLL2, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.cap_len == 4 && t.ipver == 6);
    /* BSD null, little-endian AF_INET. */
    frame[0] = 2, frame[1] = frame[2] = frame[3] = 0;
    n = 4 + ipv4_at(frame + 4, "null", -1, 0);
    CHECK(pkt_decode(PKT_LINK_NULL, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    /* BSD null, big-endian AF_INET6 (30, macOS). */
    put32(frame, 30);
    n = 4 + ipv6_at(frame + 4, "null6", 0, 0);
    CHECK(pkt_decode(PKT_LINK_NULL, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    CHECK(t.ipver == 6);
    /* LOOP: always big-endian. */
    put32(frame, 2);
    n = 4 + ipv4_at(frame + 4, "loop", -1, 0);
    CHECK(pkt_decode(PKT_LINK_LOOP, frame, (uint32_t)n, (uint32_t)n, &t) ==
          PKT_TCP);
    /* NFLOG: header, a prefix TLV, then the payload TLV (host order). */
    {
        uint16_t len = 8, type = 10;
        size_t ip;

        memset(frame, 0, 4);
        frame[0] = 2;
        memcpy(frame + 4, &len, 2);
        memcpy(frame + 6, &type, 2);
        ip = ipv4_at(frame + 16, "nflog", -1, 0);
        len = (uint16_t)(4 + ip);
        type = 9;
        memcpy(frame + 12, &len, 2);
        memcpy(frame + 14, &type, 2);
        n = 16 + ip;
        CHECK(pkt_decode(PKT_LINK_NFLOG, frame, (uint32_t)n, (uint32_t)n, &t) ==
              PKT_TCP);
        CHECK(t.cap_len == 5 && memcmp(t.payload, "nflog", 5) == 0);
    }
    CHECK(pkt_decode(7, frame, 60, 60, &t) == PKT_UNSUPPORTED_LINK);
    CHECK_STR(pkt_decode_result_str(PKT_FRAGMENT), "ip fragment");
}

int
main(void)
{
    test_ethernet();
    test_ipv4_lengths();
    test_ipv6();
    test_cooked_and_loopback();
    return test_report("test_pkt_decode");
}
