/*
 * Fuzz target: the interface over hostile stores.  The input is a file
 * of any format (detected from its content), then optionally a NUL and a
 * key script (keys.h syntax: characters, \e, <Down>, <resize:COLSxROWS>,
 * ...).  The file is imported and the interface runs headless at 80x24
 * with the script (default: open the first request, its detail, back).
 * Headless screens go to stdout, which the harness sends to /dev/null.
 */
#include <fcntl.h>

#include "fuzz_common.h"
#include "keys.h"
#include "ui.h"

/* Headless screens are printed: send them to /dev/null. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int fd = open("/dev/null", O_WRONLY);

    (void)argc;
    (void)argv;
    if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
    return 0;
}

/* Import the file part; run the interface on the key part. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t flen = nul != NULL ? (size_t)(nul - data) : size;
    char *keys = NULL;
    struct ui_options opt;
    struct rn_err err = {RN_OK, ""};
    struct store *st;

    if (nul != NULL) {
        size_t klen = size - flen - 1;

        if (klen > 256)
            klen = 256; /* each key redraws: keep runs short */
        keys = malloc(klen + 1);
        if (keys == NULL)
            abort();
        memcpy(keys, nul + 1, klen);
        keys[klen] = '\0';
    }
    st = fuzz_import(data, flen, NULL);
    ui_options_init(&opt);
    opt.store_name = "fuzz.db";
    opt.headless = 1;
    opt.rows = 24;
    opt.cols = 80;
    opt.keys = keys != NULL ? keys : "<Enter><Enter><Esc>/x\r<Tab>q";
    /* Half the inputs send every list query through the sliced scans. */
    opt.scan_only = flen % 2;
    (void)ui_run(st, &opt, &err); /* a bad key script is an error: fine */
    store_close(st);
    free(keys);
    return 0;
}
