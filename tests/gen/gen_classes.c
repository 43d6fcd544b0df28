/*
 * Failure classes beyond CGI (FORMATS.md H), one request each, as the
 * evidence IIS leaves for them:
 *
 *   gen_classes DIR   DIR/freb/<class>.xml  a FREB file per class that has
 *                                           one (events of §H's shapes)
 *                     DIR/u_ex260302.log    the W3C lines (and ordinary
 *                                           traffic around them)
 *                     DIR/etw.xml           ETW (Log Parser rows): a
 *                                           FastCGI activity time-out
 *                                           seen by the IISFastCGI
 *                                           provider, among 200s
 *                     DIR/httperr1.log      HTTP.sys's lines: three
 *                                           AppOffline 503s in two
 *                                           minutes, QueueFull, a worker
 *                                           crash, a dropped client and a
 *                                           connection-level time-out
 *   gen_classes DIR MEMBER_DIR   also MEMBER_DIR/freb/arr_member.xml: the
 *                                ARR member's trace of the request
 *                                arr_timeout forwarded (X-ARR-LOG-ID)
 *
 * Deterministic; times UTC.  The test (tests/cli/test_classes.sh) knows
 * the values written here: class names are the causes triage must give.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 2026-03-02T10:00:00Z; each class starts 10 minutes after the last. */
#define BASE_S 1772445600LL

struct kv {
    const char *k, *v;
};

struct ev {
    const char *name;
    int opcode, level, ms;
    struct kv data[6];
};

struct cls {
    const char *cause, *url, *verb;
    int status, sub;
    long long win32; /* the W3C sc-win32-status */
    int taken;       /* ms */
    int freb;        /* has a FREB file */
    struct ev ev[8];
};

#define START                                                                  \
    {                                                                          \
        "GENERAL_REQUEST_START", 1, 4, 0,                                      \
        {                                                                      \
            {                                                                  \
                "SiteId", "1"                                                  \
            }                                                                  \
        }                                                                      \
    }
#define END(st, sub, ms)                                                       \
    {                                                                          \
        "GENERAL_REQUEST_END", 2, 4, ms,                                       \
        {                                                                      \
            {"HttpStatus", st},                                                \
            {                                                                  \
                "HttpSubStatus", sub                                           \
            }                                                                  \
        }                                                                      \
    }
#define HEADERS(ms)                                                            \
    {                                                                          \
        "GENERAL_RESPONSE_HEADERS", 47, 4, ms,                                 \
        {                                                                      \
            {                                                                  \
                "Headers", "Server: Microsoft-IIS/10.0&#13;&#10;"              \
            }                                                                  \
        }                                                                      \
    }
#define MODERR(mod, note, st, sub, code, ms, cfg)                              \
    {                                                                          \
        "MODULE_SET_RESPONSE_ERROR_STATUS", 16, 2, ms,                         \
        {                                                                      \
            {"ModuleName", mod}, {"Notification", note}, {"HttpStatus", st},   \
                {"HttpSubStatus", sub}, {"ErrorCode", code},                   \
            {                                                                  \
                "ConfigExceptionInfo", cfg                                     \
            }                                                                  \
        }                                                                      \
    }

