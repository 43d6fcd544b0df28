/*
 * Unit tests for importers/tcp_reasm.c.  The callbacks write a readable
 * log ("1.0:abc" = connection 1, direction 0 delivered "abc"; "gap" with
 * a byte count; "fin", "rst", "end") that each case compares whole.
 */
#include <stdio.h>
#include <string.h>

#include "rn_buf.h"
#include "tcp_reasm.h"
#include "test.h"

static struct rn_buf tlog;

static void
logf_(const char *s)
{
    if (tlog.len > 0)
        rn_buf_putc(&tlog, ' ');
    rn_buf_puts(&tlog, s);
}

static enum rn_rc
cb_open(void *ctx, struct tcp_conn_info *c, struct rn_err *err)
{
    char s[64];

    (void)ctx;
    (void)err;
    snprintf(s, sizeof s, "open%llu", (unsigned long long)c->id);
    logf_(s);
    return RN_OK;
}

static enum rn_rc
cb_data(void *ctx, struct tcp_conn_info *c, int dir, const unsigned char *p,
        size_t n, uint64_t frame, int64_t ts, struct rn_err *err)
{
    char s[64];

    (void)ctx;
    (void)frame;
    (void)ts;
    (void)err;
    snprintf(s, sizeof s, "%llu.%d:", (unsigned long long)c->id, dir);
    logf_(s);
    rn_buf_append(&tlog, p, n);
    return RN_OK;
}

static enum rn_rc
cb_gap(void *ctx, struct tcp_conn_info *c, int dir, uint64_t n, uint64_t frame,
       int64_t ts, struct rn_err *err)
{
    char s[64];

    (void)ctx;
    (void)ts;
    (void)err;
    snprintf(s, sizeof s, "%llu.%d:gap%llu@%llu", (unsigned long long)c->id,
             dir, (unsigned long long)n, (unsigned long long)frame);
    logf_(s);
    return RN_OK;
}

static enum rn_rc
cb_close(void *ctx, struct tcp_conn_info *c, int dir, enum tcp_end how,
         uint64_t frame, int64_t ts, struct rn_err *err)
{
    char s[64];

    (void)ctx;
    (void)ts;
    (void)err;
    snprintf(s, sizeof s, "%llu.%d:%s@%llu", (unsigned long long)c->id, dir,
             how == TCP_END_RST ? "rst" : "fin", (unsigned long long)frame);
    logf_(s);
    return RN_OK;
}

static enum rn_rc
cb_end(void *ctx, struct tcp_conn_info *c, enum tcp_end why, struct rn_err *err)
{
    char s[64];

    (void)ctx;
    (void)err;
    snprintf(s, sizeof s, "end%llu:%d", (unsigned long long)c->id, (int)why);
    logf_(s);
    return RN_OK;
}

static struct tcp_reasm *
new_reasm(const struct tcp_reasm_limits *lim)
{
    struct tcp_reasm_cb cb = {NULL, cb_open, cb_data, cb_gap, cb_close, cb_end};

    rn_buf_reset(&tlog);
    return tcp_reasm_new(&cb, lim);
}

static uint64_t frame_no;

/* Feed a segment; dir 0 = client 10.0.0.1:1234 -> 10.0.0.2:80. */
static void
seg(struct tcp_reasm *r, int dir, uint32_t seq, const char *flags,
    const char *data)
{
    struct pkt_tcp t;
    struct rn_err err = {RN_OK, ""};

    memset(&t, 0, sizeof t);
    t.ipver = 4;
    t.src[0] = 10;
    t.src[3] = (unsigned char)(dir == 0 ? 1 : 2);
    t.dst[0] = 10;
    t.dst[3] = (unsigned char)(dir == 0 ? 2 : 1);
    t.sport = dir == 0 ? 1234 : 80;
    t.dport = dir == 0 ? 80 : 1234;
    t.seq = seq;
    t.ack = 1;
    t.flags = PKT_TCP_ACK;
    if (strchr(flags, 'S') != NULL)
        t.flags |= PKT_TCP_SYN;
    if (strchr(flags, 's') != NULL) /* bare SYN, no ACK */
        t.flags = PKT_TCP_SYN;
    if (strchr(flags, 'F') != NULL)
        t.flags |= PKT_TCP_FIN;
    if (strchr(flags, 'R') != NULL)
        t.flags |= PKT_TCP_RST;
    t.payload = (const unsigned char *)data;
    t.cap_len = t.seg_len = (uint32_t)strlen(data);
    if (strchr(flags, 'T') != NULL) /* snapshot cut: 3 more on the wire */
        t.seg_len += 3;
    frame_no++;
    CHECK(tcp_reasm_feed(r, &t, frame_no, (int64_t)frame_no * 1000, &err) ==
          RN_OK);
}

/* Flush, free, and compare the log. */
static void
finish(struct tcp_reasm *r, const char *want)
{
    struct rn_err err = {RN_OK, ""};

    CHECK(tcp_reasm_flush(r, &err) == RN_OK);
    tcp_reasm_free(r);
    CHECK_STR(rn_buf_str(&tlog), want);
    frame_no = 0;
}

static void
test_in_order_and_fin(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 100, "s", "");
    seg(r, 1, 500, "S", "");
    seg(r, 0, 101, "", "GET");
    seg(r, 1, 501, "", "HTTP");
    seg(r, 0, 104, "F", "");
    seg(r, 1, 505, "F", "");
    finish(r, "open1 1.0:GET 1.1:HTTP 1.0:fin@5 1.1:fin@6 end1:1");
}

