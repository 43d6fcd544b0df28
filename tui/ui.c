/*
 * The terminal side of the front end: setting the terminal up (with
 * fallbacks for an unknown TERM, NO_COLOR, non-UTF-8 locales), the main
 * loop (one wget_wch with a timeout, background jobs when idle, one
 * doupdate per iteration, KEY_RESIZE), signal handling that always
 * restores the terminal and saves the UI state, and the headless mode
 * used by golden-screen tests and the benchmark: the same state and
 * drawing code over a curses screen writing to /dev/null, whose final
 * contents (curscr) are printed as text.
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* wcwidth */
#endif
#include "ui.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "draw.h"
#include "keys.h"
#include "rn_json.h"
#include "rn_time.h"
#include "sanitize.h"
#include "xmalloc.h"

#define UI_TIMEOUT_MS 100
#define UI_MAX_SCRIPT 65536

static volatile sig_atomic_t ui_stop; /* SIGINT/SIGTERM/SIGHUP seen */
static int ui_curses_up;              /* endwin() owed */

void
ui_options_init(struct ui_options *o)
{
    memset(o, 0, sizeof *o);
    o->rows = 24;
    o->cols = 80;
}

enum rn_rc
ui_options_set(struct ui_options *o, const char *name, const char *value,
               struct rn_err *err)
{
    struct keys_event ev;
    char spec[64];
    size_t bad;

    if (strcmp(name, "headless") == 0) {
        o->headless = 1;
    } else if (strcmp(name, "attrs") == 0) {
        o->attrs = 1;
    } else if (strcmp(name, "timing") == 0) {
        o->timing = 1;
    } else if (value == NULL) {
        return rn_err_set(err, RN_EINVAL, "--%s needs a value", name);
    } else if (strcmp(name, "keys") == 0) {
        o->keys = value;
    } else if (strcmp(name, "filter") == 0) {
        o->start_filter = value;
    } else if (strcmp(name, "open") == 0) {
        o->start_open = value;
    } else if (strcmp(name, "term") == 0) {
        o->term = value;
    } else if (strcmp(name, "size") == 0) {
        snprintf(spec, sizeof spec, "<resize:%s>", value);
        if (keys_parse_script(spec, &ev, 1, &bad) != 1 ||
            ev.key != KEYS_RESIZE || ev.cols > 1000 || ev.rows > 1000)
            return rn_err_set(err, RN_EINVAL,
                              "--size: expected COLSxROWS, got %s", value);
        o->cols = ev.cols;
        o->rows = ev.rows;
    } else {
        return rn_err_set(err, RN_EINVAL, "unknown option --%s", name);
    }
    return RN_OK;
}

/* Monotonic time in ms. */
static double
ui_now_ms(void)
{
    return (double)rn_time_mono_ns() / 1e6;
}

/* Leave curses (fatal hook and every exit path); idempotent. */
static void
ui_restore(void)
{
    if (ui_curses_up) {
        ui_curses_up = 0;
        endwin();
    }
}

/* Remember a request to stop; the loop notices at the next timeout. */
static void
ui_on_signal(int sig)
{
    (void)sig;
    ui_stop = 1;
}

/* Install handlers (before curses, so it keeps them). */
static void
ui_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = ui_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* Is the locale's character set UTF-8? */
static int
ui_locale_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);

    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Colour mode from NO_COLOR and the terminal's capabilities. */
static enum draw_mode
ui_color_mode(void)
{
    const char *nc = getenv("NO_COLOR");

    if ((nc != NULL && nc[0] != '\0') || !has_colors())
        return DRAW_MONO;
    if (start_color() != OK)
        return DRAW_MONO;
    if (COLORS >= 256)
        return DRAW_256;
    if (COLORS >= 16)
        return DRAW_16;
    if (COLORS >= 8)
        return DRAW_8;
    return DRAW_MONO;
}

