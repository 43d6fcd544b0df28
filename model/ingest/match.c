/* The matching core (match.h): comparisons and one-to-one assignment. */
#include "match.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_PER_S 1000000000LL
/* IIS stamps its end a little before the last byte leaves, and clocks
 * of one machine still differ by a tick. */
#define MATCH_END_SLACK_NS (50 * 1000000LL)
/* time-taken runs from the first byte in to the last send completed; IIS
 * sees a little less.  It may run longer, by the wait for the client's
 * last ACK (KB 944884): allow up to this much more. */
#define MATCH_ACK_WAIT_NS (2 * NS_PER_S)
/* What a differing byte count costs: more than any distance in time a
 * candidate may have, so that an exact count decides between candidates
 * the clock cannot tell apart (whole seconds), and time decides among
 * the rest. */
#define MATCH_BYTES_NS (8 * NS_PER_S)

/* Two optional strings agree unless both are known and differ. */
static int
match_str_ok(const char *a, const char *b)
{
    return a == NULL || b == NULL || strcasecmp(a, b) == 0;
}

static int
match_num_ok(int64_t a, int64_t b)
{
    return a == MATCH_NONE || b == MATCH_NONE || a == b;
}

/* Distance from t to [lo, hi] (0 inside). */
static int64_t
match_outside(int64_t t, int64_t lo, int64_t hi)
{
    return t < lo ? lo - t : t > hi ? t - hi : 0;
}

/* Do the fields both sides know agree? */
static int
match_fields_ok(const struct match_req *l, const struct match_req *i)
{
    if (l->path == NULL || i->path == NULL || strcmp(l->path, i->path) != 0)
        return 0;
    /* A missing query on one side is an empty one on the other. */
    if (strcmp(l->query != NULL ? l->query : "",
               i->query != NULL ? i->query : "") != 0)
        return 0;
    return match_str_ok(l->verb, i->verb) &&
           match_num_ok(l->status, i->status) && match_num_ok(l->sub, i->sub) &&
           match_num_ok(l->cport, i->cport) &&
           match_str_ok(l->client, i->client);
}

int
match_conflicts(const struct match_req *l, const struct match_req *i)
{
    if (l->path != NULL && i->path != NULL) {
        if (strcmp(l->path, i->path) != 0 ||
            strcmp(l->query != NULL ? l->query : "",
                   i->query != NULL ? i->query : "") != 0)
            return 1;
    }
    return !match_str_ok(l->verb, i->verb) ||
           !match_num_ok(l->status, i->status) ||
           !match_num_ok(l->sub, i->sub) || !match_num_ok(l->cport, i->cport) ||
           !match_str_ok(l->client, i->client);
}

int64_t
match_w3c_written(const struct match_req *l, const struct match_req *i)
{
    if (l->taken == MATCH_NONE || i->start == MATCH_NONE || !i->complete ||
        i->end == MATCH_NONE)
        return MATCH_NONE;
    /* time-taken is whole milliseconds, truncated. */
    if (i->end - i->start > l->taken + 1000000)
        return MATCH_NONE;
    return i->start + l->taken;
}

