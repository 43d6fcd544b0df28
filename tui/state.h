/*
 * The state machine of the interactive front end, without curses: the
 * view stack (request list, timeline, text pages), the prompt (search,
 * filter, command line, export questions), search and status messages,
 * background jobs (totals, filtered count, overview histogram) and the
 * persistent UI state.  Key handlers change this state and return UI_*
 * flags; tui/draw.c reads it and draws.  Unit tests drive it directly.
 */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"
#include "query.h"
#include "query_ui.h"
#include "rn_err.h"
#include "store.h"

/* Results of a key handler (bit mask). */
#define UI_HANDLED 0x1
#define UI_IGNORED 0x2
#define UI_REDRAW  0x4
#define UI_RELOAD  0x8
#define UI_QUIT    0x10

/* Parts of the screen to redraw (bit mask). */
#define DIRTY_HEADER 0x1
#define DIRTY_STRIP  0x2
#define DIRTY_BODY   0x4
#define DIRTY_STATUS 0x8
#define DIRTY_ALL    0xf

/* Background jobs run when the user is idle (bit mask). */
#define JOB_TOTALS 0x1
#define JOB_HIST   0x2
#define JOB_COUNT  0x4
#define JOB_SCAN   0x8  /* a list fill or search in slices (list_scan.c) */
#define JOB_HOSTS  0x10 /* whether URLs name several hosts (jobs.c) */

/*
 * Keystrokes stay quick on stores of millions of requests: a list query
 * gets STATE_QUERY_MS; one that needs longer (a filter or search no index
 * serves) goes on as a scan in slices of about STATE_SLICE_MS, run between
 * keystrokes.
 */
#define STATE_QUERY_MS 15
#define STATE_SLICE_MS 12

#define STATE_MAX_VIEWS   8
#define STATE_PROMPT_MAX  1024
#define STATE_HISTORY_MAX 20

enum view_kind {
    VIEW_LIST = 0,
    VIEW_TIMELINE,
    VIEW_TEXT,
    VIEW_CAUSES,
    VIEW_KIND_COUNT
};

enum scan_kind { SCAN_NONE = 0, SCAN_FILL, SCAN_SEARCH, SCAN_COUNT };

/* Where the cursor goes as a fill brings rows in. */
enum scan_cursor {
    SCAN_CUR_KEEP = 0, /* stays on its row */
    SCAN_CUR_NEW,      /* onto the newest row (scrolling past the page) */
    SCAN_CUR_LAST      /* on the last row (End) */
};

/* A slow list query run in slices between keystrokes (list_scan.c). */
struct list_scan {
    enum scan_kind kind; /* SCAN_NONE: idle */
    int forward;
    struct filter *f;     /* search: the list's filter plus text:; owned */
    struct rq_scan sc;    /* where the scan stands */
    size_t window;        /* requests a slice looks at (adapts to time) */
    size_t want;          /* fill: rows still wanted */
    enum scan_cursor cur; /* fill: cursor rule */
    int wrapped;          /* search: started over from the list's start */
    int64_t cur_id;       /* search: the cursor's request when it began */
    int direct;           /* the next slice runs the list query itself
                             under STATE_QUERY_MS (scan_direct) */
    int have_origin;      /* began at origin (else at the list's start) */
    struct rq_pos origin; /* where it began */
    char *pattern;        /* search: the pattern, for messages; owned */
    int64_t found;        /* count: matches so far */
    int64_t next_id;      /* count: the next piece starts at this id */
    int64_t span;         /* count: ids a piece covers (adapts to time) */
    int64_t shown_ns;     /* when progress was last put on the status line */
};

/* The request list (the start screen, and the list of marked requests). */
struct list_state {
    struct filter *filter; /* owned; NULL: every request */
    char *filter_text;     /* owned; "" when none */
    enum rq_order order;
    int marks_only;         /* the `M` list: filter is marked:yes */
    struct rq_row *rows;    /* the visible page, in list order; owned */
    size_t n;               /* rows filled */
    size_t cap;             /* rows allocated (the body height) */
    size_t cur;             /* cursor index in rows */
    int64_t count;          /* rows matching the filter, -1 unknown */
    struct list_scan scan;  /* fill or search running in slices */
    struct list_scan cscan; /* count running in slices */
};

/* Display cache of one timeline event (sanitised strings, owned). */
struct tl_line {
    char *rel;    /* "+401000" */
    char *pos;    /* "ETW #441" */
    char *name;   /* event name */
    char *fields; /* "k=v  k=v" */
};

/* The timeline of one request. */
struct tl_state {
    struct rq_row req;    /* owned */
    struct ev_row *ev;    /* owned, time order */
    struct tl_line *disp; /* owned, one per event */
    size_t n;
    size_t cur, top;   /* cursor and first visible event */
    int detail;        /* detail pane shown */
    size_t detail_top; /* first visible line of the detail pane */
};

/* A page of text: help, SQL results. */
struct text_state {
    char *title;  /* owned */
    char **lines; /* owned, sanitised */
    size_t n, top;
    int help_cols; /* the help page, built for this width; 0 other pages */
};

/* The failures-by-cause summary (view_causes.c). */
struct causes_state {
    struct cause_row *rows; /* owned, most requests first */
    size_t n, cur, top;
};

struct view {
    enum view_kind kind;
    union {
        struct list_state list;
        struct tl_state tl;
        struct text_state text;
        struct causes_state causes;
    } u;
};

