/*
 * Fixture generator for FREB, W3C and the cross-source correlation tests.
 *
 *   gen_freb incident DIR      one 502.2 CGI incident seen three ways:
 *                              DIR/freb/fr000001.xml (FREB),
 *                              DIR/etw.xml (tracerpt-style ETW XML) and
 *                              DIR/u_ex240305.log (W3C, with decoy lines)
 *   gen_freb cgi502 FILE [--empty-headers]
 *                              one FREB file of a 502.2 CGI failure
 *   gen_freb folder DIR N      N FREB files fr000001.xml.. plus freb.xsl
 *                              (every 10th request a 502.2 CGI failure)
 *   gen_freb truncated FILE    a 502.2 FREB file cut inside its 7th event
 *   gen_freb w3c-fields FILE   a W3C log whose #Fields change mid-file
 *
 * Everything is deterministic.  Times are UTC.
 */
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iis_write.h"

/* The incident every correlation fixture describes. */
#define INC_GUID    "00000000-0000-0000-1A00-0080000000F3"
#define INC_URL     "http://www.example.com:80/cgi-bin/report.exe/run?id=42"
#define INC_CMD     "\"C:\\inetpub\\cgi-bin\\report.exe\" "
#define INC_HEADERS "Content-Type: text/html&#13;&#10;X-Debug: 1&#13;&#10;"

/* The events of a 502.2 CGI failure (FORMATS.md A.8). */
static size_t
cgi502_events(struct gen_ev *v, const char *url, const char *headers)
{
    const struct gen_ev ev[] = {
        {"GENERAL_REQUEST_START",
         1,
         4,
         "0x0",
         AREA_GENERAL,
         0,
         {{"SiteId", "1"},
          {"AppPoolId", "DefaultAppPool"},
          {"ConnId", "1610612751"},
          {"RawConnId", "0"},
          {"RequestURL", url},
          {"RequestVerb", "POST"}},
         {{NULL, NULL}}},
        {"GENERAL_ENDPOINT_INFORMATION",
         55,
         4,
         "0x0",
         AREA_GENERAL,
         1,
         {{"RemoteAddress", "192.0.2.10"},
          {"RemotePort", "51234"},
          {"LocalAddress", "198.51.100.5"},
          {"LocalPort", "80"}},
         {{NULL, NULL}}},
        {"GENERAL_REQUEST_HEADERS",
         50,
         4,
         "0x0",
         AREA_GENERAL,
         2,
         {{"Headers", "Content-Length: 512&#13;&#10;Content-Type: "
                      "application/x-www-form-urlencoded&#13;&#10;Host: "
                      "www.example.com&#13;&#10;"}},
         {{NULL, NULL}}},
        {"NOTIFY_MODULE_START",
         1,
         5,
         "0x100",
         AREA_NOTIFY,
         10,
         {{"ModuleName", "CgiModule"},
          {"Notification", "128"},
          {"fIsPostNotification", "false"}},
         {{"Notification", "EXECUTE_REQUEST_HANDLER"}}},
        {"CGI_LAUNCH",
         3,
         4,
         "0x20",
         AREA_CGI,
         15,
         {{"CommandLine", INC_CMD}, {"ErrorCode", "0"}, {"ProcessId", "4242"}},
         {{"ErrorCode", "The operation completed successfully. (0x0)"}}},
        {"GENERAL_READ_ENTITY_START",
         37,
         5,
         "0x0",
         AREA_GENERAL,
         16,
         {{NULL, NULL}},
         {{NULL, NULL}}},
        {"GENERAL_READ_ENTITY_END",
         38,
         5,
         "0x0",
         AREA_GENERAL,
         20,
         {{"BytesReceived", "512"}, {"ErrorCode", "0"}},
         {{"ErrorCode", "The operation completed successfully. (0x0)"}}},
        {"CGI_PREMATURE_TERMINATION",
         5,
         4,
         "0x20",
         AREA_CGI,
         3745,
         {{"Headers", headers}},
         {{NULL, NULL}}},
        {"MODULE_SET_RESPONSE_ERROR_STATUS",
         16,
         3,
         "0x100",
         AREA_NOTIFY,
         3746,
         {{"ModuleName", "CgiModule"},
          {"Notification", "128"},
          {"HttpStatus", "502"},
          {"HttpReason", "Bad Gateway"},
          {"HttpSubStatus", "2"},
          {"ErrorCode", "3221225725"},
          {"ConfigExceptionInfo", ""}},
         {{"Notification", "EXECUTE_REQUEST_HANDLER"},
          {"ErrorCode", "A new guard page for the stack cannot be created. "
                        "(0xc00000fd)"}}},
        {"GENERAL_RESPONSE_HEADERS",
         47,
         4,
         "0x0",
         AREA_GENERAL,
         3747,
         {{"Headers", "Content-Type: text/html&#13;&#10;Server: "
                      "Microsoft-IIS/10.0&#13;&#10;"}},
         {{NULL, NULL}}},
        {"GENERAL_FLUSH_RESPONSE_END",
         36,
         4,
         "0x0",
         AREA_GENERAL,
         3748,
         {{"BytesSent", "1477"}, {"ErrorCode", "0"}},
         {{"ErrorCode", "The operation completed successfully. (0x0)"}}},
        {"GENERAL_REQUEST_END",
         2,
         4,
         "0x0",
         AREA_GENERAL,
         3750,
         {{"BytesSent", "1477"},
          {"BytesReceived", "734"},
          {"HttpStatus", "502"},
          {"HttpSubStatus", "2"}},
         {{NULL, NULL}}},
    };
    size_t n = sizeof ev / sizeof ev[0];

    memcpy(v, ev, sizeof ev);
    return n;
}