int
match_w3c_cost(const struct match_req *l, const struct match_req *i,
               int64_t *cost, int *client)
{
    int64_t lo, hi, off;

    *cost = 0;
    *client = 0;
    if (l->end == MATCH_NONE || i->start == MATCH_NONE ||
        !match_fields_ok(l, i))
        return 0;
    lo = l->end - MATCH_END_SLACK_NS;
    hi = l->end + NS_PER_S + MATCH_END_SLACK_NS;
    if (i->complete && i->end != MATCH_NONE) {
        int64_t d = i->end - i->start;
        /* When the line was written: at the last send completion, which
         * time-taken counts from the first byte (with the wait for the
         * client's last ACK, so after IIS's end); without time-taken,
         * IIS's end. */
        int64_t w = l->taken != MATCH_NONE ? i->start + l->taken : i->end;

        off = match_outside(w, lo, hi);
        if (off > 0)
            return 0;
        /* Written within the slack but outside the line's second: less
         * likely this line's than a request written inside it. */
        *cost = match_outside(w, l->end, l->end + NS_PER_S);
        if (l->taken != MATCH_NONE) {
            if (d > l->taken + MATCH_END_SLACK_NS ||
                d < l->taken - MATCH_ACK_WAIT_NS)
                return 0;
            /* The closer time-taken is to what IIS saw, the likelier the
             * pair: of two lines of one second for one URL, the one
             * whose time-taken fits.  Order between identical
             * candidates is kept by the ordered assignment, not by
             * blurring this distance. */
            *cost += l->taken >= d ? l->taken - d : d - l->taken;
        }
    } else {
        /* IIS did not see the end: it started before the line's end, and
         * where time-taken says when a line has it. */
        if (i->start > hi)
            return 0;
        if (l->taken != MATCH_NONE) {
            off = match_outside(i->start, lo - l->taken - MATCH_ACK_WAIT_NS,
                                hi - l->taken + MATCH_END_SLACK_NS);
            if (off > 0)
                return 0;
        }
        /* Less sure than a seen end: after every complete candidate. */
        *cost = MATCH_ACK_WAIT_NS;
    }
    *client = l->client != NULL && i->client != NULL;
    return 1;
}

int64_t
match_pcap_cost(int64_t xs, int64_t xe, int64_t is, int64_t ie, int64_t res)
{
    int64_t cost = match_outside(xs, is, is + res);

    if (xe != MATCH_NONE && ie != MATCH_NONE)
        cost += match_outside(xe, ie, ie + res);
    return cost;
}

int64_t
match_bytes_cost(int64_t iis_sent, int64_t wire)
{
    if (iis_sent == MATCH_NONE || wire == MATCH_NONE || iis_sent == wire)
        return 0;
    return MATCH_BYTES_NS;
}

int64_t
match_pcap_total(int64_t time_cost, int64_t bytes_cost, int64_t tol)
{
    if (bytes_cost > 0 && time_cost > tol)
        return MATCH_NONE;
    return time_cost + bytes_cost;
}

int
match_before_capture(int64_t start, int64_t res, int64_t first, int64_t slack)
{
    return start + res + slack < first;
}

