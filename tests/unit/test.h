/*
 * A tiny test harness in the spirit of redis's testhelp.h: CHECK records
 * a failure with its place and goes on; test_report prints the totals in the
 * "N passed, N failed" form and sets the exit status (failure when any
 * check failed or none ran).
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            test_passed++;                                                     \
        } else {                                                               \
            test_failed++;                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
        }                                                                      \
    } while (0)

#define CHECK_STR(a, b)                                                        \
    do {                                                                       \
        const char *a_ = (a), *b_ = (b);                                       \
        if (a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0) {                 \
            test_passed++;                                                     \
        } else {                                                               \
            test_failed++;                                                     \
            fprintf(stderr, "%s:%d: \"%s\" != \"%s\"\n", __FILE__, __LINE__,   \
                    a_ ? a_ : "(null)", b_ ? b_ : "(null)");                   \
        }                                                                      \
    } while (0)

/* A test that ran no check proves nothing: it fails, so a main() that
 * forgot to call its cases (or an early return) cannot pass silently. */
static inline int
test_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
    if (test_passed + test_failed == 0) {
        fprintf(stderr, "%s: no check ran\n", name);
        return 1;
    }
    return test_failed == 0 ? 0 : 1;
}

#endif
