/* Aborting allocators with an overflow check and a fatal hook. */
#include "xmalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static xmalloc_fatal_fn *fatal_hook;

void
xmalloc_set_fatal_hook(xmalloc_fatal_fn *fn)
{
    fatal_hook = fn;
}

static void
xmalloc_die(size_t size)
{
    if (fatal_hook != NULL)
        fatal_hook();
    fprintf(stderr, "reqnav: out of memory allocating %zu bytes\n", size);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);

    if (p == NULL)
        xmalloc_die(size);
    return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb == 0 ? 1 : nmemb, size == 0 ? 1 : size);

    if (p == NULL)
        xmalloc_die(nmemb * size);
    return p;
}

void *
xrealloc(void *ptr, size_t nmemb, size_t size)
{
    void *p;

    if (size != 0 && nmemb > SIZE_MAX / size)
        xmalloc_die(SIZE_MAX);
    p = realloc(ptr, nmemb * size == 0 ? 1 : nmemb * size);
    if (p == NULL)
        xmalloc_die(nmemb * size);
    return p;
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = xmalloc(len + 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void
xstrset(char **slot, const char *v)
{
    if (v == NULL)
        return;
    free(*slot);
    *slot = xstrdup(v);
}
