/*
 * One realistic incident written as every source at once, with its ground
 * truth, for the correlation test (tests/cli/test_incident.sh) and the
 * benchmark table (tests/bench/incident_report.sh).
 *
 *   gen_incident iis6|iis7 SEED DIR
 *
 * About 60 s of one site's traffic: a few clients on keep-alive
 * connections, each page view a script (/app/page7.asp?id=N, now and then
 * a POST, a 500 or the CGI 502.2 of the seed) then a burst of static files
 * (/css/site.css, /js/app.js, ...: 200, 304, some 404), so the same file
 * and the same script with different queries come many times within one
 * second.  Some static 200s are served from HTTP.sys's kernel cache: IIS
 * itself (ETW, FREB) never sees them, the W3C log and the capture do.
 *
 *   iis6  DIR/etw-logparser.xml  Log Parser XML, times truncated to the s
 *         DIR/etw-tracerpt.xml   the same trace as tracerpt writes it
 *         DIR/capture.pcap
 *   iis7  DIR/etw.xml            tracerpt, with GENERAL_ENDPOINT_INFORMATION
 *         DIR/freb/fr*.xml       FREB, failures (status >= 400) only
 *         DIR/u_ex24030510.log   W3C, lines stamped when written, at the
 *                                request's last send completion (after
 *                                the client's ACK of a response over
 *                                2 KB), truncated to the second, in that
 *                                order; the log rolls over at 11:00:00
 *                                and the next hour's file was not
 *                                collected
 *         DIR/capture.pcap
 *   both  DIR/truth.tsv          one line per real request (header first)
 *
 * The capture starts a few seconds late (keep-alive connections are then
 * picked up midstream) and its clock runs SEED-chosen -5..+5 s off the
 * server's (DIR/truth.tsv's header line says by how much).  Truth times
 * are the server's: start = first request byte in, end = last response
 * byte out.  truth.tsv columns:
 *
 *   id key verb target status sub client cport start_ns end_ns
 *   etw freb w3c w3c_line pcap pcap_frame
 *
 * key is the lower-case ContextId GUID or "-" (kernel-cache hits);
 * w3c_line and pcap_frame are the line and frame number a user would look
 * up (0 when that source did not see it); etw..pcap are 0 or 1.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iis_write.h"
#include "pcap_write.h"

#define MSS      1460
#define MAXREQ   400
#define MAXCONN  8
#define NS       1000000000LL
#define US_PER_S 1000000LL

/* One real request, with what each source will say about it. */
struct req {
    int conn;
    char verb[8], path[64], query[32], target[96];
    int status, sub, cached;
    int64_t start, end; /* server clock, ns */
    size_t req_len, resp_len, body;
    char guid[40]; /* without braces, lower case */
    int etw, freb, w3c, pcap;
    int w3c_line, pcap_frame;
};

struct conn_st {
    struct tcp_conn tc;
    int64_t open; /* SYN time, server clock ns */
    int64_t last; /* end of its last request */
};

struct incident {
    int iis7;
    uint64_t rng;
    int64_t t0;        /* first second of the incident, ns */
    int64_t cap_start; /* server clock ns */
    int64_t offset_us; /* capture clock - server clock */
    int64_t rollover;  /* W3C: lines ending at or after are not logged */
    struct req r[MAXREQ];
    int n;
    struct conn_st c[MAXCONN];
    int nconn;
};

static uint32_t
rnd(struct incident *g)
{
    g->rng = g->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(g->rng >> 33);
}

/* Uniform in [lo, hi]. */
static int64_t
rnd_in(struct incident *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnd(g) % (uint32_t)(hi - lo + 1));
}

static const char *const statics[] = {"/css/site.css", "/js/app.js",
                                      "/img/logo.png", "/favicon.ico"};

