/*
 * Views are vtables (tmux's window_mode, htop's PanelClass): each view is
 * one module (view_list.c, view_timeline.c, view_text.c) holding its
 * state, its keys and its drawing.  Drawing goes into a WINDOW passed in
 * (a terminal or the headless screen of the tests), with the primitives
 * and theme of tui/draw.c.
 */
#ifndef VIEW_H
#define VIEW_H

#include <curses.h>

#include "keys.h"
#include "state.h"

struct view_ops {
    const char *name;
    unsigned keys_in; /* KEYS_IN_* used to look bindings up */
    /* Handle an action (or a raw key when the action is ACT_NONE). */
    unsigned (*key)(struct state *s, struct view *v, enum keys_action a);
    /* The body height changed. */
    void (*resize)(struct state *s, struct view *v);
    /*
     * Search for s->search from the cursor: skip the cursor's own row
     * when next is set; incremental searches stay cheap (no store scan).
     * Returns 1 if found (cursor moved), 0 if not.
     */
    int (*search)(struct state *s, struct view *v, int back, int next,
                  int incremental);
    /* Free what the view owns. */
    void (*fini)(struct view *v);
    /* Draw the header line at y (already filled in the header colour). */
    void (*draw_header)(const struct state *s, WINDOW *w, int y);
    /* Draw the strip under the header, or NULL: the view has none. */
    void (*draw_strip)(const struct state *s, WINDOW *w, int y);
    /* Draw the column headings (lay->colhdr_y, colhdr_h lines), or NULL. */
    void (*draw_colhdr)(const struct state *s, WINDOW *w,
                        const struct state_layout *lay);
    /* Lines the column headings want (a wrapped diagnosis), NULL: one. */
    int (*colhdr_lines)(const struct state *s, const struct view *v);
    /* Draw the body (and the pane under it, if any). */
    void (*draw_body)(const struct state *s, WINDOW *w,
                      const struct state_layout *lay);
    /* Key hints for the status line; shortest: the narrow form. */
    const char *(*hints)(int shortest);
    /* Is the pane under the body shown (half the body), or NULL: never. */
    int (*pane)(const struct view *v);
};

extern const struct view_ops view_list_ops;
extern const struct view_ops view_timeline_ops;
extern const struct view_ops view_text_ops;
extern const struct view_ops view_causes_ops;

/* The ops of a view kind. */
const struct view_ops *view_ops_of(enum view_kind kind);

/* Push a new zeroed view of kind; NULL when the stack is full. */
struct view *state_push(struct state *s, enum view_kind kind);
/* Pop and free the top view (never the root list). */
void state_pop(struct state *s);
/* Pop views until a request list is on top. */
void state_pop_to_list(struct state *s);
/* The nearest list view under the top (the root at least). */
struct list_state *state_list(struct state *s);
/* Body height of the top view. */
int state_body_height(const struct state *s);
/* Record a store error on the status line. */
void state_store_error(struct state *s, const struct rn_err *err);

/* Request list (view_list.c). */
enum rn_rc view_list_init(struct state *s, struct list_state *l,
                          const char *filter_text, enum rq_order order,
                          struct rn_err *err);
/* Make the page show request id at screen row place (or the first page). */
void view_list_anchor_id(struct state *s, struct list_state *l, int64_t id,
                         int64_t top_id);
/* Replace the filter; returns RN_EINVAL with err on a bad expression. */
enum rn_rc view_list_set_filter(struct state *s, struct list_state *l,
                                const char *text, struct rn_err *err);
/*
 * Fetch the page again (the store changed under it), the cursor on its
 * request, or where that request stood if it is gone; recount.
 */
void view_list_reload(struct state *s, struct list_state *l);
/* Move to the first request starting at or after t. */
void view_list_goto_time(struct state *s, struct list_state *l, int64_t t);
/*
 * The next (forward) or previous failed request after request id in the
 * list's order and filter: *out gets its id, or 0 when there is none.
 */
enum rn_rc view_list_find_failed(struct state *s, struct list_state *l,
                                 int64_t id, int forward, int64_t *out,
                                 struct rn_err *err);
