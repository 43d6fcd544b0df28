/*
 * Importer interface and driver.  Each input format is one descriptor in
 * the table in importer.c (probe + run); the driver walks paths (folders
 * recursively, in name order), detects each file's format from its
 * content, skips content already in the store (by SHA-256), and runs the
 * importer inside a transaction, one SAVEPOINT per file, so a file lands
 * whole or not at all.  Importers never print: they report through
 * struct import_ctx and struct rn_err.
 */
#ifndef IMPORTER_H
#define IMPORTER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ingest.h"
#include "rn_err.h"
#include "store.h"

struct import_ctx;

/* Progress: bytes of the current file done; return nonzero to cancel. */
typedef int import_progress_fn(void *ctx, const char *path, int64_t done,
                               int64_t total);

struct import_ctx {
    struct ingest *in; /* the import session: every write goes through it */
    const char *path;  /* the name users see, in messages and the store */
    /* Where the content is read: path itself, or the spool file of an
     * archive member ("case.zip!W3SVC1/f.xml"); open this, name path. */
    const char *file;
    /* The whole content, when the import read it already (small files),
     * else NULL; import_fopen() reads it from here rather than the file. */
    const unsigned char *content;
    size_t ncontent;
    int64_t source_id;
    int64_t size;            /* bytes */
    const char *sha256;      /* hex digest of the content */
    int64_t tz_off_s;        /* offset of zone-less times (--tz) */
    int64_t clock_offset_ns; /* --clock-offset, or STORE_NONE */
    import_progress_fn *progress;
    void *progress_ctx;
    /* Filled by the importer. */
    int truncated;                /* input ended early; kept what was sound */
    char message[RN_ERR_MSG_MAX]; /* first problem with its position */
    int64_t warnings;
    const char *format_detail; /* e.g. "etw-logparser"; static string */
    char capture[512];         /* captures: JSON object of what the file held */
    char frames_sha256[65];    /* captures: hash of frame times and bytes */
};

/* Open the content for reading: from memory when the import holds it,
 * else ctx->file.  NULL with errno on failure. */
FILE *import_fopen(const struct import_ctx *ctx);

/* Record a problem: the first becomes ctx->message, all become warnings. */
void import_warn(struct import_ctx *ctx, int64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Report progress; RN_ECANCELED when the user asked to stop. */
enum rn_rc import_progress(struct import_ctx *ctx, int64_t done,
                           struct rn_err *err);

struct importer {
    const char *name; /* --format name, e.g. "etw-xml" */
    int kind;         /* enum store_kind */
    /* Confidence 0..100 that the file is ours, from its first bytes. */
    int (*probe)(const unsigned char *head, size_t n, const char *path);
    /* RN_ENOTFOUND: the file holds nothing this importer reads after all
     * (an .etl without packet events), skipped in a folder like a file no
     * importer takes. */
    enum rn_rc (*run)(struct import_ctx *ctx, struct rn_err *err);
};

/* The importer called name, or NULL. */
const struct importer *importer_find(const char *name);
/* Comma-separated list of format names, for --help. */
const char *importer_names(void);

enum import_status {
    IMPORT_DONE,      /* imported whole */
    IMPORT_PARTIAL,   /* imported what was sound; the file is damaged */
    IMPORT_DUPLICATE, /* same content already in the store */
    IMPORT_SKIPPED,   /* not a trace (inside a folder walk) */
    IMPORT_FAILED     /* nothing kept */
};

struct import_report {
    const char *path;
    const char *format;
    enum import_status status;
    int64_t events, requests, warnings;
    const char *message; /* problem with position, or NULL */
};

typedef void import_report_fn(void *ctx, const struct import_report *r);

struct import_options {
    const char *format; /* force a format, or NULL to detect */
    int64_t tz_off_s;
    int64_t clock_offset_ns; /* STORE_NONE unless given */
    import_progress_fn *progress;
    void *progress_ctx;
    import_report_fn *report; /* called once per file */
    void *report_ctx;
    volatile sig_atomic_t *cancel; /* set by a signal handler: stop */
    int batch_files; /* commit after this many files (0: the default) */
};

struct import_summary {
    int64_t files, imported, partial, duplicates, skipped, failed;
    int64_t events;
    int cancelled;
    /* On a store error: files reported imported whose uncommitted batch
     * was rolled back with it. */
    int64_t rolled_back;
};

/*
 * Import files and folders.  Returns RN_OK when the walk completed (even if
 * some files were bad: see the summary), an error when the store failed.
 */
enum rn_rc import_paths(struct store *st, const char *const *paths,
                        size_t npaths, const struct import_options *opt,
                        struct import_summary *sum, struct rn_err *err);

#endif
