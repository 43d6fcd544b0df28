/*
 * The case store: opening (schema, migrations, pragmas), transactions,
 * and the write API importers use.  Hot statements are prepared once and
 * kept in struct store; every write happens inside a transaction, and
 * each source inside its own SAVEPOINT so it lands whole or not at all.
 */
#include "store.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "rn_buf.h"
#include "rn_kind.h"
#include "rn_pipe.h"
#include "rn_role.h"
#include "rn_time.h"
#include "store_impl.h"
#include "store_presync.h"
#include "xmalloc.h"

extern const char rn_schema_sql[];
extern const char rn_views_sql[];

/* Schema version this build writes; store_migrate() brings older ones up. */
#define STORE_SCHEMA_VERSION 4

enum store_stmt_id {
    SS_SRCREQ_FIND,
    SS_SRCREQ_REQUEST,
    SS_SRCREQ_INSERT,
    SS_SRCREQ_WRITE,
    SS_SRCREQ_UPDATE,
    SS_EVENT_INSERT,
    SS_COUNT
};

static const char *const store_stmt_sql[SS_COUNT] = {
    [SS_SRCREQ_FIND] =
        "SELECT id FROM srcreq WHERE source_id = ?1 AND key = ?2",
    [SS_SRCREQ_REQUEST] = "SELECT request_id FROM srcreq WHERE id = ?1",
    /* Both inserts do nothing when (source, key) is there already: the
     * put then merges into it. */
    [SS_SRCREQ_INSERT] =
        "INSERT INTO srcreq (source_id, kind, key, start_ns, end_ns, verb,"
        " url, host, http_status, substatus, win32_status, client_addr,"
        " client_port, server_addr, server_port, attrs, truncated)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, coalesce(?16, '{}'), ?17) ON CONFLICT DO NOTHING",
    /* A source request the ingest layer kept in memory until it was
     * complete, under the id it reserved (store_srcreq_reserve). */
    [SS_SRCREQ_WRITE] =
        "INSERT INTO srcreq (source_id, kind, key, start_ns, end_ns, verb,"
        " url, host, http_status, substatus, win32_status, client_addr,"
        " client_port, server_addr, server_port, attrs, truncated,"
        " request_id, link_rule, id)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
        " ?14, ?15, coalesce(?16, '{}'), ?17, ?18, ?19, ?20)",
    [SS_SRCREQ_UPDATE] =
        "UPDATE srcreq SET start_ns = coalesce(?4, start_ns),"
        " end_ns = coalesce(?5, end_ns), verb = coalesce(?6, verb),"
        " url = coalesce(?7, url), host = coalesce(?8, host),"
        " http_status = coalesce(?9, http_status),"
        " substatus = coalesce(?10, substatus),"
        " win32_status = coalesce(?11, win32_status),"
        " client_addr = coalesce(?12, client_addr),"
        " client_port = coalesce(?13, client_port),"
        " server_addr = coalesce(?14, server_addr),"
        " server_port = coalesce(?15, server_port),"
        " attrs = CASE WHEN ?16 IS NULL THEN attrs"
        "   ELSE json_patch(attrs, ?16) END,"
        " truncated = max(truncated, ?17) WHERE id = ?1",
    [SS_EVENT_INSERT] =
        "INSERT INTO event (uid, source_id, srcreq_id, kind, seq, line,"
        " ts_ns, provider, name, level, fields, raw)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
        " coalesce(?11, '{}'), ?12)",
};

#define STORE_KEYCACHE 4096

static void store_deferred_clear(struct store *st);

struct store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[SS_COUNT]; /* prepared lazily, finalized at close */
    int in_tx;                    /* outer transaction open */
    /* The source being imported (between source_begin and end/abort). */
    int64_t cur_source;
    int cur_kind;
    char cur_sha[65];
    /* Statements of store_cached(): static SQL text -> statement. */
    struct store_cache_entry {
        const char *sql;
        sqlite3_stmt *stmt;
    } * cache;
    int ncache, capcache;
    /* Recently used source requests of the current source: importers put
     * the same few keys (the requests in flight) again and again.  A
     * direct-mapped cache, so memory stays bounded whatever the file. */
    struct store_key_slot {
        char *key;
        int64_t srcreq;
    } keycache[STORE_KEYCACHE];
    /* store_deadline(): monotonic ns after which reads are interrupted
     * (0: none), and whether the last interrupt was ours. */
    int64_t deadline_ns;
    int deadline_hit;
    /* Events added to the current source (no index leads from a source to
     * its events, so they are counted as they come). */
    int64_t cur_events;
    /* store_srcreq_reserve(): the next id of the current source, 0 until
     * the first reservation. */
    int64_t next_srcreq;
    /* store_defer_request_indexes(): the CREATE statements of the indexes
     * dropped in the open transaction, to run again before it commits. */
    char **deferred;
    size_t ndeferred;
    /* store_bulk_begin(): the store left WAL for a rollback journal; its
     * file then syncs beside the commit's index builds. */
    int bulk;
    struct store_presync presync;
    /* store_write_behind(): the writer thread of the hot row writes, or
     * NULL; and the ids of request rows an insert found taken, for
     * store_request_taken. */
    struct rn_pipe *pipe;
    int64_t *taken;
    size_t ntaken, captaken;
};

/* store_write_behind(): a batch of writes is handed to the writer thread
 * once it holds this many bytes: about a thousand events, so a handoff (a
 * lock and a wake-up) costs nothing beside them.  Up to STORE_PIPE_DEPTH
 * batches wait (8 MiB): a block of request rows is a burst of slow
 * writes, and the parse goes on meanwhile instead of waiting for each
 * batch (200 MB Log Parser file: 3.34 s wall with one batch waiting,
 * 3.16 s with 32, no gain past; 8 MB more resident). */
#define STORE_PIPE_BATCH (256u * 1024)
#define STORE_PIPE_DEPTH 32

/* The kinds of write the writer thread runs (store_pipe_run). */
enum store_op { STORE_OP_EVENT = 1, STORE_OP_SRCREQ, STORE_OP_REQUEST };

_Static_assert(STORE_KIND_MAX == RN_KIND_MAX,
               "enum store_kind and the kind table (rn_kind.c) agree");

const char *
store_kind_name(int kind)
{
    const struct rn_kind *k = rn_kind_get(kind);

    return k != NULL ? k->name : NULL;
}

int
store_kind_parse(const char *name)
{
    const struct rn_kind *k = rn_kind_find(name);

    return k != NULL ? k->id : 0;
}

_Static_assert(STORE_ROLE_COUNT == RN_ROLE_COUNT,
               "enum store_role and the role table (rn_role.c) agree");

const char *
store_role_name(int role)
{
    const struct rn_role *r = rn_role_get(role);

    return r != NULL ? r->name : NULL;
}

/* Before the caller uses the connection: every write handed to the
 * writer thread has run (a no-op in the writer itself). */
static enum rn_rc
store_sync(struct store *st, struct rn_err *err)
{
    if (st->pipe == NULL || rn_pipe_is_worker(st->pipe))
        return RN_OK;
    return rn_pipe_drain(st->pipe, err);
}

sqlite3 *
store_db(struct store *st)
{
    /* A failed write is reported by the next call that can say so. */
    (void)store_sync(st, NULL);
    return st->db;
}

const char *
store_path(const struct store *st)
{
    return st->path;
}

/* " (File too large)": the system error behind an I/O failure (static
 * storage), or "" when there is none.  SQLite does not always keep it
 * (a failed WAL write at commit): then errno, when it is one that a write
 * gives for a full disk or a file size limit. */
static const char *
store_os_error(struct store *st)
{
    static char buf[96];
    int saved = errno;
    int code = sqlite3_extended_errcode(st->db) & 0xFF;
    int sys = sqlite3_system_errno(st->db);

    if (code != SQLITE_IOERR && code != SQLITE_FULL &&
        code != SQLITE_CANTOPEN && code != SQLITE_READONLY)
        return "";
    if (sys == 0 && (saved == ENOSPC || saved == EFBIG || saved == EDQUOT ||
                     saved == EIO || saved == EROFS))
        sys = saved;
    if (sys == 0)
        return "";
    snprintf(buf, sizeof buf, " (%s)", strerror(sys));
    return buf;
}

enum rn_rc
store_dberr(struct store *st, const char *what, struct rn_err *err)
{
    if (st->deadline_hit && sqlite3_errcode(st->db) == SQLITE_INTERRUPT)
        return rn_err_set(err, RN_ETIMEOUT, "%s: %s: deadline passed", st->path,
                          what);
    return rn_err_set(err, RN_EDB, "%s: database error: %s: %s%s", st->path,
                      what, sqlite3_errmsg(st->db), store_os_error(st));
}

/* Progress handler: interrupt the statement once the deadline passed. */
static int
store_deadline_check(void *arg)
{
    struct store *st = arg;

    if (rn_time_mono_ns() < st->deadline_ns)
        return 0;
    st->deadline_hit = 1;
    return 1;
}

void
store_deadline(struct store *st, int64_t us)
{
    st->deadline_hit = 0;
    if (us <= 0) {
        st->deadline_ns = 0;
        sqlite3_progress_handler(st->db, 0, NULL, NULL);
        return;
    }
    st->deadline_ns = rn_time_mono_ns() + us * 1000;
    /* Every 1000 virtual machine steps: about a microsecond apart, for a
     * clock read that costs tens of nanoseconds. */
    sqlite3_progress_handler(st->db, 1000, store_deadline_check, st);
}