/* Add one request on connection ci starting at t; returns its end. */
static int64_t
add_req(struct incident *g, int ci, int64_t t, int kind)
{
    struct req *r = &g->r[g->n];
    int64_t dur;

    memset(r, 0, sizeof *r);
    r->conn = ci;
    snprintf(r->verb, sizeof r->verb, "GET");
    r->status = 200;
    if (kind == 0) { /* the script */
        uint32_t p = rnd(g) % 100;

        snprintf(r->path, sizeof r->path, "/app/page7.asp");
        snprintf(r->query, sizeof r->query, "id=%u", 1000 + rnd(g) % 9000);
        if (p < 10)
            snprintf(r->verb, sizeof r->verb, "POST");
        dur = rnd_in(g, 20, 450) * 1000000 + rnd_in(g, 0, 999999);
        r->body = (size_t)rnd_in(g, 2000, 9000);
        if (p >= 94) {
            r->status = 500;
            r->body = 1208;
        } else if (p == 93 || p == 92) {
            snprintf(r->path, sizeof r->path, "/cgi-bin/report.exe/run");
            snprintf(r->verb, sizeof r->verb, "POST");
            r->status = 502;
            r->sub = 2;
            r->body = 232;
            dur = rnd_in(g, 2000, 3900) * 1000000 + rnd_in(g, 0, 999999);
        }
    } else { /* a static file */
        uint32_t p = rnd(g) % 100;

        snprintf(r->path, sizeof r->path, "%s", statics[kind - 1]);
        dur = rnd_in(g, 500, 15000) * 1000;
        r->body = (size_t)rnd_in(g, 300, 18000);
        if (kind == 4 && p < 40) {
            r->status = 404;
            r->body = 1245;
        } else if (p < 25) {
            r->status = 304;
            r->body = 0;
            dur = rnd_in(g, 300, 3000) * 1000;
        } else if (p < 45) {
            r->cached = 1; /* HTTP.sys kernel cache: IIS never sees it */
        }
    }
    {
        char tg[sizeof r->target];

        snprintf(tg, sizeof tg, "%s%s%s", r->path,
                 r->query[0] != '\0' ? "?" : "", r->query);
        memcpy(r->target, tg, sizeof tg);
    }
    r->start = t;
    r->end = t + dur;
    g->n++;
    return r->end;
}

/* Page views on every connection over about 60 s. */
static void
plan(struct incident *g)
{
    int ci;

    g->nconn = 4 + (int)(rnd(g) % 3);
    for (ci = 0; ci < g->nconn; ci++) {
        struct conn_st *c = &g->c[ci];
        int64_t t = g->t0 + rnd_in(g, 0, 1500) * 1000000;

        c->tc.caddr = 0xC0000200u + 10 + (uint32_t)ci / 2; /* 192.0.2.x */
        c->tc.saddr = 0xC6336405u;                         /* 198.51.100.5 */
        c->tc.cport = (uint16_t)(49152 + rnd(g) % 16000);
        c->tc.sport = 80;
        c->tc.cseq = rnd(g);
        c->tc.sseq = rnd(g);
        c->open = t - 20000000;
        while (t < g->t0 + 60 * NS && g->n + 6 < MAXREQ) {
            int k, nst = 2 + (int)(rnd(g) % 3);

            t = add_req(g, ci, t, 0) + rnd_in(g, 2, 40) * 1000000;
            for (k = 0; k < nst; k++) /* the page's files, in order */
                t = add_req(g, ci, t, 1 + (k + (int)(rnd(g) % 2)) % 4) +
                    rnd_in(g, 1, 30) * 1000000;
            t += rnd_in(g, 1500, 9000) * 1000000; /* the user reads */
        }
        c->last = t;
    }
}

/* The first moment at or after t with no request in flight. */
static int64_t
quiet_after(const struct incident *g, int64_t t)
{
    int i, moved = 1;

    while (moved) {
        moved = 0;
        for (i = 0; i < g->n; i++) {
            if (g->r[i].start - 2000000 <= t && t <= g->r[i].end + 2000000) {
                t = g->r[i].end + 2000001;
                moved = 1;
            }
        }
    }
    return t;
}

