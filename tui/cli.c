/*
 * Subcommands of the command line.  Output that carries trace text goes
 * through the sanitiser (tables) or the JSON/CSV escapers; nothing from a
 * trace reaches the terminal raw.
 */
#include "cli.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "filter.h"
#include "query.h"
#include "render.h"
#include "rn_buf.h"
#include "rn_cause.h"
#include "rn_json.h"
#include "rn_time.h"
#include "sanitize.h"
#include "xmalloc.h"

#define CLI_PAGE 512

void
cli_error(const char *fmt, ...)
{
    va_list ap;

    fputs("reqnav: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

struct store *
cli_open_store(const char *path, int must_exist)
{
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct stat sb;

    if (must_exist && stat(path, &sb) != 0) {
        cli_error("%s: no store here (run 'reqnav import' first, or give "
                  "--store)",
                  path);
        return NULL;
    }
    if (store_open(path, 0, &st, &err) == RN_OK)
        return st;
    /* A store on read-only media (or not ours to write) can still be
     * read: the read commands fall back to a read-only open. */
    if (must_exist && (errno == EROFS || errno == EACCES || errno == EPERM)) {
        struct rn_err rerr = {RN_OK, ""};

        if (store_open(path, STORE_OPEN_READONLY | STORE_OPEN_IMMUTABLE, &st,
                       &rerr) == RN_OK)
            return st;
        /* Why it cannot be read either (an older store, say). */
        if (rerr.rc == RN_EINVAL) {
            cli_error("%s", rerr.msg);
            return NULL;
        }
    }
    cli_error("%s", err.msg);
    return NULL;
}

/* A sanitised one-line copy of s, cut to width bytes (0 = no cut). */
static char *
cli_safe(const char *s, size_t width)
{
    struct rn_buf b;

    rn_buf_init(&b, 64u * 1024 * 1024);
    if (s != NULL)
        sanitize_append(&b, s, strlen(s), SANITIZE_ONELINE);
    if (width > 0 && b.len > width && width > 3) {
        /* Cut on a character boundary. */
        size_t cut = width - 3;

        while (cut > 0 && ((unsigned char)b.data[cut] & 0xC0) == 0x80)
            cut--;
        b.len = cut;
        b.data[cut] = '\0';
        rn_buf_puts(&b, "...");
    }
    return rn_buf_take(&b);
}

/* Write a sanitised one-line string, cut to width bytes (0 = no cut). */
static void
cli_put_safe(FILE *f, const char *s, size_t width)
{
    char *safe = cli_safe(s, width);

    fputs(safe, f);
    free(safe);
}

/* ---- import ---------------------------------------------------------- */

static volatile sig_atomic_t cli_interrupted;

static void
cli_on_sigint(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

struct cli_progress {
    int tty;
    int64_t last_ns;
    int shown;
};

/* The progress line: at most ten redraws a second, terminals only. */
static int
cli_on_progress(void *ctx, const char *path, int64_t done, int64_t total)
{
    struct cli_progress *p = ctx;
    int64_t now = rn_time_mono_ns();

    if (!p->tty || now - p->last_ns < 100000000LL)
        return 0;
    p->last_ns = now;
    p->shown = 1;
    fputs("\r\033[Kimporting ", stderr);
    cli_put_safe(stderr, path, 50);
    if (total > 0)
        fprintf(stderr, " %3d%% (%.1f of %.1f MB)", (int)(100 * done / total),
                done / 1e6, total / 1e6);
    fflush(stderr);
    return 0;
}

struct cli_report_ctx {
    struct cli_progress *progress;
    int quiet;
};

static void
cli_on_report(void *vctx, const struct import_report *r)
{
    struct cli_report_ctx *c = vctx;
    static const char *const what[] = {"imported", "partial", "duplicate",
                                       "skipped", "failed"};
    FILE *out = r->status == IMPORT_FAILED || r->status == IMPORT_PARTIAL
                    ? stderr
                    : stdout;

    if (c->progress->shown) {
        fputs("\r\033[K", stderr);
        c->progress->shown = 0;
    }
    if (c->quiet && out == stdout)
        return;
    if (r->status == IMPORT_SKIPPED && r->message == NULL && c->quiet)
        return;
    fprintf(out, "%-9s ", what[r->status]);
    cli_put_safe(out, r->path, 0);
    if (r->format != NULL)
        fprintf(out, " [%s]", r->format);
    if (r->status == IMPORT_DONE || r->status == IMPORT_PARTIAL)
        fprintf(out, ": %" PRId64 " events, %" PRId64 " requests", r->events,
                r->requests);
    if (r->warnings > 0)
        fprintf(out, ", %" PRId64 " warnings", r->warnings);
    if (r->message != NULL) {
        fputs(": ", out);
        cli_put_safe(out, r->message, 0);
    }
    fputc('\n', out);
    /* A line per file as it is done, also into a pipe or a log file (not
     * in 4 KB bursts): what the line says is what a watcher can act on. */
    (void)fflush(out);
}

/* REQNAV_COMMIT_FILES: commit the import every N files (1..100000) rather
 * than the default; the crash tests use it.  0 when unset or bad. */
static int
cli_commit_files(void)
{
    const char *v = getenv("REQNAV_COMMIT_FILES");
    char *end;
    long n;

    if (v == NULL || *v == '\0')
        return 0;
    errno = 0;
    n = strtol(v, &end, 10);
    return errno == 0 && *end == '\0' && n >= 1 && n <= 100000 ? (int)n : 0;
}

/* How a capture's times relate to the server's clock, in words. */
static void
cli_clock_offset_text(const struct src_row *s, char *out, size_t n)
{
    char v[48];

    if (s->clock_offset_ns == STORE_NONE) {
        snprintf(out, n,
                 "clock offset capture->server: unknown (no unambiguous "
                 "match with an IIS request); times as captured");
        return;
    }
    if (s->clock_offset_ns % 1000000 == 0)
        snprintf(v, sizeof v, "%+" PRId64 " ms", s->clock_offset_ns / 1000000);
    else
        snprintf(v, sizeof v, "%+.3f ms", (double)s->clock_offset_ns / 1e6);
    if (s->clock_offset_given)
        snprintf(out, n, "clock offset capture->server: %s (--clock-offset)",
                 v);
    else
        snprintf(out, n,
                 "clock offset capture->server: %s from %" PRId64 " match%s", v,
                 s->clock_offset_matches,
                 s->clock_offset_matches == 1 ? "" : "es");
}

/* Sources of the store, or none when it cannot say. */
static void
cli_sources_snapshot(struct store *st, struct src_row **rows, size_t *n)
{
    struct rn_err err = {RN_OK, ""};

    if (query_sources(st, rows, n, &err) != RN_OK) {
        *rows = NULL;
        *n = 0;
        return;
    }
    /* Without the counts the import only leaves out its link lines. */
    (void)query_source_links(st, *rows, *n, &err);
}

/* "L of R requests linked to another source, A alone" into out, and for
 * a matched source why: " (N no candidate, C conflict)". */
static void
cli_links_text(const struct src_row *s, char *out, size_t n)
{
    int w = snprintf(out, n,
                     "%" PRId64 " of %" PRId64 " request%s linked to another "
                     "source, %" PRId64 " alone",
                     s->linked, s->requests, s->requests == 1 ? "" : "s",
                     s->requests - s->linked);

    if (w > 0 && (size_t)w < n && s->alone_conflict >= 0 &&
        s->requests > s->linked)
        snprintf(out + w, n - (size_t)w,
                 " (%" PRId64 " no candidate, %" PRId64 " conflict)",
                 s->alone_no_candidate, s->alone_conflict);
}

/* Does the store hold sources of more than one kind (anything to link)? */
static int
cli_kinds_mixed(const struct src_row *rows, size_t n)
{
    size_t i;

    for (i = 1; i < n; i++) {
        if (rows[i].kind != rows[0].kind)
            return 1;
    }
    return 0;
}

/*
 * After an import: one line per source whose links are new or changed (a
 * later source can link an earlier one's requests), when there is more
 * than one kind of source to link.
 */
static void
cli_report_links(const struct src_row *before, size_t nb,
                 const struct src_row *after, size_t na)
{
    char text[160];
    size_t i, j;

    if (!cli_kinds_mixed(after, na))
        return;
    for (i = 0; i < na; i++) {
        const struct src_row *a = &after[i];
        const struct src_row *b = NULL;

        for (j = 0; j < nb && b == NULL; j++)
            b = before[j].id == a->id ? &before[j] : NULL;
        if (a->linked < 0 || a->requests == 0 ||
            (b != NULL && b->linked == a->linked &&
             b->alone_conflict == a->alone_conflict))
            continue;
        cli_links_text(a, text, sizeof text);
        fputs("info      ", stdout);
        cli_put_safe(stdout, a->path, 0);
        printf(": %s\n", text);
    }
}

/*
 * After an import: one line per capture whose clock offset is new or
 * changed (a later IIS source can move an earlier capture's estimate).
 */
static void
cli_report_offsets(const struct src_row *before, size_t nb,
                   const struct src_row *after, size_t na)
{
    char text[256];
    size_t i, j;

    for (i = 0; i < na; i++) {
        const struct src_row *a = &after[i];
        const struct src_row *b = NULL;

        if (a->kind != STORE_KIND_PCAP)
            continue;
        for (j = 0; j < nb && b == NULL; j++)
            b = before[j].id == a->id ? &before[j] : NULL;
        if (b != NULL && b->clock_offset_ns == a->clock_offset_ns &&
            b->clock_offset_given == a->clock_offset_given &&
            b->clock_offset_matches == a->clock_offset_matches)
            continue;
        cli_clock_offset_text(a, text, sizeof text);
        fputs("info      ", stdout);
        cli_put_safe(stdout, a->path, 0);
        printf(": %s\n", text);
    }
}

int
cli_import_paths(struct store *st, const struct import_options *base,
                 char *const *paths, int npaths, int quiet, int *found)
{
    struct src_row *before = NULL, *after = NULL;
    size_t nbefore = 0, nafter = 0;
    struct import_options opt = *base;
    struct import_summary sum;
    struct cli_progress progress = {isatty(STDERR_FILENO), 0, 0};
    struct cli_report_ctx rctx = {&progress, quiet};
    struct rn_err err = {RN_OK, ""};
    struct sigaction sa, old;
    enum rn_rc rc;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = cli_on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    cli_interrupted = 0;
    opt.progress = cli_on_progress;
    opt.progress_ctx = &progress;
    opt.report = cli_on_report;
    opt.report_ctx = &rctx;
    opt.cancel = &cli_interrupted;
    opt.batch_files = cli_commit_files();
    if (!quiet)
        cli_sources_snapshot(st, &before, &nbefore);
    rc = import_paths(st, (const char *const *)paths, (size_t)npaths, &opt,
                      &sum, &err);
    /* Back to the caller's handler first, then look at the flag: a SIGINT
     * that came before is seen here, one after it takes the usual course,
     * none falls in between unnoticed. */
    sigaction(SIGINT, &old, NULL);
    if (rc == RN_OK && cli_interrupted)
        sum.cancelled = 1;
    if (progress.shown)
        fputs("\r\033[K", stderr);
    if (!quiet && rc == RN_OK) {
        cli_sources_snapshot(st, &after, &nafter);
        cli_report_offsets(before, nbefore, after, nafter);
        cli_report_links(before, nbefore, after, nafter);
    }
    src_rows_free(before, nbefore);
    src_rows_free(after, nafter);
    /* Only a walk that completed can have found nothing: an interrupted
     * or failed import is reported as such, its store kept. */
    *found = rc != RN_OK || sum.cancelled ||
             sum.imported + sum.partial + sum.duplicates > 0;
    if (rc != RN_OK) {
        if (sum.rolled_back > 0)
            cli_error("%s; the last %" PRId64 " files reported imported "
                      "were rolled back, the store is as before them",
                      err.msg, sum.rolled_back);
        else
            cli_error("%s", err.msg);
        return CLI_EXIT_INPUT;
    }
    if (sum.cancelled) {
        cli_error("import interrupted: %" PRId64 " files kept, the rest not "
                  "imported",
                  sum.imported + sum.partial);
        return 130;
    }
    if (!quiet && sum.files > 1)
        printf("%" PRId64 " files: %" PRId64 " imported, %" PRId64
               " partial, %" PRId64 " already in the store, %" PRId64
               " skipped, %" PRId64 " failed\n",
               sum.files, sum.imported, sum.partial, sum.duplicates,
               sum.skipped, sum.failed);
    if (!*found) {
        cli_error("nothing importable found (%" PRId64 " skipped, %" PRId64
                  " failed)",
                  sum.skipped, sum.failed);
        return CLI_EXIT_INPUT;
    }
    return sum.failed > 0 || sum.partial > 0 ? CLI_EXIT_INPUT : CLI_EXIT_OK;
}

/* Remove a store file and its SQLite companions. */
static void
cli_remove_store(const char *path)
{
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    size_t i;

    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        if (snprintf(name, sizeof name, "%s%s", path, sfx[i]) <
            (int)sizeof name)
            (void)unlink(name); /* a companion may well not exist */
    }
}

int
cli_import_into(const struct cli_global *g, const struct import_options *base,
                char *const *paths, int npaths, int quiet)
{
    struct store *st;
    struct stat sb;
    int existed = stat(g->store_path, &sb) == 0, found = 0, status;

    st = cli_open_store(g->store_path, 0);
    if (st == NULL)
        return CLI_EXIT_INPUT;
    status = cli_import_paths(st, base, paths, npaths, quiet, &found);
    store_close(st);
    /* No empty store left behind by an import that found nothing. */
    if (!found && !existed)
        cli_remove_store(g->store_path);
    return status;
}

/* Parse "--clock-offset MS" (milliseconds, may be negative/fractional). */
static int
cli_parse_ms(const char *s, int64_t *ns)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || end == s || v > 9e12 || v < -9e12)
        return -1;
    *ns = (int64_t)(v * 1e6);
    return 0;
}

