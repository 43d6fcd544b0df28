/*
 * Formatting helpers of the front end.  Pure functions over strings and
 * integers (no curses, no store) so unit tests cover them directly.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "fmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "render.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_kind.h"
#include "rn_time.h"
#include "sanitize.h"
#include "store.h"
#include "xmalloc.h"

void
fmt_time(int64_t ns, enum fmt_time_style style, char *out, size_t n)
{
    char iso[RN_TS_STR_MAX];

    if (ns == STORE_NONE) {
        snprintf(out, n, "-");
        return;
    }
    rn_time_format(ns, iso); /* 2005-08-23T20:19:06.000Z */
    iso[10] = ' ';
    iso[23] = '\0';
    if (style == FMT_TIME_FULL)
        snprintf(out, n, "%s", iso);
    else if (style == FMT_TIME_SHORT)
        snprintf(out, n, "%s", iso + 5);
    else
        snprintf(out, n, "%.8s", iso + 11);
}

/* a rounded to the nearest multiple of u. */
static uint64_t
fmt_round(uint64_t a, uint64_t u)
{
    return a > UINT64_MAX - u / 2 ? a / u * u : (a + u / 2) / u * u;
}

void
fmt_span(uint64_t a, char *out, size_t n)
{
    /* Each unit rounds to its own precision; a value that rounds up into
     * the next unit is shown in that one (999.6ms is 1.0s). */
    uint64_t r, s;

    if (a == 0) {
        snprintf(out, n, "0ms");
        return;
    }
    if (a < 1000000 && (r = fmt_round(a, 1000)) < 1000000) {
        snprintf(out, n, "%lluus", (unsigned long long)(r / 1000));
        return;
    }
    if (a < 10000000 && (r = fmt_round(a, 100000)) < 10000000) {
        snprintf(out, n, "%llu.%llums", (unsigned long long)(r / 1000000),
                 (unsigned long long)(r % 1000000 / 100000));
        return;
    }
    if (a < RN_NS_PER_SEC && (r = fmt_round(a, 1000000)) < RN_NS_PER_SEC) {
        snprintf(out, n, "%llums", (unsigned long long)(r / 1000000));
        return;
    }
    r = fmt_round(a, 100000000);
    s = r / RN_NS_PER_SEC;
    if (s < 60) {
        snprintf(out, n, "%llu.%llus", (unsigned long long)s,
                 (unsigned long long)(r % RN_NS_PER_SEC / 100000000));
    } else if (s < 3600) {
        snprintf(out, n, "%llum%02llu.%llus", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60),
                 (unsigned long long)(r % RN_NS_PER_SEC / 100000000));
    } else {
        s = fmt_round(a, RN_NS_PER_SEC) / RN_NS_PER_SEC;
        snprintf(out, n, "%lluh%02llum%02llus", (unsigned long long)(s / 3600),
                 (unsigned long long)(s % 3600 / 60),
                 (unsigned long long)(s % 60));
    }
}

void
fmt_duration(int64_t start_ns, int64_t end_ns, char *out, size_t n)
{
    if (start_ns == STORE_NONE || end_ns == STORE_NONE || end_ns < start_ns) {
        snprintf(out, n, "-");
        return;
    }
    fmt_span((uint64_t)(end_ns - start_ns), out, n);
}

void
fmt_status(int64_t http, int64_t sub, char *out, size_t n)
{
    if (http == STORE_NONE)
        snprintf(out, n, "-");
    else
        snprintf(out, n, "%lld.%lld", (long long)http,
                 (long long)(sub == STORE_NONE ? 0 : sub));
}

void
fmt_sources(unsigned mask, char *out, size_t n)
{
    size_t i;

    /* One slot a kind, in kind order (bit kind - 1). */
    for (i = 0; i < RN_KIND_MAX && i + 1 < n; i++)
        out[i] = (mask & (1u << i)) ? rn_kind_get((int)i + 1)->letter : ' ';
    if (n > 0)
        out[i < n ? i : n - 1] = '\0';
}

void
fmt_rel(int64_t ns, char *out, size_t n)
{
    /* The magnitude as unsigned: -INT64_MIN does not exist. */
    uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    char span[32];

    if (ns == STORE_NONE) {
        snprintf(out, n, "?");
        return;
    }
    fmt_span(a, span, sizeof span);
    snprintf(out, n, "%s%s", ns < 0 ? "-" : "+", span);
}

void
fmt_srcpos(int kind, const char *file, int64_t seq, char *out, size_t n)
{
    char raw[512], *safe;

    render_position(kind, file, seq, raw, sizeof raw);
    safe = sanitize_dup(raw);
    snprintf(out, n, "%s", safe);
    free(safe);
}

