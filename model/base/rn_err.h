/*
 * Error reporting shared by every layer: a return code plus a one-line
 * message buffer.  The first error recorded wins; the lowest layer writes
 * the specific message (with file and position), upper layers keep it.
 */
#ifndef RN_ERR_H
#define RN_ERR_H

enum rn_rc {
    RN_OK = 0,
    RN_ENOMEM,    /* allocation failed or a size limit was hit */
    RN_EIO,       /* open/read/write failed; msg carries strerror() */
    RN_EFORMAT,   /* input is not a valid trace or capture */
    RN_EDB,       /* SQLite error; msg carries sqlite3_errmsg() */
    RN_EINVAL,    /* bad argument or query */
    RN_ENOTFOUND, /* no such request, event or file */
    RN_ECANCELED, /* user cancelled via a progress callback */
    RN_ETIMEOUT   /* a read ran past its deadline (store_deadline) */
};

#define RN_ERR_MSG_MAX 512

/* Error report: the first error recorded wins, later ones are dropped. */
struct rn_err {
    enum rn_rc rc;
    char msg[RN_ERR_MSG_MAX]; /* one line, no trailing newline */
};

/* Record an error unless one is already recorded; return rc. */
enum rn_rc rn_err_set(struct rn_err *err, enum rn_rc rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Forget any recorded error. */
void rn_err_clear(struct rn_err *err);

/* Name of a return code, for messages. */
const char *rn_rc_str(enum rn_rc rc);

#endif
