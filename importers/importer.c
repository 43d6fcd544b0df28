/*
 * The import driver: path walking, format detection, content hashing,
 * transactions and progress.  Importers are listed in one table.
 */
#include "importer.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "archive_input.h"
#include "import_etw.h"
#include "import_freb.h"
#include "import_pcap.h"
#include "import_w3c.h"
#include "rn_time.h"
#include "sha256.h"
#include "xmalloc.h"

/* Every importer; detection asks each and takes the most confident. */
static const struct importer *const importers[] = {
    &import_etw_importer,     &import_freb_importer, &import_w3c_importer,
    &import_httperr_importer, &import_pcap_importer,
};

#define NIMPORTERS (sizeof importers / sizeof importers[0])

/* Commit a batch after this many files or this long, so work that is
 * done is safe and readers see it, without a commit per file. */
#define IMPORT_BATCH_FILES 500
#define IMPORT_BATCH_NS    (2LL * 1000000000LL)

#define IMPORT_PROBE_BYTES 4096

const struct importer *
importer_find(const char *name)
{
    size_t i;

    for (i = 0; i < NIMPORTERS; i++) {
        if (strcmp(importers[i]->name, name) == 0)
            return importers[i];
    }
    return NULL;
}

const char *
importer_names(void)
{
    static char names[256];
    size_t i, len = 0;

    if (names[0] != '\0')
        return names;
    for (i = 0; i < NIMPORTERS; i++) {
        int w = snprintf(names + len, sizeof names - len, "%s%s",
                         i > 0 ? ", " : "", importers[i]->name);

        if (w < 0 || (size_t)w >= sizeof names - len)
            break;
        len += (size_t)w;
    }
    return names;
}

/*
 * The readers (xml_input, cap_read) name the file they opened in their
 * messages; for an archive member that is a spool file the user never
 * saw, so its name is replaced by the member's.
 */
static void
import_unalias(const struct import_ctx *ctx, char *msg, size_t n)
{
    char out[RN_ERR_MSG_MAX];
    size_t flen, o = 0;
    const char *p = msg, *hit;

    if (ctx->file == NULL || strcmp(ctx->file, ctx->path) == 0 ||
        strstr(msg, ctx->file) == NULL)
        return;
    flen = strlen(ctx->file);
    while ((hit = strstr(p, ctx->file)) != NULL && o < sizeof out) {
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s%s", (int)(hit - p),
                              p, ctx->path);
        p = hit + flen;
    }
    if (o < sizeof out)
        snprintf(out + o, sizeof out - o, "%s", p);
    snprintf(msg, n, "%s", out);
}

void
import_warn(struct import_ctx *ctx, int64_t line, const char *fmt, ...)
{
    char msg[RN_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    import_unalias(ctx, msg, sizeof msg);
    if (ctx->message[0] == '\0')
        snprintf(ctx->message, sizeof ctx->message, "%s", msg);
    ctx->warnings++;
    /* A failure to record a warning must not fail the import. */
    (void)ingest_source_warn(ctx->in, ctx->source_id, line, msg, NULL);
}

/* Driver state shared by the walk. */
struct import_run {
    struct ingest *in;
    const struct import_options *opt;
    struct import_summary *sum;
    int batch_files;
    int64_t batch_start;
    volatile sig_atomic_t *cancel;
    /* The content of the file being imported, when the hash pass kept it
     * (held_file: its path, the pointer import_file passes on; NULL when
     * nothing is held).  One buffer for the run, reused file after file. */
    const char *held_file;
    unsigned char *held;
    size_t nheld, capheld;
};

/* Files up to this size are read once: hashed and parsed from memory. */
#define IMPORT_HOLD_MAX (4u << 20)

enum rn_rc
import_progress(struct import_ctx *ctx, int64_t done, struct rn_err *err)
{
    const struct import_run *run = ctx->progress_ctx;

    if (run->cancel != NULL && *run->cancel)
        return rn_err_set(err, RN_ECANCELED, "%s: import interrupted",
                          ctx->path);
    if (run->opt->progress != NULL &&
        run->opt->progress(run->opt->progress_ctx, ctx->path, done,
                           ctx->size) != 0)
        return rn_err_set(err, RN_ECANCELED, "%s: import cancelled", ctx->path);
    return RN_OK;
}

/* Read all of a small file (size from fstat: the hint) into run->held;
 * 0 when it is not small, or not what fstat said. */
static int
import_hold(struct import_run *run, FILE *f)
{
    struct stat sb;
    size_t n;

    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
        (uint64_t)sb.st_size > IMPORT_HOLD_MAX)
        return 0;
    if (run->capheld < (size_t)sb.st_size + 1) {
        free(run->held);
        run->capheld = (size_t)sb.st_size + 1;
        run->held = xmalloc(run->capheld);
    }
    /* One byte more than expected: a file that grew is read the long way. */
    n = fread(run->held, 1, (size_t)sb.st_size + 1, f);
    if (n != (size_t)sb.st_size || ferror(f)) {
        rewind(f);
        return 0;
    }
    run->nheld = n;
    return 1;
}

