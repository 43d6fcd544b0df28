/* The source kind table (rn_kind.h), in source.kind order. */
#include "rn_kind.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const struct rn_kind kinds[RN_KIND_MAX] = {
    {1, "etw", 'E', "ETW", 0, "#", RN_MATCH_GUID, "context_id", 1},
    {2, "freb", 'F', "FREB", 1, "#", RN_MATCH_GUID, "activity_id", 0},
    {3, "w3c", 'W', "W3C", 1, "line", RN_MATCH_LOG, NULL, 0},
    {4, "httperr", 'H', "HTTPERR", 1, "line", RN_MATCH_LOG, NULL, 0},
    {5, "pcap", 'P', "PCAP", 1, "frame", RN_MATCH_CAPTURE, NULL, 1},
};

const struct rn_kind *
rn_kind_get(int id)
{
    return id >= 1 && id <= RN_KIND_MAX ? &kinds[id - 1] : NULL;
}

const struct rn_kind *
rn_kind_find(const char *name)
{
    size_t i;

    for (i = 0; i < RN_KIND_MAX; i++) {
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    }
    return NULL;
}

void
rn_kind_sql_list(enum rn_kind_match m, char *out, size_t n)
{
    size_t i, len = 0;

    if (n > 0)
        out[0] = '\0';
    for (i = 0; i < RN_KIND_MAX && len < n; i++) {
        if (kinds[i].match != m)
            continue;
        len += (size_t)snprintf(out + len, n - len, "%s%d", len > 0 ? ", " : "",
                                kinds[i].id);
    }
}

void
rn_kind_position(int id, const char *file, int64_t seq, char *out, size_t n)
{
    const struct rn_kind *k = rn_kind_get(id);
    const char *base = file != NULL ? file : "?", *p;
    int hash;

    /* The file's own name: its folder is on the sources screen. */
    for (p = base; *p != '\0'; p++) {
        if (*p == '/' || *p == '\\')
            base = p + 1;
    }
    if (k == NULL) {
        snprintf(out, n, "%s #%" PRId64, base, seq);
        return;
    }
    hash = strcmp(k->seq_word, "#") == 0; /* "#12", not "line 12" */
    snprintf(out, n, "%s%s%s %s%s%" PRId64, k->label, k->names_file ? " " : "",
             k->names_file ? base : "", k->seq_word, hash ? "" : " ", seq);
}