/* The events of a plain request with the given status. */
static size_t
plain_events(struct gen_ev *v, const char *url, const char *status,
             const char *sub, int extra)
{
    size_t n = 0;
    int i;

    memset(v, 0, 64 * sizeof *v);
    v[n++] = (struct gen_ev){"GENERAL_REQUEST_START",
                             1,
                             4,
                             "0x0",
                             AREA_GENERAL,
                             0,
                             {{"SiteId", "1"},
                              {"AppPoolId", "DefaultAppPool"},
                              {"ConnId", "1610612752"},
                              {"RawConnId", "0"},
                              {"RequestURL", url},
                              {"RequestVerb", "GET"}},
                             {{NULL, NULL}}};
    v[n++] = (struct gen_ev){"GENERAL_ENDPOINT_INFORMATION",
                             55,
                             4,
                             "0x0",
                             AREA_GENERAL,
                             0,
                             {{"RemoteAddress", "203.0.113.7"},
                              {"RemotePort", "40000"},
                              {"LocalAddress", "198.51.100.5"},
                              {"LocalPort", "80"}},
                             {{NULL, NULL}}};
    for (i = 0; i < extra && n < 60; i++) {
        v[n++] = (struct gen_ev){
            i % 2 == 0 ? "NOTIFY_MODULE_START" : "NOTIFY_MODULE_END",
            i % 2 == 0 ? 1 : 2,
            5,
            "0x100",
            AREA_NOTIFY,
            1 + i / 4,
            {{"ModuleName",
              i % 4 < 2 ? "StaticFileModule" : "DefaultDocumentModule"},
             {"Notification", "128"},
             {"fIsPostNotification", "false"}},
            {{"Notification", "EXECUTE_REQUEST_HANDLER"}}};
    }
    v[n++] = (struct gen_ev){"MODULE_SET_RESPONSE_ERROR_STATUS",
                             16,
                             3,
                             "0x100",
                             AREA_NOTIFY,
                             1 + extra / 4,
                             {{"ModuleName", "IIS Web Core"},
                              {"Notification", "16"},
                              {"HttpStatus", status},
                              {"HttpReason", "Not Found"},
                              {"HttpSubStatus", sub},
                              {"ErrorCode", "2147942402"},
                              {"ConfigExceptionInfo", ""}},
                             {{"Notification", "MAP_REQUEST_HANDLER"},
                              {"ErrorCode", "The system cannot find the file "
                                            "specified. (0x80070002)"}}};
    v[n++] = (struct gen_ev){"GENERAL_REQUEST_END",
                             2,
                             4,
                             "0x0",
                             AREA_GENERAL,
                             2 + extra / 4,
                             {{"BytesSent", "1245"},
                              {"BytesReceived", "312"},
                              {"HttpStatus", status},
                              {"HttpSubStatus", sub}},
                             {{NULL, NULL}}};
    return n;
}

static FILE *
gen_open(const char *path)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL) {
        perror(path);
        exit(1);
    }
    return f;
}

/* 2024-03-05T10:15:20Z */
#define INC_BASE 1709633720LL

