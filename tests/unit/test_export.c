/* Unit tests for reports: redaction, the HTML/Markdown/CSV escapers, names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "export_impl.h"
#include "redact.h"
#include "render.h"
#include "rn_buf.h"
#include "test.h"

/* Redacted text of s with flags, in a static buffer. */
static const char *
red(const char *s, int flags)
{
    static char out[4096];
    struct rn_buf b;

    rn_buf_init(&b, sizeof out);
    rn_buf_puts(&b, "");
    redact_text(&b, s, strlen(s), flags, NULL);
    snprintf(out, sizeof out, "%s", rn_buf_str(&b));
    rn_buf_fini(&b);
    return out;
}

static void
test_redact_text(void)
{
    int changed = 0;
    struct rn_buf b;

    /* Query parameters, by name, case-insensitively, with suffix rules. */
    CHECK_STR(red("http://h/x?a=1&token=abc&b=2", 0),
              "http://h/x?a=1&token=[redacted]&b=2");
    CHECK_STR(red("/p?PassWord=s3cr3t#frag", 0), "/p?PassWord=[redacted]#frag");
    CHECK_STR(red("/p?x-api-key=K&sig=S;jsessionid=J", 0),
              "/p?x-api-key=[redacted]&sig=[redacted];jsessionid=[redacted]");
    CHECK_STR(red("/p?X-Amz-Signature=abc", 0),
              "/p?X-Amz-Signature=[redacted]");
    CHECK_STR(red("/p?keyboard=1&monkey=2&key=3", 0),
              "/p?keyboard=1&monkey=2&key=[redacted]");
    CHECK_STR(red("/p?token=&a=1", 0), "/p?token=&a=1");
    CHECK_STR(red("GET /x?token=abc HTTP/1.1", 0),
              "GET /x?token=[redacted] HTTP/1.1");
    /* Percent-encoded separators (a URL inside a parameter). */
    CHECK_STR(red("/r?next=%2Fx%3Ftoken%3Dabc%26y%3D1", 0),
              "/r?next=%2Fx%3Ftoken%3D[redacted]%26y%3D1");
    /* A W3C cs-uri-query value has no '?'. */
    CHECK_STR(red("password=hunter2&user=bob", REDACT_QUERY),
              "password=[redacted]&user=bob");
    CHECK_STR(red("password=hunter2&user=bob", 0), "password=hunter2&user=bob");
    /* ETW-like key=value lists are not queries. */
    CHECK_STR(red("ErrorCode=0x0|key=1", 0), "ErrorCode=0x0|key=1");
    /* URL user information. */
    CHECK_STR(red("ftp://bob:hunter2@h/x", 0), "ftp://bob:[redacted]@h/x");
    CHECK_STR(red("http://bob@h/x", 0), "http://bob@h/x");
    CHECK_STR(red("http://h:8080/x", 0), "http://h:8080/x");
    /* Header lines, with folding; other headers untouched. */
    CHECK_STR(red("Host: h\r\nCookie: a=1; b=2\r\nAccept: */*\r\n", 0),
              "Host: h\r\nCookie: [redacted]\r\nAccept: */*\r\n");
    CHECK_STR(red("authorization:Basic QQ==\nset-cookie : x\n", 0),
              "authorization:[redacted]\nset-cookie : [redacted]\n");
    CHECK_STR(red("Set-Cookie : sid=1\n", 0), "Set-Cookie : [redacted]\n");
    CHECK_STR(red("Proxy-Authorization: Negotiate abc\r\n def\r\nX: 1", 0),
              "Proxy-Authorization: [redacted]\r\nX: 1");
    CHECK_STR(red("Cookie:\r\n", 0), "Cookie:\r\n");
    CHECK_STR(red("X-Cookie: a\r\n", 0), "X-Cookie: a\r\n");
    /* Prose: header lines joined with spaces inside a quoted value. */
    CHECK_STR(red("ended early (Headers=\"Set-Cookie: sid=S1\"); IIS answered "
                  "502.2",
                  REDACT_LOOSE),
              "ended early (Headers=\"Set-Cookie: [redacted]\"); IIS answered "
              "502.2");
    CHECK_STR(
        red("(Headers=\"Status: 200  Cookie: a=1; b=2  X: y\")", REDACT_LOOSE),
        "(Headers=\"Status: 200  Cookie: [redacted]  X: y\")");
    CHECK_STR(red("(Headers=\"Status: 200  Cookie: a=1\")", 0),
              "(Headers=\"Status: 200  Cookie: a=1\")");
    CHECK_STR(red("X-Set-Cookie: a", REDACT_LOOSE), "X-Set-Cookie: a");
    /* Nothing to mask: byte for byte, and changed stays 0. */
    rn_buf_init(&b, 1024);
    redact_text(&b, "a\0b", 3, 0, &changed);
    CHECK(b.len == 3 && memcmp(b.data, "a\0b", 3) == 0 && changed == 0);
    rn_buf_reset(&b);
    redact_text(&b, "?auth=1", 7, 0, &changed);
    CHECK(changed == 1);
    rn_buf_fini(&b);
    CHECK(redact_is_secret_header("header:Cookie", 13));
    CHECK(redact_is_secret_header("cs(Cookie)", 10));
    CHECK(redact_is_secret_header("sc(Set-Cookie)", 14));
    CHECK(!redact_is_secret_header("cs(User-Agent)", 14));
    CHECK(redact_is_secret_param("client_secret", 13));
    CHECK(!redact_is_secret_param("keyword", 7));
}