static const struct cls classes[] = {
    {"cgi_timeout",
     "/cgi-bin/slow.exe",
     "GET",
     502,
     1,
     0,
     900010,
     1,
     {START,
      {"CGI_LAUNCH",
       3,
       4,
       10,
       {{"CommandLine", "\"C:\\inetpub\\cgi-bin\\slow.exe\" "},
        {"ProcessId", "5120"}}},
      {"CGI_TIMEOUT", 6, 3, 900005, {{"Timeout", "900"}}},
      MODERR("CgiModule", "128", "502", "1", "4045759267", 900006, ""),
      HEADERS(900007),
      END("502", "1", 900010)}},
    {"fastcgi_request_timeout",
     "/index.php",
     "GET",
     500,
     0,
     258,
     90020,
     1,
     {START,
      {"FASTCGI_START",
       1,
       4,
       10,
       {{"ExePath", "C:\\PHP\\php-cgi.exe"}, {"ProcessId", "6100"}}},
      {"FASTCGI_REQUEST_TIMEOUT",
       2,
       2,
       90010,
       {{"ExePath", "C:\\PHP\\php-cgi.exe"}, {"RequestTimeout", "90"}}},
      MODERR("FastCgiModule", "128", "500", "0", "2147942658", 90011, ""),
      HEADERS(90012),
      END("500", "0", 90020)}},
    {"arr_timeout",
     "/shop/cart",
     "POST",
     502,
     3,
     12002,
     30005,
     1,
     {START,
      {"ARR_SERVER_ROUTED",
       1,
       4,
       5,
       {{"RoutingReason", "LoadBalancing"},
        {"Server", "member1.example.com"},
        {"State", "Active"},
        {"TotalRequests", "3"},
        {"FailedRequests", "1"},
        {"ResponseTime", "0"}}},
      {"GENERAL_SET_REQUEST_HEADER",
       42,
       4,
       6,
       {{"HeaderName", "X-ARR-LOG-ID"},
        {"HeaderValue", "{7f3c1a2b-0000-4000-8000-00000000a11e}"}}},
      MODERR("ApplicationRequestRouting", "128", "502", "3", "2147954402",
             30003, ""),
      HEADERS(30004),
      END("502", "3", 30005)}},
    {"arr_connection_error",
     "/shop/pay",
     "POST",
     502,
     3,
     12030,
     1200,
     1,
     {START,
      {"ARR_SERVER_ROUTED",
       1,
       4,
       5,
       {{"RoutingReason", "LoadBalancing"},
        {"Server", "member2.example.com"},
        {"State", "Active"}}},
      MODERR("ApplicationRequestRouting", "128", "502", "3", "2147954430", 1198,
             ""),
      HEADERS(1199),
      END("502", "3", 1200)}},
    {"arr_no_server",
     "/shop/",
     "GET",
     502,
     4,
     0,
     15,
     0,
     {{NULL, 0, 0, 0, {{NULL, NULL}}}}},
    {"ancm_forward_failure",
     "/api/orders",
     "GET",
     502,
     3,
     12002,
     120010,
     1,
     {START,
      {"ANCM_REQUEST_FORWARD_START", 3, 4, 5, {{"ErrorCode", "0"}}},
      {"ANCM_REQUEST_FORWARD_FAIL",
       5,
       2,
       120005,
       {{"ErrorCode", "0x80072ee2"}}},
      MODERR("AspNetCoreModuleV2", "128", "502", "3", "2147954402", 120006, ""),
      HEADERS(120007),
      END("502", "3", 120010)}},
    {"ancm_start_failure",
     "/api/health",
     "GET",
     502,
     5,
     193,
     2100,
     1,
     {START,
      {"ANCM_START_APPLICATION_FAIL",
       2,
       2,
       2000,
       {{"FailureDescription",
         "Application '/LM/W3SVC/1/ROOT/api' failed to start process with "
         "commandline 'dotnet .\\Api.dll', ErrorCode = '0x800700c1 : 0."}}},
      MODERR("AspNetCoreModuleV2", "128", "502", "5", "2147942593", 2001, ""),
      HEADERS(2002),
      END("502", "5", 2100)}},
    {"ancm_inprocess_failure",
     "/app/",
     "GET",
     500,
     30,
     0,
     800,
     1,
     {START,
      {"ANCM_EXECUTE_REQUEST_FAIL", 7, 2, 700, {{"ErrorCode", "0x8000ffff"}}},
      MODERR("AspNetCoreModuleV2", "128", "500", "30", "2147549183", 701, ""),
      HEADERS(702),
      END("500", "30", 800)}},
    {"config_error",
     "/legacy/",
     "GET",
     500,
     19,
     13,
     20,
     1,
     {START,
      MODERR("IIS Web Core", "1", "500", "19", "2147942413", 8,
             "\\\\?\\C:\\inetpub\\wwwroot\\legacy\\web.config ( 12) "
             ":Unrecognized element 'rewrite'"),
      HEADERS(9), END("500", "19", 20)}},
    {"client_disconnect",
     "/reports/big.pdf",
     "GET",
     500,
     19,
     64,
     45000,
     1,
     {START,
      MODERR("DynamicCompressionModule", "268435456", "500", "19", "2147943629",
             44990, ""),
      END("500", "19", 45000)}},
    {"aspnet_startup",
     "/portal/",
     "GET",
     500,
     0,
     0,
     3000,
     1,
     {START,
      MODERR("AspNetInitializationExceptionModule", "1", "500", "0", "0", 2900,
             ""),
      {"GENERAL_RESPONSE_ENTITY_BUFFER",
       33,
       4,
       2901,
       {{"Buffer", "Server Error in '/portal' Application."}}},
      HEADERS(2902),
      END("500", "0", 3000)}},
};

