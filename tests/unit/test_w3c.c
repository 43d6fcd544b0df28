/*
 * Unit tests for the W3C and HTTPERR importer: value splitting and
 * decoding, #Fields directives that change mid-file, start = end -
 * time-taken, stable keys, HTTPERR detection, an incomplete last line,
 * and correlation of a line with a FREB request (and its ambiguity).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_w3c.h"
#include "rn_buf.h"
#include "store.h"
#include "test.h"
#include "test_import.h"

static void
test_split(void)
{
    char line[] = "2024-03-05 10:00:01  GET /a+b.html - \"Mozilla 5\" "
                  "\"say \"\"hi\"\"\" 200";
    char many[] = "a b c d";
    char *v[8];

    CHECK(import_w3c_split(line, v, 8) == 8);
    CHECK_STR(v[7], "200");
    CHECK_STR(v[0], "2024-03-05");
    CHECK_STR(v[2], "GET");
    CHECK_STR(v[3], "/a+b.html");
    CHECK_STR(v[5], "Mozilla 5");
    CHECK_STR(v[6], "say \"hi\"");
    CHECK(import_w3c_split(many, v, 3) == 4);
    import_w3c_decode(v[0], 1);
    {
        char dash[] = "-", plus[] = "Mozilla/5.0+(Windows)", url[] = "a+b";

        import_w3c_decode(dash, 1);
        CHECK_STR(dash, "");
        import_w3c_decode(plus, 1);
        CHECK_STR(plus, "Mozilla/5.0 (Windows)");
        import_w3c_decode(url, 0);
        CHECK_STR(url, "a+b");
    }
}

static const char w3c_log[] =
    "#Software: Microsoft Internet Information Services 10.0\n"
    "#Version: 1.0\n"
    "#Date: 2024-03-05 09:00:00\n"
    "#Fields: date time cs-method cs-uri-stem sc-status time-taken\n"
    "2024-03-05 09:00:01 GET /a.html 200 10\n"
    "\n"
    "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port "
    "c-ip c-port cs-host cs(User-Agent) sc-status sc-substatus "
    "sc-win32-status time-taken\r\n"
    "2024-03-05 09:30:05 10.0.0.1 POST /cgi-bin/x.exe a=1 80 10.0.0.9 "
    "50123 www.example.com Mozilla/5.0+(X11) 502 2 0 1500\r\n"
    "#Fields: time cs-method cs-uri-stem sc-status\n"
    "09:45:00 GET /time-only.html 500\n";

static void
test_fields_change(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, put("u_ex240305.log", w3c_log, sizeof w3c_log - 1));
    CHECK(sum.imported == 1 && sum.events == 3);
    CHECK_STR(q(st, "SELECT format, kind, requests, warnings FROM source"),
              "w3c|3|3|0");
    CHECK_STR(q(st, "SELECT e.seq, e.line, e.name, e.level, e.ts_ns,"
                    " r.start_ns, r.end_ns, r.verb, r.url, r.http_status,"
                    " r.substatus, r.win32_status, r.client_addr,"
                    " r.client_port, r.server_addr, r.server_port, r.host"
                    " FROM event e JOIN srcreq r ON r.id = e.srcreq_id"
                    " ORDER BY e.seq"),
              "5|5|W3C_REQUEST|4|1709629201000000000|1709629200990000000|"
              "1709629201000000000|GET|/a.html|200|NULL|NULL|NULL|NULL|NULL|"
              "NULL|NULL\n"
              "8|8|W3C_REQUEST|2|1709631005000000000|1709631003500000000|"
              "1709631005000000000|POST|/cgi-bin/x.exe?a=1|502|2|0|10.0.0.9|"
              "50123|10.0.0.1|80|www.example.com\n"
              "10|10|W3C_REQUEST|2|1709631900000000000|1709631900000000000|"
              "1709631900000000000|GET|/time-only.html|500|NULL|NULL|NULL|"
              "NULL|NULL|NULL|NULL");
    CHECK_STR(q(st, "SELECT json_extract(fields, '$.\"cs(User-Agent)\"'),"
                    " json_extract(fields, '$.\"cs-uri-query\"')"
                    " FROM event WHERE seq = 8"),
              "Mozilla/5.0 (X11)|a=1");
    /* Keys: kind, 16 hex digits of the line's hash, line number. */
    CHECK_STR(q(st, "SELECT count(*) FROM srcreq WHERE key GLOB"
                    " 'w3c:[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                    "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                    "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]"
                    "[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:*'"),
              "3");
    CHECK_STR(q(st, "SELECT json_extract(attrs, '$.time_taken_ms') FROM"
                    " srcreq ORDER BY start_ns"),
              "10\n1500\nNULL");
    store_close(st);
}