static int
match_edge_cmp(const void *x, const void *y)
{
    const struct match_edge *p = x, *q = y;

    if (p->cost != q->cost)
        return p->cost < q->cost ? -1 : 1;
    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/*
 * margin[a] of an assignment to_b over the pairs e with own[a] the cost
 * of a's pair: how much dearer the next pair either side had is.
 */
static void
match_margins(const struct match_edge *e, size_t ne, size_t na, size_t nb,
              const size_t *to_b, const int64_t *own, int64_t *margin)
{
    int64_t *other_a = malloc((na > 0 ? na : 1) * sizeof *other_a);
    int64_t *other_b = malloc((nb > 0 ? nb : 1) * sizeof *other_b);
    size_t k;

    if (other_a == NULL || other_b == NULL)
        goto out; /* margins stay unknown (INT64_MAX) */
    for (k = 0; k < na; k++)
        other_a[k] = INT64_MAX;
    for (k = 0; k < nb; k++)
        other_b[k] = INT64_MAX;
    for (k = 0; k < ne; k++) {
        if (to_b[e[k].a] == e[k].b)
            continue;
        if (e[k].cost < other_a[e[k].a])
            other_a[e[k].a] = e[k].cost;
        if (e[k].cost < other_b[e[k].b])
            other_b[e[k].b] = e[k].cost;
    }
    for (k = 0; k < na; k++) {
        int64_t o;

        if (to_b[k] == nb)
            continue;
        o = other_a[k] < other_b[to_b[k]] ? other_a[k] : other_b[to_b[k]];
        margin[k] = o == INT64_MAX ? INT64_MAX : o - own[k];
    }
out:
    free(other_a);
    free(other_b);
}

void
match_assign(struct match_edge *e, size_t ne, size_t na, size_t nb,
             size_t *to_b, int64_t *margin)
{
    int64_t *own = malloc((na > 0 ? na : 1) * sizeof *own);
    unsigned char *b_used = calloc(nb > 0 ? nb : 1, 1);
    size_t k;

    for (k = 0; k < na; k++) {
        to_b[k] = nb;
        margin[k] = INT64_MAX;
    }
    if (own == NULL || b_used == NULL)
        goto out; /* nothing assigned: every line stays alone */
    qsort(e, ne, sizeof *e, match_edge_cmp);
    for (k = 0; k < ne; k++) {
        if (to_b[e[k].a] != nb || b_used[e[k].b])
            continue;
        to_b[e[k].a] = e[k].b;
        own[e[k].a] = e[k].cost;
        b_used[e[k].b] = 1;
    }
    match_margins(e, ne, na, nb, to_b, own, margin);
out:
    free(own);
    free(b_used);
}

/* A partial solution of the ordered assignment: pairs, then their cost. */
struct match_best {
    size_t n;
    int64_t cost;
};

/* Is x better than y: more pairs, then cheaper (ties: not better). */
static int
match_better(struct match_best x, struct match_best y)
{
    return x.n != y.n ? x.n > y.n : x.cost < y.cost;
}

void
match_assign_ordered(const struct match_edge *e, size_t ne, size_t na,
                     size_t nb, size_t *to_b, int64_t *margin)
{
    size_t w = nb + 1, i, j, k;
    int64_t *cost =
        malloc((na > 0 ? na : 1) * (nb > 0 ? nb : 1) * sizeof *cost);
    struct match_best *f = malloc((na + 1) * w * sizeof *f);
    int64_t *own = malloc((na > 0 ? na : 1) * sizeof *own);

    for (k = 0; k < na; k++) {
        to_b[k] = nb;
        margin[k] = INT64_MAX;
    }
    if (cost == NULL || f == NULL || own == NULL)
        goto out; /* nothing assigned: every item stays alone */
    for (k = 0; k < na * nb; k++)
        cost[k] = INT64_MAX;
    for (k = 0; k < ne; k++) {
        if (e[k].a < na && e[k].b < nb &&
            e[k].cost < cost[e[k].a * nb + e[k].b])
            cost[e[k].a * nb + e[k].b] = e[k].cost;
    }
    /* f[i][j]: the best of items i.. and j.. (suffixes), so that the walk
     * below can take the earliest pair first. */
    for (i = na + 1; i-- > 0;) {
        for (j = nb + 1; j-- > 0;) {
            struct match_best b = {0, 0}, t;

            if (i < na && j < nb) {
                b = f[(i + 1) * w + j];
                if (match_better(f[i * w + j + 1], b))
                    b = f[i * w + j + 1];
                if (cost[i * nb + j] != INT64_MAX) {
                    t = f[(i + 1) * w + j + 1];
                    t.n++;
                    t.cost += cost[i * nb + j];
                    /* A pair as good as skipping is taken: identical
                     * candidates pair in time order. */
                    if (!match_better(b, t))
                        b = t;
                }
            }
            f[i * w + j] = b;
        }
    }
    for (i = 0, j = 0; i < na && j < nb;) {
        struct match_best t = f[(i + 1) * w + j + 1];

        t.n++;
        if (cost[i * nb + j] != INT64_MAX &&
            (t.cost += cost[i * nb + j], !match_better(f[i * w + j], t))) {
            to_b[i] = j;
            own[i] = cost[i * nb + j];
            i++;
            j++;
        } else if (!match_better(f[i * w + j], f[(i + 1) * w + j])) {
            i++;
        } else {
            j++;
        }
    }
    match_margins(e, ne, na, nb, to_b, own, margin);
out:
    free(cost);
    free(f);
    free(own);
}
