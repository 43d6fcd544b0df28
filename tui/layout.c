/*
 * Screen layout: where the header, the strip, the column headings, the
 * body, a view's extra pane and the status line go for the terminal's
 * size and the top view.
 */
#include <string.h>

#include "state_impl.h"
#include "view.h"

void
state_layout(const struct state *s, struct state_layout *lay)
{
    const struct view *v = state_top_const(s);
    const struct view_ops *ops = view_ops_of(v->kind);
    int rows = s->rows < 1 ? 1 : s->rows, avail;

    memset(lay, 0, sizeof *lay);
    lay->header_y = 0;
    lay->status_y = rows - 1;
    lay->strip_y = lay->colhdr_y = -1;
    if (rows < 3) {
        /* Only a status line and whatever fits: keep the body usable. */
        lay->body_y = 0;
        lay->body_h = rows > 1 ? rows - 1 : 1;
        return;
    }
    lay->body_y = 1;
    if (ops->draw_strip != NULL && rows >= 8) {
        lay->strip_y = 1;
        lay->colhdr_y = 2;
        lay->colhdr_h = 1;
        if (ops->colhdr_lines != NULL) {
            /* At most half the rows under the strip: events stay seen. */
            int want = ops->colhdr_lines(s, v), most = (rows - 4) / 2;

            lay->colhdr_h = want < 1 ? 1 : want > most ? most : want;
            if (lay->colhdr_h < 1)
                lay->colhdr_h = 1;
        }
        lay->body_y = 2 + lay->colhdr_h;
    }
    avail = lay->status_y - lay->body_y;
    if (avail < 1)
        avail = 1;
    lay->body_h = avail;
    if (ops->pane != NULL && ops->pane(v) && avail >= 6) {
        lay->detail_h = avail / 2;
        lay->body_h = avail - lay->detail_h;
        lay->detail_y = lay->body_y + lay->body_h;
    }
}

int
state_body_height(const struct state *s)
{
    struct state_layout lay;

    state_layout(s, &lay);
    return lay.body_h;
}