/* Hash the next n bytes of a file, keeping the first ones for probing. */
static void
import_hash_block(struct sha256 *c, unsigned char *head, size_t *nhead,
                  const unsigned char *data, size_t n)
{
    if (*nhead < IMPORT_PROBE_BYTES) {
        size_t take =
            IMPORT_PROBE_BYTES - *nhead < n ? IMPORT_PROBE_BYTES - *nhead : n;

        memcpy(head + *nhead, data, take);
        *nhead += take;
    }
    sha256_update(c, data, n);
}

/* Hash a whole file; also read its first bytes for probing.  A small file
 * is kept whole (run->held) for its importer, which then reads no file. */
static enum rn_rc
import_hash_file(struct import_run *run, const char *path, char hex[65],
                 unsigned char *head, size_t *nhead, int64_t *size,
                 struct rn_err *err)
{
    static unsigned char buf[1 << 16];
    struct sha256 c;
    FILE *f = fopen(path, "rb");
    size_t n;
    int64_t total = 0;

    run->held_file = NULL;
    if (f == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
    sha256_init(&c);
    *nhead = 0;
    if (import_hold(run, f)) {
        import_hash_block(&c, head, nhead, run->held, run->nheld);
        total = (int64_t)run->nheld;
        run->held_file = path;
    } else {
        while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
            import_hash_block(&c, head, nhead, buf, n);
            total += (int64_t)n;
        }
        if (ferror(f)) {
            fclose(f);
            return rn_err_set(err, RN_EIO, "%s: read error: %s", path,
                              strerror(errno));
        }
    }
    fclose(f);
    sha256_final_hex(&c, hex);
    *size = total;
    return RN_OK;
}

FILE *
import_fopen(const struct import_ctx *ctx)
{
    if (ctx->content != NULL && ctx->ncontent > 0)
        return fmemopen((void *)(uintptr_t)ctx->content, ctx->ncontent, "rb");
    return fopen(ctx->file, "rb");
}

/* The importer for a file: forced by --format, else the best probe. */
static const struct importer *
import_detect(const struct import_options *opt, const unsigned char *head,
              size_t n, const char *path)
{
    const struct importer *best = NULL;
    int best_score = 0;
    size_t i;

    if (opt->format != NULL)
        return importer_find(opt->format);
    for (i = 0; i < NIMPORTERS; i++) {
        int score = importers[i]->probe(head, n, path);

        if (score > best_score) {
            best = importers[i];
            best_score = score;
        }
    }
    return best;
}

static void
import_report(struct import_run *run, const char *path, const char *format,
              enum import_status status, int64_t events, int64_t requests,
              int64_t warnings, const char *message)
{
    struct import_report r;

    switch (status) {
    case IMPORT_DONE:
        run->sum->imported++;
        break;
    case IMPORT_PARTIAL:
        run->sum->partial++;
        break;
    case IMPORT_DUPLICATE:
        run->sum->duplicates++;
        break;
    case IMPORT_SKIPPED:
        run->sum->skipped++;
        break;
    case IMPORT_FAILED:
        run->sum->failed++;
        break;
    }
    run->sum->files++;
    run->sum->events += events;
    if (run->opt->report == NULL)
        return;
    r.path = path;
    r.format = format;
    r.status = status;
    r.events = events;
    r.requests = requests;
    r.warnings = warnings;
    r.message = message != NULL && message[0] != '\0' ? message : NULL;
    run->opt->report(run->opt->report_ctx, &r);
}

