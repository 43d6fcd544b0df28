/*
 * Archives and compressed files (zip, tar, gzip, bzip2, xz) read through
 * libarchive.  Each regular member is copied, in bounded steps, into an
 * unlinked temporary file while it is hashed, and handed to a callback as
 * if it had been unpacked: the importers read it through its path like any
 * other file, so they need no stream of their own and memory stays bounded
 * whatever the member's size.
 */
#ifndef ARCHIVE_INPUT_H
#define ARCHIVE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

#define ARCHIVE_INPUT_HEAD 4096

/* Nonzero when head starts an archive or compressed file we read: the
 * kind's name ("zip", "gzip", ...), else NULL. */
const char *archive_input_probe(const unsigned char *head, size_t n);

/* One member, spooled. */
struct archive_member {
    const char *name; /* the member's path in the archive */
    const char *file; /* a path that opens the spooled content */
    int64_t size;     /* bytes */
    char sha256[65];  /* hex digest of the content */
    unsigned char head[ARCHIVE_INPUT_HEAD]; /* its first bytes */
    size_t nhead;
};

/* Called once per regular member, in archive order; an error stops the
 * walk and is returned (store errors, cancellation). */
typedef enum rn_rc archive_member_fn(void *ctx, const struct archive_member *m,
                                     struct rn_err *err);

/* Why a walk stopped early: the archive is damaged (or unreadable). */
struct archive_damage {
    int damaged;
    int64_t members;          /* members handed over before the damage */
    char msg[RN_ERR_MSG_MAX]; /* names the archive and the member */
};

/*
 * Walk the archive at path (shown in messages as display).  Members before
 * any damage are handed to fn; damage is described in *dmg, not returned.
 * Returns fn's error, or RN_OK.
 */
enum rn_rc archive_input_walk(const char *path, const char *display,
                              archive_member_fn *fn, void *ctx,
                              struct archive_damage *dmg, struct rn_err *err);

#endif
