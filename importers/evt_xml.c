/*
 * Reading one <Event> as the push parser reports it: we keep the element
 * path below <Event> and file each value by where it sits.  An event's
 * strings live in one pool reused from event to event.
 */
#include "evt_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>

#include "iis_events.h"
#include "rn_json.h"
#include "xmalloc.h"

#define EVT_MAX_VALUE (4u * 1024 * 1024)
#define EVT_MAX_PAIRS 4096

#define EVT_POOL_MAX (1024u * 1024)

void
evt_init(struct evt *ev)
{
    memset(ev, 0, sizeof *ev);
}

/* A copy of s[0..n) that lives until the next evt_reset. */
static char *
evt_pool_dup(struct evt_pool *p, const char *s, size_t n)
{
    char *d;

    if (p->used + n + 1 <= p->cap) {
        d = p->blk + p->used;
        p->used += n + 1;
    } else {
        /* Kept aside; the block grows at the reset so that events like
         * this one fit next time (up to EVT_POOL_MAX). */
        if (p->nextra == p->capextra) {
            p->capextra = p->capextra == 0 ? 8 : p->capextra * 2;
            p->extra = xrealloc(p->extra, p->capextra, sizeof *p->extra);
        }
        d = xmalloc(n + 1);
        p->extra[p->nextra++] = d;
        p->spill += n + 1;
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void
evt_pool_reset(struct evt_pool *p)
{
    size_t i;

    for (i = 0; i < p->nextra; i++)
        free(p->extra[i]);
    p->nextra = 0;
    if (p->spill > 0 && p->cap < EVT_POOL_MAX) {
        size_t want = (p->used + p->spill) * 2;

        if (want < 4096)
            want = 4096;
        if (want > EVT_POOL_MAX)
            want = EVT_POOL_MAX;
        free(p->blk);
        p->blk = xmalloc(want);
        p->cap = want;
    }
    p->used = 0;
    p->spill = 0;
}

static void
evt_pool_fini(struct evt_pool *p)
{
    evt_pool_reset(p);
    free(p->blk);
    free(p->extra);
    memset(p, 0, sizeof *p);
}

void
evt_reset(struct evt *ev)
{
    ev->sys.n = ev->fields.n = ev->render.n = ev->descs.n = 0;
    evt_pool_reset(&ev->pool);
    ev->line = 0;
    ev->cut = 0;
}

void
evt_fini(struct evt *ev)
{
    evt_pool_fini(&ev->pool);
    free(ev->sys.v);
    free(ev->fields.v);
    free(ev->render.v);
    free(ev->descs.v);
    memset(ev, 0, sizeof *ev);
}

const char *
evt_get(const struct evt_list *l, const char *name)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].name, name) == 0)
            return l->v[i].value;
    }
    return NULL;
}

/* Add name = val[0..vlen) to l. */
static void
evt_add_n(struct evt *ev, struct evt_list *l, const char *name, const char *val,
          size_t vlen)
{
    if (l->n >= EVT_MAX_PAIRS) {
        ev->cut = 1;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap == 0 ? 16 : l->cap * 2;
        l->v = xrealloc(l->v, l->cap, sizeof *l->v);
    }
    l->v[l->n].name = evt_pool_dup(&ev->pool, name, strlen(name));
    l->v[l->n].value = evt_pool_dup(&ev->pool, val, vlen);
    l->n++;
}

static void
evt_add(struct evt *ev, struct evt_list *l, const char *name, const char *val)
{
    evt_add_n(ev, l, name, val, strlen(val));
}

/* Add attribute attr of el, when it has one, as list entry name. */
static void
evt_add_attr(struct evt_sax *st, const struct xml_elem *el, struct evt_list *l,
             const char *attr, const char *name)
{
    if (xml_elem_attr_buf(el, attr, &st->attr))
        evt_add_n(st->ev, l, name, rn_buf_str(&st->attr), st->attr.len);
}

/* Attributes worth keeping on System children. */
static void
evt_system_attrs(struct evt_sax *st, const struct xml_elem *el)
{
    struct evt *ev = st->ev;
    const char *name = el->name;

    if (strcmp(name, "Provider") == 0) {
        evt_add_attr(st, el, &ev->sys, "Name", "Provider.Name");
        evt_add_attr(st, el, &ev->sys, "Guid", "Provider.Guid");
    } else if (strcmp(name, "TimeCreated") == 0) {
        evt_add_attr(st, el, &ev->sys, "SystemTime", "TimeCreated");
    } else if (strcmp(name, "Correlation") == 0) {
        evt_add_attr(st, el, &ev->sys, "ActivityID", "ActivityID");
        evt_add_attr(st, el, &ev->sys, "RelatedActivityID",
                     "RelatedActivityID");
    } else if (strcmp(name, "Execution") == 0) {
        evt_add_attr(st, el, &ev->sys, "ProcessID", "ProcessID");
        evt_add_attr(st, el, &ev->sys, "ThreadID", "ThreadID");
    }
}