/* A whole FREB file for a 502.2 CGI failure; cut_at > 0 stops writing in
 * the middle of that event. */
static void
write_cgi502(const char *path, const char *guid, const char *url,
             long long base, const char *headers, int cut_at)
{
    struct gen_ev ev[16];
    size_t n = cgi502_events(ev, url, headers), i;
    FILE *f = gen_open(path);

    freb_head(f, url, "POST", guid, "502.2", 3750);
    for (i = 0; i < n; i++) {
        if (cut_at > 0 && (int)i + 1 == cut_at) {
            fprintf(f, "<Event xmlns=\"http://schemas.microsoft.com/win/"
                       "2004/08/events/event\">\r\n <System>\r\n  <Provider "
                       "Name=\"WWW Ser");
            fclose(f);
            return;
        }
        freb_event(f, &ev[i], base, guid, 1);
    }
    fprintf(f, "</failedRequest>\r\n");
    fclose(f);
}

/* The same incident, as tracerpt writes ETW events (lower-case GUID). */
static void
write_incident_etw(const char *path)
{
    struct gen_ev ev[16];
    size_t n = cgi502_events(ev, INC_URL, INC_HEADERS), i;
    FILE *f = gen_open(path);
    const char *keep[] = {"GENERAL_REQUEST_START", "CGI_LAUNCH",
                          "CGI_PREMATURE_TERMINATION", "GENERAL_REQUEST_END"};
    struct gen_ev other;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Events>\r\n");
    /* An unrelated request in flight first. */
    memset(&other, 0, sizeof other);
    other = (struct gen_ev){"GENERAL_REQUEST_START",
                            1,
                            4,
                            "0x0",
                            AREA_GENERAL,
                            0,
                            {{"SiteId", "1"},
                             {"AppPoolId", "DefaultAppPool"},
                             {"ConnId", "1"},
                             {"RawConnId", "0"},
                             {"RequestURL", "http://www.example.com:80/"},
                             {"RequestVerb", "GET"}},
                            {{NULL, NULL}}};
    freb_event(f, &other, INC_BASE, "00000000-0000-0000-1b00-0080000000f4", 0);
    for (i = 0; i < n; i++) {
        size_t k;

        for (k = 0; k < 4; k++) {
            if (strcmp(ev[i].name, keep[k]) == 0)
                freb_event(f, &ev[i], INC_BASE,
                           "00000000-0000-0000-1a00-0080000000f3", 0);
        }
    }
    fprintf(f, "</Events>\r\n");
    fclose(f);
}

/* The same incident in the W3C log, among decoys. */
static void
write_incident_w3c(const char *path)
{
    FILE *f = gen_open(path);

    fprintf(f, "#Software: Microsoft Internet Information Services 10.0\r\n"
               "#Version: 1.0\r\n#Date: 2024-03-05 10:15:00\r\n"
               "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "
               "s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status "
               "sc-substatus sc-win32-status time-taken\r\n");
    /* Decoys: same second, other URL; same URL, other client and status. */
    fprintf(f, "2024-03-05 10:15:23 198.51.100.5 GET /index.html - 80 - "
               "192.0.2.10 Mozilla/5.0+(Windows) - 200 0 0 15\r\n");
    fprintf(f, "2024-03-05 10:15:23 198.51.100.5 POST "
               "/cgi-bin/report.exe/run id=7 80 - 192.0.2.99 curl/8.0 - 200 0 "
               "0 120\r\n");
    /* The incident: end 10:15:23.875 truncated to the second. */
    fprintf(f, "2024-03-05 10:15:23 198.51.100.5 POST "
               "/cgi-bin/report.exe/run id=42 80 - 192.0.2.10 "
               "Mozilla/5.0+(Windows+NT+10.0) http://www.example.com/form "
               "502 2 0 3750\r\n");
    fprintf(f, "2024-03-05 10:15:40 198.51.100.5 GET /favicon.ico - 80 - "
               "192.0.2.10 Mozilla/5.0+(Windows) - 404 0 2 3\r\n");
    fclose(f);
}

