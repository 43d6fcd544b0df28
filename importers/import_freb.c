/*
 * FREB (IIS Failed Request Tracing) importer.  One fr*.xml file is one
 * request: the attributes of the <failedRequest> root describe it (every
 * one is kept in the source request's attrs; url, verb, activityId and
 * statusCode are also put in their columns), and each <Event> child is one
 * event, read with the shared Windows event-schema reader (evt_xml.c).
 *
 * The file is streamed.  A file cut short (copied while IIS was writing
 * it) keeps every complete event and is marked truncated with the parser's
 * line and column.  A file IIS cut on purpose at its size cap is well
 * formed and ends with a LOG_FILE_MAX_SIZE_TRUNCATE event: that is
 * reported as a warning and the request is marked truncated.
 */
#include "import_freb.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evt_xml.h"
#include "rn_buf.h"
#include "rn_json.h"
#include "rn_time.h"
#include "rn_url.h"
#include "sha256.h"
#include "triage.h"
#include "xmalloc.h"
#include "xml_input.h"

#define FREB_PROGRESS_EVERY 256
#define FREB_MAX_JSON       (64u * 1024 * 1024)
#define FREB_MAX_ATTRS      (1024u * 1024)
#define FREB_MAX_NAME       128

/* Per-file state. */
struct freb_state {
    struct import_ctx *ctx;
    struct xml_input *in;
    int64_t srcreq;      /* the file's source request */
    int64_t ord;         /* events stored so far */
    struct evt evt;      /* the event being read (reused) */
    struct evt_sax evs;  /* reads it as the parser reports it */
    int root;            /* <failedRequest> seen: 1, another root: -1 */
    int in_event;        /* inside an <Event> child of the root */
    struct rn_buf json;  /* fields JSON of the event being stored */
    struct rn_buf attrs; /* root attributes as JSON */
    char key[FREB_MAX_NAME];
};

/* Confidence that a file is a FREB trace: its first element. */
static int
freb_probe(const unsigned char *head, size_t n, const char *path)
{
    char first[64];

    (void)path;
    if (!xml_input_first_element(head, n, first, sizeof first))
        return 0;
    return strcmp(first, "failedRequest") == 0 ? 95 : 0;
}

int
import_freb_parse_status(const char *s, int64_t *status, int64_t *substatus)
{
    char *end;
    long long st, sub = 0;

    *status = *substatus = STORE_NONE;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    st = strtoll(s, &end, 10);
    if (*end == '.') {
        const char *p = end + 1;

        if (*p < '0' || *p > '9')
            return -1;
        sub = strtoll(p, &end, 10);
    }
    if (*end != '\0' || st < 0 || st > 999 || sub < 0 || sub > 65535)
        return -1;
    *status = st;
    *substatus = sub;
    return 0;
}

/* Integer value of a decimal/hex string, or STORE_NONE. */
static int64_t
freb_int(const char *s)
{
    return s != NULL ? triage_parse_code(s) : STORE_NONE;
}

/*
 * Read the root's attributes (el is <failedRequest>'s start tag; namespace
 * declarations are not among them) into the attrs JSON and create the
 * source request from them.
 */
static enum rn_rc
freb_root(struct freb_state *s, const struct xml_elem *el, struct rn_err *err)
{
    struct rn_json_obj o;
    struct store_srcreq q;
    char *url = NULL, *verb = NULL, *act = NULL, *status = NULL;
    char host[256];
    enum rn_rc rc;
    int i;

    rn_buf_reset(&s->attrs);
    rn_json_obj_begin(&o, &s->attrs);
    for (i = 0; i < el->nattrs; i++) {
        char name[FREB_MAX_NAME];
        char *val = xml_elem_attr_at(el, i, name, sizeof name);
        char **slot = NULL;

        rn_json_obj_add(&o, name, val, strlen(val));
        if (strcmp(name, "url") == 0)
            slot = &url;
        else if (strcmp(name, "verb") == 0)
            slot = &verb;
        else if (strcmp(name, "activityId") == 0)
            slot = &act;
        else if (strcmp(name, "statusCode") == 0)
            slot = &status;
        if (slot != NULL && *slot == NULL)
            *slot = val;
        else
            free(val);
    }
    rn_json_obj_end(&o);
    if (act != NULL && act[0] == '{') {
        snprintf(s->key, sizeof s->key, "%s", act);
    } else {
        /* No request GUID: a key derived from the attributes, so the same
         * file always gives the same request. */
        struct sha256 c;
        char hex[65];

        sha256_init(&c);
        sha256_update(&c, s->attrs.data, s->attrs.len);
        sha256_final_hex(&c, hex);
        snprintf(s->key, sizeof s->key, "freb:%.16s", hex);
        import_warn(s->ctx, xml_input_line(s->in),
                    "%s: line %lld: no activityId on failedRequest",
                    s->ctx->path, (long long)xml_input_line(s->in));
    }
    store_srcreq_init(&q);
    q.key = s->key;
    q.url = url;
    q.verb = verb;
    if (url != NULL) {
        rn_url_host(url, host, sizeof host);
        q.host = host[0] != '\0' ? host : NULL;
    }
    if (status != NULL &&
        import_freb_parse_status(status, &q.http_status, &q.substatus) != 0)
        import_warn(s->ctx, xml_input_line(s->in),
                    "%s: line %lld: bad statusCode \"%.32s\"", s->ctx->path,
                    (long long)xml_input_line(s->in), status);
    q.attrs_json = rn_buf_str(&s->attrs);
    rc = ingest_srcreq_put(s->ctx->in, s->ctx->source_id, &q, &s->srcreq, err);
    free(url);
    free(verb);
    free(act);
    free(status);
    return rc;
}

