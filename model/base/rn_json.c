/* JSON string escaping and a flat object builder. */
#include "rn_json.h"

#include <string.h>

#include "sanitize.h"

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

/* Bytes written as they are: printable ASCII but the quote and the
 * backslash. */
#define RN_JSON_PLAIN_16(c)                                                    \
    RN_JSON_PLAIN_4(c), RN_JSON_PLAIN_4((c) + 4), RN_JSON_PLAIN_4((c) + 8),    \
        RN_JSON_PLAIN_4((c) + 12)
#define RN_JSON_PLAIN_4(c)                                                     \
    RN_JSON_PLAIN_1(c), RN_JSON_PLAIN_1((c) + 1), RN_JSON_PLAIN_1((c) + 2),    \
        RN_JSON_PLAIN_1((c) + 3)
#define RN_JSON_PLAIN_1(c)                                                     \
    ((c) >= 0x20 && (c) < 0x7F && (c) != '"' && (c) != '\\')
static const unsigned char rn_json_plain[256] = {
    RN_JSON_PLAIN_16(0x00), RN_JSON_PLAIN_16(0x10), RN_JSON_PLAIN_16(0x20),
    RN_JSON_PLAIN_16(0x30), RN_JSON_PLAIN_16(0x40), RN_JSON_PLAIN_16(0x50),
    RN_JSON_PLAIN_16(0x60), RN_JSON_PLAIN_16(0x70),
};

enum rn_rc
rn_json_str(struct rn_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0, n;
    uint32_t cp;
    enum rn_rc rc = rn_buf_putc(b, '"');

    while (rc == RN_OK && i < len) {
        unsigned char c = p[i];

        if (rn_json_plain[c]) {
            size_t j = i + 1;

            /* A run of plain ASCII goes out in one append. */
            while (j < len && rn_json_plain[p[j]])
                j++;
            run += j - i;
            i = j;
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
        } else if (c < 0x20 || c == 0x7F) {
            rc = rn_buf_printf(b, "\\u%04x", c);
            i++;
        } else {
            n = rn_utf8_decode(p + i, len - i, &cp);
            if (n == 0) {
                rc = rn_buf_puts(b, "\\ufffd");
                i++;
            } else if (cp < 0xA0 || cp == 0x2028 || cp == 0x2029 ||
                       sanitize_is_format_cp(cp)) {
                /* Same value, but nothing a terminal showing the JSON
                 * would act on: C1 controls (CSI), bidi and invisible
                 * format characters, line separators. */
                rc = rn_buf_printf(b, "\\u%04x", (unsigned)cp);
                i += n;
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

/* Decode a JSON string at *p (on the opening quote) into out. */
static int
rn_json_read_str(const char **p, struct rn_buf *out)
{
    const char *s = *p;

    if (*s != '"')
        return -1;
    s++;
    while (*s != '\0' && *s != '"') {
        if (*s != '\\') {
            const char *run = s;

            while (*s != '\0' && *s != '"' && *s != '\\')
                s++;
            rn_buf_append(out, run, (size_t)(s - run));
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            rn_buf_putc(out, '\n');
            break;
        case 'r':
            rn_buf_putc(out, '\r');
            break;
        case 't':
            rn_buf_putc(out, '\t');
            break;
        case 'b':
            rn_buf_putc(out, '\b');
            break;
        case 'f':
            rn_buf_putc(out, '\f');
            break;
        case 'u': {
            unsigned v = 0;
            int i;

            for (i = 1; i <= 4; i++) {
                char c = s[i];

                v <<= 4;
                if (c >= '0' && c <= '9')
                    v |= (unsigned)(c - '0');
                else if (c >= 'a' && c <= 'f')
                    v |= (unsigned)(c - 'a' + 10);
                else if (c >= 'A' && c <= 'F')
                    v |= (unsigned)(c - 'A' + 10);
                else
                    return -1;
            }
            s += 4;
            /* We only write \u for controls, format characters and
             * U+FFFD: all in the BMP. */
            if (v < 0x80) {
                rn_buf_putc(out, (char)v);
            } else if (v < 0x800) {
                rn_buf_putc(out, (char)(0xC0 | (v >> 6)));
                rn_buf_putc(out, (char)(0x80 | (v & 0x3F)));
            } else {
                rn_buf_putc(out, (char)(0xE0 | (v >> 12)));
                rn_buf_putc(out, (char)(0x80 | ((v >> 6) & 0x3F)));
                rn_buf_putc(out, (char)(0x80 | (v & 0x3F)));
            }
            break;
        }
        case '\0':
            return -1;
        default:
            rn_buf_putc(out, *s);
            break;
        }
        s++;
    }
    if (*s != '"')
        return -1;
    *p = s + 1;
    return 0;
}

int
rn_json_flat_key(const char **p, struct rn_buf *k)
{
    const char *s = *p;

    rn_buf_reset(k);
    while (*s == ' ' || *s == '{' || *s == ',')
        s++;
    if (*s == '}' || *s == '\0') {
        *p = s;
        return 0;
    }
    if (rn_json_read_str(&s, k) != 0)
        return -1;
    while (*s == ' ')
        s++;
    if (*s++ != ':')
        return -1;
    while (*s == ' ')
        s++;
    *p = s;
    return 1;
}

int
rn_json_flat_value(const char **p, struct rn_buf *v)
{
    rn_buf_reset(v);
    return rn_json_read_str(p, v);
}

int
rn_json_flat_skip(const char **p)
{
    const char *s = *p;

    if (*s++ != '"')
        return -1;
    while (*s != '"') {
        if (*s == '\0' || (*s == '\\' && s[1] == '\0'))
            return -1;
        s += *s == '\\' ? 2 : 1;
    }
    *p = s + 1;
    return 0;
}

int
rn_json_flat_next(const char **p, struct rn_buf *k, struct rn_buf *v)
{
    int rc = rn_json_flat_key(p, k);

    rn_buf_reset(v);
    if (rc != 1)
        return rc;
    return rn_json_flat_value(p, v) == 0 ? 1 : -1;
}
