# The seed case end to end in tmux: open the store, filter status:502.2,
# Enter, c h s land on CGI_LAUNCH, CGI_PREMATURE_TERMINATION and
# GENERAL_REQUEST_END (#405, #441, #446); search; quit with status 0.
. "$(dirname "$0")/lib.sh"

check "store built" make_store
start 80 24
check "list shown" wait_for "failures first"
check "502.2 on the list" wait_for "502.2"

keys f C-u
type_text "status:502.2"
keys Enter
check "filter applied" wait_for "filter: status:502.2 (1)"
keys Enter
check "timeline open" wait_for "GENERAL_REQUEST_START"
check "phase bar" wait_for "6m41.0s"
keys d
check "detail pane" wait_for "detail  (J/K scroll"
keys c
check "c: CGI_LAUNCH" wait_for "event    CGI_LAUNCH   role: cgi_start"
expect_eq "c: selected row" "$(selected | grep -c 'ETW #405 CGI_LAUNCH')" 1
keys h
check "h: CGI_PREMATURE_TERMINATION" \
    wait_for "event    CGI_PREMATURE_TERMINATION   role: header_error"
expect_eq "h: selected row" \
    "$(selected | grep -c 'ETW #441 CGI_PREMATURE_TERMINATION')" 1
check "Headers= shown empty" wait_for "Headers ="
keys s
check "s: GENERAL_REQUEST_END" \
    wait_for "event    GENERAL_REQUEST_END   role: status_send"
expect_eq "s: selected row" \
    "$(selected | grep -c 'ETW #446 GENERAL_REQUEST_END')" 1
check "502 in the fields" wait_for "HttpStatus = 502"

# Search inside the timeline, then back to the list and search there.
keys g /
type_text "ProcessId"
check "incremental search moved" \
    wait_for "event    CGI_LAUNCH   role: cgi_start"
keys Enter
check "search on the status line" wait_for "search: /ProcessId"
keys q Escape Escape
check "filter cleared" wait_for "all requests"
keys /
type_text "htmlos"
keys Enter
check "list search" wait_for "search: /htmlos"
sel=$(selected)
case "$sel" in *502.2*) pass ;; *) fail "list search: selected '$sel'" ;; esac

# From the list, h opens the seed request at its header error.
keys Escape f C-u
type_text "status:502.2"
keys Enter
check "filter again" wait_for "filter: status:502.2 (1)"
keys h
check "h from the list" wait_for "GENERAL_REQUEST_START"
expect_eq "h from the list: selected row" \
    "$(selected | grep -c 'ETW #441 CGI_PREMATURE_TERMINATION')" 1
keys q q
expect_eq "exit status" "$(wait_exit)" 0
finish
