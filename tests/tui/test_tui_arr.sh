# ARR front end and member in the explorer (tmux, 160x45): the front end's
# timeline lists the member's events marked "> " after their own time, its
# own events unmarked; the member's timeline holds its own events only.
. "$(dirname "$0")/lib.sh"
: "${GEN_CLASSES:?}"

"$GEN_CLASSES" "$TMP/fe" "$TMP/mem" >/dev/null || exit 1
"$REQNAV" --store "$STORE" -q import "$TMP/mem/freb/arr_member.xml" \
    "$TMP/fe/freb/arr_timeout.xml" >/dev/null 2>&1
start 160 45
check "list shown" wait_for "failures first"

# The 502.3 comes first (failures first); open its timeline.
keys Enter
check "front end timeline" wait_for "ARR_SERVER_ROUTED"
check "member's headers marked" wait_for "> GENERAL_REQUEST_HEADERS"
expect_eq "member's four events marked" \
    "$(screen | grep -c 'arr_member.xml #[0-9]* *> GENERAL_')" 4
expect_eq "own events unmarked" \
    "$(screen | grep -c 'arr_timeout.xml #[0-9]* *> ')" 0

# The member's own request: no marks.
keys q
check "back to the list" wait_for "failures first"
keys j Enter
check "member timeline" wait_for "GENERAL_REQUEST_HEADERS"
expect_eq "member timeline: nothing marked" "$(screen | grep -c '> GENERAL_')" 0
expect_eq "member timeline: no front end events" \
    "$(screen | grep -c 'ARR_SERVER_ROUTED')" 0

keys q q
check "quit" wait_exit
expect_eq "exit status" "$(cat "$TMP/rc")" 0
finish
