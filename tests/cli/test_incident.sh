# One realistic incident (tests/gen/gen_incident.c) seen by every source at
# once, scored against its ground truth on several seeds and three shapes:
# IIS 7 (tracerpt ETW, FREB for failures, W3C log, capture), IIS 6 with
# Log Parser ETW and a capture, IIS 6 with tracerpt ETW and a capture.
#
# Always: the generator's capture holds exactly the requests its truth
# says (tshark, when installed, finds a request at each truth frame, on
# the first seed), each
# source yields one source request per real request it saw and no phantom
# (no key invented from a Log Parser field), and every imported
# source request is found in the store.
#
# The goal (issue 13), asserted on every seed given: every real request
# exactly one row holding every source that saw it, no wrong merge, every
# duration within the precision of the most precise source.
# INCIDENT_SEEDS picks the seeds (default 1 2 3).  INCIDENT_STRICT=0
# holds each figure to tests/cli/incident_baseline.tsv instead (a
# ratchet, for seeds 4-8, where the IIS 7 shape still has 1-3 wrong
# merges each: a kernel-cache hit and a request IIS saw, for the same
# URL from the same client in the same second, whose W3C lines differ
# only by time-taken, before the capture started or with the ACK wait of
# a larger response putting them in the log in the other order).
. "$(dirname "$0")/lib.sh"
: "${GEN_INCIDENT:?GEN_INCIDENT must name the gen_incident binary}"
SCORE=$RN_SRC/tests/bench/incident_score.sh
. "$RN_SRC/tests/bench/incident_shape.sh"
BASE=$RN_SRC/tests/cli/incident_baseline.tsv
SEEDS=${INCIDENT_SEEDS:-1 2 3}

# Truth count of requests a source (truth column) saw.
saw() { awk -F'\t' -v c="$1" 'NR > 2 && $c == 1 { n++ } END { print n + 0 }' "$2"; }

# Source requests of a kind in the store.
kind_count() {
    rn sql "SELECT count(*) FROM srcreq WHERE kind = $1" | tail -1
}

# field NAME LINE: the value of NAME=V in a score line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# Every shape on each seed, then the extra cases (INCIDENT_EXTRA; "" for
# none): seed 6's capture starts 0.2 s after IIS began a request for
# /img/logo.png, and 0.5 s later holds a kernel-cache hit for the same
# file that IIS never saw (different bytes: not that request's).
CASES=
for seed in $SEEDS; do
    CASES="$CASES iis7/$seed iis6-lp/$seed iis6-tr/$seed"
