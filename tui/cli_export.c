/*
 * `reqnav export`: the command-line face of model/report/export.h.
 *
 *   reqnav export (--filter EXPR | --id ID... | --marked [--filter EXPR])
 *                 --format md|html|json|csv [-o FILE] [--force]
 *                 [--no-redact]
 *
 * Without -o (or with -o -) the report goes to stdout, for scripts.  With
 * -o an existing file is kept unless --force; the report is written to a
 * temporary file and moved into place when complete.  IDs are numeric ids
 * or request keys (GUIDs); --id takes one, may be repeated, takes comma
 * lists, and makes the remaining arguments ids too.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "query.h"
#include "xmalloc.h"

struct cli_ids {
    char **v; /* pieces of the (comma-split, in place) arguments */
    size_t n, cap;
};

static volatile sig_atomic_t cli_export_interrupted;

/* SIGINT while writing a file: stop, so the temporary file is removed. */
static void
cli_export_on_sigint(int sig)
{
    (void)sig;
    cli_export_interrupted = 1;
}

/* Add the comma-separated ids of arg to the list. */
static void
cli_ids_add(struct cli_ids *ids, char *arg)
{
    char *p = arg, *comma;

    for (;;) {
        comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p != '\0') {
            if (ids->n == ids->cap) {
                ids->cap = ids->cap == 0 ? 16 : ids->cap * 2;
                ids->v = xrealloc(ids->v, ids->cap, sizeof *ids->v);
            }
            ids->v[ids->n++] = p;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
}

/* Resolve one id or key; prints the error. */
static int
cli_export_resolve(struct store *st, const char *arg, int64_t *id)
{
    struct rn_err err = {RN_OK, ""};
    struct rq_row row;
    char *end;
    long long v;

    errno = 0;
    v = strtoll(arg, &end, 10);
    if (errno == 0 && *end == '\0' && end != arg) {
        *id = v;
        return 0;
    }
    if (query_request_by_key(st, arg, &row, &err) != RN_OK) {
        cli_error("export: %s", err.msg);
        return -1;
    }
    *id = row.id;
    rq_row_fini(&row);
    return 0;
}

/* Guess the format from -o's extension. */
static int
cli_export_format_of(const char *path, enum export_format *fmt)
{
    const char *dot = path != NULL ? strrchr(path, '.') : NULL;

    if (dot == NULL)
        return -1;
    if (strcmp(dot, ".htm") == 0) {
        *fmt = EXPORT_HTML;
        return 0;
    }
    return export_format_parse(dot + 1, fmt, NULL) == RN_OK ? 0 : -1;
}

int
cli_export(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"filter", required_argument, NULL, 'f'},
        {"id", required_argument, NULL, 'i'},
        {"marked", no_argument, NULL, 'm'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'x'},
        {"no-redact", no_argument, NULL, 'R'},
        {NULL, 0, NULL, 0}};
    struct export_options opt;
    struct export_result res = {0, 0};
    struct rn_err err = {RN_OK, ""};
    struct cli_ids ids = {NULL, 0, 0};
    struct store *st = NULL;
    int64_t *idv = NULL;
    const char *path = NULL;
    int c, force = 0, have_format = 0, have_filter = 0, status = CLI_EXIT_OK;
    size_t i;
    enum rn_rc rc;

    memset(&opt, 0, sizeof opt);
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            opt.filter = optarg;
            have_filter = 1;
            break;
        case 'i':
            cli_ids_add(&ids, optarg);
            break;
        case 'm':
            opt.marked = 1;
            break;
        case 'F':
            if (export_format_parse(optarg, &opt.format, &err) != RN_OK) {
                cli_error("%s", err.msg);
                free(ids.v);
                return CLI_EXIT_USAGE;
            }
            have_format = 1;
            break;
        case 'o':
            path = optarg;
            break;
        case 'x':
            force = 1;
            break;
        case 'R':
            opt.no_redact = 1;
            break;
        default:
            free(ids.v);
            return CLI_EXIT_USAGE;
        }
    }
    if (ids.n > 0) {
        for (; optind < argc; optind++)
            cli_ids_add(&ids, argv[optind]);
    }
    if (optind < argc) {
        cli_error("export: unexpected argument '%s' (ids go after --id)",
                  argv[optind]);
        status = CLI_EXIT_USAGE;
    } else if (ids.n > 0 && (have_filter || opt.marked)) {
        cli_error("export: --id cannot be combined with --filter or "
                  "--marked");
        status = CLI_EXIT_USAGE;
    } else if (ids.n == 0 && !have_filter && !opt.marked) {
        cli_error("export: choose the requests with --filter EXPR, --id ID "
                  "or --marked (--filter '' exports every request)");
        status = CLI_EXIT_USAGE;
    } else if (!have_format && (path == NULL || strcmp(path, "-") == 0 ||
                                cli_export_format_of(path, &opt.format) != 0)) {
        cli_error("export: give --format md, html, json or csv");
        status = CLI_EXIT_USAGE;
    }
    if (status != CLI_EXIT_OK) {
        free(ids.v);
        return status;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL) {
        free(ids.v);
        return CLI_EXIT_INPUT;
    }
    if (ids.n > 0) {
        idv = xcalloc(ids.n, sizeof *idv);
        for (i = 0; i < ids.n && status == CLI_EXIT_OK; i++) {
            if (cli_export_resolve(st, ids.v[i], &idv[i]) != 0)
                status = CLI_EXIT_INPUT;
        }
        opt.ids = idv;
        opt.nids = ids.n;
    }
    if (status == CLI_EXIT_OK) {
        if (path == NULL || strcmp(path, "-") == 0) {
            rc = export_run(st, &opt, stdout, &res, &err);
        } else {
            struct sigaction sa, old;

            memset(&sa, 0, sizeof sa);
            sa.sa_handler = cli_export_on_sigint;
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, &old);
            cli_export_interrupted = 0;
            opt.cancel = &cli_export_interrupted;
            rc = export_to_file(st, &opt, path, force, &res, &err);
            sigaction(SIGINT, &old, NULL);
        }
        if (rc == RN_ECANCELED) {
            cli_error("%s; %s not written", err.msg, path);
            status = 130;
        } else if (rc != RN_OK) {
            cli_error("%s%s", err.msg,
                      rc == RN_EIO && strstr(err.msg, "file exists") != NULL
                          ? " (use --force to overwrite)"
                          : "");
            status =
                rc == RN_EINVAL && ids.n == 0 ? CLI_EXIT_USAGE : CLI_EXIT_INPUT;
        } else if (res.requests == 0) {
            cli_error("export: no request matched; the report is empty");
        } else if (path != NULL && strcmp(path, "-") != 0 && !g->quiet) {
            printf("wrote %" PRId64 " request%s (%" PRId64 " events) to %s\n",
                   res.requests, res.requests == 1 ? "" : "s", res.events,
                   path);
        }
    }
    free(idv);
    free(ids.v);
    store_close(st);
    return status;
}

enum rn_rc
cli_export_hook(struct store *st, const int64_t *ids, size_t n,
                const char *format, const char *path, struct rn_err *err)
{
    struct export_options opt;
    enum rn_rc rc;

    memset(&opt, 0, sizeof opt);
    rc = export_format_parse(format, &opt.format, err);
    if (rc != RN_OK)
        return rc;
    if (ids != NULL) {
        opt.ids = ids;
        opt.nids = n;
    } else {
        opt.marked = 1;
    }
    /* The interface has already asked before replacing a file. */
    return export_to_file(st, &opt, path, 1, NULL, err);
}
