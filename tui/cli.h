/*
 * The non-interactive subcommands: import, requests, timeline, sources,
 * sql.  Each returns the process exit status (0 ok, 1 bad input, 2 usage).
 */
#ifndef CLI_H
#define CLI_H

#include "importer.h"
#include "store.h"

#define CLI_EXIT_OK    0
#define CLI_EXIT_INPUT 1
#define CLI_EXIT_USAGE 2

struct cli_global {
    const char *store_path; /* --store, REQNAV_STORE or ./reqnav.db */
    int quiet;
};

int cli_import(const struct cli_global *g, int argc, char **argv);
int cli_requests(const struct cli_global *g, int argc, char **argv);
int cli_timeline(const struct cli_global *g, int argc, char **argv);
int cli_sources(const struct cli_global *g, int argc, char **argv);
int cli_causes(const struct cli_global *g, int argc, char **argv);
int cli_sql(const struct cli_global *g, int argc, char **argv);
/* tui/cli_export.c */
int cli_export(const struct cli_global *g, int argc, char **argv);

/*
 * The interface's export hook (state_export_fn): the requests ids[0..n),
 * or the marked ones when ids is NULL, as a report in format ("md",
 * "html", "json", "csv") at path, replacing it (the interface asks
 * first).  Redaction on.
 */
enum rn_rc cli_export_hook(struct store *st, const int64_t *ids, size_t n,
                           const char *format, const char *path,
                           struct rn_err *err);

/*
 * Import paths into the store at g->store_path (created if need be) with
 * a progress line on stderr when it is a terminal and a summary line per
 * file on stdout (unless quiet).  An import that finds nothing importable
 * is bad input, and a store it created is removed again.  Returns the exit
 * status.  Used by `import` and by the TUI start-up.
 */
int cli_import_into(const struct cli_global *g,
                    const struct import_options *base, char *const *paths,
                    int npaths, int quiet);

/* The same into an open store; *found: whether anything importable (new
 * or already in the store) was met, or the walk did not complete
 * (interrupted, store error). */
int cli_import_paths(struct store *st, const struct import_options *base,
                     char *const *paths, int npaths, int quiet, int *found);

/* Open the store for reading; prints the error.  NULL on failure. */
struct store *cli_open_store(const char *path, int must_exist);

/* Print "reqnav: msg" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
