/*
 * Drawing: reads the state (tui/state.h) and writes into a WINDOW passed
 * in, never stdscr, so the same code draws to a terminal or to the
 * headless screen of the tests.  All attributes come from the theme
 * table in draw.c.
 */
#ifndef DRAW_H
#define DRAW_H

#include <curses.h>

#include "state.h"

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

#endif
