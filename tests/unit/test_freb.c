/*
 * Unit tests for the FREB importer: statusCode parsing, and whole files
 * (written here) imported into an in-memory store: root attributes,
 * events with their position, line, time, level and fields, the endpoint
 * information, UTF-16, a file cut short, IIS's size-cap truncation, and
 * the 502.2 CGI triage on FREB events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_freb.h"
#include "rn_buf.h"
#include "store.h"
#include "test.h"
#include "test_import.h"

#define EV_OPEN                                                                \
    "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"          \
    "event\">\r\n"

static const char freb_doc[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n"
    "<?xml-stylesheet type='text/xsl' href='freb.xsl'?>\r\n"
    "<!-- saved from url=(0014)about:internet -->\r\n"
    "<failedRequest url=\"http://h.example:80/cgi-bin/x.exe?a=1&amp;b=2\"\r\n"
    "               siteId=\"1\"\r\n"
    "               verb=\"POST\"\r\n"
    "               activityId=\"{00000000-0000-0000-AB00-0080000000F1}\"\r\n"
    "               failureReason=\"STATUS_CODE\"\r\n"
    "               statusCode=\"502.2\"\r\n"
    "               triggerStatusCode=\"502.2\"\r\n"
    "               timeTaken=\"3750\"\r\n"
    "               xmlns:freb=\"http://schemas.microsoft.com/win/2006/06/"
    "iis/freb\"\r\n"
    "               >\r\n" EV_OPEN " <System>\r\n"
    "  <Provider Name=\"WWW Server\" Guid=\"{3A2A4E84-4C21-4981-AE10-"
    "3FDA0D9B0F83}\"/>\r\n"
    "  <Level>4</Level>\r\n  <Opcode>55</Opcode>\r\n"
    "  <TimeCreated SystemTime=\"2024-03-05T10:15:20.125Z\"/>\r\n"
    " </System>\r\n"
    " <EventData>\r\n"
    "  <Data Name=\"RemoteAddress\">192.0.2.10</Data>\r\n"
    "  <Data Name=\"RemotePort\">51234</Data>\r\n"
    "  <Data Name=\"LocalAddress\">198.51.100.5</Data>\r\n"
    "  <Data Name=\"LocalPort\">80</Data>\r\n"
    " </EventData>\r\n"
    " <RenderingInfo Culture=\"en-US\">\r\n"
    "  <Opcode>GENERAL_ENDPOINT_INFORMATION</Opcode>\r\n"
    " </RenderingInfo>\r\n"
    "</Event>\r\n" EV_OPEN " <System>\r\n"
    "  <Provider Name=\"WWW Server\"/>\r\n"
    "  <Level>4</Level>\r\n  <Opcode>3</Opcode>\r\n"
    "  <TimeCreated SystemTime=\"2024-03-05T10:15:20.140Z\"/>\r\n"
    " </System>\r\n"
    " <EventData>\r\n"
    "  <Data Name=\"CommandLine\">\"C:\\cgi\\x.exe\" </Data>\r\n"
    "  <Data Name=\"ErrorCode\">0</Data>\r\n"
    "  <Data Name=\"ProcessId\">4242</Data>\r\n"
    " </EventData>\r\n"
    " <RenderingInfo Culture=\"en-US\">\r\n"
    "  <Opcode>CGI_LAUNCH</Opcode>\r\n"
    " </RenderingInfo>\r\n"
    "</Event>\r\n" EV_OPEN " <System>\r\n"
    "  <Provider Name=\"WWW Server\"/>\r\n"
    "  <Level>4</Level>\r\n  <Opcode>5</Opcode>\r\n"
    "  <TimeCreated SystemTime=\"2024-03-05T10:15:23.870Z\"/>\r\n"
    " </System>\r\n"
    " <EventData>\r\n"
    "  <Data Name=\"Headers\">X-Debug: 1&#13;&#10;</Data>\r\n"
    " </EventData>\r\n"
    " <RenderingInfo Culture=\"en-US\">\r\n"
    "  <Opcode>CGI_PREMATURE_TERMINATION</Opcode>\r\n"
    " </RenderingInfo>\r\n"
    "</Event>\r\n" EV_OPEN " <System>\r\n"
    "  <Provider Name=\"WWW Server\"/>\r\n"
    "  <Level>3</Level>\r\n  <Opcode>16</Opcode>\r\n"
    "  <TimeCreated SystemTime=\"2024-03-05T10:15:23.871Z\"/>\r\n"
    " </System>\r\n"
    " <EventData>\r\n"
    "  <Data Name=\"ModuleName\">CgiModule</Data>\r\n"
    "  <Data Name=\"Notification\">128</Data>\r\n"
    "  <Data Name=\"HttpStatus\">502</Data>\r\n"
    "  <Data Name=\"HttpReason\">Bad Gateway</Data>\r\n"
    "  <Data Name=\"HttpSubStatus\">2</Data>\r\n"
    "  <Data Name=\"ErrorCode\">3</Data>\r\n"
    " </EventData>\r\n"
    " <RenderingInfo Culture=\"en-US\">\r\n"
    "  <Opcode>MODULE_SET_RESPONSE_ERROR_STATUS</Opcode>\r\n"
    "  <freb:Description Data=\"Notification\">EXECUTE_REQUEST_HANDLER"
    "</freb:Description>\r\n"
    " </RenderingInfo>\r\n"
    "</Event>\r\n"
    "</failedRequest>\r\n";

/* The LOG_FILE_MAX_SIZE_TRUNCATE event IIS ends a capped trace with. */
static const char cap_event[] =
    EV_OPEN " <System>\r\n"
            "  <Provider Name=\"WWW Server\"/>\r\n"
            "  <Level>3</Level>\r\n  <Opcode>0</Opcode>\r\n"
            "  <TimeCreated SystemTime=\"2024-03-05T10:15:23.900Z\"/>\r\n"
            " </System>\r\n <EventData>\r\n </EventData>\r\n"
            " <RenderingInfo Culture=\"en-US\">\r\n"
            "  <Opcode>LOG_FILE_MAX_SIZE_TRUNCATE</Opcode>\r\n"
            " </RenderingInfo>\r\n</Event>\r\n";

