/*
 * Correlation: linking source requests into logical requests.  IIS
 * sources carry the request GUID (ContextId / activityId) and link by it.
 * Sources without one (W3C and HTTPERR lines, captured exchanges) are
 * matched by kind-specific rules in correlate_w3c.c and correlate_pcap.c.
 *
 * Internal to model/.  Every link goes through correlate_link(), which
 * records the rule, moves marks, and notes the requests to re-triage.
 */
#ifndef CORRELATE_H
#define CORRELATE_H

#include <stdint.h>

#include "rn_err.h"
#include "store.h"

/*
 * Link srcreq_id to the logical request request_id (creating nothing: the
 * request row must exist) with the name of the rule that matched.  A
 * request left without source requests is deleted (its mark moves along).
 */
enum rn_rc correlate_link(struct store *st, int64_t srcreq_id,
                          int64_t request_id, const char *rule,
                          struct rn_err *err);

/* Make sure a logical request row with this key exists; its id. */
enum rn_rc correlate_request_for_key(struct store *st, const char *key,
                                     int64_t *request_id, struct rn_err *err);

/*
 * Kind-specific matching for a source request without a GUID.  *request_id
 * is 0 when nothing (or more than one thing: ambiguous) matches; *rule is a
 * static string naming the rule otherwise.  Captured exchanges are matched
 * per capture, after its clock offset, by correlate_pcap_rescan: the
 * pcap matcher leaves each exchange alone at first.
 */
enum rn_rc correlate_w3c_match(struct store *st, int64_t srcreq_id,
                               int64_t *request_id, const char **rule,
                               struct rn_err *err);
enum rn_rc correlate_pcap_match(struct store *st, int64_t srcreq_id,
                                int64_t *request_id, const char **rule,
                                struct rn_err *err);

/*
 * After a new source arrives, source requests imported earlier may match
 * it: re-run matching for the unlinked ones (link_rule 'self').
 */
enum rn_rc correlate_w3c_rescan(struct store *st, int64_t source_id,
                                struct rn_err *err);
enum rn_rc correlate_pcap_rescan(struct store *st, int64_t source_id,
                                 struct rn_err *err);

/*
 * Bring up to date the captures that sources imported since the last
 * flush may change (estimate, times, links).  Run before each commit;
 * *worked: there were some (requests to re-triage are in rn_affected).
 */
enum rn_rc correlate_pcap_flush(struct store *st, int *worked,
                                struct rn_err *err);

#endif
