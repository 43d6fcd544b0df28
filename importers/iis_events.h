/*
 * The IIS "WWW Server" event catalogue (FORMATS.md A.5): area, opcode,
 * name and field list of each event.  Used to split Log Parser UserData
 * strings (whose values may contain '|') and to name tracerpt events that
 * carry only a numeric opcode.
 */
#ifndef IIS_EVENTS_H
#define IIS_EVENTS_H

#include <stddef.h>

struct iis_event {
    const char *area;      /* event class, e.g. "IISGeneral" */
    const char *area_guid; /* lower case, braces */
    int opcode;
    const char *name;   /* e.g. "GENERAL_REQUEST_START" */
    const char *fields; /* comma-separated, ContextId first */
};

/* Look up by event name (EventTypeName / RenderingInfo Opcode). */
const struct iis_event *iis_event_by_name(const char *name);

/* Look up by area GUID (any case, braces optional) and opcode. */
const struct iis_event *iis_event_by_opcode(const char *area_guid, int opcode);

/* Index of field name in ev->fields, or -1; *count receives the count. */
int iis_event_field_index(const struct iis_event *ev, const char *name,
                          size_t len, int *count);

#endif
