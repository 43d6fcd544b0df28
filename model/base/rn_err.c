/* Error report helpers: first error wins, messages are single lines. */
#include "rn_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum rn_rc
rn_err_set(struct rn_err *err, enum rn_rc rc, const char *fmt, ...)
{
    va_list ap;
    char *p;

    if (err == NULL || err->rc != RN_OK)
        return rc;
    err->rc = rc;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* Keep the message on one line whatever the caller passed in. */
    for (p = err->msg; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    return rc;
}

void
rn_err_clear(struct rn_err *err)
{
    if (err == NULL)
        return;
    err->rc = RN_OK;
    err->msg[0] = '\0';
}

const char *
rn_rc_str(enum rn_rc rc)
{
    switch (rc) {
    case RN_OK:
        return "ok";
    case RN_ENOMEM:
        return "out of memory or size limit";
    case RN_EIO:
        return "i/o error";
    case RN_EFORMAT:
        return "bad input format";
    case RN_EDB:
        return "database error";
    case RN_EINVAL:
        return "invalid argument";
    case RN_ENOTFOUND:
        return "not found";
    case RN_ECANCELED:
        return "cancelled";
    case RN_ETIMEOUT:
        return "deadline passed";
    }
    return "unknown error";
}
