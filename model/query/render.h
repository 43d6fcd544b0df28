/*
 * Rendering of requests and timelines as JSON (the contract of `reqnav
 * requests/timeline --format json`, reused by reports) and CSV fields.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stddef.h>

#include "query.h"
#include "rn_buf.h"

/* A request object: id, key, start, end, duration_ms, verb, url, ... */
enum rn_rc render_request_json(struct rn_buf *b, const struct rq_row *r);

/* One event object of a timeline; start_ns is the request's start. */
enum rn_rc render_event_json(struct rn_buf *b, const struct ev_row *e,
                             int64_t start_ns);

/* {"request": {...}, "events": [...], "links": [...]}: links, one per
 * source request (render_link_events): source, file, position, rule,
 * margin_ms (a matcher's link that had a rival) and alone (its reason). */
enum rn_rc render_timeline_json(struct rn_buf *b, const struct rq_row *r,
                                const struct ev_row *ev, size_t n);

/*
 * The source requests of a timeline (an ARR child's left out), each as
 * the index of its first event in ev, in event order: how many, and
 * *out (malloc'd) the indexes.
 */
size_t render_link_events(const struct ev_row *ev, size_t n, size_t **out);

/* Was the source request of e linked by a matcher (W3C, HTTPERR, capture),
 * whose link has a margin and whose being alone a reason? */
int render_link_matched(const struct ev_row *e);

/* Why e's source request stayed alone ("no_candidate", "conflict"), or
 * NULL when it is linked or not matched at all. */
const char *render_alone_reason(const struct ev_row *e);

/*
 * How e's source request came to be on its request, as the timeline table
 * says it: "context_id", "pcap_time_url_status_client, margin 23ms",
 * "w3c_time_url_status, no other candidate", "alone: conflict (...)".
 */
void render_link_text(const struct ev_row *e, char *out, size_t n);

/*
 * How precise a request's times are.  Coarse: only sources whose times
 * stand for a whole second saw it (W3C and HTTPERR lines, Log Parser ETW),
 * so its start and end may lie up to 1 s later than shown.  Its duration
 * is then still exact when a W3C line's time-taken gave it, and known to
 * a second only from Log Parser's or HTTPERR's whole seconds
 * (render_duration_approx).
 */
int render_timing_coarse(const struct rq_row *r);
int render_duration_approx(const struct rq_row *r);

/* A request's duration as the tables show it: render_duration's, or for
 * one known to a second only "<1s", "~3s", "~6m41s"; "-" when unknown. */
void render_request_duration(const struct rq_row *r, char *out, size_t n);

/* Append one CSV field with RFC 4180 quoting (NULL = empty). */
enum rn_rc render_csv_field(struct rn_buf *b, const char *s);

/* "502.2" style status into out (size n); "" when unknown. */
void render_status(const struct rq_row *r, char *out, size_t n);

/*
 * Where an event stands in its original, as a user looks it up:
 * "ETW #441", "FREB fr000017.xml #12", "PCAP frame 5731",
 * "W3C u_ex050823.log line 9".  Raw file names: callers escape the text
 * for their medium (terminal, HTML).
 */
void render_position(int kind, const char *file, int64_t seq, char *out,
                     size_t n);

/*
 * Does field key belong in a one-line summary of its event?  The request
 * GUID, System properties, renderings and capture clock bookkeeping are
 * left to the detail views.
 */
int render_field_inline(const char *key);

/* Milliseconds as a JSON number with up to 3 decimals. */
enum rn_rc render_ms(struct rn_buf *b, int64_t ns);

/*
 * A duration in human units: "0.25ms", "12ms", "15.5s", "4m54.1s",
 * "1h02m03s"; "-" for a negative one.  out holds RENDER_DUR_MAX bytes.
 */
#define RENDER_DUR_MAX 32
void render_duration(int64_t ns, char *out, size_t n);

/* The same with a sign, for offsets from a request's start: "+4m54.1s". */
void render_offset(int64_t ns, char *out, size_t n);

/*
 * A Win32 status or HRESULT as engineers look it up: HRESULTs (and other
 * values of 0x10000 and above) in hex, "0x80070102", small Win32 codes in
 * decimal, each followed by its name when known ("0x80070102 WAIT_TIMEOUT",
 * "64 ERROR_NETNAME_DELETED").
 */
void render_win32(int64_t v, char *out, size_t n);

/* An ISO time with exactly digits fractional digits (1..9), so that a
 * column of times lines up: ".000000Z" beside ".254595Z". */
void render_time_fixed(int64_t ns, int digits, char *out);

/* Sorted source kind names joined by sep ("etw,freb"). */
void render_sources(unsigned sources, const char *sep, char *out, size_t n);

#endif
