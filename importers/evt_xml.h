/*
 * Reader for one Windows event-schema <Event> element (tracerpt -of XML,
 * wevtutil, Get-WinEvent, and the events inside FREB files): System
 * properties, EventData / UserData fields, undecoded payloads, and
 * RenderingInfo, including FREB's freb:Description renderings.
 */
#ifndef EVT_XML_H
#define EVT_XML_H

#include <stddef.h>
#include <stdint.h>

#include "rn_buf.h"
#include "rn_err.h"
#include "xml_input.h"

struct evt_pair {
    char *name;  /* in the event's pool */
    char *value; /* in the pool, NUL-terminated */
};

struct evt_list {
    struct evt_pair *v;
    size_t n, cap;
};

/* Where an event's strings live until its next reset. */
struct evt_pool {
    char *blk; /* reused block */
    size_t used, cap;
    char **extra; /* strings that did not fit in it */
    size_t nextra, capextra;
    size_t spill; /* their bytes */
};

/* System properties by name ("Provider.Name", "EventID", "Level", ...). */
struct evt {
    struct evt_list sys;    /* System and ExtendedTracingInfo values */
    struct evt_list fields; /* EventData / UserData / error payload */
    struct evt_list render; /* RenderingInfo children ("Opcode", ...) */
    struct evt_list descs;  /* freb:Description Data=NAME -> text */
    int64_t line;           /* line of the <Event> start tag */
    int cut;                /* a value was cut at the size cap */
    struct evt_pool pool;   /* the strings of the lists */
};

void evt_init(struct evt *ev);
void evt_reset(struct evt *ev);
void evt_fini(struct evt *ev);

/* Value by name in a list, or NULL. */
const char *evt_get(const struct evt_list *l, const char *name);

#define EVT_MAX_DEPTH 16

/*
 * Reading <Event>s as xml_input_parse reports them: begin at the <Event>
 * start, start/end for each element below it (depth 1 for its children),
 * and the event is complete in ev at the <Event> end.
 */
struct evt_sax {
    struct evt *ev;               /* borrowed */
    char path[EVT_MAX_DEPTH][64]; /* element names below <Event> */
    int top;                      /* path[0] as enum evt_top (evt_xml.c) */
    int leaf;                     /* depth of the leaf being read, or 0 */
    char *leaf_name;              /* its Name / Data attribute, or NULL */
    struct rn_buf text;           /* its text */
    struct rn_buf attr;           /* an attribute's value */
};

void evt_sax_init(struct evt_sax *st, struct evt *ev);
void evt_sax_fini(struct evt_sax *st);
void evt_sax_begin(struct evt_sax *st, int64_t line);
void evt_sax_start(struct evt_sax *st, struct xml_input *in, int depth,
                   const struct xml_elem *el);
void evt_sax_end(struct evt_sax *st, struct xml_input *in, int depth);

/*
 * The event's name: RenderingInfo Opcode when it is symbolic, else the IIS
 * catalogue entry for ExtendedTracingInfo EventGuid + Opcode, else
 * "EventID N".  Written into out (size n).
 */
void evt_name(const struct evt *ev, char *out, size_t n);

/* The event class (RenderingInfo EventName or the catalogue area). */
const char *evt_class(const struct evt *ev);

/* Build the fields JSON object: fields, then System extras as "sys.X",
 * then descriptions as "X.description".  */
enum rn_rc evt_fields_json(const struct evt *ev, struct rn_buf *out);

#endif
