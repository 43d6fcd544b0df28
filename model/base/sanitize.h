/*
 * The one sanitiser every string from a trace passes through before it
 * reaches a terminal: control characters (C0, DEL, C1), escape sequences
 * and bidi/format controls are shown visibly as \xNN or \u{NNNN}, invalid
 * UTF-8 becomes U+FFFD.  The output is valid UTF-8 with no byte that a
 * terminal interprets.  (HTML and JSON have their own escapers; they
 * start from the same principle.)
 */
#ifndef SANITIZE_H
#define SANITIZE_H

#include <stddef.h>
#include <stdint.h>

#include "rn_buf.h"

/* Keep CR/LF/TAB as the two-character escapes \r \n \t (default). */
#define SANITIZE_DEFAULT 0
/* Replace a newline by a visible return symbol instead (one line). */
#define SANITIZE_ONELINE 0x1
/* Pass TAB, CR and LF through as they are (data formats such as CSV,
 * where they are meaningful and not terminal controls). */
#define SANITIZE_KEEP_WS 0x2

/* Append the sanitised form of s (len bytes) to out. */
enum rn_rc sanitize_append(struct rn_buf *out, const char *s, size_t len,
                           int flags);

/* Malloc'd sanitised copy of a NUL-terminated string. */
char *sanitize_dup(const char *s);

/* Is code point cp a bidi or invisible formatting control? */
int sanitize_is_format_cp(uint32_t cp);

#endif
