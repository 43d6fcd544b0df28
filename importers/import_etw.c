/*
 * ETW XML importer.  Two dialects, told apart by the first element:
 * Log Parser 2.2 `-o:XML` rows (<ROOT><ROW><EventNumber>...) and the
 * Windows event schema that tracerpt, wevtutil and Get-WinEvent write
 * (<Events><Event xmlns=...>).  Each event is grouped into a source request
 * by its ContextId (or Correlation ActivityID); the request's verb, URL
 * and status come from GENERAL_REQUEST_START / GENERAL_REQUEST_END.
 */
#include "import_etw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evt_xml.h"
#include "iis_events.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_time.h"
#include "rn_url.h"
#include "triage.h"
#include "xmalloc.h"
#include "xml_input.h"

#define ETW_PROGRESS_EVERY 256
#define ETW_MAX_FIELD      (4u * 1024 * 1024)

static int
etw_probe(const unsigned char *head, size_t n, const char *path)
{
    char first[64];

    (void)path;
    if (!xml_input_first_element(head, n, first, sizeof first))
        return 0;
    if (strcmp(first, "ROOT") == 0 || strcmp(first, "ROW") == 0 ||
        strcmp(first, "Events") == 0)
        return 90;
    if (strcmp(first, "Event") == 0)
        return 80;
    return 0;
}

/* Is c a character of a field name? */
static int
etw_name_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Length of a "Name=" at p (name only), or 0. */
static size_t
etw_name_at(const char *p)
{
    size_t n = 0;

    while (etw_name_char(p[n]))
        n++;
    return n > 0 && p[n] == '=' ? n : 0;
}

/* Length of n hex digits at p, or 0 when they are not all there. */
static size_t
etw_hex_run(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char c = p[i];

        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
              (c >= 'A' && c <= 'F')))
            return 0;
    }
    return n;
}

/* Length of a braced GUID "{8-4-4-4-12}" at p, or 0. */
static size_t
etw_guid_len(const char *p)
{
    static const size_t runs[] = {8, 4, 4, 4, 12};
    size_t o = 1, i;

    if (p[0] != '{')
        return 0;
    for (i = 0; i < 5; i++) {
        if (etw_hex_run(p + o, runs[i]) == 0)
            return 0;
        o += runs[i];
        if (p[o] != (i < 4 ? '-' : '}'))
            return 0;
        o++;
    }
    return o;
}

/*
 * Length of a value at p that cannot hold "|Name=" (a GUID, a decimal or
 * 0x number, true or false), or 0.  Such a value ends at the first '|'
 * whatever the catalogue expects next, so a field the catalogue does not
 * list, or one out of order, is never swallowed into it.
 */
static size_t
etw_atom_len(const char *p)
{
    size_t n = etw_guid_len(p);

    if (n > 0)
        return n;
    if (strncmp(p, "true", 4) == 0)
        return 4;
    if (strncmp(p, "false", 5) == 0)
        return 5;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        n = 2;
        while (etw_hex_run(p + n, 1) != 0)
            n++;
        return n > 2 ? n : 0;
    }
    n = p[0] == '-' ? 1 : 0;
    while (p[n] >= '0' && p[n] <= '9')
        n++;
    return n > (p[0] == '-' ? 1u : 0u) ? n : 0;
}

/* Does the value at v end after an atom where "|Name=" follows? */
static const char *
etw_atom_end(const char *v)
{
    size_t n = etw_atom_len(v);

    if (n > 0 && v[n] == '|' && etw_name_at(v + n + 1) > 0)
        return v + n;
    return NULL;
}

/* End of the value starting at v: after an atom (etw_atom_len), else
 * with the event's catalogue entry def the next "|Name=" naming one of its
 * fields (in any order) or the end of the string, without it the next
 * "|Name=". */
