/*
 * Byte helpers shared by the capture generators: big-endian network
 * fields, little-endian pcap fields, and the pcap file header (µs times,
 * Ethernet unless told, snaplen 65535).  Header-only: each generator is one
 * program.
 */
#ifndef PCAP_WRITE_H
#define PCAP_WRITE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static inline void
put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static inline void
put32(unsigned char *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xFFFF);
}

static inline void
le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* A TCP header of 20 bytes (no options, window 65535), then the payload. */
static inline void
tcp_write(unsigned char *tcp, unsigned sport, unsigned dport, uint32_t seq,
          uint32_t ack, unsigned flags, const void *data, size_t len)
{
    memset(tcp, 0, 20);
    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, seq);
    put32(tcp + 8, ack);
    tcp[12] = 5 << 4;
    tcp[13] = (unsigned char)flags;
    put16(tcp + 14, 65535);
    if (len > 0)
        memcpy(tcp + 20, data, len);
}

/* TCP flag bits. */
#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10

/* One TCP connection over IPv4 and Ethernet, as a capture writer sees it. */
struct tcp_conn {
    uint32_t caddr, saddr;
    uint16_t cport, sport;
    uint32_t cseq, sseq; /* next sequence number of each side */
};

/* Largest record tcp_conn_frame writes (payload up to mss 1460). */
#define TCP_FRAME_MAX (16 + 14 + 20 + 20 + 1460)

/*
 * Build one pcap record (16-byte header, Ethernet, IPv4, TCP, len bytes
 * of data, len <= 1460) at us (µs since 1970) from side dir (0 client) of
 * c into f, which holds TCP_FRAME_MAX bytes; advance that side's sequence
 * number.  Returns the record's size.
 */
static inline size_t
tcp_conn_frame(unsigned char *f, struct tcp_conn *c, int64_t us, int dir,
               unsigned flags, const void *data, size_t len)
{
    unsigned char *e = f + 16, *ip = e + 14, *tcp = ip + 20;
    size_t n = 14 + 20 + 20 + len;
    uint32_t *seq = dir == 0 ? &c->cseq : &c->sseq;

    le32(f, (uint32_t)(us / 1000000));
    le32(f + 4, (uint32_t)(us % 1000000));
    le32(f + 8, (uint32_t)n);
    le32(f + 12, (uint32_t)n);
    memset(e, 0, 12);
    e[5] = dir == 0 ? 1 : 2;
    e[11] = dir == 0 ? 2 : 1;
    put16(e + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(40 + len));
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, dir == 0 ? c->caddr : c->saddr);
    put32(ip + 16, dir == 0 ? c->saddr : c->caddr);
    tcp_write(tcp, dir == 0 ? c->cport : c->sport,
              dir == 0 ? c->sport : c->cport, *seq,
              dir == 0 ? c->sseq : c->cseq, flags, data, len);
    *seq += (uint32_t)len + ((flags & (TCPF_SYN | TCPF_FIN)) ? 1 : 0);
    return 16 + n;
}

/*
 * An IIS-like response: status line, Server, the extra header lines
 * (each ending in CRLF, "" for none), Content-Length, then n bytes of
 * filler body (cut at cap).  Returns the whole length.
 */
static inline size_t
http_response(char *buf, size_t cap, int status, const char *reason,
              const char *extra, size_t n)
{
    int h = snprintf(buf, cap,
                     "HTTP/1.1 %d %s\r\nServer: Microsoft-IIS/6.0\r\n"
                     "%sContent-Length: %zu\r\n\r\n",
                     status, reason, extra, n);
    size_t i;

    for (i = 0; i < n && (size_t)h + i < cap; i++)
        buf[h + i] = (char)('a' + i % 26);
    return (size_t)h + n;
}

/*
 * Write the 24-byte pcap file header to f with the link-type field lt
 * (a LINKTYPE_ value, with FCS bits above it if wanted); returns its size.
 */
static inline size_t
pcap_write_header_link(FILE *f, uint32_t lt)
{
    unsigned char h[24];

    memset(h, 0, sizeof h);
    le32(h, 0xA1B2C3D4);
    h[4] = 2;
    h[6] = 4;
    le32(h + 16, 65535);
    le32(h + 20, lt);
    return fwrite(h, 1, sizeof h, f);
}

/* Write the 24-byte pcap file header (Ethernet) to f; returns its size. */
static inline size_t
pcap_write_header(FILE *f)
{
    return pcap_write_header_link(f, 1);
}

#endif
