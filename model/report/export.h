/*
 * Reports: selected requests written as Markdown, one self-contained HTML
 * file, one JSON document or CSV, for `reqnav export` and the TUI's `x` /
 * `:export`.
 *
 * Selection: explicit ids (in the order given), else the requests matching
 * the filter expression (filter.h; NULL = all), restricted to marked ones
 * when marked is set, in time order.
 *
 * Every format carries, per request, the summary (time, verb, URL, status,
 * duration, sources, diagnosis), the three role events, the merged
 * timeline with each event's position in its source (ETW #N, FREB file #N,
 * PCAP frame N, W3C line N) and fields, and the HTTP headers of captured
 * messages; and once, a header: the store, the source files (name, size,
 * SHA-256, format), the generation time, the reqnav version and whether
 * redaction was on.
 *
 *   md    GitHub/CommonMark Markdown; trace text backslash-escaped, header
 *         blocks in fences longer than any backtick run they hold.
 *   html  one XHTML file (well-formed XML): inline CSS, no script, no
 *         external resource (a CSP forbids them too), an inline SVG phase
 *         bar per request, print CSS.  All trace text is escaped; invalid
 *         UTF-8 shows as U+FFFD and control characters as \xNN.
 *   json  {"report": {...header...}, "requests": [T, ...]} where each T is
 *         exactly what `reqnav timeline --format json ID` prints.
 *   csv   RFC 4180, CRLF, one row per event (a request without events gets
 *         one row with empty event columns), with the request's id.  Text
 *         cells that start with = + - @ TAB or CR get a leading ' so that a
 *         spreadsheet shows them as text instead of running a formula.
 *         CSV has no header block: its `redacted` column says yes or no.
 *
 * Redaction (redact.h) is on unless no_redact is set: secrets in URLs,
 * fields, raw messages and diagnoses are replaced by "[redacted]" in
 * every format.
 */
#ifndef EXPORT_H
#define EXPORT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rn_err.h"
#include "store.h"

enum export_format {
    EXPORT_MD = 0,
    EXPORT_HTML = 1,
    EXPORT_JSON = 2,
    EXPORT_CSV = 3
};

struct export_options {
    enum export_format format;
    const char *filter;      /* filter expression, or NULL for every request */
    const int64_t *ids;      /* explicit request ids (borrowed), or NULL */
    size_t nids;             /* entries in ids; 0 = use the filter */
    int marked;              /* only marked requests (ANDed with filter) */
    int no_redact;           /* 1 shows secrets; 0 (default) masks them */
    int64_t now_ns;          /* generation time (UTC ns); 0 = the clock */
    const char *store_label; /* the store as named in the header; NULL =
                                store_path() */
    volatile sig_atomic_t *cancel; /* set (by a signal handler) to stop
                                      between requests: RN_ECANCELED */
};

struct export_result {
    int64_t requests; /* requests written */
    int64_t events;   /* events written */
};

/*
 * Write the report to out.  res may be NULL.  An unknown id is
 * RN_ENOTFOUND, a bad filter RN_EINVAL, a write error RN_EIO, a cancel
 * RN_ECANCELED; what was already written stays in out.
 */
enum rn_rc export_run(struct store *st, const struct export_options *opt,
                      FILE *out, struct export_result *res, struct rn_err *err);

/*
 * Write the report to the file at path, created mode 0644.  The report is
 * written to a temporary file beside it and moved into place only when
 * complete, so a failed export leaves no partial file.  Unless overwrite
 * is set, an existing file is kept and the call fails with RN_EIO and
 * "PATH: file exists" (check with access() first to ask the user).
 */
enum rn_rc export_to_file(struct store *st, const struct export_options *opt,
                          const char *path, int overwrite,
                          struct export_result *res, struct rn_err *err);

/* "md" (or "markdown"), "html", "json", "csv"; RN_EINVAL otherwise. */
enum rn_rc export_format_parse(const char *name, enum export_format *fmt,
                               struct rn_err *err);

/* File extension without the dot: "md", "html", "json", "csv". */
const char *export_format_ext(enum export_format fmt);

/*
 * The default file name "reqnav-report-YYYYMMDDTHHMMSSZ.EXT" for a UTC
 * time (0 = now) into out (size n, 64 bytes are enough).
 */
void export_default_name(enum export_format fmt, int64_t now_ns, char *out,
                         size_t n);

#endif
