/*
 * Decoding of one captured frame down to its TCP segment: link layer
 * (Ethernet with stacked VLAN tags, Linux cooked SLL/SLL2, raw IP, BSD
 * null/loopback, Linux NFLOG), IPv4 or IPv6 (extension headers), TCP.  Pure
 * function over a byte range: it never reads past the captured length and never
 * allocates.
 */
#ifndef PKT_DECODE_H
#define PKT_DECODE_H

#include <stdint.h>

/* Link types, as numbered by pcap LINKTYPE_* (not platform DLT_*). */
enum pkt_link {
    PKT_LINK_NULL = 0,
    PKT_LINK_ETHERNET = 1,
    PKT_LINK_RAW = 101,
    PKT_LINK_LOOP = 108,
    PKT_LINK_SLL = 113,
    PKT_LINK_IPV4 = 228,
    PKT_LINK_IPV6 = 229,
    PKT_LINK_NFLOG = 239,
    PKT_LINK_SLL2 = 276
};

/* Outcome of decoding one frame. */
enum pkt_result {
    PKT_TCP = 0,          /* a TCP segment: *out is filled */
    PKT_NOT_TCP,          /* another protocol (ARP, UDP, 802.3 LLC...) */
    PKT_FRAGMENT,         /* an IP fragment: not fed to TCP */
    PKT_UNSUPPORTED_LINK, /* link type this decoder does not know */
    PKT_TRUNCATED,        /* headers cut short by the snapshot length */
    PKT_MALFORMED         /* header fields that make no sense */
};

#define PKT_TCP_FIN 0x01
#define PKT_TCP_SYN 0x02
#define PKT_TCP_RST 0x04
#define PKT_TCP_PSH 0x08
#define PKT_TCP_ACK 0x10

/* One decoded TCP segment; payload points into the frame (borrowed). */
struct pkt_tcp {
    int ipver;             /* 4 or 6 */
    unsigned char src[16]; /* IPv4 uses the first 4 bytes */
    unsigned char dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* PKT_TCP_* */
    const unsigned char *payload;
    uint32_t cap_len; /* payload bytes present in the frame */
    uint32_t seg_len; /* payload length on the wire (>= cap_len) */
};

/*
 * Decode a frame of link type link (enum pkt_link).  caplen bytes of data
 * are present; origlen is the length on the wire (used for segments cut
 * by the snapshot length and IPv4 total length 0 from segmentation
 * offload).
 */
enum pkt_result pkt_decode(int link, const unsigned char *data, uint32_t caplen,
                           uint32_t origlen, struct pkt_tcp *out);

/* Human-readable name of a result, for warnings. */
const char *pkt_decode_result_str(enum pkt_result r);

/* Format an address ("192.0.2.1" or "2001:db8::1") into out (>= 46). */
void pkt_decode_addr_str(int ipver, const unsigned char *addr, char *out,
                         unsigned outlen);

#endif
