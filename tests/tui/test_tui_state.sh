# State that survives a restart (marks, filter, open request and event),
# and resizing from 200x60 to 80x24 and back without overlap.
. "$(dirname "$0")/lib.sh"

check "store built" make_store

# Session 1: mark two requests, filter, open the seed at its header error.
start 80 24
check "list shown" wait_for "failures first"
keys Space Space M
check "marks list" wait_for "marked requests: 2"
keys q f C-u
type_text "status:502.2"
keys Enter
check "filter" wait_for "filter: status:502.2 (1)"
keys h
check "timeline" wait_for "GENERAL_REQUEST_START"
keys Q
expect_eq "session 1 exit" "$(wait_exit)" 0
T kill-server 2>/dev/null

# Session 2: the same view comes back; the marks are in the store.
start 80 24
check "reopened in the timeline" wait_for "CGI_PREMATURE_TERMINATION"
expect_eq "cursor restored" \
    "$(selected | grep -c 'ETW #441 CGI_PREMATURE_TERMINATION')" 1
keys q
check "filter restored" wait_for "filter: status:502.2 (1)"
keys Escape M
check "marks survived" wait_for "marked requests: 2"
expect_eq "marks in the store" \
    "$("$REQNAV" --store "$STORE" requests --filter marked:yes --format csv |
        tail -n +2 | wc -l | tr -d ' ')" 2
keys q

# Resize: 200x60 shows full dates; 80x24 nothing overlaps; back again.
T resize-window -x 200 -y 60
check "wide layout" wait_for "2005-08-23 20:"
screen >"$TMP/wide"
expect_eq "wide: 60 lines" "$(wc -l <"$TMP/wide" | tr -d ' ')" 60
T resize-window -x 80 -y 24
check "narrow layout" wait_gone "2005-08-23 20:"
check "short dates" wait_for "08-23 20:"
screen >"$TMP/narrow"
expect_eq "80x24: 24 lines" "$(wc -l <"$TMP/narrow" | tr -d ' ')" 24
expect_eq "80x24: no line wider than 80" \
    "$(grep -c '^.\{81,\}' "$TMP/narrow")" 0
expect_eq "80x24: header on top" \
    "$(head -n 1 "$TMP/narrow" | grep -c 'reqnav')" 1
expect_eq "80x24: status line at the bottom" \
    "$(tail -n 1 "$TMP/narrow" | grep -c 'all requests')" 1
T resize-window -x 50 -y 12
check "narrower still usable" wait_for "? help"
screen >"$TMP/small"
expect_eq "50x12: 12 lines" "$(wc -l <"$TMP/small" | tr -d ' ')" 12
expect_eq "50x12: rows listed" \
    "$(grep -c '^[ *] [0-9][0-9]:[0-9][0-9]:[0-9][0-9] ' "$TMP/small")" 8
T resize-window -x 200 -y 60
check "wide again" wait_for "2005-08-23 20:"
keys q
expect_eq "session 2 exit" "$(wait_exit)" 0
finish
