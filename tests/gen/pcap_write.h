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
