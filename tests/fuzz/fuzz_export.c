/*
 * Fuzz target: reports (model/export*.c, redact.c).  The input is one
 * file of any format reqnav reads (detected from its content, as the
 * command line does), imported, then exported in every format with and
 * without redaction.  Oracles: JSON is one valid document, HTML is
 * well-formed XML, and no format carries a raw escape character, C1
 * control or other C0 control except tab, CR and LF (CSV and Markdown
 * are shown on terminals too).
 */
#include <stdio.h>

#include <libxml/parser.h>

#include "export.h"
#include "fuzz_common.h"

/* Is there a raw control byte a terminal would act on?  C0 but TAB CR LF,
 * DEL, and C1 (U+0080..U+009F, as UTF-8 C2 80..9F, or as lone bytes in
 * invalid UTF-8 which some terminals take as C1). */
static const char *
fuzz_raw_control(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
            return s + i;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] <= 0x9F)
            return s + i;
        if (c >= 0x80 && c <= 0x9F &&
            (i == 0 || (unsigned char)s[i - 1] < 0xC0))
            /* a lone C1 byte: not a continuation of a lead byte */
            if (i == 0 || ((unsigned char)s[i - 1] & 0x80) == 0)
                return s + i;
    }
    return NULL;
}

/* Export in one format and check the oracles. */
static void
fuzz_export_one(struct store *st, enum export_format fmt, int no_redact)
{
    struct export_options opt;
    struct rn_err err = {RN_OK, ""};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    const char *bad;
    enum rn_rc rc;

    if (out == NULL)
        abort();
    memset(&opt, 0, sizeof opt);
    opt.format = fmt;
    opt.no_redact = no_redact;
    opt.now_ns = 1700000000LL * 1000000000LL;
    opt.store_label = "fuzz.db";
    rc = export_run(st, &opt, out, NULL, &err);
    if (fclose(out) != 0)
        abort();
    if (rc != RN_OK) {
        fprintf(stderr, "export failed: %s\n", err.msg);
        abort();
    }
    bad = fuzz_raw_control(buf, len);
    if (bad != NULL) {
        fprintf(stderr, "format %d: raw control byte 0x%02x at %zu\n", fmt,
                (unsigned char)*bad, (size_t)(bad - buf));
        abort();
    }
    if (fmt == EXPORT_JSON && !fuzz_json_valid(buf, len)) {
        fprintf(stderr, "export json is not valid JSON\n");
        abort();
    }
    if (fmt == EXPORT_HTML) {
        xmlDocPtr doc = xmlReadMemory(buf, (int)len, "report.html", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR |
                                          XML_PARSE_NOWARNING);

        if (doc == NULL) {
            fprintf(stderr, "export html is not well-formed XML\n");
            abort();
        }
        xmlFreeDoc(doc);
    }
    free(buf);
}

/* Import the input; export it in every format. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store *st = fuzz_import(data, size, NULL);
    int fmt;

    for (fmt = EXPORT_MD; fmt <= EXPORT_CSV; fmt++)
        fuzz_export_one(st, (enum export_format)fmt, (int)(size & 1));
    store_close(st);
    return 0;
}
