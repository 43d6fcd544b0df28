/*
 * The filter language (see filter.h) compiled to an SQL condition over the
 * request table with bound parameters.  Nothing from the user is ever
 * pasted into SQL text: each term adds a fixed fragment and its values.
 */
#include "filter.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rn_buf.h"
#include "rn_cause.h"
#include "rn_kind.h"
#include "rn_role.h"
#include "rn_time.h"
#include "store.h"
#include "xmalloc.h"

#define FILTER_MAX_PARAMS 64
#define FILTER_MAX_TERM   1024

struct filter_param {
    int is_int;
    int64_t i;
    char *s; /* owned */
};

struct filter {
    struct rn_buf sql;
    struct rn_buf text;
    struct filter_param params[FILTER_MAX_PARAMS];
    size_t nparams;
    int events; /* a term reads every event of a request (text:) */
};

void
filter_free(struct filter *f)
{
    size_t i;

    if (f == NULL)
        return;
    for (i = 0; i < f->nparams; i++)
        free(f->params[i].s);
    rn_buf_fini(&f->sql);
    rn_buf_fini(&f->text);
    free(f);
}

const char *
filter_text(const struct filter *f)
{
    return rn_buf_str(&f->text);
}

const char *
filter_sql(const struct filter *f)
{
    return f->sql.len == 0 ? "1" : rn_buf_str(&f->sql);
}

size_t
filter_nparams(const struct filter *f)
{
    return f == NULL ? 0 : f->nparams;
}

int
filter_reads_events(const struct filter *f)
{
    return f != NULL && f->events;
}

int
filter_param_is_int(const struct filter *f, size_t i)
{
    return f->params[i].is_int;
}

int64_t
filter_param_int(const struct filter *f, size_t i)
{
    return f->params[i].i;
}

const char *
filter_param_text(const struct filter *f, size_t i)
{
    return f->params[i].s;
}

/* Add a bound value; returns its 1-based parameter number or 0 if full. */
static int
filter_add_int(struct filter *f, int64_t v)
{
    if (f->nparams >= FILTER_MAX_PARAMS)
        return 0;
    f->params[f->nparams].is_int = 1;
    f->params[f->nparams].i = v;
    f->params[f->nparams].s = NULL;
    return (int)++f->nparams;
}

static int
filter_add_text(struct filter *f, const char *v)
{
    if (f->nparams >= FILTER_MAX_PARAMS)
        return 0;
    f->params[f->nparams].is_int = 0;
    f->params[f->nparams].i = 0;
    f->params[f->nparams].s = xstrdup(v);
    return (int)++f->nparams;
}

/* Parse a non-negative decimal integer that fills the whole string. */
static int
filter_parse_uint(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (!isdigit((unsigned char)s[0]))
        return -1;
    v = strtoll(s, &end, 10);
    if (*end != '\0' || v < 0)
        return -1;
    *out = v;
    return 0;
}

/* status:502.2 | status:502 | status:5xx */
static enum rn_rc
filter_term_status(struct filter *f, const char *v, struct rn_err *err)
{
    int64_t code, sub;
    const char *dot = strchr(v, '.');
    int a, b;

    if (strlen(v) == 3 && isdigit((unsigned char)v[0]) &&
        (v[1] == 'x' || v[1] == 'X') && (v[2] == 'x' || v[2] == 'X')) {
        a = filter_add_int(f, (v[0] - '0') * 100);
        b = filter_add_int(f, (v[0] - '0') * 100 + 99);
        return rn_buf_printf(&f->sql, "r.http_status BETWEEN ?%d AND ?%d", a,
                             b);
    }
    if (dot != NULL) {
        char code_s[16];
        size_t n = (size_t)(dot - v);

        if (n == 0 || n >= sizeof code_s)
            goto bad;
        memcpy(code_s, v, n);
        code_s[n] = '\0';
        if (filter_parse_uint(code_s, &code) != 0 ||
            filter_parse_uint(dot + 1, &sub) != 0)
            goto bad;
        a = filter_add_int(f, code);
        b = filter_add_int(f, sub);
        return rn_buf_printf(
            &f->sql, "(r.http_status = ?%d AND r.substatus = ?%d)", a, b);
    }
    if (filter_parse_uint(v, &code) != 0)
        goto bad;
    a = filter_add_int(f, code);
    return rn_buf_printf(&f->sql, "r.http_status = ?%d", a);
bad:
    return rn_err_set(err, RN_EINVAL,
                      "filter: bad status '%s' (use 502, 502.2 or 5xx)", v);
}