/*
 * When IIS writes a request's W3C line: at its last send completion
 * (FORMATS.md F.1), which for a response over 2 KB waits for the client's
 * ACK of the last byte, 20 ms after it leaves; time-taken counts the same.
 */
static int64_t
w3c_written(const struct req *r)
{
    return r->end + (r->resp_len > 2048 ? 20000000 : 0);
}

/* Which source saw what, and the identities the sources give it. */
static void
sight(struct incident *g, uint32_t guid_base)
{
    int i;

    for (i = 0; i < g->n; i++) {
        struct req *r = &g->r[i];

        r->etw = !r->cached;
        r->freb = g->iis7 && r->etw && r->status >= 400;
        r->w3c = g->iis7 && w3c_written(r) < g->rollover;
        r->pcap = r->start >= g->cap_start;
        if (r->etw)
            snprintf(r->guid, sizeof r->guid,
                     "00000000-0000-0000-%04x-0080%08x", guid_base >> 16,
                     guid_base + (uint32_t)i);
    }
}

/* ---- ETW ----------------------------------------------------------------
 */

/* One ETW event of a request, at its own time. */
struct tev {
    int64_t ts;
    int req, ord;
    struct gen_ev ev;
    char v[4][128]; /* values the event's kv point into */
};

/* Order of event pointers (the events themselves stay put: their kv
 * values point into them). */
static int
tev_cmp(const void *a, const void *b)
{
    const struct tev *x = *(const struct tev *const *)a,
                     *y = *(const struct tev *const *)b;

    if (x->ts != y->ts)
        return x->ts < y->ts ? -1 : 1;
    if (x->req != y->req)
        return x->req - y->req;
    return x->ord - y->ord;
}

static struct tev *
tev_add(struct tev *v, int *n, int64_t ts, int req, const char *name,
        int opcode, const char *area)
{
    struct tev *e = &v[(*n)++];

    memset(e, 0, sizeof *e);
    e->ts = ts;
    e->req = req;
    e->ord = *n;
    e->ev.name = name;
    e->ev.opcode = opcode;
    e->ev.level = 4;
    e->ev.keywords = "0x0";
    e->ev.area = area;
    return e;
}

/*
 * The events IIS writes for request i: START 120 µs after the first byte,
 * the endpoint (IIS 7), ISAPI or CGI events, the error status, END 80 µs
 * before the last byte leaves.  Returns how many were added.
 */