enum rn_rc
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
              struct rn_err *err)
{
    enum rn_rc rc = store_sync(st, err);

    *stmt = NULL;
    if (rc != RN_OK)
        return rc;
    if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
        *stmt = NULL;
        return store_dberr(st, "prepare", err);
    }
    return RN_OK;
}

enum rn_rc
store_exec(struct store *st, const char *sql, struct rn_err *err)
{
    char *msg = NULL;
    enum rn_rc rc = store_sync(st, err);

    if (rc != RN_OK)
        return rc;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rn_err_set(err, RN_EDB, "%s: database error: %s%s", st->path,
                   msg != NULL ? msg : sqlite3_errmsg(st->db),
                   store_os_error(st));
        sqlite3_free(msg);
        return RN_EDB;
    }
    return RN_OK;
}

int
store_bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
    if (v == STORE_NONE)
        return sqlite3_bind_null(s, i);
    return sqlite3_bind_int64(s, i, v);
}

int64_t
store_ts_norm(int64_t v)
{
    return v < STORE_TS_MIN || v >= STORE_TS_MAX ? STORE_NONE : v;
}

/* Bind a time, NULL when unknown or outside the range the store keeps. */
static int
store_bind_ts(sqlite3_stmt *s, int i, int64_t v)
{
    if (v < STORE_TS_MIN || v >= STORE_TS_MAX)
        return sqlite3_bind_null(s, i);
    return sqlite3_bind_int64(s, i, v);
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v == NULL)
        return sqlite3_bind_null(s, i);
    return sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int64_t
store_col_opt(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return STORE_NONE;
    return sqlite3_column_int64(s, i);
}

char *
store_col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    if (t == NULL)
        return NULL;
    return xstrndup((const char *)t, (size_t)sqlite3_column_bytes(s, i));
}

int64_t
store_hash53(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    /* Final avalanche so nearby inputs spread over all 53 bits. */
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h &= (1ULL << 53) - 1;
    return h == 0 ? 1 : (int64_t)h;
}

void
store_key_normalise(const char *key, char *out, size_t n)
{
    size_t i;
    int guid = key[0] == '{';

    /* GUIDs compare case-insensitively: Log Parser writes lower case, FREB
     * upper case.  Synthetic keys are kept as they are. */
    for (i = 0; i + 1 < n && key[i] != '\0'; i++) {
        char c = key[i];

        out[i] = (guid && c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (n > 0)
        out[i] = '\0';
}

int64_t
store_request_id_for_key(const char *key)
{
    char norm[256];

    store_key_normalise(key, norm, sizeof norm);
    return store_hash53(norm, strlen(norm));
}

/* SQL function rn_request_id(key): the id of a (normalised) key. */
static void
store_sql_request_id(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *key = sqlite3_value_text(argv[0]);

    (void)argc;
    if (key == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, store_request_id_for_key((const char *)key));
}

/*
 * Whether table has column: a store whose version number was set back
 * by hand (or by an older reqnav's tools) may already have it.
 */
static int
store_has_column(struct store *st, const char *table, const char *column)
{
    sqlite3_stmt *s;
    int found = 0;

    if (sqlite3_prepare_v2(
            st->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1,
            &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, column, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

int
store_has_table(struct store *st, const char *table)
{
    sqlite3_stmt *s;
    int found;

    if (sqlite3_prepare_v2(st->db,
                           "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                           " AND name = ?1",
                           -1, &s, NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return found;
}

/*
 * The files an import met but could not import (store_skip_put).  Added
 * to schema 4 without a version bump: a store made before it gets the
 * table the first time it is opened for writing, and readers of a store
 * without it see no such files (query_skipped).  The text is kept as
 * written, comments included, for `reqnav sql --schema`.
 */
static const char store_skipped_ddl[] =
    "CREATE TABLE IF NOT EXISTS skipped_file (\n"
    "    path        TEXT PRIMARY KEY,         -- as named at import; archive\n"
    "                                          -- members case.zip!member\n"
    "    state       TEXT NOT NULL,            -- skipped (not a trace, or "
    "not\n"
    "                                          -- in a form reqnav reads),\n"
    "                                          -- failed (unreadable, "
    "unparsable)\n"
    "                                          -- or damaged (an archive: the\n"
    "                                          -- members before it are kept)\n"
    "    format      TEXT,                     -- the importer that refused "
    "it\n"
    "    size        INTEGER,                  -- bytes; NULL when unreadable\n"
    "    sha256      TEXT,                     -- content hash, or NULL\n"
    "    imported_at TEXT NOT NULL,            -- when an import last met it\n"
    "    message     TEXT NOT NULL             -- why, with the position\n"
    ")";

static enum rn_rc
store_skipped_ensure(struct store *st, struct rn_err *err)
{
    if (store_has_table(st, "skipped_file"))
        return RN_OK;
    return store_exec(st, store_skipped_ddl, err);
}

/* Has a store of this version every column added within it? */
static int
store_current(struct store *st)
{
    return store_has_column(st, "srcreq", "alone_reason");
}

/* The store's schema version; a newer one than ours is refused. */
static enum rn_rc
store_version(struct store *st, int *version, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;

    rc = store_prepare(st, "PRAGMA user_version", &s, err);
    if (rc != RN_OK)
        return rc;
    *version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
    sqlite3_finalize(s);
    if (*version < 0)
        return store_dberr(st, "read schema version", err);
    if (*version > STORE_SCHEMA_VERSION)
        return rn_err_set(err, RN_EINVAL,
                          "%s: store schema version %d is newer than this "
                          "reqnav understands (%d)",
                          st->path, *version, STORE_SCHEMA_VERSION);
    return RN_OK;
}

/*
 * A store opened read-only cannot be migrated: one of another schema
 * (older, or of this version without a column added within it) is
 * refused with what to do, never read with columns missing.
 */
static enum rn_rc
store_check_readable(struct store *st, struct rn_err *err)
{
    int version;
    enum rn_rc rc = store_version(st, &version, err);

    if (rc != RN_OK)
        return rc;
    if (version == 0)
        return rn_err_set(err, RN_EINVAL, "%s: not a reqnav store (no schema)",
                          st->path);
    if (version < STORE_SCHEMA_VERSION || !store_current(st))
        return rn_err_set(err, RN_EINVAL,
                          "%s: store from an earlier reqnav and it cannot be "
                          "written here; open it once where it can be "
                          "written (it is upgraded in place)",
                          st->path);
    return RN_OK;
}

/* Apply schema and migrations; refuse stores from a newer reqnav. */
static enum rn_rc
store_migrate(struct store *st, struct rn_err *err)
{
    sqlite3_stmt *s;
    int version;
    enum rn_rc rc = store_version(st, &version, err);

    if (rc != RN_OK)
        return rc;
    if (version == STORE_SCHEMA_VERSION && store_current(st))
        return RN_OK;
    rc = store_exec(st, "BEGIN IMMEDIATE", err);
    if (rc != RN_OK)
        return rc;
    /* Another process may have created the schema while we waited for
     * the write lock (two commands started on a new store at once). */
    rc = store_prepare(st, "PRAGMA user_version", &s, err);
    if (rc == RN_OK) {
        version = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : -1;
        sqlite3_finalize(s);
        if (version < 0)
            rc = store_dberr(st, "read schema version", err);
        else if (version == STORE_SCHEMA_VERSION && store_current(st))
            return store_exec(st, "COMMIT", err);
    }
    if (rc == RN_OK && version == 0)
        rc = store_exec(st, rn_schema_sql, err);
    /* 1 -> 2: how a capture's clock offset came about. */
    else if (version < 2)
        rc = store_exec(st,
                        "ALTER TABLE source ADD COLUMN clock_offset_given"
                        " INTEGER NOT NULL DEFAULT 0;"
                        "ALTER TABLE source ADD COLUMN clock_offset_matches"
                        " INTEGER",
                        err);
    /* 2 -> 3: two indexes no query used, which cost a tenth of an
     * import (schema.sql). */
    if (rc == RN_OK && version > 0 && version < 3)
        rc = store_exec(st,
                        "DROP INDEX IF EXISTS srcreq_by_key;"
                        "DROP INDEX IF EXISTS event_by_source",
                        err);
    /* 3 -> 4: the failure class of each request, and what a capture
     * file held (reqnav sources).  Requests triaged before keep a NULL
     * cause until an import touches them again: re-triaging every request
     * here would make opening an old store as slow as importing it (the
     * man page says so). */
    if (rc == RN_OK && version > 0 && version < 4 &&
        !store_has_column(st, "request", "cause"))
        rc = store_exec(st,
                        "ALTER TABLE request ADD COLUMN cause TEXT;"
                        "CREATE INDEX request_by_cause ON request(cause,"
                        " http_status, substatus) WHERE cause IS NOT NULL",
                        err);
    if (rc == RN_OK && version > 0 && version < 4 &&
        !store_has_column(st, "source", "capture"))
        rc = store_exec(st, "ALTER TABLE source ADD COLUMN capture TEXT", err);
    /* ... and the same capture in another container is known by its
     * frames (store_source_by_frames). */
    if (rc == RN_OK && version > 0 && version < 4 &&
        !store_has_column(st, "source", "frames_sha256"))
        rc = store_exec(st, "ALTER TABLE source ADD COLUMN frames_sha256 TEXT",
                        err);
    /* ARR parent and child links (schema.sql): sources imported before
     * have no rows, so their requests stay unlinked. */
    if (rc == RN_OK && version > 0 && version < 4)
        rc = store_exec(st,
                        "CREATE TABLE IF NOT EXISTS arr_log ("
                        " srcreq_id INTEGER NOT NULL REFERENCES srcreq(id)"
                        " ON DELETE CASCADE, log_id TEXT NOT NULL,"
                        " sent INTEGER NOT NULL,"
                        " PRIMARY KEY (srcreq_id, log_id, sent)) WITHOUT ROWID;"
                        "CREATE INDEX IF NOT EXISTS arr_log_by_id"
                        " ON arr_log(log_id, sent)",
                        err);
    /* Within 4: how sure each matcher's link was, and why a line or an
     * exchange stayed alone (schema.sql).  Source requests linked before
     * keep NULL until an import matches them again. */
    if (rc == RN_OK && version > 0 &&
        !store_has_column(st, "srcreq", "link_margin_ns"))
        rc = store_exec(
            st, "ALTER TABLE srcreq ADD COLUMN link_margin_ns INTEGER", err);
    if (rc == RN_OK && version > 0 &&
        !store_has_column(st, "srcreq", "alone_reason"))
        rc = store_exec(st, "ALTER TABLE srcreq ADD COLUMN alone_reason TEXT",
                        err);
    if (rc == RN_OK)
        rc = store_exec(st, "PRAGMA user_version = 4", err);
    if (rc == RN_OK)
        return store_exec(st, "COMMIT", err);
    store_exec(st, "ROLLBACK", NULL);
    return rc;
}

/*
 * WAL mode and the schema.  Two commands opening a new store at once race
 * here, and SQLite answers some of those lock conflicts (the switch to WAL,
 * a read lock upgrading to write) with SQLITE_BUSY at once instead of
 * waiting: retry the whole step for a while.
 */
static enum rn_rc
store_setup_writable(struct store *st, struct rn_err *err)
{
    struct rn_err local;
    struct timespec pause = {0, 50 * 1000 * 1000};
    enum rn_rc rc;
    int tries;

    for (tries = 0;; tries++) {
        rn_err_clear(&local);
        rc = store_exec(
            st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL",
            &local);
        if (rc == RN_OK)
            rc = store_migrate(st, &local);
        if (rc == RN_OK)
            rc = store_skipped_ensure(st, &local);
        if (rc == RN_OK || tries >= 100 ||
            (sqlite3_errcode(st->db) & 0xff) != SQLITE_BUSY)
            break;
        nanosleep(&pause, NULL);
    }
    if (rc != RN_OK)
        rn_err_set(err, local.rc, "%s", local.msg);
    return rc;
}

/* Create the file with mode 0600 before SQLite opens it. */
static enum rn_rc
store_create_private(const char *path, struct rn_err *err)
{
    int fd;

    if (strcmp(path, ":memory:") == 0 || path[0] == '\0')
        return RN_OK;
    /* Not through a symbolic link: SQLite is told the same (NOFOLLOW), and
     * a link planted where a store is expected must not create its
     * target. */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno == ELOOP)
        return rn_err_set(err, RN_EIO,
                          "%s: cannot open store: it is a symbolic link "
                          "(give the file itself)",
                          path);
    if (fd < 0)
        return rn_err_set(err, RN_EIO, "%s: cannot open store: %s", path,
                          strerror(errno));
    close(fd);
    return RN_OK;
}

/* "file:PATH?immutable=1" with PATH percent-encoded where URIs need it
 * (malloc'd). */
static char *
store_immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path), i, o = 0;
    char *uri = xmalloc(3 * n + 32);

    memcpy(uri, "file:", 5);
    o = 5;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];

        if (c == '%' || c == '?' || c == '#' || c < 0x20 || c >= 0x7F) {
            uri[o++] = '%';
            uri[o++] = hex[c >> 4];
            uri[o++] = hex[c & 15];
        } else {
            uri[o++] = (char)c;
        }
    }
    memcpy(uri + o, "?immutable=1", sizeof "?immutable=1");
    return uri;
}

/* How long a connection waits for another's lock, ms; in bulk mode
 * (store_bulk_begin), how long an import waits for readers. */
#define STORE_BUSY_MS      5000
#define STORE_BULK_BUSY_MS 120000

/* Savepoint journals up to this size stay in memory. */
#define STORE_STMTJRNL_SPILL (4 << 20)

/*
 * The store's VFS: the default one, but for the writes of a savepoint
 * journal's file.  A journal that outgrows STORE_STMTJRNL_SPILL goes to
 * a file in chunks of that size, each in one write, and SQLite's unix
 * layer (3.40) writes at most 128 KiB - 1 bytes a call: with a bigger
 * spill size, a spill failed the import with "database or disk is full".
 * Cut into pieces of STORE_WRITE_PIECE, each write is one it takes.
 */
#define STORE_WRITE_PIECE (64 << 10)
#define STORE_VFS_NAME    "reqnav"

static sqlite3_vfs store_vfs;
static int store_vfs_ready;
/* A journal file's methods as the default VFS gave them, and the copy
 * whose xWrite cuts writes up. */
static const sqlite3_io_methods *store_subj_base;
static sqlite3_io_methods store_subj_methods;

static int
store_subj_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    const char *p = buf;

    while (amt > 0) {
        int n = amt < STORE_WRITE_PIECE ? amt : STORE_WRITE_PIECE;
        int rc = store_subj_base->xWrite(f, p, n, off);

        if (rc != SQLITE_OK)
            return rc;
        p += n;
        off += n;
        amt -= n;
    }
    return SQLITE_OK;
}

static int
store_vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags,
               int *out_flags)
{
    sqlite3_vfs *base = vfs->pAppData;
    int rc = base->xOpen(base, name, f, flags, out_flags);

    if (rc != SQLITE_OK || !(flags & SQLITE_OPEN_SUBJOURNAL) ||
        f->pMethods == NULL)
        return rc;
    /* The store is used from one thread: the first journal file sets the
     * copy up.  A file with other methods keeps its own. */
    if (store_subj_base == NULL) {
        store_subj_base = f->pMethods;
        store_subj_methods = *f->pMethods;
        store_subj_methods.xWrite = store_subj_write;
    }
    if (f->pMethods == store_subj_base)
        f->pMethods = &store_subj_methods;
    return rc;
}

