/* JSON string escaping and a flat object builder. */
#include "rn_json.h"

#include <string.h>

size_t
rn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c;
    size_t len, i;

    if (n == 0)
        return 0;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        c = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        c = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) ||
        (len == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

enum rn_rc
rn_json_str(struct rn_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0, n;
    uint32_t cp;
    enum rn_rc rc = rn_buf_putc(b, '"');

    while (rc == RN_OK && i < len) {
        unsigned char c = p[i];

        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            run++;
            i++;
            continue;
        }
        if (run > 0)
            rc = rn_buf_append(b, s + i - run, run);
        run = 0;
        if (rc != RN_OK)
            break;
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = rn_buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            rc = rn_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            n = rn_utf8_decode(p + i, len - i, &cp);
            if (n == 0) {
                rc = rn_buf_puts(b, "\\ufffd");
                i++;
            } else {
                rc = rn_buf_append(b, s + i, n);
                i += n;
            }
        }
    }
    if (rc == RN_OK && run > 0)
        rc = rn_buf_append(b, s + i - run, run);
    if (rc == RN_OK)
        rc = rn_buf_putc(b, '"');
    return rc;
}

enum rn_rc
rn_json_cstr(struct rn_buf *b, const char *s)
{
    if (s == NULL)
        return rn_buf_puts(b, "null");
    return rn_json_str(b, s, strlen(s));
}

void
rn_json_obj_begin(struct rn_json_obj *o, struct rn_buf *b)
{
    o->b = b;
    o->count = 0;
}

enum rn_rc
rn_json_obj_add(struct rn_json_obj *o, const char *key, const char *val,
                size_t val_len)
{
    enum rn_rc rc;

    rc = rn_buf_putc(o->b, o->count == 0 ? '{' : ',');
    if (rc == RN_OK)
        rc = rn_json_cstr(o->b, key);
    if (rc == RN_OK)
        rc = rn_buf_putc(o->b, ':');
    if (rc == RN_OK)
        rc = rn_json_str(o->b, val, val_len);
    o->count++;
    return rc;
}

enum rn_rc
rn_json_obj_end(struct rn_json_obj *o)
{
    if (o->count == 0)
        return rn_buf_puts(o->b, "{}");
    return rn_buf_putc(o->b, '}');
}