/* Translate a curses key into a keys.h code; -1 to ignore. */
static int
ui_translate(int rc, wint_t wc)
{
    if (rc == OK) {
        if (wc == '\r' || wc == '\n')
            return KEYS_ENTER;
        if (wc == 27)
            return KEYS_ESC;
        if (wc == '\t')
            return KEYS_TAB;
        if (wc == 127 || wc == 8)
            return KEYS_BACKSPACE;
        return (int)wc;
    }
    switch (wc) {
    case KEY_UP:
        return KEYS_UP;
    case KEY_DOWN:
        return KEYS_DOWN;
    case KEY_LEFT:
        return KEYS_LEFT;
    case KEY_RIGHT:
        return KEYS_RIGHT;
    case KEY_PPAGE:
        return KEYS_PGUP;
    case KEY_NPAGE:
        return KEYS_PGDN;
    case KEY_HOME:
    case KEY_A1:
        return KEYS_HOME;
    case KEY_END:
    case KEY_C1:
        return KEYS_END;
    case KEY_ENTER:
        return KEYS_ENTER;
    case KEY_BACKSPACE:
        return KEYS_BACKSPACE;
    case KEY_DC:
        return KEYS_DELETE;
    case KEY_F(1):
        return KEYS_F1;
    case KEY_RESIZE:
        return KEYS_RESIZE;
    default:
        return -1;
    }
}

/* Draw what is dirty and send it: one doupdate per loop iteration. */
static void
ui_paint(struct state *s, WINDOW *w, int interactive)
{
    int cy, cx;

    if (s->dirty != 0) {
        draw_screen(s, w, s->dirty);
        s->dirty = 0;
    }
    draw_cursor(s, &cy, &cx);
    if (interactive)
        curs_set(cy >= 0 ? 1 : 0);
    if (cy >= 0)
        wmove(w, cy, cx);
    wnoutrefresh(w);
    doupdate();
}

/*
 * Does the terminfo database know term?  Asked through setupterm first
 * because a failing newterm() leaks its pre-screen in ncurses 6.4.
 */
static int
ui_term_known(const char *term, int fd)
{
    TERMINAL *saved = cur_term, *t;
    int errret = 0;

    if (term == NULL || term[0] == '\0')
        return 0;
    if (setupterm(term, fd, &errret) != OK || errret != 1)
        return 0;
    t = cur_term;
    set_curterm(saved);
    del_curterm(t);
    return 1;
}

/* Open a curses screen on the terminal, falling back on basic types. */
static SCREEN *
ui_newterm(FILE *out, FILE *in, const char **used)
{
    static const char *const fallbacks[] = {"vt100", "ansi", "dumb", NULL};
    const char *term = getenv("TERM");
    SCREEN *scr = NULL;
    int i;

    *used = term;
    if (ui_term_known(term, fileno(out)))
        scr = newterm(term, out, in);
    for (i = 0; scr == NULL && fallbacks[i] != NULL; i++) {
        *used = fallbacks[i];
        if (ui_term_known(fallbacks[i], fileno(out)))
            scr = newterm(fallbacks[i], out, in);
    }
    return scr;
}

/* Set the modes both front ends use on the window. */
static void
ui_window_modes(WINDOW *w)
{
    keypad(w, TRUE);
    wtimeout(w, UI_TIMEOUT_MS);
    leaveok(w, FALSE);
}

