/* Unit tests for the pure matching core (model/ingest/match.c). */
#include <stdint.h>
#include <string.h>

#include "match.h"
#include "test.h"

#define MS 1000000LL
#define S  1000000000LL

/* A GET of /app/page7.asp with status 200, no time yet. */
static struct match_req
req(const char *query, const char *client)
{
    struct match_req r;

    memset(&r, 0, sizeof r);
    r.taken = MATCH_NONE;
    r.verb = "GET";
    r.path = "/app/page7.asp";
    r.query = query;
    r.client = client;
    r.status = 200;
    r.sub = 0;
    r.cport = MATCH_NONE;
    return r;
}

static struct match_req
line(int64_t sec, int64_t taken_ms, const char *query, const char *client)
{
    struct match_req r = req(query, client);

    r.start = r.end = sec * S;
    r.taken = taken_ms >= 0 ? taken_ms * MS : MATCH_NONE;
    return r;
}

static struct match_req
iis(int64_t start_ns, int64_t dur_ms, const char *query, const char *client)
{
    struct match_req r = req(query, client);

    r.start = start_ns;
    r.end = start_ns + dur_ms * MS;
    r.complete = 1;
    return r;
}

static void
test_cost(void)
{
    struct match_req l = line(100, 22, "id=8698", "192.0.2.7"), i;
    int64_t cost;
    int client;

    /* A 22 ms request ending at 100.725: the line stamped 100 holds it. */
    i = iis(100 * S + 703 * MS, 22, "id=8698", "192.0.2.7");
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 0);
    CHECK(client == 1);
    /* The same ending in the second before: not this line. */
    i = iis(99 * S + 703 * MS, 22, "id=8698", "192.0.2.7");
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 0);
    /* Another query, another request. */
    i = iis(100 * S + 703 * MS, 22, "id=1150", "192.0.2.7");
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 0);
    /* Another client. */
    i = iis(100 * S + 703 * MS, 22, "id=8698", "192.0.2.8");
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 0);
    /* Longer than time-taken allows. */
    i = iis(100 * S + 103 * MS, 622, "id=8698", "192.0.2.7");
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 0);
    /* Shorter: time-taken held the wait for the last ACK; the further
     * from what IIS saw, the dearer (of two lines of one second for one
     * URL, the one whose time-taken fits). */
    l.taken = 40 * MS;
    i = iis(100 * S + 703 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 18 * MS);
    CHECK(client == 0);
    l.taken = 23 * MS;
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 1 * MS);
    l.taken = 422 * MS;
    i = iis(100 * S + 303 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 400 * MS);
    /* Written (start + time-taken) just before the line's second:
     * allowed, but dearer than one inside. */
    l.taken = 22 * MS;
    i = iis(100 * S - 30 * MS - 22 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 30 * MS);
    i = iis(100 * S - 80 * MS - 22 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 0);
    /* Ended 180 ms before the line's second, but the last send completed
     * (the client's ACK, over a slow link) 210 ms later, inside it: the
     * line's second is when it was written, not when IIS ended. */
    l.taken = 230 * MS;
    i = iis(100 * S - 200 * MS, 20, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 210 * MS);
    /* No query on either side is the same as an empty one. */
    l = line(100, 22, NULL, NULL);
    i = iis(100 * S + 703 * MS, 22, "", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
}

static void
test_assign(void)
{
    /* Two identical lines, two identical requests: time order. */
    struct match_edge e[4] = {{1, 1, 5}, {0, 1, 5}, {1, 0, 5}, {0, 0, 5}};
    size_t to_b[3];
    int64_t margin[3];
    struct match_edge f[3] = {{0, 0, 30}, {0, 1, 10}, {1, 1, 12}};

    match_assign(e, 4, 2, 2, to_b, margin);
    CHECK(to_b[0] == 0);
    CHECK(to_b[1] == 1);
    CHECK(margin[0] == 0);
    /* The cheapest first: 0-1 (10) wins over 1-1 (12); 0's other is 0-0,
     * 1 is left with nothing. */
    match_assign(f, 3, 2, 2, to_b, margin);
    CHECK(to_b[0] == 1);
    CHECK(to_b[1] == 2);
    CHECK(margin[0] == 2);
    /* A lone pair: no alternative. */
    f[0] = (struct match_edge){0, 0, 7};
    match_assign(f, 1, 1, 1, to_b, margin);
    CHECK(to_b[0] == 0);
    CHECK(margin[0] == INT64_MAX);
    /* No candidates at all. */
    match_assign(f, 0, 3, 2, to_b, margin);
    CHECK(to_b[0] == 2 && to_b[1] == 2 && to_b[2] == 2);
}