static enum rn_rc
filter_term_time(struct filter *f, const char *op, const char *v,
                 struct rn_err *err)
{
    int64_t ns;

    if (rn_time_parse(v, 0, &ns) != RN_OK)
        return rn_err_set(err, RN_EINVAL,
                          "filter: bad time '%s' (use ISO 8601, e.g. "
                          "2005-08-23T20:19:06Z)",
                          v);
    return rn_buf_printf(&f->sql, "r.start_ns %s ?%d", op,
                         filter_add_int(f, ns));
}

/* Requests holding a single kind of source although the store holds
 * another kind they could have been linked with. */
#define FILTER_ALONE_SQL                                                       \
    "((r.sources & (r.sources - 1)) = 0 AND EXISTS"                            \
    " (SELECT 1 FROM source o"                                                 \
    "  WHERE (1 << (o.kind - 1)) != r.sources))"

/*
 * link:alone: FILTER_ALONE_SQL; link:linked: requests holding several
 * kinds; link:conflict and link:nocandidate: the alone ones whose W3C,
 * HTTPERR line or exchange stayed alone for that reason (srcreq
 * alone_reason; an exchange never matched had no candidate).
 */
static enum rn_rc
filter_term_link(struct filter *f, const char *v, struct rn_err *err)
{
    if (strcmp(v, "alone") == 0)
        return rn_buf_puts(&f->sql, FILTER_ALONE_SQL);
    if (strcmp(v, "linked") == 0)
        return rn_buf_puts(&f->sql, "(r.sources & (r.sources - 1)) != 0");
    if (strcmp(v, "conflict") == 0)
        return rn_buf_puts(
            &f->sql, "(" FILTER_ALONE_SQL " AND EXISTS (SELECT 1"
                     " FROM srcreq lq WHERE lq.request_id = r.id"
                     " AND lq.alone_reason = '" STORE_ALONE_CONFLICT "'))");
    if (strcmp(v, "nocandidate") == 0)
        return rn_buf_puts(&f->sql,
                           "(" FILTER_ALONE_SQL " AND EXISTS (SELECT 1"
                           " FROM srcreq lq WHERE lq.request_id = r.id"
                           " AND lq.kind IN (" RN_KINDS_MATCHED_SQL ")"
                           " AND lq.alone_reason IS NOT '" STORE_ALONE_CONFLICT
                           "'))");
    return rn_err_set(err, RN_EINVAL,
                      "filter: link takes alone, linked, conflict or "
                      "nocandidate, not '%s'",
                      v);
}

/* Compile one key:value term into SQL. */
static enum rn_rc
filter_term(struct filter *f, const char *key, const char *v,
            struct rn_err *err)
{
    int p, k;

