# The seed 502.2 request, hidden among hundreds of others, in both XML
# dialects and in UTF-16: found by filter, roles on 405/441/446, timeline
# 391, 405, 441, 446 with their fields.
. "$(dirname "$0")/lib.sh"
need jq

check_seed() {
    label=$1
    file=$2
    rm -f "$STORE"*
    rn -q import "$file" >"$TMP/out" 2>&1
    expect_eq "$label: import exit" "$?" 0
    total=$(rn requests --format json | jq length)
    [ "$total" -gt 100 ] && pass || fail "$label: only $total requests"
    rn requests --filter status:502.2 --format json >"$TMP/req.json"
    expect_eq "$label: one 502.2" "$(jq length "$TMP/req.json")" 1
    expect_eq "$label: verb" "$(jq -r '.[0].verb' "$TMP/req.json")" POST
    expect_eq "$label: url" "$(jq -r '.[0].url' "$TMP/req.json")" \
        "http://btdatashare.btboces.org:80/cgi-bin/htmlos.exe/00182.3.055317239900014075"
    expect_eq "$label: status" "$(jq -r '.[0].status' "$TMP/req.json")" 502.2
    expect_eq "$label: key" "$(jq -r '.[0].key' "$TMP/req.json")" \
        "{00000000-0000-0000-4c06-0060000000ef}"
    id=$(jq -r '.[0].id' "$TMP/req.json")
    rn timeline --format json "$id" >"$TMP/tl.json"
    expect_eq "$label: timeline seqs" \
        "$(jq -c '[.events[].seq]' "$TMP/tl.json")" '[391,405,441,446]'
    for role in cgi_start:405 header_error:441 status_send:446; do
        r=${role%%:*}
        want=${role#*:}
        got=$(jq -r --arg r "$r" \
            '.request.roles[$r] as $id | .events[] | select(.id == $id) | .seq' \
            "$TMP/tl.json")
        expect_eq "$label: role $r" "$got" "$want"
        got=$(jq -r --arg r "$r" '.events[] | select(.role == $r) | .seq' \
            "$TMP/tl.json")
        expect_eq "$label: event role $r" "$got" "$want"
    done
    expect_eq "$label: headers empty" \
        "$(jq -c '.events[2].fields.Headers' "$TMP/tl.json")" '""'
    expect_eq "$label: pid" \
        "$(jq -r '.events[1].fields.ProcessId' "$TMP/tl.json")" 3136
    expect_eq "$label: end fields" \
        "$(jq -c '.events[3].fields | [.HttpStatus, .HttpSubStatus, .BytesReceived]' "$TMP/tl.json")" \
        '["502","2","105906875"]'
    expect_eq "$label: times" \
        "$(jq -c '[.events[].ts]' "$TMP/tl.json")" \
        '["2005-08-23T20:19:06.000Z","2005-08-23T20:19:07.000Z","2005-08-23T20:25:47.000Z","2005-08-23T20:25:47.000Z"]'
    expect_eq "$label: rel_ms" "$(jq -c '[.events[].rel_ms]' "$TMP/tl.json")" \
        '[0,1000,401000,401000]'
    jq -r '.request.diagnosis' "$TMP/tl.json" | grep -q \
        'CGI process 3136 .*ended before sending any HTTP headers (Headers= empty); IIS answered 502.2' &&
        pass || fail "$label: diagnosis"
    # The timeline JSON's request equals the requests JSON entry.
    expect_eq "$label: same request object" \
        "$(jq -c '.request' "$TMP/tl.json")" "$(jq -c '.[0]' "$TMP/req.json")"
    # The key works as well as the id.
    expect_eq "$label: timeline by key" \
        "$(rn timeline --format json '{00000000-0000-0000-4C06-0060000000EF}' | jq -c '[.events[].seq]')" \
        '[391,405,441,446]'
}

"$GEN_ETW" --dialect logparser >"$TMP/lp.xml"
check_seed logparser "$TMP/lp.xml"
"$GEN_ETW" --dialect logparser --utf16 >"$TMP/lp16.xml"
check_seed logparser-utf16 "$TMP/lp16.xml"
"$GEN_ETW" --dialect tracerpt >"$TMP/tr.xml"
check_seed tracerpt "$TMP/tr.xml"
"$GEN_ETW" --dialect tracerpt --numeric-opcodes >"$TMP/trn.xml"
check_seed tracerpt-numeric "$TMP/trn.xml"
"$GEN_ETW" --dialect tracerpt --utf16 >"$TMP/tr16.xml"
check_seed tracerpt-utf16 "$TMP/tr16.xml"

# Undecoded tracerpt events are kept with their hex payload.
rm -f "$STORE"*
rn -q import "$TMP/tr.xml"
n=$(rn sql "SELECT count(*) FROM event WHERE json_extract(fields, '\$.EventPayload') IS NOT NULL" | tail -1)
[ "$n" -gt 0 ] && pass || fail "undecoded events kept ($n)"

# The real seed rows from the guide (fragments, no root), when present.
C=$(corpus)
if [ -n "$C" ]; then
    rm -f "$STORE"*
    rn -q import "$C/etw/cgi-502-2-iisdocs-rows.xml"
    expect_eq "corpus seed" \
        "$(rn requests --filter status:502.2 --format json | jq -c '.[0] | [.verb, .status, .roles.cgi_start != null, .roles.header_error != null, .roles.status_send != null]')" \
        '["POST","502.2",true,true,true]'
fi
finish
