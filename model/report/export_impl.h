/*
 * Internal interface of the report writers (model/export*.c): the context
 * export.c fills, the writer table, and the text helpers and escapers the
 * writers share.  Not used outside model/ (unit tests excepted).
 */
#ifndef EXPORT_IMPL_H
#define EXPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"
#include "query.h"
#include "rn_buf.h"
#include "rn_time.h"

/* What a writer sees.  Rows handed to writers are already redacted. */
struct export_ctx {
    const struct export_options *opt;
    struct rn_buf out;       /* pending output; export.c flushes it */
    int redact;              /* redaction on */
    const char *store_label; /* the store as named in the header */
    char generated[RN_TS_STR_MAX];
    char *selection;     /* "filter status:502.2", "ids 3, 7"... */
    int64_t total;       /* requests selected */
    struct src_row *src; /* imported sources (messages redacted) */
    size_t nsrc;
    int64_t index; /* 0-based number of the current request */
};

/*
 * A format.  begin writes the header, toc (optional) one line of the
 * list of requests, body (optional) what separates that list from the
 * requests, request one request with its timeline, end the tail.  Each
 * appends to c->out and returns RN_ENOMEM only when a buffer cap is hit.
 */
struct export_writer {
    enum rn_rc (*begin)(struct export_ctx *c);
    enum rn_rc (*toc)(struct export_ctx *c, const struct rq_row *r);
    enum rn_rc (*body)(struct export_ctx *c);
    enum rn_rc (*request)(struct export_ctx *c, const struct rq_row *r,
                          const struct ev_row *ev, size_t n);
    enum rn_rc (*end)(struct export_ctx *c);
};

extern const struct export_writer export_md_writer;
extern const struct export_writer export_html_writer;

/* ---- shared helpers (export.c) ----------------------------------------- */

/* "CGI start", "header error", "status send". */
const char *export_role_label(int role);

/*
 * The fields of an event as "Name=value  Name=value" (raw text, to be
 * escaped by the writer), ContextId and sys.* left out.
 */
enum rn_rc export_fields_inline(struct rn_buf *b, const char *json);

/*
 * The HTTP header block an event carries: a captured message's head (its
 * raw text) or a non-empty Headers field (FREB, ETW).  Fills b and
 * returns 1, or returns 0.
 */
int export_event_headers(const struct ev_row *e, struct rn_buf *b);

/* "error", "warning", "info"... for an event level; "" when unknown. */
const char *export_level_name(int64_t level);

/* Index in ev of the event holding role, or -1. */
long export_role_index(const struct ev_row *ev, size_t n, int role);

/* A request's duration in human units ("6m41.4s", "12ms"), "-" if
 * unknown (render_duration; JSON keeps duration_ms). */
void export_duration(const struct rq_row *r, char *out, size_t n);

/* ---- escapers (export_esc.c) ------------------------------------------- */

/*
 * Text for HTML/XML (element content and attribute values): & < > " '
 * as entities; control characters visibly as \xNN (\n \r \t too), C1 and
 * bidi/format controls as \u{NNNN}, invalid UTF-8 (and the XML-forbidden
 * U+FFFE/U+FFFF) as U+FFFD or \u{NNNN}.  With EXPORT_ESC_PRE, line breaks
 * (LF, CRLF) are kept as LF.
 */
#define EXPORT_ESC_PRE 0x1
enum rn_rc export_esc_html(struct rn_buf *b, const char *s, size_t len,
                           int flags);

/*
 * Text for Markdown inline content (table cells, list items): ASCII
 * punctuation with a meaning (\ ` * _ [ ] < > | ~ & ! #) backslash-escaped,
 * so no markup or HTML survives; controls visible as above.  With
 * EXPORT_ESC_PRE, for fenced code blocks: nothing escaped but controls,
 * line breaks kept.
 */
enum rn_rc export_esc_md(struct rn_buf *b, const char *s, size_t len,
                         int flags);

/*
 * An inline code span holding s, for identifiers, URLs, paths and fields:
 * read as text, never as markup or HTML; controls visible as above, '|'
 * escaped for GFM tables (which show it as '|').
 */
enum rn_rc export_esc_md_code(struct rn_buf *b, const char *s, size_t len);

/* The backtick fence that safely encloses s: one longer than any run. */
size_t export_esc_md_fence(const char *s);

/*
 * One CSV cell: invalid UTF-8 replaced by U+FFFD; when guard is set, a
 * leading ' before = + - @ TAB CR (spreadsheet formula injection);
 * RFC 4180 quoting.  NULL is an empty cell.
 */
enum rn_rc export_esc_csv(struct rn_buf *b, const char *s, int guard);

#endif