/* Put what an event says about the request into the source request. */
static enum rn_rc
freb_request_facts(struct freb_state *s, const char *name, int64_t line,
                   struct rn_err *err)
{
    const struct evt_list *f = &s->evt.fields;
    struct store_srcreq q;

    store_srcreq_init(&q);
    q.key = s->key;
    if (strcmp(name, "GENERAL_ENDPOINT_INFORMATION") == 0) {
        q.client_addr = evt_get(f, "RemoteAddress");
        q.client_port = freb_int(evt_get(f, "RemotePort"));
        q.server_addr = evt_get(f, "LocalAddress");
        q.server_port = freb_int(evt_get(f, "LocalPort"));
    } else if (strcmp(name, "LOG_FILE_MAX_SIZE_TRUNCATE") == 0) {
        q.truncated = 1;
        import_warn(s->ctx, line,
                    "%s: line %lld: IIS cut the trace at its size limit "
                    "(LOG_FILE_MAX_SIZE_TRUNCATE); later events are missing",
                    s->ctx->path, (long long)line);
    } else {
        return RN_OK;
    }
    return ingest_srcreq_put(s->ctx->in, s->ctx->source_id, &q, NULL, err);
}

/* out = pre name suf, cut to fit (a few per event: no printf). */
static void
freb_key(char *out, size_t n, const char *pre, const char *name,
         const char *suf)
{
    const char *part[3] = {pre, name, suf};
    size_t o = 0, i;

    for (i = 0; i < 3; i++) {
        size_t len = strlen(part[i]);

        if (len > n - 1 - o)
            len = n - 1 - o;
        memcpy(out + o, part[i], len);
        o += len;
    }
    out[o] = '\0';
}

/* Build the event's fields JSON: data, descriptions, renderings, System. */
static void
freb_fields_json(struct freb_state *s)
{
    const struct evt *ev = &s->evt;
    struct rn_json_obj o;
    char key[160];
    size_t i;

    rn_buf_reset(&s->json);
    rn_json_obj_begin(&o, &s->json);
    for (i = 0; i < ev->fields.n; i++)
        rn_json_obj_add(&o, ev->fields.v[i].name, ev->fields.v[i].value,
                        strlen(ev->fields.v[i].value));
    for (i = 0; i < ev->descs.n; i++) {
        freb_key(key, sizeof key, "", ev->descs.v[i].name, ".description");
        rn_json_obj_add(&o, key, ev->descs.v[i].value,
                        strlen(ev->descs.v[i].value));
    }
    for (i = 0; i < ev->render.n; i++) {
        if (strcmp(ev->render.v[i].name, "Opcode") == 0)
            continue; /* it is the event's name */
        freb_key(key, sizeof key, "render.", ev->render.v[i].name, "");
        rn_json_obj_add(&o, key, ev->render.v[i].value,
                        strlen(ev->render.v[i].value));
    }
    for (i = 0; i < ev->sys.n; i++) {
        freb_key(key, sizeof key, "sys.", ev->sys.v[i].name, "");
        rn_json_obj_add(&o, key, ev->sys.v[i].value,
                        strlen(ev->sys.v[i].value));
    }
    rn_json_obj_end(&o);
}