static const char *
etw_value_end(const char *v, const struct iis_event *def)
{
    const char *p = etw_atom_end(v);

    if (p != NULL)
        return p;
    if (def != NULL) {
        for (p = strchr(v, '|'); p != NULL; p = strchr(p + 1, '|')) {
            size_t n = etw_name_at(p + 1);

            if (n > 0 && iis_event_field_index(def, p + 1, n, NULL) >= 0)
                return p;
        }
        /* No known field follows: a string (URL, headers) may hold "|x=",
         * so it runs to the end. */
        return v + strlen(v);
    }
    for (p = strchr(v, '|'); p != NULL; p = strchr(p + 1, '|')) {
        if (etw_name_at(p + 1) > 0)
            return p;
    }
    return v + strlen(v);
}

/* The catalogue's field names of an event, parsed once per event. */
#define ETW_MAX_NAMES 32
struct etw_names {
    const char *p[ETW_MAX_NAMES];
    size_t n[ETW_MAX_NAMES];
    int count; /* -1: more than ETW_MAX_NAMES */
};

static void
etw_names_of(const struct iis_event *def, struct etw_names *nm)
{
    const char *p = def->fields;

    nm->count = 0;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");

        if (nm->count == ETW_MAX_NAMES) {
            nm->count = -1;
            return;
        }
        nm->p[nm->count] = p;
        nm->n[nm->count++] = n;
        p += n;
        if (*p == ',')
            p++;
    }
}

/* Last "|name=" in [s, end), pointing at its '|', or NULL. */
static const char *
etw_last_field(const char *s, const char *end, const char *name, size_t n)
{
    const char *p = end;

    while (p > s) {
        if (*--p == '|' && (size_t)(end - p) > n + 1 &&
            memcmp(p + 1, name, n) == 0 && p[1 + n] == '=')
            return p;
    }
    return NULL;
}

/*
 * Split by the event's known field list, anchoring each field from the
 * end: a value (a URL, say) may hold "|RequestVerb=..." itself, but the
 * real field boundaries are the last ones.  Returns 0 when the string does
 * not have exactly the known fields in order.
 */
static int
etw_split_known(const struct etw_names *nm, const char *ud, etw_field_fn *add,
                void *ctx)
{
    const char *start[ETW_MAX_NAMES], *end = ud + strlen(ud), *all = end;
    int i, count = nm->count;

    if (count < 1)
        return 0;
    for (i = count - 1; i >= 1; i--) {
        const char *at = etw_last_field(ud, end, nm->p[i], nm->n[i]);

        if (at == NULL)
            return 0;
        start[i] = at + 1;
        end = at;
    }
    if (strncmp(ud, nm->p[0], nm->n[0]) != 0 || ud[nm->n[0]] != '=')
        return 0;
    start[0] = ud;
    /* A GUID or number followed by "|Name=" means fields the catalogue
     * does not list (or not in this order): split field by field. */
    for (i = 0; i < count; i++) {
        const char *e = i + 1 < count ? start[i + 1] - 1 : all;
        const char *a = etw_atom_end(start[i] + nm->n[i] + 1);

        if (a != NULL && a < e)
            return 0;
    }
    for (i = 0; i < count; i++) {
        const char *v = start[i] + nm->n[i] + 1;
        const char *e = i + 1 < count ? start[i + 1] - 1 : all;

        add(ctx, nm->p[i], nm->n[i], v, (size_t)(e - v));
    }
    return 1;
}

