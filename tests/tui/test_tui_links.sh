# The explorer's sources screen (S) says why a log's lines and a capture's
# exchanges stayed alone: "N alone (C no candidate, K conflict)", the
# numbers `reqnav sources --format json` gives; an ETW file gives none.
# Requests only coarse sources saw say so in the list (the second they
# were logged in, "~"; "<1s" or "~1s") and in the timeline's header.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_PCAPCORR:?GEN_PCAPCORR must name the gen_pcapcorr binary}"

W=$TMP/w3c
mkdir -p "$W"
"$GEN_PCAPCORR" w3c "$W"
# One line IIS saw with another status (conflict), two it never saw.
w3c_conflict_log "$W/u_ex050823_x.log"
rm -f "$STORE"*
"$REQNAV" --store "$STORE" -q import "$W/etw.xml" "$W/capture.pcap" \
    "$W/u_ex050823_x.log" >/dev/null 2>&1 || fail "import"
# What the command line says, as the screen must say it.
said() {
    "$REQNAV" --store "$STORE" sources --format json |
        jq -r --arg k "$1" '.[] | select(.kind == $k) |
            "\(.alone) alone (\(.alone_no_candidate) no candidate, \(.alone_conflict) conflict)"'
}
W3C_TEXT=$(said w3c)
PCAP_TEXT=$(said pcap)
expect_eq "w3c counts" "$W3C_TEXT" "3 alone (2 no candidate, 1 conflict)"
expect_eq "pcap counts" "$PCAP_TEXT" "1 alone (0 no candidate, 1 conflict)"

start 160 45
check "list" wait_for "all requests"
keys S
check "sources page" wait_for "3 files"
check "the log's reasons" wait_for "0 linked with other sources, $W3C_TEXT"
check "the capture's reasons" wait_for "1 linked with other sources, $PCAP_TEXT"
# The ETW file: linked, and no reasons to give.
expect_eq "no reasons for ETW" \
    "$(screen | grep -A1 'etw.xml$' | tail -1 | grep -c 'alone')" 0
check "ETW linked count" wait_for "1 linked with other sources, 0 warnings"
keys q Q
expect_eq "exit" "$(wait_exit)" 0

# Log Parser alone: whole seconds only.
S=$TMP/skew
mkdir -p "$S"
"$GEN_PCAPCORR" skew "$S"
rm -f "$STORE"*
"$REQNAV" --store "$STORE" -q import "$S/etw.xml" >/dev/null 2>&1 ||
    fail "import Log Parser"
start 100 30
check "coarse list" wait_for "all requests"
# d.aspx: 21:00:18.960 to 21:00:19.020, logged a second apart.
check "coarse start and duration" wait_for "08-23 21:00:18~    GET    404.0     ~1s E"
check "under a second" wait_for "08-23 21:00:10~    GET    200.0     <1s E"
expect_eq "no microseconds invented" "$(screen | grep -c '21:00:[0-9]*\.')" 0
keys Enter
check "timeline header says coarse" wait_for "<1s (coarse times) 2 events"
keys q Q
expect_eq "coarse: exit" "$(wait_exit)" 0
finish
