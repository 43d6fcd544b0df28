/*
 * A strict JSON checker for the harnesses' oracles: RFC 8259 syntax,
 * no raw control characters in strings, valid escapes, valid UTF-8
 * (no overlongs, no surrogates), bounded nesting.
 */
#ifndef FUZZ_JSON_H
#define FUZZ_JSON_H

#include <stddef.h>
#include <string.h>

struct fuzz_json {
    const unsigned char *p, *end;
    int depth;
};

static inline int fuzz_json_value(struct fuzz_json *j);

/* Skip white space. */
static inline void
fuzz_json_ws(struct fuzz_json *j)
{
    while (j->p < j->end &&
           (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0. */
static inline size_t
fuzz_utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n, i;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* A string, the reader on its opening quote. */
static inline int
fuzz_json_string(struct fuzz_json *j)
{
    j->p++;
    while (j->p < j->end) {
        unsigned c = *j->p;
        size_t n;

        if (c == '"') {
            j->p++;
            return 1;
        }
        if (c < 0x20)
            return 0;
        if (c == '\\') {
            int i;

            if (j->p + 1 >= j->end)
                return 0;
            c = j->p[1];
            if (c == 'u') {
                if (j->end - j->p < 6)
                    return 0;
                for (i = 2; i < 6; i++) {
                    unsigned h = j->p[i];

                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') ||
                          (h >= 'A' && h <= 'F')))
                        return 0;
                }
                j->p += 6;
                continue;
            }
            if (strchr("\"\\/bfnrt", (int)c) == NULL || c == 0)
                return 0;
            j->p += 2;
            continue;
        }
        n = fuzz_utf8_len(j->p, j->end);
        if (n == 0)
            return 0;
        j->p += n;
    }
    return 0;
}

/* A number. */
static inline int
fuzz_json_number(struct fuzz_json *j)
{
    const unsigned char *s = j->p;

    if (j->p < j->end && *j->p == '-')
        j->p++;
    if (j->p >= j->end)
        return 0;
    if (*j->p == '0') {
        j->p++;
    } else if (*j->p >= '1' && *j->p <= '9') {
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    } else {
        return 0;
    }
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
            j->p++;
        if (j->p >= j->end || *j->p < '0' || *j->p > '9')
            return 0;
        while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
            j->p++;
    }
    return j->p > s;
}

/* An object or array, the reader on its opening bracket. */
static inline int
fuzz_json_container(struct fuzz_json *j, int object)
{
    char close = object ? '}' : ']';

    if (++j->depth > 64)
        return 0;
    j->p++;
    fuzz_json_ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        j->depth--;
        return 1;
    }
    for (;;) {
        fuzz_json_ws(j);
        if (object) {
            if (j->p >= j->end || *j->p != '"' || !fuzz_json_string(j))
                return 0;
            fuzz_json_ws(j);
            if (j->p >= j->end || *j->p != ':')
                return 0;
            j->p++;
        }
        if (!fuzz_json_value(j))
            return 0;
        fuzz_json_ws(j);
        if (j->p < j->end && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->end && *j->p == close) {
            j->p++;
            j->depth--;
            return 1;
        }
        return 0;
    }
}

/* Any value. */
static inline int
fuzz_json_value(struct fuzz_json *j)
{
    fuzz_json_ws(j);
    if (j->p >= j->end)
        return 0;
    switch (*j->p) {
    case '{':
        return fuzz_json_container(j, 1);
    case '[':
        return fuzz_json_container(j, 0);
    case '"':
        return fuzz_json_string(j);
    case 't':
        if (j->end - j->p >= 4 && memcmp(j->p, "true", 4) == 0) {
            j->p += 4;
            return 1;
        }
        return 0;
    case 'f':
        if (j->end - j->p >= 5 && memcmp(j->p, "false", 5) == 0) {
            j->p += 5;
            return 1;
        }
        return 0;
    case 'n':
        if (j->end - j->p >= 4 && memcmp(j->p, "null", 4) == 0) {
            j->p += 4;
            return 1;
        }
        return 0;
    default:
        return fuzz_json_number(j);
    }
}

/* Is s[0..n) exactly one JSON document (with surrounding white space)? */
static inline int
fuzz_json_valid(const char *s, size_t n)
{
    struct fuzz_json j = {(const unsigned char *)s,
                          (const unsigned char *)s + n, 0};

    if (!fuzz_json_value(&j))
        return 0;
    fuzz_json_ws(&j);
    return j.p == j.end;
}

#endif