void
import_etw_split_userdata(const char *event_name, const char *ud,
                          etw_field_fn *add, void *ctx)
{
    const struct iis_event *def = iis_event_by_name(event_name);
    struct etw_names nm;
    const char *p = ud;
    char gen[32];
    int i = 0;

    if (*ud == '\0')
        return;
    nm.count = 0;
    if (def != NULL)
        etw_names_of(def, &nm);
    if (etw_name_at(ud) == 0) {
        /* Compact mode: bare values in the event's field order. */
        while (*p != '\0' || i == 0) {
            const char *e = (def != NULL && i == nm.count - 1)
                                ? p + strlen(p)
                                : p + strcspn(p, "|");

            if (i < nm.count) {
                add(ctx, nm.p[i], nm.n[i], p, (size_t)(e - p));
            } else {
                int k = snprintf(gen, sizeof gen, "Field%d", i + 1);

                add(ctx, gen, (size_t)k, p, (size_t)(e - p));
            }
            i++;
            if (*e == '\0')
                break;
            p = e + 1;
        }
        return;
    }
    if (def != NULL && etw_split_known(&nm, ud, add, ctx))
        return;
    /* Unknown event or unexpected fields: next "|Name=" ends a value. */
    while (*p != '\0') {
        size_t nlen = etw_name_at(p);
        const char *v, *e;
        int ix;

        if (nlen == 0)
            break;
        v = p + nlen + 1;
        ix = def != NULL ? iis_event_field_index(def, p, nlen, NULL) : -1;
        e = etw_value_end(v, ix >= 0 ? def : NULL);
        add(ctx, p, nlen, v, (size_t)(e - v));
        if (*e == '\0')
            break;
        p = e + 1;
    }
}

/* One event on its way to the store. */
struct etw_event {
    int64_t seq, line, ts, level;
    const char *name, *provider;
    struct rn_json_obj obj;
    struct rn_buf json;
    /* Values we act on, copied out of the fields. */
    char *context, *verb, *url, *status, *substatus, *raddr, *rport;
};

/* What the walk is inside of. */
enum etw_item { ETW_NONE, ETW_ROW, ETW_EVENT };

struct etw_state {
    struct import_ctx *ctx;
    struct xml_input *in;
    int64_t ord;
    struct etw_event ev;
    struct rn_buf text;
    struct evt evt;
    struct evt_sax evs; /* reads the <Event> being walked */
    int64_t rows;       /* Log Parser rows seen (else tracerpt events) */
    enum etw_item item; /* the row or event being read */
    int item_depth;     /* its depth */
    /* A Log Parser row: the column being read and what the row keeps
     * aside (the first of each, like fields). */
    char col[64];
    int64_t col_line;
    char *name, *cls, *ud;
};

static void
etw_event_clear(struct etw_event *e)
{
    free(e->context);
    free(e->verb);
    free(e->url);
    free(e->status);
    free(e->substatus);
    free(e->raddr);
    free(e->rport);
    e->context = e->verb = e->url = e->status = e->substatus = NULL;
    e->raddr = e->rport = NULL;
    e->seq = e->line = e->ts = e->level = STORE_NONE;
    rn_buf_reset(&e->json);
    rn_json_obj_begin(&e->obj, &e->json);
}

/* Keep a field: into the JSON object, and aside if triage needs it. */
static void
etw_add_field(void *vctx, const char *name, size_t nlen, const char *value,
              size_t vlen)
{
    struct etw_event *e = vctx;
    char key[64];
    char **slot = NULL;

    if (nlen >= sizeof key)
        nlen = sizeof key - 1;
    memcpy(key, name, nlen);
    key[nlen] = '\0';
    rn_json_obj_add(&e->obj, key, value, vlen);
    if (strcmp(key, "ContextId") == 0)
        slot = &e->context;
    else if (strcmp(key, "RequestVerb") == 0)
        slot = &e->verb;
    else if (strcmp(key, "RequestURL") == 0)
        slot = &e->url;
    else if (strcmp(key, "HttpStatus") == 0)
        slot = &e->status;
    else if (strcmp(key, "HttpSubStatus") == 0)
        slot = &e->substatus;
    else if (strcmp(key, "RemoteAddress") == 0)
        slot = &e->raddr;
    else if (strcmp(key, "RemotePort") == 0)
        slot = &e->rport;
    if (slot != NULL && *slot == NULL)
        *slot = xstrndup(value, vlen);
}

/* Integer value of a field, or STORE_NONE. */
static int64_t
etw_int(const char *s)
{
    return s != NULL ? triage_parse_code(s) : STORE_NONE;
}

