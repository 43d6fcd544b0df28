/*
 * Secret masking for reports (see redact.h for the rules).  redact_text is
 * one forward scan over the bytes: at each position it tries a header line
 * (at a line start), a URL's user information (after "://") and a query
 * parameter (after a separator); a match copies what precedes the secret,
 * appends REDACT_MASK and resumes after the secret.  Everything else is
 * copied unchanged, so text without secrets comes out byte for byte.
 */
#include "redact.h"

#include <string.h>

#include "rn_json.h"

static const char *const redact_headers[] = {
    "authorization", "proxy-authorization", "cookie", "set-cookie"};

static const char *const redact_params[] = {
    "password",     "passwd",        "pwd",           "pass",      "token",
    "access_token", "refresh_token", "id_token",      "api_key",   "apikey",
    "key",          "secret",        "client_secret", "sig",       "signature",
    "session",      "sessionid",     "jsessionid",    "phpsessid", "auth",
    "code_verifier"};

/* Suffixes that make any name credential-like ("x-api-key"). */
static const char *const redact_suffixes[] = {
    "-token",  "_token",     "-key",       "_key",      "-secret",
    "_secret", "-signature", "_signature", "-password", "_password"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Case-insensitive comparison of s (n bytes) with the lower-case word w. */
static int
redact_ieq(const char *s, size_t n, const char *w)
{
    size_t i;

    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        if (c != (unsigned char)w[i])
            return 0;
    }
    return 1;
}

int
redact_is_secret_header(const char *name, size_t len)
{
    size_t i;

    /* Prefixed and wrapped spellings: header:Cookie, cs(Cookie). */
    if (len > 7 && redact_ieq(name, 7, "header:")) {
        name += 7;
        len -= 7;
    }
    if (len > 4 && name[len - 1] == ')' &&
        (redact_ieq(name, 3, "cs(") || redact_ieq(name, 3, "sc("))) {
        name += 3;
        len -= 4;
    }
    for (i = 0; i < NELEM(redact_headers); i++) {
        if (redact_ieq(name, len, redact_headers[i]))
            return 1;
    }
    return 0;
}

int
redact_is_secret_param(const char *name, size_t len)
{
    size_t i, sl;

    for (i = 0; i < NELEM(redact_params); i++) {
        if (redact_ieq(name, len, redact_params[i]))
            return 1;
    }
    for (i = 0; i < NELEM(redact_suffixes); i++) {
        sl = strlen(redact_suffixes[i]);
        if (len > sl && redact_ieq(name + len - sl, sl, redact_suffixes[i]))
            return 1;
    }
    return 0;
}

/* Does byte c end a query value or name? */
static int
redact_is_stop(unsigned char c)
{
    return c < 0x20 || c == 0x7F || strchr("&;#|\"'<> \\", c) != NULL;
}

/* Length of a percent-encoded byte hx ("%26") at s[i], or 0. */
static size_t
redact_pct(const char *s, size_t len, size_t i, const char *hx)
{
    if (i + 3 <= len && s[i] == '%' && redact_ieq(s + i + 1, 2, hx))
        return 3;
    return 0;
}

/* Length of a query separator at s[i] ('?', '&', ';' or encoded), or 0. */
static size_t
redact_sep(const char *s, size_t len, size_t i)
{
    size_t n;

    if (s[i] == '?' || s[i] == '&' || s[i] == ';')
        return 1;
    n = redact_pct(s, len, i, "26");
    if (n == 0)
        n = redact_pct(s, len, i, "3f");
    return n;
}

/* Length of '=' (or "%3D") at s[i], or 0. */
static size_t
redact_eq(const char *s, size_t len, size_t i)
{
    if (s[i] == '=')
        return 1;
    return redact_pct(s, len, i, "3d");
}

/*
 * A parameter starts at s[i]: if it is credential-like and has a value,
 * set [*vs, *ve) to the value and return 1.
 */
static int
redact_param_at(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
    size_t j = i, eq, k;

    while (j < len && !redact_is_stop((unsigned char)s[j]) && s[j] != '=' &&
           s[j] != '?' && redact_eq(s, len, j) == 0 &&
           redact_pct(s, len, j, "26") == 0)
        j++;
    if (j == i || j >= len || (eq = redact_eq(s, len, j)) == 0)
        return 0;
    if (!redact_is_secret_param(s + i, j - i))
        return 0;
    k = j + eq;
    while (k < len && !redact_is_stop((unsigned char)s[k]) &&
           redact_pct(s, len, k, "26") == 0)
        k++;
    if (k == j + eq)
        return 0;
    *vs = j + eq;
    *ve = k;
    return 1;
}

