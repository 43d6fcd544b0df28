/*
 * Fuzz target: captures: pcap, pcapng and Network Monitor files through the
 * capture importer (frame reader, packet decoder, TCP reassembly, HTTP parser,
 * correlation).  The input is one file, imported as pcap into a new store whose
 * read side is then walked.
 */
#include "fuzz_common.h"

/* Import the input; walk the store. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store *st = fuzz_import(data, size, "pcap");

    fuzz_read_back(st);
    store_close(st);
    return 0;
}
