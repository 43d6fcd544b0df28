/*
 * Growable byte buffer with a hard cap (in the spirit of curl's dynbuf).
 * The content is always NUL-terminated.  Past the cap an append fails
 * with RN_ENOMEM and the buffer keeps what it had.
 */
#ifndef RN_BUF_H
#define RN_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

#define RN_BUF_MAX_FIELD (16u * 1024 * 1024)

struct rn_buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len */
};

void rn_buf_init(struct rn_buf *b, size_t max);
void rn_buf_fini(struct rn_buf *b);
void rn_buf_reset(struct rn_buf *b);
enum rn_rc rn_buf_append(struct rn_buf *b, const void *data, size_t len);
enum rn_rc rn_buf_puts(struct rn_buf *b, const char *s);
enum rn_rc rn_buf_putc(struct rn_buf *b, char c);
enum rn_rc rn_buf_printf(struct rn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A number in decimal: what "%" PRIu64 / PRId64 would print, without
 * the formatter (it is a large share of building JSON per event). */
enum rn_rc rn_buf_put_u64(struct rn_buf *b, uint64_t v);
enum rn_rc rn_buf_put_i64(struct rn_buf *b, int64_t v);

/* Write v in decimal at out (room for 20 digits, 21 with a sign); returns
 * the length.  Not NUL-terminated. */
size_t rn_u64_dec(uint64_t v, char *out);
size_t rn_i64_dec(int64_t v, char *out);

/* Borrowed NUL-terminated view; valid until the next change. */
const char *rn_buf_str(const struct rn_buf *b);

/* Hand the content to the caller (free() it); the buffer is reset. */
char *rn_buf_take(struct rn_buf *b);

#endif