#define NCLASSES (sizeof classes / sizeof classes[0])

/* The member server behind arr_timeout (classes[2]): the request ARR
 * forwarded, with the X-ARR-LOG-ID the front end set (here without the
 * braces, as members log it), answered 200 after the front end gave up. */
#define ARR_FRONT 2
static const struct cls arr_member = {
    "arr_member",
    "/shop/cart",
    "POST",
    200,
    0,
    64,
    31000,
    1,
    {START,
     {"GENERAL_REQUEST_HEADERS",
      50,
      4,
      1,
      {{"Headers",
        "Host: member1.example.com&#13;&#10;"
        "Max-Forwards: 10&#13;&#10;"
        "X-ARR-LOG-ID: 7f3c1a2b-0000-4000-8000-00000000a11e&#13;&#10;"
        "X-Forwarded-For: 192.0.2.50:50000&#13;&#10;"}}},
     HEADERS(30990),
     END("200", "0", 31000)}};

/* "2026-03-02T10:00:00.000Z" for a time in ms since the epoch. */
static void
iso(char *out, size_t n, long long ms)
{
    long long t = ms / 1000, days = t / 86400, sod = t % 86400;
    long long z = days + 719468, era = z / 146097, doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400,
              doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;

    if (m <= 2)
        y++;
    snprintf(out, n, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ", y, m,
             d, sod / 3600, sod / 60 % 60, sod % 60, ms % 1000);
}

/* "2026-03-02 10:00:00" (W3C) for a time in ms, truncated to the second. */
static void
w3c_time(char *out, size_t n, long long ms)
{
    char t[64];

    iso(t, sizeof t, ms);
    snprintf(out, n, "%.10s %.8s", t, t + 11);
}

static void
write_event(FILE *f, const struct ev *e, long long start_ms, const char *guid)
{
    char ts[64];
    int i;

    iso(ts, sizeof ts, start_ms + e->ms);
    fprintf(f, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/"
               "events/event\">\r\n <System>\r\n  <Provider Name=\"WWW "
               "Server\"/>\r\n  <EventID>0</EventID>\r\n");
    fprintf(f, "  <Level>%d</Level>\r\n  <Opcode>%d</Opcode>\r\n", e->level,
            e->opcode);
    fprintf(f, "  <TimeCreated SystemTime=\"%s\"/>\r\n", ts);
    fprintf(f, "  <Correlation ActivityID=\"{%s}\"/>\r\n </System>\r\n", guid);
    fprintf(f, " <EventData>\r\n  <Data Name=\"ContextId\">{%s}</Data>\r\n",
            guid);
    for (i = 0; i < 6 && e->data[i].k != NULL; i++)
        fprintf(f, "  <Data Name=\"%s\">%s</Data>\r\n", e->data[i].k,
                e->data[i].v);
    fprintf(f,
            " </EventData>\r\n <RenderingInfo Culture=\"en-US\">\r\n"
            "  <Opcode>%s</Opcode>\r\n </RenderingInfo>\r\n</Event>\r\n",
            e->name);
}