/* Write the event (and what it says about its request) to the store. */
static enum rn_rc
etw_emit(struct etw_state *s, struct rn_err *err)
{
    struct etw_event *e = &s->ev;
    struct store_event se;
    int64_t srcreq = 0;
    size_t glen = e->context != NULL ? etw_guid_len(e->context) : 0;
    enum rn_rc rc;

    rn_json_obj_end(&e->obj);
    if (glen > 0 && e->context[glen] == '\0') {
        struct store_srcreq r;
        char host[256];

        store_srcreq_init(&r);
        r.key = e->context;
        if (e->name != NULL && strcmp(e->name, "GENERAL_REQUEST_START") == 0) {
            r.verb = e->verb;
            r.url = e->url;
            if (e->url != NULL) {
                rn_url_host(e->url, host, sizeof host);
                r.host = host[0] != '\0' ? host : NULL;
            }
        }
        if (e->name != NULL && strcmp(e->name, "GENERAL_REQUEST_END") == 0) {
            r.http_status = etw_int(e->status);
            r.substatus = etw_int(e->substatus);
        }
        r.client_addr = e->raddr;
        r.client_port = etw_int(e->rport);
        rc = ingest_srcreq_put(s->ctx->in, s->ctx->source_id, &r, &srcreq, err);
        if (rc != RN_OK)
            return rc;
    } else if (e->context != NULL) {
        /* Never a key from a value that is not a GUID: the event stays,
         * outside any request. */
        import_warn(s->ctx, e->line,
                    "%s: line %lld: ContextId is not a GUID; event kept "
                    "outside any request",
                    s->ctx->path, (long long)e->line);
    }
    store_event_init(&se);
    se.ord = s->ord++;
    se.seq = e->seq != STORE_NONE ? e->seq : se.ord + 1;
    se.line = e->line;
    se.ts_ns = e->ts;
    se.provider = e->provider;
    se.name = e->name != NULL && e->name[0] != '\0' ? e->name : "(unnamed)";
    se.level = e->level;
    se.fields_json = rn_buf_str(&e->json);
    rc =
        ingest_event_add(s->ctx->in, s->ctx->source_id, srcreq, &se, NULL, err);
    /* IIS writes nothing more for a request after its end event: triage
     * it now (anything that does come later is still counted). */
    if (rc == RN_OK && srcreq != 0 &&
        strcmp(se.name, "GENERAL_REQUEST_END") == 0)
        rc = ingest_srcreq_done(s->ctx->in, srcreq, err);
    if (rc == RN_OK && s->ord % ETW_PROGRESS_EVERY == 0)
        rc = import_progress(s->ctx, xml_input_offset(s->in), err);
    return rc;
}

/* Parse a time, warning (once per event) when it is malformed. */
static int64_t
etw_time(struct etw_state *s, const char *text, int64_t line)
{
    int64_t ns;

    if (text == NULL || text[0] == '\0')
        return STORE_NONE;
    if (rn_time_parse(text, s->ctx->tz_off_s, &ns) != RN_OK) {
        import_warn(s->ctx, line, "%s: line %lld: bad timestamp", s->ctx->path,
                    (long long)line);
        return STORE_NONE;
    }
    return ns;
}

/* A Log Parser <ROW> begins: one child element per column. */
static void
etw_row_begin(struct etw_state *s)
{
    etw_event_clear(&s->ev);
    s->ev.line = xml_input_line(s->in);
    free(s->name);
    free(s->cls);
    free(s->ud);
    s->name = s->cls = s->ud = NULL;
}