/* Append the UTF-8 encoding of cp. */
static void
fmt_put_utf8(struct rn_buf *b, uint32_t cp)
{
    char u[4];

    if (cp < 0x80) {
        rn_buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        rn_buf_append(b, u, 2);
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        rn_buf_append(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        rn_buf_append(b, u, 4);
    }
}

/* Four hex digits at p; -1 if not hex. */
static long
fmt_hex4(const char *p)
{
    long v = 0;
    int i;

    for (i = 0; i < 4; i++) {
        int c = (unsigned char)p[i], d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Read a JSON string at *p (at the quote); malloc'd decoded text. */
static char *
fmt_json_string(const char **p)
{
    struct rn_buf b;
    const char *s = *p + 1;
    long u, lo;

    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    rn_buf_puts(&b, "");
    while (*s != '\0' && *s != '"') {
        if (*s != '\\') {
            rn_buf_putc(&b, *s++);
            continue;
        }
        s++;
        switch (*s) {
        case 'n':
            rn_buf_putc(&b, '\n');
            break;
        case 'r':
            rn_buf_putc(&b, '\r');
            break;
        case 't':
            rn_buf_putc(&b, '\t');
            break;
        case 'b':
            rn_buf_putc(&b, '\b');
            break;
        case 'f':
            rn_buf_putc(&b, '\f');
            break;
        case 'u':
            u = fmt_hex4(s + 1);
            if (u < 0) {
                rn_buf_puts(&b, "\xef\xbf\xbd");
                break;
            }
            s += 4;
            if (u >= 0xD800 && u < 0xDC00 && s[1] == '\\' && s[2] == 'u' &&
                (lo = fmt_hex4(s + 3)) >= 0xDC00 && lo < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            } else if (u >= 0xD800 && u < 0xE000) {
                u = 0xFFFD;
            }
            fmt_put_utf8(&b, (uint32_t)u);
            break;
        case '\0':
            s--;
            break;
        default:
            rn_buf_putc(&b, *s);
        }
        s++;
    }
    *p = *s == '"' ? s + 1 : s;
    return rn_buf_take(&b);
}

/* Skip a non-string JSON value; malloc'd copy of its text. */
static char *
fmt_json_other(const char **p)
{
    const char *s = *p;
    int depth = 0;

    while (*s != '\0') {
        if (*s == '{' || *s == '[')
            depth++;
        else if (*s == '}' || *s == ']') {
            if (depth == 0)
                break;
            depth--;
        } else if (*s == ',' && depth == 0)
            break;
        s++;
    }
    {
        char *r = xstrndup(*p, (size_t)(s - *p));

        *p = s;
        return r;
    }
}

void
fmt_fields_parse(const char *json, struct fmt_fields *out)
{
    const char *p = json;
    size_t cap = 0;

    memset(out, 0, sizeof *out);
    if (p == NULL)
        return;
    while (*p != '\0' && *p != '{')
        p++;
    if (*p == '{')
        p++;
    for (;;) {
        char *k, *v;

        while (*p == ' ' || *p == ',' || *p == '\n' || *p == '\t' || *p == '\r')
            p++;
        if (*p != '"')
            break;
        k = fmt_json_string(&p);
        while (*p == ' ' || *p == ':')
            p++;
        if (*p == '"')
            v = fmt_json_string(&p);
        else
            v = fmt_json_other(&p);
        if (out->n == cap) {
            cap = cap ? cap * 2 : 8;
            out->keys = xrealloc(out->keys, cap, sizeof *out->keys);
            out->vals = xrealloc(out->vals, cap, sizeof *out->vals);
        }
        out->keys[out->n] = k;
        out->vals[out->n] = v;
        out->n++;
    }
}

void
fmt_fields_fini(struct fmt_fields *f)
{
    size_t i;

    for (i = 0; i < f->n; i++) {
        free(f->keys[i]);
        free(f->vals[i]);
    }
    free(f->keys);
    free(f->vals);
    memset(f, 0, sizeof *f);
}

char *
fmt_fields_inline(const struct fmt_fields *f)
{
    struct rn_buf b;
    size_t i;

    rn_buf_init(&b, RN_BUF_MAX_FIELD);
    rn_buf_puts(&b, "");
    for (i = 0; i < f->n; i++) {
        if (!render_field_inline(f->keys[i]))
            continue;
        if (b.len > 0)
            rn_buf_puts(&b, "  ");
        sanitize_append(&b, f->keys[i], strlen(f->keys[i]), SANITIZE_ONELINE);
        rn_buf_putc(&b, '=');
        if (sanitize_append(&b, f->vals[i], strlen(f->vals[i]),
                            SANITIZE_ONELINE) != RN_OK)
            break;
    }
    return rn_buf_take(&b);
}

/* Width of one code point: wide East Asian forms count 2. */
static int
fmt_cp_width(uint32_t cp)
{
    int w = wcwidth((wchar_t)cp);

    return w < 0 ? 1 : w;
}

size_t
fmt_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t len = strlen(s), i = 0, w = 0, k;
    uint32_t cp;

    while (i < len) {
        k = rn_utf8_decode(p + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = '?';
        }
        w += (size_t)fmt_cp_width(cp);
        i += k;
    }
    return w;
}

/* Bytes of the longest prefix of s (len) that fits in width columns. */
static size_t
fmt_prefix_fit(const char *s, size_t len, size_t width)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, w = 0, k;
    uint32_t cp;
    int cw;

    while (i < len) {
        k = rn_utf8_decode(p + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = '?';
        }
        cw = fmt_cp_width(cp);
        if (w + (size_t)cw > width)
            break;
        w += (size_t)cw;
        i += k;
    }
    return i;
}

/* Byte offset where the longest suffix fitting in width columns starts. */
static size_t
fmt_suffix_fit(const char *s, size_t len, size_t width)
{
    size_t start = len, w = 0, k;
    uint32_t cp;

    while (start > 0) {
        size_t b = start - 1;
        int cw;

        while (b > 0 && ((unsigned char)s[b] & 0xC0) == 0x80)
            b--;
        k = rn_utf8_decode((const unsigned char *)s + b, start - b, &cp);
        cw = fmt_cp_width(k == 0 ? '?' : cp);
        if (w + (size_t)cw > width)
            break;
        w += (size_t)cw;
        start = b;
    }
    return start;
}

char *
fmt_elide_middle(const char *s, size_t width, const char *ell)
{
    size_t len = strlen(s), ew = fmt_width(ell), head, tail, hb, tb;
    struct rn_buf b;

    if (fmt_width(s) <= width)
        return xstrdup(s);
    rn_buf_init(&b, len + 16);
    rn_buf_puts(&b, "");
    if (width <= ew) {
        rn_buf_append(&b, s, fmt_prefix_fit(s, len, width));
        return rn_buf_take(&b);
    }
    head = (width - ew + 1) / 2;
    tail = width - ew - head;
    hb = fmt_prefix_fit(s, len, head);
    tb = fmt_suffix_fit(s, len, tail);
    if (tb < hb)
        tb = hb;
    rn_buf_append(&b, s, hb);
    rn_buf_puts(&b, ell);
    rn_buf_puts(&b, s + tb);
    return rn_buf_take(&b);
}

long
fmt_find_ci(const char *hay, const char *needle)
{
    size_t hn = strlen(hay), nn = strlen(needle), i, j;

    if (nn == 0 || nn > hn)
        return -1;
    for (i = 0; i + nn <= hn; i++) {
        for (j = 0; j < nn; j++)
            if (tolower((unsigned char)hay[i + j]) !=
                tolower((unsigned char)needle[j]))
                break;
        if (j == nn)
            return (long)i;
    }
    return -1;
}

size_t
fmt_wrap(const char *s, size_t width, size_t *start, size_t *len, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t total = strlen(s), i = 0, lines = 0, w = 0, line0 = 0, brk = 0, k;
    uint32_t cp;
    int cw;

    if (width < 1)
        width = 1;
    while (i < total) {
        k = rn_utf8_decode(p + i, total - i, &cp);
        if (k == 0) {
            k = 1;
            cp = '?';
        }
        cw = fmt_cp_width(cp);
        if (cp == ' ')
            brk = i; /* the last blank: a break there drops it */
        if (w + (size_t)cw > width && i > line0) {
            size_t end = brk > line0 ? brk : i;

            if (lines < max) {
                start[lines] = line0;
                len[lines] = end - line0;
            }
            lines++;
            line0 = end;
            while (line0 < total && s[line0] == ' ')
                line0++;
            brk = line0;
            w = 0;
            i = line0;
            continue;
        }
        w += (size_t)cw;
        i += k;
    }
    if (i > line0 || lines == 0) {
        if (lines < max) {
            start[lines] = line0;
            len[lines] = total - line0;
        }
        lines++;
    }
    return lines;
}

const char *
fmt_level(int64_t level)
{
    /* The trace levels of ETW and FREB (TRACE_LEVEL_*). */
    static const char *const names[] = {"always",  "critical",    "error",
                                        "warning", "information", "verbose"};

    if (level >= 0 && level <= 5)
        return names[level];
    return "other";
}

const char *
fmt_url_path(const char *url)
{
    const char *p = strstr(url, "://");

    if (p == NULL || strchr(url, '/') < p)
        return url;
    p = strchr(p + 3, '/');
    return p != NULL ? p : "/";
}

/*
 * Does a path segment look random (an id, a session, a hash): ten or more
 * characters of which a third or more are digits, or hex with dashes?
 */
static int
fmt_seg_random(const char *s, size_t len)
{
    size_t i, digits = 0, hex = 0;

    if (len < 10)
        return 0;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        digits += isdigit(c) != 0;
        hex += isxdigit(c) != 0 || c == '-' || c == '{' || c == '}';
    }
    return digits * 3 >= len || hex == len;
}

