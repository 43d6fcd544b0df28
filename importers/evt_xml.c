/*
 * Reading one <Event> with the streaming reader: we keep the element path
 * below <Event> and file each value by where it sits.
 */
#include "evt_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iis_events.h"
#include "rn_json.h"
#include "xmalloc.h"

#define EVT_MAX_VALUE (4u * 1024 * 1024)
#define EVT_MAX_PAIRS 4096

void
evt_init(struct evt *ev)
{
    memset(ev, 0, sizeof *ev);
}

static void
evt_list_clear(struct evt_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].value);
    }
    l->n = 0;
}

void
evt_reset(struct evt *ev)
{
    evt_list_clear(&ev->sys);
    evt_list_clear(&ev->fields);
    evt_list_clear(&ev->render);
    evt_list_clear(&ev->descs);
    ev->line = 0;
    ev->cut = 0;
}

void
evt_fini(struct evt *ev)
{
    evt_reset(ev);
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

static void
evt_add(struct evt *ev, struct evt_list *l, const char *name, const char *val)
{
    if (l->n >= EVT_MAX_PAIRS) {
        ev->cut = 1;
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap == 0 ? 16 : l->cap * 2;
        l->v = xrealloc(l->v, l->cap, sizeof *l->v);
    }
    l->v[l->n].name = xstrdup(name);
    l->v[l->n].value = xstrdup(val != NULL ? val : "");
    l->n++;
}

/* Where an element's attributes come from: the reader's current node
 * (el NULL) or the push parser's start tag. */
struct evt_attrs {
    struct xml_input *in;
    const struct xml_elem *el;
};

static char *
evt_attr(const struct evt_attrs *a, const char *name)
{
    return a->el != NULL ? xml_elem_attr(a->el, name)
                         : xml_input_attr(a->in, name);
}

/* Add attribute attr of the current element as list entry name. */
static void
evt_add_attr(struct evt *ev, const struct evt_attrs *in, struct evt_list *l,
             const char *attr, const char *name)
{
    char *v = evt_attr(in, attr);

    if (v != NULL) {
        evt_add(ev, l, name, v);
        free(v);
    }
}

/* Attributes worth keeping on System children. */
static void
evt_system_attrs(struct evt *ev, const struct evt_attrs *in, const char *el)
{
    if (strcmp(el, "Provider") == 0) {
        evt_add_attr(ev, in, &ev->sys, "Name", "Provider.Name");
        evt_add_attr(ev, in, &ev->sys, "Guid", "Provider.Guid");
    } else if (strcmp(el, "TimeCreated") == 0) {
        evt_add_attr(ev, in, &ev->sys, "SystemTime", "TimeCreated");
    } else if (strcmp(el, "Correlation") == 0) {
        evt_add_attr(ev, in, &ev->sys, "ActivityID", "ActivityID");
        evt_add_attr(ev, in, &ev->sys, "RelatedActivityID",
                     "RelatedActivityID");
    } else if (strcmp(el, "Execution") == 0) {
        evt_add_attr(ev, in, &ev->sys, "ProcessID", "ProcessID");
        evt_add_attr(ev, in, &ev->sys, "ThreadID", "ThreadID");
    }
}

/* System children whose facts are attributes. */
static int
evt_attr_only(const char *name)
{
    return strcmp(name, "Provider") == 0 || strcmp(name, "TimeCreated") == 0 ||
           strcmp(name, "Correlation") == 0 || strcmp(name, "Execution") == 0;
}

/* Where an element's text goes, by the path below <Event>. */
static void
evt_file_text(struct evt *ev, char path[][64], int depth, const char *text)
{
    const char *top = path[0];

    if (strcmp(top, "System") == 0 && depth == 2) {
        /* Provider, TimeCreated... say what they say in attributes (kept
         * by evt_system_attrs): their empty text is no second fact. */
        if (text[0] != '\0' || !evt_attr_only(path[1]))
            evt_add(ev, &ev->sys, path[1], text);
    } else if (strcmp(top, "EventData") == 0 && depth == 3) {
        /* Complex EventData items (e.g. <ComplexData>): name by element. */
        evt_add(ev, &ev->fields, path[2], text);
    } else if (strcmp(top, "UserData") == 0 && depth >= 3) {
        evt_add(ev, &ev->fields, path[depth - 1], text);
    } else if ((strcmp(top, "ProcessingErrorData") == 0 ||
                strcmp(top, "DebugData") == 0) &&
               depth == 2) {
        evt_add(ev, &ev->fields, path[1], text);
    } else if (strcmp(top, "BinaryEventData") == 0 && depth == 1) {
        evt_add(ev, &ev->fields, "BinaryEventData", text);
    } else if (strcmp(top, "RenderingInfo") == 0 && depth == 2) {
        evt_add(ev, &ev->render, path[1], text);
    } else if (strcmp(top, "ExtendedTracingInfo") == 0 && depth == 2) {
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
evt_is_leaf(char path[][64], int depth)
{
    const char *top = path[0];

    if (depth == 1)
        return strcmp(top, "BinaryEventData") == 0;
    if (depth == 2)
        return strcmp(top, "UserData") != 0 &&
               !(strcmp(top, "EventData") == 0 && strcmp(path[1], "Data") != 0);
    if (strcmp(top, "UserData") == 0)
        return depth >= 3;
    return depth == 3 && strcmp(top, "EventData") == 0;
}

/* The attribute naming a leaf's value: EventData's <Data Name=>, FREB's
 * <freb:Description Data=>; NULL for other leaves. */
static const char *
evt_leaf_name_attr(char path[][64], int depth)
{
    if (strcmp(path[0], "EventData") == 0 && depth == 2)
        return "Name";
    if (strcmp(path[0], "RenderingInfo") == 0 &&
        strcmp(path[1], "Description") == 0)
        return "Data";
    return NULL;
}

/* File a leaf's text (trimmed) under its name attribute or its path. */
static void
evt_leaf(struct evt *ev, char path[][64], int depth, const char *name,
         const char *text)
{
    if (name != NULL || (strcmp(path[0], "EventData") == 0 && depth == 2)) {
        struct evt_list *l =
            strcmp(path[0], "EventData") == 0 ? &ev->fields : &ev->descs;
        char gen[32];

        if (name == NULL)
            snprintf(gen, sizeof gen, "Data%zu", ev->fields.n + 1);
        evt_add(ev, l, name != NULL ? name : gen, text);
    } else {
        evt_file_text(ev, path, depth, text);
    }
}

enum rn_rc
evt_xml_read(struct xml_input *in, struct evt *ev, struct rn_err *err)
{
    xmlTextReaderPtr r = xml_input_reader(in);
    int base = xmlTextReaderDepth(r), ret = 1, cut;
    char path[EVT_MAX_DEPTH][64];
    struct rn_buf text;

    evt_reset(ev);
    ev->line = xml_input_line(in);
    if (xmlTextReaderIsEmptyElement(r))
        return RN_OK;
    rn_buf_init(&text, EVT_MAX_VALUE);
    while ((ret = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r) - base;

        if (type == XML_READER_TYPE_END_ELEMENT && depth == 0)
            break;
        if (type != XML_READER_TYPE_ELEMENT || depth < 1 ||
            depth > EVT_MAX_DEPTH)
            continue;
        evt_copy(path[depth - 1], sizeof path[0], xml_input_name(in));
        if (depth == 2 && strcmp(path[0], "System") == 0) {
            struct evt_attrs a = {in, NULL};

            evt_system_attrs(ev, &a, path[1]);
        }
        if (!evt_is_leaf(path, depth))
            continue;
        {
            /* Attributes must be read before the text moves the reader. */
            const char *attr = evt_leaf_name_attr(path, depth);
            char *name = attr != NULL ? xml_input_attr(in, attr) : NULL;

            if (xml_input_text(in, &text, &cut) != RN_OK) {
                free(name);
                ret = -1;
                break;
            }
            ev->cut |= cut;
            evt_leaf(ev, path, depth, name, rn_buf_str(&text));
            free(name);
        }
    }
    rn_buf_fini(&text);
    if (ret != 1)
        return rn_err_set(err, RN_EFORMAT, "event breaks off");
    return RN_OK;
}

void
evt_sax_init(struct evt_sax *st, struct evt *ev)
{
    memset(st, 0, sizeof *st);
    st->ev = ev;
    rn_buf_init(&st->text, EVT_MAX_VALUE);
}

void
evt_sax_fini(struct evt_sax *st)
{
    free(st->leaf_name);
    rn_buf_fini(&st->text);
    memset(st, 0, sizeof *st);
}

void
evt_sax_begin(struct evt_sax *st, int64_t line)
{
    evt_reset(st->ev);
    st->ev->line = line;
    st->leaf = 0;
    free(st->leaf_name);
    st->leaf_name = NULL;
}

void
evt_sax_start(struct evt_sax *st, struct xml_input *in, int depth,
              const struct xml_elem *el)
{
    struct evt_attrs a = {in, el};
    const char *attr;

    /* Inside a leaf every element is only text to it, as for the reader's
     * xml_input_text. */
    if (st->leaf != 0 || depth < 1 || depth > EVT_MAX_DEPTH)
        return;
    evt_copy(st->path[depth - 1], sizeof st->path[0], el->name);
    if (depth == 2 && strcmp(st->path[0], "System") == 0)
        evt_system_attrs(st->ev, &a, st->path[1]);
    if (!evt_is_leaf(st->path, depth))
        return;
    attr = evt_leaf_name_attr(st->path, depth);
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
    evt_leaf(st->ev, st->path, depth, st->leaf_name, rn_buf_str(&st->text));
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
