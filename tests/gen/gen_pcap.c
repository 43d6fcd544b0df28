/*
 * Synthetic capture generator for tests and the benchmark.  Writes a
 * libpcap file (Ethernet, IPv4, TCP) of HTTP/1.1 conversations:
 *
 *   gen_pcap ooo|retrans|midstream|pipelined|iis502|keepfin|rst502|
 *            cuthead|cutresp OUT
 *   gen_pcap bench OUT SIZE_MB [CONNS]
 *
 * Scenario files are small and their expected exchanges are checked by
 * tests/cli/test_pcap_generated.sh.  bench streams SIZE_MB of many
 * interleaved keep-alive connections (statuses 200, 404, 502) and prints
 * how many requests of each status it wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcap_write.h"

#define MSS    1460
#define MAXPKT 4096

struct pkt {
    uint32_t saddr, daddr;
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    size_t len;
    size_t snap; /* captured payload bytes when cut by the snaplen, else 0 */
    unsigned char data[MSS];
};

struct conn {
    uint32_t caddr, saddr;
    uint16_t cport, sport;
    uint32_t cseq, sseq; /* next sequence number of each side */
};

static struct pkt *pkts;
static size_t npkts;
static FILE *out;
static uint64_t usec = 1124828747000000ULL; /* 2005-08-23T20:25:47Z */
static uint64_t bytes_written;

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* Write the pcap file header. */
static void
write_header(void)
{
    bytes_written += pcap_write_header(out);
}

/* Write one packet as a frame (Ethernet + IPv4 + TCP). */
static void
write_pkt(const struct pkt *p)
{
    unsigned char f[16 + 14 + 20 + 20 + MSS];
    unsigned char *e = f + 16, *ip = e + 14, *tcp = ip + 20;
    size_t n = 14 + 20 + 20 + p->len;
    size_t cap = p->snap > 0 && p->snap < p->len ? n - p->len + p->snap : n;

    usec += 37;
    le32(f, (uint32_t)(usec / 1000000));
    le32(f + 4, (uint32_t)(usec % 1000000));
    le32(f + 8, (uint32_t)cap);
    le32(f + 12, (uint32_t)n);
    memset(e, 0, 12);
    e[5] = 1;
    e[11] = 2;
    put16(e + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (unsigned)(40 + p->len));
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, p->saddr);
    put32(ip + 16, p->daddr);
    tcp_write(tcp, p->sport, p->dport, p->seq, p->ack, p->flags, p->data,
              p->len);
    fwrite(f, 1, 16 + cap, out);
    bytes_written += 16 + cap;
}

/* Queue (scenarios) or write (bench) a packet. */
static void
emit(const struct pkt *p, int queue)
{
    if (!queue) {
        write_pkt(p);
        return;
    }
    if (npkts == MAXPKT) {
        fprintf(stderr, "gen_pcap: too many packets\n");
        exit(1);
    }
    pkts[npkts++] = *p;
}

/* A packet from side dir (0 client) of c with data, advancing seq. */
static void
send_seg(struct conn *c, int dir, uint8_t flags, const void *data, size_t len,
         int queue)
{
    struct pkt p;

    p.saddr = dir == 0 ? c->caddr : c->saddr;
    p.daddr = dir == 0 ? c->saddr : c->caddr;
    p.sport = dir == 0 ? c->cport : c->sport;
    p.dport = dir == 0 ? c->sport : c->cport;
    p.seq = dir == 0 ? c->cseq : c->sseq;
    p.ack = dir == 0 ? c->sseq : c->cseq;
    p.flags = flags;
    p.len = len;
    p.snap = 0;
    if (len > 0)
        memcpy(p.data, data, len);
    emit(&p, queue);
    if (dir == 0)
        c->cseq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
    else
        c->sseq += (uint32_t)len + ((flags & (F_SYN | F_FIN)) ? 1 : 0);
}

/* Send a whole message in MSS segments. */
static void
send_msg(struct conn *c, int dir, const char *data, size_t len, int queue)
{
    size_t off = 0;

    while (off < len) {
        size_t n = len - off < MSS ? len - off : MSS;

        send_seg(c, dir, F_ACK | F_PSH, data + off, n, queue);
        off += n;
    }
}

static void
handshake(struct conn *c, int queue)
{
    send_seg(c, 0, F_SYN, NULL, 0, queue);
    send_seg(c, 1, F_SYN | F_ACK, NULL, 0, queue);
    send_seg(c, 0, F_ACK, NULL, 0, queue);
}

