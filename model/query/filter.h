/*
 * The filter language shared by `reqnav requests --filter`, the TUI's `f`
 * and `reqnav export --filter`: space-separated key:value terms, ANDed.
 *
 *   status:502.2 status:502 status:5xx  verb:POST  url:SUBSTR
 *   source:etw|freb|w3c|httperr|pcap   has:cgi_start|header_error|status_send
 *   since:ISO-TIME  until:ISO-TIME  key:GUID  marked:yes|no  text:SUBSTR
 *   cause:ID (a failure class, rn_cause.h)
 *
 * A term without a colon is url:TERM.  Values may be double-quoted.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

struct filter;

/* Parse expr; on error *out is NULL and err names the bad term. */
enum rn_rc filter_parse(const char *expr, struct filter **out,
                        struct rn_err *err);
void filter_free(struct filter *f);

/* The canonical text of the filter (borrowed, valid while f lives). */
const char *filter_text(const struct filter *f);

/*
 * SQL condition over table alias `r` (request), using ?N parameters
 * numbered from first_param.  Borrowed string.
 */
const char *filter_sql(const struct filter *f);

/*
 * Does a term read every event of each request (text:)?  No index serves
 * that, so the explorer runs such a query in slices from the start
 * instead of trying it within a keystroke.
 */
int filter_reads_events(const struct filter *f);

/* Number of bound values and each value (text or integer). */
size_t filter_nparams(const struct filter *f);
int filter_param_is_int(const struct filter *f, size_t i);
int64_t filter_param_int(const struct filter *f, size_t i);
const char *filter_param_text(const struct filter *f, size_t i);

#endif