    if (strcmp(key, "status") == 0)
        return filter_term_status(f, v, err);
    if (strcmp(key, "verb") == 0)
        return rn_buf_printf(&f->sql, "r.verb = ?%d COLLATE NOCASE",
                             filter_add_text(f, v));
    if (strcmp(key, "url") == 0)
        return rn_buf_printf(&f->sql, "instr(lower(r.url), lower(?%d)) > 0",
                             filter_add_text(f, v));
    if (strcmp(key, "text") == 0) {
        /* The URL, the diagnosis, and the name and field values of every
         * event of the request (CGI_PREMATURE_TERMINATION, a header
         * value): two index seeks per request, so a store search runs as
         * the explorer's sliced scan like url: does. */
        p = filter_add_text(f, v);
        f->events = 1;
        return rn_buf_printf(
            &f->sql,
            "(instr(lower(r.url), lower(?%d)) > 0 OR "
            "instr(lower(r.diagnosis), lower(?%d)) > 0 OR "
            "EXISTS (SELECT 1 FROM srcreq tq JOIN event te"
            " ON te.srcreq_id = tq.id WHERE tq.request_id = r.id AND"
            " (instr(lower(te.name), lower(?%d)) > 0 OR"
            " instr(lower(te.fields), lower(?%d)) > 0)))",
            p, p, p, p);
    }
    if (strcmp(key, "source") == 0) {
        k = store_kind_parse(v);
        if (k == 0)
            return rn_err_set(err, RN_EINVAL,
                              "filter: unknown source '%s' (etw, freb, w3c, "
                              "httperr, pcap)",
                              v);
        return rn_buf_printf(&f->sql, "(r.sources & ?%d) != 0",
                             filter_add_int(f, 1 << (k - 1)));
    }
    if (strcmp(key, "has") == 0) {
        /* The role's name is its column: a fixed string from the table,
         * never the user's text. */
        k = rn_role_find(v);
        if (k >= 0)
            return rn_buf_printf(&f->sql, "r.%s IS NOT NULL",
                                 rn_role_get(k)->name);
        return rn_err_set(
            err, RN_EINVAL, "filter: unknown role '%s' (%s, %s, %s)", v,
            rn_role_get(0)->name, rn_role_get(1)->name, rn_role_get(2)->name);
    }
    if (strcmp(key, "cause") == 0) {
        /* A misspelt cause would match nothing and look like an answer. */
        if (!rn_cause_valid(v))
            return rn_err_set(err, RN_EINVAL,
                              "filter: unknown cause '%s' (reqnav causes "
                              "lists them; the man page explains each)",
                              v);
        return rn_buf_printf(&f->sql, "r.cause = ?%d", filter_add_text(f, v));
    }
    if (strcmp(key, "link") == 0)
        return filter_term_link(f, v, err);
    if (strcmp(key, "since") == 0)
        return filter_term_time(f, ">=", v, err);
    if (strcmp(key, "until") == 0)
        return filter_term_time(f, "<=", v, err);
    if (strcmp(key, "key") == 0) {
        char norm[256];
        int at;

        store_key_normalise(v, norm, sizeof norm);
        at = filter_add_text(f, norm);
        /* The id is the key's hash (no index leads from a key). */
        return rn_buf_printf(
            &f->sql, "(r.id = rn_request_id(?%d) AND r.key = ?%d)", at, at);
    }
    if (strcmp(key, "id") == 0) {
        int64_t id;

        if (filter_parse_uint(v, &id) != 0)
            return rn_err_set(err, RN_EINVAL, "filter: bad id '%s'", v);
        return rn_buf_printf(&f->sql, "r.id = ?%d", filter_add_int(f, id));
    }
    if (strcmp(key, "marked") == 0) {
        if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
            strcmp(v, "true") == 0)
            return rn_buf_puts(&f->sql, "r.marked != 0");
        if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0 ||
            strcmp(v, "false") == 0)
            return rn_buf_puts(&f->sql, "r.marked = 0");
        return rn_err_set(err, RN_EINVAL, "filter: marked takes yes or no");
    }
    return rn_err_set(err, RN_EINVAL,
                      "filter: unknown key '%s' (status, verb, url, source, "
                      "has, cause, link, since, until, key, id, marked, text)",
                      key);
}

/* The keys filter_term knows, for spelling help. */
static const char *const filter_keys[] = {
    "status", "verb", "url", "source", "has",  "since",
    "until",  "key",  "id",  "marked", "text", "cause",
};

/*
 * A bare term such as "status=502" or "status==502" would silently become
 * a URL search; when the part before '=' is a key, it is a mistake for
 * "status:502", so say so instead of finding nothing.
 */