/* A column of the row ends: its text is in s->text. */
static void
etw_row_column(struct etw_state *s, int cut)
{
    struct etw_event *e = &s->ev;
    const char *text = rn_buf_str(&s->text);

    if (cut)
        import_warn(s->ctx, s->col_line,
                    "%s: line %lld: value of %s cut at %u bytes", s->ctx->path,
                    (long long)s->col_line, s->col, ETW_MAX_FIELD);
    /* A column given twice: the first one counts (as for fields). */
    if (strcmp(s->col, "EventNumber") == 0)
        e->seq = etw_int(text);
    else if (strcmp(s->col, "EventTypeName") == 0 && s->name == NULL)
        s->name = xstrdup(text);
    else if (strcmp(s->col, "EventName") == 0 && s->cls == NULL)
        s->cls = xstrdup(text);
    else if (strcmp(s->col, "Timestamp") == 0)
        e->ts = etw_time(s, text, e->line);
    else if (strcmp(s->col, "UserData") == 0 && s->ud == NULL)
        s->ud = xstrdup(text);
    else
        etw_add_field(e, s->col, strlen(s->col), text, s->text.len);
}

/* The row ends: split its UserData and store it. */
static enum rn_rc
etw_row_end(struct etw_state *s, struct rn_err *err)
{
    struct etw_event *e = &s->ev;
    enum rn_rc rc;

    if (s->ud != NULL)
        import_etw_split_userdata(s->name != NULL ? s->name : "", s->ud,
                                  etw_add_field, e);
    e->name = s->name;
    e->provider = s->cls;
    rc = etw_emit(s, err);
    e->name = e->provider = NULL;
    return rc;
}

/* A Windows event-schema <Event> ends: store what evt_sax gathered. */
static enum rn_rc
etw_event(struct etw_state *s, struct rn_err *err)
{
    struct etw_event *e = &s->ev;
    char name[128];
    const char *act, *pv, *cls;
    size_t i;
    enum rn_rc rc;

    etw_event_clear(e);
    e->line = s->evt.line;
    evt_name(&s->evt, name, sizeof name);
    e->name = name;
    pv = evt_get(&s->evt.sys, "Provider.Name");
    if (pv == NULL)
        pv = evt_get(&s->evt.sys, "Provider.Guid");
    cls = evt_class(&s->evt);
    e->provider = cls != NULL ? cls : pv;
    e->ts = etw_time(s, evt_get(&s->evt.sys, "TimeCreated"), e->line);
    e->level = etw_int(evt_get(&s->evt.sys, "Level"));
    for (i = 0; i < s->evt.fields.n; i++)
        etw_add_field(e, s->evt.fields.v[i].name,
                      strlen(s->evt.fields.v[i].name), s->evt.fields.v[i].value,
                      strlen(s->evt.fields.v[i].value));
    /* Keep the System properties a user may look up, under "sys.". */
    for (i = 0; i < s->evt.sys.n; i++) {
        char key[80] = "sys.";
        size_t n = strlen(s->evt.sys.v[i].name);

        /* Cut to fit, as "%s" would be (no printf: a dozen per event). */
        if (n > sizeof key - 5)
            n = sizeof key - 5;
        memcpy(key + 4, s->evt.sys.v[i].name, n);
        key[4 + n] = '\0';
        rn_json_obj_add(&e->obj, key, s->evt.sys.v[i].value,
                        strlen(s->evt.sys.v[i].value));
    }
    act = evt_get(&s->evt.sys, "ActivityID");
    if (e->context == NULL && act != NULL && act[0] == '{' &&
        strcmp(act, "{00000000-0000-0000-0000-000000000000}") != 0)
        e->context = xstrdup(act);
    rc = etw_emit(s, err);
    e->name = NULL;
    e->provider = NULL;
    return rc;
}

/* The walk's handlers (xml_input_parse): rows and events may sit at any
 * depth; what is inside one belongs to it. */
struct etw_walk {
    struct etw_state *s;
    struct rn_err *err;
};

