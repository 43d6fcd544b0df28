/*
 * The three jump roles, described once: the name (JSON key, request
 * column and has: filter word), the key that jumps to it and the label
 * reports print.  The role numbers are enum
 * store_role's.  What each event is (FastCGI start, ARR route) is the
 * event's own label (triage_event_label).
 */
#ifndef RN_ROLE_H
#define RN_ROLE_H

#define RN_ROLE_COUNT 3

struct rn_role {
    const char *name;  /* cgi_start: JSON key, column, has:cgi_start */
    char key;          /* the jump key: c */
    const char *label; /* "CGI start", as reports print it */
};

/* The descriptor of role r (0..RN_ROLE_COUNT-1), or NULL. */
const struct rn_role *rn_role_get(int role);

/* The role named name, or -1. */
int rn_role_find(const char *name);

#endif