static void
test_out_of_order_and_retransmission(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 100, "s", "");
    seg(r, 0, 104, "", "def");   /* ahead: buffered */
    seg(r, 0, 107, "", "ghi");   /* ahead: buffered */
    seg(r, 0, 101, "", "abc");   /* fills the hole */
    seg(r, 0, 101, "", "abc");   /* retransmission */
    seg(r, 0, 103, "", "cdefg"); /* overlaps delivered bytes */
    seg(r, 0, 110, "", "jk");
    finish(r, "open1 1.0:abc 1.0:def 1.0:ghi 1.0:jk end1:3");
}

static void
test_overlap_first_copy_wins(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 100, "s", "");
    seg(r, 0, 105, "", "XYZ");   /* 105..107 buffered first */
    seg(r, 0, 104, "", "dEFGh"); /* 104..108: only 104 and 108 are new */
    seg(r, 0, 101, "", "abc");
    finish(r, "open1 1.0:abc 1.0:d 1.0:XYZ 1.0:h end1:3");
}

static void
test_gap_and_snaplen(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 100, "s", "");
    seg(r, 0, 101, "", "abc");
    seg(r, 0, 110, "", "xyz"); /* 104..109 never come */
    seg(r, 0, 113, "T", "12"); /* 2 captured + 3 cut by the snapshot */
    seg(r, 0, 118, "", "ok");
    finish(r, "open1 1.0:abc 1.0:gap6@3 1.0:xyz 1.0:12 1.0:gap3@4 1.0:ok "
              "end1:3");
}

static void
test_wraparound(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 0xFFFFFFFDu, "s", "");
    seg(r, 0, 0x00000001u, "", "de"); /* after the wrap: buffered */
    seg(r, 0, 0xFFFFFFFEu, "", "abc");
    seg(r, 0, 0xFFFFFFFFu, "", "bc"); /* old bytes across the wrap */
    seg(r, 0, 0x00000003u, "F", "f");
    finish(r, "open1 1.0:abc 1.0:de 1.0:f 1.0:fin@5 end1:3");
}

static void
test_no_syn_and_rst(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 1, 7000, "", "HTTP/1.1 200"); /* mid-stream: server speaks first */
    seg(r, 0, 300, "", "GET");
    seg(r, 0, 303, "R", "");
    seg(r, 0, 303, "", "late"); /* after the reset: a new connection */
    finish(r, "open1 1.0:HTTP/1.1 200 1.1:GET 1.1:rst@3 end1:2 open2 "
              "2.0:late end2:3");
}

static void
test_port_reuse(void)
{
    struct tcp_reasm *r = new_reasm(NULL);

    seg(r, 0, 100, "s", "");
    seg(r, 0, 100, "s", ""); /* retransmitted SYN: same connection */
    seg(r, 0, 101, "", "one");
    seg(r, 0, 9000, "s", ""); /* new ISN: a new connection */
    seg(r, 0, 9001, "", "two");
    finish(r, "open1 1.0:one end1:4 open2 2.0:two end2:3");
}

static void
test_caps(void)
{
    struct tcp_reasm_limits lim;
    struct tcp_reasm *r;

    tcp_reasm_limits_default(&lim);
    lim.conn_bytes = 8;
    r = new_reasm(&lim);
    seg(r, 0, 100, "s", "");
    seg(r, 0, 111, "", "12345"); /* buffered: 5 */
    seg(r, 0, 116, "", "6789");  /* 9 > 8: give up on 101..110 */
    seg(r, 0, 120, "", "!");
    /* The per-connection cap, not the global one, forced the gap, and
     * nothing stays buffered once the gap let the held bytes through. */
    CHECK(tcp_reasm_stats(r)->conn_cap_hits == 1);
    CHECK(tcp_reasm_stats(r)->global_cap_hits == 0);
    CHECK(tcp_reasm_stats(r)->gaps == 1);
    CHECK(tcp_reasm_stats(r)->gap_bytes == 10);
    CHECK(tcp_reasm_stats(r)->buffered == 0);
    finish(r, "open1 1.0:gap10@2 1.0:12345 1.0:6789 1.0:! end1:3");

    tcp_reasm_limits_default(&lim);
    lim.global_bytes = 4;
    r = new_reasm(&lim);
    seg(r, 0, 100, "s", "");
    seg(r, 0, 105, "", "abcdef");
    CHECK(tcp_reasm_stats(r)->global_cap_hits == 1);
    CHECK(tcp_reasm_stats(r)->buffered == 0);
    finish(r, "open1 1.0:gap4@2 1.0:abcdef end1:3");

    /* Idle connections end once capture time moves on. */
    tcp_reasm_limits_default(&lim);
    lim.idle_ns = 1500;
    r = new_reasm(&lim);
    seg(r, 0, 100, "", "a");
    seg(r, 1, 100, "", "b");
    frame_no += 5;
    seg(r, 0, 101, "", "c");
    finish(r, "open1 1.0:a 1.1:b end1:5 open2 2.0:c end2:3");
}

int
main(void)
{
    rn_buf_init(&tlog, 1 << 20);
    test_in_order_and_fin();
    test_out_of_order_and_retransmission();
    test_overlap_first_copy_wins();
    test_gap_and_snaplen();
    test_wraparound();
    test_no_syn_and_rst();
    test_port_reuse();
    test_caps();
    rn_buf_fini(&tlog);
    return test_report("test_tcp_reasm");
}