static void
test_status(void)
{
    int64_t st, sub;

    CHECK(import_freb_parse_status("500", &st, &sub) == 0);
    CHECK(st == 500 && sub == 0);
    CHECK(import_freb_parse_status("502.2", &st, &sub) == 0);
    CHECK(st == 502 && sub == 2);
    CHECK(import_freb_parse_status("404.13", &st, &sub) == 0);
    CHECK(st == 404 && sub == 13);
    CHECK(import_freb_parse_status("5xx", &st, &sub) == -1);
    CHECK(st == STORE_NONE && sub == STORE_NONE);
    CHECK(import_freb_parse_status("502.", &st, &sub) == -1);
    CHECK(import_freb_parse_status("", &st, &sub) == -1);
    CHECK(import_freb_parse_status(NULL, &st, &sub) == -1);
}

static void
test_whole_file(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    const char *path = put("fr000001.xml", freb_doc, sizeof freb_doc - 1);

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, path);
    CHECK(sum.imported == 1 && sum.failed == 0 && sum.events == 4);
    CHECK_STR(q(st, "SELECT kind, key, verb, url, host, http_status,"
                    " substatus, client_addr, client_port, server_addr,"
                    " server_port, truncated FROM srcreq"),
              "2|{00000000-0000-0000-ab00-0080000000f1}|POST|"
              "http://h.example:80/cgi-bin/x.exe?a=1&b=2|h.example|502|2|"
              "192.0.2.10|51234|198.51.100.5|80|0");
    /* Every root attribute is kept, namespace declarations are not. */
    CHECK_STR(q(st, "SELECT json_extract(attrs, '$.triggerStatusCode'),"
                    " json_extract(attrs, '$.timeTaken'),"
                    " json_extract(attrs, '$.failureReason'),"
                    " json_extract(attrs, '$.siteId'),"
                    " json_extract(attrs, '$.\"xmlns:freb\"') FROM srcreq"),
              "502.2|3750|STATUS_CODE|1|NULL");
    CHECK_STR(q(st, "SELECT seq, line, name, level, ts_ns, provider FROM"
                    " event ORDER BY seq"),
              "1|14|GENERAL_ENDPOINT_INFORMATION|4|1709633720125000000|"
              "WWW Server\n"
              "2|31|CGI_LAUNCH|4|1709633720140000000|WWW Server\n"
              "3|47|CGI_PREMATURE_TERMINATION|4|1709633723870000000|"
              "WWW Server\n"
              "4|61|MODULE_SET_RESPONSE_ERROR_STATUS|3|1709633723871000000|"
              "WWW Server");
    CHECK_STR(q(st, "SELECT json_extract(fields, '$.Notification'),"
                    " json_extract(fields, '$.\"Notification.description\"'),"
                    " json_extract(fields, '$.\"sys.Opcode\"')"
                    " FROM event WHERE seq = 4"),
              "128|EXECUTE_REQUEST_HANDLER|16");
    /* Triage: the three roles and the words for exit code 3. */
    CHECK_STR(q(st, "SELECT (SELECT seq FROM event WHERE uid = cgi_start),"
                    " (SELECT seq FROM event WHERE uid = header_error),"
                    " (SELECT seq FROM event WHERE uid = status_send),"
                    " http_status, substatus, win32_status FROM request"),
              "2|3|4|502|2|3");
    CHECK_STR(q(st, "SELECT diagnosis LIKE '%4242%x.exe%X-Debug: 1%'"
                    " AND diagnosis LIKE '%abort()%'"
                    " AND diagnosis LIKE '%missing: a Content-Type, Location"
                    " or Status header%'"
                    " AND diagnosis LIKE '%502.2' FROM request"),
              "1");
    /* Re-import adds nothing. */
    sum = import(st, path);
    CHECK(sum.duplicates == 1);
    store_close(st);
}

