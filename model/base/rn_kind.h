/*
 * The source kinds, described once: what the store keeps in source.kind
 * (also the tie order of a timeline), the name users type and JSON
 * carries, the letter of the SOURCES column, the label and position words
 * of a timeline line, and how a kind's source requests are correlated.
 * Store, correlation, queries, reports and the interface read this table;
 * adding a kind is a line here and its importer (and, for a new way of
 * matching, its matcher).
 */
#ifndef RN_KIND_H
#define RN_KIND_H

#include <stddef.h>
#include <stdint.h>

/* How a kind's source requests find their request. */
enum rn_kind_match {
    RN_MATCH_GUID,   /* IIS traces: the request GUID is the key */
    RN_MATCH_LOG,    /* W3C and HTTPERR lines: matched to IIS requests */
    RN_MATCH_CAPTURE /* captured exchanges: alone first, matched per file */
};

struct rn_kind {
    int id;                   /* source.kind, 1..RN_KIND_MAX */
    const char *name;         /* "etw": CLI, JSON, source:NAME */
    char letter;              /* 'E' in the SOURCES column */
    const char *label;        /* "ETW" on a timeline line */
    int names_file;           /* the line names its file */
    const char *seq_word;     /* "#", "line", "frame": before the position */
    enum rn_kind_match match; /* how its source requests are linked */
    const char *guid_rule;    /* link_rule of a GUID link, or NULL */
    int stream; /* one file holds many requests, each linked at insert:
                 * its rows are written behind the parse (a FREB file is
                 * one request, and a log's lines are looked up) */
};

#define RN_KIND_MAX 5

/* The kinds matched by each rule, as SQL lists for static statements.
 * test_base checks them against the table. */
#define RN_KINDS_GUID_SQL    "1, 2"
#define RN_KINDS_LOG_SQL     "3, 4"
#define RN_KINDS_CAPTURE_SQL "5"
#define RN_KINDS_MATCHED_SQL "3, 4, 5"
/* One kind, for a statement that asks for it alone. */
#define RN_KIND_ETW_SQL     "1"
#define RN_KIND_HTTPERR_SQL "4"

/* The descriptor of kind id, or NULL. */
const struct rn_kind *rn_kind_get(int id);
/* The kind called name, or NULL. */
const struct rn_kind *rn_kind_find(const char *name);
/* "1, 2": the kinds matched by rule m, ascending (for tests and help). */
void rn_kind_sql_list(enum rn_kind_match m, char *out, size_t n);
/* A line's position: "FREB fr000001.xml #12", "PCAP frame 114". */
void rn_kind_position(int id, const char *file, int64_t seq, char *out,
                      size_t n);

#endif