/* Does a segment name a program or page (ends in .exe, .aspx, .htm...)? */
static int
fmt_seg_page(const char *s, size_t len)
{
    size_t i = len, ext;

    while (i > 0 && s[i - 1] != '.')
        i--;
    ext = len - i;
    if (i == 0 || ext < 2 || ext > 5 || !isalpha((unsigned char)s[i]))
        return 0;
    for (; i < len; i++)
        if (!isalnum((unsigned char)s[i]))
            return 0;
    return 1;
}

/* One part of a shortened URL: a segment (with its leading '/'). */
struct fmt_part {
    char *text; /* owned */
    int page;   /* a program or page name: shortened last */
    int random; /* shortened first */
};

/* Total display width of the parts. */
static size_t
fmt_parts_width(const struct fmt_part *pt, size_t n)
{
    size_t i, w = 0;

    for (i = 0; i < n; i++)
        w += fmt_width(pt[i].text);
    return w;
}

/*
 * Shorten the widest part of the class (random 1: random segments, 0:
 * other non-page parts) by the excess, to no less than min columns.
 * Returns 1 if one was shortened.
 */
static int
fmt_parts_shrink(struct fmt_part *pt, size_t n, int random, size_t excess,
                 size_t min, const char *ell)
{
    size_t i, best = n, bw = 0, w, target;
    char *el;

    for (i = 0; i < n; i++) {
        if (pt[i].page || pt[i].random != random)
            continue;
        w = fmt_width(pt[i].text);
        if (w > min && w > bw) {
            best = i;
            bw = w;
        }
    }
    if (best == n)
        return 0;
    target = bw > excess + min ? bw - excess : min;
    el = fmt_elide_middle(pt[best].text, target, ell);
    free(pt[best].text);
    pt[best].text = el;
    return 1;
}