static void
test_assign_ordered(void)
{
    /* Two lines of one second, two requests: the cheaper crossing pairs
     * (0-1 at 5, then 1-0 at 35) would say line 0 ended after line 1's
     * request; a log in completion order pairs them in order. */
    struct match_edge e[4] = {{0, 0, 20}, {0, 1, 5}, {1, 0, 35}, {1, 1, 20}};
    /* A line whose request IIS never saw (the kernel cache) before the
     * one it did: the line that fits takes the request. */
    struct match_edge f[2] = {{0, 0, 18 * MS}, {1, 0, 1 * MS}};
    /* Identical evidence: time order. */
    struct match_edge g[4] = {{0, 0, 7}, {0, 1, 7}, {1, 0, 7}, {1, 1, 7}};
    /* More pairs before cheaper ones: 0-0 and 1-1 (cost 40) over 0-1
     * alone (cost 1). */
    struct match_edge h[3] = {{0, 0, 20}, {1, 1, 20}, {0, 1, 1}};
    size_t to_b[3];
    int64_t margin[3];

    match_assign_ordered(e, 4, 2, 2, to_b, margin);
    CHECK(to_b[0] == 0 && to_b[1] == 1);
    CHECK(margin[0] == -15); /* 0-1 was cheaper: a small margin */
    match_assign_ordered(f, 2, 2, 1, to_b, margin);
    CHECK(to_b[0] == 1 && to_b[1] == 0);
    CHECK(margin[1] == 17 * MS);
    match_assign_ordered(g, 4, 2, 2, to_b, margin);
    CHECK(to_b[0] == 0 && to_b[1] == 1);
    match_assign_ordered(h, 3, 2, 2, to_b, margin);
    CHECK(to_b[0] == 0 && to_b[1] == 1);
    /* One request, lines with the same cost: the first line. */
    g[0] = (struct match_edge){0, 0, 3};
    g[1] = (struct match_edge){1, 0, 3};
    g[2] = (struct match_edge){2, 0, 3};
    match_assign_ordered(g, 3, 3, 1, to_b, margin);
    CHECK(to_b[0] == 0 && to_b[1] == 1 && to_b[2] == 1);
    CHECK(margin[0] == 0);
    /* No candidates. */
    match_assign_ordered(g, 0, 2, 2, to_b, margin);
    CHECK(to_b[0] == 2 && to_b[1] == 2);
    CHECK(margin[0] == INT64_MAX);
}

static void
test_conflicts(void)
{
    struct match_req l = line(100, 22, "id=8698", "192.0.2.7");
    struct match_req x = iis(100 * S, 22, "id=8698", "192.0.2.7");

    CHECK(match_conflicts(&l, &x) == 0);
    /* An exchange from another client. */
    x.client = "192.0.2.99";
    CHECK(match_conflicts(&l, &x) == 1);
    /* Unknown on one side is no conflict. */
    x.client = NULL;
    x.status = MATCH_NONE;
    CHECK(match_conflicts(&l, &x) == 0);
    x.status = 404;
    CHECK(match_conflicts(&l, &x) == 1);
    x.status = 200;
    x.query = "id=1150";
    CHECK(match_conflicts(&l, &x) == 1);
    /* No path known: nothing to say about path or query. */
    x.path = NULL;
    CHECK(match_conflicts(&l, &x) == 0);
}

