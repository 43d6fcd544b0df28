/*
 * The key binding table (htop's Action.c, tmux's key-bindings.c): one
 * row per key and view set.  Rows with help == NULL are aliases listed on
 * the same help line as the row before them.
 */
#include "keys.h"

#include <string.h>

#include "rn_json.h"

#define L KEYS_IN_LIST
#define T KEYS_IN_TIMELINE
#define X KEYS_IN_TEXT
#define A KEYS_IN_ALL

static const struct keys_binding keys_bindings[] = {
    {'j', A, ACT_DOWN, "j", "move down"},
    {KEYS_DOWN, A, ACT_DOWN, "Down", NULL},
    {'k', A, ACT_UP, "k", "move up"},
    {KEYS_UP, A, ACT_UP, "Up", NULL},
    {KEYS_PGDN, A, ACT_PGDN, "PgDn", "page down"},
    {6 /* C-f */, A, ACT_PGDN, "C-f", NULL},
    {KEYS_PGUP, A, ACT_PGUP, "PgUp", "page up"},
    {2 /* C-b */, A, ACT_PGUP, "C-b", NULL},
    {'g', A, ACT_HOME, "g", "first row"},
    {KEYS_HOME, A, ACT_HOME, "Home", NULL},
    {'G', A, ACT_END, "G", "last row"},
    {KEYS_END, A, ACT_END, "End", NULL},
    {KEYS_ENTER, L, ACT_OPEN, "Enter", "open the request's timeline"},
    {'l', L, ACT_OPEN, "l", NULL},
    {KEYS_RIGHT, L, ACT_OPEN, "Right", NULL},
    {KEYS_ENTER, T, ACT_DETAIL, "Enter", "show/hide the detail pane"},
    {'d', T, ACT_DETAIL, "d", NULL},
    {KEYS_TAB, T, ACT_DETAIL, "Tab", NULL},
    {'J', T, ACT_DETAIL_DOWN, "J", "scroll the detail pane down"},
    {'K', T, ACT_DETAIL_UP, "K", "scroll the detail pane up"},
    {'c', L | T, ACT_JUMP_CGI, "c", "jump to the CGI start (cgi_start)"},
    {'h', L | T, ACT_JUMP_HDR, "h", "jump to the header error (header_error)"},
    {'s', L | T, ACT_JUMP_SEND, "s", "jump to the status send (status_send)"},
    {'n', L | T | X | KEYS_IN_CAUSES, ACT_NEXT, "n",
     "next match; no search: next warning/error"},
    {'N', L | T | X | KEYS_IN_CAUSES, ACT_PREV, "N",
     "previous match / warning/error event"},
    {'w', T, ACT_WARN_NEXT, "w", "next warning or error event"},
    {'W', T, ACT_WARN_PREV, "W", "previous warning or error event"},
    {'e', L | T, ACT_FAIL_NEXT, "e", "next failed request (5xx)"},
    {'E', L | T, ACT_FAIL_PREV, "E", "previous failed request (5xx)"},
    {'/', L | T | X | KEYS_IN_CAUSES, ACT_SEARCH_FWD, "/",
     "search (incremental); n next, N backward"},
    {'f', L, ACT_FILTER, "f", "filter e.g. status:502.2 (Up/Down: history)"},
    {KEYS_ESC, A, ACT_CLEAR, "Esc",
     "stop a running search, clear the search, then the filter"},
    {'o', L, ACT_ORDER, "o", "toggle failures first / time order"},
    {'i', L, ACT_IDS, "i",
     "show/hide the request id column (for reqnav timeline ID)"},
    {' ', L | T, ACT_MARK, "Space", "mark/unmark the request"},
    {'M', L, ACT_MARKS, "M", "list the marked requests"},
    {'C', L | T, ACT_CAUSES, "C",
     "failures by cause; Enter filters the list to one (cause:ID)"},
    {KEYS_ENTER, KEYS_IN_CAUSES, ACT_OPEN, "Enter",
     "in the causes: filter the list to that cause"},
    {'S', L | T, ACT_SOURCES, "S",
     "sources: every imported file, its state, counts and problems"},
    {'x', L, ACT_EXPORT, "x", "export the marked requests"},
    {':', A, ACT_COMMAND, ":", "command line (commands below)"},
    {'?', A, ACT_HELP, "?", "this help"},
    {KEYS_F1, A, ACT_HELP, "F1", NULL},
    {12 /* C-l */, A, ACT_REDRAW, "C-l", "redraw the screen"},
    {'q', A, ACT_BACK, "q", "back; quit from the request list"},
    {KEYS_LEFT, T | X, ACT_BACK, "Left", NULL},
    {'Q', A, ACT_QUIT, "Q", "quit"},
    {0, 0, ACT_NONE, NULL, NULL}};