/*
 * Keep a file the import met but did not import in the store, with why,
 * for the sources screen and `reqnav sources` (size STORE_NONE and sha256
 * NULL when it could not be read).
 */
static enum rn_rc
import_skip_keep(struct import_run *run, const char *path,
                 enum store_skip_state state, const char *format, int64_t size,
                 const char *sha256, const char *msg, struct rn_err *err)
{
    struct store_skip k;

    k.path = path;
    k.state = state;
    k.format = format;
    k.size = size;
    k.sha256 = sha256;
    k.message = msg;
    return ingest_skip_put(run->in, &k, err);
}

/* A file met before and skipped is in the store now: no longer listed. */
static enum rn_rc
import_skip_forget(struct import_run *run, const char *path, const char *sha256,
                   struct rn_err *err)
{
    return ingest_skip_forget(run->in, path, sha256, err);
}

/* Commit the batch when it is big or old enough. */
static enum rn_rc
import_maybe_commit(struct import_run *run, int force, struct rn_err *err)
{
    int every =
        run->opt->batch_files > 0 ? run->opt->batch_files : IMPORT_BATCH_FILES;
    enum rn_rc rc;

    if (!force && run->batch_files < every &&
        rn_time_mono_ns() - run->batch_start < IMPORT_BATCH_NS)
        return RN_OK;
    rc = ingest_commit(run->in, err);
    if (rc != RN_OK)
        return rc; /* the batch is gone: import_paths counts it */
    run->batch_files = 0;
    if (!force)
        rc = ingest_begin(run->in, err);
    run->batch_start = rn_time_mono_ns();
    return rc;
}

/*
 * A capture whose frames (times and bytes) are already in the store, in
 * whatever container, is the same traffic: drop what this import wrote
 * and say which file it duplicates (*dup = 1).
 */
static enum rn_rc
import_same_frames(struct import_run *run, const struct importer *imp,
                   const struct import_ctx *ctx, int *dup, struct rn_err *err)
{
    char other[1024], msg[RN_ERR_MSG_MAX];
    int64_t id;
    enum rn_rc rc;

    *dup = 0;
    rc = ingest_source_by_frames(run->in, ctx->frames_sha256, &id, other,
                                 sizeof other, err);
    if (rc != RN_OK || id == 0)
        return rc;
    ingest_source_abort(run->in);
    snprintf(msg, sizeof msg,
             "%.200s: the same frames as %.200s (source %" PRId64
             "), already in the store",
             ctx->path, other, id);
    import_report(run, ctx->path,
                  ctx->format_detail ? ctx->format_detail : imp->name,
                  IMPORT_DUPLICATE, 0, 0, 0, msg);
    *dup = 1;
    return import_skip_forget(run, ctx->path, ctx->sha256, err);
}

/* Run the importer on a file whose source row is open (in_walk: met in a
 * folder or an archive, not named by the user). */
static enum rn_rc
import_run_source(struct import_run *run, const struct importer *imp,
                  const char *path, const char *file, int64_t size,
                  const char *sha256, int64_t source_id, int in_walk,
                  struct rn_err *err)
{
    struct import_ctx ctx;
    struct store_source_result res;
    struct rn_err ierr = {RN_OK, ""};
    enum rn_rc rc;