/* A W3C log whose field list changes in the middle. */
static void
write_w3c_fields(const char *path)
{
    FILE *f = gen_open(path);

    fprintf(f, "#Software: Microsoft Internet Information Services 10.0\n"
               "#Version: 1.0\n#Date: 2024-03-05 09:00:00\n"
               "#Fields: date time cs-method cs-uri-stem sc-status "
               "time-taken\n"
               "2024-03-05 09:00:01 GET /a.html 200 10\n"
               "2024-03-05 09:00:02 GET /b.html 404 20\n"
               "#Software: Microsoft Internet Information Services 10.0\n"
               "#Version: 1.0\n#Date: 2024-03-05 09:30:00\n"
               "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query "
               "s-port c-ip c-port cs-host sc-status sc-substatus "
               "sc-win32-status time-taken\n"
               "2024-03-05 09:30:05 10.0.0.1 POST /cgi-bin/x.exe a=1 80 "
               "10.0.0.9 50123 www.example.com 502 2 0 1500\n"
               "2024-03-05 09:30:06 10.0.0.1 GET /c+d.html - 80 10.0.0.9 "
               "50124 - 200 0 64 7\n"
               "#Fields: time cs-method cs-uri-stem sc-status\n"
               "09:45:00 GET /time-only.html 500\n");
    fclose(f);
}

/* N FREB files and the stylesheet. */
static void
write_folder(const char *dir, int count)
{
    char path[4096], guid[64], url[256];
    struct gen_ev ev[64];
    int i;
    FILE *f;

    snprintf(path, sizeof path, "%s/freb.xsl", dir);
    f = gen_open(path);
    fprintf(f, "<?xml version=\"1.0\"?>\n<xsl:stylesheet version=\"1.0\" "
               "xmlns:xsl=\"http://www.w3.org/1999/XSL/Transform\">\n"
               "</xsl:stylesheet>\n");
    fclose(f);
    for (i = 1; i <= count; i++) {
        long long base = INC_BASE + (long long)i * 7;
        size_t n, k;

        snprintf(path, sizeof path, "%s/fr%06d.xml", dir, i);
        snprintf(guid, sizeof guid, "00000000-0000-0000-%04X-00800000%04X",
                 (unsigned)(i >> 16) & 0xFFFF, (unsigned)i & 0xFFFF);
        if (i % 10 == 0) {
            snprintf(url, sizeof url,
                     "http://www.example.com:80/cgi-bin/app.exe/%d", i);
            write_cgi502(path, guid, url, base, "", 0);
            continue;
        }
        snprintf(url, sizeof url, "http://www.example.com:80/page/%d.html", i);
        n = plain_events(ev, url, "404", "0", 24 + i % 16);
        f = gen_open(path);
        freb_head(f, url, "GET", guid, "404", 5);
        for (k = 0; k < n; k++)
            freb_event(f, &ev[k], base, guid, 1);
        fprintf(f, "</failedRequest>\r\n");
        fclose(f);
    }
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: gen_freb incident DIR | cgi502 FILE [--empty-headers] |"
            " folder DIR N | truncated FILE | w3c-fields FILE\n");
    exit(2);
}

int
main(int argc, char **argv)
{
    char path[4096];

    if (argc < 3)
        usage();
    if (strcmp(argv[1], "incident") == 0) {
        snprintf(path, sizeof path, "%s/freb", argv[2]);
        mkdir(argv[2], 0755);
        mkdir(path, 0755);
        snprintf(path, sizeof path, "%s/freb/fr000001.xml", argv[2]);
        write_cgi502(path, INC_GUID, INC_URL, INC_BASE, INC_HEADERS, 0);
        snprintf(path, sizeof path, "%s/etw.xml", argv[2]);
        write_incident_etw(path);
        snprintf(path, sizeof path, "%s/u_ex240305.log", argv[2]);
        write_incident_w3c(path);
    } else if (strcmp(argv[1], "cgi502") == 0) {
        int empty = argc > 3 && strcmp(argv[3], "--empty-headers") == 0;

        write_cgi502(argv[2], INC_GUID, INC_URL, INC_BASE,
                     empty ? "" : INC_HEADERS, 0);
    } else if (strcmp(argv[1], "folder") == 0 && argc >= 4) {
        mkdir(argv[2], 0755);
        write_folder(argv[2], (int)strtol(argv[3], NULL, 10));
    } else if (strcmp(argv[1], "truncated") == 0) {
        write_cgi502(argv[2], INC_GUID, INC_URL, INC_BASE, INC_HEADERS, 7);
    } else if (strcmp(argv[1], "w3c-fields") == 0) {
        write_w3c_fields(argv[2]);
    } else {
        usage();
    }
    return 0;
}