#undef L
#undef T
#undef X
#undef A

const struct keys_binding *
keys_table(void)
{
    return keys_bindings;
}

enum keys_action
keys_lookup(int key, unsigned view)
{
    const struct keys_binding *b;

    for (b = keys_bindings; b->key != 0; b++)
        if (b->key == key && (b->views & view) != 0)
            return b->action;
    return ACT_NONE;
}

static const struct {
    const char *name;
    int key;
} keys_names[] = {{"Up", KEYS_UP},
                  {"Down", KEYS_DOWN},
                  {"Left", KEYS_LEFT},
                  {"Right", KEYS_RIGHT},
                  {"PgUp", KEYS_PGUP},
                  {"PgDn", KEYS_PGDN},
                  {"Home", KEYS_HOME},
                  {"End", KEYS_END},
                  {"Enter", KEYS_ENTER},
                  {"Esc", KEYS_ESC},
                  {"BS", KEYS_BACKSPACE},
                  {"Del", KEYS_DELETE},
                  {"Tab", KEYS_TAB},
                  {"F1", KEYS_F1},
                  {"Space", ' '},
                  {"lt", '<'},
                  {NULL, 0}};

/* Parse "COLSxROWS"; 0 on success. */
static int
keys_parse_size(const char *s, size_t len, int *cols, int *rows)
{
    int v[2] = {0, 0}, k = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == 'x' && k == 0) {
            k = 1;
        } else if (s[i] >= '0' && s[i] <= '9' && v[k] < 10000) {
            v[k] = v[k] * 10 + (s[i] - '0');
        } else {
            return -1;
        }
    }
    if (k != 1 || v[0] < 1 || v[1] < 1)
        return -1;
    *cols = v[0];
    *rows = v[1];
    return 0;
}

/* Parse one <Name> token of len bytes (without brackets). */
static int
keys_parse_token(const char *s, size_t len, struct keys_event *ev)
{
    size_t i;

    ev->cols = ev->rows = 0;
    if (len == 3 && s[0] == 'C' && s[1] == '-') {
        ev->key = keys_ctrl(s[2]);
        return 0;
    }
    if (len > 7 && memcmp(s, "resize:", 7) == 0) {
        ev->key = KEYS_RESIZE;
        return keys_parse_size(s + 7, len - 7, &ev->cols, &ev->rows);
    }
    for (i = 0; keys_names[i].name != NULL; i++) {
        if (strlen(keys_names[i].name) == len &&
            memcmp(keys_names[i].name, s, len) == 0) {
            ev->key = keys_names[i].key;
            return 0;
        }
    }
    return -1;
}

int
keys_parse_script(const char *s, struct keys_event *out, size_t max,
                  size_t *bad)
{
    size_t i = 0, n = 0, len = strlen(s), k;
    uint32_t cp;
    struct keys_event ev;

    while (i < len && n < max) {
        ev.cols = ev.rows = 0;
        if (s[i] == '\\' && i + 1 < len) {
            switch (s[i + 1]) {
            case 'r':
            case 'n':
                ev.key = KEYS_ENTER;
                break;
            case 'e':
                ev.key = KEYS_ESC;
                break;
            case 't':
                ev.key = KEYS_TAB;
                break;
            case '\\':
                ev.key = '\\';
                break;
            default:
                *bad = i;
                return -1;
            }
            i += 2;
        } else if (s[i] == '<' && (k = strcspn(s + i + 1, ">")) > 0 &&
                   i + 1 + k < len) {
            if (keys_parse_token(s + i + 1, k, &ev) != 0) {
                *bad = i;
                return -1;
            }
            i += k + 2;
        } else if (s[i] == '\r' || s[i] == '\n') {
            ev.key = KEYS_ENTER;
            i++;
        } else {
            k = rn_utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (k == 0) {
                *bad = i;
                return -1;
            }
            ev.key = (int)cp;
            i += k;
        }
        out[n++] = ev;
    }
    return (int)n;
}
