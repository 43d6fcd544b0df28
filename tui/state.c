/*
 * The front end's state machine: the view stack and the key dispatch.
 * state_key() routes a key either to the open prompt (editor.c) or, via
 * the binding table, to the top view's vtable (view_list.c,
 * view_timeline.c, view_text.c).  Handlers change state, set dirty bits
 * and return UI_* flags.  The rest lives in modules of its own (see
 * state_impl.h): layout, persistence, jobs, the histogram cache, the
 * line editor, the : commands and the export flow.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "sanitize.h"
#include "state_impl.h"
#include "view.h"
#include "xmalloc.h"

const struct view_ops *
view_ops_of(enum view_kind kind)
{
    switch (kind) {
    case VIEW_TIMELINE:
        return &view_timeline_ops;
    case VIEW_TEXT:
        return &view_text_ops;
    case VIEW_CAUSES:
        return &view_causes_ops;
    case VIEW_LIST:
    default:
        return &view_list_ops;
    }
}

struct state *
state_new(struct store *st, const char *name)
{
    struct state *s = xcalloc(1, sizeof *s);

    s->st = st;
    s->store_name = sanitize_dup(name != NULL ? name : "");
    s->rows = 24;
    s->cols = 80;
    s->total = s->failed = s->events = s->marked = -1;
    s->dirty = DIRTY_ALL;
    s->query_us = (int64_t)STATE_QUERY_MS * 1000;
    return s;
}

void
state_free(struct state *s)
{
    size_t i;

    if (s == NULL)
        return;
    while (s->depth > 0) {
        view_ops_of(s->views[s->depth - 1].kind)->fini(&s->views[s->depth - 1]);
        s->depth--;
    }
    for (i = 0; i < s->nhistory; i++)
        free(s->history[i]);
    query_ui_hist_fini(&s->hist);
    query_ui_hosts_fini(&s->hosts);
    free(s->export_fmt);
    free(s->export_path);
    free(s->store_name);
    free(s);
}

struct view *
state_top(struct state *s)
{
    return &s->views[s->depth - 1];
}

const struct view *
state_top_const(const struct state *s)
{
    return &s->views[s->depth - 1];
}

struct view *
state_push(struct state *s, enum view_kind kind)
{
    struct view *v;

    if (s->depth >= STATE_MAX_VIEWS) {
        state_message(s, 1, "too many views open");
        return NULL;
    }
    v = &s->views[s->depth++];
    memset(v, 0, sizeof *v);
    v->kind = kind;
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    return v;
}

void
state_pop(struct state *s)
{
    if (s->depth <= 1)
        return;
    view_ops_of(state_top(s)->kind)->fini(state_top(s));
    s->depth--;
    s->dirty = DIRTY_ALL;
    s->persist_dirty = 1;
    /* The size may have changed while the view was covered. */
    view_ops_of(state_top(s)->kind)->resize(s, state_top(s));
}

void
state_pop_to_list(struct state *s)
{
    while (s->depth > 1 && state_top(s)->kind != VIEW_LIST)
        state_pop(s);
}

struct list_state *
state_list(struct state *s)
{
    int i;

    for (i = s->depth - 1; i > 0; i--)
        if (s->views[i].kind == VIEW_LIST)
            return &s->views[i].u.list;
    return &s->views[0].u.list;
}

void
state_message(struct state *s, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    s->msg_err = err;
    s->msg_scan = 0;
    s->dirty |= DIRTY_STATUS;
}

void
state_store_error(struct state *s, const struct rn_err *err)
{
    state_message(s, 1, "%s", err->msg[0] ? err->msg : "store error");
}

void
state_resize(struct state *s, int rows, int cols)
{
    int i;

    s->rows = rows < 1 ? 1 : rows;
    s->cols = cols < 1 ? 1 : cols;
    /* Views below the top are resized when they are uncovered. */
    for (i = 0; i < s->depth; i++)
        if (i == s->depth - 1)
            view_ops_of(s->views[i].kind)->resize(s, &s->views[i]);
    s->dirty = DIRTY_ALL;
}

unsigned
state_key(struct state *s, int key)
{
    struct view *v;
    const struct view_ops *ops;
    enum keys_action a;

    if (s->depth == 0 || key == KEYS_RESIZE)
        return UI_IGNORED;
    if (s->prompt.kind != PROMPT_NONE)
        return state_prompt_key(s, key);
    if (s->msg[0] != '\0') {
        s->msg[0] = '\0';
        s->dirty |= DIRTY_STATUS;
    }
    v = state_top(s);
    ops = view_ops_of(v->kind);
    a = keys_lookup(key, ops->keys_in);
    switch (a) {
    case ACT_HELP:
        view_text_help(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_SOURCES:
        view_text_sources(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_CAUSES:
        view_causes_open(s);
        return UI_HANDLED | UI_REDRAW;
    case ACT_COMMAND:
        return state_prompt_open(s, PROMPT_COMMAND, "");
    case ACT_SEARCH_FWD:
        return state_prompt_open(s, PROMPT_SEARCH_FWD, "");
    case ACT_SEARCH_BACK:
        return state_prompt_open(s, PROMPT_SEARCH_BACK, "");
    case ACT_FILTER:
        return state_prompt_open(s, PROMPT_FILTER, state_list(s)->filter_text);
    case ACT_EXPORT:
        return state_export_start(s, NULL, NULL);
    case ACT_QUIT:
        return UI_HANDLED | UI_QUIT;
    case ACT_REDRAW:
        s->dirty = DIRTY_ALL;
        return UI_HANDLED | UI_REDRAW | UI_RELOAD;
    case ACT_NEXT:
    case ACT_PREV:
        if (s->search[0] != '\0') {
            state_search_run(s, s->search_back ^ (a == ACT_PREV), 1, 0);
            return UI_HANDLED | UI_REDRAW;
        }
        break;
    case ACT_CLEAR:
        /* First Esc stops a running fill or search (list_scan.c). */
        if (v->kind == VIEW_LIST && list_scan_stop(s, &v->u.list)) {
            state_message(s, 0, "stopped");
            return UI_HANDLED | UI_REDRAW;
        }
        if (s->search[0] != '\0') {
            s->search[0] = '\0';
            s->persist_dirty = 1;
            s->dirty |= DIRTY_BODY | DIRTY_STATUS;
            return UI_HANDLED | UI_REDRAW;
        }
        break;
    case ACT_NONE:
        return UI_IGNORED;
    default:
        break;
    }
    return ops->key(s, v, a);
}