int
cli_import(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"tz", required_argument, NULL, 'z'},
        {"clock-offset", required_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {NULL, 0, NULL, 0}};
    struct import_options opt;
    int c, quiet = g->quiet;

    memset(&opt, 0, sizeof opt);
    opt.clock_offset_ns = STORE_NONE;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qf:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (importer_find(optarg) == NULL) {
                cli_error("unknown format '%s' (known: %s)", optarg,
                          importer_names());
                return CLI_EXIT_USAGE;
            }
            opt.format = optarg;
            break;
        case 'z':
            if (rn_time_parse_offset(optarg, &opt.tz_off_s) != RN_OK) {
                cli_error("bad --tz '%s' (use +HH:MM, -HH:MM or Z)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'c':
            if (cli_parse_ms(optarg, &opt.clock_offset_ns) != 0) {
                cli_error("bad --clock-offset '%s' (milliseconds)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'q':
            quiet = 1;
            break;
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("import: give at least one file or folder");
        return CLI_EXIT_USAGE;
    }
    return cli_import_into(g, &opt, argv + optind, argc - optind, quiet);
}

/* ---- requests -------------------------------------------------------- */

enum cli_format { CLI_TABLE, CLI_JSON, CLI_CSV };

static int
cli_parse_format(const char *s, int allow_csv, enum cli_format *f)
{
    if (strcmp(s, "table") == 0)
        *f = CLI_TABLE;
    else if (strcmp(s, "json") == 0)
        *f = CLI_JSON;
    else if (allow_csv && strcmp(s, "csv") == 0)
        *f = CLI_CSV;
    else
        return -1;
    return 0;
}

/* Times in tables: microseconds, so that every row's fraction has the same
 * width (JSON and CSV keep every digit). */
#define CLI_TS_DIGITS 6

/* Column widths of the request table; sources as wide as the widest set
 * of kinds the store holds, so the column never overflows. */
struct cli_req_cols {
    int src;
};

static void
cli_request_table_head(const struct cli_req_cols *c)
{
    printf("%-16s %-27s %-7s %-7s %9s %-*s %s\n", "ID", "START", "VERB",
           "STATUS", "DURATION", c->src, "SOURCES", "URL");
}

/* A request's start as the table shows it: microseconds, or for one only
 * coarse sources saw the second it was logged in, "~" after it. */
static void
cli_start_text(const struct rq_row *r, char *ts)
{
    render_time_fixed(r->start_ns, CLI_TS_DIGITS, ts);
    if (render_timing_coarse(r)) {
        char *dot = strchr(ts, '.');

        if (dot != NULL) {
            dot[0] = '~';
            dot[1] = '\0';
        }
    }
}

static void
cli_request_table_row(const struct rq_row *r, const struct cli_req_cols *c)
{
    char ts[RN_TS_STR_MAX] = "-", status[32], src[64],
         dur[RENDER_DUR_MAX] = "-";
    char *verb = cli_safe(r->verb != NULL ? r->verb : "-", 7);

    if (r->start_ns != STORE_NONE)
        cli_start_text(r, ts);
    if (r->start_ns != STORE_NONE && r->end_ns != STORE_NONE)
        render_request_duration(r, dur, sizeof dur);
    render_status(r, status, sizeof status);
    render_sources(r->sources, ",", src, sizeof src);
    printf("%-16" PRId64 " %-27s %-7s %-7s %9s %-*s ", r->id, ts, verb,
           status[0] ? status : "-", dur, c->src, src[0] ? src : "-");
    free(verb);
    cli_put_safe(stdout, r->url != NULL ? r->url : "-", 0);
    putchar('\n');
}

/* The SOURCES width for this store. */
static void
cli_request_cols(struct store *st, struct cli_req_cols *c)
{
    struct rn_err err = {RN_OK, ""};
    unsigned mask = 0;
    char src[64];
    size_t w;

    if (query_source_kinds(st, &mask, &err) != RN_OK)
        mask = (1u << STORE_KIND_MAX) - 1; /* every kind: never too narrow */
    render_sources(mask, ",", src, sizeof src);
    w = strlen(src);
    c->src = w > 7 ? (int)w : 7;
}

static void
cli_request_csv_row(const struct rq_row *r)
{
    char ts[RN_TS_STR_MAX] = "", te[RN_TS_STR_MAX] = "", status[32], src[64],
         num[32];
    struct rn_buf b;

    rn_buf_init(&b, 64u * 1024 * 1024);
    if (r->start_ns != STORE_NONE)
        rn_time_format(r->start_ns, ts);
    if (r->end_ns != STORE_NONE)
        rn_time_format(r->end_ns, te);
    render_status(r, status, sizeof status);
    render_sources(r->sources, " ", src, sizeof src);
    rn_buf_printf(&b, "%" PRId64 ",", r->id);
    render_csv_field(&b, r->key);
    rn_buf_printf(&b, ",%s,%s,", ts, te);
    if (r->start_ns != STORE_NONE && r->end_ns != STORE_NONE)
        render_ms(&b, r->end_ns - r->start_ns);
    rn_buf_putc(&b, ',');
    render_csv_field(&b, r->verb);
    rn_buf_putc(&b, ',');
    render_csv_field(&b, r->url);
    rn_buf_printf(&b, ",%s,", status);
    snprintf(num, sizeof num, "%" PRId64, r->win32_status);
    rn_buf_puts(&b, r->win32_status != STORE_NONE ? num : "");
    rn_buf_printf(&b, ",%s,", src);
    render_csv_field(&b, r->diagnosis);
    rn_buf_putc(&b, ',');
    render_csv_field(&b, r->cause);
    rn_buf_puts(&b, "\r\n");
    fwrite(b.data, 1, b.len, stdout);
    rn_buf_fini(&b);
}

int
cli_requests(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"filter", required_argument, NULL, 'f'},
        {"format", required_argument, NULL, 'F'},
        {"order", required_argument, NULL, 'o'},
        {"limit", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0}};
    enum cli_format fmt = CLI_TABLE;
    struct cli_req_cols cols;
    enum rq_order order = RQ_ORDER_TIME;
    const char *expr = NULL;
    struct filter *f = NULL;
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct rq_row *rows;
    struct rq_pos pos;
    int64_t limit = -1, shown = 0;
    size_t n, i;
    int c, first = 1, status = CLI_EXIT_OK;
    char *end;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        switch (c) {
        case 'f':
            expr = optarg;
            break;
        case 'F':
            if (cli_parse_format(optarg, 1, &fmt) != 0) {
                cli_error("bad --format '%s' (table, json or csv)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'o':
            if (strcmp(optarg, "time") == 0)
                order = RQ_ORDER_TIME;
            else if (strcmp(optarg, "failures") == 0)
                order = RQ_ORDER_FAILURES;
            else {
                cli_error("bad --order '%s' (time or failures)", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'n':
            limit = strtoll(optarg, &end, 10);
            if (*end != '\0' || limit < 0) {
                cli_error("bad --limit '%s'", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        default:
            return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("requests: unexpected argument '%s'", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (filter_parse(expr, &f, &err) != RN_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL) {
        filter_free(f);
        return CLI_EXIT_INPUT;
    }
    rows = xcalloc(CLI_PAGE, sizeof *rows);
    cli_request_cols(st, &cols);
    if (fmt == CLI_JSON)
        fputs("[", stdout);
    else if (fmt == CLI_CSV)
        fputs("id,key,start,end,duration_ms,verb,url,status,win32_status,"
              "sources,diagnosis,cause\r\n",
              stdout);
    else
        cli_request_table_head(&cols);
    for (;;) {
        if (query_requests_page(st, f, order, first ? NULL : &pos, 1, rows,
                                CLI_PAGE, &n, &err) != RN_OK) {
            cli_error("%s", err.msg);
            status = CLI_EXIT_INPUT;
            break;
        }
        for (i = 0; i < n; i++) {
            if (limit < 0 || shown < limit) {
                if (fmt == CLI_JSON) {
                    struct rn_buf b;

                    rn_buf_init(&b, 64u * 1024 * 1024);
                    render_request_json(&b, &rows[i]);
                    fputs(shown > 0 ? ",\n" : "\n", stdout);
                    fwrite(b.data, 1, b.len, stdout);
                    rn_buf_fini(&b);
                } else if (fmt == CLI_CSV) {
                    cli_request_csv_row(&rows[i]);
                } else {
                    cli_request_table_row(&rows[i], &cols);
                }
                shown++;
            }
        }
        if (n > 0)
            rq_pos_of(&rows[n - 1], &pos);
        for (i = 0; i < n; i++)
            rq_row_fini(&rows[i]);
        first = 0;
        if (n < CLI_PAGE || (limit >= 0 && shown >= limit))
            break;
    }
    if (fmt == CLI_JSON)
        fputs(shown > 0 ? "\n]\n" : "]\n", stdout);
    free(rows);
    filter_free(f);
    store_close(st);
    return status;
}

/* ---- causes ---------------------------------------------------------- */

/* One summary line as JSON. */
static void
cli_cause_json(struct rn_buf *b, const struct cause_row *c)
{
    char label[128];

    rn_cause_label(c->cause, (long long)c->count, label, sizeof label);
    rn_buf_puts(b, "{\"cause\":");
    rn_json_cstr(b, c->cause);
    rn_buf_puts(b, ",\"label\":");
    rn_json_cstr(b, label);
    rn_buf_printf(b, ",\"count\":%" PRId64 ",\"status\":", c->count);
    if (c->status != STORE_NONE)
        rn_buf_printf(b, "\"%" PRId64 ".%" PRId64 "\"", c->status,
                      c->substatus);
    else
        rn_buf_puts(b, "null");
    rn_buf_putc(b, '}');
}

/* The summary as a table or JSON. */
static void
cli_causes_print(const struct cause_row *rows, size_t n, enum cli_format fmt)
{
    struct rn_buf b;
    char label[128], status[32];
    size_t i;

    if (fmt == CLI_JSON) {
        rn_buf_init(&b, 1024 * 1024);
        rn_buf_putc(&b, '[');
        for (i = 0; i < n; i++) {
            rn_buf_puts(&b, i > 0 ? ",\n" : "\n");
            cli_cause_json(&b, &rows[i]);
        }
        rn_buf_puts(&b, n > 0 ? "\n]\n" : "]\n");
        fwrite(b.data, 1, b.len, stdout);
        rn_buf_fini(&b);
        return;
    }
    printf("%7s %-7s %-24s %s\n", "COUNT", "STATUS", "CAUSE", "LABEL");
    for (i = 0; i < n; i++) {
        rn_cause_label(rows[i].cause, (long long)rows[i].count, label,
                       sizeof label);
        if (rows[i].status != STORE_NONE)
            snprintf(status, sizeof status, "%" PRId64 ".%" PRId64,
                     rows[i].status, rows[i].substatus);
        else
            snprintf(status, sizeof status, "various");
        printf("%7" PRId64 " %-7s %-24s %s\n", rows[i].count, status,
               rows[i].cause, label);
    }
}

int
cli_causes(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"filter", required_argument, NULL, 'f'},
        {"format", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0}};
    enum cli_format fmt = CLI_TABLE;
    const char *expr = NULL;
    struct filter *f = NULL;
    struct store *st;
    struct cause_row *rows;
    struct rn_err err = {RN_OK, ""};
    size_t n;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
        if (c == 'f') {
            expr = optarg;
        } else if (c == 'F' && cli_parse_format(optarg, 0, &fmt) == 0) {
            continue;
        } else {
            if (c == 'F')
                cli_error("bad --format '%s' (table or json)", optarg);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("causes: unexpected argument '%s'", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (filter_parse(expr, &f, &err) != RN_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_USAGE;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL) {
        filter_free(f);
        return CLI_EXIT_INPUT;
    }
    if (query_causes(st, f, &rows, &n, &err) != RN_OK) {
        cli_error("%s", err.msg);
        filter_free(f);
        store_close(st);
        return CLI_EXIT_INPUT;
    }
    cli_causes_print(rows, n, fmt);
    cause_rows_free(rows, n);
    filter_free(f);
    store_close(st);
    return CLI_EXIT_OK;
}

/* ---- timeline -------------------------------------------------------- */

/* Find a request by numeric id, or by key (GUID). */
static enum rn_rc
cli_find_request(struct store *st, const char *arg, struct rq_row *row,
                 struct rn_err *err)
{
    char *end;
    long long id;

    errno = 0;
    id = strtoll(arg, &end, 10);
    if (errno == 0 && *end == '\0' && end != arg)
        return query_request_get(st, id, row, err);
    return query_request_by_key(st, arg, row, err);
}

/* Fields inline as "  Name=value ...", cut to width. */
static void
cli_put_fields(const char *json, size_t width)
{
    struct rn_buf k, v, line;
    const char *p = json != NULL ? json : "{}";

    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    rn_buf_init(&line, 4 * RN_BUF_MAX_FIELD);
    while (rn_json_flat_next(&p, &k, &v) == 1) {
        if (!render_field_inline(rn_buf_str(&k)))
            continue;
        rn_buf_printf(&line, "  %s=", rn_buf_str(&k));
        rn_buf_append(&line, v.data != NULL ? v.data : "", v.len);
    }
    cli_put_safe(stdout, rn_buf_str(&line), width);
    rn_buf_fini(&k);
    rn_buf_fini(&v);
    rn_buf_fini(&line);
}

/* ARR: the front end's request a member's came from, the members' ones
 * a front end's forwarded to (their events are marked "> " below). */
static void
cli_timeline_links(const struct rq_row *r)
{
    size_t i;

    if (r->links && r->parent != STORE_NONE)
        printf("  ARR parent %" PRId64 "\n", r->parent);
    for (i = 0; r->links && i < r->nchildren; i++)
        printf("  ARR child %" PRId64 "\n", r->children[i]);
}

/* A request only coarse sources saw: what its times are worth. */
static void
cli_timeline_timing(const struct rq_row *r)
{
    char dur[RENDER_DUR_MAX];

    if (!render_timing_coarse(r))
        return;
    render_request_duration(r, dur, sizeof dur);
    printf("  timing: coarse (whole seconds as logged; the true times lie up "
           "to 1 s later), duration %s%s\n",
           dur, render_duration_approx(r) ? "" : " (time-taken)");
}

/* Each source request of the request, where it starts and what linked
 * it: "  via W3C u_ex.log line 9: w3c_time_url_status, margin 40ms". */
static void
cli_timeline_sources(const struct ev_row *ev, size_t n)
{
    char pos[160], how[256];
    size_t i, nl, *first;

    nl = render_link_events(ev, n, &first);
    for (i = 0; i < nl; i++) {
        const struct ev_row *e = &ev[first[i]];

        render_position(e->kind, e->file, e->seq, pos, sizeof pos);
        render_link_text(e, how, sizeof how);
        fputs("  via ", stdout);
        cli_put_safe(stdout, pos, 0);
        printf(": %s\n", how);
    }
    free(first);
}

static void
cli_timeline_table(const struct rq_row *r, const struct ev_row *ev, size_t n)
{
    char status[32], pos[128], ts[RN_TS_STR_MAX], off[RENDER_DUR_MAX + 1],
        *safe;
    size_t i;

    render_status(r, status, sizeof status);
    printf("request %" PRId64 " ", r->id);
    cli_put_safe(stdout, r->key, 0);
    printf("\n  ");
    cli_put_safe(stdout, r->verb != NULL ? r->verb : "-", 0);
    putchar(' ');
    cli_put_safe(stdout, r->url != NULL ? r->url : "-", 0);
    printf(" -> %s\n", status[0] ? status : "-");
    if (r->diagnosis != NULL) {
        fputs("  ", stdout);
        cli_put_safe(stdout, r->diagnosis, 0);
        putchar('\n');
    }
    cli_timeline_timing(r);
    cli_timeline_links(r);
    cli_timeline_sources(ev, n);
    printf("%-27s %9s  %-28s %-32s %s\n", "TIME", "OFFSET", "SOURCE", "EVENT",
           "FIELDS");
    for (i = 0; i < n; i++) {
        const struct ev_row *e = &ev[i];

        if (e->ts_ns != STORE_NONE)
            render_time_fixed(e->ts_ns, CLI_TS_DIGITS, ts);
        else
            snprintf(ts, sizeof ts, "-");
        if (e->ts_ns != STORE_NONE && r->start_ns != STORE_NONE)
            render_offset(e->ts_ns - r->start_ns, off, sizeof off);
        else
            snprintf(off, sizeof off, "-");
        render_position(e->kind, e->file, e->seq, pos, sizeof pos);
        safe = cli_safe(pos, 28);
        printf("%-27s %9s  ", ts, off);
        printf("%-28s ", safe);
        free(safe);
        if (e->child) /* an ARR member's event, under its front end */
            fputs("> ", stdout);
        if (e->role >= 0)
            printf("[%s] ", store_role_name(e->role));
        cli_put_safe(stdout, e->name, 0);
        cli_put_fields(e->fields_json, 200);
        putchar('\n');
    }
}

int
cli_timeline(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'F'}, {NULL, 0, NULL, 0}};
    enum cli_format fmt = CLI_TABLE;
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    struct rq_row row;
    struct ev_row *ev;
    size_t n;
    int c;
    enum rn_rc rc;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c != 'F' || cli_parse_format(optarg, 0, &fmt) != 0) {
            if (c == 'F')
                cli_error("bad --format '%s' (table or json)", optarg);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind + 1 != argc) {
        cli_error("timeline: give one request id or key");
        return CLI_EXIT_USAGE;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL)
        return CLI_EXIT_INPUT;
    rc = cli_find_request(st, argv[optind], &row, &err);
    if (rc == RN_OK)
        rc = query_timeline(st, &row, &ev, &n, &err);
    if (rc != RN_OK) {
        cli_error("%s", err.msg);
        if (rc != RN_ENOTFOUND)
            rq_row_fini(&row);
        store_close(st);
        return CLI_EXIT_INPUT;
    }
    if (fmt == CLI_JSON) {
        struct rn_buf b;

        rn_buf_init(&b, 1024u * 1024 * 1024);
        render_timeline_json(&b, &row, ev, n);
        fwrite(b.data, 1, b.len, stdout);
        putchar('\n');
        rn_buf_fini(&b);
    } else {
        cli_timeline_table(&row, ev, n);
    }
    ev_rows_free(ev, n);
    rq_row_fini(&row);
    store_close(st);
    return CLI_EXIT_OK;
}

/* ---- sources --------------------------------------------------------- */

/* ,"key":n or ,"key":null for an optional integer. */
static void
cli_json_opt(struct rn_buf *b, const char *key, int64_t v)
{
    if (v == STORE_NONE)
        rn_buf_printf(b, ",\"%s\":null", key);
    else
        rn_buf_printf(b, ",\"%s\":%" PRId64, key, v);
}

/* The link types ("1,101") as a JSON array of numbers; others dropped. */
static void
cli_json_links(struct rn_buf *b, const char *s)
{
    int n = 0;

    rn_buf_puts(b, ",\"link_types\":[");
    while (s != NULL && *s != '\0') {
        char *end;
        long long v = strtoll(s, &end, 10);

        if (end != s && (*end == ',' || *end == '\0'))
            rn_buf_printf(b, "%s%lld", n++ > 0 ? "," : "", v);
        s = strchr(s, ',');
        if (s != NULL)
            s++;
    }
    rn_buf_putc(b, ']');
}

/* One source as a JSON object (reqnav sources --format json). */
static void
cli_source_json(struct rn_buf *b, const struct src_row *s)
{
    rn_buf_printf(b, "{\"id\":%" PRId64 ",\"path\":", s->id);
    rn_json_cstr(b, s->path);
    rn_buf_printf(b, ",\"kind\":\"%s\",\"format\":", store_kind_name(s->kind));
    rn_json_cstr(b, s->format);
    rn_buf_printf(b, ",\"bytes\":%" PRId64 ",\"sha256\":", s->size);
    rn_json_cstr(b, s->sha256);
    rn_buf_puts(b, ",\"imported_at\":");
    rn_json_cstr(b, s->imported_at);
    rn_buf_printf(b,
                  ",\"events\":%" PRId64 ",\"requests\":%" PRId64
                  ",\"warnings\":%" PRId64 ",\"state\":\"%s\",\"message\":",
                  s->events, s->requests, s->warnings,
                  s->truncated ? "truncated" : "complete");
    rn_json_cstr(b, s->message);
    /* Of its requests, those linked with another kind of source's. */
    if (s->linked >= 0)
        rn_buf_printf(b, ",\"linked\":%" PRId64 ",\"alone\":%" PRId64,
                      s->linked, s->requests - s->linked);
    /* ... and, matched one by one (W3C, HTTPERR, capture), why alone. */
    if (s->linked >= 0 && s->alone_conflict >= 0)
        rn_buf_printf(b,
                      ",\"alone_no_candidate\":%" PRId64
                      ",\"alone_conflict\":%" PRId64,
                      s->alone_no_candidate, s->alone_conflict);
    if (s->kind == STORE_KIND_PCAP) {
        cli_json_opt(b, "clock_offset_ns", s->clock_offset_ns);
        rn_buf_printf(b, ",\"clock_offset_given\":%s",
                      s->clock_offset_given ? "true" : "false");
        cli_json_opt(b, "clock_offset_matches", s->clock_offset_matches);
        cli_json_opt(b, "frames", s->frames);
        rn_buf_puts(b, ",\"first\":");
        rn_json_cstr(b, s->first);
        rn_buf_puts(b, ",\"last\":");
        rn_json_cstr(b, s->last);
        cli_json_links(b, s->link_types);
        /* Only .etl files count packet events apart from frames. */
        if (s->packet_events != STORE_NONE) {
            cli_json_opt(b, "packet_events", s->packet_events);
            cli_json_opt(b, "packet_events_truncated",
                         s->packet_events_truncated);
        }
    }
    rn_buf_putc(b, '}');
}

/*
 * A file an import met but did not import, as a source entry with the
 * same keys: no id nor kind (null), no events, its state "skipped",
 * "failed" or "damaged" and why in message.  Consumers that read sources
 * see every key they know; the state tells these apart.
 */
static void
cli_skip_json(struct rn_buf *b, const struct skip_row *k)
{
    rn_buf_puts(b, "{\"id\":null,\"path\":");
    rn_json_cstr(b, k->path);
    rn_buf_puts(b, ",\"kind\":null,\"format\":");
    rn_json_cstr(b, k->format);
    cli_json_opt(b, "bytes", k->size);
    rn_buf_puts(b, ",\"sha256\":");
    rn_json_cstr(b, k->sha256);
    rn_buf_puts(b, ",\"imported_at\":");
    rn_json_cstr(b, k->imported_at);
    rn_buf_puts(b, ",\"events\":0,\"requests\":0,\"warnings\":0,\"state\":");
    rn_json_cstr(b, k->state);
    rn_buf_puts(b, ",\"message\":");
    rn_json_cstr(b, k->message);
    rn_buf_putc(b, '}');
}

/* The files not imported, after the sources in the table. */
static void
cli_skips_table(const struct skip_row *k, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        printf("%-4s %-8s %-18s ", "-", "-",
               k[i].format != NULL ? k[i].format : "-");
        if (k[i].size != STORE_NONE)
            printf("%12" PRId64, k[i].size);
        else
            printf("%12s", "-");
        printf(" %9s %9s %-9s ", "-", "-", k[i].state);
        cli_put_safe(stdout, k[i].path, 0);
        if (k[i].message != NULL && k[i].message[0] != '\0') {
            fputs("\n     ", stdout);
            cli_put_safe(stdout, k[i].message, 0);
        }
        putchar('\n');
    }
}

/* The table of sources. */
static void
cli_sources_table(const struct src_row *rows, size_t n)
{
    size_t i;

    printf("%-4s %-8s %-18s %12s %9s %9s %-9s %s\n", "ID", "KIND", "FORMAT",
           "BYTES", "EVENTS", "REQUESTS", "STATE", "PATH");
    for (i = 0; i < n; i++) {
        const struct src_row *s = &rows[i];

        printf("%-4" PRId64 " %-8s %-18s %12" PRId64 " %9" PRId64 " %9" PRId64
               " %-9s ",
               s->id, store_kind_name(s->kind), s->format, s->size, s->events,
               s->requests, s->truncated ? "truncated" : "complete");
        cli_put_safe(stdout, s->path, 0);
        if (s->message != NULL) {
            fputs("\n     ", stdout);
            cli_put_safe(stdout, s->message, 0);
        }
        if (s->kind == STORE_KIND_PCAP) {
            char text[256];

            cli_clock_offset_text(s, text, sizeof text);
            printf("\n     %s", text);
        }
        if (cli_kinds_mixed(rows, n) && s->requests > 0) {
            char text[160];

            cli_links_text(s, text, sizeof text);
            printf("\n     %s", text);
        }
        putchar('\n');
    }
}

int
cli_sources(const struct cli_global *g, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'F'}, {NULL, 0, NULL, 0}};
    enum cli_format fmt = CLI_TABLE;
    struct store *st;
    struct src_row *rows;
    struct skip_row *skips;
    struct rn_err err = {RN_OK, ""};
    size_t n, nskips, i;
    int c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c != 'F' || cli_parse_format(optarg, 0, &fmt) != 0) {
            if (c == 'F')
                cli_error("bad --format '%s' (table or json)", optarg);
            return CLI_EXIT_USAGE;
        }
    }
    if (optind != argc) {
        cli_error("sources: no arguments expected");
        return CLI_EXIT_USAGE;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL)
        return CLI_EXIT_INPUT;
    if (query_sources(st, &rows, &n, &err) != RN_OK) {
        cli_error("%s", err.msg);
        store_close(st);
        return CLI_EXIT_INPUT;
    }
    if (query_source_links(st, rows, n, &err) != RN_OK ||
        query_skipped(st, &skips, &nskips, &err) != RN_OK) {
        cli_error("%s", err.msg);
        src_rows_free(rows, n);
        store_close(st);
        return CLI_EXIT_INPUT;
    }
    if (fmt == CLI_JSON) {
        struct rn_buf b;

        rn_buf_init(&b, 1024u * 1024);
        fputs("[", stdout);
        /* Sources first, in import order, then the files not imported:
         * the entries a consumer had before keep their places. */
        for (i = 0; i < n + nskips; i++) {
            rn_buf_reset(&b);
            if (i < n)
                cli_source_json(&b, &rows[i]);
            else
                cli_skip_json(&b, &skips[i - n]);
            fputs(i > 0 ? ",\n" : "\n", stdout);
            fwrite(b.data, 1, b.len, stdout);
        }
        fputs(n + nskips > 0 ? "\n]\n" : "]\n", stdout);
        rn_buf_fini(&b);
    } else {
        cli_sources_table(rows, n);
        cli_skips_table(skips, nskips);
    }
    src_rows_free(rows, n);
    skip_rows_free(skips, nskips);
    store_close(st);
    return CLI_EXIT_OK;
}