/* The interactive loop. */
static enum rn_rc
ui_interactive(struct store *st, const struct ui_options *opt,
               struct rn_err *err)
{
    struct state *s = NULL;
    SCREEN *scr;
    WINDOW *w = NULL;
    const char *used = NULL;
    enum rn_rc rc = RN_OK;
    unsigned flags;
    wint_t wc;
    int r, key;

    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return rn_err_set(err, RN_EINVAL,
                          "the interface needs a terminal (use reqnav "
                          "requests for scripts)");
    ui_signals();
    scr = ui_newterm(stdout, stdin, &used);
    if (scr == NULL)
        return rn_err_set(err, RN_EINVAL,
                          "cannot set up the terminal (TERM=%s)",
                          used != NULL ? used : "");
    set_term(scr);
    ui_curses_up = 1;
    xmalloc_set_fatal_hook(ui_restore);
    cbreak();
    noecho();
    nonl();
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    draw_setup(ui_color_mode(), ui_locale_utf8());
    w = newwin(LINES, COLS, 0, 0);
    if (w == NULL) {
        rc = rn_err_set(err, RN_ENOMEM, "cannot create the screen window");
        goto out;
    }
    ui_window_modes(w);
    s = state_new(st, opt->store_name);
    s->export_fn = opt->export_fn;
    if (opt->scan_only)
        s->query_us = -1;
    rc = state_start(s, LINES, COLS, err);
    if (rc == RN_OK)
        rc = state_start_at(s, opt->start_filter, opt->start_open, err);
    if (rc != RN_OK)
        goto out;
    while (!ui_stop) {
        ui_paint(s, w, 1);
        /* Background jobs run in steps of a few milliseconds whenever no
         * key is waiting; saving the UI state waits for a pause. */
        wtimeout(w, s->jobs != 0 ? 0 : UI_TIMEOUT_MS);
        r = wget_wch(w, &wc);
        if (r == ERR) {
            if (s->jobs != 0 || s->persist_dirty)
                state_idle(s);
            state_poll(s, 0);
            continue;
        }
        key = ui_translate(r, wc);
        if (key == KEYS_RESIZE) {
            wresize(w, LINES, COLS);
            state_resize(s, LINES, COLS);
            continue;
        }
        if (key < 0)
            continue;
        flags = state_key(s, key);
        if (flags & UI_RELOAD)
            clearok(curscr, TRUE);
        if (flags & UI_QUIT)
            break;
    }
    state_save(s);
out:
    state_free(s);
    if (w != NULL)
        delwin(w);
    ui_restore();
    delscreen(scr);
    xmalloc_set_fatal_hook(NULL);
    return rc;
}

/* Name of a key for timing output. */
static const char *
ui_key_name(int key, char *buf, size_t n)
{
    const struct keys_binding *b;

    for (b = keys_table(); b->key != 0; b++)
        if (b->key == key)
            return b->name;
    if (key == KEYS_RESIZE)
        return "resize";
    if (key > 0x20 && key < 0x7F)
        snprintf(buf, n, "%c", key);
    else
        snprintf(buf, n, "U+%04X", (unsigned)key);
    return buf;
}

/* Print the screen (curscr) as text, trailing blanks removed. */
static void
ui_dump(int attrs)
{
    wchar_t line[1024];
    char out[4096], al[1025];
    int y, x, n;

    for (y = 0; y < LINES; y++) {
        n = mvwinnwstr(curscr, y, 0, line, COLS < 1023 ? COLS : 1023);
        if (n == ERR)
            n = 0;
        line[n] = L'\0';
        while (n > 0 && line[n - 1] == L' ')
            line[--n] = L'\0';
        if (wcstombs(out, line, sizeof out) == (size_t)-1)
            snprintf(out, sizeof out, "<unprintable>");
        printf("%s\n", out);
        if (!attrs)
            continue;
        for (x = 0; x < COLS && x < 1024; x++) {
            cchar_t cc;
            attr_t a = 0;
            short pair = 0;
            wchar_t wch[CCHARW_MAX + 1];

            al[x] = ' ';
            if (mvwin_wch(curscr, y, x, &cc) == ERR)
                continue;
            getcchar(&cc, wch, &a, &pair, NULL);
            if (a & A_REVERSE)
                al[x] = 'R';
            else if (pair > 0)
                al[x] = (char)('a' + (pair - 1) % 26);
            else if (a & A_BOLD)
                al[x] = 'B';
            else if (a & A_UNDERLINE)
                al[x] = 'U';
        }
        n = x;
        while (n > 0 && al[n - 1] == ' ')
            n--;
        al[n] = '\0';
        if (n > 0)
            printf("A %s\n", al);
    }
}

/* Background work after a key: total time, steps, the longest step. */
struct ui_idle_stats {
    double total_ms, max_ms;
    int steps;
};

/* Run background jobs to completion (headless: deterministic screens). */
static void
ui_idle_all(struct state *s, struct ui_idle_stats *st)
{
    double t0 = ui_now_ms(), t;

    memset(st, 0, sizeof *st);
    while (s->jobs != 0) {
        t = ui_now_ms();
        state_idle(s);
        t = ui_now_ms() - t;
        if (t > st->max_ms)
            st->max_ms = t;
        st->steps++;
    }
    st->total_ms = ui_now_ms() - t0;
}

