/*
 * reqnav's composition root: global options, the subcommand table, and
 * wiring of importers, store and front end.  The only file that sees all
 * three layers.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "filter.h"
#include "importer.h"
#include "store.h"
#include "ui.h"
#include "xmalloc.h"

#define DEFAULT_STORE "reqnav.db"

struct command {
    const char *name;
    int (*run)(const struct cli_global *g, int argc, char **argv);
    const char *usage;
};

static const struct command commands[] = {
    {"import", cli_import,
     "import [--format F] [--tz +HH:MM] [--clock-offset MS] PATH...\n"
     "        import trace files, logs, captures or whole folders"},
    {"requests", cli_requests,
     "requests [--filter EXPR] [--format table|json|csv]\n"
     "        [--order time|failures] [--limit N]\n"
     "        list logical requests"},
    {"timeline", cli_timeline,
     "timeline [--format table|json] ID|KEY\n"
     "        every event of one request, from every source, in time order"},
    {"causes", cli_causes,
     "causes [--filter EXPR] [--format table|json]\n"
     "        the failures grouped by cause, most first"},
    {"sources", cli_sources,
     "sources [--format table|json]\n        the imported files, with their "
     "state and problems"},
    {"export", cli_export,
     "export (--filter EXPR | --id ID... | --marked) --format "
     "md|html|json|csv\n"
     "        [-o FILE] [--force] [--no-redact]\n"
     "        a report of the selected requests (stdout without -o;\n"
     "        secrets masked unless --no-redact)"},
    {"sql", cli_sql, "sql 'SELECT ...'\n        read-only SQL over the store"},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void
usage(FILE *f)
{
    size_t i;

    fprintf(f,
            "usage: reqnav [--store FILE] [PATH...]\n"
            "       reqnav [--store FILE] COMMAND [ARGS]\n"
            "\n"
            "Explore IIS failure traces (ETW XML, FREB, W3C/HTTPERR logs,\n"
            "pcap/pcapng/Network Monitor captures) as one correlated store.\n"
            "Without a command, PATHs are imported and the store is shown.\n"
            "\n"
            "Commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f,
            "\n"
            "Options:\n"
            "  --store FILE   the case store (default $REQNAV_STORE or "
            "./" DEFAULT_STORE ")\n"
            "  -q, --quiet    no per-file import lines\n"
            "  --filter EXPR  start the explorer with this filter\n"
            "  --open ID|KEY  start the explorer on this request's timeline\n"
            "  -h, --help     this help\n"
            "  -V, --version  the version\n"
            "\n"
            "Filter terms (ANDed): status:502.2 status:502 status:5xx "
            "verb:POST\n"
            "  url:TEXT source:etw|freb|w3c|httperr|pcap has:cgi_start|"
            "header_error|status_send\n"
            "  since:TIME until:TIME key:GUID marked:yes text:TEXT; -term "
            "negates\n"
            "Formats: %s\n"
            "Exit status: 0 success, 1 bad input, 2 usage error.\n"
            "See reqnav(1).\n",
            importer_names());
}

/* Edit distance between a and b (adjacent swaps count one), for
 * suggesting a command; words longer than 31 bytes are never close. */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t d[33][33], la = strlen(a), lb = strlen(b), i, j, c;

    if (la > 31 || lb > 31)
        return 99;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c)
                c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c)
                c = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < c)
                c = d[i - 2][j - 2] + 1;
            d[i][j] = c;
        }
    }
    return d[la][lb];
}

/* The command closest to word, or NULL when none is close enough to be
 * what was meant (at most 2 edits, or a prefix of at least 3 bytes). */
static const char *
closest_command(const char *word)
{
    const char *best = NULL;
    size_t i, dist, best_dist = 3, wl = strlen(word);

    for (i = 0; i < NCOMMANDS; i++) {
        dist = edit_distance(word, commands[i].name);
        if (wl >= 3 && strncmp(word, commands[i].name, wl) == 0)
            dist = 1;
        if (dist < best_dist) {
            best_dist = dist;
            best = commands[i].name;
        }
    }
    return best;
}

/*
 * The first word is not a command: it must be a file or folder to import.
 * A word that is neither is a usage error (exit 2), with the command it
 * was probably meant to be, rather than an import that fails on it.
 */
static int
check_first_path(const char *word)
{
    struct stat sb;
    const char *near;
    size_t i;

    if (stat(word, &sb) == 0)
        return 0;
    near = closest_command(word);
    if (near != NULL) {
        cli_error("'%s' is not a command, file or folder; did you mean "
                  "'%s'?",
                  word, near);
        return -1;
    }
    fprintf(stderr,
            "reqnav: '%s' is not a command, file or folder "
            "(commands:",
            word);
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(stderr, " %s", commands[i].name);
    fputs(")\n", stderr);
    return -1;
}

/* A bad --filter is a usage error before anything is imported. */
static int
check_start_options(const struct ui_options *uo)
{
    struct filter *f = NULL;
    struct rn_err err = {RN_OK, ""};

    if (uo->start_filter == NULL)
        return 0;
    if (filter_parse(uo->start_filter, &f, &err) != RN_OK) {
        cli_error("--filter: %s", err.msg);
        return -1;
    }
    filter_free(f);
    return 0;
}

