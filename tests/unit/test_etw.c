/* Unit tests for Log Parser UserData splitting. */
#include <stdio.h>
#include <string.h>

#include "import_etw.h"
#include "test.h"

struct pairs {
    char names[16][64];
    char values[16][256];
    int n;
};

static void
collect(void *ctx, const char *name, size_t nlen, const char *value,
        size_t vlen)
{
    struct pairs *p = ctx;

    if (p->n >= 16)
        return;
    snprintf(p->names[p->n], 64, "%.*s", (int)nlen, name);
    snprintf(p->values[p->n], 256, "%.*s", (int)vlen, value);
    p->n++;
}

int
main(void)
{
    struct pairs p;

    memset(&p, 0, sizeof p);
    import_etw_split_userdata(
        "GENERAL_REQUEST_START",
        "ContextId={00000000-0000-0000-4c06-0060000000ef}|SiteId=1|"
        "AppPoolId=DefaultAppPool|ConnId=-1224979097571031481|RawConnId=0|"
        "RequestURL=http://h/a?x=1|SiteId=9|y=2|RequestVerb=POST",
        collect, &p);
    CHECK(p.n == 7);
    CHECK_STR(p.names[5], "RequestURL");
    /* The URL holds "|SiteId=9|y=2": it stays whole. */
    CHECK_STR(p.values[5], "http://h/a?x=1|SiteId=9|y=2");
    CHECK_STR(p.values[6], "POST");

    memset(&p, 0, sizeof p);
    import_etw_split_userdata(
        "CGI_PREMATURE_TERMINATION",
        "ContextId={x}|Headers=Status: 500|Content-Type=text/html\r\nX=1",
        collect, &p);
    CHECK(p.n == 2);
    CHECK_STR(p.values[1], "Status: 500|Content-Type=text/html\r\nX=1");

    memset(&p, 0, sizeof p);
    import_etw_split_userdata("CGI_PREMATURE_TERMINATION",
                              "ContextId={x}|Headers=", collect, &p);
    CHECK(p.n == 2);
    CHECK_STR(p.names[1], "Headers");
    CHECK_STR(p.values[1], "");

    /* Compact mode: bare values, named from the catalogue. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata(
        "CGI_LAUNCH", "{x}|\"C:\\a b\\c.exe\" |0x00000000|3136", collect, &p);
    CHECK(p.n == 4);
    CHECK_STR(p.names[1], "CommandLine");
    CHECK_STR(p.values[3], "3136");

    /* Unknown event: generic split on |Name=. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata("SOMETHING_NEW", "A=1|B=x|y|C=3", collect, &p);
    CHECK(p.n == 3);
    CHECK_STR(p.values[1], "x|y");
    /* A field the catalogue does not list after a GUID: the GUID ends at
     * the '|' instead of swallowing it (ISAPI_START lists ContextId only). */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata(
        "ISAPI_START",
        "ContextId={00000000-0000-0000-217f-0080217f007d}|IsapiExt=C:\\WINDOWS"
        "\\system32\\inetsrv\\asp.dll",
        collect, &p);
    CHECK(p.n == 2);
    CHECK_STR(p.values[0], "{00000000-0000-0000-217f-0080217f007d}");
    CHECK_STR(p.names[1], "IsapiExt");
    CHECK_STR(p.values[1], "C:\\WINDOWS\\system32\\inetsrv\\asp.dll");

    /* Unknown trailing field after a number. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata("GENERAL_REQUEST_END",
                              "ContextId={00000000-0000-0000-0000-000000000001}"
                              "|BytesSent=10|BytesReceived=20|HttpStatus=404|"
                              "HttpSubStatus=0|Win32Status=2",
                              collect, &p);
    CHECK(p.n == 6);
    CHECK_STR(p.values[4], "0");
    CHECK_STR(p.names[5], "Win32Status");
    CHECK_STR(p.values[5], "2");

    /* A missing field (no HttpSubStatus): the others keep their values. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata("GENERAL_REQUEST_END",
                              "ContextId={00000000-0000-0000-0000-000000000001}"
                              "|BytesSent=10|BytesReceived=20|HttpStatus=404",
                              collect, &p);
    CHECK(p.n == 4);
    CHECK_STR(p.names[3], "HttpStatus");
    CHECK_STR(p.values[3], "404");
    CHECK_STR(p.values[0], "{00000000-0000-0000-0000-000000000001}");

    /* Fields out of order: each number ends at the next field. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata("GENERAL_REQUEST_END",
                              "ContextId={00000000-0000-0000-0000-000000000001}"
                              "|HttpStatus=500|BytesSent=10|HttpSubStatus=19|"
                              "BytesReceived=20",
                              collect, &p);
    CHECK(p.n == 5);
    CHECK_STR(p.names[1], "HttpStatus");
    CHECK_STR(p.values[1], "500");
    CHECK_STR(p.values[2], "10");
    CHECK_STR(p.names[3], "HttpSubStatus");
    CHECK_STR(p.values[3], "19");
    CHECK_STR(p.values[4], "20");

    /* Out of order around a string: the URL still keeps its own '|'. */
    memset(&p, 0, sizeof p);
    import_etw_split_userdata(
        "GENERAL_REQUEST_START",
        "ContextId={00000000-0000-0000-0000-000000000001}|SiteId=1|"
        "RequestVerb=GET|AppPoolId=P|ConnId=5|RawConnId=0|"
        "RequestURL=http://h/a?b=1|c=2",
        collect, &p);
    CHECK(p.n == 7);
    CHECK_STR(p.names[2], "RequestVerb");
    CHECK_STR(p.values[2], "GET");
    CHECK_STR(p.values[6], "http://h/a?b=1|c=2");
    return test_report("test_etw");
}
