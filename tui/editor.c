/*
 * The prompt's line editor: search, filter (with its history), command
 * line and the export questions.  Searches are incremental: every key
 * looks again from where the prompt opened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "sanitize.h"
#include "state_impl.h"
#include "view.h"
#include "xmalloc.h"

/* Add a filter to the history (newest first, no duplicates). */
void
state_history_add(struct state *s, const char *text)
{
    size_t i;

    if (text[0] == '\0')
        return;
    for (i = 0; i < s->nhistory; i++) {
        if (strcmp(s->history[i], text) == 0) {
            char *t = s->history[i];

            memmove(&s->history[1], &s->history[0], i * sizeof(char *));
            s->history[0] = t;
            return;
        }
    }
    if (s->nhistory == STATE_HISTORY_MAX)
        free(s->history[--s->nhistory]);
    memmove(&s->history[1], &s->history[0], s->nhistory * sizeof(char *));
    s->history[0] = xstrdup(text);
    s->nhistory++;
    s->persist_dirty = 1;
}

const char *
state_prompt_label(const struct state *s)
{
    switch (s->prompt.kind) {
    case PROMPT_SEARCH_FWD:
        return "/";
    case PROMPT_SEARCH_BACK:
        return "?";
    case PROMPT_FILTER:
        return "filter: ";
    case PROMPT_COMMAND:
        return ":";
    case PROMPT_EXPORT_FMT:
        return "export format (md, html, json, csv): ";
    case PROMPT_EXPORT_PATH:
        return "export to file: ";
    case PROMPT_CONFIRM:
        return "file exists; overwrite? (y/n) ";
    case PROMPT_NONE:
    default:
        return "";
    }
}

/* Remember where the cursor was, so an abandoned search can go back. */
static void
state_prompt_origin(struct state *s)
{
    struct view *v = state_top(s);

    s->prompt.origin_cur = s->prompt.origin_top = 0;
    if (v->kind == VIEW_LIST) {
        s->prompt.origin_cur = v->u.list.cur;
    } else if (v->kind == VIEW_TIMELINE) {
        s->prompt.origin_cur = v->u.tl.cur;
        s->prompt.origin_top = v->u.tl.top;
    } else if (v->kind == VIEW_CAUSES) {
        s->prompt.origin_cur = v->u.causes.cur;
        s->prompt.origin_top = v->u.causes.top;
    } else {
        s->prompt.origin_top = v->u.text.top;
    }
}