/* Register the store's VFS, a copy of the default one but for xOpen. */
static void
store_vfs_register(void)
{
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);

    if (base == NULL)
        return;
    store_vfs = *base;
    store_vfs.zName = STORE_VFS_NAME;
    store_vfs.pAppData = base;
    store_vfs.pNext = NULL;
    store_vfs.xOpen = store_vfs_open;
    store_vfs_ready = sqlite3_vfs_register(&store_vfs, 0) == SQLITE_OK;
}

/*
 * Process-wide settings, which SQLite takes only before it is first
 * initialised and refuses after (which changes nothing here, so the
 * results are not errors):
 * - the process does not read SQLite's memory statistics, which take a
 *   global lock on every allocation: off;
 * - each imported file is a savepoint, whose journal gets the whole first
 *   version of every page the file changes (a FREB file: about 13 pages
 *   of 16 KiB).  Written to a temporary file, that was 8 bytes of writes
 *   for each byte of store; kept in memory up to 4 MiB, a big file's
 *   journal still goes to disk (through the store's VFS), so memory stays
 *   bounded.
 */
static void
store_config_once(void)
{
    static int done;

    if (!done) {
        done = 1;
        (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL,
                             STORE_STMTJRNL_SPILL);
        store_vfs_register();
    }
}

enum rn_rc
store_open(const char *path, int flags, struct store **out, struct rn_err *err)
{
    struct store *st;
    char *uri = NULL;
    int oflags, open_rc;
    enum rn_rc rc;

    *out = NULL;
    store_config_once();
    if (!(flags & STORE_OPEN_READONLY)) {
        rc = store_create_private(path, err);
        if (rc != RN_OK)
            return rc;
    }
    st = xcalloc(1, sizeof *st);
    store_presync_init(&st->presync);
    st->path = xstrdup(path);
    oflags = (flags & STORE_OPEN_READONLY)
                 ? SQLITE_OPEN_READONLY
                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    if (flags & STORE_OPEN_IMMUTABLE) {
        uri = store_immutable_uri(path);
        oflags |= SQLITE_OPEN_URI;
    }
    /* One thread uses a connection: no per-call locking. */
    open_rc =
        sqlite3_open_v2(uri != NULL ? uri : path, &st->db,
                        oflags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_NOMUTEX,
                        store_vfs_ready ? STORE_VFS_NAME : NULL);
    free(uri);
    if (open_rc != SQLITE_OK) {
        rc = rn_err_set(err, RN_EIO, "%s: cannot open store: %s", path,
                        st->db ? sqlite3_errmsg(st->db) : "out of memory");
        store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    if (sqlite3_create_function(
            st->db, "rn_request_id", 1,
            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
            store_sql_request_id, NULL, NULL) != SQLITE_OK) {
        rc = store_dberr(st, "register functions", err);
        store_close(st);
        return rc;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* A store may come from someone else: its schema (views, triggers)
     * runs no function with side effects, and SQL cannot corrupt it
     * through writable_schema and the like. */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    /* Temporary storage stays on disk (the default): each imported file is
     * a savepoint whose sub-journal grows with the file, and in memory it
     * would make the import's footprint grow with the input.  A new store
     * gets 16 KiB pages: fewer, fuller b-tree pages cut the cost of a bulk
     * insert (an existing store keeps the page size it was made with). */
    rc = store_exec(st,
                    "PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;"
                    "PRAGMA page_size = 16384",
                    err);
    if (rc == RN_OK && !(flags & STORE_OPEN_READONLY))
        rc = store_setup_writable(st, err);
    else if (rc == RN_OK)
        rc = store_check_readable(st, err);
    /* Readers get a 64 MiB page cache (the explorer's keys on a million
     * requests were measured with it); an import sets its own. */
    if (rc == RN_OK)
        rc = store_cache_size(st, 65536, err);
    if (rc != RN_OK) {
        /* Name the file: "file is not a database" alone helps nobody. */
        if (err != NULL && strstr(err->msg, path) == NULL) {
            char msg[2 * RN_ERR_MSG_MAX];

            snprintf(msg, sizeof msg, "%s: %s", path, err->msg);
            memcpy(err->msg, msg, RN_ERR_MSG_MAX - 1);
            err->msg[RN_ERR_MSG_MAX - 1] = '\0';
        }
        store_close(st);
        return rc;
    }
    *out = st;
    return RN_OK;
}

enum rn_rc
store_cache_size(struct store *st, int kib, struct rn_err *err)
{
    char sql[64];

    /* SQLite turns the size into a number of pages when it is set, with
     * the page size of that moment: set before a new store's page size
     * took effect, 16 MiB meant 4,096 pages of 16 KiB. */
    snprintf(sql, sizeof sql, "PRAGMA cache_size = -%d", kib);
    return store_exec(st, sql, err);
}

/* The journal mode that a one-row PRAGMA answered, or RN_EIO. */
static enum rn_rc
store_journal_mode(struct store *st, const char *mode, char *out, size_t n,
                   struct rn_err *err)
{
    char sql[64];
    sqlite3_stmt *s;
    const unsigned char *got;
    enum rn_rc rc;

    snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
    rc = store_prepare(st, sql, &s, err);
    if (rc != RN_OK)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW &&
        (got = sqlite3_column_text(s, 0)) != NULL)
        snprintf(out, n, "%s", (const char *)got);
    else
        rc = store_dberr(st, "journal mode", err);
    sqlite3_finalize(s);
    return rc;
}

/*
 * A new store filled by one import writes every page twice in WAL mode: to
 * the log, then again when the log is checkpointed into the file.  With a
 * rollback journal the pages a transaction adds go straight to the file
 * (only pages that were there before are journaled, and a new store has
 * none), which saves a tenth of an import's CPU.  The price is that a
 * reader must wait for each commit instead of reading beside it, so only a
 * store with no source yet and no other connection open switches: SQLite
 * refuses to leave WAL while another connection has the file open (asked
 * without waiting, so an open explorer costs nothing but the speed-up).
 */
void
store_bulk_begin(struct store *st)
{
    sqlite3_stmt *s;
    char mode[16] = "";
    int empty = 0;

    if (st->bulk || st->in_tx ||
        store_prepare(st, "SELECT NOT EXISTS (SELECT 1 FROM source)", &s,
                      NULL) != RN_OK)
        return;
    if (sqlite3_step(s) == SQLITE_ROW)
        empty = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (!empty)
        return;
    sqlite3_busy_timeout(st->db, 0);
    if (store_journal_mode(st, "DELETE", mode, sizeof mode, NULL) == RN_OK &&
        strcmp(mode, "delete") == 0) {
        st->bulk = 1;
        store_presync_open(&st->presync, st->path);
    }
    /* Readers now hold off the import's writes while they read: a long
     * one (an export, a query) is waited for, not taken for a lock that
     * will not go. */
    sqlite3_busy_timeout(st->db, st->bulk ? STORE_BULK_BUSY_MS : STORE_BUSY_MS);
}

/* Back to WAL.  If that fails (a command that opened the store meanwhile
 * holds it), the next command that opens it switches (store_open). */
void
store_bulk_end(struct store *st)
{
    char mode[16];

    if (!st->bulk || st->in_tx)
        return;
    st->bulk = 0;
    (void)store_journal_mode(st, "WAL", mode, sizeof mode, NULL);
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
}

/* Forget the cached keys (a source ended, or was rolled back). */
static void
store_keycache_clear(struct store *st)
{
    int i;

    for (i = 0; i < STORE_KEYCACHE; i++) {
        free(st->keycache[i].key);
        st->keycache[i].key = NULL;
    }
}

/* A hot statement, prepared on first use and reset for this use. */
static sqlite3_stmt *
store_stmt(struct store *st, enum store_stmt_id id, struct rn_err *err)
{
    if (store_sync(st, err) != RN_OK)
        return NULL;
    if (st->stmt[id] == NULL) {
        if (sqlite3_prepare_v3(st->db, store_stmt_sql[id], -1,
                               SQLITE_PREPARE_PERSISTENT, &st->stmt[id],
                               NULL) != SQLITE_OK) {
            store_dberr(st, "prepare", err);
            return NULL;
        }
    }
    sqlite3_reset(st->stmt[id]);
    sqlite3_clear_bindings(st->stmt[id]);
    return st->stmt[id];
}

void
store_close(struct store *st)
{
    int i;

    if (st == NULL)
        return;
    rn_pipe_stop(st->pipe);
    st->pipe = NULL;
    free(st->taken);
    for (i = 0; i < SS_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    for (i = 0; i < st->ncache; i++)
        sqlite3_finalize(st->cache[i].stmt);
    free(st->cache);
    if (st->in_tx)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    st->in_tx = 0;
    store_bulk_end(st);
    store_deferred_clear(st);
    sqlite3_close(st->db);
    store_presync_close(&st->presync); /* after the connection's locks */
    store_keycache_clear(st);
    free(st->path);
    free(st);
}

enum rn_rc
store_int(struct store *st, const char *sql, const char *what, int64_t *v,
          struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st, sql, err);
    enum rn_rc rc = RN_OK;

    *v = 0;
    if (s == NULL)
        return RN_EDB;
    if (sqlite3_step(s) == SQLITE_ROW)
        *v = sqlite3_column_int64(s, 0);
    else
        rc = store_dberr(st, what, err);
    sqlite3_reset(s);
    return rc;
}

sqlite3_stmt *
store_cached(struct store *st, const char *sql, struct rn_err *err)
{
    sqlite3_stmt *s;
    int i;

    if (store_sync(st, err) != RN_OK)
        return NULL;
    for (i = 0; i < st->ncache; i++) {
        if (st->cache[i].sql == sql) {
            s = st->cache[i].stmt;
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
            return s;
        }
    }
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
                           NULL) != SQLITE_OK) {
        store_dberr(st, "prepare", err);
        return NULL;
    }
    if (st->ncache == st->capcache) {
        st->capcache = st->capcache == 0 ? 32 : st->capcache * 2;
        st->cache =
            xrealloc(st->cache, (size_t)st->capcache, sizeof *st->cache);
    }
    st->cache[st->ncache].sql = sql;
    st->cache[st->ncache].stmt = s;
    st->ncache++;
    return s;
}