static int
req_events(const struct incident *g, int i, struct tev *v, int *n)
{
    const struct req *r = &g->r[i];
    const struct tcp_conn *tc = &g->c[r->conn].tc;
    int n0 = *n, asp = strstr(r->path, ".asp") != NULL;
    struct tev *e;

    e = tev_add(v, n, r->start + 120000, i, "GENERAL_REQUEST_START", 1,
                AREA_GENERAL);
    snprintf(e->v[0], sizeof e->v[0], "%d", 1610612736 + r->conn);
    snprintf(e->v[1], sizeof e->v[1], "http://www.example.com:80%s", r->target);
    e->ev.data[0] = (struct kv){"SiteId", "1"};
    e->ev.data[1] = (struct kv){"AppPoolId", "DefaultAppPool"};
    e->ev.data[2] = (struct kv){"ConnId", e->v[0]};
    e->ev.data[3] = (struct kv){"RawConnId", "0"};
    e->ev.data[4] = (struct kv){"RequestURL", e->v[1]};
    e->ev.data[5] = (struct kv){"RequestVerb", r->verb};
    if (g->iis7) {
        e = tev_add(v, n, r->start + 130000, i, "GENERAL_ENDPOINT_INFORMATION",
                    55, AREA_GENERAL);
        snprintf(e->v[0], sizeof e->v[0], "192.0.2.%u", tc->caddr & 0xFF);
        snprintf(e->v[1], sizeof e->v[1], "%u", tc->cport);
        e->ev.data[0] = (struct kv){"RemoteAddress", e->v[0]};
        e->ev.data[1] = (struct kv){"RemotePort", e->v[1]};
        e->ev.data[2] = (struct kv){"LocalAddress", "198.51.100.5"};
        e->ev.data[3] = (struct kv){"LocalPort", "80"};
    }
    if (asp) {
        e = tev_add(v, n, r->start + 300000, i, "ISAPI_START", 1,
                    "{2E94E6C7-EDA0-4B73-9010-2529EDCE1C27}");
        e->ev.data[0] =
            (struct kv){"IsapiExt", "C:\\WINDOWS\\system32\\inetsrv\\asp.dll"};
        tev_add(v, n, r->end - 150000, i, "ISAPI_END", 2,
                "{2E94E6C7-EDA0-4B73-9010-2529EDCE1C27}");
    }
    if (r->status == 502) {
        e = tev_add(v, n, r->start + 900000, i, "CGI_LAUNCH", 3, AREA_CGI);
        e->ev.data[0] =
            (struct kv){"CommandLine", "\"C:\\inetpub\\cgi-bin\\report.exe\" "};
        e->ev.data[1] = (struct kv){"ErrorCode", "0"};
        e->ev.data[2] = (struct kv){"ProcessId", "4242"};
        e = tev_add(v, n, r->end - 400000, i, "CGI_PREMATURE_TERMINATION", 5,
                    AREA_CGI);
        e->ev.data[0] = (struct kv){"Headers", ""};
    }
    if (r->status >= 400 && g->iis7) {
        e = tev_add(v, n, r->end - 300000, i,
                    "MODULE_SET_RESPONSE_ERROR_STATUS", 16, AREA_NOTIFY);
        e->ev.level = 3;
        e->ev.keywords = "0x100";
        snprintf(e->v[0], sizeof e->v[0], "%d", r->status);
        snprintf(e->v[1], sizeof e->v[1], "%d", r->sub);
        e->ev.data[0] =
            (struct kv){"ModuleName", r->status == 404   ? "IIS Web Core"
                                      : r->status == 502 ? "CgiModule"
                                                         : "IsapiModule"};
        e->ev.data[1] = (struct kv){"Notification", "128"};
        e->ev.data[2] = (struct kv){"HttpStatus", e->v[0]};
        e->ev.data[3] = (struct kv){"HttpReason", "Error"};
        e->ev.data[4] = (struct kv){"HttpSubStatus", e->v[1]};
        e->ev.data[5] = (struct kv){"ErrorCode", "2147942402"};
        e->ev.data[6] = (struct kv){"ConfigExceptionInfo", ""};
    }
    e = tev_add(v, n, r->end - 80000, i, "GENERAL_REQUEST_END", 2,
                AREA_GENERAL);
    snprintf(e->v[0], sizeof e->v[0], "%zu", r->resp_len);
    snprintf(e->v[1], sizeof e->v[1], "%zu", r->req_len);
    snprintf(e->v[2], sizeof e->v[2], "%d", r->status);
    snprintf(e->v[3], sizeof e->v[3], "%d", r->sub);
    e->ev.data[0] = (struct kv){"BytesSent", e->v[0]};
    e->ev.data[1] = (struct kv){"BytesReceived", e->v[1]};
    e->ev.data[2] = (struct kv){"HttpStatus", e->v[2]};
    e->ev.data[3] = (struct kv){"HttpSubStatus", e->v[3]};
    return *n - n0;
}

/* Every ETW event of the incident (*all, to free) in time order. */
static struct tev **
etw_events(const struct incident *g, int *n, struct tev **all)
{
    struct tev *v = calloc((size_t)g->n * 8, sizeof *v);
    struct tev **order;
    int i;

    if (v == NULL) {
        perror("gen_incident");
        exit(1);
    }
    *n = 0;
    for (i = 0; i < g->n; i++) {
        if (g->r[i].etw)
            req_events(g, i, v, n);
    }
    order = calloc((size_t)*n + 1, sizeof *order);
    if (order == NULL) {
        perror("gen_incident");
        exit(1);
    }
    for (i = 0; i < *n; i++)
        order[i] = &v[i];
    qsort(order, (size_t)*n, sizeof *order, tev_cmp);
    *all = v;
    return order;
}

