/*
 * The : commands, a table beside the key table (tmux's cmd_entry): each
 * has its names, its argument synopsis and its help line, and the help
 * page lists both tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "rn_time.h"
#include "sanitize.h"
#include "state_impl.h"
#include "view.h"

/*
 * Parse a :goto time: anything rn_time_parse reads (ISO 8601, Log Parser
 * "YYYY-MM-DD hh:mm:ss"), or a clock time h:mm[:ss[.fff]] on the UTC day
 * of ref.
 */
static int
state_parse_goto(const char *arg, int64_t ref, int64_t *ns)
{
    char buf[96], day[RN_TS_STR_MAX];
    size_t len = strlen(arg), colons = 0, i;

    if (rn_time_parse(arg, 0, ns) == RN_OK)
        return 0;
    if (ref == STORE_NONE || len < 4 || len > 20)
        return -1;
    for (i = 0; i < len; i++) {
        if (arg[i] == ':')
            colons++;
        else if ((arg[i] < '0' || arg[i] > '9') && arg[i] != '.')
            return -1;
    }
    if (colons < 1 || colons > 2 || (arg[1] != ':' && arg[2] != ':'))
        return -1;
    rn_time_format(ref, day);
    day[10] = '\0';
    snprintf(buf, sizeof buf, "%sT%s%s%s", day, arg[1] == ':' ? "0" : "", arg,
             colons == 1 ? ":00" : "");
    return rn_time_parse(buf, 0, ns) == RN_OK ? 0 : -1;
}

/*
 * Say where :goto landed in a list: in failures-first order the time is
 * looked up within the cursor's group (failed, warnings, the rest), which
 * is not where a user reading "goto" expects without being told.
 */
static void
state_goto_said(struct state *s, const struct list_state *l, int64_t ns)
{
    static const char *const group[] = {"other", "warning", "failed"};
    const struct rq_row *r = view_list_current(l);
    char want[64], got[64];

    fmt_time(ns, FMT_TIME_FULL, want, sizeof want);
    if (r == NULL) {
        state_message(s, 0, "goto %s: no request there", want);
        return;
    }
    fmt_time(r->start_ns, FMT_TIME_FULL, got, sizeof got);
    if (l->order == RQ_ORDER_FAILURES)
        state_message(
            s, 0,
            "goto: %s, the first %s request from then "
            "(failures first; o: time order)",
            got, group[r->severity >= 0 && r->severity <= 2 ? r->severity : 0]);
    else
        state_message(s, 0, "goto: %s, the first request from %s", got, want);
}