/* Toggle the mark of a request; updates the rows shown. */
void view_list_toggle_mark(struct state *s, int64_t id, int marked);
/* The request under the cursor, or NULL. */
const struct rq_row *view_list_current(const struct list_state *l);

/* Put a request's row at screen row place, filling the page around it. */
void view_list_anchor_row(struct state *s, struct list_state *l,
                          const struct rq_row *r, size_t place);

/*
 * Slow list queries in slices (list_scan.c).  A fill brings up to want
 * rows matching the list's filter past from (NULL: the list's start or
 * end) into the page; a search (f owned) moves the cursor to the first
 * match past from, starting over from the list's start once; a count
 * sets l->count.  Each replaces a running scan of its kind.
 */
void list_scan_fill(struct state *s, struct list_state *l,
                    const struct rq_pos *from, int forward, size_t want,
                    enum scan_cursor cur);
void list_scan_search(struct state *s, struct list_state *l, struct filter *f,
                      const struct rq_pos *from, int forward);
void list_scan_count(struct state *s, struct list_state *l);
/* Count every request into s->total, in slices. */
void list_scan_totals(struct state *s);
/* Stop l's fill or search (its progress message too); 1 if one ran. */
int list_scan_stop(struct state *s, struct list_state *l);
/* Is a fill of l's page running? */
int list_scan_filling(const struct list_state *l);
/* The fill or search just started tries the list query itself in its
 * first slice (under STATE_QUERY_MS) before it scans: the key that
 * started it runs no query of its own. */
void list_scan_direct(struct list_state *l);
/* Count l again from scratch (its rows changed: a mark). */
void list_scan_recount(struct state *s, struct list_state *l);
/* Is a fill or search (what the user waits for) pending in any list? */
int list_scan_waited(struct state *s);
/* Stop every scan of l, the count too (the list is going away). */
void list_scan_fini(struct list_state *l);
/*
 * The next size of a piece of background work (a window of requests, a
 * span of ids, histogram bins) that took ns: about STATE_SLICE_MS, within
 * [lo, hi].
 */
int64_t list_scan_size(int64_t size, int64_t ns, int64_t lo, int64_t hi);
/* Run one slice of the first pending scan of any list; 1 if any remain. */
int list_scan_step(struct state *s);

/* Timeline (view_timeline.c): open request id with the cursor on the
 * event with role (or -1) or uid (or 0). */
enum rn_rc view_timeline_open(struct state *s, int64_t id, int role,
                              int64_t uid, struct rn_err *err);
/*
 * Read an open timeline again (the store changed): events, request, the
 * cursor on the same event (or the same place).
 */
void view_timeline_reload(struct state *s, struct view *v);
/* Move to the event with role; message when the request has none. */
void view_timeline_jump_role(struct state *s, struct tl_state *t, int role);
/*
 * The detail pane of the cursor's event as sanitised lines: its fields
 * one per line, then its raw source text (or a hex view of binary raw
 * data), each wrapped whole to width columns (0: not wrapped).  Malloc'd array
 * of malloc'd strings; free with view_timeline_detail_free.
 */
char **view_timeline_detail(const struct tl_state *t, size_t width, size_t *n);
void view_timeline_detail_free(char **lines, size_t n);

/* Text page (view_text.c): takes ownership of lines. */
void view_text_open(struct state *s, const char *title, char **lines, size_t n);
/* The help page, from the key table. */
void view_text_help(struct state *s);
/* The sources page: every imported file, its state, counts, problems. */
void view_text_sources(struct state *s);
/* The failures-by-cause summary (view_causes.c); Enter filters to one. */
void view_causes_open(struct state *s);
/* Run read-only SQL and show the result. */
void view_text_sql(struct state *s, const char *sql);

/*
 * The : commands (commands.c), a table beside the key table: the help
 * page lists both.  run gets the text after the command word.
 */
struct cmd_entry {
    const char *name;
    const char *alias; /* NULL: none */
    const char *args;  /* synopsis, "" none */
    const char *help;
    unsigned (*run)(struct state *s, char *arg);
};

/* The command table, terminated by a NULL name; static. */
const struct cmd_entry *cmd_table(void);

#endif
