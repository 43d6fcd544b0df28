/* Unit tests for the pure matching core (model/ingest/match.c). */
#include <stdint.h>
#include <string.h>

#include "match.h"
#include "test.h"

#define MS 1000000LL
#define S  1000000000LL

static struct match_req
line(int64_t sec, int64_t taken_ms, const char *query, const char *client)
{
    struct match_req r;

    memset(&r, 0, sizeof r);
    r.start = r.end = sec * S;
    r.taken = taken_ms >= 0 ? taken_ms * MS : MATCH_NONE;
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
iis(int64_t start_ns, int64_t dur_ms, const char *query, const char *client)
{
    struct match_req r;

    memset(&r, 0, sizeof r);
    r.start = start_ns;
    r.end = start_ns + dur_ms * MS;
    r.taken = MATCH_NONE;
    r.complete = 1;
    r.verb = "GET";
    r.path = "/app/page7.asp";
    r.query = query;
    r.client = client;
    r.status = 200;
    r.sub = 0;
    r.cport = MATCH_NONE;
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
    /* Shorter: time-taken held the wait for the last ACK; within 100 ms
     * that is the same evidence, beyond it dearer. */
    l.taken = 40 * MS;
    i = iis(100 * S + 703 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 0);
    CHECK(client == 0);
    l.taken = 422 * MS;
    i = iis(100 * S + 303 * MS, 22, "id=8698", NULL);
    CHECK(match_w3c_cost(&l, &i, &cost, &client) == 1);
    CHECK(cost == 300 * MS);
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
    return test_report("test_match");
}
