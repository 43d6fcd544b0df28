# W3C logs: the corpus files (one request and one event per record,
# seq = line number), and a generated log whose #Fields change mid-file.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_FREB:?GEN_FREB must name the gen_freb binary}"

"$GEN_FREB" w3c-fields "$TMP/u_ex240305.log"
rn import "$TMP/u_ex240305.log" >"$TMP/out" 2>&1
expect_eq "import exit" "$?" 0
rn requests --format json >"$TMP/req.json"
expect_eq "records" "$(jq length "$TMP/req.json")" 5
expect_eq "statuses" "$(jq -c '[.[].status]' "$TMP/req.json")" \
    '["200.0","404.0","502.2","200.0","500.0"]'
expect_eq "urls" "$(jq -c '[.[].url]' "$TMP/req.json")" \
    '["/a.html","/b.html","/cgi-bin/x.exe?a=1","/c+d.html","/time-only.html"]'
expect_eq "sources" "$(jq -c '[.[].sources[]] | unique' "$TMP/req.json")" '["w3c"]'
# W3C times are end times: start = end - time-taken.
expect_eq "502.2 times" \
    "$(jq -c '.[2] | [.start, .end, .duration_ms, .win32_status]' "$TMP/req.json")" \
    '["2024-03-05T09:30:03.500Z","2024-03-05T09:30:05.000Z",1500,0]'
id=$(jq -r '.[2].id' "$TMP/req.json")
rn timeline --format json "$id" >"$TMP/tl.json"
expect_eq "seq is the line" "$(jq -c '.events[0] | [.seq, .line, .name, .source]' "$TMP/tl.json")" \
    '[11,11,"W3C_REQUEST","w3c"]'
expect_eq "fields" "$(jq -c '.events[0].fields | [.["c-ip"], .["c-port"], .["cs-host"]]' "$TMP/tl.json")" \
    '["10.0.0.9","50123","www.example.com"]'
expect_eq "client" \
    "$(rn sql "SELECT client_addr || ':' || client_port FROM srcreq WHERE url LIKE '/cgi-bin%'" | tail -1)" \
    "10.0.0.9:50123"

C=$(corpus)
if [ -n "$C" ] && [ -d "$C/w3c" ]; then
    rm -f "$STORE"*
    rn import "$C/w3c" >"$TMP/out" 2>&1
    expect_eq "corpus import exit" "$?" 0
    for f in "$C"/w3c/*.log; do
        name=$(basename "$f")
        want=$(grep -cv '^\(#.*\)\?[[:space:]]*$' "$f")
        got=$(rn sql "SELECT events || ' ' || requests FROM source WHERE path LIKE '%/$name'" | tail -1)
        expect_eq "$name: records" "$got" "$want $want"
    done
    grep -q 'lnav-iis-fields-mismatch.log.*line 2: 17 values for 6 fields' "$TMP/out" &&
        pass || fail "field count mismatch reported"
    expect_eq "big log statuses" \
        "$(rn sql "SELECT group_concat(n, ' ') FROM (SELECT http_status || '.' || substatus || 'x' || count(*) AS n FROM srcreq WHERE source_id = (SELECT id FROM source WHERE path LIKE '%iis85-big.log') GROUP BY http_status, substatus ORDER BY http_status, substatus)" | tail -1)" \
        "200.0x8 404.0x202"
else
    echo "corpus not found: corpus part skipped"
fi
finish
