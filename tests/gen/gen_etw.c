/*
 * Fixture generator: an IIS ETW trace rendered as XML, in Log Parser
 * (<ROOT><ROW>) or tracerpt (<Events><Event>) form, holding the seed 502.2
 * request of the Microsoft CGI troubleshooting guide at event positions
 * 391, 405, 441 and 446, hidden among many other requests in flight.
 *
 *   gen_etw [--dialect logparser|tracerpt] [--events N] [--utf16]
 *           [--hostile] [--numeric-opcodes] [--no-seed] [--size-mb M]
 *
 * Output goes to stdout.  --size-mb keeps adding events until about M MB
 * have been written (for benchmarks).  Everything is deterministic.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct gen {
    int tracerpt, utf16, hostile, numeric, seed;
    long events;
    long long bytes_max;
    long long written;
    uint64_t rng;
    FILE *out;
};

static uint32_t
gen_rand(struct gen *g)
{
    g->rng = g->rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(g->rng >> 33);
}

/* Write UTF-8 text, as UTF-16LE when asked. */
static void
gen_put(struct gen *g, const char *s)
{
    size_t n = strlen(s);

    g->written += (long long)n;
    if (!g->utf16) {
        fwrite(s, 1, n, g->out);
        return;
    }
    while (*s != '\0') {
        unsigned char c = (unsigned char)*s;
        uint32_t cp;
        int len;

        if (c < 0x80) {
            cp = c;
            len = 1;
        } else if ((c & 0xE0) == 0xC0) {
            cp = c & 0x1F;
            len = 2;
        } else if ((c & 0xF0) == 0xE0) {
            cp = c & 0x0F;
            len = 3;
        } else {
            cp = c & 0x07;
            len = 4;
        }
        for (int i = 1; i < len; i++)
            cp = (cp << 6) | ((unsigned char)s[i] & 0x3F);
        s += len;
        if (cp >= 0x10000) {
            uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10),
                     lo = 0xDC00 + (v & 0x3FF);
            unsigned char b[4] = {(unsigned char)hi, (unsigned char)(hi >> 8),
                                  (unsigned char)lo, (unsigned char)(lo >> 8)};
            fwrite(b, 1, 4, g->out);
        } else {
            unsigned char b[2] = {(unsigned char)cp, (unsigned char)(cp >> 8)};
            fwrite(b, 1, 2, g->out);
        }
    }
}

/* Seconds since 2005-08-23T20:18:00 for event position pos: piecewise
 * linear through the seed's own times so the seed keeps them exactly. */
static double
gen_time_at(long pos, long total)
{
    static const double anchor_pos[] = {1, 391, 405, 441, 446};
    static const double anchor_t[] = {0, 66, 67, 467, 467};
    int i;

    for (i = 1; i < 5; i++) {
        if (pos <= anchor_pos[i])
            return anchor_t[i - 1] + (anchor_t[i] - anchor_t[i - 1]) *
                                         (pos - anchor_pos[i - 1]) /
                                         (anchor_pos[i] - anchor_pos[i - 1]);
    }
    return 467 + (pos - 446) * (600.0 / (total > 446 ? total : 447));
}

static void
gen_stamp(double t, int tracerpt, char *out, size_t n)
{
    long whole = (long)t;
    long frac = (long)((t - whole) * 1e7);
    int h = 20 + (int)((18 * 60 + whole) / 3600);
    int m = (int)((18 * 60 + whole) / 60 % 60), s = (int)(whole % 60);

    if (tracerpt)
        snprintf(out, n, "2005-08-23T%02d:%02d:%02d.%07ldZ", h, m, s, frac);
    else
        snprintf(out, n, "2005-08-23 %02d:%02d:%02d", h, m, s);
}

struct ev {
    const char *cls, *name, *guid;
    int opcode, level;
    char ctx[64];
    const char *names[8];
    char values[8][12000];
    int nf;
};

static void
gen_field(struct ev *e, const char *name, const char *value)
{
    e->names[e->nf] = name;
    snprintf(e->values[e->nf], sizeof e->values[0], "%s", value);
    e->nf++;
}

