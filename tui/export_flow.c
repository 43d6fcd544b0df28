/*
 * The export flow: x or :export asks for a format and a file (with an
 * overwrite question) and hands the marked requests, or the current one,
 * to the report module wired in by tui/main.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rn_time.h"
#include "sanitize.h"
#include "state_impl.h"
#include "view.h"
#include "xmalloc.h"

/* Default report name: reqnav-report-<UTC time>.<ext>. */
static void
state_export_default(const char *fmt, char *out, size_t n)
{
    char iso[RN_TS_STR_MAX], compact[24];
    size_t i, k = 0;

    rn_time_format((int64_t)time(NULL) * RN_NS_PER_SEC, iso);
    for (i = 0; iso[i] != '\0' && iso[i] != '.' && k + 1 < sizeof compact; i++)
        if (iso[i] != '-' && iso[i] != ':')
            compact[k++] = iso[i];
    compact[k] = '\0';
    snprintf(out, n, "reqnav-report-%sZ.%s", compact, fmt);
}

/* Is fmt one of the report formats? */
static int
state_export_format_ok(const char *fmt)
{
    return strcmp(fmt, "md") == 0 || strcmp(fmt, "html") == 0 ||
           strcmp(fmt, "json") == 0 || strcmp(fmt, "csv") == 0;
}

/* Export the marked requests (or the current one when none is marked). */
void
state_export_run(struct state *s, const char *fmt, const char *path)
{
    struct rn_err err = {0};
    struct filter *f = NULL;
    int64_t nmarked = 0, id = 0;
    const struct rq_row *r;
    const struct view *v = state_top(s);
    char *p;

    if (filter_parse("marked:yes", &f, &err) != RN_OK ||
        query_requests_count(s->st, f, &nmarked, &err) != RN_OK) {
        filter_free(f);
        state_store_error(s, &err);
        return;
    }
    filter_free(f);
    if (nmarked == 0) {
        if (v->kind == VIEW_TIMELINE) {
            id = v->u.tl.req.id;
        } else {
            r = view_list_current(state_list(s));
            id = r != NULL ? r->id : 0;
        }
        if (id == 0) {
            state_message(s, 1, "nothing to export: mark requests with Space");
            return;
        }
    }
    p = sanitize_dup(path);
    if (s->export_fn(s->st, nmarked ? NULL : &id, nmarked ? 0 : 1, fmt, path,
                     &err) != RN_OK)
        state_message(s, 1, "export failed: %s", err.msg);
    else if (nmarked)
        state_message(s, 0, "exported %lld marked requests to %s",
                      (long long)nmarked, p);
    else
        state_message(s, 0, "exported the current request to %s", p);
    free(p);
}

/* Ask for the path (or the overwrite answer), or export right away. */
unsigned
state_export_path(struct state *s, const char *path)
{
    char *p;

    if (access(path, F_OK) == 0) {
        free(s->export_path);
        s->export_path = xstrdup(path);
        p = sanitize_dup(path);
        state_prompt_open(s, PROMPT_CONFIRM, "");
        state_message(s, 0, "%s exists", p);
        free(p);
        return UI_HANDLED | UI_REDRAW;
    }
    state_export_run(s, s->export_fmt, path);
    return UI_HANDLED | UI_REDRAW;
}

/* Start an export: x, or :export [FMT] [FILE]. */
unsigned
state_export_start(struct state *s, const char *fmt, const char *path)
{
    char def[128];

    if (s->export_fn == NULL) {
        state_message(s, 1, "export not available yet");
        return UI_HANDLED | UI_REDRAW;
    }
    if (fmt == NULL)
        return state_prompt_open(s, PROMPT_EXPORT_FMT, "md");
    if (!state_export_format_ok(fmt)) {
        state_message(s, 1, "unknown export format (md, html, json, csv)");
        return UI_HANDLED | UI_REDRAW;
    }
    free(s->export_fmt);
    s->export_fmt = xstrdup(fmt);
    if (path == NULL) {
        state_export_default(fmt, def, sizeof def);
        return state_prompt_open(s, PROMPT_EXPORT_PATH, def);
    }
    return state_export_path(s, path);
}