/* No terminal: the request list, failures first, under --filter. */
static int
print_list(const struct cli_global *g, const char *filter)
{
    char a0[] = "requests", a1[] = "--order", a2[] = "failures",
         a3[] = "--filter";
    char *fexpr = filter != NULL ? xstrdup(filter) : NULL;
    char *list_argv[] = {a0, a1, a2, a3, fexpr, NULL};
    int s = cli_requests(g, fexpr != NULL ? 5 : 3, list_argv);

    free(fexpr);
    return s;
}

/*
 * No command: import the paths, then open the interface on a terminal
 * (or headless for tests); without a terminal, print the request list.
 */
static int
run_default(const struct cli_global *g, const struct ui_options *uo, int argc,
            char **argv)
{
    struct import_options opt;
    struct store *st;
    struct stat sb;
    int status = CLI_EXIT_OK;

    if (argc > 0) {
        memset(&opt, 0, sizeof opt);
        opt.clock_offset_ns = STORE_NONE;
        status = cli_import_into(g, &opt, argv, argc, g->quiet);
        if (status == 130)
            return status;
        if (status != CLI_EXIT_OK && stat(g->store_path, &sb) != 0)
            return status; /* nothing to show: no store was made */
    }
    if (uo->headless || (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))) {
        struct ui_options o = *uo;
        struct rn_err err = {RN_OK, ""};
        const char *base = strrchr(g->store_path, '/');

        st = cli_open_store(g->store_path, 1);
        if (st == NULL)
            return CLI_EXIT_INPUT;
        o.store_name = base != NULL ? base + 1 : g->store_path;
        if (ui_run(st, &o, &err) != RN_OK) {
            cli_error("%s", err.msg);
            status = CLI_EXIT_INPUT;
        }
        store_close(st);
        return status;
    }
    {
        int s = print_list(g, uo->start_filter);

        return status != CLI_EXIT_OK ? status : s;
    }
}

/*
 * The contract allows --store after the command too (`reqnav import
 * --store F PATH`): take "--store F" / "--store=F" out of the command's
 * arguments (up to a "--") into g.  Returns the new argc, or -1 when
 * --store lacks its value.
 */
static int
take_store_option(struct cli_global *g, int argc, char **argv)
{
    int i, o = 1;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < argc)
                argv[o++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--store") == 0) {
            if (i + 1 >= argc)
                return -1;
            g->store_path = argv[++i];
        } else if (strncmp(argv[i], "--store=", 8) == 0) {
            g->store_path = argv[i] + 8;
        } else {
            argv[o++] = argv[i];
        }
    }
    argv[o] = NULL;
    return o;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"store", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        /* Where the explorer starts (ui.h); users' options too. */
        {"filter", required_argument, NULL, 'U'},
        {"open", required_argument, NULL, 'U'},
        /* Hidden front-end options for tests and benchmarks (ui.h). */
        {"headless", no_argument, NULL, 'U'},
        {"size", required_argument, NULL, 'U'},
        {"keys", required_argument, NULL, 'U'},
        {"term", required_argument, NULL, 'U'},
        {"attrs", no_argument, NULL, 'U'},
        {"timing", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}};
    struct ui_options uo;
    struct rn_err uerr = {RN_OK, ""};
    int li = 0;
    struct cli_global g;
    const char *env = getenv("REQNAV_STORE");
    size_t i;
    int c;

    setlocale(LC_ALL, "");
    memset(&g, 0, sizeof g);
    g.store_path = env != NULL && env[0] != '\0' ? env : DEFAULT_STORE;
    /* Global options stop at the first non-option (the command). */
    ui_options_init(&uo);
    uo.export_fn = cli_export_hook;
    while ((c = getopt_long(argc, argv, "+qhV", longopts, &li)) != -1) {
        switch (c) {
        case 'U':
            if (ui_options_set(&uo, longopts[li].name, optarg, &uerr) !=
                RN_OK) {
                cli_error("%s", uerr.msg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 's':
            g.store_path = optarg;
            break;
        case 'q':
            g.quiet = 1;
            break;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case 'V':
            printf("reqnav %s\n", RN_VERSION);
            return CLI_EXIT_OK;
        default:
            usage(stderr);
            return CLI_EXIT_USAGE;
        }
    }
    argc -= optind;
    argv += optind;
    if (check_start_options(&uo) != 0)
        return CLI_EXIT_USAGE;
    if (argc > 0) {
        for (i = 0; i < NCOMMANDS; i++) {
            if (strcmp(argv[0], commands[i].name) != 0)
                continue;
            if (uo.start_filter != NULL || uo.start_open != NULL) {
                cli_error("--filter and --open before a command are for "
                          "the explorer; give them after '%s'",
                          argv[0]);
                return CLI_EXIT_USAGE;
            }
            argc = take_store_option(&g, argc, argv);
            if (argc < 0) {
                cli_error("--store needs a file name");
                return CLI_EXIT_USAGE;
            }
            return commands[i].run(&g, argc, argv);
        }
        if (strcmp(argv[0], "help") == 0) {
            usage(stdout);
            return CLI_EXIT_OK;
        }
        if (check_first_path(argv[0]) != 0)
            return CLI_EXIT_USAGE;
    }
    return run_default(&g, &uo, argc, argv);
}