    memset(&ctx, 0, sizeof ctx);
    ctx.in = run->in;
    ctx.path = path;
    ctx.file = file;
    ctx.source_id = source_id;
    ctx.size = size;
    ctx.sha256 = sha256;
    ctx.tz_off_s = run->opt->tz_off_s;
    ctx.clock_offset_ns = run->opt->clock_offset_ns;
    ctx.progress_ctx = run;
    if (run->held_file == file) {
        ctx.content = run->held;
        ctx.ncontent = run->nheld;
    }
    rc = imp->run(&ctx, &ierr);
    import_unalias(&ctx, ierr.msg, sizeof ierr.msg);
    import_unalias(&ctx, ctx.message, sizeof ctx.message);
    if (rc == RN_EDB || rc == RN_ECANCELED) {
        /* The store itself failed, or the user stopped: drop this file
         * and let the caller stop at this boundary. */
        ingest_source_abort(run->in);
        if (rc == RN_ECANCELED) {
            run->sum->cancelled = 1;
            import_report(run, path, imp->name, IMPORT_FAILED, 0, 0, 0,
                          ierr.msg);
        }
        return rn_err_set(err, rc, "%s", ierr.msg);
    }
    if (rc != RN_OK) {
        /* Nothing of it is ours after all: skipped in a walk, as a file
         * that no importer takes. */
        int skip = rc == RN_ENOTFOUND && in_walk;

        ingest_source_abort(run->in);
        import_report(run, path, imp->name,
                      skip ? IMPORT_SKIPPED : IMPORT_FAILED, 0, 0, 0, ierr.msg);
        return import_skip_keep(run, path,
                                skip ? STORE_SKIP_SKIPPED : STORE_SKIP_FAILED,
                                imp->name, size, sha256, ierr.msg, err);
    }
    if (ctx.frames_sha256[0] != '\0') {
        int dup;

        rc = import_same_frames(run, imp, &ctx, &dup, err);
        if (rc != RN_OK || dup)
            return rc;
    }
    memset(&res, 0, sizeof res);
    res.frames_sha256 = ctx.frames_sha256[0] != '\0' ? ctx.frames_sha256 : NULL;
    res.truncated = ctx.truncated;
    res.message = ctx.message[0] != '\0' ? ctx.message : NULL;
    /* A given clock offset is fixed for the capture (no estimate). */
    res.clock_offset_ns =
        imp->kind == STORE_KIND_PCAP ? ctx.clock_offset_ns : STORE_NONE;
    res.format = ctx.format_detail;
    res.capture_json = ctx.capture[0] != '\0' ? ctx.capture : NULL;
    rc = ingest_source_end(run->in, source_id, &res, err);
    if (rc == RN_OK)
        rc = import_skip_forget(run, path, sha256, err);
    if (rc != RN_OK)
        return rc;
    import_report(run, path, ctx.format_detail ? ctx.format_detail : imp->name,
                  ctx.truncated ? IMPORT_PARTIAL : IMPORT_DONE, res.events,
                  res.requests, ctx.warnings, ctx.message);
    run->batch_files++;
    return import_maybe_commit(run, 0, err);
}

/* What a file that no importer takes is not, or what to do with it (the
 * report line names the file). */
static void
import_unknown_why(const struct import_options *opt, const char *path,
                   char *msg, size_t n)
{
    const char *dot = strrchr(path, '.');

    if (opt->format != NULL)
        snprintf(msg, n, "unknown format '%s'", opt->format);
    else if (dot != NULL && strcasecmp(dot, ".etl") == 0)
        snprintf(msg, n,
                 "binary ETW: render it with tracerpt -of XML, or Log "
                 "Parser, first");
    else
        snprintf(msg, n,
                 "not a trace, log or capture reqnav can read (not ETW XML, "
                 "FREB XML, a W3C or HTTPERR log, a pcap, pcapng or Network "
                 "Monitor capture, nor a zip, tar, gzip, bzip2 or xz "
                 "archive)");
}

static enum rn_rc import_archive(struct import_run *run, const char *file,
                                 const char *display, int in_walk, int depth,
                                 struct rn_err *err);

/*
 * Import content already hashed: path is its name for the user (and the
 * store), file where it can be read (the same, or an archive member's
 * spool file).  Archives are walked; anything else goes to its importer.
 */
static enum rn_rc
import_content(struct import_run *run, const char *path, const char *file,
               const char *hex, int64_t size, const unsigned char *head,
               size_t nhead, int in_walk, int depth, struct rn_err *err)
{
    char msg[RN_ERR_MSG_MAX];
    struct store_source_info info;
    const struct importer *imp;
    int64_t source_id;
    int existing;
    enum rn_rc rc;

    if (run->opt->format == NULL && archive_input_probe(head, nhead) != NULL)
        return import_archive(run, file, path, in_walk, depth, err);
    imp = import_detect(run->opt, head, nhead, path);
    if (imp == NULL) {
        /* Inside a folder or an archive other files are expected: skipped
         * with why; a file named by the user is a failure. */
        import_unknown_why(run->opt, path, msg, sizeof msg);
        import_report(run, path, NULL, in_walk ? IMPORT_SKIPPED : IMPORT_FAILED,
                      0, 0, 0, msg);
        return import_skip_keep(
            run, path, in_walk ? STORE_SKIP_SKIPPED : STORE_SKIP_FAILED, NULL,
            size, hex, msg, err);
    }
    info.path = path;
    info.kind = imp->kind;
    info.format = imp->name;
    info.sha256 = hex;
    info.size = size;
    rc = ingest_source_begin(run->in, &info, &source_id, &existing, err);
    if (rc != RN_OK)
        return rc;
    if (existing) {
        import_report(run, path, imp->name, IMPORT_DUPLICATE, 0, 0, 0, NULL);
        return import_skip_forget(run, path, hex, err);
    }
    return import_run_source(run, imp, path, file, size, hex, source_id,
                             in_walk, err);
}

