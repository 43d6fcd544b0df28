/*
 * Text formatting for the front end, without curses: times, durations,
 * statuses, source letters and positions, event fields, display widths
 * and middle elision.  Everything here works on UTF-8 that has already
 * been through model/base/sanitize.h (no control characters).
 */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>
#include <stdint.h>

/* Time styles for fmt_time. */
enum fmt_time_style {
    FMT_TIME_FULL,  /* 2005-08-23 20:19:06.000 */
    FMT_TIME_SHORT, /* 08-23 20:19:06.000 */
    FMT_TIME_CLOCK  /* 20:19:06 */
};

/* Format a UTC time (or "-" for STORE_NONE) into out (size n). */
void fmt_time(int64_t ns, enum fmt_time_style style, char *out, size_t n);

/*
 * A span of time in human units, the one format of durations and offsets
 * everywhere: "0ms", "412us", "1.2ms", "12ms", "15.5s", "4m54.1s",
 * "1h02m03s".
 */
void fmt_span(uint64_t ns, char *out, size_t n);

/* fmt_span of end - start, or "-" when either end is unknown. */
void fmt_duration(int64_t start_ns, int64_t end_ns, char *out, size_t n);

/* "502.2", "200.0", or "-" when unknown. */
void fmt_status(int64_t http, int64_t sub, char *out, size_t n);

/* One slot a source kind (its letter, rn_kind.h), blank when absent. */
void fmt_sources(unsigned mask, char *out, size_t n);

/* Offset from the request's start: "+0ms", "+15.5s", "+4m54.1s", "?". */
void fmt_rel(int64_t ns, char *out, size_t n);

/* Where an event is in its source: "ETW #441", "FREB fr17.xml #12". */
void fmt_srcpos(int kind, const char *file, int64_t seq, char *out, size_t n);

/* A flat JSON object of strings, decoded. */
struct fmt_fields {
    size_t n;
    char **keys; /* owned, UTF-8, raw (not sanitised) */
    char **vals;
};

/* Parse a flat JSON object; non-string values are kept as their text. */
void fmt_fields_parse(const char *json, struct fmt_fields *out);
void fmt_fields_fini(struct fmt_fields *f);

/*
 * The fields as one line "k=v  k=v" (sanitised, one line), skipping the
 * ContextId that every IIS event repeats.  Malloc'd.  Empty values stay
 * visible ("Headers=").
 */
char *fmt_fields_inline(const struct fmt_fields *f);

/* The name of a trace level: "error", "warning", "information", ... */
const char *fmt_level(int64_t level);

/* Display width of sanitised UTF-8 text (wide characters count 2). */
size_t fmt_width(const char *s);

/*
 * Copy s into a malloc'd string at most width columns wide, eliding the
 * middle with ell ("…" or "~") when it is too wide.
 */
char *fmt_elide_middle(const char *s, size_t width, const char *ell);

/*
 * Word-wrap sanitised UTF-8 into lines at most width columns: breaks at
 * the last blank that fits (dropping it), or inside a word wider than a
 * line.  Writes up to max (start, len) byte ranges; returns the number of
 * lines, which may exceed max (call again with room for them).
 */
size_t fmt_wrap(const char *s, size_t width, size_t *start, size_t *len,
                size_t max);

/* The path (and query) of a URL: what follows scheme://authority. */
const char *fmt_url_path(const char *url);

/*
 * A URL or path shortened to width columns, the least informative part
 * first: the query becomes "?…", then long random segments (ids,
 * sessions) are cut in the middle, then directories; the program or page
 * name (htmlos.exe, the last segment) is cut last.  Malloc'd.
 */
char *fmt_url_short(const char *url, size_t width, const char *ell);

/* Byte offset of the first case-insensitive (ASCII) match, or -1. */
long fmt_find_ci(const char *hay, const char *needle);

#endif