static enum rn_rc
etw_on_start(void *ctx, int depth, const struct xml_elem *el)
{
    struct etw_state *s = ((struct etw_walk *)ctx)->s;

    if (s->item == ETW_EVENT) {
        evt_sax_start(&s->evs, s->in, depth - s->item_depth, el);
    } else if (s->item == ETW_ROW) {
        if (depth == s->item_depth + 1) {
            /* Deeper elements are only text of the column.  (A plain
             * bounded copy: this runs for every column of every row.) */
            size_t n = strnlen(el->name, sizeof s->col - 1);

            memcpy(s->col, el->name, n);
            s->col[n] = '\0';
            s->col_line = xml_input_line(s->in);
            xml_input_capture(s->in, &s->text);
        }
    } else if (strcmp(el->name, "ROW") == 0) {
        s->rows++;
        s->item = ETW_ROW;
        s->item_depth = depth;
        etw_row_begin(s);
    } else if (strcmp(el->name, "Event") == 0) {
        s->item = ETW_EVENT;
        s->item_depth = depth;
        evt_sax_begin(&s->evs, xml_input_line(s->in));
    }
    return RN_OK;
}

static enum rn_rc
etw_on_end(void *ctx, int depth)
{
    struct etw_walk *w = ctx;
    struct etw_state *s = w->s;
    enum etw_item item;
    int cut;

    if (s->item == ETW_NONE || depth < s->item_depth)
        return RN_OK;
    if (depth > s->item_depth) {
        if (s->item == ETW_EVENT) {
            evt_sax_end(&s->evs, s->in, depth - s->item_depth);
        } else if (depth == s->item_depth + 1) {
            xml_input_capture_end(s->in, &cut);
            etw_row_column(s, cut);
        }
        return RN_OK;
    }
    item = s->item;
    s->item = ETW_NONE;
    return item == ETW_ROW ? etw_row_end(s, w->err) : etw_event(s, w->err);
}

/* Walk the document, storing each row and event as it ends. */
static enum rn_rc
etw_walk(struct etw_state *s, struct rn_err *err)
{
    static const struct xml_sax h = {etw_on_start, etw_on_end};
    struct etw_walk w = {s, err};

    return xml_input_parse(s->in, &h, &w);
}

#define ETW_TAIL_SCAN (256 * 1024)

/* Where a file cut short ends for the parser (see etw_find_cut). */
struct etw_cut {
    int64_t limit;         /* bytes to parse, or -1 for the whole file */
    const char *tail;      /* closing tag to add, or NULL */
    int64_t dropped_lines; /* newlines in the incomplete rest */
};

/* Last occurrence of pat in buf[0..n), or -1. */
static int64_t
etw_rfind(const char *buf, size_t n, const char *pat)
{
    size_t m = strlen(pat), i;

    if (n < m)
        return -1;
    for (i = n - m + 1; i-- > 0;) {
        if (memcmp(buf + i, pat, m) == 0)
            return (int64_t)i;
    }
    return -1;
}

/*
 * A trace copied while it was still being written ends inside an event.
 * The streaming parser reads ahead, so its error would also cost the
 * complete events just before the cut.  Look at the end of the file: when
 * it stops inside an event, parse only up to the last complete one and
 * close the root ourselves.  8-bit encodings only; UTF-16 files rely on
 * the parser's error.
 */
