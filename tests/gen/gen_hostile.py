#!/usr/bin/env python3
"""Fixture generator: the hostile-strings corpus, one incident seen three
ways, every text field carrying what a terminal or a browser would act on.

    gen_hostile.py DIR

writes DIR/u_ex240305.log (a W3C log: raw bytes, including a NUL, a lone
C1 CSI and invalid UTF-8, plus one line with a 1 MB URL), DIR/hostile.pcap
(an HTTP exchange whose request line, headers and reason phrase carry raw
control bytes and a 60 KB header) and DIR/hostile.xml (a Log Parser trace:
XML cannot carry most C0 controls, so C1, bidi and DEL come as character
references, with a 1 MB UserData field).  Each payload holds a marker
(PWN...) a test can look for in raw output.
"""
import struct
import sys

GUID = '{00000000-0000-0000-4c06-0060000000ef}'

# Payloads as bytes: a terminal title change (OSC 0 ... BEL), clear screen
# (CSI 2 J), a C1 CSI as a raw byte and as UTF-8 U+009B, bidi override and
# isolate, backspace, DEL, invalid UTF-8, HTML.
OSC = b'\x1b]0;PWNTITLE\x07'
CLR = b'\x1b[2JPWNCLR'
C1RAW = b'\x9b31mPWNC1RAW'
C1UTF8 = b'\xc2\x9b32mPWNC1UTF'
BIDI = b'\xe2\x80\xaePWNBIDI\xe2\x81\xa6x\xe2\x81\xa9'
MISC = b'a\x08b\x7fc\xff\xfe\xc0\xafPWNBAD'
HTML = b'<script>alert("PWNHTML")</script>&amp;<b>'


def w3c(path):
    """Fields are space-separated, so payloads avoid spaces."""
    head = (b'#Software: Microsoft Internet Information Services 10.0\r\n'
            b'#Version: 1.0\r\n'
            b'#Date: 2024-03-05 10:15:00\r\n'
            b'#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query '
            b's-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status '
            b'sc-substatus sc-win32-status time-taken\r\n')
    lines = [
        (b'2024-03-05 10:15:23 198.51.100.5 POST /cgi-bin/' + OSC + CLR +
         b' q=' + C1RAW + b' 80 - 192.0.2.10 UA' + C1UTF8 + BIDI + b' ' +
         HTML + b' 502 2 0 3750'),
        (b'2024-03-05 10:15:24 198.51.100.5 GET' + b'\x1b[31m' + b' /nul' +
         b'\x00PWNNUL' + b'x - 80 - 192.0.2.10 ' + MISC + b' - 500 0 0 1'),
        # 1 MB URL
        (b'2024-03-05 10:15:25 198.51.100.5 GET /big' + b'B' * 1000000 +
         b' - 80 - 192.0.2.11 curl - 200 0 0 2'),
    ]
    with open(path, 'wb') as f:
        f.write(head + b'\r\n'.join(lines) + b'\r\n')


def pkt(src, dst, sport, dport, seq, ack, flags, payload=b''):
    tcp = struct.pack('>HHIIBBHHH', sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + payload
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                     bytes(src), bytes(dst))
    eth = bytes.fromhex('001122334455') + bytes.fromhex('66778899aabb')
    return eth + b'\x08\x00' + ip + tcp


