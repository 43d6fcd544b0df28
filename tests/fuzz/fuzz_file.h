/*
 * The importers read files, so each fuzz input is written to one file,
 * made once per process in $TMPDIR (default /tmp) and removed at exit.
 * Point TMPDIR at a tmpfs (/dev/shm) for speed: on a disk, a file
 * rewritten for every input makes the fuzzer wait on the journal.
 */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char fuzz_path[512];

/* Remove the input file at exit. */
static inline void
fuzz_cleanup(void)
{
    if (fuzz_path[0] != '\0')
        unlink(fuzz_path);
}

/* Write the input to the process's file; its path.  Aborts on failure. */
static inline const char *
fuzz_file_write(const uint8_t *data, size_t size)
{
    FILE *f;

    if (fuzz_path[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        int fd;

        if (dir == NULL || dir[0] == '\0')
            dir = "/tmp";
        if ((size_t)snprintf(fuzz_path, sizeof fuzz_path, "%s/rn-fuzz.XXXXXX",
                             dir) >= sizeof fuzz_path)
            abort();
        fd = mkstemp(fuzz_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(fuzz_cleanup);
    }
    f = fopen(fuzz_path, "wb");
    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size) ||
        fclose(f) != 0)
        abort();
    return fuzz_path;
}

#endif
