/*
 * Timestamps are int64 nanoseconds since 1970-01-01T00:00:00Z.  Parsers
 * accept ISO 8601 with 0 to 9 fractional digits and Z or +-hh:mm, the
 * Log Parser form "YYYY-MM-DD hh:mm:ss", and W3C "date time" pairs.
 */
#ifndef RN_TIME_H
#define RN_TIME_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

#define RN_NS_PER_SEC 1000000000LL
#define RN_TS_STR_MAX 64

/*
 * Parse a timestamp.  default_off_s is the offset from UTC (seconds east)
 * applied when the text names no zone.  Returns RN_EFORMAT on bad text.
 */
enum rn_rc rn_time_parse(const char *s, int64_t default_off_s, int64_t *ns);

/* Parse "+HH:MM" / "-HH:MM" / "Z" / "UTC" into seconds east of UTC. */
enum rn_rc rn_time_parse_offset(const char *s, int64_t *off_s);

/*
 * Format as ISO 8601 UTC with a Z and 3, 6 or 9 fractional digits (the
 * fewest that keep every digit).  out must hold RN_TS_STR_MAX bytes.
 */
void rn_time_format(int64_t ns, char *out);

/* A monotonic clock in nanoseconds, for deadlines and timing. */
int64_t rn_time_mono_ns(void);

/* Days since the epoch of a proleptic Gregorian date. */
int64_t rn_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