/* :goto TIME in the top view. */
static void
state_goto(struct state *s, const char *arg)
{
    struct view *v = state_top(s);
    const struct rq_row *r;
    int64_t ref = STORE_NONE, ns;
    size_t i;

    if (v->kind == VIEW_TIMELINE) {
        ref = v->u.tl.req.start_ns;
    } else {
        r = view_list_current(state_list(s));
        if (r != NULL)
            ref = r->start_ns;
    }
    if (state_parse_goto(arg, ref, &ns) != 0) {
        state_message(s, 1,
                      "goto: bad time (use 2005-08-23T20:25:47Z or 20:25:47)");
        return;
    }
    if (v->kind == VIEW_TIMELINE) {
        struct tl_state *t = &v->u.tl;

        for (i = 0; i < t->n; i++)
            if (t->ev[i].ts_ns != STORE_NONE && t->ev[i].ts_ns >= ns)
                break;
        t->cur = i < t->n ? i : (t->n ? t->n - 1 : 0);
        view_ops_of(VIEW_TIMELINE)->resize(s, v);
        s->persist_dirty = 1;
    } else if (v->kind == VIEW_LIST) {
        view_list_goto_time(s, &v->u.list, ns);
        state_goto_said(s, &v->u.list, ns);
    } else {
        state_message(s, 1, "goto: not in this view");
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
}

/* Apply a filter to the request list under the top view. */
unsigned
state_apply_filter(struct state *s, const char *text)
{
    struct rn_err err = {0};
    struct list_state *l;

    state_pop_to_list(s);
    l = state_list(s);
    if (view_list_set_filter(s, l, text, &err) != RN_OK) {
        /* Keep the text in the prompt so it can be corrected. */
        state_prompt_open(s, PROMPT_FILTER, text);
        state_message(s, 1, "%s", err.msg);
        return UI_HANDLED | UI_REDRAW;
    }
    /* No message: the status line shows the filter and its count. */
    state_history_add(s, text);
    return UI_HANDLED | UI_REDRAW;
}

/* Split "word rest" at the first blank: *rest points after the blanks. */
static void
state_split(char *line, char **word, char **rest)
{
    char *p = line;

    while (*p == ' ')
        p++;
    *word = p;
    while (*p != '\0' && *p != ' ')
        p++;
    if (*p != '\0')
        *p++ = '\0';
    while (*p == ' ')
        p++;
    *rest = p;
}

/* :filter EXPR */
static unsigned
cmd_filter(struct state *s, char *arg)
{
    return state_apply_filter(s, arg);
}

/* :goto TIME */
static unsigned
cmd_goto(struct state *s, char *arg)
{
    state_goto(s, arg);
    return UI_HANDLED | UI_REDRAW;
}

/* :export [FMT] [FILE] */
static unsigned
cmd_export(struct state *s, char *arg)
{
    char *fmt, *path;

    state_split(arg, &fmt, &path);
    return state_export_start(s, fmt[0] ? fmt : NULL, path[0] ? path : NULL);
}

/* :sql SELECT ... */
static unsigned
cmd_sql(struct state *s, char *arg)
{
    view_text_sql(s, arg);
    return UI_HANDLED | UI_REDRAW;
}

/* Back to the nearest request list, then run its action a. */
static unsigned
cmd_list_action(struct state *s, enum keys_action a)
{
    state_pop_to_list(s);
    return view_list_ops.key(s, state_top(s), a);
}

/* :order time|failures */
static unsigned
cmd_order(struct state *s, char *arg)
{
    struct list_state *l = state_list(s);

    if (strcmp(arg, "time") == 0 && l->order == RQ_ORDER_TIME)
        return UI_HANDLED;
    if (strcmp(arg, "failures") == 0 && l->order == RQ_ORDER_FAILURES)
        return UI_HANDLED;
    return cmd_list_action(s, ACT_ORDER);
}

/* :marks */
static unsigned
cmd_marks(struct state *s, char *arg)
{
    (void)arg;
    return cmd_list_action(s, ACT_MARKS);
}

/* :sources */
static unsigned
cmd_sources(struct state *s, char *arg)
{
    (void)arg;
    view_text_sources(s);
    return UI_HANDLED | UI_REDRAW;
}

/* :causes */
static unsigned
cmd_causes(struct state *s, char *arg)
{
    (void)arg;
    view_causes_open(s);
    return UI_HANDLED | UI_REDRAW;
}

/* :help */
static unsigned
cmd_help(struct state *s, char *arg)
{
    (void)arg;
    view_text_help(s);
    return UI_HANDLED | UI_REDRAW;
}

/* :quit */
static unsigned
cmd_quit(struct state *s, char *arg)
{
    (void)s;
    (void)arg;
    return UI_HANDLED | UI_QUIT;
}

static const struct cmd_entry cmd_entries[] = {
    {"goto", "g", "TIME",
     "first request (or event) at TIME: 2005-08-23T20:25:47Z or 20:25",
     cmd_goto},
    {"filter", "f", "EXPR", "filter the list (as f)", cmd_filter},
    {"export", NULL, "[md|html|json|csv] [FILE]",
     "export the marked requests (as x)", cmd_export},
    {"sql", NULL, "SELECT ...", "run read-only SQL on the store", cmd_sql},
    {"order", NULL, "time|failures", "order of the list (as o)", cmd_order},
    {"marks", NULL, "", "list the marked requests (as M)", cmd_marks},
    {"sources", NULL, "", "every imported file and its problems (as S)",
     cmd_sources},
    {"causes", NULL, "", "failures by cause (as C)", cmd_causes},
    {"help", "h", "", "this help (as ?)", cmd_help},
    {"quit", "q", "", "quit (as Q)", cmd_quit},
    {NULL, NULL, NULL, NULL, NULL}};

const struct cmd_entry *
cmd_table(void)
{
    return cmd_entries;
}

/* The entry named word (or its alias), or NULL. */
static const struct cmd_entry *
cmd_find(const char *word)
{
    const struct cmd_entry *c;

    for (c = cmd_entries; c->name != NULL; c++)
        if (strcmp(word, c->name) == 0 ||
            (c->alias != NULL && strcmp(word, c->alias) == 0))
            return c;
    return NULL;
}

/* Run a : command line. */
unsigned
state_command(struct state *s, char *line)
{
    const struct cmd_entry *c;
    char *cmd, *arg, *w;

    state_split(line, &cmd, &arg);
    if (cmd[0] == '\0')
        return UI_HANDLED;
    c = cmd_find(cmd);
    if (c != NULL)
        return c->run(s, arg);
    w = sanitize_dup(cmd);
    state_message(s, 1, "unknown command '%s' (:help lists them)", w);
    free(w);
    return UI_HANDLED | UI_REDRAW;
}