static void
test_httperr(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    static const char log[] =
        "#Software: Microsoft HTTP API 2.0\r\n"
        "#Version: 1.0\r\n"
        "#Date: 2024-03-05 10:00:00\r\n"
        "#Fields: date time c-ip c-port s-ip s-port cs-version cs-method "
        "cs-uri streamid sc-status s-siteid s-reason s-queuename\r\n"
        "2024-03-05 10:00:03 192.0.2.1 50000 10.0.0.1 80 HTTP/1.1 GET "
        "/time/ - - 1 Connection_Dropped DefaultAppPool\r\n"
        "2024-03-05 10:00:04 192.0.2.1 50001 10.0.0.1 80 HTTP/1.1 GET "
        "/x - 503 1 AppOffline DefaultAppPool\r\n"
        "2024-03-05 10:00:04 192.0.2.1 50003 10.0.0.1 80 - - - - - 1 "
        "Timer_ConnectionIdle -\r\n"
        "2024-03-05 10:00:05 192.0.2.1 50002 10.0.0.1 80 HTT";

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, put("httperr1.log", log, sizeof log - 1));
    /* The cut last line is reported; the rest is kept. */
    CHECK(sum.partial == 1 && sum.events == 3);
    CHECK_STR(q(st, "SELECT format, kind, truncated,"
                    " message LIKE '%line 8: last line is incomplete%'"
                    " FROM source"),
              "httperr|4|1|1");
    CHECK_STR(q(st, "SELECT e.name, e.level, r.url, r.http_status,"
                    " r.client_port, substr(r.key, 1, 8) FROM event e"
                    " JOIN srcreq r ON r.id = e.srcreq_id ORDER BY e.seq"),
              "HTTPERR_Connection_Dropped|3|/time/|NULL|50000|httperr:\n"
              "HTTPERR_AppOffline|2|/x|503|50001|httperr:");
    /* The connection-level line is an event of no request. */
    CHECK_STR(q(st, "SELECT e.name, e.seq, e.srcreq_id IS NULL,"
                    " (SELECT count(*) FROM srcreq) FROM event e"
                    " WHERE e.name LIKE 'HTTPERR_Timer%'"),
              "HTTPERR_Timer_ConnectionIdle|7|1|2");
    store_close(st);
}

/* A FREB request and W3C lines for it: linked, or left alone when two
 * lines match it. */
static void
test_correlate(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    static const char freb[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n"
        "<failedRequest url=\"http://h.example:80/cgi-bin/x.exe?a=1\"\r\n"
        " verb=\"POST\" statusCode=\"502.2\"\r\n"
        " activityId=\"{00000000-0000-0000-CD00-0080000000F1}\">\r\n"
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
        "event\"><System><TimeCreated SystemTime=\"2024-03-05T10:15:20.125Z"
        "\"/></System><EventData><Data Name=\"RemoteAddress\">192.0.2.10"
        "</Data></EventData><RenderingInfo><Opcode>"
        "GENERAL_ENDPOINT_INFORMATION</Opcode></RenderingInfo></Event>\r\n"
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
        "event\"><System><TimeCreated SystemTime=\"2024-03-05T10:15:23.875Z"
        "\"/></System><EventData><Data Name=\"HttpStatus\">502</Data>"
        "<Data Name=\"HttpSubStatus\">2</Data></EventData><RenderingInfo>"
        "<Opcode>GENERAL_REQUEST_END</Opcode></RenderingInfo></Event>\r\n"
        "</failedRequest>\r\n";
    static const char line_ok[] =
        "#Fields: date time cs-method cs-uri-stem cs-uri-query c-ip "
        "sc-status sc-substatus time-taken\n"
        "2024-03-05 10:15:23 POST /CGI-BIN/x.exe a=1 192.0.2.10 502 2 3750\n"
        "2024-03-05 10:15:23 POST /cgi-bin/x.exe a=1 192.0.2.11 502 2 3750\n"
        "2024-03-05 10:15:23 POST /cgi-bin/y.exe a=1 192.0.2.10 502 2 3750\n";
    static const char line_twin[] =
        "#Fields: date time cs-method cs-uri-stem c-ip sc-status time-taken\n"
        "2024-03-05 10:15:24 POST /cgi-bin/x%2Eexe 192.0.2.10 502 3900\n";

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    import(st, put("u_ex1.log", line_ok, sizeof line_ok - 1));
    import(st, put("fr000009.xml", freb, sizeof freb - 1));
    /* The log came first; the FREB file's arrival linked its line. */
    CHECK_STR(q(st, "SELECT r.kind, r.link_rule FROM srcreq r JOIN request q"
                    " ON q.id = r.request_id WHERE q.key ="
                    " '{00000000-0000-0000-cd00-0080000000f1}' ORDER BY kind"),
              "2|activity_id\n3|w3c_time_url_status_client");
    CHECK_STR(q(st, "SELECT count(*) FROM request"), "3");
    /* A second log with another line matching the same request: now
     * ambiguous, so the first line goes back to being alone. */
    import(st, put("u_ex2.log", line_twin, sizeof line_twin - 1));
    CHECK_STR(q(st, "SELECT count(*) FROM srcreq WHERE kind = 3 AND"
                    " link_rule != 'self'"),
              "0");
    CHECK_STR(q(st, "SELECT count(*), sum(sources) FROM request"), "5|18");
    store_close(st);
}

int
main(void)
{
    if (test_dir_init() != 0) {
        perror("mkdtemp");
        return 1;
    }
    test_split();
    test_fields_change();
    test_httperr();
    test_correlate();
    test_dir_fini();
    return test_report("test_w3c");
}