enum prompt_kind {
    PROMPT_NONE = 0,
    PROMPT_SEARCH_FWD,
    PROMPT_SEARCH_BACK,
    PROMPT_FILTER,
    PROMPT_COMMAND,
    PROMPT_EXPORT_FMT,
    PROMPT_EXPORT_PATH,
    PROMPT_CONFIRM
};

struct prompt {
    enum prompt_kind kind;
    char text[STATE_PROMPT_MAX]; /* UTF-8 typed so far */
    int hist;                    /* position in history, -1 none */
    int64_t origin_id;           /* list/timeline cursor when opened */
    size_t origin_cur, origin_top;
};

/*
 * Export hook (wired by tui/main.c to the report module): export the
 * requests ids[0..n) (ids NULL: the marked ones) in format to path.
 */
typedef enum rn_rc state_export_fn(struct store *st, const int64_t *ids,
                                   size_t n, const char *format,
                                   const char *path, struct rn_err *err);

/* A screen layout computed from the terminal size and the top view. */
struct state_layout {
    int header_y; /* header line */
    int strip_y;  /* overview strip / phase bar, or -1 */
    int colhdr_y; /* column headings, or -1 */
    int colhdr_h; /* their lines (a wrapped diagnosis above them) */
    int body_y, body_h;
    int detail_y, detail_h; /* timeline detail pane, h 0 when hidden */
    int status_y;
};

struct state {
    struct store *st; /* borrowed */
    char *store_name; /* owned, sanitised, for the header */
    int rows, cols;
    struct view views[STATE_MAX_VIEWS];
    int depth; /* views in use; views[depth - 1] is on top */
    struct prompt prompt;
    char search[STATE_PROMPT_MAX];    /* active search, "" none */
    int search_back;                  /* the active search runs backward (?) */
    char msg[RN_ERR_MSG_MAX + 64];    /* status message, "" none */
    int msg_err;                      /* msg is an error */
    int msg_scan;                     /* msg is a scan's progress */
    unsigned dirty;                   /* DIRTY_* */
    unsigned jobs;                    /* JOB_* still to run */
    int persist_dirty;                /* UI state changed since the last save */
    int64_t total, failed, events;    /* totals, -1 until known */
    int64_t marked;                   /* marked requests, -1 until known */
    int many_hosts;                   /* URLs name several hosts */
    struct query_ui_hosts hosts;      /* finding many_hosts: the walk so far */
    int hosts_walk;                   /* 1: that walk is under way */
    int hosts_stalls;                 /* its steps in a row that read no id */
    int show_ids;                     /* the list shows request ids (i) */
    int64_t data_version;             /* the store's, when last polled */
    int have_version;                 /* data_version was read */
    int64_t poll_ns;                  /* when it was last polled */
    struct query_ui_hist hist;        /* overview; hist.n 0 until known */
    size_t hist_next, hist_step;      /* building it: next bin, bins a step */
    char hist_stamp[96];              /* the totals it was built for */
    char *history[STATE_HISTORY_MAX]; /* filter history, newest first */
    size_t nhistory;
    char *export_fmt;           /* between the two export questions; owned */
    char *export_path;          /* waiting for the overwrite answer; owned */
    state_export_fn *export_fn; /* NULL: export not available */
    struct list_scan tscan;     /* counts total in slices (list_scan.c) */
    /* The time a list query gets before it goes on as a scan in slices;
     * < 0: every list query is a scan (tests use it to drive scans). */
    int64_t query_us;
};

/* Create the state over an open store; name is shown in the header. */
struct state *state_new(struct store *st, const char *name);
void state_free(struct state *s);

/*
 * Size the screen and restore the saved UI state (order, filter, cursor,
 * open request, search); fetch the first page.  Failures to restore are
 * reported on the status line, not returned; only store errors are.
 */
enum rn_rc state_start(struct state *s, int rows, int cols, struct rn_err *err);

/*
 * Start-up options (`--filter`, `--open`), applied after state_start over
 * the restored state: the list gets filter (if not NULL) and the timeline
 * of open (an id or a request key; if not NULL) is opened.  RN_EINVAL for
 * a bad filter, RN_ENOTFOUND for an unknown request, with err set.
 */
enum rn_rc state_start_at(struct state *s, const char *filter, const char *open,
                          struct rn_err *err);

/* The terminal changed size. */
void state_resize(struct state *s, int rows, int cols);

/* Handle one key (keys.h codes); returns UI_* flags. */
unsigned state_key(struct state *s, int key);

/* Run one background job; returns non-zero while jobs remain. */
int state_idle(struct state *s);

/*
 * Has another process changed the store (PRAGMA data_version)?  Asked at
 * most every quarter second unless force; when it has, everything shown
 * is read again (state_refresh) and 1 is returned.
 */
int state_poll(struct state *s, int force);
/* Read again everything shown, keeping cursors on their requests. */
void state_refresh(struct state *s);

/* Save the UI state into the store if it changed; errors on the status. */
void state_save(struct state *s);

/* Top view. */
struct view *state_top(struct state *s);
const struct view *state_top_const(const struct state *s);

/* The layout of the top view for the current size. */
void state_layout(const struct state *s, struct state_layout *lay);

/* Put a message on the status line (err != 0: shown as an error). */
void state_message(struct state *s, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The prompt's label ("/", "filter: ", ...). */
const char *state_prompt_label(const struct state *s);

#endif