/* Import one file given by the user or met in a folder walk. */
static enum rn_rc
import_file(struct import_run *run, const char *path, int in_walk,
            struct rn_err *err)
{
    unsigned char head[IMPORT_PROBE_BYTES];
    size_t nhead = 0;
    char hex[65];
    int64_t size = 0;
    struct rn_err ferr = {RN_OK, ""};
    enum rn_rc rc;

    rc = import_hash_file(run, path, hex, head, &nhead, &size, &ferr);
    if (rc != RN_OK) {
        import_report(run, path, NULL, IMPORT_FAILED, 0, 0, 0, ferr.msg);
        return import_skip_keep(run, path, STORE_SKIP_FAILED, NULL, STORE_NONE,
                                NULL, ferr.msg, err);
    }
    rc = import_content(run, path, path, hex, size, head, nhead, in_walk, 0,
                        err);
    run->held_file = NULL;
    return rc;
}

/* Archives inside archives are followed this deep. */
#define IMPORT_ARCHIVE_DEPTH 4

struct import_archive_ctx {
    struct import_run *run;
    const char *display;
    int depth;
};

/* One archive member, imported as if unpacked: "case.zip!W3SVC1/f.xml". */
static enum rn_rc
import_archive_member(void *vctx, const struct archive_member *m,
                      struct rn_err *err)
{
    struct import_archive_ctx *a = vctx;
    size_t len = strlen(a->display) + strlen(m->name) + 2;
    char *name = xmalloc(len);
    enum rn_rc rc;

    if (a->run->cancel != NULL && *a->run->cancel) {
        free(name);
        return rn_err_set(err, RN_ECANCELED, "%s: import interrupted",
                          a->display);
    }
    snprintf(name, len, "%s!%s", a->display, m->name);
    rc = import_content(a->run, name, m->file, m->sha256, m->size, m->head,
                        m->nhead, 1, a->depth + 1, err);
    free(name);
    return rc;
}

static enum rn_rc
import_archive(struct import_run *run, const char *file, const char *display,
               int in_walk, int depth, struct rn_err *err)
{
    struct import_archive_ctx a = {run, display, depth};
    struct archive_damage dmg;
    char msg[RN_ERR_MSG_MAX];
    enum rn_rc rc;

    if (depth >= IMPORT_ARCHIVE_DEPTH) {
        snprintf(msg, sizeof msg, "%s: archives nested too deep", display);
        import_report(run, display, NULL, IMPORT_FAILED, 0, 0, 0, msg);
        return import_skip_keep(run, display, STORE_SKIP_FAILED, "archive",
                                STORE_NONE, NULL, msg, err);
    }
    rc =
        archive_input_walk(file, display, import_archive_member, &a, &dmg, err);
    if (rc != RN_OK)
        return rc;
    /* Members read before damage make the archive partial; an archive with
     * nothing readable fails when named, and inside a folder is one more
     * file that is not ours (a stray "PK" header), skipped with why. */
    if (!dmg.damaged)
        return import_skip_forget(run, display, NULL, err);
    if (dmg.members > 0) {
        import_report(run, display, "archive", IMPORT_PARTIAL, 0, 0, 0,
                      dmg.msg);
        return import_skip_keep(run, display, STORE_SKIP_DAMAGED, "archive",
                                STORE_NONE, NULL, dmg.msg, err);
    }
    import_report(run, display, "archive",
                  in_walk ? IMPORT_SKIPPED : IMPORT_FAILED, 0, 0, 0, dmg.msg);
    return import_skip_keep(run, display,
                            in_walk ? STORE_SKIP_SKIPPED : STORE_SKIP_FAILED,
                            "archive", STORE_NONE, NULL, dmg.msg, err);
}

