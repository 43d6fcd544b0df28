/*
 * Replays inputs through a fuzz target without libFuzzer, so the
 * regression inputs under tests/fuzz/regress/ and the seeds run in the
 * ordinary (gcc, ASan) test build.  Arguments: files or folders.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Run one file; 0 on success. */
static int
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (f == NULL) {
        perror(path);
        return 1;
    }
    for (;;) {
        if (cap - len < 65536) {
            cap = cap * 2 + 65536;
            buf = realloc(buf, cap);
            if (buf == NULL)
                abort();
        }
        n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    fprintf(stderr, "replay %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

/* Folder entries in byte order. */
static int
replay_name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Replay every file and every file of every folder given. */
int
main(int argc, char **argv)
{
    int i, fails = 0, runs = 0;

    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (i = 1; i < argc; i++) {
        struct stat sb;
        struct dirent **names;
        int n, k;

        if (stat(argv[i], &sb) != 0) {
            continue; /* an absent folder: nothing to replay */
        }
        if (!S_ISDIR(sb.st_mode)) {
            fails += replay_file(argv[i]);
            runs++;
            continue;
        }
        n = scandir(argv[i], &names, NULL, replay_name_cmp);
        for (k = 0; k < n; k++) {
            if (names[k]->d_name[0] != '.') {
                size_t len = strlen(argv[i]) + strlen(names[k]->d_name) + 2;
                char *p = malloc(len);

                if (p == NULL)
                    abort();
                snprintf(p, len, "%s/%s", argv[i], names[k]->d_name);
                fails += replay_file(p);
                runs++;
                free(p);
            }
            free(names[k]);
        }
        if (n >= 0)
            free(names);
    }
    printf("replayed %d inputs, %d unreadable\n", runs, fails);
    return fails != 0;
}
