/*
 * Frame -> TCP segment decoder.  Each layer checks that its header fits
 * in the captured bytes before reading it; lengths from the IP header
 * bound the payload (Ethernet padding, FCS), and the wire length stands
 * in when the IP length is 0 or impossible (segmentation offload on the
 * capturing host); that length no longer counts an FCS the capture file
 * declared (the readers take it off, see cap_read.h).  Checksums are not
 * validated: offload makes them wrong.
 */
#include "pkt_decode.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <string.h>

#define ETHERTYPE_IPV4     0x0800
#define ETHERTYPE_IPV6     0x86DD
#define ETHERTYPE_VLAN     0x8100
#define ETHERTYPE_QINQ     0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100
#define IPPROTO_TCP_NUM    6
#define VLAN_MAX_DEPTH     8

/* Read a big-endian u16. */
static uint16_t
pkt_decode_be16(const unsigned char *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Read a big-endian u32. */
static uint32_t
pkt_decode_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* Decode the TCP header at p (cap captured bytes, wire bytes on the wire). */
static enum pkt_result
pkt_decode_tcp(const unsigned char *p, uint32_t cap, uint32_t wire,
               struct pkt_tcp *out)
{
    uint32_t hl;

    if (cap < 20)
        return PKT_TRUNCATED;
    hl = (uint32_t)(p[12] >> 4) * 4;
    if (hl < 20 || hl > wire)
        return PKT_MALFORMED;
    if (hl > cap)
        return PKT_TRUNCATED;
    out->sport = pkt_decode_be16(p);
    out->dport = pkt_decode_be16(p + 2);
    out->seq = pkt_decode_be32(p + 4);
    out->ack = pkt_decode_be32(p + 8);
    out->flags = p[13] & 0x1F;
    out->payload = p + hl;
    out->cap_len = cap - hl;
    out->seg_len = wire - hl;
    return PKT_TCP;
}

/*
 * The IP length to use: the header's value unless it is 0 or larger than
 * the frame on the wire (segmentation offload), then the wire length.
 */
static uint32_t
pkt_decode_ip_len(uint32_t hdr_len, uint32_t wire)
{
    if (hdr_len == 0 || hdr_len > wire)
        return wire;
    return hdr_len;
}

/* Decode IPv4 at p. */
static enum pkt_result
pkt_decode_ipv4(const unsigned char *p, uint32_t cap, uint32_t wire,
                struct pkt_tcp *out)
{
    uint32_t ihl, tl;
    uint16_t frag;

    if (cap < 20)
        return PKT_TRUNCATED;
    if ((p[0] >> 4) != 4)
        return PKT_MALFORMED;
    ihl = (uint32_t)(p[0] & 0x0F) * 4;
    if (ihl < 20)
        return PKT_MALFORMED;
    if (ihl > cap)
        return PKT_TRUNCATED;
    tl = pkt_decode_ip_len(pkt_decode_be16(p + 2), wire);
    if (tl < ihl)
        return PKT_MALFORMED;
    frag = pkt_decode_be16(p + 6);
    if ((frag & 0x2000) != 0 || (frag & 0x1FFF) != 0)
        return PKT_FRAGMENT;
    if (p[9] != IPPROTO_TCP_NUM)
        return PKT_NOT_TCP;
    out->ipver = 4;
    memset(out->src, 0, sizeof out->src);
    memset(out->dst, 0, sizeof out->dst);
    memcpy(out->src, p + 12, 4);
    memcpy(out->dst, p + 16, 4);
    if (cap > tl)
        cap = tl;
    return pkt_decode_tcp(p + ihl, cap - ihl, tl - ihl, out);
}

/* Decode IPv6 at p, walking the extension-header chain. */
static enum pkt_result
pkt_decode_ipv6(const unsigned char *p, uint32_t cap, uint32_t wire,
                struct pkt_tcp *out)
{
    uint32_t tl, off = 40, hl;
    unsigned nh;
    int hops;

    if (cap < 40)
        return PKT_TRUNCATED;
    if ((p[0] >> 4) != 6)
        return PKT_MALFORMED;
    tl = pkt_decode_be16(p + 4);
    tl = tl == 0 ? wire : pkt_decode_ip_len(tl + 40, wire);
    if (tl < 40)
        return PKT_MALFORMED;
    if (cap > tl)
        cap = tl;
    nh = p[6];
    for (hops = 0; hops < 16; hops++) {
        if (nh == IPPROTO_TCP_NUM)
            break;
        if (nh != 0 && nh != 43 && nh != 44 && nh != 60 && nh != 51)
            return PKT_NOT_TCP; /* 59 no next header, 50 ESP, UDP... */
        if (off + 8 > cap)
            return off + 8 > tl ? PKT_MALFORMED : PKT_TRUNCATED;
        if (nh == 44) {
            /* Fragment header: offset or more-fragments means a fragment. */
            if ((pkt_decode_be16(p + off + 2) & 0xFFF9) != 0)
                return PKT_FRAGMENT;
            hl = 8;
        } else if (nh == 51) {
            hl = ((uint32_t)p[off + 1] + 2) * 4;
        } else {
            hl = ((uint32_t)p[off + 1] + 1) * 8;
        }
        nh = p[off];
        off += hl;
        if (off > tl)
            return PKT_MALFORMED;
    }
    if (nh != IPPROTO_TCP_NUM)
        return PKT_MALFORMED;
    if (off > cap)
        return PKT_TRUNCATED;
    out->ipver = 6;
    memcpy(out->src, p + 8, 16);
    memcpy(out->dst, p + 24, 16);
    return pkt_decode_tcp(p + off, cap - off, tl - off, out);
}

/* Decode an IP packet whose version is given by its first nibble. */
static enum pkt_result
pkt_decode_ip(const unsigned char *p, uint32_t cap, uint32_t wire,
              struct pkt_tcp *out)
{
    if (cap < 1)
        return PKT_TRUNCATED;
    if ((p[0] >> 4) == 4)
        return pkt_decode_ipv4(p, cap, wire, out);
    if ((p[0] >> 4) == 6)
        return pkt_decode_ipv6(p, cap, wire, out);
    return PKT_NOT_TCP;
}

/* Dispatch on an ethertype. */
static enum pkt_result
pkt_decode_ethertype(unsigned type, const unsigned char *p, uint32_t cap,
                     uint32_t wire, struct pkt_tcp *out)
{
    if (type == ETHERTYPE_IPV4)
        return pkt_decode_ipv4(p, cap, wire, out);
    if (type == ETHERTYPE_IPV6)
        return pkt_decode_ipv6(p, cap, wire, out);
    return PKT_NOT_TCP;
}

/* Decode Ethernet II with any number of stacked VLAN tags. */
static enum pkt_result
pkt_decode_ether(const unsigned char *p, uint32_t cap, uint32_t wire,
                 struct pkt_tcp *out)
{
    uint32_t off = 12;
    unsigned type;
    int depth = 0;

    for (;;) {
        if (off + 2 > cap)
            return PKT_TRUNCATED;
        type = pkt_decode_be16(p + off);
        off += 2;
        if (type != ETHERTYPE_VLAN && type != ETHERTYPE_QINQ &&
            type != ETHERTYPE_QINQ_OLD)
            break;
        if (++depth > VLAN_MAX_DEPTH)
            return PKT_MALFORMED;
        off += 2; /* tag control information */
    }
    if (type <= 1500)
        return PKT_NOT_TCP; /* 802.3 length: LLC */
    return pkt_decode_ethertype(type, p + off, cap - off, wire - off, out);
}

/* Decode a BSD null/loopback header (family in host or network order). */
static enum pkt_result
pkt_decode_null(int link, const unsigned char *p, uint32_t cap, uint32_t wire,
                struct pkt_tcp *out)
{
    uint32_t fam;

    if (cap < 4)
        return PKT_TRUNCATED;
    if (link == PKT_LINK_LOOP || (p[0] == 0 && p[1] == 0))
        fam = pkt_decode_be32(p);
    else
        fam = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
              ((uint32_t)p[3] << 24);
    if (fam == 2)
        return pkt_decode_ipv4(p + 4, cap - 4, wire - 4, out);
    if (fam == 10 || fam == 24 || fam == 28 || fam == 30)
        return pkt_decode_ipv6(p + 4, cap - 4, wire - 4, out);
    return PKT_NOT_TCP;
}

/*
 * Decode Linux NFLOG: a 4-byte header, then TLVs whose length and type
 * are in the capturing host's byte order (libpcap converts them to ours
 * when it reads the file); type 9 holds the IP packet.
 */
static enum pkt_result
pkt_decode_nflog(const unsigned char *p, uint32_t cap, uint32_t wire,
                 struct pkt_tcp *out)
{
    uint32_t off = 4;

    if (cap < 4)
        return PKT_TRUNCATED;
    while (off + 4 <= cap) {
        uint16_t len, type;

        memcpy(&len, p + off, 2);
        memcpy(&type, p + off + 2, 2);
        if (len < 4 || len > cap - off)
            return len > wire - off ? PKT_MALFORMED : PKT_TRUNCATED;
        if (type == 9) {
            uint32_t n = len - 4u;

            return pkt_decode_ip(p + off + 4, n, n, out);
        }
        off += ((uint32_t)len + 3u) & ~3u;
    }
    return PKT_NOT_TCP;
}

enum pkt_result
pkt_decode(int link, const unsigned char *data, uint32_t caplen,
           uint32_t origlen, struct pkt_tcp *out)
{
    uint32_t wire = origlen > caplen ? origlen : caplen;

    switch (link) {
    case PKT_LINK_ETHERNET:
        if (caplen < 14)
            return PKT_TRUNCATED;
        return pkt_decode_ether(data, caplen, wire, out);
    case PKT_LINK_NULL:
    case PKT_LINK_LOOP:
        return pkt_decode_null(link, data, caplen, wire, out);
    case PKT_LINK_RAW:
        return pkt_decode_ip(data, caplen, wire, out);
    case PKT_LINK_IPV4:
        return pkt_decode_ipv4(data, caplen, wire, out);
    case PKT_LINK_IPV6:
        return pkt_decode_ipv6(data, caplen, wire, out);
    case PKT_LINK_SLL:
        if (caplen < 16)
            return PKT_TRUNCATED;
        return pkt_decode_ethertype(pkt_decode_be16(data + 14), data + 16,
                                    caplen - 16, wire - 16, out);
    case PKT_LINK_NFLOG:
        return pkt_decode_nflog(data, caplen, wire, out);
    case PKT_LINK_SLL2:
        if (caplen < 20)
            return PKT_TRUNCATED;
        return pkt_decode_ethertype(pkt_decode_be16(data), data + 20,
                                    caplen - 20, wire - 20, out);
    default:
        return PKT_UNSUPPORTED_LINK;
    }
}

const char *
pkt_decode_result_str(enum pkt_result r)
{
    switch (r) {
    case PKT_TCP:
        return "tcp";
    case PKT_NOT_TCP:
        return "not tcp";
    case PKT_FRAGMENT:
        return "ip fragment";
    case PKT_UNSUPPORTED_LINK:
        return "unsupported link type";
    case PKT_TRUNCATED:
        return "headers truncated";
    case PKT_MALFORMED:
        return "malformed headers";
    }
    return "?";
}

void
pkt_decode_addr_str(int ipver, const unsigned char *a, char *out,
                    unsigned outlen)
{
    if (inet_ntop(ipver == 4 ? AF_INET : AF_INET6, a, out, outlen) == NULL &&
        outlen > 0)
        out[0] = '\0';
}
