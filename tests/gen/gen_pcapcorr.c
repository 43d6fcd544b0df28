/*
 * Fixture generator for capture <-> IIS correlation: captures with exact
 * frame times, and the IIS ETW rows (Log Parser XML, times truncated to
 * the second) they should or should not match.
 *
 *   gen_pcapcorr seed OUT.pcap
 *       The seed exchange of the Microsoft CGI guide as a client-side
 *       capture whose clock runs 1.6 s behind the server: a POST of the
 *       seed URL to btdatashare.btboces.org with Content-Length 105906875
 *       (the first and last body segments are in the file, the middle
 *       was not captured), answered after 6 min 40 s by IIS 6's 502 with
 *       its 232-byte CGI error page, then a reset.  Pairs with gen_etw.
 *   gen_pcapcorr skew DIR
 *       DIR/etw.xml: six requests (also split in DIR/etw-part1.xml and
 *       DIR/etw-part2.xml); DIR/capture.pcap: the same six seen by a
 *       capture whose clock is 5 s ahead, plus one exchange IIS never
 *       saw (/static/logo.gif).
 *   gen_pcapcorr ambiguous DIR
 *       Two identical GETs of /app/poll.aspx in the same second on both
 *       sides (cannot be told apart), and one unique GET.
 *   gen_pcapcorr w3c DIR
 *       One GET IIS logged (ETW without client address, W3C line with
 *       c-ip 192.0.2.7); the capture holds it and the same GET from
 *       192.0.2.99 in the same second.
 *
 * Everything is deterministic.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_write.h"

#define MSS 1460

#define F_FIN TCPF_FIN
#define F_SYN TCPF_SYN
#define F_RST TCPF_RST
#define F_PSH TCPF_PSH
#define F_ACK TCPF_ACK

/* 2005-08-23T20:18:00Z, the start of the seed trace. */
#define BASE_S 1124828280LL

static FILE *out;

/* The pcap file header: µs times, Ethernet. */
static void
pcap_header(void)
{
    pcap_write_header(out);
}

/* One frame at us (µs since 1970) from side dir (0 client) of c. */
static void
frame(struct tcp_conn *c, int64_t us, int dir, uint8_t flags, const void *data,
      size_t len)
{
    unsigned char f[TCP_FRAME_MAX];

    fwrite(f, 1, tcp_conn_frame(f, c, us, dir, flags, data, len), out);
}

/* Open c at us: SYN, SYN-ACK, ACK 0.4 ms apart. */
static void
handshake(struct tcp_conn *c, int64_t us)
{
    frame(c, us, 0, F_SYN, NULL, 0);
    frame(c, us + 400, 1, F_SYN | F_ACK, NULL, 0);
    frame(c, us + 500, 0, F_ACK, NULL, 0);
}

/* Send a message from dir at us in MSS segments 0.1 ms apart. */
static void
message(struct tcp_conn *c, int64_t us, int dir, const char *data, size_t len)
{
    size_t off = 0;

    while (off < len) {
        size_t n = len - off < MSS ? len - off : MSS;

        frame(c, us, dir, F_ACK | F_PSH, data + off, n);
        off += n;
        us += 100;
    }
}

static void
conn_init(struct tcp_conn *c, uint32_t caddr, uint16_t cport, uint32_t saddr)
{
    c->caddr = caddr;
    c->saddr = saddr;
    c->cport = cport;
    c->sport = 80;
    c->cseq = 0x3A000000u + (uint32_t)cport * 7919u;
    c->sseq = 0x91000000u + (uint32_t)cport * 104729u;
}

/* ---- the seed ----------------------------------------------------------
 */

/* IIS 6's CGI error page, 232 bytes. */
static const char seed_body[] =
    "<html><head><title>Error</title></head><body><head><title>Error in "
    "CGI Application</title></head>\n<body><h1>CGI Error</h1>The specified "
    "CGI application misbehaved by not returning a complete set of HTTP "
    "headers.</body></body></html>";

