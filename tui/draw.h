/*
 * Drawing: reads the state (tui/state.h) and writes into a WINDOW passed
 * in, never stdscr, so the same code draws to a terminal or to the
 * headless screen of the tests.  All attributes come from the theme
 * table in draw.c.
 */
#ifndef DRAW_H
#define DRAW_H

#include <stdint.h>

#include <curses.h>

#include "state.h"

/* name, fg8, bg8, fg256, bg256, colour attribute, monochrome attribute */
#define DRAW_ROLES(X)                                                          \
    X(NORMAL, -1, -1, -1, -1, A_NORMAL, A_NORMAL)                              \
    X(HEADER, COLOR_WHITE, COLOR_BLUE, 255, 24, A_BOLD, A_BOLD)                \
    X(COLHDR, COLOR_CYAN, -1, 110, -1, A_BOLD, A_UNDERLINE)                    \
    X(STATUS, COLOR_BLACK, COLOR_CYAN, 235, 152, A_NORMAL, A_REVERSE)          \
    X(SELECT, -1, -1, -1, -1, A_REVERSE, A_REVERSE)                            \
    X(FAIL, COLOR_RED, -1, 196, -1, A_BOLD, A_BOLD)                            \
    X(WARN, COLOR_YELLOW, -1, 178, -1, A_NORMAL, A_NORMAL)                     \
    X(MARK, COLOR_MAGENTA, -1, 170, -1, A_BOLD, A_BOLD)                        \
    X(MATCH, COLOR_BLACK, COLOR_YELLOW, 16, 220, A_NORMAL, A_UNDERLINE)        \
    X(ROLE, COLOR_CYAN, -1, 45, -1, A_BOLD, A_BOLD)                            \
    X(ERRMSG, COLOR_WHITE, COLOR_RED, 231, 124, A_BOLD, A_BOLD)                \
    X(STRIP, COLOR_BLUE, -1, 67, -1, A_NORMAL, A_NORMAL)                       \
    X(STRIPFAIL, COLOR_RED, -1, 196, -1, A_BOLD, A_BOLD)                       \
    X(STRIPCUR, -1, -1, -1, -1, A_REVERSE, A_REVERSE)                          \
    X(BAR, COLOR_BLUE, -1, 244, -1, A_NORMAL, A_NORMAL)                        \
    X(DIM, COLOR_CYAN, -1, 245, -1, A_NORMAL, A_NORMAL)

enum draw_role {
#define DRAW_ENUM(name, f8, b8, f256, b256, ac, am) TH_##name,
    DRAW_ROLES(DRAW_ENUM)
#undef DRAW_ENUM
        TH_COUNT
};

/* Colour modes. */
enum draw_mode { DRAW_MONO = 0, DRAW_8 = 8, DRAW_16 = 16, DRAW_256 = 256 };

/*
 * Set up the theme for the current screen: mode as detected by the
 * caller (NO_COLOR, has_colors, COLORS); utf8 0 selects ASCII line
 * drawing and shows non-ASCII text as '?'.
 */
void draw_setup(enum draw_mode mode, int utf8);

/* Redraw the parts of the screen named in dirty (DIRTY_*) into w. */
void draw_screen(const struct state *s, WINDOW *w, unsigned dirty);

/*
 * Where the terminal cursor belongs (the prompt's end), or -1 in *y when
 * it should be hidden.
 */
void draw_cursor(const struct state *s, int *y, int *x);

/* Attribute of a role in the current theme. */
attr_t draw_attr(enum draw_role r);
/* Is the screen UTF-8 (else ASCII line drawing, '?' for non-ASCII)? */
int draw_is_utf8(void);
/*
 * Draw len bytes of sanitised UTF-8 at (y, x), at most maxw columns.
 * Returns columns used.
 */
int draw_textn(WINDOW *w, int y, int x, int maxw, const char *s, size_t len,
               attr_t a);
/* draw_textn for a NUL-terminated string. */
int draw_text(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a);
/* Draw text with every case-insensitive match of pat highlighted. */
int draw_text_hl(WINDOW *w, int y, int x, int maxw, const char *s, attr_t a,
                 const char *pat);
/* Fill the rest of line y from x with blanks in attribute a. */
void draw_fill(WINDOW *w, int y, int x, int cols, attr_t a);
/* Blank line y. */
void draw_clear_line(WINDOW *w, int y, int cols);
/* Group digits: 1234567 -> "1,234,567"; "?" when v < 0. */
void draw_count(int64_t v, char *out, size_t n);

#endif
