# The same capture saved in another container (pcapng, Network Monitor 2,
# by editcap) is the same traffic: imported once, the others reported as
# duplicates naming the file they repeat, in either order; a capture with
# one frame time changed is not a duplicate.  Capture events name their
# file (`PCAP capture.pcap frame N`).
. "$(dirname "$0")/lib.sh"
need editcap jq
: "${GEN_INCIDENT:?GEN_INCIDENT must name the gen_incident binary}"

D=$TMP/inc
"$GEN_INCIDENT" iis7 4 "$D"
C=$D/capture.pcap
editcap -F pcapng "$C" "$TMP/again.pcapng" || fail "editcap pcapng"
editcap -F netmon2 "$C" "$TMP/again.cap" || fail "editcap netmon2"
# Frame 1 moved by 1 µs: other traffic.
editcap -r "$C" "$TMP/rest.pcap" 2-999999 || fail "editcap select"
editcap -t 0.000001 -r "$C" "$TMP/first.pcap" 1 || fail "editcap shift"
mergecap_ok=0
if command -v mergecap >/dev/null 2>&1; then
    mergecap -w "$TMP/moved.pcap" -F pcap "$TMP/first.pcap" "$TMP/rest.pcap" &&
        mergecap_ok=1
fi
requests=$(awk -F'\t' 'NR > 2 && $15 == 1 { n++ } END { print n + 0 }' \
    "$D/truth.tsv")

for order in forward backward; do
    rm -f "$STORE"*
    if [ $order = forward ]; then
        set -- "$C" "$TMP/again.pcapng" "$TMP/again.cap"
    else
        set -- "$TMP/again.cap" "$TMP/again.pcapng" "$C"
    fi
    first=$1
    rn import "$@" >"$TMP/out" 2>&1
    expect_eq "$order: exit" "$?" 0
    expect_eq "$order: one source" \
        "$(rn sql "SELECT count(*) FROM source" | tail -1)" 1
    expect_eq "$order: exchanges once" \
        "$(rn sql "SELECT count(*) FROM srcreq" | tail -1)" "$requests"
    expect_eq "$order: summary" "$(tail -1 "$TMP/out")" \
        "3 files: 1 imported, 0 partial, 2 already in the store, 0 skipped, 0 failed"
    expect_eq "$order: duplicates name the first" \
        "$(grep -c "the same frames as $first (source 1), already in the store" "$TMP/out")" 2
done

# Capture events carry their file name.
key=$(rn sql "SELECT key FROM request ORDER BY start_ns LIMIT 1" | tail -1)
rn timeline "$key" | grep -q "PCAP again.cap frame [0-9]" && pass ||
    fail "timeline: capture events without their file"

if [ $mergecap_ok = 1 ]; then
    rm -f "$STORE"*
    rn import "$C" "$TMP/moved.pcap" >"$TMP/out" 2>&1
    expect_eq "moved frame: two sources" \
        "$(rn sql "SELECT count(*) FROM source" | tail -1)" 2
fi
finish