/* ---- sql ------------------------------------------------------------- */

struct cli_sql_ctx {
    int header_done;
};

static enum rn_rc
cli_sql_row(void *vctx, int ncol, const char *const *names,
            const char *const *values)
{
    struct cli_sql_ctx *c = vctx;
    int i;

    if (!c->header_done) {
        for (i = 0; i < ncol; i++) {
            fputs(i > 0 ? "\t" : "", stdout);
            cli_put_safe(stdout, names[i], 0);
        }
        putchar('\n');
        c->header_done = 1;
    }
    for (i = 0; i < ncol; i++) {
        fputs(i > 0 ? "\t" : "", stdout);
        cli_put_safe(stdout, values[i] != NULL ? values[i] : "NULL", 0);
    }
    putchar('\n');
    return RN_OK;
}

/* One schema object: its CREATE text as stored, comments included. */
static enum rn_rc
cli_schema_row(void *vctx, int ncol, const char *const *names,
               const char *const *values)
{
    struct rn_buf b;

    (void)vctx;
    (void)names;
    if (ncol < 1 || values[0] == NULL)
        return RN_OK;
    rn_buf_init(&b, 16u * 1024 * 1024);
    sanitize_append(&b, values[0], strlen(values[0]), SANITIZE_KEEP_WS);
    printf("%s;\n\n", rn_buf_str(&b));
    rn_buf_fini(&b);
    return RN_OK;
}

