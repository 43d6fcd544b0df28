/* Capped growable buffer. */
#include "rn_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
rn_buf_init(struct rn_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
rn_buf_fini(struct rn_buf *b)
{
    free(b->data);
    rn_buf_init(b, b->max);
}

void
rn_buf_reset(struct rn_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

static enum rn_rc
rn_buf_reserve(struct rn_buf *b, size_t extra)
{
    size_t need, cap;

    if (extra > b->max || b->len > b->max - extra)
        return RN_ENOMEM;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return RN_OK;
    cap = b->cap == 0 ? 64 : b->cap;
    while (cap < need)
        cap *= 2;
    b->data = xrealloc(b->data, cap, 1);
    b->cap = cap;
    return RN_OK;
}

enum rn_rc
rn_buf_append(struct rn_buf *b, const void *data, size_t len)
{
    if (rn_buf_reserve(b, len) != RN_OK)
        return RN_ENOMEM;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return RN_OK;
}

enum rn_rc
rn_buf_puts(struct rn_buf *b, const char *s)
{
    return rn_buf_append(b, s, strlen(s));
}

enum rn_rc
rn_buf_putc(struct rn_buf *b, char c)
{
    /* The common case, room already there, without the general path: the
     * JSON writers put a character at a time. */
    if (b->len < b->max && b->len + 2 <= b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return RN_OK;
    }
    return rn_buf_append(b, &c, 1);
}

size_t
rn_u64_dec(uint64_t v, char *out)
{
    char tmp[20];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    return n;
}

enum rn_rc
rn_buf_put_u64(struct rn_buf *b, uint64_t v)
{
    char d[20];

    return rn_buf_append(b, d, rn_u64_dec(v, d));
}

size_t
rn_i64_dec(int64_t v, char *out)
{
    /* The magnitude of INT64_MIN does not fit in int64_t: negate unsigned. */
    if (v < 0) {
        out[0] = '-';
        return 1 + rn_u64_dec(0 - (uint64_t)v, out + 1);
    }
    return rn_u64_dec((uint64_t)v, out);
}

enum rn_rc
rn_buf_put_i64(struct rn_buf *b, int64_t v)
{
    char d[21];

    return rn_buf_append(b, d, rn_i64_dec(v, d));
}

enum rn_rc
rn_buf_printf(struct rn_buf *b, const char *fmt, ...)
{
    va_list ap;
    size_t avail = b->data != NULL ? b->cap - b->len : 0;
    int n;

    /* Straight into the spare room; a second pass only when it did not
     * fit (formatting is a large share of building JSON fields). */
    va_start(ap, fmt);
    n = vsnprintf(avail > 0 ? b->data + b->len : NULL, avail, fmt, ap);
    va_end(ap);
    if (n < 0)
        return RN_EINVAL;
    if ((size_t)n < avail) {
        if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
            b->data[b->len] = '\0'; /* over the limit: as if not written */
            return RN_ENOMEM;
        }
        b->len += (size_t)n;
        return RN_OK;
    }
    if (rn_buf_reserve(b, (size_t)n) != RN_OK) {
        if (avail > 0)
            b->data[b->len] = '\0';
        return RN_ENOMEM;
    }
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return RN_OK;
}

const char *
rn_buf_str(const struct rn_buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *
rn_buf_take(struct rn_buf *b)
{
    char *p = b->data != NULL ? b->data : xstrdup("");

    rn_buf_init(b, b->max);
    return p;
}
