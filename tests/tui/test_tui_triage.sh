# Reading a failure at 80x24 and 160x45 (issue 14, the explorer's half):
# the diagnosis wrapped whole, offsets in human units under a header,
# columns sized to the screen, ? for the help and N for backward search.
. "$(dirname "$0")/lib.sh"

# The seed case with a CGI path long enough that its diagnosis needs
# more than one line even at 160 columns.
LONG='D:\Inetpub\wwwroot\departments\admissions\applications\cgi-bin\legacy-programs\htmlos-v4-release-candidate\bin\x86\htmlos.exe'
seed_xml | sed "s|D:\\\\Inetpub\\\\cgi-bin\\\\htmlos.exe|$(printf '%s' "$LONG" | sed 's/\\/\\\\/g')|" \
    >"$TMP/trace.xml"
rm -f "$STORE"*
check "import" "$REQNAV" --store "$STORE" -q import "$TMP/trace.xml"
DIAG=$("$REQNAV" --store "$STORE" requests --filter status:502.2 \
    --format json | jq -r '.[0].diagnosis')
check "diagnosis names the long path" \
    sh -c "printf '%s' \"\$1\" | grep -qF 'htmlos-v4-release-candidate'" _ "$DIAG"

# whole_diag: the screen's text holds the diagnosis (compared without
# blanks: a path too long for a line is cut inside a word).
whole_diag() {
    want=$(printf '%s' "$DIAG" | tr -d ' ')
    screen | tr -d ' \n' | grep -qF -- "$want"
}

# fresh: a store with no saved UI state.
fresh() {
    rm -f "$STORE"*
    "$REQNAV" --store "$STORE" -q import "$TMP/trace.xml"
}

