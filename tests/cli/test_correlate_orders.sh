# One 502.2 CGI incident seen by ETW XML, FREB and a W3C log line,
# imported in each of the 6 orders: always ONE logical request with the
# three sources, the W3C line linked by its rule, decoy lines left alone,
# and byte-identical `timeline --format json` and `requests` output.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_FREB:?GEN_FREB must name the gen_freb binary}"

I=$TMP/incident
"$GEN_FREB" incident "$I"
KEY='{00000000-0000-0000-1A00-0080000000F3}'

path_of() {
    case $1 in
    e) echo "$I/etw.xml" ;;
    f) echo "$I/freb/fr000001.xml" ;;
    w) echo "$I/u_ex240305.log" ;;
    esac
}

for order in efw ewf few fwe wef wfe; do
    rm -f "$STORE"*
    for x in $(echo "$order" | sed 's/./& /g'); do
        rn import "$(path_of "$x")" >/dev/null 2>&1 ||
            fail "$order: import $x"
    done
    rn timeline --format json "$KEY" >"$TMP/tl.$order.json" ||
        fail "$order: timeline"
    rn requests --format json >"$TMP/req.$order.json"
    expect_eq "$order: sources" \
        "$(jq -c '.request.sources' "$TMP/tl.$order.json")" '["etw","freb","w3c"]'
    expect_eq "$order: requests" "$(jq length "$TMP/req.$order.json")" 5
    expect_eq "$order: events" "$(jq '.events | length' "$TMP/tl.$order.json")" 17
    expect_eq "$order: one W3C event" \
        "$(jq -c '[.events[] | select(.source == "w3c") | .seq]' "$TMP/tl.$order.json")" '[7]'
    expect_eq "$order: link rules" \
        "$(rn sql "SELECT group_concat(kind || ':' || link_rule, ' ') FROM (SELECT kind, link_rule FROM srcreq WHERE request_id = (SELECT id FROM request WHERE key = lower('$KEY')) ORDER BY kind)" | tail -1)" \
        "1:context_id 2:activity_id 3:w3c_time_url_status_client"
    expect_eq "$order: status" "$(jq -r '.request.status' "$TMP/tl.$order.json")" 502.2
done
for order in ewf few fwe wef wfe; do
    cmp -s "$TMP/tl.efw.json" "$TMP/tl.$order.json" && pass ||
        fail "timeline json of $order differs from efw"
    cmp -s "$TMP/req.efw.json" "$TMP/req.$order.json" && pass ||
        fail "requests json of $order differs from efw"
done
finish