static FILE *
out_open(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    return f;
}

static void
out_close(FILE *f)
{
    if (fclose(f) != 0) {
        perror("gen_incident");
        exit(1);
    }
}

/* Area names Log Parser writes as EventName. */
static const char *
lp_class(const char *area)
{
    if (strcmp(area, AREA_CGI) == 0)
        return "IISCGI";
    if (strcmp(area, AREA_NOTIFY) == 0)
        return "IISRequestNotification";
    if (strcmp(area, AREA_GENERAL) == 0)
        return "IISGeneral";
    return "IISISAPI";
}

/* tracerpt: <Events> of <Event>s with 7-digit times. */
static void
write_tracerpt(const struct incident *g, const char *dir, const char *name)
{
    int n, i;
    struct tev *all, **v = etw_events(g, &n, &all);
    FILE *f = out_open(dir, name);

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n");
    for (i = 0; i < n; i++)
        freb_event_ns(f, &v[i]->ev, v[i]->ts, g->r[v[i]->req].guid, 0, 7);
    fprintf(f, "</Events>\r\n");
    out_close(f);
    free(v);
    free(all);
}

/* Log Parser: <ROOT> of <ROW>s, times truncated to the second. */
static void
write_logparser(const struct incident *g, const char *dir)
{
    int n, i, k;
    struct tev *all, **v = etw_events(g, &n, &all);
    FILE *f = out_open(dir, "etw-logparser.xml");

    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          "<ROOT DATE_CREATED=\"2005-08-23 22:00:00\" "
          "CREATED_BY=\"Microsoft Log Parser V2.2\">\n",
          f);
    for (i = 0; i < n; i++) {
        char ts[64];

        gen_ts_ns(ts, sizeof ts, v[i]->ts, 1);
        ts[10] = ' ';
        ts[19] = '\0';
        fprintf(f,
                "<ROW>\n  <EventNumber>%d</EventNumber>\n"
                "  <EventName>%s</EventName>\n"
                "  <EventTypeName>%s</EventTypeName>\n"
                "  <Timestamp>%s</Timestamp>\n"
                "  <UserData>ContextId={%s}",
                i + 1, lp_class(v[i]->ev.area), v[i]->ev.name, ts,
                g->r[v[i]->req].guid);
        for (k = 0; k < 8 && v[i]->ev.data[k].k != NULL; k++)
            fprintf(f, "|%s=%s", v[i]->ev.data[k].k, v[i]->ev.data[k].v);
        fprintf(f, "</UserData>\n</ROW>\n");
    }
    fputs("</ROOT>\n", f);
    out_close(f);
    free(v);
    free(all);
}

/* One FREB file per failure IIS saw, its events stamped to the ms. */
static void
write_freb(const struct incident *g, const char *dir)
{
    char sub[4096], name[64], url[160], status[16];
    int i, k, no = 0;
    struct tev *v = calloc(16, sizeof *v);

    snprintf(sub, sizeof sub, "%s/freb", dir);
    if (v == NULL || (mkdir(sub, 0755) != 0 && errno != EEXIST)) {
        perror(sub);
        exit(1);
    }
    for (i = 0; i < g->n; i++) {
        const struct req *r = &g->r[i];
        char guid[40];
        FILE *f;
        int n = 0;

        if (!r->freb)
            continue;
        req_events(g, i, v, &n);
        snprintf(name, sizeof name, "freb/fr%06d.xml", ++no);
        snprintf(url, sizeof url, "http://www.example.com:80%s", r->target);
        if (r->sub != 0)
            snprintf(status, sizeof status, "%d.%d", r->status, r->sub);
        else
            snprintf(status, sizeof status, "%d", r->status);
        for (k = 0; r->guid[k] != '\0'; k++)
            guid[k] = (char)(r->guid[k] >= 'a' && r->guid[k] <= 'f'
                                 ? r->guid[k] - 'a' + 'A'
                                 : r->guid[k]);
        guid[k] = '\0';
        f = out_open(dir, name);
        freb_head(f, url, r->verb, guid, status, (r->end - r->start) / 1000000);
        for (k = 0; k < n; k++)
            freb_event_ns(f, &v[k].ev, v[k].ts - v[k].ts % 1000000, guid, 1, 3);
        fprintf(f, "</failedRequest>\r\n");
        out_close(f);
    }
    free(v);
}

