/*
 * TCP stream reassembly for captures.  Segments go in in capture order;
 * each direction of each connection comes out as an ordered byte stream
 * through callbacks, with gaps reported as byte counts.  Memory is
 * bounded: out-of-order bytes are buffered up to a per-connection cap
 * and a global cap, past which the missing bytes are declared a gap.
 * In-order data is passed straight from the frame, never copied.
 */
#ifndef TCP_REASM_H
#define TCP_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "pkt_decode.h"
#include "rn_err.h"

/* How a direction or a connection ended. */
enum tcp_end {
    TCP_END_FIN = 1,     /* FIN reached in sequence */
    TCP_END_RST = 2,     /* reset */
    TCP_END_CAPTURE = 3, /* the capture ended */
    TCP_END_REUSE = 4,   /* a new SYN with another ISN took the 4-tuple */
    TCP_END_EVICTED = 5, /* idle too long or too many connections */
    TCP_END_DISCARD = 6  /* reassembler freed early: free, write nothing */
};

/*
 * Public view of a connection.  Endpoint 0 is the sender of the first
 * packet seen; direction d carries the bytes endpoint d sent.
 */
struct tcp_conn_info {
    uint64_t id; /* 1-based, in order of creation */
    int ipver;   /* 4 or 6 */
    unsigned char addr[2][16];
    uint16_t port[2];
    int syn_dir;        /* endpoint that sent the SYN, or -1 */
    uint64_t syn_frame; /* frame of that SYN (0 when none) */
    int64_t syn_ts;     /* its time, ns */
    int partial[2];     /* direction began without a SYN */
    void *user;         /* the consumer's state (owned by it) */
};

/*
 * Consumer callbacks.  A callback that fails stops the feed; the error is
 * returned by tcp_reasm_feed/flush.  data's bytes are borrowed for the
 * call.  frame/ts are those of the frame holding the bytes (for gaps, the
 * frame after the gap; for close, the FIN or RST frame).
 */
struct tcp_reasm_cb {
    void *ctx;
    enum rn_rc (*open)(void *ctx, struct tcp_conn_info *c, struct rn_err *err);
    enum rn_rc (*data)(void *ctx, struct tcp_conn_info *c, int dir,
                       const unsigned char *p, size_t n, uint64_t frame,
                       int64_t ts, struct rn_err *err);
    enum rn_rc (*gap)(void *ctx, struct tcp_conn_info *c, int dir, uint64_t n,
                      uint64_t frame, int64_t ts, struct rn_err *err);
    enum rn_rc (*close)(void *ctx, struct tcp_conn_info *c, int dir,
                        enum tcp_end how, uint64_t frame, int64_t ts,
                        struct rn_err *err);
    /* Last call for c: the consumer frees c->user here. */
    enum rn_rc (*end)(void *ctx, struct tcp_conn_info *c, enum tcp_end why,
                      struct rn_err *err);
};

struct tcp_reasm_limits {
    size_t conn_bytes;   /* out-of-order bytes buffered per connection */
    size_t global_bytes; /* out-of-order bytes buffered in all */
    size_t max_conns;    /* live connections before evicting the idlest */
    int64_t idle_ns;     /* capture time after which an idle one ends */
};

/* Default limits: 2 MiB, 128 MiB, 1M connections, 10 minutes. */
void tcp_reasm_limits_default(struct tcp_reasm_limits *lim);

struct tcp_reasm_stats {
    uint64_t conns;           /* connections created */
    uint64_t retrans_bytes;   /* bytes already delivered, dropped */
    uint64_t gaps;            /* gaps declared */
    uint64_t gap_bytes;       /* bytes in those gaps */
    uint64_t conn_cap_hits;   /* per-connection cap forced a gap */
    uint64_t global_cap_hits; /* the global cap forced a gap */
    uint64_t evicted;         /* connections ended for idleness or count */
    size_t buffered;          /* out-of-order bytes buffered now */
    size_t buffered_peak;
};

struct tcp_reasm;

/* New reassembler; cb is copied; lim NULL means defaults. */
struct tcp_reasm *tcp_reasm_new(const struct tcp_reasm_cb *cb,
                                const struct tcp_reasm_limits *lim);

/* Feed one decoded segment from frame number frame at time ts (ns). */
enum rn_rc tcp_reasm_feed(struct tcp_reasm *r, const struct pkt_tcp *seg,
                          uint64_t frame, int64_t ts, struct rn_err *err);

/* End of capture: deliver what is buffered (with gaps), end every conn. */
enum rn_rc tcp_reasm_flush(struct tcp_reasm *r, struct rn_err *err);

const struct tcp_reasm_stats *tcp_reasm_stats(const struct tcp_reasm *r);

/* Free; open connections get end(TCP_END_DISCARD) with err NULL. */
void tcp_reasm_free(struct tcp_reasm *r);

#endif
