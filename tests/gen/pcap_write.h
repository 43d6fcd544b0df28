/*
 * Byte helpers shared by the capture generators: big-endian network
 * fields, little-endian pcap fields, and the pcap file header (µs times,
 * Ethernet, snaplen 65535).  Header-only: each generator is one program.
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

/* Write the 24-byte pcap file header to f; returns its size. */
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

static inline size_t
pcap_write_header(FILE *f)
{
    unsigned char h[24];

    memset(h, 0, sizeof h);
    le32(h, 0xA1B2C3D4);
    h[4] = 2;
    h[6] = 4;
    le32(h + 16, 65535);
    le32(h + 20, 1);
    return fwrite(h, 1, sizeof h, f);
}

#endif