static void
scen_seed(void)
{
    /* Capture clock = server clock - 1.6 s.  Server times: request start
     * 20:19:06.53, response 20:25:47.48 (ETW: 20:19:06, 20:25:47). */
    const int64_t skew = -1600000;
    int64_t t0 = (BASE_S + 66) * 1000000LL + 512000 + skew;
    int64_t t1 = (BASE_S + 467) * 1000000LL + 480000 + skew;
    const uint64_t total = 105906875;
    static char buf[65536];
    struct tcp_conn c;
    uint64_t sent;
    size_t n, k;
    int i;

    conn_init(&c, 0xC6336417u /* 198.51.100.23 */, 3287,
              0xCB007150u /* 203.0.113.80 */);
    handshake(&c, t0 - 18000);
    n = (size_t)snprintf(
        buf, sizeof buf,
        "POST /cgi-bin/htmlos.exe/00182.3.055317239900014075 HTTP/1.1\r\n"
        "Accept: image/gif, image/x-xbitmap, image/jpeg, */*\r\n"
        "Referer: "
        "http://btdatashare.btboces.org/cgi-bin/htmlos.exe/"
        "00182.3.055317239900014075\r\n"
        "Accept-Language: en-us\r\n"
        "Content-Type: multipart/form-data; "
        "boundary=---------------------------7d5a2f1b0a1c\r\n"
        "Accept-Encoding: gzip, deflate\r\n"
        "User-Agent: Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)\r\n"
        "Host: btdatashare.btboces.org\r\n"
        "Content-Length: %llu\r\n"
        "Connection: Keep-Alive\r\n"
        "Cache-Control: no-cache\r\n\r\n",
        (unsigned long long)total);
    message(&c, t0, 0, buf, n);
    /* The first body segments... */
    n = (size_t)snprintf(buf, sizeof buf,
                         "-----------------------------7d5a2f1b0a1c\r\n"
                         "Content-Disposition: form-data; name=\"upload\"; "
                         "filename=\"C:\\data\\district-export.zip\"\r\n"
                         "Content-Type: application/x-zip-compressed\r\n\r\n");
    for (k = n; k < 8 * MSS; k++)
        buf[k] = (char)('A' + k % 23);
    message(&c, t0 + 2000, 0, buf, 8 * MSS);
    sent = 8 * MSS;
    frame(&c, t0 + 3200, 1, F_ACK, NULL, 0);
    /* ...then a gap (not captured), then the last ones, ending exactly at
     * Content-Length. */
    c.cseq += (uint32_t)(total - sent - 8 * MSS);
    for (i = 0; i < 8; i++) {
        for (k = 0; k < MSS; k++)
            buf[k] = (char)('a' + (k + (size_t)i) % 26);
        if (i == 7) {
            static const char tail[] =
                "\r\n-----------------------------7d5a2f1b0a1c--\r\n";

            memcpy(buf + MSS - (sizeof tail - 1), tail, sizeof tail - 1);
        }
        frame(&c, t1 - 60000 + i * 150, 0, F_ACK | F_PSH, buf, MSS);
    }
    frame(&c, t1 - 52000, 1, F_ACK, NULL, 0);
    n = (size_t)snprintf(buf, sizeof buf,
                         "HTTP/1.1 502 Bad Gateway\r\n"
                         "Server: Microsoft-IIS/6.0\r\n"
                         "Date: Tue, 23 Aug 2005 20:25:47 GMT\r\n"
                         "Content-Type: text/html\r\n"
                         "Content-Length: %zu\r\n\r\n%s",
                         sizeof seed_body - 1, seed_body);
    message(&c, t1, 1, buf, n);
    frame(&c, t1 + 900, 0, F_ACK, NULL, 0);
    frame(&c, t1 + 1100, 1, F_RST | F_ACK, NULL, 0);
}

/* ---- IIS rows and matching captures ------------------------------------
 */

/* One IIS request: true server times in ms after the base. */
struct iis_req {
    const char *verb, *path;
    int64_t start_ms, end_ms;
    int status;
    uint16_t cport; /* client port of its connection in the capture */
    int in_iis;     /* IIS saw it (has ETW rows) */
    uint32_t caddr; /* client address in the capture; 0: 192.0.2.7 */
};

struct row {
    int64_t s; /* truncated second after the base */
    int ord;
    char text[512];
};

static int
row_cmp(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->ord - y->ord;
}

/*
 * Write Log Parser XML rows for the requests IIS saw (part 0: all, 1 and
 * 2: every other one).  guid tells scenarios' requests apart.
 */