static void
test_utf16(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    const char *decl = strstr(freb_doc, "encoding=\"UTF-8\"");
    struct rn_buf doc;
    char *w;
    size_t i, o = 2;

    /* Re-saved as UTF-16LE with a BOM and a matching declaration. */
    rn_buf_init(&doc, 1u << 20);
    rn_buf_append(&doc, freb_doc, (size_t)(decl - freb_doc));
    rn_buf_puts(&doc, "encoding=\"UTF-16\"");
    rn_buf_puts(&doc, decl + strlen("encoding=\"UTF-8\""));
    w = malloc(2 * doc.len + 2);
    w[0] = (char)0xFF;
    w[1] = (char)0xFE;
    for (i = 0; i < doc.len; i++) {
        w[o++] = doc.data[i];
        w[o++] = 0;
    }
    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, put("fr000002.xml", w, o));
    CHECK(sum.imported == 1 && sum.events == 4);
    CHECK_STR(q(st, "SELECT http_status, substatus, client_addr FROM srcreq"),
              "502|2|192.0.2.10");
    store_close(st);
    free(w);
    rn_buf_fini(&doc);
}

static void
test_truncated(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    /* Cut inside the third event. */
    const char *third = strstr(freb_doc, "CGI_PREMATURE_TERMINATION");
    size_t cut = (size_t)(third - freb_doc) - 40;

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, put("fr000003.xml", freb_doc, cut));
    CHECK(sum.partial == 1 && sum.failed == 0 && sum.events == 2);
    CHECK_STR(q(st, "SELECT s.truncated, r.truncated, r.http_status,"
                    " s.message LIKE '%fr000003.xml: truncated at line 57,"
                    " column %; kept 2 complete events'"
                    " FROM source s JOIN srcreq r ON r.source_id = s.id"),
              "1|1|502|1");
    CHECK_STR(q(st, "SELECT count(*) FROM source_warning WHERE line > 40"),
              "1");
    store_close(st);
}

static void
test_size_cap(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    struct rn_buf b;
    const char *end = strstr(freb_doc, "</failedRequest>");

    rn_buf_init(&b, 1u << 20);
    rn_buf_append(&b, freb_doc, (size_t)(end - freb_doc));
    rn_buf_puts(&b, cap_event);
    rn_buf_puts(&b, "</failedRequest>\r\n");
    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    sum = import(st, put("fr000004.xml", b.data, b.len));
    /* Well formed: imported whole, but reported and marked. */
    CHECK(sum.imported == 1 && sum.events == 5);
    CHECK_STR(q(st, "SELECT s.truncated, s.warnings, r.truncated,"
                    " s.message LIKE '%LOG_FILE_MAX_SIZE_TRUNCATE%'"
                    " FROM source s JOIN srcreq r ON r.source_id = s.id"),
              "0|1|1|1");
    rn_buf_fini(&b);
    store_close(st);
}

static void
test_not_freb(void)
{
    struct store *st = NULL;
    struct rn_err err = {RN_OK, ""};
    struct import_summary sum;
    static const char junk[] = "<failedRequest url=\"x\" <<<";

    CHECK(store_open(":memory:", 0, &st, &err) == RN_OK);
    /* Looks like FREB by its first element, but the root never parses. */
    sum = import(st, put("fr000005.xml", junk, sizeof junk - 1));
    CHECK(sum.failed == 1 && sum.events == 0);
    CHECK_STR(q(st, "SELECT count(*) FROM source"), "0");
    store_close(st);
}

int
main(void)
{
    if (test_dir_init() != 0) {
        perror("mkdtemp");
        return 1;
    }
    test_status();
    test_whole_file();
    test_utf16();
    test_truncated();
    test_size_cap();
    test_not_freb();
    test_dir_fini();
    return test_report("test_freb");
}
