/*
 * Entry point of the interactive front end for the composition root
 * (tui/main.c): `reqnav [--store F] [PATH...]` with no subcommand calls
 * ui_run() once the store is open and PATHs are imported.
 */
#ifndef UI_H
#define UI_H

#include <stdint.h>

#include "rn_err.h"
#include "state.h"
#include "store.h"

struct ui_options {
    const char *store_name;     /* shown in the header (borrowed) */
    state_export_fn *export_fn; /* NULL: "export not available yet" */
    /* Start-up options (state_start_at): NULL keeps the saved state. */
    const char *start_filter; /* --filter EXPR */
    const char *start_open;   /* --open ID|KEY */
    /* Hidden options for tests and benchmarks (ui_options_parse). */
    int headless;     /* --headless: no terminal, print screen */
    int rows, cols;   /* --size COLSxROWS (headless) */
    const char *keys; /* --keys SCRIPT (keys.h syntax) */
    const char *term; /* --term NAME (headless, default xterm) */
    int attrs;        /* --attrs: print attribute lines too */
    int timing;       /* --timing: per-key latency on stderr */
    int scan_only;    /* every list query a scan in slices (fuzzing) */
};

/* Defaults: interactive, 80x24 headless size, no keys. */
void ui_options_init(struct ui_options *o);

/*
 * Set a front-end option by its long name without dashes: "headless",
 * "size" (COLSxROWS), "keys", "term", "attrs", "timing", "filter",
 * "open"; value is NULL
 * for flags.  RN_EINVAL with a message for an unknown name or bad value.
 */
enum rn_rc ui_options_set(struct ui_options *o, const char *name,
                          const char *value, struct rn_err *err);

/*
 * Run the interface until the user quits.  Restores the terminal on
 * every exit path.  Returns RN_OK, or an error when the terminal could
 * not be set up or the store failed.
 */
enum rn_rc ui_run(struct store *st, const struct ui_options *opt,
                  struct rn_err *err);

#endif