/*
 * A header line starts at s[i]: if it names a secret header and has a
 * value, set [*vs, *ve) to the value (with folded continuation lines).
 * Loose (prose such as a diagnosis, where header lines were joined with
 * spaces and quoted): the value also ends at a double quote or at two
 * spaces (a flattened CRLF).
 */
static int
redact_header_at(const char *s, size_t len, size_t i, int loose, size_t *vs,
                 size_t *ve)
{
    size_t j = i, name_end, k;

    while (j < len && s[j] != ':' && s[j] != '\r' && s[j] != '\n' &&
           s[j] != ' ' && j - i < 64)
        j++;
    while (j < len && (s[j] == ' ' || s[j] == '\t') && j - i < 64)
        j++;
    if (j >= len || s[j] != ':')
        return 0;
    name_end = j;
    while (name_end > i && (s[name_end - 1] == ' ' || s[name_end - 1] == '\t'))
        name_end--;
    if (!redact_is_secret_header(s + i, name_end - i))
        return 0;
    j++;
    while (j < len && (s[j] == ' ' || s[j] == '\t'))
        j++;
    k = j;
    for (;;) {
        size_t nl;

        while (k < len && s[k] != '\r' && s[k] != '\n' &&
               !(loose && (s[k] == '"' ||
                           (s[k] == ' ' && k + 1 < len && s[k + 1] == ' '))))
            k++;
        if (loose)
            break;
        /* An obs-fold continuation line belongs to the value. */
        nl = k;
        if (nl < len && s[nl] == '\r')
            nl++;
        if (nl < len && s[nl] == '\n')
            nl++;
        if (nl > k && nl < len && (s[nl] == ' ' || s[nl] == '\t')) {
            k = nl;
            continue;
        }
        break;
    }
    if (k == j)
        return 0;
    *vs = j;
    *ve = k;
    return 1;
}

/* May a header name start at s[i]? */
static int
redact_header_start(const char *s, size_t i, int loose)
{
    unsigned char p;

    if (i == 0 || s[i - 1] == '\n' || s[i - 1] == '\r')
        return 1;
    if (!loose)
        return 0;
    p = (unsigned char)s[i - 1];
    return !((p >= 'a' && p <= 'z') || (p >= 'A' && p <= 'Z') ||
             (p >= '0' && p <= '9') || p == '-' || p == '_' || p == ':' ||
             p == '(');
}

/* "scheme://user:password@": set [*vs, *ve) to the password. */
static int
redact_userinfo_at(const char *s, size_t len, size_t i, size_t *vs, size_t *ve)
{
    size_t j = i, colon = 0;

    while (j < len && !redact_is_stop((unsigned char)s[j]) && s[j] != '/' &&
           s[j] != '?' && s[j] != '@') {
        if (s[j] == ':' && colon == 0)
            colon = j;
        j++;
    }
    if (j >= len || s[j] != '@' || colon == 0 || colon + 1 == j)
        return 0;
    *vs = colon + 1;
    *ve = j;
    return 1;
}

enum rn_rc
redact_text(struct rn_buf *out, const char *s, size_t len, int flags,
            int *changed)
{
    size_t i = 0, copied = 0, vs, ve, n;
    enum rn_rc rc = RN_OK;

    while (i < len && rc == RN_OK) {
        int hit = 0;

        if (redact_header_start(s, i, (flags & REDACT_LOOSE) != 0) &&
            redact_header_at(s, len, i, (flags & REDACT_LOOSE) != 0, &vs, &ve))
            hit = 1;
        else if (i == 0 && (flags & REDACT_QUERY) &&
                 redact_param_at(s, len, 0, &vs, &ve))
            hit = 1;
        else if (i + 3 <= len && memcmp(s + i, "://", 3) == 0 &&
                 redact_userinfo_at(s, len, i + 3, &vs, &ve))
            hit = 1;
        else if ((n = redact_sep(s, len, i)) > 0 && i + n < len &&
                 redact_param_at(s, len, i + n, &vs, &ve))
            hit = 1;
        if (!hit) {
            i++;
            continue;
        }
        rc = rn_buf_append(out, s + copied, vs - copied);
        if (rc == RN_OK)
            rc = rn_buf_puts(out, REDACT_MASK);
        if (changed != NULL)
            *changed = 1;
        copied = i = ve;
    }
    if (rc == RN_OK && copied < len)
        rc = rn_buf_append(out, s + copied, len - copied);
    return rc;
}