/* XML-escape into out. */
static void
gen_esc(const char *s, char *out, size_t n)
{
    size_t o = 0;

    for (; *s != '\0' && o + 8 < n; s++) {
        const char *r = NULL;

        if (*s == '<')
            r = "&lt;";
        else if (*s == '>')
            r = "&gt;";
        else if (*s == '&')
            r = "&amp;";
        else if (*s == '"')
            r = "&quot;";
        if (r != NULL) {
            memcpy(out + o, r, strlen(r));
            o += strlen(r);
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
}

static void
gen_emit(struct gen *g, long pos, struct ev *e)
{
    static char buf[200000], esc[60000];
    char ts[64];
    size_t o = 0;
    int i;

    gen_stamp(gen_time_at(pos, g->events), g->tracerpt, ts, sizeof ts);
    if (!g->tracerpt) {
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "<ROW>\r\n  <EventNumber>%ld</EventNumber>\r\n"
                              "  <EventName>%s</EventName>\r\n"
                              "  <EventTypeName>%s</EventTypeName>\r\n"
                              "  <Timestamp>%s</Timestamp>\r\n  <UserData>",
                              pos, e->cls, e->name, ts);
        for (i = 0; i < e->nf; i++) {
            gen_esc(e->values[i], esc, sizeof esc);
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s=%s",
                                  i > 0 ? "|" : "", e->names[i], esc);
        }
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "</UserData>\r\n</ROW>\r\n");
    } else {
        o += (size_t)snprintf(
            buf + o, sizeof buf - o,
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
            "event\">\r\n <System>\r\n  <Provider "
            "Guid=\"{3a2a4e84-4c21-4981-ae10-3fda0d9b0f83}\" />\r\n"
            "  <EventID>0</EventID>\r\n  <Version>1</Version>\r\n"
            "  <Level>%d</Level>\r\n  <Task>0</Task>\r\n"
            "  <Opcode>%d</Opcode>\r\n  <Keywords>0x0</Keywords>\r\n"
            "  <TimeCreated SystemTime=\"%s\" />\r\n"
            "  <Correlation ActivityID=\"%s\" />\r\n"
            "  <Execution ProcessID=\"1664\" ThreadID=\"%u\" "
            "ProcessorID=\"0\" KernelTime=\"0\" UserTime=\"0\" />\r\n"
            "  <Channel />\r\n  <Computer />\r\n </System>\r\n",
            e->level, e->opcode, ts, e->ctx, 3000 + gen_rand(g) % 100);
        if (strcmp(e->name, "UNDECODED") == 0) {
            o += (size_t)snprintf(
                buf + o, sizeof buf - o,
                " <ProcessingErrorData>\r\n  <ErrorCode>15005</ErrorCode>\r\n"
                "  <DataItemName></DataItemName>\r\n"
                "  <EventPayload>0102030405060708090A0B0C</EventPayload>\r\n"
                " </ProcessingErrorData>\r\n");
        } else {
            o += (size_t)snprintf(buf + o, sizeof buf - o, " <EventData>\r\n");
            for (i = 0; i < e->nf; i++) {
                gen_esc(e->values[i], esc, sizeof esc);
                o += (size_t)snprintf(buf + o, sizeof buf - o,
                                      "  <Data Name=\"%s\">%s</Data>\r\n",
                                      e->names[i], esc);
            }
            o += (size_t)snprintf(buf + o, sizeof buf - o, " </EventData>\r\n");
        }
        o += (size_t)snprintf(
            buf + o, sizeof buf - o,
            " <RenderingInfo Culture=\"en-US\">\r\n  <Opcode>%s</Opcode>\r\n"
            "  <Provider>IIS_Trace</Provider>\r\n"
            "  <EventName xmlns=\"http://schemas.microsoft.com/win/2004/08/"
            "events/trace\">%s</EventName>\r\n </RenderingInfo>\r\n"
            " <ExtendedTracingInfo xmlns=\"http://schemas.microsoft.com/win/"
            "2004/08/events/trace\">\r\n  <EventGuid>%s</EventGuid>\r\n"
            " </ExtendedTracingInfo>\r\n</Event>\r\n",
            g->numeric ? "" : e->name, e->cls, e->guid);
    }
    gen_put(g, buf);
}

#define GEN_GUID "{d42cf7ef-de92-473e-8b6c-621ea663113a}"
#define CGI_GUID "{e2e55403-0d2e-4609-a470-be0da04013c0}"
#define SEED_CTX "{00000000-0000-0000-4c06-0060000000ef}"

static void
gen_ev(struct ev *e, const char *cls, const char *name, const char *guid,
       int opcode, int level, const char *ctx)
{
    memset(e, 0, sizeof *e);
    e->cls = cls;
    e->name = name;
    e->guid = guid;
    e->opcode = opcode;
    e->level = level;
    snprintf(e->ctx, sizeof e->ctx, "%s", ctx);
    gen_field(e, "ContextId", ctx);
}