static int
write_etw(const char *path, const struct iis_req *r, int n, int64_t base_s,
          unsigned guid0, int part)
{
    struct row *rows = calloc((size_t)(2 * n), sizeof *rows);
    FILE *f = fopen(path, "w");
    int i, nr = 0;

    if (rows == NULL || f == NULL) {
        perror(path);
        return 1;
    }
    for (i = 0; i < n; i++) {
        char guid[64];

        if (!r[i].in_iis || (part != 0 && i % 2 != part - 1))
            continue;
        snprintf(guid, sizeof guid, "{00000000-0000-0000-5a00-%012x}",
                 guid0 + (unsigned)i);
        rows[nr].s = r[i].start_ms / 1000;
        rows[nr].ord = nr;
        snprintf(rows[nr].text, sizeof rows[nr].text,
                 "GENERAL_REQUEST_START|ContextId=%s|SiteId=1|AppPoolId="
                 "DefaultAppPool|ConnId=-%d|RawConnId=0|RequestURL="
                 "http://www.example.com:80%s|RequestVerb=%s",
                 guid, 104729 * (i + 1), r[i].path, r[i].verb);
        nr++;
        rows[nr].s = r[i].end_ms / 1000;
        rows[nr].ord = nr;
        snprintf(rows[nr].text, sizeof rows[nr].text,
                 "GENERAL_REQUEST_END|ContextId=%s|BytesSent=%d|"
                 "BytesReceived=%d|HttpStatus=%d|HttpSubStatus=0",
                 guid, 400 + i, 300 + i, r[i].status);
        nr++;
    }
    qsort(rows, (size_t)nr, sizeof *rows, row_cmp);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<!DOCTYPE ROOT[\n"
          " <!ATTLIST ROOT DATE_CREATED CDATA #REQUIRED>\n"
          " <!ATTLIST ROOT CREATED_BY CDATA #REQUIRED>\n"
          " <!ELEMENT EventNumber (#PCDATA)>\n"
          " <!ELEMENT ROW (EventNumber, EventName, EventTypeName, "
          "Timestamp, UserData)>\n"
          " <!ELEMENT ROOT (ROW*)>\n"
          "]>\n"
          "<ROOT DATE_CREATED=\"2005-08-23 22:00:00\" "
          "CREATED_BY=\"Microsoft Log Parser V2.2\">\n",
          f);
    for (i = 0; i < nr; i++) {
        int64_t t = base_s + rows[i].s;
        char *bar = strchr(rows[i].text, '|');

        *bar = '\0';
        fprintf(f,
                "<ROW>\n  <EventNumber>%d</EventNumber>\n"
                "  <EventName>IISGeneral</EventName>\n"
                "  <EventTypeName>%s</EventTypeName>\n"
                "  <Timestamp>2005-08-23 %02d:%02d:%02d</Timestamp>\n"
                "  <UserData>%s</UserData>\n</ROW>\n",
                i + 1, rows[i].text, (int)(t / 3600 % 24), (int)(t / 60 % 60),
                (int)(t % 60), bar + 1);
    }
    fputs("</ROOT>\n", f);
    free(rows);
    return fclose(f) != 0;
}

/* Write the capture: each request on its own connection, the capture's
 * clock skew_us off the server's. */
static void
write_capture(const struct iis_req *r, int n, int64_t base_s, int64_t skew_us)
{
    char req[512], resp[512];
    int i;

    pcap_header();
    for (i = 0; i < n; i++) {
        struct tcp_conn c;
        int64_t s = (base_s * 1000 + r[i].start_ms) * 1000 + skew_us;
        int64_t e = (base_s * 1000 + r[i].end_ms) * 1000 + skew_us;
        size_t len;

        conn_init(&c,
                  r[i].caddr != 0 ? r[i].caddr : 0xC0000207u /* 192.0.2.7 */,
                  r[i].cport, 0xC0000250u /* 192.0.2.80 */);
        handshake(&c, s - 900);
        len = (size_t)snprintf(req, sizeof req,
                               "%s %s HTTP/1.1\r\nHost: www.example.com\r\n"
                               "User-Agent: gen_pcapcorr\r\n"
                               "Content-Length: 0\r\n\r\n",
                               r[i].verb, r[i].path);
        message(&c, s, 0, req, len);
        len = (size_t)snprintf(resp, sizeof resp,
                               "HTTP/1.1 %d X\r\nServer: Microsoft-IIS/6.0\r\n"
                               "Content-Length: 2\r\n\r\nok",
                               r[i].status);
        message(&c, e - 100, 1, resp, len);
        frame(&c, e + 300, 0, F_FIN | F_ACK, NULL, 0);
        frame(&c, e + 500, 1, F_FIN | F_ACK, NULL, 0);
    }
}

/* Write DIR/etw.xml, its halves DIR/etw-part1.xml and DIR/etw-part2.xml,
 * and DIR/capture.pcap. */