char *
redact_dup(const char *s, int flags, int *changed)
{
    struct rn_buf b;

    if (s == NULL)
        return NULL;
    rn_buf_init(&b, 4 * RN_BUF_MAX_FIELD);
    rn_buf_puts(&b, "");
    if (redact_text(&b, s, strlen(s), flags, changed) != RN_OK) {
        /* Too big to scan: show nothing of it rather than a secret. */
        rn_buf_reset(&b);
        rn_buf_puts(&b, REDACT_MASK);
        if (changed != NULL)
            *changed = 1;
    }
    return rn_buf_take(&b);
}

/*
 * Does a field name say its value is a query string (W3C cs-uri-query,
 * QueryString) or may be a form body (the Buffer of an entity event)?
 */
static int
redact_is_query_field(const char *k, size_t n)
{
    return (n >= 5 && redact_ieq(k + n - 5, 5, "query")) ||
           (n >= 11 && redact_ieq(k + n - 11, 11, "querystring")) ||
           redact_ieq(k, n, "buffer") || redact_ieq(k, n, "body");
}

/* Build the redacted object from the pairs of json into out. */
static enum rn_rc
redact_fields_rebuild(struct rn_buf *out, const char *json, int secret_value,
                      int *changed)
{
    struct rn_buf k, v, red;
    struct rn_json_obj o;
    const char *p = json;
    enum rn_rc rc = RN_OK;
    int r;

    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    rn_buf_init(&red, 4 * RN_BUF_MAX_FIELD);
    rn_json_obj_begin(&o, out);
    while (rc == RN_OK && (r = rn_json_flat_next(&p, &k, &v)) == 1) {
        const char *key = rn_buf_str(&k), *val = v.data != NULL ? v.data : "";

        rn_buf_reset(&red);
        if (v.len > 0 &&
            (redact_is_secret_header(key, k.len) ||
             (secret_value && redact_ieq(key, k.len, "headervalue")))) {
            rc = rn_buf_puts(&red, REDACT_MASK);
            *changed = 1;
        } else {
            rc = redact_text(
                &red, val, v.len,
                redact_is_query_field(key, k.len) ? REDACT_QUERY : 0, changed);
        }
        if (rc == RN_OK)
            rc = rn_json_obj_add(&o, key, red.data != NULL ? red.data : "",
                                 red.len);
    }
    if (rc == RN_OK)
        rc = rn_json_obj_end(&o);
    rn_buf_fini(&k);
    rn_buf_fini(&v);
    rn_buf_fini(&red);
    return rc;
}

/* redact_fields_json with a non-NULL changed flag. */
static enum rn_rc
redact_fields_do(struct rn_buf *out, const char *json, int *changed)
{
    struct rn_buf k, v, scratch;
    const char *p = json != NULL ? json : "{}";
    size_t start = out->len;
    int r, any = 0, secret_value = 0;
    enum rn_rc rc = RN_OK;

    /* First pass: anything to mask, and is HeaderName a secret header? */
    rn_buf_init(&k, RN_BUF_MAX_FIELD);
    rn_buf_init(&v, RN_BUF_MAX_FIELD);
    rn_buf_init(&scratch, 4 * RN_BUF_MAX_FIELD);
    while ((r = rn_json_flat_next(&p, &k, &v)) == 1) {
        const char *key = rn_buf_str(&k);

        if (redact_ieq(key, k.len, "headername") &&
            redact_is_secret_header(rn_buf_str(&v), v.len))
            secret_value = 1;
        if (v.len > 0 && redact_is_secret_header(key, k.len))
            any = 1;
        rn_buf_reset(&scratch);
        if (!any &&
            redact_text(&scratch, v.data != NULL ? v.data : "", v.len,
                        redact_is_query_field(key, k.len) ? REDACT_QUERY : 0,
                        &any) != RN_OK)
            any = 1;
    }
    rn_buf_fini(&scratch);
    rn_buf_fini(&k);
    rn_buf_fini(&v);
    if (r < 0) {
        /* Not a flat object of strings: show none of it. */
        *changed = 1;
        return rn_buf_puts(out, "{\"redacted\":\"" REDACT_MASK "\"}");
    }
    if (!any && !secret_value)
        return rn_buf_puts(out, json != NULL ? json : "{}");
    rc = redact_fields_rebuild(out, json, secret_value, changed);
    if (rc != RN_OK) {
        /* Cut at the cap: replace the partial object by a mask. */
        out->len = start;
        if (out->data != NULL)
            out->data[start] = '\0';
        *changed = 1;
        return rn_buf_puts(out, "{\"redacted\":\"" REDACT_MASK "\"}");
    }
    return RN_OK;
}

enum rn_rc
redact_fields_json(struct rn_buf *out, const char *json, int *changed)
{
    int dummy = 0;

    return redact_fields_do(out, json, changed != NULL ? changed : &dummy);
}
