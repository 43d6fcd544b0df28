/*
 * Fuzz target: FREB (Failed Request Tracing) XML.  The input is one file,
 * imported as freb into a new store whose read side is then walked.
 */
#include "fuzz_common.h"

/* Import the input; walk the store. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store *st = fuzz_import(data, size, "freb");

    fuzz_read_back(st);
    store_close(st);
    return 0;
}