/* Redacted fields JSON of json, in a static buffer. */
static const char *
red_fields(const char *json, int *changed)
{
    static char out[4096];
    struct rn_buf b;

    rn_buf_init(&b, sizeof out);
    rn_buf_puts(&b, "");
    redact_fields_json(&b, json, changed);
    snprintf(out, sizeof out, "%s", rn_buf_str(&b));
    rn_buf_fini(&b);
    return out;
}

static void
test_redact_fields(void)
{
    int changed = 0;

    /* Unchanged text stays byte for byte, even with odd spacing. */
    CHECK_STR(red_fields("{\"A\":\"1\", \"B\":\"x\\u001by\"}", &changed),
              "{\"A\":\"1\", \"B\":\"x\\u001by\"}");
    CHECK(changed == 0);
    CHECK_STR(red_fields("{\"Cookie\":\"a=1\",\"header:Authorization\":"
                         "\"Basic x\",\"Host\":\"h\"}",
                         &changed),
              "{\"Cookie\":\"[redacted]\",\"header:Authorization\":"
              "\"[redacted]\",\"Host\":\"h\"}");
    CHECK(changed == 1);
    changed = 0;
    /* FREB GENERAL_SET_REQUEST_HEADER: the value judged by HeaderName,
     * whichever comes first. */
    CHECK_STR(red_fields("{\"HeaderValue\":\"abc\",\"HeaderName\":"
                         "\"Cookie\",\"Replace\":\"false\"}",
                         &changed),
              "{\"HeaderValue\":\"[redacted]\",\"HeaderName\":\"Cookie\","
              "\"Replace\":\"false\"}");
    CHECK_STR(
        red_fields("{\"HeaderName\":\"Accept\",\"HeaderValue\":\"a\"}", NULL),
        "{\"HeaderName\":\"Accept\",\"HeaderValue\":\"a\"}");
    /* Headers blocks, URLs, W3C query fields. */
    CHECK_STR(
        red_fields("{\"Headers\":\"Cookie: x=1\\r\\nHost: h\\r\\n\"}", NULL),
        "{\"Headers\":\"Cookie: [redacted]\\u000d\\u000aHost: "
        "h\\u000d\\u000a\"}");
    CHECK_STR(red_fields("{\"cs-uri-query\":\"pwd=1&a=2\",\"cs(Cookie)\":"
                         "\"s=1\"}",
                         NULL),
              "{\"cs-uri-query\":\"pwd=[redacted]&a=2\",\"cs(Cookie)\":"
              "\"[redacted]\"}");
    CHECK_STR(red_fields("{\"Buffer\":\"passwd=x&u=1\"}", NULL),
              "{\"Buffer\":\"passwd=[redacted]&u=1\"}");
    /* Not a flat object of strings: nothing of it is shown. */
    changed = 0;
    CHECK_STR(red_fields("{\"a\":1}", &changed),
              "{\"redacted\":\"[redacted]\"}");
    CHECK(changed == 1);
}

/* Escaped text of s in a static buffer: kind 'h' html, 'p' html pre,
 * 'm' markdown, 'M' markdown pre. */
