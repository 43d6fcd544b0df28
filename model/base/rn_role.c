/* The role table (rn_role.h), in enum store_role order. */
#include "rn_role.h"

#include <string.h>

static const struct rn_role roles[RN_ROLE_COUNT] = {
    {"cgi_start", 'c', "CGI start"},
    {"header_error", 'h', "header error"},
    {"status_send", 's', "status send"},
};

const struct rn_role *
rn_role_get(int role)
{
    return role >= 0 && role < RN_ROLE_COUNT ? &roles[role] : NULL;
}

int
rn_role_find(const char *name)
{
    int r;

    for (r = 0; r < RN_ROLE_COUNT; r++) {
        if (strcmp(roles[r].name, name) == 0)
            return r;
    }
    return -1;
}