/* ---- W3C ----------------------------------------------------------------
 */

static int
end_cmp(const void *a, const void *b)
{
    const struct req *x = *(const struct req *const *)a,
                     *y = *(const struct req *const *)b;

    if (w3c_written(x) != w3c_written(y))
        return w3c_written(x) < w3c_written(y) ? -1 : 1;
    return x < y ? -1 : x > y;
}

/*
 * The W3C log of the hour before the rollover: lines in the order they
 * were written, time = when written (w3c_written) truncated to the second,
 * time-taken in ms up to then (with the client's last ACK, 20 ms away, for
 * responses over 2 KB).
 */
static void
write_w3c(struct incident *g, const char *dir)
{
    const struct req **by_end = calloc((size_t)g->n, sizeof *by_end);
    FILE *f = out_open(dir, "u_ex24030510.log");
    int i, n = 0, line = 5;

    if (by_end == NULL) {
        perror("gen_incident");
        exit(1);
    }
    fprintf(f, "#Software: Microsoft Internet Information Services 10.0\r\n"
               "#Version: 1.0\r\n#Date: 2024-03-05 10:00:00\r\n"
               "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "
               "s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status "
               "sc-substatus sc-win32-status time-taken\r\n");
    for (i = 0; i < g->n; i++) {
        if (g->r[i].w3c)
            by_end[n++] = &g->r[i];
    }
    qsort(by_end, (size_t)n, sizeof *by_end, end_cmp);
    for (i = 0; i < n; i++) {
        struct req *r = &g->r[by_end[i] - g->r];
        char ts[64];
        int64_t taken =
            (r->end - r->start) / 1000000 + (r->resp_len > 2048 ? 20 : 0);

        gen_ts_ns(ts, sizeof ts, w3c_written(r), 1);
        ts[10] = ' ';
        ts[19] = '\0';
        fprintf(f,
                "%s 198.51.100.5 %s %s %s 80 - 192.0.2.%u "
                "Mozilla/5.0+(Windows+NT+10.0) - %d %d 0 %lld\r\n",
                ts, r->verb, r->path, r->query[0] != '\0' ? r->query : "-",
                g->c[r->conn].tc.caddr & 0xFF, r->status, r->sub,
                (long long)taken);
        r->w3c_line = line++;
    }
    out_close(f);
    free(by_end);
}

/* ---- the capture --------------------------------------------------------
 */

struct frame {
    int64_t us; /* capture clock */
    int conn, ord, req, first;
    size_t len;
    unsigned char b[TCP_FRAME_MAX];
};

struct frames {
    struct frame *v;
    size_t n, cap;
};

static void
frame_add(struct frames *fs, struct incident *g, int ci, int64_t server_ns,
          int dir, unsigned flags, const char *data, size_t len, int req,
          int first)
{
    struct frame *f;

    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 4096;
        fs->v = realloc(fs->v, fs->cap * sizeof *fs->v);
        if (fs->v == NULL) {
            perror("gen_incident");
            exit(1);
        }
    }
    f = &fs->v[fs->n];
    f->us = server_ns / 1000 + g->offset_us;
    f->conn = ci;
    f->ord = (int)fs->n;
    f->req = req;
    f->first = first;
    f->len = tcp_conn_frame(f->b, &g->c[ci].tc, f->us, dir, flags, data, len);
    fs->n++;
}