def pcap(path):
    c, s = [192, 0, 2, 10], [198, 51, 100, 5]
    req = (b'POST /cgi-bin/' + OSC + CLR + b'?' + C1RAW + b' HTTP/1.1\r\n'
           b'Host: www.example.com\r\n'
           b'User-Agent: ' + C1UTF8 + BIDI + HTML + b'\r\n'
           b'X-Nul: a\x00PWNNUL\r\n'
           b'X-Misc: ' + MISC + b'\r\n'
           b'X-Big: ' + b'H' * 60000 + b'\r\n'
           b'Content-Length: 0\r\n\r\n')
    resp = (b'HTTP/1.1 502 Bad' + OSC + b'Gateway' + C1RAW + b'\r\n'
            b'Server: ' + CLR + BIDI + b'\r\n'
            b'Content-Length: 0\r\n\r\n')
    frames = [pkt(c, s, 40000, 80, 100, 0, 0x02),
              pkt(s, c, 80, 40000, 500, 101, 0x12),
              pkt(c, s, 40000, 80, 101, 501, 0x10)]
    seq = 101
    # Segments of at most 1400 bytes.
    for i in range(0, len(req), 1400):
        part = req[i:i + 1400]
        frames.append(pkt(c, s, 40000, 80, seq, 501, 0x18, part))
        seq += len(part)
    frames += [pkt(s, c, 80, 40000, 501, seq, 0x18, resp),
               pkt(c, s, 40000, 80, seq, 501 + len(resp), 0x11),
               pkt(s, c, 80, 40000, 501 + len(resp), seq + 1, 0x11)]
    with open(path, 'wb') as out:
        out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, f in enumerate(frames):
            out.write(struct.pack('<IIII', 1709633723, 1000 * i, len(f),
                                  len(f)) + f)


def xml_refs(b):
    """Bytes to XML text: markup escaped, non-XML bytes as char refs where
    XML allows them (C1, DEL), dropped where it does not (C0, invalid)."""
    out = []
    for ch in b.decode('utf-8', errors='ignore'):
        o = ord(ch)
        if ch in '<>&"':
            out.append('&#%d;' % o)
        elif o < 0x20 and ch not in '\t\r\n':
            continue
        elif o >= 0x7f:
            out.append('&#x%x;' % o)
        else:
            out.append(ch)
    return ''.join(out)


def etw(path):
    url = xml_refs(b'http://www.example.com/cgi-bin/' + C1UTF8 + BIDI +
                   HTML) + '&#x9b;&#x85;&#x7f;&#x202e;PWNREF'
    hdr = xml_refs(b'Status: 200\r\n' + HTML + BIDI) + '&#x9b;PWNHDR'
    big = 'U' * (1 << 20)
    rows = [
        (391, 'IISGeneral', 'GENERAL_REQUEST_START', '2024-03-05 10:15:23',
         'ContextId=%s|SiteId=1|AppPoolId=Default&#x202e;Pool|ConnId=1|'
         'RawConnId=0|RequestURL=%s|RequestVerb=POST' % (GUID, url)),
        (405, 'IISCGI', 'CGI_LAUNCH', '2024-03-05 10:15:23',
         'ContextId=%s|CommandLine="C:\\cgi\\&#x9b;x.exe" &#x85;'
         '|ErrorCode=0x00000000|ProcessId=3136' % GUID),
        (441, 'IISCGI', 'CGI_PREMATURE_TERMINATION', '2024-03-05 10:15:26',
         'ContextId=%s|Headers=%s' % (GUID, hdr)),
        (442, 'IISGeneral', 'GENERAL_REQUEST_HEADERS', '2024-03-05 10:15:26',
         'ContextId=%s|Headers=%s' % (GUID, big)),
        (446, 'IISGeneral', 'GENERAL_REQUEST_END', '2024-03-05 10:15:27',
         'ContextId=%s|BytesSent=370|BytesReceived=5|HttpStatus=502|'
         'HttpSubStatus=2' % GUID),
    ]
    with open(path, 'w', encoding='utf-8') as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<ROOT>\n')
        for n, cls, name, ts, ud in rows:
            f.write('<ROW><EventNumber>%d</EventNumber><EventName>%s'
                    '</EventName><EventTypeName>%s</EventTypeName>'
                    '<Timestamp>%s</Timestamp><UserData>%s</UserData></ROW>\n'
                    % (n, cls, name, ts, ud))
        f.write('</ROOT>\n')


def main():
    d = sys.argv[1]
    w3c(d + '/u_ex240305.log')
    pcap(d + '/hostile.pcap')
    etw(d + '/hostile.xml')


main()