static int
scen_dir(const char *dir, const struct iis_req *r, int n, int64_t base_s,
         int64_t skew_us, unsigned guid0)
{
    char path[4096];
    int part;

    for (part = 0; part <= 2; part++) {
        if (part == 0)
            snprintf(path, sizeof path, "%s/etw.xml", dir);
        else
            snprintf(path, sizeof path, "%s/etw-part%d.xml", dir, part);
        if (write_etw(path, r, n, base_s, guid0, part) != 0)
            return 1;
    }
    snprintf(path, sizeof path, "%s/capture.pcap", dir);
    out = fopen(path, "wb");
    if (out == NULL) {
        perror(path);
        return 1;
    }
    write_capture(r, n, base_s, skew_us);
    return fclose(out) != 0;
}

static const struct iis_req skew_reqs[] = {
    {"GET", "/app/a.aspx", 10120, 10180, 200, 4001, 1, 0},
    {"GET", "/app/b.aspx", 12730, 12790, 200, 4002, 1, 0},
    {"POST", "/app/c.aspx", 15410, 15900, 302, 4003, 1, 0},
    {"GET", "/app/d.aspx?id=7", 18960, 19020, 404, 4004, 1, 0},
    {"GET", "/app/e.aspx", 21350, 21400, 500, 4005, 1, 0},
    {"GET", "/app/f.aspx", 24600, 24650, 200, 4006, 1, 0},
    {"GET", "/static/logo.gif", 30200, 30210, 200, 4007, 0, 0},
};

static const struct iis_req ambiguous_reqs[] = {
    {"GET", "/app/poll.aspx", 5200, 5250, 200, 5001, 1, 0},
    {"GET", "/app/poll.aspx", 5600, 5650, 200, 5002, 1, 0},
    {"GET", "/app/unique.aspx", 8400, 8450, 200, 5003, 1, 0},
};

/* One request IIS saw from 192.0.2.7; the capture also holds the same
 * GET from 192.0.2.99 in the same second.  Only the W3C line's c-ip tells
 * them apart. */
static const struct iis_req w3c_reqs[] = {
    {"GET", "/app/report.aspx", 10300, 10700, 200, 6001, 1, 0},
    {"GET", "/app/report.aspx", 10400, 10650, 200, 6002, 0, 0xC0000263u},
};

/* DIR/etw.xml, DIR/capture.pcap and DIR/u_ex050823.log. */
static int
scen_w3c(const char *dir)
{
    char path[4096];
    FILE *f;

    if (scen_dir(dir, w3c_reqs, 2, BASE_S + 9120, 0, 0xb0010) != 0)
        return 1;
    snprintf(path, sizeof path, "%s/u_ex050823.log", dir);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        return 1;
    }
    /* End 22:50:10.700 truncated; time-taken 400 ms. */
    fputs("#Software: Microsoft Internet Information Services 6.0\r\n"
          "#Version: 1.0\r\n#Date: 2005-08-23 22:50:00\r\n"
          "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "
          "s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus "
          "sc-win32-status time-taken\r\n"
          "2005-08-23 22:50:10 192.0.2.80 GET /app/report.aspx - 80 - "
          "192.0.2.7 gen_pcapcorr 200 0 0 400\r\n",
          f);
    return fclose(f) != 0;
}

int
main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gen_pcapcorr seed OUT.pcap | "
                        "gen_pcapcorr skew|ambiguous|w3c DIR\n");
        return 2;
    }
    if (strcmp(argv[1], "seed") == 0) {
        out = fopen(argv[2], "wb");
        if (out == NULL) {
            perror(argv[2]);
            return 1;
        }
        pcap_header();
        scen_seed();
        return fclose(out) != 0;
    }
    /* 21:00:00 and 22:00:00 on the seed's day. */
    if (strcmp(argv[1], "skew") == 0)
        return scen_dir(argv[2], skew_reqs,
                        (int)(sizeof skew_reqs / sizeof *skew_reqs),
                        BASE_S + 2520, 5000000, 0xc0010);
    if (strcmp(argv[1], "ambiguous") == 0)
        return scen_dir(argv[2], ambiguous_reqs,
                        (int)(sizeof ambiguous_reqs / sizeof *ambiguous_reqs),
                        BASE_S + 6120, 0, 0xa0010);
    if (strcmp(argv[1], "w3c") == 0)
        return scen_w3c(argv[2]);
    fprintf(stderr, "gen_pcapcorr: unknown scenario %s\n", argv[1]);
    return 2;
}
