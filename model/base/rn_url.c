/* URL helpers: host and path of absolute URLs. */
#include "rn_url.h"

#include <ctype.h>
#include <string.h>

#include "xmalloc.h"

void
rn_url_host(const char *url, char *out, size_t n)
{
    const char *p = strstr(url, "://"), *end;
    size_t len, i;
    int https = strncmp(url, "https://", 8) == 0;

    out[0] = '\0';
    if (p == NULL || n == 0)
        return;
    p += 3;
    end = p + strcspn(p, "/?#");
    len = (size_t)(end - p);
    /* Drop user info and the default port. */
    {
        const char *at = memchr(p, '@', len);

        if (at != NULL) {
            len -= (size_t)(at + 1 - p);
            p = at + 1;
        }
    }
    if ((!https && len > 3 && strncmp(p + len - 3, ":80", 3) == 0) ||
        (https && len > 4 && strncmp(p + len - 4, ":443", 4) == 0))
        len -= https ? 4 : 3;
    if (len >= n)
        len = n - 1;
    for (i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)p[i]);
    out[len] = '\0';
}

const char *
rn_url_path(const char *url)
{
    const char *p = strstr(url, "://");

    if (p == NULL)
        return url;
    p += 3;
    p += strcspn(p, "/?#");
    return *p != '\0' ? p : "/";
}

/* Hex digit value, or -1. */
static int
rn_url_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *
rn_url_fold(const char *p, size_t n)
{
    char *out = xmalloc(n + 1), *o = out;

    while (n > 0) {
        char c = *p;

        if (c == '%' && n >= 3 && rn_url_hex(p[1]) >= 0 &&
            rn_url_hex(p[2]) >= 0) {
            c = (char)(rn_url_hex(p[1]) * 16 + rn_url_hex(p[2]));
            p += 3;
            n -= 3;
        } else {
            p++;
            n--;
        }
        if (c == '+')
            c = ' ';
        else if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        *o++ = c;
    }
    *o = '\0';
    return out;
}
