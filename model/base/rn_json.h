/*
 * Minimal JSON writer into an rn_buf.  Strings are escaped so the output
 * is valid UTF-8 JSON whatever the input bytes were: control characters
 * become \uXXXX, invalid UTF-8 becomes U+FFFD.
 */
#ifndef RN_JSON_H
#define RN_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "rn_buf.h"

/* Append s (len bytes) as a quoted JSON string. */
enum rn_rc rn_json_str(struct rn_buf *b, const char *s, size_t len);

/* Append a quoted JSON string, or null when s is NULL. */
enum rn_rc rn_json_cstr(struct rn_buf *b, const char *s);

/*
 * Object builder for flat string-valued objects such as event fields:
 * rn_json_obj_begin, any number of rn_json_obj_add, rn_json_obj_end.
 */
struct rn_json_obj {
    struct rn_buf *b;
    int count;
};

void rn_json_obj_begin(struct rn_json_obj *o, struct rn_buf *b);
enum rn_rc rn_json_obj_add(struct rn_json_obj *o, const char *key,
                           const char *val, size_t val_len);
enum rn_rc rn_json_obj_end(struct rn_json_obj *o);

/*
 * Iterate a flat JSON object of string values, as stored in event fields:
 * each call decodes the next key and value into k and v (reset first) and
 * advances *p.  Returns 1 for a pair, 0 at the end, -1 on malformed input.
 */
int rn_json_flat_next(const char **p, struct rn_buf *k, struct rn_buf *v);

/*
 * The same in two steps, for a reader that wants few of the values: the
 * key (1, 0 at the end, -1 malformed; *p left on the value), then either
 * the value decoded into v (reset first) or skipped undecoded (0, or -1
 * when malformed).
 */
int rn_json_flat_key(const char **p, struct rn_buf *k);
int rn_json_flat_value(const char **p, struct rn_buf *v);
int rn_json_flat_skip(const char **p);

/*
 * Decode one UTF-8 sequence at s (n bytes available).  Returns its length
 * (1..4) and stores the code point, or returns 0 for an invalid sequence.
 */
size_t rn_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

#endif