/* System children whose facts are attributes. */
static int
evt_attr_only(const char *name)
{
    return strcmp(name, "Provider") == 0 || strcmp(name, "TimeCreated") == 0 ||
           strcmp(name, "Correlation") == 0 || strcmp(name, "Execution") == 0;
}

/* The children of <Event> whose content we read; the name is compared
 * once, when the child starts, not at every element inside it. */
enum evt_top {
    EVT_TOP_OTHER,
    EVT_TOP_SYSTEM,
    EVT_TOP_EVENTDATA,
    EVT_TOP_USERDATA,
    EVT_TOP_RENDERING,
    EVT_TOP_ERRORDATA, /* ProcessingErrorData, DebugData */
    EVT_TOP_BINARY,
    EVT_TOP_EXTENDED
};

static int
evt_top_of(const char *name)
{
    static const struct {
        const char *name;
        enum evt_top top;
    } tops[] = {
        {"System", EVT_TOP_SYSTEM},
        {"EventData", EVT_TOP_EVENTDATA},
        {"UserData", EVT_TOP_USERDATA},
        {"RenderingInfo", EVT_TOP_RENDERING},
        {"ProcessingErrorData", EVT_TOP_ERRORDATA},
        {"DebugData", EVT_TOP_ERRORDATA},
        {"BinaryEventData", EVT_TOP_BINARY},
        {"ExtendedTracingInfo", EVT_TOP_EXTENDED},
    };
    size_t i;

    for (i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        if (strcmp(name, tops[i].name) == 0)
            return tops[i].top;
    }
    return EVT_TOP_OTHER;
}

/* Where an element's text goes, by the path below <Event> (top: its
 * first element's enum evt_top). */
static void
evt_file_text(struct evt *ev, int top, char path[][64], int depth,
              const char *text)
{
    if (top == EVT_TOP_SYSTEM && depth == 2) {
        /* Provider, TimeCreated... say what they say in attributes (kept
         * by evt_system_attrs): their empty text is no second fact. */
        if (text[0] != '\0' || !evt_attr_only(path[1]))
            evt_add(ev, &ev->sys, path[1], text);
    } else if (top == EVT_TOP_EVENTDATA && depth == 3) {
        /* Complex EventData items (e.g. <ComplexData>): name by element. */
        evt_add(ev, &ev->fields, path[2], text);
    } else if (top == EVT_TOP_USERDATA && depth >= 3) {
        evt_add(ev, &ev->fields, path[depth - 1], text);
    } else if (top == EVT_TOP_ERRORDATA && depth == 2) {
        evt_add(ev, &ev->fields, path[1], text);
    } else if (top == EVT_TOP_BINARY && depth == 1) {
        evt_add(ev, &ev->fields, "BinaryEventData", text);
    } else if (top == EVT_TOP_RENDERING && depth == 2) {
        evt_add(ev, &ev->render, path[1], text);
    } else if (top == EVT_TOP_EXTENDED && depth == 2) {
        evt_add(ev, &ev->sys, path[1], text);
    }
}