/* The seed request's four events, verbatim from the guide. */
static int
gen_seed(struct gen *g, long pos)
{
    struct ev e;

    switch (pos) {
    case 391:
        gen_ev(&e, "IISGeneral", "GENERAL_REQUEST_START", GEN_GUID, 1, 4,
               SEED_CTX);
        gen_field(&e, "SiteId", "1");
        gen_field(&e, "AppPoolId", "DefaultAppPool");
        gen_field(&e, "ConnId", "-1224979097571031481");
        gen_field(&e, "RawConnId", "0");
        gen_field(&e, "RequestURL",
                  "http://btdatashare.btboces.org:80/cgi-bin/htmlos.exe/"
                  "00182.3.055317239900014075");
        gen_field(&e, "RequestVerb", "POST");
        break;
    case 405:
        gen_ev(&e, "IISCGI", "CGI_LAUNCH", CGI_GUID, 3, 4, SEED_CTX);
        gen_field(&e, "CommandLine", "\"D:\\Inetpub\\cgi-bin\\htmlos.exe\" ");
        gen_field(&e, "ErrorCode", "0x00000000");
        gen_field(&e, "ProcessId", "3136");
        break;
    case 441:
        gen_ev(&e, "IISCGI", "CGI_PREMATURE_TERMINATION", CGI_GUID, 5, 4,
               SEED_CTX);
        gen_field(&e, "Headers", "");
        break;
    case 446:
        gen_ev(&e, "IISGeneral", "GENERAL_REQUEST_END", GEN_GUID, 2, 4,
               SEED_CTX);
        gen_field(&e, "BytesSent", "370");
        gen_field(&e, "BytesReceived", "105906875");
        gen_field(&e, "HttpStatus", "502");
        gen_field(&e, "HttpSubStatus", "2");
        break;
    default:
        return 0;
    }
    gen_emit(g, pos, &e);
    return 1;
}

/* Requests in flight: each emits START, maybe a CGI event, then END. */
struct flight {
    char ctx[64];
    int step, last, status, sub, cgi;
    long id;
};

#define NFLIGHT 8

static void
gen_filler(struct gen *g, long pos, struct flight *f, long *next_id)
{
    struct ev e;
    char url[11000], num[32];
    static const char *const verbs[] = {"GET", "POST", "HEAD", "GET"};

    if (f->step > f->last || f->id == 0) {
        f->id = (*next_id)++;
        snprintf(f->ctx, sizeof f->ctx, "{00000000-0000-0000-%04lx-%012lx}",
                 (f->id >> 16) & 0xffff, f->id * 7919 + 1);
        f->step = 0;
        f->cgi = gen_rand(g) % 5 == 0;
        f->last = f->cgi ? 2 : 1;
        switch (gen_rand(g) % 10) {
        case 0:
            f->status = 404;
            f->sub = 0;
            break;
        case 1:
            f->status = 500;
            f->sub = 0;
            break;
        default:
            f->status = 200;
            f->sub = 0;
        }
    }
    if (g->tracerpt && gen_rand(g) % 50 == 0) {
        gen_ev(&e, "IISGeneral", "UNDECODED", GEN_GUID, 99, 4,
               "{00000000-0000-0000-0000-000000000000}");
        gen_emit(g, pos, &e);
        return;
    }
    if (f->step == 0) {
        gen_ev(&e, "IISGeneral", "GENERAL_REQUEST_START", GEN_GUID, 1, 4,
               f->ctx);
        gen_field(&e, "SiteId", "1");
        gen_field(&e, "AppPoolId", "DefaultAppPool");
        snprintf(num, sizeof num, "%ld", -(f->id * 104729));
        gen_field(&e, "ConnId", num);
        gen_field(&e, "RawConnId", "0");
        if (g->hostile && f->id % 7 == 3) {
            /* Quotes, pipes and key=value look-alikes, CRLF, a long URL. */
            int n = snprintf(url, sizeof url,
                             "http://www.example.com/q?a=\"x\"|SiteId=9|"
                             "RequestVerb=EVIL&b=<script>alert(1)</script>"
                             "\r\n&pad=");
            while (n < 10240) {
                url[n] = (char)('A' + n % 26);
                n++;
            }
            url[n] = '\0';
        } else {
            snprintf(url, sizeof url,
                     "http://www.example.com:80/app/page%ld.%s", f->id % 97,
                     f->cgi ? "exe" : "htm");
        }
        gen_field(&e, "RequestURL", url);
        gen_field(&e, "RequestVerb", verbs[f->id % 4]);
    } else if (f->step == 1 && f->cgi) {
        gen_ev(&e, "IISCGI", "CGI_LAUNCH", CGI_GUID, 3, 4, f->ctx);
        gen_field(&e, "CommandLine", "\"D:\\Inetpub\\cgi-bin\\app.exe\" ");
        gen_field(&e, "ErrorCode", "0x00000000");
        snprintf(num, sizeof num, "%ld", 4000 + f->id % 1000);
        gen_field(&e, "ProcessId", num);
    } else {
        gen_ev(&e, "IISGeneral", "GENERAL_REQUEST_END", GEN_GUID, 2,
               f->status >= 500 ? 2 : 4, f->ctx);
        snprintf(num, sizeof num, "%u", 200 + gen_rand(g) % 5000);
        gen_field(&e, "BytesSent", num);
        gen_field(&e, "BytesReceived", "312");
        snprintf(num, sizeof num, "%d", f->status);
        gen_field(&e, "HttpStatus", num);
        snprintf(num, sizeof num, "%d", f->sub);
        gen_field(&e, "HttpSubStatus", num);
    }
    f->step++;
    gen_emit(g, pos, &e);
}