static int
write_freb(const char *dir, size_t k, const struct cls *c, long long start_ms)
{
    char path[4096], guid[40];
    FILE *f;
    size_t i;

    snprintf(path, sizeof path, "%s/freb/%s.xml", dir, c->cause);
    snprintf(guid, sizeof guid, "00000000-0000-0000-C1A5-0000000000%02zu", k);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n"
            "<failedRequest url=\"http://www.example.com:80%s\"\r\n"
            " siteId=\"1\" appPoolId=\"DefaultAppPool\" processId=\"2864\""
            " verb=\"%s\"\r\n activityId=\"{%s}\""
            " failureReason=\"STATUS_CODE\" statusCode=\"%d.%d\""
            " triggerStatusCode=\"%d\" timeTaken=\"%d\"\r\n"
            " xmlns:freb=\"http://schemas.microsoft.com/win/2006/06/iis/"
            "freb\">\r\n",
            c->url, c->verb, guid, c->status, c->sub, c->status, c->taken);
    for (i = 0; i < 8 && c->ev[i].name != NULL; i++)
        write_event(f, &c->ev[i], start_ms, guid);
    fprintf(f, "</failedRequest>\r\n");
    return fclose(f) == 0 ? 0 : -1;
}

static void
w3c_line(FILE *f, long long end_ms, const char *verb, const char *url,
         int status, int sub, long long win32, int taken, int port)
{
    char t[64];

    w3c_time(t, sizeof t, end_ms);
    fprintf(f,
            "%s 198.51.100.5 %s %s - 80 - 192.0.2.%d Mozilla/5.0 - %d %d %lld "
            "%d\r\n",
            t, verb, url, port, status, sub, win32, taken);
}

/* HTTP.sys lines: 503s with their reasons, a client that left, and a
 * connection-level time-out (no verb, URL or status). */
