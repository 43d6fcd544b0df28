/*
 * Archive members spooled to temporary files (see archive_input.h).
 */
#include "archive_input.h"

#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"
#include "xmalloc.h"

#define ARCHIVE_BLOCK (1 << 16)

const char *
archive_input_probe(const unsigned char *h, size_t n)
{
    if (n >= 4 && h[0] == 'P' && h[1] == 'K' &&
        ((h[2] == 3 && h[3] == 4) || (h[2] == 5 && h[3] == 6)))
        return "zip";
    if (n >= 3 && h[0] == 0x1F && h[1] == 0x8B && h[2] == 8)
        return "gzip";
    if (n >= 4 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h' && h[3] >= '1' &&
        h[3] <= '9')
        return "bzip2";
    if (n >= 6 && memcmp(h,
                         "\xFD"
                         "7zXZ\0",
                         6) == 0)
        return "xz";
    if (n >= 262 && memcmp(h + 257, "ustar", 5) == 0)
        return "tar";
    return NULL;
}

/* The name of a compressed file's only member: its own name without the
 * compression suffix ("u_ex.log.gz" -> "u_ex.log"). */
static void
archive_raw_name(const char *display, char *out, size_t n)
{
    static const char *const sfx[] = {".gz", ".gzip", ".bz2", ".xz", ".z"};
    const char *base = strrchr(display, '/');
    size_t len, i, sl;

    snprintf(out, n, "%s", base != NULL ? base + 1 : display);
    len = strlen(out);
    for (i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        sl = strlen(sfx[i]);
        if (len > sl && strcasecmp(out + len - sl, sfx[i]) == 0) {
            out[len - sl] = '\0';
            return;
        }
    }
}

/* A spool file: named so that importers can open it by path, removed
 * as soon as its member has been imported. */
struct spool {
    char path[4096];
    FILE *f;
};

static enum rn_rc
spool_open(struct spool *s, struct rn_err *err)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    if (snprintf(s->path, sizeof s->path, "%s/reqnav-member-XXXXXX", dir) >=
        (int)sizeof s->path)
        return rn_err_set(err, RN_EIO, "TMPDIR too long");
    fd = mkstemp(s->path);
    if (fd < 0)
        return rn_err_set(err, RN_EIO, "%s: %s", s->path, strerror(errno));
    s->f = fdopen(fd, "w+b");
    if (s->f == NULL) {
        int e = errno;

        close(fd);
        unlink(s->path);
        return rn_err_set(err, RN_EIO, "%s: %s", s->path, strerror(e));
    }
    return RN_OK;
}

static void
spool_close(struct spool *s)
{
    if (s->f != NULL) {
        fclose(s->f);
        s->f = NULL;
        unlink(s->path);
    }
}

/*
 * Copy the current member's data into the spool, hashing it and keeping
 * its head.  -1 with *why set when the archive's data is damaged; -2 on
 * a spool write error (err set); 0 when whole.
 */
static int
archive_spool_member(struct archive *a, struct spool *s,
                     struct archive_member *m, const char **why,
                     struct rn_err *err)
{
    static unsigned char buf[ARCHIVE_BLOCK];
    struct sha256 c;
    la_ssize_t got;

    sha256_init(&c);
    m->size = 0;
    m->nhead = 0;
    while ((got = archive_read_data(a, buf, sizeof buf)) > 0) {
        size_t n = (size_t)got;

        if (m->nhead < sizeof m->head) {
            size_t take =
                sizeof m->head - m->nhead < n ? sizeof m->head - m->nhead : n;

            memcpy(m->head + m->nhead, buf, take);
            m->nhead += take;
        }
        sha256_update(&c, buf, n);
        if (fwrite(buf, 1, n, s->f) != n) {
            rn_err_set(err, RN_EIO, "%s: %s", s->path, strerror(errno));
            return -2;
        }
        m->size += (int64_t)n;
    }
    if (got < 0) {
        *why = archive_error_string(a);
        return -1;
    }
    if (fflush(s->f) != 0) {
        rn_err_set(err, RN_EIO, "%s: %s", s->path, strerror(errno));
        return -2;
    }
    sha256_final_hex(&c, m->sha256);
    return 0;
}

static void
archive_damaged(struct archive_damage *dmg, const char *display,
                const char *member, const char *why, int at_member)
{
    dmg->damaged = 1;
    if (member == NULL)
        snprintf(dmg->msg, sizeof dmg->msg,
                 "%s: damaged archive, nothing readable (%s)", display,
                 why != NULL ? why : "unreadable");
    else
        snprintf(dmg->msg, sizeof dmg->msg,
                 "%s: damaged archive %s member '%s' (%s); the %lld member%s "
                 "before %s read",
                 display, at_member ? "at" : "after", member,
                 why != NULL ? why : "unreadable", (long long)dmg->members,
                 dmg->members == 1 ? "" : "s", at_member ? "it" : "the damage");
}

/* Hand one spooled member to fn, then drop the spool. */
static enum rn_rc
archive_member_out(struct archive *a, const char *display, const char *name,
                   archive_member_fn *fn, void *ctx, struct archive_damage *dmg,
                   struct rn_err *err)
{
    struct archive_member *m = xcalloc(1, sizeof *m);
    struct spool s = {"", NULL};
    const char *why = NULL;
    enum rn_rc rc;
    int r;

    rc = spool_open(&s, err);
    if (rc != RN_OK) {
        free(m);
        return rc;
    }
    r = archive_spool_member(a, &s, m, &why, err);
    if (r == 0) {
        m->name = name;
        m->file = s.path;
        rc = fn(ctx, m, err);
        dmg->members++;
    } else if (r == -1) {
        archive_damaged(dmg, display, name, why, 1);
    } else {
        rc = RN_EIO;
    }
    spool_close(&s);
    free(m);
    return rc;
}

enum rn_rc
archive_input_walk(const char *path, const char *display, archive_member_fn *fn,
                   void *ctx, struct archive_damage *dmg, struct rn_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    char raw_name[1024], last[1024] = "";
    enum rn_rc rc = RN_OK;
    int r;

    memset(dmg, 0, sizeof *dmg);
    if (a == NULL)
        return rn_err_set(err, RN_ENOMEM, "out of memory");
    /* The formats an engineer is handed: zip, tar (in any of the
     * compressions), and a single compressed file ("raw"). */
    archive_read_support_filter_gzip(a);
    archive_read_support_filter_bzip2(a);
    archive_read_support_filter_xz(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_support_format_raw(a);
    if (archive_read_open_filename(a, path, ARCHIVE_BLOCK) != ARCHIVE_OK) {
        archive_damaged(dmg, display, NULL, archive_error_string(a), 0);
        archive_read_free(a);
        return RN_OK;
    }
    while (rc == RN_OK && !dmg->damaged) {
        const char *name;

        r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            break;
        if (r < ARCHIVE_WARN) {
            archive_damaged(dmg, display, last[0] ? last : NULL,
                            archive_error_string(a), 0);
            break;
        }
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
            archive_raw_name(display, raw_name, sizeof raw_name);
            name = raw_name;
        } else {
            name = archive_entry_pathname(e);
            if (name == NULL)
                name = "?";
        }
        snprintf(last, sizeof last, "%s", name);
        rc = archive_member_out(a, display, last, fn, ctx, dmg, err);
    }
    archive_read_free(a);
    return rc;
}
