/*
 * The harness itself: test_report() must fail a run in which no check
 * ran (a main() that forgot its cases would otherwise pass), and must
 * still pass a run with passing checks and fail one with a failed check.
 * Counters are set by hand between the calls; the verdicts are collected
 * first and judged at the end, since CHECK itself moves the counters.
 */
#include "test.h"

int
main(void)
{
    int none, passing, failing;

    test_passed = test_failed = 0;
    none = test_report("harness: zero checks");
    test_passed = 3;
    test_failed = 0;
    passing = test_report("harness: three passed");
    test_passed = 3;
    test_failed = 1;
    failing = test_report("harness: one failed");
    test_passed = test_failed = 0;
    CHECK(none != 0);
    CHECK(passing == 0);
    CHECK(failing != 0);
    return test_report("test_harness");
}