/* A message in MSS segments, the first at t, 60 µs apart. */
static int64_t
segments(struct frames *fs, struct incident *g, int ci, int64_t t, int dir,
         const char *data, size_t len, int req)
{
    size_t off = 0;

    while (off < len) {
        size_t k = len - off < MSS ? len - off : MSS;

        frame_add(fs, g, ci, t, dir, TCPF_ACK | TCPF_PSH, data + off, k, req,
                  off == 0 && dir == 0);
        off += k;
        t += 60000;
    }
    return t - 60000;
}

static size_t
req_text(const struct req *r, char *buf, size_t cap)
{
    int post = strcmp(r->verb, "POST") == 0;
    int n = snprintf(buf, cap,
                     "%s %s HTTP/1.1\r\nHost: www.example.com\r\n"
                     "User-Agent: Mozilla/5.0 (Windows NT 10.0)\r\n"
                     "Accept: */*\r\nConnection: keep-alive\r\n"
                     "%s\r\n%s",
                     r->verb, r->target,
                     post ? "Content-Type: application/x-www-form-urlencoded"
                            "\r\nContent-Length: 16\r\n"
                          : "",
                     post ? "name=value&x=123" : "");

    return (size_t)n;
}

/* Every frame of one request: request, server ACK, response, client ACK. */
static void
req_frames(struct frames *fs, struct incident *g, int i, char *buf, size_t cap)
{
    struct req *r = &g->r[i];
    size_t len = req_text(r, buf, cap);
    int64_t t;

    segments(fs, g, r->conn, r->start, 0, buf, len, i);
    frame_add(fs, g, r->conn, r->start + 200000, 1, TCPF_ACK, NULL, 0, i, 0);
    len = http_response(buf, cap, r->status,
                        r->status == 200   ? "OK"
                        : r->status == 304 ? "Not Modified"
                                           : "Error",
                        "Content-Type: text/html\r\n", r->body);
    t = r->end - (int64_t)((len + MSS - 1) / MSS - 1) * 60000;
    segments(fs, g, r->conn, t, 1, buf, len, i);
    frame_add(fs, g, r->conn, r->end + 20000000, 0, TCPF_ACK, NULL, 0, i, 0);
}

/* Message sizes, known before any source is written (ETW logs them). */
static void
sizes(struct incident *g)
{
    static char buf[32768];
    int i;

    for (i = 0; i < g->n; i++) {
        struct req *r = &g->r[i];

        r->req_len = req_text(r, buf, sizeof buf);
        r->resp_len = http_response(buf, sizeof buf, r->status, "OK",
                                    "Content-Type: text/html\r\n", r->body);
        if (r->status != 200)
            r->resp_len += r->status == 304 ? 10 : 3; /* longer reasons */
    }
}

static int
frame_cmp(const void *a, const void *b)
{
    const struct frame *x = a, *y = b;

    if (x->us != y->us)
        return x->us < y->us ? -1 : 1;
    return x->ord - y->ord;
}

/*
 * The capture: every connection's frames (handshake, requests in order,
 * FIN at the end), sorted by time, those before the capture started
 * dropped; numbers the first frame of each request it holds.
 */