for size in 80x24 160x45; do
    cols=${size%x*}
    rows=${size#*x}
    check "$size: store" fresh
    start "$cols" "$rows"
    check "$size: list" wait_for "failures first"
    # Time labels under the overview strip (the case's first second on).
    check "$size: time labels" wait_for "20:19:06"
    expect_eq "$size: labels under the strip" \
        "$(screen | sed -n 3p | grep -c '^20:19:06 ')" 1
    keys Enter
    check "$size: timeline" wait_for "GENERAL_REQUEST_START"
    check "$size: the whole diagnosis on screen" whole_diag
    check "$size: offset header" wait_for "OFFSET"
    check "$size: human offsets" wait_for "+6m41.0s"
    expect_eq "$size: no raw milliseconds" \
        "$(screen | grep -c '+401000')" 0
    check "$size: event name whole" wait_for "CGI_PREMATURE_TERMINATION"
    expect_eq "$size: no line wider than the screen" \
        "$(screen | grep -c "^.\{$((cols + 1)),\}")" 0
    keys q
    check "$size: back to the list" wait_for "all requests"
    # The path, not the host, with the program name visible.
    check "$size: program name in the list" wait_for "/cgi-bin/htmlos.exe/"
    expect_eq "$size: one host: no host in the list" \
        "$(screen | grep -c 'btdatashare')" 0
    # Marks counted on the status line; the id column toggles.
    keys Space
    check "$size: marked count" wait_for "1 marked"
    keys i
    ID=$("$REQNAV" --store "$STORE" requests --filter status:502.2 \
        --format json | jq -r '.[0].id')
    check "$size: id column" wait_for "$ID"
    keys i
    check "$size: id column hidden" wait_gone "$ID"
    keys : 
    type_text "goto 20:19"
    keys Enter
    check "$size: goto says where" wait_for "goto: 2005-08-23 20:19:06"
    keys Enter
    check "$size: timeline again" wait_for "OFFSET"
    # ? is the help, not a search; it lists the : commands too.
    keys '?'
    check "$size: ? opens the help" wait_for "reqnav keys"
    keys End
    check "$size: help lists :goto" wait_for ":goto"
    expect_eq "$size: no search prompt" "$(screen | grep -c '^?')" 0
    keys q
    check "$size: back in the timeline" wait_for "OFFSET"
    keys Q
    expect_eq "$size: exit" "$(wait_exit)" 0
done

# The help wraps to the screen, with examples from the store's own day.
check "60: store" fresh
start 60 30
check "60: list" wait_for "all requests"
keys '?'
check "60: help" wait_for "reqnav keys"
expect_eq "60: help lines fit" "$(screen | grep -c '^.\{61,\}')" 0
keys End
check "60: example from the store's day" wait_for ":goto 20:19"
keys q Q
expect_eq "60: exit" "$(wait_exit)" 0

# N after / searches backward: both requests match; n moves on, N back.
check "N: store" fresh
start 80 24
check "N: list" wait_for "failures first"
type_text "/btdatashare"
keys Enter
check "N: search active" wait_for "search: /btdatashare"
first=$(selected)
keys n
sleep 0.3
second=$(selected)
check "N: n moved to the other match" [ -n "$second" -a "$first" != "$second" ]
keys N
sleep 0.3
expect_eq "N: N went back" "$(selected)" "$first"
keys Q
expect_eq "N: exit" "$(wait_exit)" 0
# Another process's import into the open store: the header, the list and
# an open timeline refresh within a second, the cursor on its request.
for size in 80x24 160x45; do
    check "$size refresh: store" fresh
    start ${size%x*} ${size#*x}
    check "$size refresh: list" wait_for "2 requests"
    keys Enter
    check "$size refresh: timeline" wait_for "OFFSET"
    "$REQNAV" --store "$STORE" -q import \
        "$RN_SRC/share/samples/iis6-cgi-502-2-etw.xml" || fail "second import"
    check "$size refresh: notice" wait_for "the store changed"
    # (not $n: the wait helpers use it)
    total=$("$REQNAV" --store "$STORE" sql "SELECT count(*) FROM request" |
        tail -n 1)
    keys q
    check "$size refresh: header counts" wait_for "$total requests"
    check "$size refresh: list count" wait_for "all requests ($total)"
    expect_eq "$size refresh: cursor on its request" \
        "$(selected | grep -c 'htmlos.exe')" 1
    keys Q
    expect_eq "$size refresh: exit" "$(wait_exit)" 0
done
# The sources screen: a cut FREB file with its position, the others
# complete, linked counts; S and :sources open it.
if [ -n "${GEN_FREB:-}" ] && [ -x "$GEN_FREB" ]; then
    mkdir -p "$TMP/W3SVC1"
    "$GEN_FREB" cgi502 "$TMP/W3SVC1/fr000001.xml"
    "$GEN_FREB" truncated "$TMP/W3SVC1/fr000002.xml"
    check "sources: store" fresh
    "$REQNAV" --store "$STORE" -q import "$TMP/W3SVC1" >/dev/null 2>&1
    POS=$("$REQNAV" --store "$STORE" sql \
        "SELECT message FROM source WHERE path LIKE '%fr000002.xml'" |
        tail -n 1 | grep -o 'line [0-9]*')
    check "sources: the cut file has a position" [ -n "$POS" ]
    for size in 80x24 160x45; do
        start ${size%x*} ${size#*x}
        check "$size sources: list" wait_for "all requests"
        keys S
        check "$size sources: page" wait_for "3 files, 1 with problems"
        check "$size sources: cut file first" wait_for "fr000002.xml"
        check "$size sources: its position" wait_for "$POS"
        check "$size sources: linked count" wait_for "linked with other"
        check "$size sources: complete files" wait_for "complete:"
        keys q
        check "$size sources: back" wait_for "all requests"
        keys :
        type_text sources
        keys Enter
        check "$size :sources" wait_for "3 files, 1 with problems"
        keys q Q
        expect_eq "$size sources: exit" "$(wait_exit)" 0
    done
else
    echo "gen_freb not built: sources screen not tested" >&2
fi
# Failures by cause: C opens the summary, Enter filters to the cause.
for size in 80x24 160x45; do
    check "$size causes: store" fresh
    start ${size%x*} ${size#*x}
    check "$size causes: list" wait_for "all requests"
    keys C
    check "$size causes: summary" \
        wait_for "1 CGI exit before any header (502.2)"
    keys Enter
    check "$size causes: Enter filters" \
        wait_for "filter: cause:cgi_no_headers (1)"
    expect_eq "$size causes: the 502.2 selected" \
        "$(selected | grep -c '502.2')" 1
    keys Q
    expect_eq "$size causes: exit" "$(wait_exit)" 0
done
# / finds event names: the 502.2 by CGI_PREMATURE_TERMINATION (not in
# its URL), and its timeline opens on that event, highlighted.
expect_eq "text: finds event names" \
    "$("$REQNAV" --store "$STORE" requests --filter text:PREMATURE \
        --format json | jq -r '.[].status')" "502.2"
for size in 80x24 160x45; do
    check "$size search: store" fresh
    start ${size%x*} ${size#*x}
    check "$size search: list" wait_for "all requests"
    keys o
    check "$size search: time order" wait_for "time order"
    keys G
    type_text "/PREMATURE"
    keys Enter
    check "$size search: found" wait_for "search: /PREMATURE"
    expect_eq "$size search: the 502.2 selected" \
        "$(selected | grep -c '502.2')" 1
    keys Enter
    check "$size search: timeline" wait_for "OFFSET"
    expect_eq "$size search: the matching event selected" \
        "$(selected | grep -c 'CGI_PREMATURE_TERMINATION')" 1
    keys Q
    expect_eq "$size search: exit" "$(wait_exit)" 0
done
finish
