/*
 * Fuzz target: the capture file readers alone (cap_read.c: pcap and
 * pcapng through libpcap, Network Monitor 1.x/2.x through our reader),
 * without the store: every frame is read to the end or to the first
 * error, and each must be consistent (number increasing, captured length
 * within the data given).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_path[64];

/* Remove the input file at exit. */
static void
fuzz_cleanup(void)
{
    unlink(fuzz_path);
}

/* Read every frame of the input as a capture file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    uint64_t last = 0;
    FILE *out;
    int got = 1;

    if (fuzz_path[0] == '\0') {
        int fd;

        snprintf(fuzz_path, sizeof fuzz_path, "/tmp/rn-fuzz-cap.XXXXXX");
        fd = mkstemp(fuzz_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(fuzz_cleanup);
    }
    out = fopen(fuzz_path, "wb");
    if (out == NULL || (size > 0 && fwrite(data, 1, size, out) != size) ||
        fclose(out) != 0)
        abort();
    if (cap_read_open(fuzz_path, &r, &err) != RN_OK) {
        if (r != NULL || err.msg[0] == '\0')
            abort(); /* a refusal says why */
        return 0;
    }
    while (got && cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        volatile unsigned char sum = 0;
        uint32_t i;

        if (f.number <= last)
            abort();
        last = f.number;
        for (i = 0; i < f.caplen; i++)
            sum ^= f.data[i]; /* every byte claimed must be readable */
        (void)sum;
        if (cap_read_pos(r) > cap_read_size(r) + 65536)
            abort();
    }
    cap_read_close(r);
    return 0;
}
