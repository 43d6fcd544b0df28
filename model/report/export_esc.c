/*
 * Escapers of trace text for reports: HTML/XML, Markdown and CSV.  One
 * walk over the code points (export_esc_walk) decides for every character
 * whether it is shown as itself, as an entity or backslash escape, or
 * visibly as \xNN / \u{NNNN}; the three formats differ only in that table.
 * The principle is the terminal sanitiser's (sanitize.h): nothing from a
 * trace is interpreted, everything stays visible, the output is valid
 * UTF-8 whatever the input bytes were.
 */
#include <string.h>

#include "export_impl.h"
#include "render.h"
#include "rn_json.h"
#include "sanitize.h"

/* ESC_MDCODE: the inside of a Markdown code span in a table cell. */
enum esc_mode { ESC_HTML, ESC_MD, ESC_MDCODE, ESC_UTF8 };

/* Characters Markdown gives a meaning to, escaped with a backslash. */
static const char esc_md_punct[] = "\\`*_[]<>|~&!#";

static int
esc_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
           (c >= 'a' && c <= 'z');
}

/*
 * Does printable ASCII p[i] need an escape in mode?  Markdown text leaves
 * two common characters alone where CommonMark gives them no meaning, so
 * that identifiers and Windows paths read as text: '_' inside a word
 * (CGI_LAUNCH: intraword '_' cannot open emphasis) and '\' before a
 * letter or digit (D:\Inetpub: only punctuation can be escaped).  In a
 * code span only '|' is escaped, which a GFM table would take for a cell
 * border.
 */
static int
esc_special(enum esc_mode mode, int pre, const unsigned char *p, size_t i,
            size_t len)
{
    unsigned char c = p[i];

    if (mode == ESC_HTML)
        return strchr("&<>\"'", c) != NULL;
    if (mode == ESC_MDCODE)
        return c == '|';
    if (mode != ESC_MD || pre || strchr(esc_md_punct, c) == NULL)
        return 0;
    if (c == '_' && i > 0 && i + 1 < len && esc_alnum(p[i - 1]) &&
        esc_alnum(p[i + 1]))
        return 0;
    if (c == '\\' && i + 1 < len && esc_alnum(p[i + 1]))
        return 0;
    return 1;
}

/* Append a visible escape such as \x1b; Markdown doubles the backslash. */
static enum rn_rc
esc_visible(struct rn_buf *b, enum esc_mode mode, int pre, const char *text)
{
    if (mode == ESC_MD && !pre)
        rn_buf_putc(b, '\\');
    return rn_buf_puts(b, text);
}

/* The HTML entity of a special character. */
static const char *
esc_entity(unsigned char c)
{
    switch (c) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    default:
        return "&#39;";
    }
}

/* Walk s and append its escaped form for mode. */
static enum rn_rc
export_esc_walk(struct rn_buf *b, const char *s, size_t len, enum esc_mode mode,
                int pre)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n, run;
    uint32_t cp;
    char tmp[24];
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && i < len) {
        unsigned char c = p[i];

        if (c >= 0x20 && c < 0x7F) {
            if (esc_special(mode, pre, p, i, len)) {
                if (mode == ESC_HTML) {
                    rc = rn_buf_puts(b, esc_entity(c));
                } else {
                    rn_buf_putc(b, '\\');
                    rc = rn_buf_putc(b, (char)c);
                }
                i++;
                continue;
            }
            run = 1;
            while (i + run < len && p[i + run] >= 0x20 && p[i + run] < 0x7F &&
                   !esc_special(mode, pre, p, i + run, len))
                run++;
            rc = rn_buf_append(b, s + i, run);
            i += run;
            continue;
        }
        if (mode == ESC_UTF8 && c < 0x80) {
            rc = rn_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c == '\r' && pre && i + 1 < len && p[i + 1] == '\n') {
            i++; /* CRLF shows as one line break */
            continue;
        }
        if ((c == '\n' || c == '\t') && pre) {
            rc = rn_buf_putc(b, (char)c);
            i++;
            continue;
        }
        if (c < 0x80) {
            if (c == '\n')
                snprintf(tmp, sizeof tmp, "\\n");
            else if (c == '\r')
                snprintf(tmp, sizeof tmp, "\\r");
            else if (c == '\t')
                snprintf(tmp, sizeof tmp, "\\t");
            else
                snprintf(tmp, sizeof tmp, "\\x%02x", c);
            rc = esc_visible(b, mode, pre, tmp);
            i++;
            continue;
        }
        n = rn_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            rc = rn_buf_puts(b, "\xef\xbf\xbd"); /* U+FFFD */
            i++;
        } else if (mode != ESC_UTF8 &&
                   (cp < 0xA0 || sanitize_is_format_cp(cp) || cp == 0xFFFE ||
                    cp == 0xFFFF)) {
            snprintf(tmp, sizeof tmp, "\\u{%04x}", (unsigned)cp);
            rc = esc_visible(b, mode, pre, tmp);
            i += n;
        } else {
            rc = rn_buf_append(b, s + i, n);
            i += n;
        }
    }
    return rc;
}

enum rn_rc
export_esc_html(struct rn_buf *b, const char *s, size_t len, int flags)
{
    return export_esc_walk(b, s, len, ESC_HTML, (flags & EXPORT_ESC_PRE) != 0);
}

enum rn_rc
export_esc_md(struct rn_buf *b, const char *s, size_t len, int flags)
{
    return export_esc_walk(b, s, len, ESC_MD, (flags & EXPORT_ESC_PRE) != 0);
}

enum rn_rc
export_esc_md_code(struct rn_buf *b, const char *s, size_t len)
{
    size_t best = 0, run = 0, i, k;
    int pad;

    if (len == 0)
        return rn_buf_puts(b, "` `");
    for (i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    /* A span opens and closes with a backtick run longer than any inside;
     * content that starts or ends with a backtick, or with spaces at both
     * ends, gets a space that CommonMark strips again. */
    pad =
        s[0] == '`' || s[len - 1] == '`' || (s[0] == ' ' && s[len - 1] == ' ');
    for (k = 0; k <= best; k++)
        rn_buf_putc(b, '`');
    if (pad)
        rn_buf_putc(b, ' ');
    export_esc_walk(b, s, len, ESC_MDCODE, 0);
    if (pad)
        rn_buf_putc(b, ' ');
    for (k = 0; k <= best; k++)
        rn_buf_putc(b, '`');
    return RN_OK;
}

size_t
export_esc_md_fence(const char *s)
{
    size_t best = 0, run = 0;

    for (; s != NULL && *s != '\0'; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best + 1 < 3 ? 3 : best + 1;
}

enum rn_rc
export_esc_csv(struct rn_buf *b, const char *s, int guard)
{
    struct rn_buf cell;
    enum rn_rc rc;

    if (s == NULL || s[0] == '\0')
        return RN_OK;
    rn_buf_init(&cell, 4 * RN_BUF_MAX_FIELD);
    rc = RN_OK;
    if (guard && strchr("=+-@\t\r", s[0]) != NULL)
        rc = rn_buf_putc(&cell, '\'');
    if (rc == RN_OK)
        rc = export_esc_walk(&cell, s, strlen(s), ESC_UTF8, 0);
    if (rc == RN_OK)
        rc = render_csv_field(b, rn_buf_str(&cell));
    rn_buf_fini(&cell);
    return rc;
}
