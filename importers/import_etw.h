/* ETW traces rendered as XML: Log Parser rows and tracerpt events. */
#ifndef IMPORT_ETW_H
#define IMPORT_ETW_H

#include "importer.h"

extern const struct importer import_etw_importer;

/*
 * Split a Log Parser UserData string ("ContextId={..}|SiteId=1|...", or
 * compact bare values) into named fields, knowing the event's field list
 * so that values holding '|' stay whole.  Calls add(ctx, name, value, len)
 * per field.  Exposed for unit tests.
 */
typedef void etw_field_fn(void *ctx, const char *name, size_t name_len,
                          const char *value, size_t value_len);
void import_etw_split_userdata(const char *event_name, const char *ud,
                               etw_field_fn *add, void *ctx);

#endif