enum rn_rc
store_begin(struct store *st, struct rn_err *err)
{
    enum rn_rc rc;

    if (st->in_tx)
        return rn_err_set(err, RN_EINVAL, "transaction already open");
    /* A no-op inside a transaction: set before it, reset after. */
    rc = store_exec(st, "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE", err);
    if (rc == RN_OK)
        st->in_tx = 1;
    else
        store_exec(st, "PRAGMA foreign_keys = ON", NULL);
    return rc;
}

/* Forget the indexes deferred in the transaction (it ended). */
static void
store_deferred_clear(struct store *st)
{
    size_t i;

    for (i = 0; i < st->ndeferred; i++)
        free(st->deferred[i]);
    free(st->deferred);
    st->deferred = NULL;
    st->ndeferred = 0;
}

/* How many rows table request holds, counting no further than max. */
static enum rn_rc
store_request_rows(struct store *st, int64_t max, int64_t *n,
                   struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(
        st, "SELECT count(*) FROM (SELECT 1 FROM request LIMIT ?1)", err);

    *n = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, max);
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return RN_OK;
}

/* Drop the request table's secondary indexes, keeping their SQL for
 * store_commit.  The partial ones stay: a row outside them costs them
 * nothing, and building one again would read the whole table.  A store
 * made by an earlier build keeps the autoindex of its UNIQUE key (no SQL). */