/* Store the <Event> just read. */
static enum rn_rc
freb_event(struct freb_state *s, struct rn_err *err)
{
    struct store_event se;
    char name[FREB_MAX_NAME];
    const char *t;
    enum rn_rc rc;

    evt_name(&s->evt, name, sizeof name);
    store_event_init(&se);
    se.ord = s->ord;
    se.seq = s->ord + 1;
    se.line = s->evt.line;
    t = evt_get(&s->evt.sys, "TimeCreated");
    if (t != NULL && t[0] != '\0' && rn_time_parse(t, 0, &se.ts_ns) != RN_OK) {
        se.ts_ns = STORE_NONE;
        import_warn(s->ctx, se.line, "%s: line %lld: bad timestamp",
                    s->ctx->path, (long long)se.line);
    }
    se.provider = evt_get(&s->evt.sys, "Provider.Name");
    se.name = name[0] != '\0' ? name : "(unnamed)";
    se.level = freb_int(evt_get(&s->evt.sys, "Level"));
    if (s->evt.cut)
        import_warn(s->ctx, se.line,
                    "%s: line %lld: a value of %s was cut at the size limit",
                    s->ctx->path, (long long)se.line, se.name);
    freb_fields_json(s);
    se.fields_json = rn_buf_str(&s->json);
    rc = ingest_event_add(s->ctx->in, s->ctx->source_id, s->srcreq, &se, NULL,
                          err);
    if (rc == RN_OK)
        rc = freb_request_facts(s, se.name, se.line, err);
    s->ord++;
    if (rc == RN_OK && s->ord % FREB_PROGRESS_EVERY == 0)
        rc = import_progress(s->ctx, xml_input_offset(s->in), err);
    return rc;
}

/* The walk's handlers (xml_input_parse): the root first, then its
 * <Event> children, each stored as it ends. */
struct freb_walk {
    struct freb_state *s;
    struct rn_err *err;
};

static enum rn_rc
freb_on_start(void *ctx, int depth, const struct xml_elem *el)
{
    struct freb_walk *w = ctx;
    struct freb_state *s = w->s;

    if (!s->root) {
        if (strcmp(el->name, "failedRequest") != 0) {
            s->root = -1; /* said here, not as a parse error */
            return rn_err_set(w->err, RN_EFORMAT,
                              "%s: line %lld: not a FREB trace (first "
                              "element <%.40s>)",
                              s->ctx->path, (long long)xml_input_line(s->in),
                              el->name);
        }
        s->root = 1;
        return freb_root(s, el, w->err);
    }
    if (s->in_event)
        evt_sax_start(&s->evs, s->in, depth - 2, el);
    else if (depth == 2 && strcmp(el->name, "Event") == 0) {
        s->in_event = 1;
        evt_sax_begin(&s->evs, xml_input_line(s->in));
    }
    return RN_OK;
}

static enum rn_rc
freb_on_end(void *ctx, int depth)
{
    struct freb_walk *w = ctx;
    struct freb_state *s = w->s;

    if (!s->in_event)
        return RN_OK;
    if (depth > 2) {
        evt_sax_end(&s->evs, s->in, depth - 2);
        return RN_OK;
    }
    s->in_event = 0;
    return freb_event(s, w->err);
}

/*
 * Walk the document.  Returns RN_EFORMAT when the XML breaks off (what was
 * read is stored).
 */
static enum rn_rc
freb_walk(struct freb_state *s, struct rn_err *err)
{
    static const struct xml_sax h = {freb_on_start, freb_on_end};
    struct freb_walk w = {s, err};
    enum rn_rc rc = xml_input_parse(s->in, &h, &w);

    if (rc == RN_EFORMAT && s->root == 0)
        rc = rn_err_set(err, RN_EFORMAT, "%s: not a FREB trace: %s",
                        s->ctx->path, xml_input_error(s->in, NULL));
    return rc;
}

/* Where a file cut short should be parsed to. */
struct freb_cut {
    int64_t limit;     /* end of the last complete </Event>, or -1 */
    int64_t line, col; /* where the file ends */
};

/*
 * A complete FREB file ends with </failedRequest>.  When this one does not
 * (copied while IIS was writing it), find the end of its last complete
 * event, so the parser can be fed up to there and the root closed: the
 * streaming parser reads ahead, and an error at the cut would otherwise
 * cost the complete events just before it.  Only for 8-bit encodings.
 */