/* The headless front end: keys from a script, screen printed at the end. */
static enum rn_rc
ui_headless(struct store *st, const struct ui_options *opt, double t_start,
            struct rn_err *err)
{
    struct keys_event *keys = NULL;
    struct state *s = NULL;
    FILE *out = NULL, *in = NULL;
    SCREEN *scr = NULL;
    WINDOW *w = NULL;
    enum rn_rc rc = RN_OK;
    char name[32];
    int n = 0, i;
    size_t bad = 0;
    double t;
    struct ui_idle_stats idle;

    if (opt->keys != NULL) {
        keys = xcalloc(UI_MAX_SCRIPT, sizeof *keys);
        n = keys_parse_script(opt->keys, keys, UI_MAX_SCRIPT, &bad);
        if (n < 0) {
            rc = rn_err_set(err, RN_EINVAL, "--keys: bad key at offset %zu",
                            bad);
            goto out;
        }
    }
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    if (out == NULL || in == NULL) {
        rc = rn_err_set(err, RN_EIO, "/dev/null: %s", strerror(errno));
        goto out;
    }
    if (ui_term_known(opt->term != NULL ? opt->term : "xterm", fileno(out)))
        scr = newterm(opt->term != NULL ? opt->term : "xterm", out, in);
    if (scr == NULL) {
        rc = rn_err_set(err, RN_EINVAL, "headless: unknown terminal %s",
                        opt->term != NULL ? opt->term : "xterm");
        goto out;
    }
    set_term(scr);
    resizeterm(opt->rows, opt->cols);
    draw_setup(ui_color_mode(), ui_locale_utf8());
    w = newwin(LINES, COLS, 0, 0);
    s = state_new(st, opt->store_name);
    s->export_fn = opt->export_fn;
    if (opt->scan_only)
        s->query_us = -1;
    rc = state_start(s, LINES, COLS, err);
    if (rc == RN_OK)
        rc = state_start_at(s, opt->start_filter, opt->start_open, err);
    if (rc != RN_OK)
        goto out;
    ui_paint(s, w, 0);
    if (opt->timing)
        fprintf(stderr, "first-screen %.2f ms\n", ui_now_ms() - t_start);
    ui_idle_all(s, &idle);
    if (opt->timing)
        fprintf(stderr, "background %.2f ms (%d steps, longest %.2f ms)\n",
                idle.total_ms, idle.steps, idle.max_ms);
    ui_paint(s, w, 0);
    for (i = 0; i < n; i++) {
        unsigned flags = 0;

        t = ui_now_ms();
        if (keys[i].key == KEYS_RESIZE) {
            resizeterm(keys[i].rows, keys[i].cols);
            wresize(w, LINES, COLS);
            state_resize(s, LINES, COLS);
        } else {
            flags = state_key(s, keys[i].key);
        }
        ui_paint(s, w, 0);
        if (opt->timing)
            fprintf(stderr, "key %s %.2f ms\n",
                    ui_key_name(keys[i].key, name, sizeof name),
                    ui_now_ms() - t);
        ui_idle_all(s, &idle);
        if (opt->timing && idle.steps > 0)
            fprintf(stderr, "jobs %s %.2f ms (%d steps, longest %.2f ms)\n",
                    ui_key_name(keys[i].key, name, sizeof name), idle.total_ms,
                    idle.steps, idle.max_ms);
        ui_paint(s, w, 0);
        if (flags & UI_QUIT)
            break;
    }
    state_save(s);
    ui_dump(opt->attrs);
out:
    state_free(s);
    if (w != NULL)
        delwin(w);
    if (scr != NULL) {
        endwin();
        delscreen(scr);
    }
    if (out != NULL)
        fclose(out);
    if (in != NULL)
        fclose(in);
    free(keys);
    return rc;
}

enum rn_rc
ui_run(struct store *st, const struct ui_options *opt, struct rn_err *err)
{
    double t0 = ui_now_ms();

    setlocale(LC_ALL, "");
    if (opt->headless)
        return ui_headless(st, opt, t0, err);
    return ui_interactive(st, opt, err);
}