/* Copy src into dst[n], cut to fit (once per element: no printf). */
static void
evt_copy(char *dst, size_t n, const char *src)
{
    size_t len = strlen(src);

    if (len >= n)
        len = n - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

/* Elements whose text we read (leaves we know); others we descend into. */
static int
evt_is_leaf(int top, char path[][64], int depth)
{
    if (depth == 1)
        return top == EVT_TOP_BINARY;
    if (depth == 2)
        return top != EVT_TOP_USERDATA &&
               !(top == EVT_TOP_EVENTDATA && strcmp(path[1], "Data") != 0);
    if (top == EVT_TOP_USERDATA)
        return depth >= 3;
    return depth == 3 && top == EVT_TOP_EVENTDATA;
}

/* The attribute naming a leaf's value: EventData's <Data Name=>, FREB's
 * <freb:Description Data=>; NULL for other leaves. */
static const char *
evt_leaf_name_attr(int top, char path[][64], int depth)
{
    if (top == EVT_TOP_EVENTDATA && depth == 2)
        return "Name";
    if (top == EVT_TOP_RENDERING && strcmp(path[1], "Description") == 0)
        return "Data";
    return NULL;
}

/* File a leaf's text (trimmed) under its name attribute or its path. */
static void
evt_leaf(struct evt *ev, int top, char path[][64], int depth, const char *name,
         const char *text)
{
    if (name != NULL || (top == EVT_TOP_EVENTDATA && depth == 2)) {
        struct evt_list *l =
            top == EVT_TOP_EVENTDATA ? &ev->fields : &ev->descs;
        char gen[32];

        if (name == NULL)
            snprintf(gen, sizeof gen, "Data%zu", ev->fields.n + 1);
        evt_add(ev, l, name != NULL ? name : gen, text);
    } else {
        evt_file_text(ev, top, path, depth, text);
    }
}

void
evt_sax_init(struct evt_sax *st, struct evt *ev)
{
    memset(st, 0, sizeof *st);
    st->ev = ev;
    rn_buf_init(&st->text, EVT_MAX_VALUE);
    rn_buf_init(&st->attr, XML_MAX_TEXT_LENGTH);
}

void
evt_sax_fini(struct evt_sax *st)
{
    free(st->leaf_name);
    rn_buf_fini(&st->text);
    rn_buf_fini(&st->attr);
    memset(st, 0, sizeof *st);
}

void
evt_sax_begin(struct evt_sax *st, int64_t line)
{
    evt_reset(st->ev);
    st->ev->line = line;
    st->top = EVT_TOP_OTHER;
    st->leaf = 0;
    free(st->leaf_name);
    st->leaf_name = NULL;
}

void
evt_sax_start(struct evt_sax *st, struct xml_input *in, int depth,
              const struct xml_elem *el)
{
    const char *attr;

    /* Inside a leaf every element is only text to it, as for the reader's
     * xml_input_text. */
    if (st->leaf != 0 || depth < 1 || depth > EVT_MAX_DEPTH)
        return;
    evt_copy(st->path[depth - 1], sizeof st->path[0], el->name);
    if (depth == 1)
        st->top = evt_top_of(el->name);
    if (depth == 2 && st->top == EVT_TOP_SYSTEM)
        evt_system_attrs(st, el);
    if (!evt_is_leaf(st->top, st->path, depth))
        return;
    attr = evt_leaf_name_attr(st->top, st->path, depth);
    st->leaf_name = attr != NULL ? xml_elem_attr(el, attr) : NULL;
    st->leaf = depth;
    xml_input_capture(in, &st->text);
}

void
evt_sax_end(struct evt_sax *st, struct xml_input *in, int depth)
{
    int cut;

    if (st->leaf == 0 || depth != st->leaf)
        return;
    xml_input_capture_end(in, &cut);
    st->ev->cut |= cut;
    evt_leaf(st->ev, st->top, st->path, depth, st->leaf_name,
             rn_buf_str(&st->text));
    free(st->leaf_name);
    st->leaf_name = NULL;
    st->leaf = 0;
}

/* Is s a decimal number? */
static int
evt_numeric(const char *s)
{
    if (s == NULL || *s == '\0')
        return 0;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return 0;
    }
    return 1;
}

static const struct iis_event *
evt_catalogue(const struct evt *ev)
{
    const char *guid = evt_get(&ev->sys, "EventGuid");
    const char *op = evt_get(&ev->sys, "Opcode");

    if (guid == NULL || !evt_numeric(op))
        return NULL;
    return iis_event_by_opcode(guid, (int)strtol(op, NULL, 10));
}

void
evt_name(const struct evt *ev, char *out, size_t n)
{
    const char *r = evt_get(&ev->render, "Opcode");
    const struct iis_event *ie;
    const char *id;

    if (r != NULL && r[0] != '\0' && !evt_numeric(r)) {
        snprintf(out, n, "%s", r);
        return;
    }
    ie = evt_catalogue(ev);
    if (ie != NULL) {
        snprintf(out, n, "%s", ie->name);
        return;
    }
    id = evt_get(&ev->sys, "EventID");
    snprintf(out, n, "EventID %s", id != NULL ? id : "?");
}

const char *
evt_class(const struct evt *ev)
{
    const char *c = evt_get(&ev->render, "EventName");
    const struct iis_event *ie;

    if (c != NULL && c[0] != '\0')
        return c;
    ie = evt_catalogue(ev);
    return ie != NULL ? ie->area : NULL;
}

enum rn_rc
evt_fields_json(const struct evt *ev, struct rn_buf *out)
{
    struct rn_json_obj o;
    size_t i;
    char key[128];

    rn_buf_reset(out);
    rn_json_obj_begin(&o, out);
    for (i = 0; i < ev->fields.n; i++)
        rn_json_obj_add(&o, ev->fields.v[i].name, ev->fields.v[i].value,
                        strlen(ev->fields.v[i].value));
    for (i = 0; i < ev->descs.n; i++) {
        snprintf(key, sizeof key, "%s.description", ev->descs.v[i].name);
        rn_json_obj_add(&o, key, ev->descs.v[i].value,
                        strlen(ev->descs.v[i].value));
    }
    return rn_json_obj_end(&o);
}
