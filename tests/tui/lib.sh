# Helpers for the end-to-end tests of the interface in tmux (STYLE 3.9.4):
# a private tmux server per test, a fixed size, polling for text instead
# of sleeping.  Sourced after tests/cli/lib.sh conventions (REQNAV, RN_SRC,
# TMP, STORE, check/expect_eq/finish).
. "$(dirname "$0")/../cli/lib.sh"
need tmux

TSOCK="rn-test-$$"
T() { tmux -L "$TSOCK" -f /dev/null "$@"; }
trap 'T kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
export LC_ALL="${RN_TEST_LOCALE:-C.UTF-8}"

# make_store: a store with the seed 502.2 case among hundreds of requests,
# imported by the real binary from a generated trace (or, without the
# generator, a small Log Parser file holding the seed).
make_store() {
    rm -f "$STORE"*
    if [ -n "${GEN_ETW:-}" ] && [ -x "$GEN_ETW" ]; then
        "$GEN_ETW" --events 2000 >"$TMP/trace.xml" || return 1
    else
        seed_xml >"$TMP/trace.xml"
    fi
    "$REQNAV" --store "$STORE" -q import "$TMP/trace.xml" >/dev/null 2>&1
}

# seed_xml: the seed request of the foundation issue, plus one 200.
seed_xml() {
    cat <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<ROOT DATE_CREATED="2005-08-23 20:30:00" CREATED_BY="Microsoft Log Parser V2.2">
<ROW><EventNumber>391</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_START</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|SiteId=1|AppPoolId=DefaultAppPool|ConnId=-1224979097571031481|RawConnId=0|RequestURL=http://btdatashare.btboces.org:80/cgi-bin/htmlos.exe/00182.3.055317239900014075|RequestVerb=POST</UserData></ROW>
<ROW><EventNumber>392</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_START</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000f0}|SiteId=1|AppPoolId=DefaultAppPool|ConnId=1|RawConnId=0|RequestURL=http://btdatashare.btboces.org:80/index.html|RequestVerb=GET</UserData></ROW>
<ROW><EventNumber>393</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_END</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000f0}|BytesSent=1000|BytesReceived=300|HttpStatus=200|HttpSubStatus=0</UserData></ROW>
<ROW><EventNumber>405</EventNumber><EventName>IISCGI</EventName><EventTypeName>CGI_LAUNCH</EventTypeName><Timestamp>2005-08-23 20:19:07</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|CommandLine="D:\Inetpub\cgi-bin\htmlos.exe" |ErrorCode=0x00000000|ProcessId=3136</UserData></ROW>
<ROW><EventNumber>441</EventNumber><EventName>IISCGI</EventName><EventTypeName>CGI_PREMATURE_TERMINATION</EventTypeName><Timestamp>2005-08-23 20:25:47</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|Headers=</UserData></ROW>
<ROW><EventNumber>446</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_END</EventTypeName><Timestamp>2005-08-23 20:25:47</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|BytesSent=370|BytesReceived=105906875|HttpStatus=502|HttpSubStatus=2</UserData></ROW>
</ROOT>
XML
}

# start COLS ROWS [VAR=VALUE...]: run the interface in a new session.
start() {
    cols=$1
    rows=$2
    shift 2
    rm -f "$TMP/rc"
    T new-session -d -x "$cols" -y "$rows" \
        "env $* '$REQNAV' --store '$STORE'; echo \$? >'$TMP/rc'" || return 1
}

# screen [-e]: the pane's text (with attributes when -e).
screen() { T capture-pane -p "$@"; }

# wait_for TEXT: poll (up to ~10 s) until TEXT is on the screen.
wait_for() {
    n=100
    until screen 2>/dev/null | grep -qF -- "$1"; do
        if ! T has-session 2>/dev/null; then
            echo "session ended while waiting for: $1" >&2
            return 1
        fi
        n=$((n - 1))
        if [ $n -le 0 ]; then
            echo "timeout waiting for: $1" >&2
            screen >&2
            return 1
        fi
        sleep 0.1
    done
}

# wait_gone TEXT: poll until TEXT is no longer on the screen.
wait_gone() {
    n=100
    while screen 2>/dev/null | grep -qF -- "$1"; do
        T has-session 2>/dev/null || return 1
        n=$((n - 1))
        if [ $n -le 0 ]; then
            echo "timeout waiting for '$1' to go" >&2
            screen >&2
            return 1
        fi
        sleep 0.1
    done
}

# keys ARGS: tmux send-keys.
keys() { T send-keys "$@"; }
# type TEXT: send literal text.
type_text() { T send-keys -l -- "$1"; }

# wait_exit: wait for the program to end; prints its exit status.
wait_exit() {
    n=100
    until [ -s "$TMP/rc" ]; do
        n=$((n - 1))
        [ $n -gt 0 ] || { echo "timeout waiting for exit" >&2; return 1; }
        sleep 0.1
    done
    cat "$TMP/rc"
}

# selected: the first line that starts in reverse video (the cursor row;
# the header is never reverse, the status line comes last).
selected() {
    esc=$(printf '\033')
    # Rows from the 4th: above are the header, the overview strip (whose
    # cursor bin is reverse video too) and the column headings.
    screen -e | sed -n '4,$p' | grep -E "^$esc\[([0-9]+;)*7(;[0-9]+)*m" |
        sed "s/$esc\[[0-9;]*m//g" | head -n 1
}