static int
import_name_cmp(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static enum rn_rc import_path(struct import_run *run, const char *path,
                              int in_walk, int depth, struct rn_err *err);

/* Import a folder's entries in name order (byte order, not locale). */
static enum rn_rc
import_dir(struct import_run *run, const char *path, int depth,
           struct rn_err *err)
{
    struct dirent **names;
    int n, i;
    enum rn_rc rc = RN_OK;

    n = scandir(path, &names, NULL, import_name_cmp);
    if (n < 0) {
        char msg[RN_ERR_MSG_MAX];

        snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
        import_report(run, path, NULL, IMPORT_FAILED, 0, 0, 0, msg);
        return RN_OK;
    }
    for (i = 0; i < n; i++) {
        const char *name = names[i]->d_name;

        if (run->cancel != NULL && *run->cancel) {
            run->sum->cancelled = 1; /* stop the walk, and say so */
        } else if (rc == RN_OK && name[0] != '.') {
            size_t plen = strlen(path), len = plen + strlen(name) + 2;
            char *child = xmalloc(len);

            /* "share/samples/" + name, not "share/samples//name". */
            while (plen > 1 && path[plen - 1] == '/')
                plen--;
            snprintf(child, len, "%.*s/%s", (int)plen, path, name);
            rc = import_path(run, child, 1, depth + 1, err);
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static enum rn_rc
import_path(struct import_run *run, const char *path, int in_walk, int depth,
            struct rn_err *err)
{
    struct stat sb;
    char msg[RN_ERR_MSG_MAX];

    if (stat(path, &sb) != 0) {
        snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
        import_report(run, path, NULL, IMPORT_FAILED, 0, 0, 0, msg);
        return RN_OK;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (depth > 32) {
            snprintf(msg, sizeof msg, "%s: folders nested too deep", path);
            import_report(run, path, NULL, IMPORT_FAILED, 0, 0, 0, msg);
            return RN_OK;
        }
        return import_dir(run, path, depth, err);
    }
    if (!S_ISREG(sb.st_mode)) {
        snprintf(msg, sizeof msg, "%s: not a regular file", path);
        import_report(run, path, NULL, in_walk ? IMPORT_SKIPPED : IMPORT_FAILED,
                      0, 0, 0, in_walk ? NULL : msg);
        return RN_OK;
    }
    return import_file(run, path, in_walk, err);
}

enum rn_rc
import_paths(struct store *st, const char *const *paths, size_t npaths,
             const struct import_options *opt, struct import_summary *sum,
             struct rn_err *err)
{
    struct import_run run;
    size_t i;
    enum rn_rc rc;

    memset(sum, 0, sizeof *sum);
    memset(&run, 0, sizeof run);
    run.in = ingest_open(st);
    run.opt = opt;
    run.sum = sum;
    run.cancel = opt->cancel;
    run.batch_start = rn_time_mono_ns();
    rc = ingest_begin(run.in, err);
    for (i = 0; rc == RN_OK && i < npaths; i++) {
        if (run.cancel != NULL && *run.cancel) {
            sum->cancelled = 1;
            break;
        }
        rc = import_path(&run, paths[i], 0, 0, err);
    }
    if (rc == RN_ECANCELED) {
        /* Keep every file finished before the interruption. */
        sum->cancelled = 1;
        rc = RN_OK;
    }
    if (rc == RN_OK)
        rc = import_maybe_commit(&run, 1, err);
    /* Looked at after the final commit, not before it: an interrupt during
     * the last file's correlation or the commit itself is reported (what
     * was committed stays), never dropped as if nothing had happened. */
    if (rc == RN_OK && run.cancel != NULL && *run.cancel)
        sum->cancelled = 1;
    if (rc != RN_OK) {
        /* Files reported imported since the last commit are undone. */
        ingest_rollback(run.in);
        sum->rolled_back = run.batch_files;
    }
    ingest_close(run.in);
    free(run.held);
    return rc;
}