static enum rn_rc
store_request_indexes_drop(struct store *st, struct rn_err *err)
{
    char **names = NULL, drop[160];
    size_t i, n = 0;
    sqlite3_stmt *s;
    enum rn_rc rc = store_prepare(
        st,
        "SELECT name, sql FROM sqlite_schema s WHERE type = 'index'"
        " AND tbl_name = 'request' AND sql IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM pragma_index_list('request') p"
        " WHERE p.name = s.name AND p.partial) ORDER BY name",
        &s, err);

    if (rc != RN_OK)
        return rc;
    while (sqlite3_step(s) == SQLITE_ROW) {
        names = xrealloc(names, n + 1, sizeof *names);
        names[n++] = store_col_dup(s, 0);
        st->deferred =
            xrealloc(st->deferred, st->ndeferred + 1, sizeof *st->deferred);
        st->deferred[st->ndeferred++] = store_col_dup(s, 1);
    }
    sqlite3_finalize(s);
    /* The names are the schema's own (request_by_...), never user text. */
    for (i = 0; i < n; i++) {
        if (rc == RN_OK) {
            snprintf(drop, sizeof drop, "DROP INDEX \"%s\"", names[i]);
            rc = store_exec(st, drop, err);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

enum rn_rc
store_defer_request_indexes(struct store *st, int64_t max_rows,
                            struct rn_err *err)
{
    int64_t rows = 0;
    enum rn_rc rc;

    if (!st->in_tx || st->ndeferred > 0)
        return RN_OK;
    rc = store_request_rows(st, max_rows, &rows, err);
    if (rc != RN_OK || rows >= max_rows)
        return rc;
    return store_request_indexes_drop(st, err);
}

/* Build again the indexes dropped in this transaction. */
static enum rn_rc
store_deferred_restore(struct store *st, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;
    size_t i;

    for (i = 0; rc == RN_OK && i < st->ndeferred; i++)
        rc = store_exec(st, st->deferred[i], err);
    if (rc == RN_OK)
        store_deferred_clear(st);
    return rc;
}

enum rn_rc
store_commit(struct store *st, struct rn_err *err)
{
    enum rn_rc rc;

    if (!st->in_tx)
        return RN_OK;
    /* The rows are in the file (or the page cache): the disk writes them
     * while the indexes are built. */
    if (st->bulk && st->ndeferred > 0 && store_sync(st, err) == RN_OK)
        store_presync_start(&st->presync);
    rc = store_deferred_restore(st, err);
    store_presync_join(&st->presync);
    if (rc == RN_OK)
        rc = store_exec(st, "COMMIT", err);
    if (rc != RN_OK) {
        store_rollback(st);
        return rc;
    }
    st->in_tx = 0;
    return store_exec(st, "PRAGMA foreign_keys = ON", err);
}

void
store_rollback(struct store *st)
{
    if (st->pipe != NULL)
        rn_pipe_reset(st->pipe);
    st->ntaken = 0;
    if (!st->in_tx)
        return;
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
    st->in_tx = 0;
    st->cur_source = 0;
    store_deferred_clear(st); /* back with the rollback */
}

static void
store_now_iso(char *out, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, n, "1970-01-01T00:00:00Z");
}

/* End the savepoint of a source, keeping its rows or not; outside a batch
 * it was the transaction, and foreign keys are checked again. */
static enum rn_rc
store_source_close(struct store *st, int keep, struct rn_err *err)
{
    enum rn_rc rc = store_exec(
        st,
        keep ? "RELEASE rn_source" : "ROLLBACK TO rn_source; RELEASE rn_source",
        err);

    if (!st->in_tx && store_exec(st, "PRAGMA foreign_keys = ON",
                                 rc == RN_OK ? err : NULL) != RN_OK)
        rc = RN_EDB;
    return rc;
}

enum rn_rc
store_source_begin(struct store *st, const struct store_source_info *info,
                   int64_t *source_id, int *existing, struct rn_err *err)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    enum rn_rc rc;
    int step;

    *existing = 0;
    *source_id = 0;
    if (st->cur_source != 0)
        return rn_err_set(err, RN_EINVAL, "a source import is already open");
    if (store_kind_name(info->kind) == NULL || strlen(info->sha256) != 64)
        return rn_err_set(err, RN_EINVAL, "%s: bad source description",
                          info->path);
    s = store_cached(st, "SELECT id FROM source WHERE sha256 = ?1", err);
    rc = s != NULL ? RN_OK : RN_EDB;
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_text(s, 1, info->sha256, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *existing = 1;
        *source_id = sqlite3_column_int64(s, 0);
    }
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_dberr(st, "find source", err);
    if (*existing)
        return RN_OK;
    /* Outside a batch the savepoint is the transaction: the same rules. */
    rc =
        store_exec(st,
                   st->in_tx ? "SAVEPOINT rn_source"
                             : "PRAGMA foreign_keys = OFF; SAVEPOINT rn_source",
                   err);
    if (rc != RN_OK)
        return rc;
    store_now_iso(now, sizeof now);
    s = store_cached(st,
                     "INSERT INTO source (path, kind, format, size, sha256,"
                     " imported_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                     err);
    rc = s != NULL ? RN_OK : RN_EDB;
    if (rc == RN_OK) {
        sqlite3_bind_text(s, 1, info->path, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 2, info->kind);
        sqlite3_bind_text(s, 3, info->format, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, info->size);
        sqlite3_bind_text(s, 5, info->sha256, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = store_dberr(st, "insert source", err);
        sqlite3_reset(s);
    }
    if (rc != RN_OK) {
        store_source_close(st, 0, NULL);
        return rc;
    }
    st->cur_source = sqlite3_last_insert_rowid(st->db);
    st->cur_kind = info->kind;
    memcpy(st->cur_sha, info->sha256, 65);
    st->cur_events = 0;
    st->next_srcreq = 0;
    store_keycache_clear(st);
    *source_id = st->cur_source;
    return RN_OK;
}

enum rn_rc
store_source_warn(struct store *st, int64_t source_id, int64_t line,
                  const char *msg, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    s = store_cached(st,
                     "INSERT INTO source_warning (source_id, line, message)"
                     " VALUES (?1, ?2, ?3)",
                     err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    store_bind_opt(s, 2, line);
    sqlite3_bind_text(s, 3, msg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "insert warning", err);
    sqlite3_reset(s);
    return rc;
}

static enum rn_rc
store_source_spans(struct store *st, int64_t source_id, struct rn_err *err)
{
    /* A connection's open and close (TCP_*) are not its requests' times
     * (triage.c leaves them out of a request's span too). */
    sqlite3_stmt *s;
    enum rn_rc rc;

    s = store_cached(
        st,
        "UPDATE srcreq SET"
        " start_ns = coalesce(start_ns, (SELECT min(ts_ns) FROM event"
        "   WHERE srcreq_id = srcreq.id AND name NOT GLOB 'TCP_*')),"
        " end_ns = coalesce(end_ns, (SELECT max(ts_ns) FROM event"
        "   WHERE srcreq_id = srcreq.id AND name NOT GLOB 'TCP_*'))"
        " WHERE source_id = ?1 AND (start_ns IS NULL OR end_ns IS NULL)",
        err);
    rc = s != NULL ? RN_OK : RN_EDB;
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "request spans", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_source_finish(struct store *st, int64_t source_id, int spans,
                    const struct store_source_result *res, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    if (source_id != st->cur_source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    if (spans)
        rc = store_source_spans(st, source_id, err);
    if (rc != RN_OK)
        return rc;
    s = store_cached(
        st,
        "UPDATE source SET"
        " events = ?6,"
        " requests = (SELECT count(*) FROM srcreq WHERE source_id = ?1),"
        " warnings = (SELECT count(*) FROM source_warning"
        "   WHERE source_id = ?1),"
        " truncated = ?2, message = ?3, clock_offset_ns = ?4,"
        " clock_offset_given = ?4 IS NOT NULL,"
        " format = coalesce(?5, format), capture = ?7, frames_sha256 = ?8"
        " WHERE id = ?1",
        err);
    rc = s != NULL ? RN_OK : RN_EDB;
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int(s, 2, res != NULL && res->truncated);
    store_bind_text(s, 3, res != NULL ? res->message : NULL);
    store_bind_opt(s, 4, res != NULL ? res->clock_offset_ns : STORE_NONE);
    store_bind_text(s, 5, res != NULL ? res->format : NULL);
    /* Counted as they came: no index leads from a source to its events. */
    sqlite3_bind_int64(s, 6, st->cur_events);
    store_bind_text(s, 7, res != NULL ? res->capture_json : NULL);
    store_bind_text(s, 8, res != NULL ? res->frames_sha256 : NULL);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "source totals", err);
    sqlite3_reset(s);
    return rc;
}

/* Read back the counts of a finished source into res. */
static enum rn_rc
store_source_counts(struct store *st, int64_t source_id,
                    struct store_source_result *res, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;

    s = store_cached(st, "SELECT events, requests FROM source WHERE id = ?1",
                     err);
    rc = s != NULL ? RN_OK : RN_EDB;
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_int64(s, 1, source_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        res->events = sqlite3_column_int64(s, 0);
        res->requests = sqlite3_column_int64(s, 1);
    } else {
        rc = store_dberr(st, "source counts", err);
    }
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_source_end(struct store *st, int64_t source_id,
                 struct store_source_result *res, struct rn_err *err)
{
    enum rn_rc rc;

    if (source_id != st->cur_source)
        return rn_err_set(err, RN_EINVAL, "no such source import open");
    rc = store_source_counts(st, source_id, res, err);
    if (rc == RN_OK)
        rc = store_source_close(st, 1, err);
    if (rc != RN_OK) {
        store_source_abort(st);
        return rc;
    }
    st->cur_source = 0;
    return RN_OK;
}

enum rn_rc
store_source_by_frames(struct store *st, const char *frames_sha256, int64_t *id,
                       char *path, size_t n, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;
    int step;

    *id = 0;
    if (n > 0)
        path[0] = '\0';
    s = store_cached(st,
                     "SELECT id, path FROM source WHERE frames_sha256 = ?1"
                     " ORDER BY id LIMIT 1",
                     err);
    if (s == NULL)
        return RN_EDB;
    store_bind_text(s, 1, frames_sha256);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const unsigned char *p = sqlite3_column_text(s, 1);

        *id = sqlite3_column_int64(s, 0);
        if (n > 0)
            snprintf(path, n, "%s", p != NULL ? (const char *)p : "?");
    } else if (step != SQLITE_DONE) {
        rc = store_dberr(st, "find source by frames", err);
    }
    sqlite3_reset(s);
    return rc;
}

void
store_source_abort(struct store *st)
{
    if (st->pipe != NULL)
        rn_pipe_reset(st->pipe); /* its failure goes with the source */
    st->ntaken = 0;
    if (st->cur_source == 0)
        return;
    store_source_close(st, 0, NULL);
    st->cur_source = 0;
    store_keycache_clear(st);
}

const char *
store_skip_state_name(enum store_skip_state state)
{
    switch (state) {
    case STORE_SKIP_FAILED:
        return "failed";
    case STORE_SKIP_DAMAGED:
        return "damaged";
    case STORE_SKIP_SKIPPED:
    default:
        return "skipped";
    }
}

enum rn_rc
store_skip_put(struct store *st, const struct store_skip *k, struct rn_err *err)
{
    sqlite3_stmt *s;
    char now[32];
    enum rn_rc rc = RN_OK;

    if (st->cur_source != 0)
        return rn_err_set(err, RN_EINVAL, "a source import is open");
    store_now_iso(now, sizeof now);
    /* The path is the key: the same file met again replaces its row.  The
     * same content under another name (in and out of an archive) is one
     * file, listed under the name met first, as a source is. */
    s = store_cached(st,
                     "INSERT OR REPLACE INTO skipped_file (path, state,"
                     " format, size, sha256, imported_at, message)"
                     " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 WHERE NOT EXISTS"
                     " (SELECT 1 FROM skipped_file WHERE sha256 = ?5"
                     "  AND path != ?1)",
                     err);
    if (s == NULL)
        return RN_EDB;
    store_bind_text(s, 1, k->path);
    store_bind_text(s, 2, store_skip_state_name(k->state));
    store_bind_text(s, 3, k->format);
    if (k->size != STORE_NONE)
        sqlite3_bind_int64(s, 4, k->size);
    store_bind_text(s, 5, k->sha256);
    store_bind_text(s, 6, now);
    store_bind_text(s, 7, k->message != NULL ? k->message : "");
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "record a skipped file", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_skip_forget(struct store *st, const char *path, const char *sha256,
                  struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    s = store_cached(st,
                     "DELETE FROM skipped_file WHERE path = ?1"
                     " OR sha256 = ?2",
                     err);
    if (s == NULL)
        return RN_EDB;
    store_bind_text(s, 1, path);
    store_bind_text(s, 2, sha256);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "forget a skipped file", err);
    sqlite3_reset(s);
    return rc;
}

void
store_srcreq_init(struct store_srcreq *r)
{
    memset(r, 0, sizeof *r);
    r->start_ns = r->end_ns = STORE_NONE;
    r->http_status = r->substatus = r->win32_status = STORE_NONE;
    r->client_port = r->server_port = STORE_NONE;
}

/* Bind the attribute columns shared by srcreq insert and update. */
static void
store_bind_srcreq(sqlite3_stmt *s, const struct store_srcreq *r)
{
    store_bind_ts(s, 4, r->start_ns);
    store_bind_ts(s, 5, r->end_ns);
    store_bind_text(s, 6, r->verb);
    store_bind_text(s, 7, r->url);
    store_bind_text(s, 8, r->host);
    store_bind_opt(s, 9, r->http_status);
    store_bind_opt(s, 10, r->substatus);
    store_bind_opt(s, 11, r->win32_status);
    store_bind_text(s, 12, r->client_addr);
    store_bind_opt(s, 13, r->client_port);
    store_bind_text(s, 14, r->server_addr);
    store_bind_opt(s, 15, r->server_port);
    store_bind_text(s, 16, r->attrs_json);
    sqlite3_bind_int(s, 17, r->truncated != 0);
}

int
store_srcreq_is_empty(const struct store_srcreq *r)
{
    return r->start_ns == STORE_NONE && r->end_ns == STORE_NONE &&
           r->verb == NULL && r->url == NULL && r->host == NULL &&
           r->http_status == STORE_NONE && r->substatus == STORE_NONE &&
           r->win32_status == STORE_NONE && r->client_addr == NULL &&
           r->server_addr == NULL && r->client_port == STORE_NONE &&
           r->server_port == STORE_NONE && r->attrs_json == NULL &&
           !r->truncated;
}

enum rn_rc
store_srcreq_lookup(struct store *st, int64_t source_id, const char *key,
                    int64_t *id, struct rn_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SS_SRCREQ_FIND, err);
    int step;

    *id = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        return store_dberr(st, "find request", err);
    sqlite3_reset(s);
    return RN_OK;
}

/* Insert a new source request; *id stays 0 when (source, key) exists. */
static enum rn_rc
store_srcreq_insert(struct store *st, int64_t source_id, const char *key,
                    const struct store_srcreq *r, int64_t *id,
                    struct rn_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SS_SRCREQ_INSERT, err);

    *id = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, source_id);
    sqlite3_bind_int(s, 2, st->cur_kind);
    sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
    store_bind_srcreq(s, r);
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_dberr(st, "insert request", err);
    sqlite3_reset(s);
    if (sqlite3_changes(st->db) == 0)
        return RN_OK;
    *id = sqlite3_last_insert_rowid(st->db);
    return RN_OK;
}

enum rn_rc
store_srcreq_merge(struct store *st, int64_t id, const struct store_srcreq *r,
                   struct rn_err *err)
{
    sqlite3_stmt *s;

    if (store_srcreq_is_empty(r))
        return RN_OK; /* nothing new to say about a known request */
    s = store_stmt(st, SS_SRCREQ_UPDATE, err);
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, id);
    store_bind_srcreq(s, r);
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_dberr(st, "update request", err);
    sqlite3_reset(s);
    return RN_OK;
}

enum rn_rc
store_srcreq_put(struct store *st, int64_t source_id,
                 const struct store_srcreq *r, int64_t *srcreq_id, int *isnew,
                 struct rn_err *err)
{
    char key[256];
    struct store_key_slot *slot;
    int64_t id = 0;
    enum rn_rc rc;

    *isnew = 0;
    if (source_id != st->cur_source || r->key == NULL || r->key[0] == '\0')
        return rn_err_set(err, RN_EINVAL, "bad request for source %" PRId64,
                          source_id);
    store_key_normalise(r->key, key, sizeof key);
    slot = &st->keycache[store_hash53(key, strlen(key)) % STORE_KEYCACHE];
    if (slot->key != NULL && strcmp(slot->key, key) == 0) {
        rc = store_srcreq_merge(st, slot->srcreq, r, err);
        id = slot->srcreq;
    } else {
        /* Most keys are new: try the insert first, one index probe. */
        rc = store_srcreq_insert(st, source_id, key, r, &id, err);
        *isnew = rc == RN_OK && id != 0;
        if (rc == RN_OK && id == 0) {
            rc = store_srcreq_lookup(st, source_id, key, &id, err);
            if (rc == RN_OK && id == 0)
                rc = rn_err_set(err, RN_EDB, "request %s vanished", key);
            if (rc == RN_OK)
                rc = store_srcreq_merge(st, id, r, err);
        }
    }
    if (rc != RN_OK)
        return rc;
    if (slot->key == NULL || slot->srcreq != id) {
        free(slot->key);
        slot->key = xstrdup(key);
        slot->srcreq = id;
    }
    if (srcreq_id != NULL)
        *srcreq_id = id;
    return RN_OK;
}

enum rn_rc
store_srcreq_reserve(struct store *st, int64_t *id, struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc = RN_OK;

    if (st->cur_source == 0)
        return rn_err_set(err, RN_EINVAL, "no source import open");
    if (st->next_srcreq == 0) {
        s = store_cached(st, "SELECT coalesce(max(id), 0) + 1 FROM srcreq",
                         err);
        if (s == NULL)
            return RN_EDB;
        if (sqlite3_step(s) == SQLITE_ROW)
            st->next_srcreq = sqlite3_column_int64(s, 0);
        else
            rc = store_dberr(st, "reserve request", err);
        sqlite3_reset(s);
        if (rc != RN_OK)
            return rc;
    }
    *id = st->next_srcreq++;
    return RN_OK;
}

/* ---- write-behind: the hot writes as the writer thread gets them ---- */

/*
 * One field list per kind of write serves both ends: with out set each
 * field is appended to the batch, with in set it is read back into the
 * same place, so encoder and decoder cannot disagree on the order.
 */
struct store_codec {
    struct rn_pipe *out;
    struct rn_pipe_reader *in;
};

static void
store_codec_i64(struct store_codec *c, int64_t *v)
{
    if (c->out != NULL)
        rn_pipe_i64(c->out, *v);
    else
        *v = rn_pipe_get_i64(c->in);
}

static void
store_codec_int(struct store_codec *c, int *v)
{
    int64_t x = *v;

    store_codec_i64(c, &x);
    *v = (int)x;
}

static void
store_codec_str(struct store_codec *c, const char **v)
{
    if (c->out != NULL)
        rn_pipe_str(c->out, *v);
    else
        *v = rn_pipe_get_str(c->in);
}

/* An event's row: its place, its public id and the event. */
static void
store_codec_event(struct store_codec *c, int64_t *source, int *kind,
                  int64_t *srcreq_id, int64_t *uid, struct store_event *ev)
{
    store_codec_i64(c, source);
    store_codec_int(c, kind);
    store_codec_i64(c, srcreq_id);
    store_codec_i64(c, uid);
    store_codec_i64(c, &ev->seq);
    store_codec_i64(c, &ev->line);
    store_codec_i64(c, &ev->ts_ns);
    store_codec_i64(c, &ev->level);
    store_codec_str(c, &ev->provider);
    store_codec_str(c, &ev->name);
    store_codec_str(c, &ev->fields_json);
    store_codec_str(c, &ev->raw);
}

/* A source request's row, with its link. */
static void
store_codec_srcreq(struct store_codec *c, int64_t *source, int *kind,
                   int64_t *id, int64_t *request_id, const char **rule,
                   struct store_srcreq *r)
{
    store_codec_i64(c, source);
    store_codec_int(c, kind);
    store_codec_i64(c, id);
    store_codec_i64(c, request_id);
    store_codec_str(c, rule);
    store_codec_str(c, &r->key);
    store_codec_i64(c, &r->start_ns);
    store_codec_i64(c, &r->end_ns);
    store_codec_str(c, &r->verb);
    store_codec_str(c, &r->url);
    store_codec_str(c, &r->host);
    store_codec_i64(c, &r->http_status);
    store_codec_i64(c, &r->substatus);
    store_codec_i64(c, &r->win32_status);
    store_codec_str(c, &r->client_addr);
    store_codec_str(c, &r->server_addr);
    store_codec_i64(c, &r->client_port);
    store_codec_i64(c, &r->server_port);
    store_codec_str(c, &r->attrs_json);
    store_codec_int(c, &r->truncated);
}

static void
store_codec_request(struct store_codec *c, struct store_request_row *r)
{
    int64_t sources = r->sources;
    int i;

    store_codec_i64(c, &r->id);
    store_codec_str(c, &r->key);
    store_codec_i64(c, &r->start_ns);
    store_codec_i64(c, &r->end_ns);
    store_codec_str(c, &r->verb);
    store_codec_str(c, &r->url);
    store_codec_str(c, &r->host);
    store_codec_i64(c, &r->http_status);
    store_codec_i64(c, &r->substatus);
    store_codec_i64(c, &r->win32_status);
    store_codec_int(c, &r->severity);
    store_codec_i64(c, &sources);
    r->sources = (unsigned)sources;
    for (i = 0; i < STORE_ROLE_COUNT; i++)
        store_codec_i64(c, &r->role[i]);
    store_codec_str(c, &r->diagnosis);
    store_codec_str(c, &r->cause);
}

/* Start encoding a write of kind op for the writer thread. */
static struct store_codec
store_codec_out(struct store *st, enum store_op op)
{
    struct store_codec c = {st->pipe, NULL};

    rn_pipe_i64(st->pipe, op);
    return c;
}

static enum rn_rc
store_srcreq_write_now(struct store *st, int64_t source, int kind, int64_t id,
                       const struct store_srcreq *r, const char *link_rule,
                       int64_t request_id, struct rn_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SS_SRCREQ_WRITE, err);
    char key[256];

    if (s == NULL)
        return RN_EDB;
    store_key_normalise(r->key, key, sizeof key);
    sqlite3_bind_int64(s, 1, source);
    sqlite3_bind_int(s, 2, kind);
    sqlite3_bind_text(s, 3, key, -1, SQLITE_STATIC);
    store_bind_srcreq(s, r);
    store_bind_opt(s, 18, request_id);
    store_bind_text(s, 19, link_rule);
    sqlite3_bind_int64(s, 20, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_dberr(st, "insert request", err);
    sqlite3_reset(s);
    return RN_OK;
}

enum rn_rc
store_srcreq_write(struct store *st, int64_t id, const struct store_srcreq *r,
                   const char *link_rule, int64_t request_id,
                   struct rn_err *err)
{
    struct store_codec c;
    struct store_srcreq q = *r;
    int64_t source = st->cur_source;
    int kind = st->cur_kind;

    if (st->pipe == NULL)
        return store_srcreq_write_now(st, source, kind, id, r, link_rule,
                                      request_id, err);
    c = store_codec_out(st, STORE_OP_SRCREQ);
    store_codec_srcreq(&c, &source, &kind, &id, &request_id, &link_rule, &q);
    return rn_pipe_op_end(st->pipe, err);
}

/* Bind r to a request statement's ?1..?17 (id, start_ns, end_ns, verb,
 * url, host, http_status, substatus, win32_status, severity, sources,
 * the three roles, diagnosis, key, cause): those it has. */
static void
store_bind_request(sqlite3_stmt *s, const struct store_request_row *r)
{
    int n = sqlite3_bind_parameter_count(s), i;

    sqlite3_bind_int64(s, 1, r->id);
    sqlite3_bind_int64(s, 2, r->start_ns);
    store_bind_opt(s, 3, r->end_ns);
    store_bind_text(s, 4, r->verb);
    store_bind_text(s, 5, r->url);
    store_bind_text(s, 6, r->host);
    store_bind_opt(s, 7, r->http_status);
    store_bind_opt(s, 8, r->substatus);
    store_bind_opt(s, 9, r->win32_status);
    sqlite3_bind_int(s, 10, r->severity);
    sqlite3_bind_int(s, 11, (int)r->sources);
    for (i = 0; i < STORE_ROLE_COUNT; i++)
        store_bind_opt(s, 12 + i, r->role[i]);
    store_bind_text(s, 15, r->diagnosis);
    if (n >= 16)
        store_bind_text(s, 16, r->key);
    if (n >= 17)
        store_bind_text(s, 17, r->cause);
}

/* Insert a request row; one whose id is taken is left alone, its id
 * kept for store_request_taken. */
static enum rn_rc
store_request_insert_now(struct store *st, const struct store_request_row *r,
                         struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(
        st,
        "INSERT INTO request (id, start_ns, end_ns, verb, url, host,"
        " http_status, substatus, win32_status, severity, sources, cgi_start,"
        " header_error, status_send, diagnosis, key, cause) VALUES (?1, ?2,"
        " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
        " ON CONFLICT DO NOTHING",
        err);
    enum rn_rc rc = RN_OK;

    if (s == NULL)
        return RN_EDB;
    store_bind_request(s, r);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "insert request", err);
    else if (sqlite3_changes(st->db) == 0) {
        if (st->ntaken == st->captaken) {
            st->captaken = st->captaken == 0 ? 16 : st->captaken * 2;
            st->taken = xrealloc(st->taken, st->captaken, sizeof *st->taken);
        }
        st->taken[st->ntaken++] = r->id;
    }
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_request_insert(struct store *st, const struct store_request_row *r,
                     struct rn_err *err)
{
    struct store_codec c;
    struct store_request_row q = *r;

    if (st->pipe == NULL)
        return store_request_insert_now(st, r, err);
    c = store_codec_out(st, STORE_OP_REQUEST);
    store_codec_request(&c, &q);
    return rn_pipe_op_end(st->pipe, err);
}

enum rn_rc
store_request_taken(struct store *st, int64_t **ids, size_t *n,
                    struct rn_err *err)
{
    enum rn_rc rc = store_sync(st, err);

    *ids = NULL;
    *n = 0;
    if (rc != RN_OK)
        return rc;
    *ids = st->taken;
    *n = st->ntaken;
    st->taken = NULL;
    st->ntaken = st->captaken = 0;
    return RN_OK;
}

/* Equal, NULL included. */
static int
store_text_eq(const unsigned char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == NULL && b == NULL;
    return strcmp((const char *)a, b) == 0;
}

/* Do the indexed columns of r's row already hold r's values? */
static enum rn_rc
store_request_indexed_same(struct store *st, const struct store_request_row *r,
                           int *same, struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(st,
                                   "SELECT start_ns, severity, http_status,"
                                   " substatus, url, cause FROM request"
                                   " WHERE id = ?1",
                                   err);
    enum rn_rc rc = RN_OK;
    int step;

    *same = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, r->id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *same = store_col_opt(s, 0) == r->start_ns &&
                sqlite3_column_int(s, 1) == r->severity &&
                store_col_opt(s, 2) == r->http_status &&
                store_col_opt(s, 3) == r->substatus &&
                store_text_eq(sqlite3_column_text(s, 4), r->url) &&
                store_text_eq(sqlite3_column_text(s, 5), r->cause);
    else if (step != SQLITE_DONE)
        rc = store_dberr(st, "triage read", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_request_update(struct store *st, const struct store_request_row *r,
                     struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int same = 0;

    rc = store_request_indexed_same(st, r, &same, err);
    if (rc != RN_OK)
        return rc;
    /* Setting an indexed column rewrites its index entries even when the
     * value stays: leave them out when they are as they were. */
    s = store_cached(st,
                     same ? "UPDATE request SET end_ns = ?3, verb = ?4,"
                            " host = ?6, win32_status = ?9, sources = ?11,"
                            " cgi_start = ?12, header_error = ?13,"
                            " status_send = ?14, diagnosis = ?15 WHERE id = ?1"
                          : "UPDATE request SET start_ns = ?2, end_ns = ?3,"
                            " verb = ?4, url = ?5, host = ?6, http_status = ?7,"
                            " substatus = ?8, win32_status = ?9,"
                            " severity = ?10, sources = ?11, cgi_start = ?12,"
                            " header_error = ?13, status_send = ?14,"
                            " diagnosis = ?15, cause = ?17 WHERE id = ?1",
                     err);
    if (s == NULL)
        return RN_EDB;
    store_bind_request(s, r);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "triage update", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_srcreq_widen(struct store *st, int64_t id, int start, int end, int64_t ts,
                   struct rn_err *err)
{
    sqlite3_stmt *s = store_cached(
        st,
        "UPDATE srcreq SET"
        " start_ns = CASE WHEN ?2 THEN min(coalesce(start_ns, ?4), ?4)"
        "   ELSE start_ns END,"
        " end_ns = CASE WHEN ?3 THEN max(coalesce(end_ns, ?4), ?4)"
        "   ELSE end_ns END"
        " WHERE id = ?1",
        err);
    enum rn_rc rc = RN_OK;

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int(s, 2, start != 0);
    sqlite3_bind_int(s, 3, end != 0);
    sqlite3_bind_int64(s, 4, ts);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "request span", err);
    sqlite3_reset(s);
    return rc;
}

enum rn_rc
store_srcreq_request(struct store *st, int64_t srcreq_id, int64_t *request_id,
                     struct rn_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SS_SRCREQ_REQUEST, err);
    int step;

    *request_id = 0;
    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, srcreq_id);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *request_id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_dberr(st, "find request", err);
    return RN_OK;
}

void
store_event_init(struct store_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->line = ev->ts_ns = ev->level = STORE_NONE;
}

static enum rn_rc
store_event_insert_now(struct store *st, int64_t source, int kind,
                       int64_t srcreq_id, int64_t uid,
                       const struct store_event *ev, struct rn_err *err)
{
    sqlite3_stmt *s = store_stmt(st, SS_EVENT_INSERT, err);

    if (s == NULL)
        return RN_EDB;
    sqlite3_bind_int64(s, 1, uid);
    sqlite3_bind_int64(s, 2, source);
    store_bind_opt(s, 3, srcreq_id == 0 ? STORE_NONE : srcreq_id);
    sqlite3_bind_int(s, 4, kind);
    sqlite3_bind_int64(s, 5, ev->seq);
    store_bind_opt(s, 6, ev->line);
    store_bind_ts(s, 7, ev->ts_ns);
    sqlite3_bind_text(s, 8, ev->provider, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, ev->name, -1, SQLITE_STATIC);
    store_bind_opt(s, 10, ev->level);
    sqlite3_bind_text(s, 11, ev->fields_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, ev->raw, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        return store_dberr(st, "insert event", err);
    sqlite3_reset(s);
    return RN_OK;
}

enum rn_rc
store_event_add(struct store *st, int64_t source_id, int64_t srcreq_id,
                const struct store_event *ev, int64_t *uid, struct rn_err *err)
{
    char ident[96];
    size_t n;
    int64_t id;
    enum rn_rc rc;

    if (source_id != st->cur_source || ev->name == NULL)
        return rn_err_set(err, RN_EINVAL, "bad event for source %" PRId64,
                          source_id);
    /* The public id depends only on the content and the event's place in
     * it, so it is the same whatever else is in the store. */
    memcpy(ident, st->cur_sha, 64);
    ident[64] = ':';
    n = 65 + rn_i64_dec(ev->ord, ident + 65);
    id = store_hash53(ident, n);
    if (st->pipe == NULL) {
        rc = store_event_insert_now(st, source_id, st->cur_kind, srcreq_id, id,
                                    ev, err);
    } else {
        struct store_codec c = store_codec_out(st, STORE_OP_EVENT);
        struct store_event e = *ev;
        int kind = st->cur_kind;

        store_codec_event(&c, &source_id, &kind, &srcreq_id, &id, &e);
        rc = rn_pipe_op_end(st->pipe, err);
    }
    if (rc != RN_OK)
        return rc;
    st->cur_events++;
    if (uid != NULL)
        *uid = id;
    return RN_OK;
}

/* Run one encoded write, in the writer thread. */
static enum rn_rc
store_run_op(struct store *st, struct store_codec *c, int64_t op,
             struct rn_err *err)
{
    int64_t source = 0, srcreq_id = 0, uid = 0, request_id = 0;
    int kind = 0;
    const char *rule = NULL;
    struct store_event ev;
    struct store_srcreq q;
    struct store_request_row row;

    switch (op) {
    case STORE_OP_EVENT:
        store_event_init(&ev);
        store_codec_event(c, &source, &kind, &srcreq_id, &uid, &ev);
        return store_event_insert_now(st, source, kind, srcreq_id, uid, &ev,
                                      err);
    case STORE_OP_SRCREQ:
        store_srcreq_init(&q);
        store_codec_srcreq(c, &source, &kind, &srcreq_id, &request_id, &rule,
                           &q);
        if (q.key == NULL)
            return rn_err_set(err, RN_EINVAL,
                              "write-behind: a request lost its key");
        return store_srcreq_write_now(st, source, kind, srcreq_id, &q, rule,
                                      request_id, err);
    case STORE_OP_REQUEST:
        memset(&row, 0, sizeof row);
        store_codec_request(c, &row);
        return store_request_insert_now(st, &row, err);
    default:
        return rn_err_set(err, RN_EINVAL, "write-behind: unknown op");
    }
}

/* Run a batch of writes, in the writer thread (rn_pipe_run_fn). */
static enum rn_rc
store_pipe_run(void *ctx, const unsigned char *ops, size_t len,
               struct rn_err *err)
{
    struct store *st = ctx;
    struct rn_pipe_reader r = {ops, ops + len};
    struct store_codec c = {NULL, &r};
    enum rn_rc rc = RN_OK;

    while (rc == RN_OK && r.at < r.end)
        rc = store_run_op(st, &c, rn_pipe_get_i64(&r), err);
    return rc;
}

enum rn_rc
store_write_behind(struct store *st, int on, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    if (on && st->pipe == NULL) {
        /* Without the thread, writes simply run in the caller. */
        st->pipe = rn_pipe_start(store_pipe_run, st, STORE_PIPE_BATCH,
                                 STORE_PIPE_DEPTH);
    } else if (!on && st->pipe != NULL) {
        rc = rn_pipe_drain(st->pipe, err);
        rn_pipe_stop(st->pipe);
        st->pipe = NULL;
    }
    return rc;
}

/* Deny what could reach outside the store from `reqnav sql`. */
static int
store_sql_authorizer(void *ctx, int action, const char *a, const char *b,
                     const char *c, const char *d)
{
    (void)ctx;
    (void)a;
    (void)c;
    (void)d;
    if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
        return SQLITE_DENY;
    if (action == SQLITE_PRAGMA && b != NULL)
        return SQLITE_DENY; /* pragma with an argument may write */
    if (action == SQLITE_FUNCTION && b != NULL &&
        (strcmp(b, "load_extension") == 0 || strcmp(b, "readfile") == 0 ||
         strcmp(b, "writefile") == 0))
        return SQLITE_DENY;
    return SQLITE_OK;
}

enum rn_rc
store_sql_readonly(struct store *st, const char *sql, store_row_fn *row,
                   void *ctx, struct rn_err *err)
{
    const char *tail = sql;
    sqlite3_stmt *s = NULL;
    /* The views that name columns as the list does (views.sql): TEMP, so
     * made before query_only and never written into the case. */
    enum rn_rc rc = store_exec(st, rn_views_sql, err);

    if (rc == RN_OK)
        rc = store_exec(st, "PRAGMA query_only = 1", err);

    if (rc != RN_OK)
        return rc;
    sqlite3_set_authorizer(st->db, store_sql_authorizer, NULL);
    while (rc == RN_OK && tail != NULL && *tail != '\0') {
        int step, ncol, i;

        if (sqlite3_prepare_v2(st->db, tail, -1, &s, &tail) != SQLITE_OK) {
            rc = rn_err_set(err, RN_EINVAL, "sql: %s", sqlite3_errmsg(st->db));
            break;
        }
        if (s == NULL)
            break; /* only whitespace or comments left */
        if (!sqlite3_stmt_readonly(s)) {
            rc = rn_err_set(err, RN_EINVAL,
                            "sql: only read-only statements are allowed");
            break;
        }
        ncol = sqlite3_column_count(s);
        while ((step = sqlite3_step(s)) == SQLITE_ROW && rc == RN_OK) {
            const char *names[64], *values[64];
            int nc = ncol < 64 ? ncol : 64;

            for (i = 0; i < nc; i++) {
                names[i] = sqlite3_column_name(s, i);
                values[i] = (const char *)sqlite3_column_text(s, i);
            }
            rc = row(ctx, nc, names, values);
        }
        if (rc == RN_OK && step != SQLITE_DONE)
            rc = st->deadline_hit ? store_dberr(st, "sql", err)
                                  : rn_err_set(err, RN_EINVAL, "sql: %s",
                                               sqlite3_errmsg(st->db));
        sqlite3_finalize(s);
        s = NULL;
    }
    sqlite3_finalize(s);
    sqlite3_set_authorizer(st->db, NULL, NULL);
    store_exec(st, "PRAGMA query_only = 0", NULL);
    return rc;
}

enum rn_rc
store_state_get(struct store *st, const char *key, char **value,
                struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;
    int step;

    *value = NULL;
    rc =
        store_prepare(st, "SELECT value FROM ui_state WHERE key = ?1", &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *value = store_col_dup(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_dberr(st, "read state", err);
    sqlite3_finalize(s);
    return rc;
}

enum rn_rc
store_state_set(struct store *st, const char *key, const char *value,
                struct rn_err *err)
{
    sqlite3_stmt *s;
    enum rn_rc rc;

    rc = store_prepare(st,
                       "INSERT INTO ui_state (key, value) VALUES (?1, ?2)"
                       " ON CONFLICT (key) DO UPDATE SET value = ?2",
                       &s, err);
    if (rc != RN_OK)
        return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    store_bind_text(s, 2, value);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = store_dberr(st, "save state", err);
    sqlite3_finalize(s);
    return rc;
}
