/* Terminal-safe rendering of untrusted text. */
#include "sanitize.h"

#include <string.h>

#include "rn_json.h"

int
sanitize_is_format_cp(uint32_t cp)
{
    /* Bidi embeddings/overrides/isolates, zero-width and other invisible
     * format characters that can reorder or hide what a user reads. */
    return (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || cp == 0x061C ||
           cp == 0x00AD || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

enum rn_rc
sanitize_append(struct rn_buf *out, const char *s, size_t len, int flags)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n;
    uint32_t cp;
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && i < len) {
        unsigned char c = p[i];

        if (c >= 0x20 && c < 0x7F) {
            size_t run = 1;

            while (i + run < len && p[i + run] >= 0x20 && p[i + run] < 0x7F)
                run++;
            rc = rn_buf_append(out, s + i, run);
            i += run;
            continue;
        }
        if ((flags & SANITIZE_KEEP_WS) &&
            (c == '\n' || c == '\r' || c == '\t')) {
            rc = rn_buf_putc(out, (char)c);
            i++;
        } else if (c == '\n') {
            rc = rn_buf_puts(out, (flags & SANITIZE_ONELINE) ? "\xe2\x86\xb5"
                                                             : "\\n");
            i++;
        } else if (c == '\r') {
            rc = rn_buf_puts(out, "\\r");
            i++;
        } else if (c == '\t') {
            rc = rn_buf_puts(out, "\\t");
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            rc = rn_buf_printf(out, "\\x%02x", c);
            i++;
        } else {
            n = rn_utf8_decode(p + i, len - i, &cp);
            if (n == 0) {
                rc = rn_buf_puts(out, "\xef\xbf\xbd"); /* U+FFFD */
                i++;
            } else if (cp < 0xA0 || sanitize_is_format_cp(cp)) {
                /* C1 controls (0x80-0x9F) include CSI; never pass them. */
                rc = rn_buf_printf(out, "\\u{%04x}", (unsigned)cp);
                i += n;
            } else {
                rc = rn_buf_append(out, s + i, n);
                i += n;
            }
        }
    }
    return rc;
}

char *
sanitize_dup(const char *s)
{
    struct rn_buf b;

    rn_buf_init(&b, RN_BUF_MAX_FIELD * 4);
    if (sanitize_append(&b, s, strlen(s), SANITIZE_DEFAULT) != RN_OK) {
        rn_buf_reset(&b);
        rn_buf_puts(&b, "<too long>");
    }
    return rn_buf_take(&b);
}
