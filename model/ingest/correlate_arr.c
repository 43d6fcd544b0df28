/*
 * ARR front end and member: an ARR box sets X-ARR-LOG-ID (a GUID) on the
 * request it forwards (GENERAL_SET_REQUEST_HEADER) and the member's trace
 * shows it among the request headers it received
 * (GENERAL_REQUEST_HEADERS).  Each import records, per source request,
 * the ids it sent or received (table arr_log); queries pair them into
 * parent and child (query_arr_links).  The two stay separate requests:
 * they are two servers' views of two hops.  Recording per source request
 * makes the link independent of import order and of later relinking.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "correlate.h"
#include "ingest_impl.h"
#include "store_impl.h"

#define ARR_HEADER "x-arr-log-id"
#define GUID_LEN   36

/* The GUID at s (braces and blanks around it allowed), lower case, in
 * out[GUID_LEN + 1]; 0 when s does not start with one. */
static int
arr_guid(const char *s, char *out)
{
    size_t i;

    while (*s == ' ' || *s == '\t' || *s == '{')
        s++;
    for (i = 0; i < GUID_LEN; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
        out[i] = (char)tolower((unsigned char)s[i]);
    }
    /* A longer run of hex digits is not this GUID. */
    if (isxdigit((unsigned char)s[GUID_LEN]) || s[GUID_LEN] == '-')
        return 0;
    out[GUID_LEN] = '\0';
    return 1;
}

/* The X-ARR-LOG-ID value in a block of "Name: value" lines. */
static int
arr_guid_in_headers(const char *h, char *out)
{
    const char *p = h;
    size_t n = strlen(ARR_HEADER);

    while (p != NULL && *p != '\0') {
        while (*p == '\r' || *p == '\n' || *p == ' ')
            p++;
        if (strncasecmp(p, ARR_HEADER, n) == 0 && p[n] == ':')
            return arr_guid(p + n + 1, out);
        p = strchr(p, '\n');
    }
    return 0;
}

static enum rn_rc
arr_record(struct store *st, int64_t srcreq_id, const char *id, int sent,
           struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(
        st, "INSERT OR IGNORE INTO arr_log VALUES (?1, ?2, ?3)", err);
    enum rn_rc rc = RN_OK;

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, srcreq_id);
    sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, sent);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "record X-ARR-LOG-ID", err);
    sqlite3_reset(s);
    return rc;
}

/* The events read below: a header the front end set, the headers a
 * member received. */
#define ARR_SENT_EVENT     "GENERAL_SET_REQUEST_HEADER"
#define ARR_RECEIVED_EVENT "GENERAL_REQUEST_HEADERS"

int
correlate_arr_event(const char *name)
{
    return name != NULL && name[0] == 'G' &&
           (strcmp(name, ARR_SENT_EVENT) == 0 ||
            strcmp(name, ARR_RECEIVED_EVENT) == 0);
}

enum rn_rc
correlate_arr(struct correlate *co, int64_t source_id, int kind,
              struct rn_err *err)
{
    struct store *st = co->st;
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    /* A capture's events are TCP and HTTP ones, never the two read below:
     * walking all its events for them was a pass over the whole capture. */
    if (kind == STORE_KIND_PCAP)
        return RN_OK;
    /* Cached: a FREB folder asks it once a file.  The statement below
     * that runs while it steps is another. */
    s = store_cached(st,
                     "SELECT e.srcreq_id, e.name = '" ARR_SENT_EVENT "',"
                     " json_extract(e.fields, '$.HeaderName'),"
                     " json_extract(e.fields, '$.HeaderValue'),"
                     " json_extract(e.fields, '$.Headers')"
                     " FROM srcreq q JOIN event e ON e.srcreq_id = q.id"
                     " WHERE q.source_id = ?1 AND e.name IN"
                     " ('" ARR_SENT_EVENT "', '" ARR_RECEIVED_EVENT "')",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    while (rc == RN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(s, 2);
        const char *value = (const char *)sqlite3_column_text(s, 3);
        const char *headers = (const char *)sqlite3_column_text(s, 4);
        int sent = sqlite3_column_int(s, 1), found;
        char id[GUID_LEN + 1];

        if (sent)
            found = name != NULL && value != NULL &&
                    strcasecmp(name, ARR_HEADER) == 0 && arr_guid(value, id);
        else
            found = headers != NULL && arr_guid_in_headers(headers, id);
        if (!found)
            continue;
        rc = arr_record(st, sqlite3_column_int64(s, 0), id, sent, err);
    }
    if (rc == RN_OK && step != SQLITE_DONE)
        rc = store_dberr(st, "read ARR headers", err);
    sqlite3_reset(s);
    return rc;
}
