#!/usr/bin/env python3
"""Fixture generator: a tiny libpcap capture (Ethernet, IPv4, TCP) of one
HTTP/1.1 exchange whose request carries a password parameter, <script>, a
Cookie and an Authorization header, and whose 502 response sets a cookie.
Every secret contains SECRET, so report tests can grep for leaks.

    gen_secrets_pcap.py OUT.pcap
"""
import struct
import sys


def pkt(src, dst, sport, dport, seq, ack, flags, payload=b''):
    tcp = struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    eth = bytes.fromhex('001122334455') + bytes.fromhex('66778899aabb')
    return eth + b'\x08\x00' + ip + tcp


def main():
    c, s = [10, 0, 0, 1], [10, 0, 0, 2]
    req = (b'GET /app/login.aspx?user=bob&password=SECRETPASS'
           b'&x=<script>"q"</script> HTTP/1.1\r\n'
           b'Host: shop.example\r\n'
           b'Cookie: ASP.NET_SessionId=SECRETCOOKIE\r\n'
           b'Authorization: Bearer SECRETBEARER\r\n\r\n')
    resp = (b'HTTP/1.1 502 Bad Gateway\r\n'
            b'Set-Cookie: sid=SECRETSETCOOKIE; path=/\r\n'
            b'Content-Length: 0\r\n\r\n')
    frames = [
        pkt(c, s, 40000, 80, 100, 0, 0x02),
        pkt(s, c, 80, 40000, 500, 101, 0x12),
        pkt(c, s, 40000, 80, 101, 501, 0x10),
        pkt(c, s, 40000, 80, 101, 501, 0x18, req),
        pkt(s, c, 80, 40000, 501, 101 + len(req), 0x18, resp),
        pkt(c, s, 40000, 80, 101 + len(req), 501 + len(resp), 0x11),
        pkt(s, c, 80, 40000, 501 + len(resp), 102 + len(req), 0x11),
    ]
    with open(sys.argv[1], 'wb') as out:
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            out.write(struct.pack('<IIII', 1124828346 + i, 1000 * i, len(f),
                                  len(f)) + f)


main()