static void
freb_find_cut(const struct import_ctx *ctx, struct freb_cut *cut)
{
    static const char close_tag[] = "</failedRequest>", ev_end[] = "</Event>";
    unsigned char buf[65536 + 8];
    size_t n, keep = 0, i;
    int64_t base = 0, size, newlines = 0, last_nl = -1;
    FILE *f = import_fopen(ctx);

    cut->limit = -1;
    if (f == NULL)
        return;
    n = fread(buf, 1, 2, f);
    if (n < 2 || buf[0] == 0 || buf[1] == 0 || (buf[0] == 0xFF) ||
        (buf[0] == 0xFE) || fseek(f, 0, SEEK_END) != 0 ||
        (size = ftell(f)) < 0) {
        fclose(f);
        return;
    }
    n = size < 256 ? (size_t)size : 256;
    if (fseek(f, -(long)n, SEEK_END) == 0 && fread(buf, 1, n, f) == n) {
        while (n > 0 && strchr(" \t\r\n", buf[n - 1]) != NULL && buf[n - 1])
            n--;
        if (n >= sizeof close_tag - 1 &&
            memcmp(buf + n - (sizeof close_tag - 1), close_tag,
                   sizeof close_tag - 1) == 0) {
            fclose(f);
            return;
        }
    }
    rewind(f);
    while ((n = fread(buf + keep, 1, sizeof buf - 8, f)) > 0) {
        n += keep;
        for (i = 0; i < n; i++) {
            if (i >= keep && buf[i] == '\n') {
                newlines++;
                last_nl = base + (int64_t)i;
            }
            if (buf[i] == '<' && i + sizeof ev_end - 1 <= n &&
                memcmp(buf + i, ev_end, sizeof ev_end - 1) == 0)
                cut->limit = base + (int64_t)(i + sizeof ev_end - 1);
        }
        /* Keep the last bytes: a tag may straddle two blocks. */
        keep = n < sizeof ev_end - 1 ? n : sizeof ev_end - 1;
        memmove(buf, buf + n - keep, keep);
        base += (int64_t)(n - keep);
    }
    fclose(f);
    cut->line = newlines + 1;
    cut->col = size - last_nl;
}

/* Import one FREB file. */
static enum rn_rc
freb_run(struct import_ctx *ctx, struct rn_err *err)
{
    struct freb_state s;
    struct freb_cut cut;
    FILE *f;
    enum rn_rc rc;

    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    freb_find_cut(ctx, &cut);
    f = import_fopen(ctx);
    if (f == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", ctx->file, strerror(errno));
    rc = xml_input_open_stream(
        f, ctx->file, cut.limit,
        cut.limit >= 0 ? "\r\n</failedRequest>\r\n" : NULL, &s.in, err);
    if (rc != RN_OK)
        return rc;
    rn_buf_init(&s.json, FREB_MAX_JSON);
    rn_buf_init(&s.attrs, FREB_MAX_ATTRS);
    evt_init(&s.evt);
    evt_sax_init(&s.evs, &s.evt);
    rc = freb_walk(&s, err);
    if (rc == RN_OK && cut.limit >= 0) {
        struct store_srcreq q;

        ctx->truncated = 1;
        import_warn(ctx, cut.line,
                    "%s: truncated at line %lld, column %lld (the file ends "
                    "inside the trace); kept %lld complete events",
                    ctx->path, (long long)cut.line, (long long)cut.col,
                    (long long)s.ord);
        store_srcreq_init(&q);
        q.key = s.key;
        q.truncated = 1;
        rc = ingest_srcreq_put(ctx->in, ctx->source_id, &q, NULL, err);
    } else if (rc == RN_EFORMAT && s.srcreq != 0) {
        /* Keep the root and the complete events; say where it broke. */
        int64_t line;
        const char *why = xml_input_error(s.in, &line);
        struct store_srcreq q;

        ctx->truncated = 1;
        import_warn(ctx, line,
                    "%s: truncated or malformed at %s; kept %lld complete "
                    "events",
                    ctx->path, why, (long long)s.ord);
        store_srcreq_init(&q);
        q.key = s.key;
        q.truncated = 1;
        rc = ingest_srcreq_put(ctx->in, ctx->source_id, &q, NULL, err);
    }
    ctx->format_detail = "freb";
    rn_buf_fini(&s.json);
    rn_buf_fini(&s.attrs);
    evt_sax_fini(&s.evs);
    evt_fini(&s.evt);
    xml_input_close(s.in);
    return rc;
}

const struct importer import_freb_importer = {
    "freb",
    STORE_KIND_FREB,
    freb_probe,
    freb_run,
};