/* Put the cursor back where the prompt opened. */
void
state_prompt_restore(struct state *s)
{
    struct view *v = state_top(s);

    if (v->kind == VIEW_LIST) {
        if (s->prompt.origin_cur < v->u.list.n)
            v->u.list.cur = s->prompt.origin_cur;
    } else if (v->kind == VIEW_TIMELINE) {
        v->u.tl.cur = s->prompt.origin_cur;
        v->u.tl.top = s->prompt.origin_top;
    } else if (v->kind == VIEW_CAUSES) {
        v->u.causes.cur = s->prompt.origin_cur;
        v->u.causes.top = s->prompt.origin_top;
    } else {
        v->u.text.top = s->prompt.origin_top;
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP;
}

/* Open the prompt of kind, prefilled with text. */
unsigned
state_prompt_open(struct state *s, enum prompt_kind kind, const char *text)
{
    s->prompt.kind = kind;
    snprintf(s->prompt.text, sizeof s->prompt.text, "%s", text);
    s->prompt.hist = -1;
    state_prompt_origin(s);
    s->msg[0] = '\0';
    s->dirty |= DIRTY_STATUS;
    return UI_HANDLED | UI_REDRAW;
}

/* Close the prompt. */
void
state_prompt_close(struct state *s)
{
    s->prompt.kind = PROMPT_NONE;
    s->prompt.text[0] = '\0';
    s->dirty |= DIRTY_STATUS;
}

/* Run the active search from the cursor; report the outcome. */
void
state_search_run(struct state *s, int back, int next, int incremental)
{
    struct view *v = state_top(s);

    if (s->search[0] == '\0')
        return;
    if (!view_ops_of(v->kind)->search(s, v, back, next, incremental) &&
        !incremental && s->msg[0] == '\0') {
        char *p = sanitize_dup(s->search);

        state_message(s, 1, "pattern not found: %s", p);
        free(p);
    }
    s->dirty |= DIRTY_BODY | DIRTY_STRIP | DIRTY_STATUS;
}

/* Enter in the prompt. */
static unsigned
state_prompt_submit(struct state *s)
{
    enum prompt_kind kind = s->prompt.kind;
    char text[STATE_PROMPT_MAX];

    snprintf(text, sizeof text, "%s", s->prompt.text);
    state_prompt_close(s);
    switch (kind) {
    case PROMPT_SEARCH_FWD:
    case PROMPT_SEARCH_BACK:
        /* An empty pattern repeats the last search, as in vi. */
        if (text[0] != '\0')
            snprintf(s->search, sizeof s->search, "%s", text);
        s->search_back = kind == PROMPT_SEARCH_BACK;
        s->persist_dirty = 1;
        state_prompt_restore(s);
        state_search_run(s, s->search_back, 1, 0);
        return UI_HANDLED | UI_REDRAW;
    case PROMPT_FILTER:
        return state_apply_filter(s, text);
    case PROMPT_COMMAND:
        return state_command(s, text);
    case PROMPT_EXPORT_FMT:
        return state_export_start(s, text, NULL);
    case PROMPT_EXPORT_PATH:
        if (text[0] == '\0') {
            state_message(s, 1, "export cancelled");
            return UI_HANDLED | UI_REDRAW;
        }
        return state_export_path(s, text);
    case PROMPT_CONFIRM:
    case PROMPT_NONE:
    default:
        return UI_HANDLED;
    }
}

/* Step through the filter history (dir +1 older, -1 newer). */
static void
state_prompt_history(struct state *s, int dir)
{
    int h = s->prompt.hist + dir;

    if (s->prompt.kind != PROMPT_FILTER)
        return;
    if (h < -1 || h >= (int)s->nhistory)
        return;
    s->prompt.hist = h;
    snprintf(s->prompt.text, sizeof s->prompt.text, "%s",
             h < 0 ? "" : s->history[h]);
}

/* Delete the last UTF-8 character of the prompt text. */
static void
state_prompt_backspace(struct state *s)
{
    size_t n = strlen(s->prompt.text);

    while (n > 0) {
        n--;
        if (((unsigned char)s->prompt.text[n] & 0xC0) != 0x80)
            break;
    }
    s->prompt.text[n] = '\0';
}

/* Append a typed character (code point) to the prompt text. */
static void
state_prompt_insert(struct state *s, int key)
{
    size_t n = strlen(s->prompt.text);
    char u[4];
    size_t k;
    uint32_t cp = (uint32_t)key;

    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) ||
        sanitize_is_format_cp(cp) || cp >= 0x110000 ||
        (cp >= 0xD800 && cp < 0xE000))
        return;
    if (cp < 0x80) {
        u[0] = (char)cp;
        k = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        k = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        k = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        k = 4;
    }
    if (n + k + 1 > sizeof s->prompt.text)
        return;
    memcpy(s->prompt.text + n, u, k);
    s->prompt.text[n + k] = '\0';
}

/* A key while the prompt is open. */
unsigned
state_prompt_key(struct state *s, int key)
{
    enum prompt_kind kind = s->prompt.kind;
    int search = kind == PROMPT_SEARCH_FWD || kind == PROMPT_SEARCH_BACK;

    if (kind == PROMPT_CONFIRM) {
        state_prompt_close(s);
        if (key == 'y' || key == 'Y') {
            state_export_run(s, s->export_fmt, s->export_path);
        } else {
            state_message(s, 1, "export cancelled");
        }
        return UI_HANDLED | UI_REDRAW;
    }
    if (s->msg[0] != '\0' && key != KEYS_ENTER) {
        s->msg[0] = '\0';
        s->dirty |= DIRTY_STATUS;
    }
    switch (key) {
    case KEYS_ENTER:
        return state_prompt_submit(s);
    case KEYS_ESC:
    case 7: /* C-g */
        if (search)
            state_prompt_restore(s);
        state_prompt_close(s);
        return UI_HANDLED | UI_REDRAW;
    case KEYS_BACKSPACE:
    case 8:
    case 0x7F:
        if (s->prompt.text[0] == '\0') {
            if (search)
                state_prompt_restore(s);
            state_prompt_close(s);
            return UI_HANDLED | UI_REDRAW;
        }
        state_prompt_backspace(s);
        break;
    case 21: /* C-u */
        s->prompt.text[0] = '\0';
        break;
    case KEYS_UP:
        state_prompt_history(s, +1);
        break;
    case KEYS_DOWN:
        state_prompt_history(s, -1);
        break;
    default:
        if (key >= KEYS_BASE)
            return UI_HANDLED;
        state_prompt_insert(s, key);
    }
    s->dirty |= DIRTY_STATUS;
    if (search) {
        /* Incremental: look from where the prompt opened. */
        state_prompt_restore(s);
        snprintf(s->search, sizeof s->search, "%s", s->prompt.text);
        state_search_run(s, kind == PROMPT_SEARCH_BACK, 1, 1);
    }
    return UI_HANDLED | UI_REDRAW;
}
