/*
 * Test helper: print every frame cap_read returns for a capture file, one
 * line each: "number<TAB>caplen<TAB>origlen<TAB>time<TAB>linktype<TAB>fcs",
 * the time as seconds.nanoseconds since 1970 (empty when the file stores
 * none), the lengths without the FCS and fcs the bytes of it taken off,
 * so tests can compare the readers with tshark's frame fields.  A
 * read error is printed to stderr after the frames, and the exit status
 * is then 1.
 *
 *   cap_dump FILE
 */
#include <inttypes.h>
#include <stdio.h>

#include "cap_read.h"

int
main(int argc, char **argv)
{
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    int got = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: cap_dump FILE\n");
        return 2;
    }
    if (cap_read_open(argv[1], &r, &err) != RN_OK) {
        fprintf(stderr, "cap_dump: %s\n", err.msg);
        return 1;
    }
    while (cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        printf("%" PRIu64 "\t%" PRIu32 "\t%" PRIu32 "\t", f.number, f.caplen,
               f.origlen);
        if (f.ts_ns != CAP_TS_NONE) {
            int64_t s = f.ts_ns / 1000000000, ns = f.ts_ns % 1000000000;

            if (ns < 0) {
                s--;
                ns += 1000000000;
            }
            printf("%" PRId64 ".%09" PRId64, s, ns);
        }
        printf("\t%d\t%" PRIu32 "\n", f.raw_link, f.fcs);
    }
    cap_read_close(r);
    if (err.rc != RN_OK) {
        fprintf(stderr, "cap_dump: %s\n", err.msg);
        return 1;
    }
    return 0;
}
