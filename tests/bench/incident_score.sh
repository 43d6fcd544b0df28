#!/bin/sh
# Score a store's correlation against gen_incident's ground truth.
#
#   incident_score.sh REQNAV STORE TRUTH.tsv COARSE_KINDS [DETAILS]
#
# COARSE_KINDS: the store's source kinds whose times are whole seconds
# (e.g. "1 3" when the ETW came from Log Parser, "3" for W3C only).
# Prints one line:
#   rows=R truth=T phantom=P wrong=W merged=M/N alone=A durbad=D
# rows      request rows in the store
# truth     real requests (truth lines whose sources were imported)
# phantom   source requests that are no real request's (invented keys)
# wrong     rows holding source requests of more than one real request
# merged    real requests seen by 2+ sources that are exactly one row
#           holding all of them and nothing else, of N such requests
# alone     source requests left in a row of their own although other
#           sources saw their request
# durbad    correctly merged requests whose duration is off by more than
#           the precision of the most precise source that saw them
#           (2 ms sub-millisecond sources, 1000 ms whole seconds)
# DETAILS, when given, receives one line per problem.
set -eu
REQNAV=$1 STORE=$2 TRUTH=$3 COARSE=$4 DETAILS=${5:-/dev/null}
TMPS=$(mktemp "${TMPDIR:-/tmp}/rn-score.XXXXXX")
trap 'rm -f "$TMPS"' EXIT

# One line per source request: row, kind, identity, row start and end.
# Identities are the ones the truth lists: the GUID for ETW and FREB, the
# line of a W3C line, the frame of a captured request's first byte.
"$REQNAV" --store "$STORE" sql "
SELECT s.request_id, s.kind,
       CASE WHEN s.kind IN (1, 2) THEN lower(s.key)
            ELSE (SELECT min(e.seq) FROM event e WHERE e.srcreq_id = s.id
                  AND e.name IN ('W3C_REQUEST', 'HTTPERR_REQUEST',
                                 'HTTP_REQUEST_HEADERS')) END,
       r.start_ns, r.end_ns
FROM srcreq s LEFT JOIN request r ON r.id = s.request_id" |
    tail -n +2 >"$TMPS"
rows=$("$REQNAV" --store "$STORE" sql "SELECT count(*) FROM request" |
    tail -1)
kinds=$(cut -f2 "$TMPS" | sort -u | tr '\n' ' ')

awk -F'\t' -v rows="$rows" -v kinds="$kinds" -v coarse="$COARSE" \
    -v details="$DETAILS" '
BEGIN {
    n = split(kinds, k, " ")
    for (i = 1; i <= n; i++) have[k[i]] = 1
    n = split(coarse, k, " ")
    for (i = 1; i <= n; i++) is_coarse[k[i]] = 1
}
FNR == 1 && FILENAME != last { file++; last = FILENAME }
file == 1 && /^#/ { next }
file == 1 && $1 == "id" { next }
file == 1 {
    id = $1
    # Sources that saw it, among those imported: kind -> identity.
    ns = 0
    if ($11 && have[1]) { want[id, 1] = 1; ns++; who["g" tolower($2)] = id }
    if ($12 && have[2]) { want[id, 2] = 1; ns++ }
    if ($13 && have[3]) { want[id, 3] = 1; ns++; who["w" $14] = id }
    if ($15 && have[5]) { want[id, 5] = 1; ns++; who["p" $16] = id }
    if (ns == 0) next
    nsrc[id] = ns
    dur[id] = $10 - $9
    ids[++nt] = id
    next
}
{
    req = $1; kind = $2
    key = (kind == 1 || kind == 2 ? "g" tolower($3) : \
           kind == 3 ? "w" $3 : "p" $3)
    id = who[key]
    if (id == "") {
        phantom++
        print "phantom: kind " kind " " $3 " in row " req >details
        next
    }
    got[id, kind]++
    if (!((id, req) in seen)) {
        seen[id, req] = 1
        nrow[id]++
        row_of[id] = req
        truths[req]++
    }
    start[req] = $4; end[req] = $5
    precise[id] = precise[id] || !is_coarse[kind]
}
END {
    for (r in truths) if (truths[r] > 1) {
        wrong++
        print "wrong merge: row " r " holds " truths[r] " real requests" \
            >details
    }
    for (i = 1; i <= nt; i++) {
        id = ids[i]
        ok = nrow[id] == 1 && truths[row_of[id]] == 1
        for (kd = 1; kd <= 5; kd++)
            if ((id, kd) in want && got[id, kd] != 1) ok = 0
        if (nsrc[id] > 1) {
            multi++
            if (ok) merged++
            else {
                alone += nrow[id] > 1 ? nrow[id] - 1 : 0
                print "not merged: request " id " in " nrow[id] " rows" \
                    >details
            }
        }
        if (!ok) continue
        d = end[row_of[id]] - start[row_of[id]] - dur[id]
        if (d < 0) d = -d
        tol = precise[id] ? 2e6 : 1e9
        if (d > tol) {
            durbad++
            printf "duration: request %d off by %.3f ms\n", id, d / 1e6 \
                >details
        }
    }
    printf "rows=%d truth=%d phantom=%d wrong=%d merged=%d/%d alone=%d " \
        "durbad=%d\n", rows, nt, phantom, wrong, merged, multi, alone, durbad
}' "$TRUTH" "$TMPS"