static int
write_httperr(const char *dir)
{
    static const struct {
        int min_s;
        const char *verb, *url, *status, *reason;
    } lines[] = {
        {7200, "GET", "/app/", "503", "AppOffline"},
        {7230, "GET", "/app/login", "503", "AppOffline"},
        {7290, "POST", "/app/save", "503", "AppOffline"},
        {7800, "GET", "/busy/", "503", "QueueFull"},
        {8400, "GET", "/crashy/", "503", "Connection_Abandoned_By_AppPool"},
        {9000, "GET", "/download/iso", "-", "Connection_Dropped"},
        {9600, "-", "-", "-", "Timer_ConnectionIdle"},
    };
    char path[4096], t[64];
    FILE *f;
    size_t i;

    snprintf(path, sizeof path, "%s/httperr1.log", dir);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fprintf(f, "#Software: Microsoft HTTP API 2.0\r\n#Version: 1.0\r\n"
               "#Date: 2026-03-02 10:00:00\r\n#Fields: date time c-ip c-port "
               "s-ip s-port cs-version cs-method cs-uri sc-status s-siteid "
               "s-reason s-queuename\r\n");
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        w3c_time(t, sizeof t, (BASE_S + lines[i].min_s) * 1000);
        fprintf(f, "%s 192.0.2.%zu %zu 198.51.100.5 80 %s %s %s %s 1 %s %s\r\n",
                t, 100 + i, 50000 + i,
                lines[i].verb[0] == '-' ? "-" : "HTTP/1.1", lines[i].verb,
                lines[i].url, lines[i].status, lines[i].reason,
                lines[i].verb[0] == '-' ? "-" : "DefaultAppPool");
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* One Log Parser row. */
static void
etw_row(FILE *f, int num, const char *provider, const char *name, long long ms,
        const char *guid, const char *data)
{
    char t[64];

    w3c_time(t, sizeof t, ms);
    fprintf(f,
            "<ROW><EventNumber>%d</EventNumber><EventName>%s</EventName>"
            "<EventTypeName>%s</EventTypeName><Timestamp>%s</Timestamp>"
            "<UserData>ContextId={%s}%s%s</UserData></ROW>\r\n",
            num, provider, name, t, guid, data != NULL ? "|" : "",
            data != NULL ? data : "");
}

/* ETW: a 200 and a FastCGI activity time-out (500.0) after 31 s.  The
 * IISFastCGI events carry the ContextId alone (iis_events.c). */
static int
write_etw(const char *dir)
{
    const long long t0 = (BASE_S + 10800) * 1000;
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/etw.xml", dir);
    f = fopen(path, "wb");
    if (f == NULL)
        return -1;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<ROOT "
               "DATE_CREATED=\"2026-03-02 13:00:00\" CREATED_BY=\"Microsoft "
               "Log Parser V2.2\">\r\n");
    etw_row(f, 1, "IISGeneral", "GENERAL_REQUEST_START", t0,
            "00000000-0000-0000-E7A0-000000000001",
            "SiteId=1|AppPoolId=PhpPool|ConnId=1|RawConnId=0|RequestURL="
            "http://www.example.com:80/home.php|RequestVerb=GET");
    etw_row(f, 2, "IISGeneral", "GENERAL_REQUEST_END", t0,
            "00000000-0000-0000-E7A0-000000000001",
            "BytesSent=900|BytesReceived=300|HttpStatus=200|HttpSubStatus=0");
    etw_row(f, 3, "IISGeneral", "GENERAL_REQUEST_START", t0 + 1000,
            "00000000-0000-0000-E7A0-000000000002",
            "SiteId=1|AppPoolId=PhpPool|ConnId=2|RawConnId=0|RequestURL="
            "http://www.example.com:80/report.php|RequestVerb=GET");
    etw_row(f, 4, "IISFastCGI", "FASTCGI_ACTIVITY_TIMEOUT", t0 + 31000,
            "00000000-0000-0000-E7A0-000000000002", NULL);
    etw_row(f, 5, "IISGeneral", "GENERAL_REQUEST_END", t0 + 31000,
            "00000000-0000-0000-E7A0-000000000002",
            "BytesSent=1200|BytesReceived=300|HttpStatus=500|HttpSubStatus=0");
    fprintf(f, "</ROOT>\r\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* MEMBER_DIR/freb/arr_member.xml: the ARR member's trace (a second box). */
static int
write_member(const char *dir)
{
    char path[4096];

    snprintf(path, sizeof path, "%s/freb", dir);
    if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
        (mkdir(path, 0755) != 0 && errno != EEXIST))
        return -1;
    return write_freb(dir, 99, &arr_member,
                      (BASE_S + ARR_FRONT * 600) * 1000 + 250 + 10);
}

int
main(int argc, char **argv)
{
    char path[4096];
    FILE *w3c;
    size_t k;

    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: gen_classes DIR [MEMBER_DIR]\n");
        return 2;
    }
    if (argc == 3 && write_member(argv[2]) != 0) {
        perror(argv[2]);
        return 1;
    }
    snprintf(path, sizeof path, "%s/freb", argv[1]);
    if ((mkdir(argv[1], 0755) != 0 && errno != EEXIST) ||
        (mkdir(path, 0755) != 0 && errno != EEXIST)) {
        perror(path);
        return 1;
    }
    snprintf(path, sizeof path, "%s/u_ex260302.log", argv[1]);
    w3c = fopen(path, "wb");
    if (w3c == NULL) {
        perror(path);
        return 1;
    }
    fprintf(w3c, "#Software: Microsoft Internet Information Services 10.0\r\n"
                 "#Version: 1.0\r\n#Date: 2026-03-02 10:00:00\r\n"
                 "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "
                 "s-port cs-username c-ip cs(User-Agent) cs(Referer) "
                 "sc-status sc-substatus sc-win32-status time-taken\r\n");
    for (k = 0; k < NCLASSES; k++) {
        const struct cls *c = &classes[k];
        long long start = (BASE_S + (long long)k * 600) * 1000 + 250;

        /* Ordinary traffic before each failure. */
        w3c_line(w3c, start - 4000, "GET", "/", 200, 0, 0, 15, 7);
        w3c_line(w3c, start - 3000, "GET", "/style.css", 200, 0, 0, 3, 8);
        w3c_line(w3c, start + c->taken, c->verb, c->url, c->status, c->sub,
                 c->win32, c->taken, 50);
        if (c->freb && write_freb(argv[1], k, c, start) != 0) {
            perror(c->cause);
            return 1;
        }
    }
    if (fclose(w3c) != 0 || write_httperr(argv[1]) != 0 ||
        write_etw(argv[1]) != 0) {
        perror(argv[1]);
        return 1;
    }
    return 0;
}
