/*
 * Keys and bindings of the interactive front end, without curses: the
 * terminal layer (ui.c) translates curses key codes into the KEYS_*
 * codes below, and the state machine (state.c) looks actions up in the
 * binding table.  The help screen is generated from the same table, so
 * every bound key is documented by construction.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

/* Key codes: Unicode code points for characters, these above them. */
#define KEYS_BASE 0x110000
enum keys_code {
    KEYS_UP = KEYS_BASE,
    KEYS_DOWN,
    KEYS_LEFT,
    KEYS_RIGHT,
    KEYS_PGUP,
    KEYS_PGDN,
    KEYS_HOME,
    KEYS_END,
    KEYS_ENTER,
    KEYS_ESC,
    KEYS_BACKSPACE,
    KEYS_DELETE,
    KEYS_TAB,
    KEYS_F1,
    KEYS_RESIZE,
    KEYS_MAX
};

/* Control character of a letter: KEYS_CTRL('l') == 12. */
static inline int
keys_ctrl(int c)
{
    return c & 0x1f;
}

/* What a key does; the meaning depends on the active view. */
enum keys_action {
    ACT_NONE = 0,
    ACT_UP,
    ACT_DOWN,
    ACT_PGUP,
    ACT_PGDN,
    ACT_HOME,
    ACT_END,
    ACT_OPEN,
    ACT_BACK,
    ACT_QUIT,
    ACT_ORDER,
    ACT_FILTER,
    ACT_SEARCH_FWD,
    ACT_SEARCH_BACK,
    ACT_NEXT,
    ACT_PREV,
    ACT_WARN_NEXT,
    ACT_WARN_PREV,
    ACT_FAIL_NEXT,
    ACT_FAIL_PREV,
    ACT_JUMP_CGI,
    ACT_JUMP_HDR,
    ACT_JUMP_SEND,
    ACT_MARK,
    ACT_MARKS,
    ACT_EXPORT,
    ACT_COMMAND,
    ACT_HELP,
    ACT_DETAIL,
    ACT_DETAIL_DOWN,
    ACT_DETAIL_UP,
    ACT_CLEAR,
    ACT_IDS,
    ACT_SOURCES,
    ACT_CAUSES,
    ACT_REDRAW
};

/* Views a binding applies to (bit mask). */
#define KEYS_IN_LIST     0x1
#define KEYS_IN_TIMELINE 0x2
#define KEYS_IN_TEXT     0x4
#define KEYS_IN_CAUSES   0x8
#define KEYS_IN_ALL      0xf

struct keys_binding {
    int key;
    unsigned views; /* KEYS_IN_* */
    enum keys_action action;
    const char *name; /* shown in help: "j", "Down" */
    const char *help; /* one line; NULL: listed with the previous key */
};

/* The binding table, terminated by a zero key; borrowed, static. */
const struct keys_binding *keys_table(void);

/* Action of key in a view (KEYS_IN_*), or ACT_NONE. */
enum keys_action keys_lookup(int key, unsigned view);

/*
 * Parse a key script for headless runs and tests: plain characters, C
 * escapes (\r \n \e \t \\), and <Name> tokens (<Up> <Down> <Left>
 * <Right> <PgUp> <PgDn> <Home> <End> <Enter> <Esc> <BS> <Del> <Tab> <F1>
 * <Space> <C-x>) plus <resize:COLSxROWS>, which yields KEYS_RESIZE and
 * stores the size in the entry's cols and rows.  UTF-8 is decoded.
 * Returns the number of keys written to out (at most max), or -1 with
 * *bad set to the offending offset.
 */
struct keys_event {
    int key;
    int cols, rows; /* KEYS_RESIZE only */
};
int keys_parse_script(const char *s, struct keys_event *out, size_t max,
                      size_t *bad);

#endif