static void
write_capture(struct incident *g, const char *dir)
{
    static char buf[32768];
    struct frames fs = {NULL, 0, 0};
    int64_t cap_us = g->cap_start / 1000 + g->offset_us;
    FILE *f = out_open(dir, "capture.pcap");
    int ci, i, no = 0;
    size_t k;

    for (ci = 0; ci < g->nconn; ci++) {
        int64_t t = g->c[ci].open;

        frame_add(&fs, g, ci, t, 0, TCPF_SYN, NULL, 0, -1, 0);
        frame_add(&fs, g, ci, t + 300000, 1, TCPF_SYN | TCPF_ACK, NULL, 0, -1,
                  0);
        frame_add(&fs, g, ci, t + 20000000, 0, TCPF_ACK, NULL, 0, -1, 0);
        for (i = 0; i < g->n; i++) {
            if (g->r[i].conn == ci)
                req_frames(&fs, g, i, buf, sizeof buf);
        }
        t = g->c[ci].last;
        frame_add(&fs, g, ci, t, 0, TCPF_FIN | TCPF_ACK, NULL, 0, -1, 0);
        frame_add(&fs, g, ci, t + 200000, 1, TCPF_FIN | TCPF_ACK, NULL, 0, -1,
                  0);
        frame_add(&fs, g, ci, t + 20200000, 0, TCPF_ACK, NULL, 0, -1, 0);
    }
    qsort(fs.v, fs.n, sizeof *fs.v, frame_cmp);
    pcap_write_header(f);
    for (k = 0; k < fs.n; k++) {
        if (fs.v[k].us < cap_us)
            continue;
        no++;
        if (fs.v[k].first && g->r[fs.v[k].req].pcap)
            g->r[fs.v[k].req].pcap_frame = no;
        fwrite(fs.v[k].b, 1, fs.v[k].len, f);
    }
    out_close(f);
    free(fs.v);
}

/* ---- truth and main -----------------------------------------------------
 */

static void
write_truth(const struct incident *g, const char *dir)
{
    FILE *f = out_open(dir, "truth.tsv");
    int i;

    fprintf(f, "# %s requests=%d capture_offset_us=%lld\n",
            g->iis7 ? "iis7" : "iis6", g->n, (long long)g->offset_us);
    fprintf(f, "id\tkey\tverb\ttarget\tstatus\tsub\tclient\tcport\tstart_ns"
               "\tend_ns\tetw\tfreb\tw3c\tw3c_line\tpcap\tpcap_frame\n");
    for (i = 0; i < g->n; i++) {
        const struct req *r = &g->r[i];
        const struct tcp_conn *tc = &g->c[r->conn].tc;

        fprintf(f,
                "%d\t%s%s%s\t%s\t%s\t%d\t%d\t192.0.2.%u\t%u\t%lld\t%lld\t%d\t%"
                "d\t%d\t%d\t%d\t%d\n",
                i + 1, r->etw ? "{" : "-", r->etw ? r->guid : "",
                r->etw ? "}" : "", r->verb, r->target, r->status, r->sub,
                tc->caddr & 0xFF, tc->cport, (long long)r->start,
                (long long)r->end, r->etw, r->freb, r->w3c, r->w3c_line,
                r->pcap, r->pcap_frame);
    }
    out_close(f);
}

int
main(int argc, char **argv)
{
    static struct incident g;
    const char *dir;

    if (argc != 4 ||
        (strcmp(argv[1], "iis6") != 0 && strcmp(argv[1], "iis7") != 0)) {
        fprintf(stderr, "usage: gen_incident iis6|iis7 SEED DIR\n");
        return 2;
    }
    dir = argv[3];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        perror(dir);
        return 1;
    }
    g.iis7 = strcmp(argv[1], "iis7") == 0;
    g.rng = strtoull(argv[2], NULL, 10) * 2654435761ULL + 12345;
    /* 2024-03-05 10:59:25 (IIS 7) or 2005-08-23 20:59:25 (IIS 6). */
    g.t0 = (g.iis7 ? 1709636365LL : 1124830765LL) * NS;
    g.rollover = (g.iis7 ? 1709636400LL : 0) * NS;
    plan(&g);
    g.offset_us = rnd_in(&g, -5000000, 5000000);
    g.cap_start = quiet_after(&g, g.t0 + rnd_in(&g, 4000, 9000) * 1000000LL);
    sizes(&g); /* before sight: when a W3C line is written depends on it */
    sight(&g, 0x1a000000u + (uint32_t)(rnd(&g) % 0x1000) * 0x10000u);
    write_capture(&g, dir);
    if (g.iis7) {
        write_tracerpt(&g, dir, "etw.xml");
        write_freb(&g, dir);
        write_w3c(&g, dir);
    } else {
        write_tracerpt(&g, dir, "etw-tracerpt.xml");
        write_logparser(&g, dir);
    }
    write_truth(&g, dir);
    return 0;
}
