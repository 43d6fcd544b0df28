/*
 * Fuzz target: the capture file readers alone (cap_read.c: pcap through
 * libpcap, pcapng and Network Monitor 1.x/2.x through our readers),
 * without the store: every frame is read to the end or to the first
 * error, and each must be consistent (number increasing, captured length
 * within the data given and no more than the length on the wire, also
 * once an FCS is taken off).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cap_read.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read every frame of the input as a capture file. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cap_reader *r = NULL;
    struct rn_err err = {RN_OK, ""};
    struct cap_frame f;
    uint64_t last = 0;
    int got = 1;

    if (cap_read_open(fuzz_file_write(data, size), &r, &err) != RN_OK) {
        if (r != NULL || err.msg[0] == '\0')
            abort(); /* a refusal says why */
        return 0;
    }
    while (got && cap_read_next(r, &f, &got, &err) == RN_OK && got) {
        volatile unsigned char sum = 0;
        uint32_t i;

        if (f.number <= last || f.caplen > f.origlen)
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