static const char *
esc(int kind, const char *s, size_t len)
{
    static char out[4096];
    struct rn_buf b;

    rn_buf_init(&b, sizeof out);
    rn_buf_puts(&b, "");
    if (kind == 'h' || kind == 'p')
        export_esc_html(&b, s, len, kind == 'p' ? EXPORT_ESC_PRE : 0);
    else
        export_esc_md(&b, s, len, kind == 'M' ? EXPORT_ESC_PRE : 0);
    snprintf(out, sizeof out, "%s", rn_buf_str(&b));
    rn_buf_fini(&b);
    return out;
}

#define ESC(k, lit) esc((k), (lit), sizeof(lit) - 1)

static void
test_escapers(void)
{
    struct rn_buf b;

    CHECK_STR(ESC('h', "<script>alert(\"x&y\")</script>'"),
              "&lt;script&gt;alert(&quot;x&amp;y&quot;)&lt;/script&gt;&#39;");
    CHECK_STR(ESC('h', "a\x1b]0;t\x07z"), "a\\x1b]0;t\\x07z");
    CHECK_STR(ESC('h', "a\r\nb\tc"), "a\\r\\nb\\tc");
    CHECK_STR(ESC('p', "a\r\nb\rc\td"), "a\nb\\rc\td");
    CHECK_STR(ESC('h', "x\xff\xc3(y"), "x\xef\xbf\xbd\xef\xbf\xbd(y");
    CHECK_STR(ESC('h', "\xc2\x9b"
                       "1m"),
              "\\u{009b}1m");
    CHECK_STR(ESC('h', "a\xe2\x80\xae"
                       "b"),
              "a\\u{202e}b");
    CHECK_STR(ESC('h', "\xef\xbf\xbe"), "\\u{fffe}");
    CHECK_STR(ESC('h', "caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
    CHECK_STR(ESC('h', "nul\0x"), "nul\\x00x");
    CHECK_STR(ESC('m', "<b>*x*</b> | `c` [l](u) _y_ \\ &amp; #1"),
              "\\<b\\>\\*x\\*\\</b\\> \\| \\`c\\` \\[l\\](u) \\_y\\_ \\\\ "
              "\\&amp; \\#1");
    CHECK_STR(ESC('m', "a\nb\x1b"), "a\\\\nb\\\\x1b");
    CHECK_STR(ESC('M', "GET / HTTP/1.1\r\nX: <a>\x1b\r\n"),
              "GET / HTTP/1.1\nX: <a>\\x1b\n");
    CHECK(export_esc_md_fence("no ticks") == 3);
    CHECK(export_esc_md_fence("a ```` b ` c") == 5);
    CHECK(export_esc_md_fence(NULL) == 3);

    rn_buf_init(&b, 4096);
    rn_buf_puts(&b, "");
    export_esc_csv(&b, "=HYPERLINK(\"http://e/\")", 1);
    CHECK_STR(rn_buf_str(&b), "\"'=HYPERLINK(\"\"http://e/\"\")\"");
    rn_buf_reset(&b);
    rn_buf_puts(&b, "");
    export_esc_csv(&b, "-1+2", 1);
    rn_buf_putc(&b, ',');
    export_esc_csv(&b, "@SUM(A1)", 1);
    rn_buf_putc(&b, ',');
    export_esc_csv(&b, "-1", 0);
    rn_buf_putc(&b, ',');
    export_esc_csv(&b,
                   "a\xff"
                   "b,c",
                   1);
    rn_buf_putc(&b, ',');
    export_esc_csv(&b, NULL, 1);
    rn_buf_putc(&b, ',');
    /* Control characters are shown, not passed raw (CSV is printed on
     * terminals too). */
    export_esc_csv(&b, "x\x1by", 1);
    CHECK_STR(rn_buf_str(&b), "'-1+2,'@SUM(A1),-1,\"a\xef\xbf\xbd"
                              "b,c\",,x\\x1by");
    rn_buf_fini(&b);
}

static void
test_names(void)
{
    enum export_format f;
    char name[64];
    struct rn_err err = {RN_OK, ""};

    CHECK(export_format_parse("html", &f, NULL) == RN_OK && f == EXPORT_HTML);
    CHECK(export_format_parse("markdown", &f, NULL) == RN_OK && f == EXPORT_MD);
    CHECK(export_format_parse("csv", &f, NULL) == RN_OK && f == EXPORT_CSV);
    CHECK(export_format_parse("pdf", &f, &err) == RN_EINVAL);
    CHECK(strstr(err.msg, "pdf") != NULL);
    CHECK_STR(export_format_ext(EXPORT_JSON), "json");
    /* 2005-08-23T20:25:47Z */
    export_default_name(EXPORT_HTML, 1124828747LL * 1000000000LL, name,
                        sizeof name);
    CHECK_STR(name, "reqnav-report-20050823T202547Z.html");
}

/* A code span of s, as the Markdown report writes identifiers. */
static const char *
code(const char *s)
{
    static char out[1024];
    struct rn_buf b;

    rn_buf_init(&b, sizeof out);
    export_esc_md_code(&b, s, strlen(s));
    snprintf(out, sizeof out, "%s", rn_buf_str(&b));
    rn_buf_fini(&b);
    return out;
}

static void
test_text_units(void)
{
    char out[64];

    /* Identifiers in code spans: literal, '|' escaped for GFM tables,
     * fences longer than any backtick run inside, controls visible. */
    CHECK_STR(code("CGI_PREMATURE_TERMINATION"), "`CGI_PREMATURE_TERMINATION`");
    CHECK_STR(code("<script>a|b</script>"), "`<script>a\\|b</script>`");
    CHECK_STR(code("a`b``c"), "```a`b``c```");
    CHECK_STR(code("`x"), "`` `x ``");
    CHECK_STR(code(" x "), "`  x  `");
    CHECK_STR(code("a\nb\x1b"), "`a\\nb\\x1b`");
    CHECK_STR(code(""), "` `");
    /* Prose: intraword '_' and '\' before a letter stay as they are. */
    CHECK_STR(ESC('m', "CGI_LAUNCH in D:\\Inetpub _x_ a\\*"),
              "CGI_LAUNCH in D:\\Inetpub \\_x\\_ a\\\\\\*");
    /* Durations and offsets in human units. */
    render_duration(250000, out, sizeof out);
    CHECK_STR(out, "0.25ms");
    render_duration(12 * 1000000LL, out, sizeof out);
    CHECK_STR(out, "12ms");
    render_duration(15500 * 1000000LL, out, sizeof out);
    CHECK_STR(out, "15.5s");
    render_duration(59960 * 1000000LL, out, sizeof out);
    CHECK_STR(out, "59.9s");
    render_duration(294061405 * 1000LL, out, sizeof out);
    CHECK_STR(out, "4m54.0s");
    render_duration(3723 * 1000000000LL, out, sizeof out);
    CHECK_STR(out, "1h02m03s");
    render_offset(-12 * 1000000LL, out, sizeof out);
    CHECK_STR(out, "-12ms");
    render_offset(401485100 * 1000LL, out, sizeof out);
    CHECK_STR(out, "+6m41.4s");
    /* Win32 statuses and HRESULTs. */
    render_win32(2147942658LL, out, sizeof out);
    CHECK_STR(out, "0x80070102 WAIT_TIMEOUT");
    render_win32(2147942402LL, out, sizeof out);
    CHECK_STR(out, "0x80070002 ERROR_FILE_NOT_FOUND");
    render_win32(64, out, sizeof out);
    CHECK_STR(out, "64 ERROR_NETNAME_DELETED");
    render_win32(0x80004005LL, out, sizeof out);
    CHECK_STR(out, "0x80004005 E_FAIL");
    render_win32(0xC0000005LL, out, sizeof out);
    CHECK_STR(out, "0xC0000005");
    render_win32(4242, out, sizeof out);
    CHECK_STR(out, "4242");
    /* Times with one fractional width. */
    render_time_fixed(1124828747LL * 1000000000LL, 6, out);
    CHECK_STR(out, "2005-08-23T20:25:47.000000Z");
    render_time_fixed(1124828747LL * 1000000000LL + 254595123, 6, out);
    CHECK_STR(out, "2005-08-23T20:25:47.254595Z");
    render_time_fixed(1124828747LL * 1000000000LL + 254595123, 9, out);
    CHECK_STR(out, "2005-08-23T20:25:47.254595123Z");
}

/* How a timeline says what linked each source request (render.h). */
static void
test_link_text(void)
{
    struct ev_row ev[5];
    char out[256], guid[] = "context_id", w3c[] = "w3c_time_url_status_client",
                   pcap[] = "pcap_time_url_status", self[] = "self",
                   conflict[] = "conflict";
    size_t *first, n;

    memset(ev, 0, sizeof ev);
    /* An ETW request, a W3C line and an exchange; an ARR child's event. */
    ev[0] = (struct ev_row){.kind = STORE_KIND_ETW,
                            .srcreq = 7,
                            .link_rule = guid,
                            .link_margin_ns = STORE_NONE};
    ev[1] = (struct ev_row){.kind = STORE_KIND_W3C,
                            .srcreq = 9,
                            .link_rule = w3c,
                            .link_margin_ns = 0};
    ev[2] = ev[0];
    ev[3] = (struct ev_row){.kind = STORE_KIND_PCAP,
                            .srcreq = 4,
                            .link_rule = pcap,
                            .link_margin_ns = 23397000};
    ev[4] = (struct ev_row){
        .kind = STORE_KIND_ETW, .srcreq = 11, .link_rule = guid, .child = 1};
    n = render_link_events(ev, 5, &first);
    CHECK(n == 3);
    CHECK(n == 3 && first[0] == 0 && first[1] == 1 && first[2] == 3);
    free(first);
    render_link_text(&ev[0], out, sizeof out);
    CHECK_STR(out, "context_id");
    CHECK(render_alone_reason(&ev[0]) == NULL);
    render_link_text(&ev[1], out, sizeof out);
    CHECK_STR(out, "w3c_time_url_status_client, margin 0 (identical "
                   "evidence: time order)");
    render_link_text(&ev[3], out, sizeof out);
    CHECK_STR(out, "pcap_time_url_status, margin 23ms");
    ev[3].link_margin_ns = STORE_NONE;
    render_link_text(&ev[3], out, sizeof out);
    CHECK_STR(out, "pcap_time_url_status, no other candidate");
    /* Alone: the stored reason; an exchange never matched had none. */
    ev[3].link_rule = self;
    CHECK_STR(render_alone_reason(&ev[3]), "no_candidate");
    render_link_text(&ev[3], out, sizeof out);
    CHECK_STR(out, "alone: no candidate (no request of its path near it)");
    ev[1].link_rule = self;
    ev[1].alone_reason = conflict;
    CHECK_STR(render_alone_reason(&ev[1]), "conflict");
    render_link_text(&ev[1], out, sizeof out);
    CHECK(strncmp(out, "alone: conflict (", 17) == 0);
    /* A GUID source alone on its request has no reason to give. */
    ev[0].link_rule = self;
    CHECK(render_alone_reason(&ev[0]) == NULL);
}

/* What a request's times are worth (render.h): coarse sources only. */
static void
test_timing(void)
{
    const int64_t s = 1124828346LL * 1000000000LL; /* 20:19:06 */
    struct rq_row r;
    char out[32];

    memset(&r, 0, sizeof r);
    /* Log Parser alone: whole seconds, duration to a second. */
    r.sources = 1u << (STORE_KIND_ETW - 1);
    r.start_ns = s;
    r.end_ns = s + 401 * 1000000000LL;
    CHECK(render_timing_coarse(&r) && render_duration_approx(&r));
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "~6m41s");
    r.end_ns = s;
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "<1s");
    r.end_ns = s + 3723 * 1000000000LL;
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "~1h02m03s");
    /* tracerpt: precise. */
    r.start_ns = s + 498000;
    r.end_ns = s + 2000000000LL;
    CHECK(!render_timing_coarse(&r) && !render_duration_approx(&r));
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "1.9s");
    /* A W3C line alone: coarse times, exact time-taken even when whole. */
    r.sources = 1u << (STORE_KIND_W3C - 1);
    r.start_ns = s - 30 * 1000000000LL;
    r.end_ns = s;
    CHECK(render_timing_coarse(&r) && !render_duration_approx(&r));
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "30.0s");
    /* An HTTPERR line: one second, nothing finer. */
    r.sources = 1u << (STORE_KIND_HTTPERR - 1);
    r.start_ns = r.end_ns = s;
    CHECK(render_duration_approx(&r));
    /* Log Parser with a capture: the capture's times. */
    r.sources = (1u << (STORE_KIND_ETW - 1)) | (1u << (STORE_KIND_PCAP - 1));
    r.start_ns = s;
    r.end_ns = s + 1000000000LL;
    CHECK(!render_timing_coarse(&r));
    r.end_ns = STORE_NONE;
    render_request_duration(&r, out, sizeof out);
    CHECK_STR(out, "-");
}

int
main(void)
{
    test_redact_text();
    test_redact_fields();
    test_escapers();
    test_names();
    test_text_units();
    test_link_text();
    test_timing();
    return test_report("test_export");
}
