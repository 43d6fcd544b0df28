/*
 * The matching core: pure functions, no store.  What two sources say of
 * one request is compared field by field (match_w3c_cost), and candidate
 * pairs are assigned one to one (match_assign).  correlate_w3c.c feeds
 * them from the store and applies the result.
 */
#ifndef MATCH_H
#define MATCH_H

#include <stddef.h>
#include <stdint.h>

#define MATCH_NONE INT64_MIN

/*
 * What one source saw of a request.  Strings are NULL and numbers
 * MATCH_NONE when unknown; path and query are folded (rn_url_fold) so both
 * sides compare alike.
 */
struct match_req {
    int64_t start, end; /* ns; a log line: end = its second, start unused */
    int64_t taken;      /* log line: time-taken in ns, or MATCH_NONE */
    int complete;       /* IIS: saw the request's end (GENERAL_REQUEST_END) */
    const char *verb, *path, *query, *client;
    int64_t status, sub, cport;
};

/*
 * A W3C or HTTPERR line l against what IIS (ETW or FREB) saw, i.  A line's
 * time is when its entry was written, at the request's end, truncated to
 * the second (FORMATS.md F.1): i's end must fall in [end, end + 1 s), and
 * i's duration must agree with time-taken (which may also hold the wait
 * for the client's last ACK, so it may be longer).  Verb, path, query,
 * status, substatus, client address and port must agree wherever both
 * know them.  Returns 1 with *cost (ns; lower is closer) when they may be
 * the same request, 0 when the evidence conflicts.  *client: the client
 * address took part.
 */
int match_w3c_cost(const struct match_req *l, const struct match_req *i,
                   int64_t *cost, int *client);

/*
 * When line l was written if it is request i's: i's start plus l's
 * time-taken (the last send completion, FORMATS.md F.1), or MATCH_NONE
 * when that cannot be said (no time-taken, i's end unseen) or l's
 * time-taken is shorter than what i took (beyond its millisecond
 * truncation).  A log is in the order its lines were written, which is
 * not the order requests ended: a response over 2 KB waits for the
 * client's last ACK, a shorter one does not.
 */
int64_t match_w3c_written(const struct match_req *l, const struct match_req *i);

/*
 * Do l and i disagree on a field both know (verb, path and query, status,
 * substatus, client address and port)?  A request several sources saw
 * is a candidate for a line only if none of them disagrees with it.
 */
int match_conflicts(const struct match_req *l, const struct match_req *i);

/*
 * How far apart a captured exchange (start xs, end xe, clock offset
 * applied; xe MATCH_NONE when its response was not seen whole) and what
 * IIS saw (start is, end ie, MATCH_NONE when not seen; times that stand
 * for [t, t + res), res 0 when precise) are: the distance of each of the
 * exchange's times to the IIS interval, summed.  Both sides' other fields
 * must already agree.
 */
int64_t match_pcap_cost(int64_t xs, int64_t xe, int64_t is, int64_t ie,
                        int64_t res);

/*
 * Does the byte count IIS sent (GENERAL_REQUEST_END BytesSent, sc-bytes)
 * agree with the bytes of the response on the wire (head and body)?  0
 * when equal or either is unknown (MATCH_NONE), otherwise a cost larger
 * than any time distance of a candidate: between candidates the clock
 * cannot tell apart, the count decides.
 */
int64_t match_bytes_cost(int64_t iis_sent, int64_t wire);

/*
 * The cost of an exchange and an IIS request from the distance in time
 * (match_pcap_cost) and in bytes (match_bytes_cost); MATCH_NONE when the
 * evidence conflicts: the bytes differ and the times are further apart
 * than latency (tol) explains.  Either alone is not a conflict: the link
 * window allows for a clock that drifts over a long capture, and bytes
 * may differ throughout when the capture was taken in front of something
 * that rewrites responses (a proxy adding headers).
 */
int64_t match_pcap_total(int64_t time_cost, int64_t bytes_cost, int64_t tol);

/*
 * Did a request IIS saw begin (at start, a time standing for
 * [start, start + res)) before a capture's first exchange (first, server
 * time) by more than slack (latency and how far the capture's clock
 * offset may be off)?  Then the capture, started late, holds no exchange
 * of it: its first exchanges belong to other requests.
 */
int match_before_capture(int64_t start, int64_t res, int64_t first,
                         int64_t slack);

/* A candidate pair: left index a, right index b, and its cost. */
struct match_edge {
    size_t a, b;
    int64_t cost;
};

/*
 * One-to-one assignment of na left items to nb right items over the
 * candidate pairs e (sorted in place): the cheapest pair first; pairs of
 * equal cost (identical evidence) in left then right order, which callers
 * give in time order, so identical candidates pair in time order.  Fills
 * to_b[a] (nb when unassigned) and margin[a]: how much cheaper the pair is
 * than the next candidate either side had (INT64_MAX when none).
 */
void match_assign(struct match_edge *e, size_t ne, size_t na, size_t nb,
                  size_t *to_b, int64_t *margin);

/*
 * One-to-one assignment that keeps both sides in order: na left items and
 * nb right items, each given in time order (a log's lines in completion
 * order, requests by their end), are paired without two pairs crossing,
 * as many pairs as the candidates e allow, of those the cheapest in total;
 * of equal ones, the earliest pairs first.  A log written in completion
 * order cannot hold two requests in the opposite order, whatever their
 * costs say.  Fills to_b and margin as match_assign does; a margin is
 * negative when the order chose a dearer pair than a crossing one.
 */
void match_assign_ordered(const struct match_edge *e, size_t ne, size_t na,
                          size_t nb, size_t *to_b, int64_t *margin);

#endif