static void
etw_find_cut(const struct import_ctx *ctx, struct etw_cut *cut)
{
    static char buf[ETW_TAIL_SCAN];
    unsigned char head[4096];
    char root[64];
    FILE *f = import_fopen(ctx);
    long size, from;
    size_t n, end, i;
    int64_t row, ev, at;

    cut->limit = -1;
    cut->tail = NULL;
    cut->dropped_lines = 0;
    if (f == NULL)
        return;
    n = fread(head, 1, sizeof head, f);
    if (!xml_input_first_element(head, n, root, sizeof root) ||
        (n >= 2 && (head[0] == 0 || head[1] == 0)) || fseek(f, 0, SEEK_END) ||
        (size = ftell(f)) < 0) {
        fclose(f);
        return;
    }
    from = size > ETW_TAIL_SCAN ? size - ETW_TAIL_SCAN : 0;
    if (fseek(f, from, SEEK_SET) != 0) {
        fclose(f);
        return;
    }
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    end = n;
    while (end > 0 && strchr(" \t\r\n", buf[end - 1]) != NULL)
        end--;
    /* Complete documents and complete runs of fragments end in a tag. */
    if (end >= 9 && (memcmp(buf + end - 7, "</ROOT>", 7) == 0 ||
                     memcmp(buf + end - 9, "</Events>", 9) == 0 ||
                     memcmp(buf + end - 6, "</ROW>", 6) == 0 ||
                     memcmp(buf + end - 8, "</Event>", 8) == 0))
        return;
    row = etw_rfind(buf, n, "</ROW>");
    ev = etw_rfind(buf, n, "</Event>");
    if (row < 0 && ev < 0)
        return; /* no complete event in sight: the parser will say why */
    at = row > ev ? row + 6 : ev + 8;
    cut->limit = from + at;
    if (strcmp(root, "ROOT") == 0)
        cut->tail = "\r\n</ROOT>\r\n";
    else if (strcmp(root, "Events") == 0)
        cut->tail = "\r\n</Events>\r\n";
    for (i = (size_t)at; i < n; i++)
        cut->dropped_lines += buf[i] == '\n';
}

static enum rn_rc
etw_run(struct import_ctx *ctx, struct rn_err *err)
{
    struct etw_state s;
    struct etw_cut cut;
    FILE *f;
    enum rn_rc rc;

    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    etw_find_cut(ctx, &cut);
    f = import_fopen(ctx);
    if (f == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", ctx->file, strerror(errno));
    rc = xml_input_open_stream(f, ctx->file, cut.limit, cut.tail, &s.in, err);
    if (rc != RN_OK)
        return rc;
    rn_buf_init(&s.ev.json, 64u * 1024 * 1024);
    rn_buf_init(&s.text, ETW_MAX_FIELD);
    evt_init(&s.evt);
    evt_sax_init(&s.evs, &s.evt);
    etw_event_clear(&s.ev);
    rc = etw_walk(&s, err);
    if (rc == RN_EFORMAT) {
        int64_t line;
        const char *why = xml_input_error(s.in, &line);

        if (s.ord == 0) {
            rn_err_set(err, RN_EFORMAT, "%s: %s", ctx->path, why);
        } else {
            /* Keep the events before the damage; say where it is. */
            ctx->truncated = 1;
            import_warn(ctx, line,
                        "%s: truncated or malformed at %s; kept "
                        "%lld events before it",
                        ctx->path, why, (long long)s.ord);
            rc = RN_OK;
        }
    } else if (rc == RN_OK && s.ord == 0) {
        rc = rn_err_set(err, RN_EFORMAT, "%s: no ETW events found", ctx->path);
    } else if (rc == RN_OK && cut.limit >= 0) {
        /* The reader stands after the closing tag we added. */
        int64_t line = xml_input_line(s.in) + cut.dropped_lines;
        const char *t;

        for (t = cut.tail; t != NULL && *t != '\0'; t++)
            line -= *t == '\n';

        ctx->truncated = 1;
        import_warn(ctx, line,
                    "%s: truncated at line %lld (the file ends inside an "
                    "event after byte %lld); kept %lld complete events",
                    ctx->path, (long long)line, (long long)cut.limit,
                    (long long)s.ord);
    }
    ctx->format_detail = s.rows > 0 ? "etw-logparser" : "etw-tracerpt";
    etw_event_clear(&s.ev);
    rn_buf_fini(&s.ev.json);
    rn_buf_fini(&s.text);
    evt_sax_fini(&s.evs);
    evt_fini(&s.evt);
    free(s.name);
    free(s.cls);
    free(s.ud);
    xml_input_close(s.in);
    return rc;
}

const struct importer import_etw_importer = {
    "etw-xml",
    STORE_KIND_ETW,
    etw_probe,
    etw_run,
};
