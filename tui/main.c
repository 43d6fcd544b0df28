/*
 * reqnav's composition root: global options, the subcommand table, and
 * wiring of importers, store and front end.  The only file that sees all
 * three layers.
 */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "importer.h"
#include "store.h"
#include "ui.h"

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
     "sources\n        the imported files, with their state and problems"},
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
    int status = CLI_EXIT_OK;
    char a0[] = "requests", a1[] = "--order", a2[] = "failures";
    char *list_argv[] = {a0, a1, a2, NULL};

    if (argc > 0) {
        memset(&opt, 0, sizeof opt);
        opt.clock_offset_ns = STORE_NONE;
        st = cli_open_store(g->store_path, 0);
        if (st == NULL)
            return CLI_EXIT_INPUT;
        status = cli_import_paths(st, &opt, argv, argc, g->quiet);
        store_close(st);
        if (status == 130)
            return status;
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
        int s = cli_requests(g, 3, list_argv);

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
    if (argc > 0) {
        for (i = 0; i < NCOMMANDS; i++) {
            if (strcmp(argv[0], commands[i].name) != 0)
                continue;
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
    }
    return run_default(&g, &uo, argc, argv);
}
