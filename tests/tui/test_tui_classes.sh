# Every failure class in the explorer (tmux, 160x45): each class's request
# found by cause:ID, and c, h, s land on its own events with their labels
# (FastCGI start, ARR route, ...) or say on the status line why the class
# has no such event (an HTTP.sys 503 has no handler start).
. "$(dirname "$0")/lib.sh"
: "${GEN_CLASSES:?}"

"$GEN_CLASSES" "$TMP/in" >/dev/null || exit 1
"$REQNAV" --store "$STORE" -q import "$TMP/in" >/dev/null 2>&1
start 160 45
check "list shown" wait_for "failures first"

# The failures-by-cause summary of the mixed case lists each class once,
# with its count and label as `reqnav causes` gives them.
keys C
check "causes summary" wait_for "FastCGI request time-out"
screen >"$TMP/causes.txt"
"$REQNAV" --store "$STORE" causes --format json |
    jq -r '.[] | "\(.count)\t\(.label)"' >"$TMP/causes.tsv"
expect_eq "causes summary: classes" "$(wc -l <"$TMP/causes.tsv")" 15
while IFS="$(printf '\t')" read -r n label; do
    expect_eq "causes summary: $label" \
        "$(grep -cE "^ *[> ]? *$n +$(printf '%s' "$label" |
            sed 's/[][().*+?^$|\\]/\\&/g')" "$TMP/causes.txt")" 1
done <"$TMP/causes.tsv"
keys q
check "back to the list" wait_for "failures first"

# open CAUSE: filter to the class and open its (first) request's timeline
# with the detail pane.
open() {
    keys Escape Escape f C-u
    type_text "cause:$1"
    keys Enter
    check "$1: filtered" wait_for "filter: cause:$1 ("
    keys Enter
    check "$1: timeline" wait_for "GENERAL_REQUEST_START"
    keys d
    check "$1: detail" wait_for "detail  (J/K scroll"
}

# jump KEY WANT: the key lands on WANT (the detail pane's event line).
jump() {
    keys "$1"
    check "$cause: $1 -> $2" wait_for "$2"
}

cause=fastcgi_request_timeout
open $cause
jump c "event    FASTCGI_START   role: cgi_start (FastCGI start)"
jump h "event    FASTCGI_REQUEST_TIMEOUT   role: header_error (FastCGI time-out)"
jump s "event    GENERAL_REQUEST_END   role: status_send (request end)"
check "$cause: diagnosis" wait_for "php-cgi.exe ran 90.0 s, requestTimeout is 90 s"

cause=arr_timeout
keys q
open $cause
jump c "event    ARR_SERVER_ROUTED   role: cgi_start (ARR route)"
jump h "event    MODULE_SET_RESPONSE_ERROR_STATUS   role: header_error (module error)"
jump s "event    GENERAL_REQUEST_END   role: status_send"

cause=ancm_start_failure
keys q
open $cause
jump h "event    ANCM_START_APPLICATION_FAIL   role: header_error (ANCM start failure)"
jump c "no cgi_start event in this request: the ASP.NET Core module logged no forwarding start"

cause=config_error
keys q
open $cause
jump h "event    MODULE_SET_RESPONSE_ERROR_STATUS   role: header_error"
check "$cause: ConfigExceptionInfo in the detail" wait_for "Unrecognized element 'rewrite'"
jump c "no cgi_start event in this request: the request failed before any handler started"
jump s "event    GENERAL_REQUEST_END   role: status_send"

cause=cgi_timeout
keys q
open $cause
jump c "event    CGI_LAUNCH   role: cgi_start (CGI start)"
jump h "event    CGI_TIMEOUT   role: header_error (CGI timeout)"

# HTTP.sys 503: no worker saw it; the jumps say so, s lands on the line.
keys q Escape Escape f C-u
type_text "cause:httpsys_queue_full"
keys Enter
check "503: filtered" wait_for "filter: cause:httpsys_queue_full (1)"
keys Enter
check "503: timeline" wait_for "HTTPERR_QueueFull"
keys d
cause=httpsys_queue_full
jump c "no cgi_start event in this request: HTTP.sys answered before any worker process saw the request"
jump h "no header_error event in this request: HTTP.sys answered before any worker process saw the request"
jump s "event    HTTPERR_QueueFull   role: status_send (HTTP.sys answer)"

keys q q
check "quit" wait_exit
expect_eq "exit status" "$(cat "$TMP/rc")" 0
finish