done
CASES="$CASES ${INCIDENT_EXTRA-iis6-lp/6 iis6-tr/6}"
for case in $CASES; do
    shape=${case%/*} seed=${case#*/}
    D=$TMP/$shape-$seed
    "$GEN_INCIDENT" "${shape%%-*}" "$seed" "$D" || fail "$case: generate"
    T=$D/truth.tsv
    rm -f "$STORE"*
    incident_shape "$shape" "$D"
    # shellcheck disable=SC2086
    set -- $INCIDENT_FILES
    coarse=$INCIDENT_COARSE
    rn -q import "$@" >"$TMP/import.out" 2>&1 || {
        fail "$case: import"
        cat "$TMP/import.out" >&2
    }
    # One seed is enough to check the capture writer against tshark.
    if [ "$seed" = "${SEEDS%% *}" ] && command -v tshark >/dev/null 2>&1; then
        expect_eq "$case: truth frames are tshark's requests" \
            "$(tshark -r "$D/capture.pcap" -Y http.request \
                -T fields -e frame.number 2>/dev/null | sort -n | tr '\n' ' ')" \
            "$(awk -F'\t' 'NR > 2 && $16 > 0 { print $16 }' "$T" |
                sort -n | tr '\n' ' ')"
    fi
    expect_eq "$case: etw source requests" "$(kind_count 1)" "$(saw 11 "$T")"
    expect_eq "$case: capture source requests" "$(kind_count 5)" \
        "$(saw 15 "$T")"
    if [ "$shape" = iis7 ]; then
        expect_eq "$case: freb source requests" "$(kind_count 2)" \
            "$(saw 12 "$T")"
        expect_eq "$case: w3c source requests" "$(kind_count 3)" \
            "$(saw 13 "$T")"
    fi
    # A request is found by its key through its id (no index on key):
    # every id is its key's hash, and the key: filter finds each one.
    expect_eq "$case: ids are their keys' hashes" \
        "$(rn sql "SELECT count(*) FROM request WHERE id IS NOT rn_request_id(key)" |
            tail -1)" 0
    k=$(rn sql "SELECT upper(key) FROM request WHERE key GLOB '{*'
        ORDER BY id LIMIT 1" | tail -1)
    expect_eq "$case: key: finds its request" \
        "$(rn requests --filter "key:$k" --format json | grep -c '^{')" 1
    # What the order test below compares.
    if [ "$case" = "iis7/${SEEDS%% *}" ]; then
        rn requests --format json >"$TMP/order.all.json"
        rn sql "SELECT key, request_id, link_rule FROM srcreq" |
            sort >"$TMP/order.all.links"
    fi
    got=$(sh "$SCORE" "$REQNAV" "$STORE" "$T" "$coarse" \
        "$TMP/details.$shape.$seed") || fail "$case: score"
    echo "$case: $got"
    expect_eq "$case: phantom source requests" "$(field phantom "$got")" 0
    truth=$(field truth "$got")
    merged=$(field merged "$got")
    if [ "${INCIDENT_STRICT:-1}" = 1 ]; then
        expect_eq "$case: rows" "$(field rows "$got")" "$truth"
        expect_eq "$case: wrong merges" "$(field wrong "$got")" 0
        expect_eq "$case: merged" "${merged%/*}" "${merged#*/}"
        expect_eq "$case: durations" "$(field durbad "$got")" 0
        continue
    fi
    # The ratchet: case rows wrong merged alone durbad.
    b=$(awk -v c="$case" '$1 == c' "$BASE")
    [ -n "$b" ] || { fail "$case: not in $BASE"; continue; }
    set -- $b
    [ "$(field rows "$got")" -le "$2" ] && pass ||
        fail "$case: rows $(field rows "$got") > baseline $2"
    [ "$(field wrong "$got")" -le "$3" ] && pass ||
        fail "$case: wrong merges $(field wrong "$got") > baseline $3"
    [ "${merged%/*}" -ge "$4" ] && pass ||
        fail "$case: merged ${merged%/*} < baseline $4"
    [ "$(field alone "$got")" -le "$5" ] && pass ||
        fail "$case: alone $(field alone "$got") > baseline $5"
    [ "$(field durbad "$got")" -le "$6" ] && pass ||
        fail "$case: durations off $(field durbad "$got") > baseline $6"
done
# Order: the IIS 7 case of the first seed imported one source at a time,
# the capture first and the ETW trace last (log lines matched against
# exchanges before any IIS request exists, then again as each source
# arrives), gives the same rows and links as all at once.
D=$TMP/iis7-${SEEDS%% *}
rm -f "$STORE"*
for f in capture.pcap u_ex24030510.log freb etw.xml; do
    rn -q import "$D/$f" >/dev/null 2>&1 || fail "order: import $f"
done
rn requests --format json >"$TMP/order.one.json"
rn sql "SELECT key, request_id, link_rule FROM srcreq" | sort >"$TMP/order.one.links"
cmp -s "$TMP/order.all.json" "$TMP/order.one.json" && pass ||
    fail "order: requests differ when imported one source at a time"
cmp -s "$TMP/order.all.links" "$TMP/order.one.links" && pass ||
    fail "order: links differ when imported one source at a time"
# The generator is deterministic: the same seed, the same files.
"$GEN_INCIDENT" iis7 "${SEEDS%% *}" "$TMP/again"
for f in etw.xml u_ex24030510.log capture.pcap truth.tsv; do
    cmp -s "$D/$f" "$TMP/again/$f" && pass || fail "iis7/${SEEDS%% *}: $f differs"
done
finish
