/*
 * Lenient incremental HTTP/1.x parser for reassembled TCP streams.  One
 * http_conn per TCP connection: each direction has its own parser, and
 * requests and responses are paired in FIFO order into exchanges, which
 * are handed to the consumer when both halves have ended.  Header blocks
 * are kept (capped); bodies are only counted.  Malformed header lines are
 * kept and flagged, never rejected.
 */
#ifndef HTTP_PARSE_H
#define HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "rn_buf.h"
#include "rn_err.h"

#define HTTP_HEAD_MAX    (64u * 1024) /* start line + header lines */
#define HTTP_LINE_MAX    (8u * 1024)  /* a start line or a chunk-size line */
#define HTTP_HEADERS_MAX 256          /* header fields kept per message */
#define HTTP_QUEUE_MAX   64           /* requests waiting for a response */
#define HTTP_INTERIM_MAX 4            /* 1xx responses kept per exchange */

/* How a message ended. */
enum http_end {
    HTTP_END_NONE = 0,    /* not ended */
    HTTP_END_LENGTH = 1,  /* no body, or Content-Length reached */
    HTTP_END_CHUNKED = 2, /* last chunk and trailers seen */
    HTTP_END_FIN = 3,     /* connection closed (FIN) */
    HTTP_END_RST = 4,     /* connection reset */
    HTTP_END_CAPTURE = 5, /* capture ended */
    HTTP_END_GAP = 6,     /* lost bytes made the rest unparseable */
    HTTP_END_HEAD = 7     /* header block too long or cut: no body parsed */
};

/* Direction roles. */
enum http_role { HTTP_ROLE_UNKNOWN = 0, HTTP_ROLE_CLIENT, HTTP_ROLE_SERVER };

/* A header field: offsets into the message's head text. */
struct http_header {
    uint32_t name, name_len;
    uint32_t value, value_len;
    int malformed; /* no colon, or space in the name */
};

/* One parsed message (request or response). */
struct http_msg {
    int present; /* this slot holds a message */
    int is_response;
    struct rn_buf head; /* start line + header lines, as captured */
    /* Start line pieces as offsets into head: request method, target,
     * version; response version, status, reason. */
    uint32_t p[3], plen[3];
    int status;              /* responses: 100..999, or -1 */
    struct http_header *hdr; /* nhdr entries (owned) */
    size_t nhdr, hdr_cap;
    int malformed;          /* some header line was malformed */
    int head_truncated;     /* the head passed HTTP_HEAD_MAX */
    int head_incomplete;    /* cut (close, capture end, lost bytes)
                               before the blank line; hdr holds the
                               complete header lines only, no body read */
    int line_incomplete;    /* ... and before the end of the start line:
                               a request's method only (target empty), a
                               response's version and status (the reason
                               possibly cut) */
    int64_t content_length; /* -1 when absent or unusable */
    int cl_conflict;        /* Content-Length repeated with other values */
    int chunked;            /* Transfer-Encoding ends in chunked */
    int has_body;           /* a body was expected */
    uint64_t frame;         /* frame of the first byte */
    int64_t ts;
    uint64_t head_end_frame; /* frame of the blank line */
    int64_t head_end_ts;
    uint64_t end_frame; /* frame of the last byte */
    int64_t end_ts;
    uint64_t head_bytes; /* the head on the wire, blank line included;
                            0 unless its blank line was seen */
    uint64_t body_bytes; /* body bytes seen (chunk data for chunked) */
    uint64_t gap_bytes;  /* body bytes lost in gaps */
    int complete;        /* ended normally with nothing lost */
    enum http_end end;
};

/* Borrowed view of a start-line piece or a header part. */
static inline const char *
http_msg_at(const struct http_msg *m, uint32_t off)
{
    return m->head.data + off;
}

/* An exchange: a request and its final response (either may be absent). */
struct http_xact {
    struct http_msg req, resp;
    struct http_msg interim[HTTP_INTERIM_MAX]; /* 1xx before the final */
    int ninterim;                              /* interim responses kept */
    int interim_dropped;                       /* past HTTP_INTERIM_MAX */
    int tunnel;   /* 101 or CONNECT 2xx: the stream turned opaque */
    uint64_t seq; /* 1-based exchange number in the connection */
    /* internal */
    int req_done, resp_done;
};

struct http_conn_cb {
    void *ctx;
    /* A finished exchange; x is freed after the call returns. */
    enum rn_rc (*xact)(void *ctx, struct http_xact *x, struct rn_err *err);
};

struct http_stats {
    uint64_t requests, responses, interims;
    uint64_t resyncs;          /* times a parser had to search for a message */
    uint64_t skipped_bytes;    /* bytes skipped while searching */
    uint64_t partial_heads;    /* header blocks cut by a gap or a close */
    uint64_t orphan_responses; /* responses with no request */
    uint64_t queue_overflows;
};

struct http_conn;

/*
 * New connection parser.  client_dir is the TCP direction (0 or 1) that
 * carries requests, or -1 when unknown: then the first message found in
 * either direction decides.  partial[d] nonzero means direction d begins
 * mid-stream and must search for a message start.  stats (may be NULL) is
 * borrowed and accumulated into.
 */
struct http_conn *http_conn_new(const struct http_conn_cb *cb, int client_dir,
                                const int partial[2], struct http_stats *stats);

/* Feed n stream bytes of direction dir, all from frame/ts. */
enum rn_rc http_conn_data(struct http_conn *h, int dir, const unsigned char *p,
                          size_t n, uint64_t frame, int64_t ts,
                          struct rn_err *err);

/* n bytes of direction dir were lost; the next byte is from frame/ts. */
enum rn_rc http_conn_gap(struct http_conn *h, int dir, uint64_t n,
                         uint64_t frame, int64_t ts, struct rn_err *err);

/* Direction dir ended (HTTP_END_FIN, _RST or _CAPTURE) at frame/ts. */
enum rn_rc http_conn_close(struct http_conn *h, int dir, enum http_end how,
                           uint64_t frame, int64_t ts, struct rn_err *err);

/*
 * Both directions ended at once (a reset) at frame/ts, each closed with
 * how.  When both were inside a header block, the block that began
 * first is closed first: cut heads pair by time like complete ones.
 */
enum rn_rc http_conn_close_both(struct http_conn *h, enum http_end how,
                                uint64_t frame, int64_t ts, struct rn_err *err);

/* End of connection: close open directions with how, emit everything. */
enum rn_rc http_conn_finish(struct http_conn *h, enum http_end how,
                            struct rn_err *err);

/* The TCP direction carrying requests, or -1 if still unknown. */
int http_conn_client_dir(const struct http_conn *h);

/* Number of exchanges handed out so far. */
uint64_t http_conn_count(const struct http_conn *h);

/*
 * Sequence number (http_xact.seq) of the newest exchange created so far,
 * handed out or not; 0 before the first.
 */
uint64_t http_conn_last_seq(const struct http_conn *h);

/* Free (pending exchanges are dropped without callbacks). */
void http_conn_free(struct http_conn *h);

/* Whether s (n bytes) is a known HTTP method token. */
int http_parse_is_method(const char *s, size_t n);

/* Name of an end reason: "length", "chunked", "fin", "rst"... */
const char *http_end_str(enum http_end e);

#endif