char *
fmt_url_short(const char *url, size_t width, const char *ell)
{
    struct fmt_part pt[64];
    size_t n = 0, i, len, total;
    const char *p = url, *q = strchr(url, '?'), *end;
    struct rn_buf b;

    if (fmt_width(url) <= width)
        return xstrdup(url);
    /* Segments of the path, each with its leading '/'; then the query. */
    end = q != NULL ? q : url + strlen(url);
    while (p < end && n < 62) {
        const char *s = p + (*p == '/');

        s = memchr(s, '/', (size_t)(end - s));
        s = s != NULL ? s : end;
        len = (size_t)(s - p);
        pt[n].text = xstrndup(p, len);
        pt[n].page = fmt_seg_page(p + (*p == '/'), len - (*p == '/'));
        pt[n].random = fmt_seg_random(p + (*p == '/'), len - (*p == '/'));
        n++;
        p = s;
    }
    if (p < end) { /* more segments than parts: keep the rest whole */
        pt[n].text = xstrndup(p, (size_t)(end - p));
        pt[n].page = pt[n].random = 0;
        n++;
    }
    /* The last segment names what was asked for (unless it is an id):
     * keep it like a page. */
    if (n > 0 && !pt[n - 1].random)
        pt[n - 1].page = 1;
    if (q != NULL) {
        /* The query goes first: "?" and the ellipsis. */
        rn_buf_init(&b, 16);
        rn_buf_puts(&b, "?");
        rn_buf_puts(&b, ell);
        pt[n].text = rn_buf_take(&b);
        pt[n].page = pt[n].random = 0;
        n++;
    }
    while ((total = fmt_parts_width(pt, n)) > width &&
           fmt_parts_shrink(pt, n, 1, total - width, 7, ell))
        ;
    while ((total = fmt_parts_width(pt, n)) > width &&
           fmt_parts_shrink(pt, n, 0, total - width, 4, ell))
        ;
    /* Still too wide: leading directories give way to one ellipsis. */
    rn_buf_init(&b, strlen(url) + 16);
    rn_buf_puts(&b, "");
    i = 0;
    if (fmt_parts_width(pt, n) > width)
        while (i + 1 < n && !pt[i].page &&
               fmt_parts_width(pt + i, n - i) + fmt_width(ell) > width)
            i++;
    if (i > 0)
        rn_buf_puts(&b, ell);
    for (; i < n; i++)
        rn_buf_puts(&b, pt[i].text);
    for (i = 0; i < n; i++)
        free(pt[i].text);
    if (fmt_width(rn_buf_str(&b)) > width) {
        char *el = fmt_elide_middle(rn_buf_str(&b), width, ell);

        rn_buf_fini(&b);
        return el;
    }
    return rn_buf_take(&b);
}