static void
conn_init(struct conn *c, int n)
{
    c->caddr = 0x0A000001u + (uint32_t)(n / 50000);
    c->saddr = 0x0A0000FEu;
    c->cport = (uint16_t)(1024 + n % 50000);
    c->sport = 80;
    c->cseq = 0x10000000u * (uint32_t)(n % 16) + 12345u * (uint32_t)n;
    c->sseq = 0xFFFFF000u - 777u * (uint32_t)n; /* some wrap around */
}

/* A response with a body of n bytes of filler. */
static size_t
response(char *buf, size_t cap, int status, const char *reason, size_t n)
{
    return http_response(buf, cap, status, reason,
                         "Content-Type: text/html\r\n", n);
}

static size_t
request(char *buf, size_t cap, const char *method, const char *target)
{
    int h = snprintf(buf, cap,
                     "%s %s HTTP/1.1\r\nHost: gen.example\r\n"
                     "User-Agent: gen_pcap\r\nAccept: */*\r\n\r\n",
                     method, target);

    return (size_t)h;
}

static void
flush_queue(void)
{
    size_t i;

    for (i = 0; i < npkts; i++)
        write_pkt(&pkts[i]);
    npkts = 0;
}

static void
swap(size_t a, size_t b)
{
    struct pkt t = pkts[a];

    pkts[a] = pkts[b];
    pkts[b] = t;
}

static char big[1 << 20];

/* A request, from the client, in as many segments as it needs. */
static void
send_request(struct conn *c, const char *method, const char *target)
{
    size_t n = request(big, sizeof big, method, target);

    send_msg(c, 0, big, n, 1);
}

/* A whole request, then its response, each sent in order on c. */
static void
exchange(struct conn *c, const char *method, const char *target, int status,
         const char *reason, size_t body)
{
    size_t n;

    send_request(c, method, target);
    n = response(big, sizeof big, status, reason, body);
    send_msg(c, 1, big, n, 1);
}

