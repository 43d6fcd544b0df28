/*
 * Helpers for importer unit tests: write fixture files into a temporary
 * folder, import them into an in-memory store through the real driver,
 * and read results back with SQL as "a|b" lines.
 */
#ifndef TEST_IMPORT_H
#define TEST_IMPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "importer.h"
#include "rn_buf.h"
#include "store.h"
#include "test.h"

static char test_dir[] = "/tmp/rn-test-import.XXXXXX";
static char test_files[32][600];
static int test_nfiles;
static struct rn_buf test_rows;

/* Collect result rows as "a|b\n" lines. */
static enum rn_rc
test_collect(void *ctx, int ncol, const char *const *names,
             const char *const *values)
{
    struct rn_buf *b = ctx;
    int i;

    (void)names;
    for (i = 0; i < ncol; i++) {
        if (i > 0)
            rn_buf_putc(b, '|');
        rn_buf_puts(b, values[i] != NULL ? values[i] : "NULL");
    }
    return rn_buf_putc(b, '\n');
}

/* Run a query; the rows as text, valid until the next call. */
static const char *
q(struct store *st, const char *sql)
{
    struct rn_err err = {RN_OK, ""};

    rn_buf_fini(&test_rows);
    rn_buf_init(&test_rows, 1u << 20);
    rn_buf_puts(&test_rows, "");
    if (store_sql_readonly(st, sql, test_collect, &test_rows, &err) != RN_OK)
        fprintf(stderr, "query failed: %s\n", err.msg);
    if (test_rows.len > 0 && test_rows.data[test_rows.len - 1] == '\n')
        test_rows.data[--test_rows.len] = '\0';
    return rn_buf_str(&test_rows);
}

/* Make the temporary folder; 0 on success. */
static int
test_dir_init(void)
{
    return mkdtemp(test_dir) == NULL ? -1 : 0;
}

/* Remove the files written and the folder. */
static void
test_dir_fini(void)
{
    int i;

    for (i = 0; i < test_nfiles; i++)
        unlink(test_files[i]);
    rmdir(test_dir);
    rn_buf_fini(&test_rows);
}

/* Write len bytes to a file in the temporary folder; its path. */
static const char *
put(const char *name, const char *text, size_t len)
{
    char *path = test_files[test_nfiles < 31 ? test_nfiles++ : 31];
    FILE *f;

    snprintf(path, sizeof test_files[0], "%s/%s", test_dir, name);
    f = fopen(path, "wb");
    if (f == NULL)
        return path;
    fwrite(text, 1, len, f);
    fclose(f);
    return path;
}

/* Import one path into st with the real driver; the summary. */
static struct import_summary
import(struct store *st, const char *path)
{
    struct import_options opt;
    struct import_summary sum;
    struct rn_err err = {RN_OK, ""};
    const char *paths[1];

    paths[0] = path;
    memset(&opt, 0, sizeof opt);
    opt.clock_offset_ns = STORE_NONE;
    CHECK(import_paths(st, paths, 1, &opt, &sum, &err) == RN_OK);
    return sum;
}

#endif