int
main(int argc, char **argv)
{
    struct gen g;
    struct flight fl[NFLIGHT];
    long pos, next_id = 1;
    int i;

    memset(&g, 0, sizeof g);
    memset(fl, 0, sizeof fl);
    g.events = 2000;
    g.seed = 1;
    g.rng = 42;
    g.out = stdout;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dialect") == 0 && i + 1 < argc)
            g.tracerpt = strcmp(argv[++i], "tracerpt") == 0;
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            g.events = atol(argv[++i]);
        else if (strcmp(argv[i], "--size-mb") == 0 && i + 1 < argc)
            g.bytes_max = atoll(argv[++i]) * 1000000LL;
        else if (strcmp(argv[i], "--utf16") == 0)
            g.utf16 = 1;
        else if (strcmp(argv[i], "--hostile") == 0)
            g.hostile = 1;
        else if (strcmp(argv[i], "--numeric-opcodes") == 0)
            g.numeric = 1;
        else if (strcmp(argv[i], "--no-seed") == 0)
            g.seed = 0;
        else {
            fprintf(stderr, "usage: gen_etw [--dialect logparser|tracerpt] "
                            "[--events N] [--size-mb M] [--utf16] "
                            "[--hostile] [--numeric-opcodes] [--no-seed]\n");
            return 2;
        }
    }
    if (g.bytes_max > 0)
        g.events = 1L << 40;
    if (g.utf16)
        fwrite("\xff\xfe", 1, 2, g.out);
    if (g.tracerpt) {
        gen_put(&g,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n");
    } else {
        gen_put(&g, g.utf16
                        ? "<?xml version=\"1.0\" encoding=\"ISO-10646-UCS-2\" "
                          "standalone=\"yes\"?>\r\n"
                        : "<?xml version=\"1.0\" encoding=\"UTF-8\" "
                          "standalone=\"yes\"?>\r\n");
        gen_put(&g, "<!DOCTYPE ROOT[\r\n <!ATTLIST ROOT DATE_CREATED CDATA "
                    "#REQUIRED>\r\n <!ATTLIST ROOT CREATED_BY CDATA "
                    "#REQUIRED>\r\n <!ELEMENT EventNumber (#PCDATA)>\r\n"
                    " <!ELEMENT ROW (EventNumber, EventName, EventTypeName, "
                    "Timestamp, UserData)>\r\n <!ELEMENT ROOT (ROW*)>\r\n]>\r\n"
                    "<ROOT DATE_CREATED=\"2005-08-23 20:40:00\" "
                    "CREATED_BY=\"Microsoft Log Parser V2.2\">\r\n");
    }
    for (pos = 1; pos <= g.events; pos++) {
        if (g.bytes_max > 0 && g.written >= g.bytes_max)
            break;
        if (g.seed && gen_seed(&g, pos))
            continue;
        gen_filler(&g, pos, &fl[gen_rand(&g) % NFLIGHT], &next_id);
    }
    gen_put(&g, g.tracerpt ? "</Events>\r\n" : "</ROOT>\r\n");
    return fflush(stdout) == 0 ? 0 : 1;
}
