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
    return test_report("test_etw");
}