/* The tables and the views of the sql command, documented. */
static enum rn_rc
cli_sql_schema(struct store *st, struct rn_err *err)
{
    fputs("-- The case store, as `reqnav sql` reads it: tables (with their\n"
          "-- columns' meaning), then the views named as the request list\n"
          "-- and the timeline name things (requests, events).\n"
          "-- Kinds: 1 etw, 2 freb, 3 w3c, 4 httperr, 5 pcap; times are UTC\n"
          "-- nanoseconds (_ns) in tables, ISO 8601 in the views.\n\n",
          stdout);
    return store_sql_readonly(
        st,
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT "
        "NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid; "
        "SELECT sql FROM sqlite_temp_master WHERE type = 'view' "
        "ORDER BY rowid",
        cli_schema_row, NULL, err);
}

int
cli_sql(const struct cli_global *g, int argc, char **argv)
{
    struct cli_sql_ctx ctx = {0};
    struct store *st;
    struct rn_err err = {RN_OK, ""};
    enum rn_rc rc;
    int schema = argc == 2 && strcmp(argv[1], "--schema") == 0;

    if (argc != 2) {
        cli_error("sql: give one query, e.g. reqnav sql 'SELECT count(*) "
                  "FROM requests', or --schema");
        return CLI_EXIT_USAGE;
    }
    st = cli_open_store(g->store_path, 1);
    if (st == NULL)
        return CLI_EXIT_INPUT;
    if (schema)
        rc = cli_sql_schema(st, &err);
    else
        rc = store_sql_readonly(st, argv[1], cli_sql_row, &ctx, &err);
    store_close(st);
    if (rc != RN_OK) {
        cli_error("%s", err.msg);
        return CLI_EXIT_INPUT;
    }
    return CLI_EXIT_OK;
}