static void
test_bytes(void)
{
    /* Equal or unknown: nothing; different: dearer than any time
     * distance a link's window allows (2 s). */
    CHECK(match_bytes_cost(8410, 8410) == 0);
    CHECK(match_bytes_cost(MATCH_NONE, 8410) == 0);
    CHECK(match_bytes_cost(8410, MATCH_NONE) == 0);
    CHECK(match_bytes_cost(8410, 5029) > 4 * S);
    /* A conflict needs both: bytes that differ and times further apart
     * than latency; either alone is a dearer candidate. */
    CHECK(match_pcap_total(3 * MS, 0, 50 * MS) == 3 * MS);
    CHECK(match_pcap_total(3 * MS, match_bytes_cost(1, 2), 50 * MS) ==
          3 * MS + match_bytes_cost(1, 2));
    CHECK(match_pcap_total(900 * MS, 0, 50 * MS) == 900 * MS);
    CHECK(match_pcap_total(143 * MS, match_bytes_cost(1, 2), 50 * MS) ==
          MATCH_NONE);
}

static void
test_written(void)
{
    struct match_req l = line(100, 32, NULL, NULL);
    struct match_req i = iis(100 * S + 600 * MS, 12, NULL, NULL);

    /* A 12 ms request whose line says 32 ms (the client's last ACK 20 ms
     * after the last byte): written at 100.632, after a 4 ms request
     * ending later (100.620) but with nothing to wait for. */
    CHECK(match_w3c_written(&l, &i) == 100 * S + 632 * MS);
    l.taken = 4 * MS;
    i = iis(100 * S + 616 * MS, 4, NULL, NULL);
    CHECK(match_w3c_written(&l, &i) == 100 * S + 620 * MS);
    /* time-taken shorter than what IIS saw (beyond its truncation to the
     * millisecond): not this request's line, no time to say. */
    i = iis(100 * S + 600 * MS, 12, NULL, NULL);
    CHECK(match_w3c_written(&l, &i) == MATCH_NONE);
    l.taken = 11 * MS;
    CHECK(match_w3c_written(&l, &i) == 100 * S + 611 * MS);
    /* No time-taken, or the end not seen: unknown. */
    l.taken = MATCH_NONE;
    CHECK(match_w3c_written(&l, &i) == MATCH_NONE);
    l.taken = 20 * MS;
    i.complete = 0;
    CHECK(match_w3c_written(&l, &i) == MATCH_NONE);
}

static void
test_before_capture(void)
{
    /* tracerpt: a request 460 ms before the capture's first exchange,
     * its offset known to 50 ms: not in the capture. */
    CHECK(match_before_capture(100 * S, 0, 100 * S + 460 * MS, 100 * MS) == 1);
    /* Within latency and the offset's uncertainty: it may be. */
    CHECK(match_before_capture(100 * S, 0, 100 * S + 90 * MS, 100 * MS) == 0);
    /* Log Parser: the second 100 stands for [100, 101): a first exchange
     * at 100.9 may be its. */
    CHECK(match_before_capture(100 * S, S, 100 * S + 900 * MS, 100 * MS) == 0);
    CHECK(match_before_capture(99 * S, S, 100 * S + 900 * MS, 100 * MS) == 1);
    /* A given offset, off by up to a link's window (2 s). */
    CHECK(match_before_capture(99 * S, S, 100 * S + 900 * MS, 2 * S) == 0);
}

static void
test_pcap_cost(void)
{
    /* Precise both sides: the distances of start and end. */
    CHECK(match_pcap_cost(100 * MS, 130 * MS, 101 * MS, 128 * MS, 0) == 3 * MS);
    /* Whole seconds (Log Parser): inside the second costs nothing. */
    CHECK(match_pcap_cost(100 * S + 400 * MS, 100 * S + 900 * MS, 100 * S,
                          100 * S, S) == 0);
    CHECK(match_pcap_cost(101 * S + 10 * MS, MATCH_NONE, 100 * S, 100 * S, S) ==
          10 * MS);
    /* No end on one side: the start alone. */
    CHECK(match_pcap_cost(5 * MS, MATCH_NONE, 7 * MS, 9 * MS, 0) == 2 * MS);
}

int
main(void)
{
    test_pcap_cost();
    test_cost();
    test_assign();
    test_assign_ordered();
    test_conflicts();
    test_bytes();
    test_before_capture();
    test_written();
    return test_report("test_match");
}
