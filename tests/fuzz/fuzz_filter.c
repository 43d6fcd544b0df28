/*
 * Fuzz target: the filter language (model/query/filter.c).  A filter that
 * parses must give SQL that SQLite accepts with its parameters: it is
 * run against an empty store, and its canonical text must parse again
 * to the same canonical text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter.h"
#include "query.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *fuzz_st;

/* Parse, run and re-parse one filter. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rn_err err = {RN_OK, ""};
    struct filter *f = NULL, *again = NULL;
    char *expr;
    int64_t count;

    if (fuzz_st == NULL && store_open(":memory:", 0, &fuzz_st, &err) != RN_OK)
        abort();
    expr = malloc(size + 1);
    if (expr == NULL)
        abort();
    memcpy(expr, data, size);
    expr[size] = '\0';
    if (filter_parse(expr, &f, &err) != RN_OK) {
        if (f != NULL || err.msg[0] == '\0')
            abort(); /* a failure names the bad term */
        free(expr);
        return 0;
    }
    if (query_requests_count(fuzz_st, f, &count, &err) != RN_OK) {
        fprintf(stderr, "filter '%s' gave bad SQL '%s': %s\n", expr,
                filter_sql(f), err.msg);
        abort();
    }
    if (filter_parse(filter_text(f), &again, &err) != RN_OK ||
        strcmp(filter_text(again), filter_text(f)) != 0) {
        fprintf(stderr, "canonical text '%s' does not round-trip: %s\n",
                filter_text(f), err.msg);
        abort();
    }
    filter_free(again);
    filter_free(f);
    free(expr);
    return 0;
}