/* Out of order: request and response segments swapped in the file. */
static void
scen_ooo(void)
{
    struct conn c;
    size_t n, first;

    conn_init(&c, 1);
    handshake(&c, 1);
    /* The request in two segments, the second captured first. */
    n = request(big, sizeof big, "GET", "/ooo");
    first = npkts;
    send_seg(&c, 0, F_ACK, big, 10, 1);
    send_seg(&c, 0, F_ACK | F_PSH, big + 10, n - 10, 1);
    swap(first, first + 1);
    n = response(big, sizeof big, 200, "OK", 5000);
    first = npkts;
    send_msg(&c, 1, big, n, 1);
    swap(first + 1, first + 2);
    swap(first + 2, first + 3);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/* Retransmissions: duplicates and an overlapping resend. */
static void
scen_retrans(void)
{
    struct conn c;
    size_t n, first, i;
    struct pkt dup, over;

    conn_init(&c, 2);
    handshake(&c, 1);
    send_request(&c, "GET", "/retrans");
    pkts[npkts] = pkts[npkts - 1]; /* the request again */
    npkts++;
    n = response(big, sizeof big, 200, "OK", 5000);
    first = npkts;
    send_msg(&c, 1, big, n, 1);
    dup = pkts[first + 1];
    over = pkts[first + 1];
    /* Overlap: from the middle of segment 2 into segment 3. */
    over.seq += 700;
    memcpy(over.data, pkts[first + 1].data + 700, MSS - 700);
    memcpy(over.data + MSS - 700, pkts[first + 2].data, 700);
    for (i = npkts; i > first + 3; i--)
        pkts[i + 1] = pkts[i - 1];
    pkts[first + 3] = dup;
    pkts[first + 4] = over;
    npkts += 2;
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/* Capture starts mid-connection, inside a response body. */
static void
scen_midstream(void)
{
    struct conn c;
    size_t skip;

    conn_init(&c, 3);
    handshake(&c, 1);
    exchange(&c, "GET", "/m0", 200, "OK", 4000);
    skip = npkts - 1; /* keep only the last body segment */
    exchange(&c, "GET", "/m1", 200, "OK", 100);
    exchange(&c, "POST", "/m2", 404, "Not Found", 10);
    memmove(pkts, pkts + skip, (npkts - skip) * sizeof *pkts);
    npkts -= skip;
    flush_queue();
}

/* Pipelining: three requests in one segment, responses back to back. */
static void
scen_pipelined(void)
{
    struct conn c;
    size_t n = 0, m = 0;
    static char resp[8192];

    conn_init(&c, 4);
    handshake(&c, 1);
    n += request(big + n, sizeof big - n, "GET", "/p1");
    n += request(big + n, sizeof big - n, "HEAD", "/p2");
    n += request(big + n, sizeof big - n, "GET", "/p3");
    send_msg(&c, 0, big, n, 1);
    m += response(resp + m, sizeof resp - m, 200, "OK", 300);
    /* HEAD: headers say 5000, no body follows. */
    m += (size_t)snprintf(resp + m, sizeof resp - m,
                          "HTTP/1.1 404 Not Found\r\nContent-Length: 5000\r\n"
                          "\r\n");
    m += response(resp + m, sizeof resp - m, 502, "Bad Gateway", 232);
    send_msg(&c, 1, resp, m, 1);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/* The IIS 6 502.2 case: a POST answered early, then a reset. */
static void
scen_iis502(void)
{
    struct conn c;
    size_t n;
    int i;

    conn_init(&c, 5);
    handshake(&c, 1);
    n = (size_t)snprintf(big, sizeof big,
                         "POST /cgi-bin/upload.exe HTTP/1.1\r\nHost: "
                         "iis6.example\r\nExpect: 100-continue\r\n"
                         "Content-Length: 105906875\r\n\r\n");
    send_msg(&c, 0, big, n, 1);
    n = (size_t)snprintf(big, sizeof big, "HTTP/1.1 100 Continue\r\n\r\n");
    send_msg(&c, 1, big, n, 1);
    memset(big, 'x', MSS);
    for (i = 0; i < 20; i++)
        send_seg(&c, 0, F_ACK, big, MSS, 1);
    n = response(big, sizeof big, 502, "Bad Gateway", 232);
    send_msg(&c, 1, big, n, 1);
    send_seg(&c, 1, F_RST | F_ACK, NULL, 0, 1);
    flush_queue();
}

/*
 * Keep-alive: two exchanges on one connection, then both sides close.
 * Then a pipelined pair where the client half-closes after its second
 * request while the first response's body is still arriving.
 */
static void
scen_keepfin(void)
{
    struct conn c;
    size_t n;

    conn_init(&c, 6);
    handshake(&c, 1);
    exchange(&c, "GET", "/k1", 200, "OK", 100);
    exchange(&c, "GET", "/k2", 200, "OK", 50);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);

    conn_init(&c, 7);
    handshake(&c, 1);
    send_request(&c, "GET", "/p1");
    n = response(big, sizeof big, 200, "OK", 3000);
    send_seg(&c, 1, F_ACK, big, MSS, 1);
    send_msg(&c, 0, big + 65536, request(big + 65536, 4096, "GET", "/p2"), 1);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_msg(&c, 1, big + MSS, n - MSS, 1);
    n = response(big, sizeof big, 200, "OK", 60);
    send_msg(&c, 1, big, n, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/*
 * Resets: a 502 then a reset on a keep-alive connection; and a server
 * that closes an idle keep-alive connection (FIN) just as the client
 * sends a new request on it, which the server answers with a reset.
 */
static void
scen_rst502(void)
{
    struct conn c;

    conn_init(&c, 8);
    handshake(&c, 1);
    exchange(&c, "GET", "/r1", 200, "OK", 10);
    exchange(&c, "POST", "/cgi-bin/r2.exe", 502, "Bad Gateway", 232);
    send_seg(&c, 1, F_RST | F_ACK, NULL, 0, 1);

    conn_init(&c, 9);
    handshake(&c, 1);
    exchange(&c, "GET", "/s1", 200, "OK", 20);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    send_request(&c, "GET", "/s2");
    send_seg(&c, 1, F_RST, NULL, 0, 1);
    flush_queue();
}

/*
 * Request heads cut short: one exchange completes, then the capture
 * ends inside the next request's headers (request line complete, no
 * blank line).  A second connection ends inside its request line.  On a
 * third, the snapshot length cuts a request's frame inside its headers;
 * the server answers it and a second request follows.
 */
static void
scen_cuthead(void)
{
    struct conn c;
    size_t n;
    static const char cut[] = "GET /cut/page.aspx?id=7 HTTP/1.1\r\n"
                              "Host: gen.example\r\nUser-Agent: gen_p";
    static const char line[] = "POST /cgi-bin/upl";

    conn_init(&c, 10);
    handshake(&c, 1);
    exchange(&c, "GET", "/c1", 200, "OK", 40);
    send_msg(&c, 0, cut, sizeof cut - 1, 1);

    conn_init(&c, 11);
    handshake(&c, 1);
    send_msg(&c, 0, line, sizeof line - 1, 1);

    conn_init(&c, 12);
    handshake(&c, 1);
    n = (size_t)snprintf(big, sizeof big,
                         "GET /snap/report.aspx HTTP/1.1\r\nHost: "
                         "gen.example\r\nCookie: %0400d\r\nAccept: */*"
                         "\r\n\r\n",
                         7);
    send_msg(&c, 0, big, n, 1);
    pkts[npkts - 1].snap = 60; /* the request line and part of Host */
    n = response(big, sizeof big, 200, "OK", 30);
    send_msg(&c, 1, big, n, 1);
    exchange(&c, "GET", "/snap2", 404, "Not Found", 12);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/*
 * Response heads cut short (scen_cuthead's mirror).  Connection 13: two
 * pipelined requests; the first is answered in full, the capture ends
 * inside the 502 header lines of the second.  14: IIS answers a POST
 * upload with a 502 and resets the connection in the middle of its
 * header lines.  15: the server closes (FIN) inside the status line,
 * after the status code.  16: the capture ends inside the status code
 * (the response is dropped, the request kept).  17: the snapshot length
 * cuts a 502's frame inside its header lines; a second exchange follows.
 */
static void
scen_cutresp(void)
{
    struct conn c;
    size_t n;
    int i;
    static const char cut[] = "HTTP/1.1 502 Bad Gateway\r\n"
                              "Server: Microsoft-IIS/6.0\r\nContent-Le";
    static const char rst[] = "HTTP/1.1 502 Bad Gateway\r\n"
                              "Server: Microsoft-IIS/6.0\r\n"
                              "Date: Tue, 23 Aug 2005 20:25:47 GMT\r\nConte";
    static const char line[] = "HTTP/1.1 502 Bad Gat";
    static const char digits[] = "HTTP/1.1 50";

    conn_init(&c, 13);
    handshake(&c, 1);
    n = request(big, sizeof big, "GET", "/r1");
    n += request(big + n, sizeof big - n, "GET", "/cgi-bin/cut.exe");
    send_msg(&c, 0, big, n, 1);
    n = response(big, sizeof big, 200, "OK", 20);
    send_msg(&c, 1, big, n, 1);
    send_msg(&c, 1, cut, sizeof cut - 1, 1);

    conn_init(&c, 14);
    handshake(&c, 1);
    n = (size_t)snprintf(big, sizeof big,
                         "POST /cgi-bin/upload.exe HTTP/1.1\r\nHost: "
                         "gen.example\r\nContent-Length: 105906875\r\n\r\n");
    send_msg(&c, 0, big, n, 1);
    memset(big, 'x', MSS);
    for (i = 0; i < 3; i++)
        send_seg(&c, 0, F_ACK, big, MSS, 1);
    send_msg(&c, 1, rst, sizeof rst - 1, 1);
    send_seg(&c, 1, F_RST | F_ACK, NULL, 0, 1);

    conn_init(&c, 15);
    handshake(&c, 1);
    send_request(&c, "GET", "/cgi-bin/line.exe");
    send_msg(&c, 1, line, sizeof line - 1, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);

    conn_init(&c, 16);
    handshake(&c, 1);
    send_request(&c, "GET", "/cgi-bin/digits.exe");
    send_msg(&c, 1, digits, sizeof digits - 1, 1);

    conn_init(&c, 17);
    handshake(&c, 1);
    exchange(&c, "GET", "/cgi-bin/snap.exe", 502, "Bad Gateway", 232);
    pkts[npkts - 1].snap = 60; /* the status line and part of Server */
    exchange(&c, "GET", "/snap2", 200, "OK", 12);
    send_seg(&c, 0, F_FIN | F_ACK, NULL, 0, 1);
    send_seg(&c, 1, F_FIN | F_ACK, NULL, 0, 1);
    flush_queue();
}

/* Many interleaved keep-alive connections up to size_mb megabytes. */
static void
bench(uint64_t size_mb, int nconn)
{
    static char req[1024], resp[70000];
    struct conn *cs = calloc((size_t)nconn, sizeof *cs);
    int *left = calloc((size_t)nconn, sizeof *left);
    uint64_t limit = size_mb * 1024 * 1024, n200 = 0, n404 = 0, n502 = 0;
    uint64_t round = 0, next_id = 0;
    int i;

    if (cs == NULL || left == NULL)
        exit(1);
    for (i = 0; i < nconn; i++) {
        conn_init(&cs[i], (int)next_id++);
        handshake(&cs[i], 0);
        left[i] = 5 + i % 20;
    }
    while (bytes_written < limit) {
        for (i = 0; i < nconn && bytes_written < limit; i++) {
            uint64_t k = round * (uint64_t)nconn + (uint64_t)i;
            char target[64];
            size_t n;
            int st = k % 97 == 0 ? 502 : k % 11 == 0 ? 404 : 200;
            size_t body = st == 502     ? 232
                          : k % 10 == 3 ? 200 + (k * 7919) % 60000
                                        : 200 + (k * 7919) % 4000;

            snprintf(target, sizeof target, "/app/item%llu.aspx",
                     (unsigned long long)k);
            n = request(req, sizeof req, "GET", target);
            send_msg(&cs[i], 0, req, n, 0);
            n = response(resp, sizeof resp, st,
                         st == 200   ? "OK"
                         : st == 404 ? "Not Found"
                                     : "Bad Gateway",
                         body);
            send_msg(&cs[i], 1, resp, n, 0);
            if (st == 200)
                n200++;
            else if (st == 404)
                n404++;
            else
                n502++;
            if (--left[i] == 0) {
                /* Close and open a new connection in this slot. */
                send_seg(&cs[i], 0, F_FIN | F_ACK, NULL, 0, 0);
                send_seg(&cs[i], 1, F_FIN | F_ACK, NULL, 0, 0);
                conn_init(&cs[i], (int)next_id++);
                handshake(&cs[i], 0);
                left[i] = 5 + (int)(k % 20);
            }
        }
        round++;
    }
    for (i = 0; i < nconn; i++) {
        send_seg(&cs[i], 0, F_FIN | F_ACK, NULL, 0, 0);
        send_seg(&cs[i], 1, F_FIN | F_ACK, NULL, 0, 0);
    }
    printf("requests=%llu 200=%llu 404=%llu 502=%llu connections=%llu "
           "bytes=%llu\n",
           (unsigned long long)(n200 + n404 + n502), (unsigned long long)n200,
           (unsigned long long)n404, (unsigned long long)n502,
           (unsigned long long)next_id, (unsigned long long)bytes_written);
    free(cs);
    free(left);
}

int
main(int argc, char **argv)
{
    static char obuf[1 << 20];

    if (argc < 3) {
        fprintf(stderr, "usage: gen_pcap ooo|retrans|midstream|pipelined|"
                        "iis502|keepfin|rst502|cuthead|cutresp OUT | gen_pcap "
                        "bench "
                        "OUT SIZE_MB [CONNS]\n");
        return 2;
    }
    out = fopen(argv[2], "wb");
    if (out == NULL) {
        perror(argv[2]);
        return 1;
    }
    setvbuf(out, obuf, _IOFBF, sizeof obuf);
    pkts = calloc(MAXPKT, sizeof *pkts);
    if (pkts == NULL)
        return 1;
    write_header();
    if (strcmp(argv[1], "ooo") == 0)
        scen_ooo();
    else if (strcmp(argv[1], "retrans") == 0)
        scen_retrans();
    else if (strcmp(argv[1], "midstream") == 0)
        scen_midstream();
    else if (strcmp(argv[1], "pipelined") == 0)
        scen_pipelined();
    else if (strcmp(argv[1], "iis502") == 0)
        scen_iis502();
    else if (strcmp(argv[1], "keepfin") == 0)
        scen_keepfin();
    else if (strcmp(argv[1], "rst502") == 0)
        scen_rst502();
    else if (strcmp(argv[1], "cuthead") == 0)
        scen_cuthead();
    else if (strcmp(argv[1], "cutresp") == 0)
        scen_cutresp();
    else if (strcmp(argv[1], "bench") == 0 && argc >= 4)
        bench(strtoull(argv[3], NULL, 10),
              argc >= 5 ? (int)strtol(argv[4], NULL, 10) : 2000);
    else {
        fprintf(stderr, "gen_pcap: unknown scenario %s\n", argv[1]);
        return 2;
    }
    free(pkts);
    if (fclose(out) != 0) {
        perror(argv[2]);
        return 1;
    }
    return 0;
}