static enum rn_rc
filter_check_equals(const char *term, int negate, struct rn_err *err)
{
    const char *eq = strchr(term, '=');
    const char *val;
    size_t klen, i;

    if (eq == NULL)
        return RN_OK;
    klen = (size_t)(eq - term);
    val = eq[1] == '=' ? eq + 2 : eq + 1;
    for (i = 0; i < sizeof filter_keys / sizeof filter_keys[0]; i++) {
        if (strlen(filter_keys[i]) == klen &&
            strncmp(term, filter_keys[i], klen) == 0)
            return rn_err_set(err, RN_EINVAL,
                              "filter: '%s%s' is not a term; write '%s%s:%s' "
                              "(terms are key:value)",
                              negate ? "-" : "", term, negate ? "-" : "",
                              filter_keys[i], val);
    }
    return RN_OK;
}

/* Split the next term off *p: [-]key:value with optional "quotes".
 * Returns 1, 0 at the end, or -1 when the term does not fit in n. */
static int
filter_next_term(const char **p, char *term, size_t n, int *negate)
{
    const char *s = *p;
    size_t len = 0;
    int quoted = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0')
        return 0;
    *negate = 0;
    if (*s == '-' || *s == '!') {
        *negate = 1;
        s++;
    }
    while (*s != '\0' && (quoted || (*s != ' ' && *s != '\t'))) {
        if (*s == '"') {
            quoted = !quoted;
            s++;
            continue;
        }
        if (len + 1 >= n)
            return -1; /* never cut a term: it would filter something else */
        term[len++] = *s;
        s++;
    }
    term[len] = '\0';
    *p = s;
    return 1;
}

enum rn_rc
filter_parse(const char *expr, struct filter **out, struct rn_err *err)
{
    struct filter *f = xcalloc(1, sizeof *f);
    char term[FILTER_MAX_TERM];
    const char *p = expr != NULL ? expr : "";
    int negate, next;
    enum rn_rc rc = RN_OK;

    *out = NULL;
    rn_buf_init(&f->sql, 64 * 1024);
    rn_buf_init(&f->text, 64 * 1024);
    while (rc == RN_OK &&
           (next = filter_next_term(&p, term, sizeof term, &negate)) != 0) {
        if (next < 0) {
            rc = rn_err_set(err, RN_EINVAL,
                            "filter: a term longer than %d bytes",
                            FILTER_MAX_TERM - 1);
            break;
        }
        char *colon = strchr(term, ':');
        const char *key = "url", *val = term;

        if (colon != NULL) {
            *colon = '\0';
            key = term;
            val = colon + 1;
        } else if ((rc = filter_check_equals(term, negate, err)) != RN_OK) {
            break;
        }
        if (val[0] == '\0') {
            rc = rn_err_set(err, RN_EINVAL, "filter: '%s:' needs a value", key);
            break;
        }
        /* The canonical text spells the key out ("url:" for a bare term):
         * it too must fit a term, or it would not parse back. */
        if (strlen(key) + 1 + strlen(val) >= FILTER_MAX_TERM) {
            rc = rn_err_set(err, RN_EINVAL,
                            "filter: a term longer than %d bytes",
                            FILTER_MAX_TERM - 1);
            break;
        }
        if (f->nparams + 2 > FILTER_MAX_PARAMS) {
            rc = rn_err_set(err, RN_EINVAL, "filter: too many terms");
            break;
        }
        if (f->sql.len > 0)
            rn_buf_puts(&f->sql, " AND ");
        if (negate)
            rn_buf_puts(&f->sql, "NOT coalesce(");
        rc = filter_term(f, key, val, err);
        if (negate && rc == RN_OK)
            rc = rn_buf_puts(&f->sql, ", 0)");
        if (rc == RN_OK) {
            if (f->text.len > 0)
                rn_buf_putc(&f->text, ' ');
            /* Quote a value with blanks, so the text parses back to the
             * same filter (values never hold a quote: quotes toggle). */
            int q = strpbrk(val, " \t") != NULL;

            rn_buf_printf(&f->text, "%s%s:%s%s%s", negate ? "-" : "", key,
                          q ? "\"" : "", val, q ? "\"" : "");
        }
    }
    if (rc != RN_OK) {
        filter_free(f);
        return rc;
    }
    *out = f;
    return RN_OK;
}
