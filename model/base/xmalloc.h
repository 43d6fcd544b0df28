/*
 * Allocation wrappers for small internal allocations: they abort on
 * failure after calling a registered fatal hook (so the TUI can restore
 * the terminal).  Sizes that come from input use rn_buf caps instead.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

typedef void xmalloc_fatal_fn(void);

/* Register the hook run before aborting on allocation failure. */
void xmalloc_set_fatal_hook(xmalloc_fatal_fn *fn);

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* Replace *slot (malloc'd or NULL) with a copy of v, when v is not NULL:
 * a later value that is known wins. */
void xstrset(char **slot, const char *v);
char *xstrndup(const char *s, size_t n);

#endif
