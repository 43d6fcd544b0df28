# What each link and each lone request says (issue 13, items 1 and 5):
# the margin of every matcher's link (srcreq.link_margin_ns, the timeline's
# "via" lines and its JSON links), and why a W3C line or a captured
# exchange stayed alone (srcreq.alone_reason: no_candidate or conflict),
# counted per source in the import summary and `reqnav sources`, and
# listed by link:conflict and link:nocandidate.  The same whatever the
# import order.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_PCAPCORR:?GEN_PCAPCORR must name the gen_pcapcorr binary}"
: "${GEN_INCIDENT:?GEN_INCIDENT must name the gen_incident binary}"

q() { rn sql "$1" | tail -n +2; }


# One line per source request: kind, url, client, rule, margin, reason.
members() {
    q "SELECT kind || ' ' || url || ' ' || coalesce(client_addr, '-') || ' '
        || link_rule || ' ' || coalesce(link_margin_ns, '-') || ' '
        || coalesce(alone_reason, '-') FROM srcreq
        ORDER BY kind, url, client_addr, start_ns"
}

# ---- one IIS request for /app/report.aspx (Log Parser, 22:50:10), two
# exchanges for it from two clients, and log lines that cannot be it ----
W=$TMP/w3c
mkdir -p "$W"
"$GEN_PCAPCORR" w3c "$W"
# A: its path and second, but status 500 where IIS said 200: conflict.
# B: a path IIS never served: no candidate.  C: its path, 30 s later.
w3c_conflict_log "$W/u_ex050823_x.log"

EXPECT_X="1 http://www.example.com:80/app/report.aspx - context_id - -
3 /app/missing.aspx 192.0.2.7 self - no_candidate
3 /app/report.aspx 192.0.2.50 self - conflict
3 /app/report.aspx 192.0.2.7 self - no_candidate
5 http://www.example.com/app/report.aspx 192.0.2.7 pcap_time_url_status 0 -
5 http://www.example.com/app/report.aspx 192.0.2.99 self - conflict"
for order in ecx exc cex cxe xec xce; do
    # shellcheck disable=SC2046
    set -- $(in_order "$order" "e=$W/etw.xml" "c=$W/capture.pcap" \
        "x=$W/u_ex050823_x.log")
    fresh "$@"
    # Without the real line, both exchanges fit the request alike (Log
    # Parser's whole seconds): the earlier takes it on a margin of 0, the
    # other stays alone by conflict.
    expect_eq "$order: rules, margins, reasons" "$(members)" "$EXPECT_X"
    rn requests --format json >"$TMP/x.$order.json"
    for id in $(jq -r '.[].id' "$TMP/x.$order.json"); do
        rn timeline --format json "$id"
    done >"$TMP/x.$order.tl"
    rn sources --format json | jq -c 'sort_by(.kind) | .[] | [.kind, .linked,
        .alone, .alone_no_candidate, .alone_conflict]' >"$TMP/x.$order.src"
done
for order in exc cex cxe xec xce; do
    cmp -s "$TMP/x.ecx.tl" "$TMP/x.$order.tl" && pass ||
        fail "timelines of $order differ from ecx"
    cmp -s "$TMP/x.ecx.src" "$TMP/x.$order.src" && pass ||
        fail "sources of $order differ from ecx"
done
expect_eq "sources json: counts and reasons" "$(cat "$TMP/x.ecx.src")" \
    '["etw",1,0,null,null]
["pcap",1,1,0,1]
["w3c",0,3,2,1]'
# The import summary says why, for the matched sources.
grep -q "u_ex050823_x.log: 0 of 3 requests linked to another source, 3 alone (2 no candidate, 1 conflict)" \
    "$TMP/import.out" && pass || fail "import summary: $(cat "$TMP/import.out")"
rn sources >"$TMP/src"
grep -q '^     1 of 2 requests linked to another source, 1 alone (0 no candidate, 1 conflict)$' \
    "$TMP/src" && pass || fail "sources text: $(cat "$TMP/src")"
grep -q '^     1 of 1 request linked to another source, 0 alone$' "$TMP/src" &&
    pass || fail "an ETW source gives no reasons: $(cat "$TMP/src")"
# The filter terms list the same rows as the counts.
expect_eq "link:conflict" \
    "$(rn requests --filter link:conflict --format json | jq -c '[.[] | [.sources[0], .url]] | sort')" \
    '[["pcap","http://www.example.com/app/report.aspx"],["w3c","/app/report.aspx"]]'
expect_eq "link:nocandidate" \
    "$(rn requests --filter link:nocandidate --format json | jq -c '[.[] | .url] | sort')" \
    '["/app/missing.aspx","/app/report.aspx"]'
expect_eq "-link:conflict -link:nocandidate: the linked one" \
    "$(rn requests --filter '-link:conflict -link:nocandidate' --format json | jq -c '[.[] | .sources]')" \
    '[["etw","pcap"]]'

# The timeline: a "via" line per source request, and JSON links.
id=$(rn requests --filter link:linked --format json | jq -r '.[0].id')
rn timeline "$id" >"$TMP/tl"
expect_eq "timeline: via lines" "$(grep '^  via ' "$TMP/tl")" \
    "  via PCAP capture.pcap frame 1: pcap_time_url_status, margin 0 (identical evidence: time order)
  via ETW #1: context_id"
expect_eq "timeline json: links" \
    "$(rn timeline --format json "$id" | jq -c '[.links[] | [.source, .position, .rule, .margin_ms, .alone]]')" \
    '[["pcap","PCAP capture.pcap frame 1","pcap_time_url_status",0,null],["etw","ETW #1","context_id",null,null]]'
lone=$(rn requests --filter 'link:conflict source:w3c' --format json | jq -r '.[0].id')
expect_eq "timeline json: why alone" \
    "$(rn timeline --format json "$lone" | jq -c '[.links[] | [.rule, .margin_ms, .alone]]')" \
    '[["self",null,"conflict"]]'
rn timeline "$lone" | grep -q '^  via W3C u_ex050823_x.log line 5: alone: conflict (' &&
    pass || fail "timeline: alone line: $(rn timeline "$lone" | head -4)"

# With the real line too: it links (no rival: no margin) to the request
# whose exchange came from its client (the log is matched against the
# exchanges, evidence flowing from the precise sources to the log, not
# back), and the other exchange conflicts as before.
fresh "$W/capture.pcap" "$W/u_ex050823.log" "$W/u_ex050823_x.log" "$W/etw.xml"
expect_eq "with the real line" "$(members)" \
    "1 http://www.example.com:80/app/report.aspx - context_id - -
3 /app/missing.aspx 192.0.2.7 self - no_candidate
3 /app/report.aspx 192.0.2.50 self - conflict
3 /app/report.aspx 192.0.2.7 w3c_time_url_status_client - -
3 /app/report.aspx 192.0.2.7 self - no_candidate
5 http://www.example.com/app/report.aspx 192.0.2.7 pcap_time_url_status 0 -
5 http://www.example.com/app/report.aspx 192.0.2.99 self - conflict"

# ---- an exchange IIS never saw: no candidate ---------------------------
S=$TMP/skew
mkdir -p "$S"
"$GEN_PCAPCORR" skew "$S"
fresh "$S/etw.xml" "$S/capture.pcap"
expect_eq "skew: logo.gif" \
    "$(q "SELECT link_rule || ' ' || alone_reason FROM srcreq WHERE url LIKE '%logo.gif'")" \
    "self no_candidate"
expect_eq "skew: unique links have no margin" \
    "$(q "SELECT count(*) FROM srcreq WHERE kind = 5 AND link_rule != 'self' AND link_margin_ns IS NULL")" 6

# ---- the same GET twice in one second: two ties, in time order ---------
A=$TMP/ambiguous
mkdir -p "$A"
"$GEN_PCAPCORR" ambiguous "$A"
fresh "$A/etw.xml" "$A/capture.pcap"
expect_eq "ambiguous: margins" \
    "$(q "SELECT group_concat(url || ':' || coalesce(link_margin_ns, '-'), ' ') FROM (SELECT url, link_margin_ns FROM srcreq WHERE kind = 5 ORDER BY url, start_ns)")" \
    "http://www.example.com/app/poll.aspx:0 http://www.example.com/app/poll.aspx:0 http://www.example.com/app/unique.aspx:-"

# ---- a realistic incident: the counts add up, margins are real ---------
D=$TMP/inc
"$GEN_INCIDENT" iis7 5 "$D"
fresh "$D/etw.xml" "$D/u_ex24030510.log" "$D/capture.pcap"
rn sources --format json >"$TMP/inc.src"
for kind in w3c pcap; do
    expect_eq "$kind: reasons add up to alone" \
        "$(jq --arg k "$kind" '.[] | select(.kind == $k) | .alone == .alone_no_candidate + .alone_conflict' "$TMP/inc.src")" true
    expect_eq "$kind: link:conflict rows" \
        "$(rn requests --filter "link:conflict source:$kind" --format json | jq length)" \
        "$(jq --arg k "$kind" '.[] | select(.kind == $k) | .alone_conflict' "$TMP/inc.src")"
    expect_eq "$kind: link:nocandidate rows" \
        "$(rn requests --filter "link:nocandidate source:$kind" --format json | jq length)" \
        "$(jq --arg k "$kind" '.[] | select(.kind == $k) | .alone_no_candidate' "$TMP/inc.src")"
done
expect_eq "a reason exactly on the matched ones alone" \
    "$(q "SELECT count(*) FROM srcreq WHERE (alone_reason IS NOT NULL) != (kind IN (3, 4, 5) AND link_rule = 'self')
        AND NOT (kind = 5 AND alone_reason IS NULL AND link_rule = 'self')")" 0
expect_eq "no margin on GUID links" \
    "$(q "SELECT count(*) FROM srcreq WHERE kind IN (1, 2) AND link_margin_ns IS NOT NULL")" 0
# Capture links with a rival: the margin as the timeline shows it.
row=$(q "SELECT request_id || ' ' || link_margin_ns FROM srcreq WHERE kind = 5 AND link_margin_ns > 1000000 ORDER BY link_margin_ns LIMIT 1")
[ -n "$row" ] && pass || fail "incident: no capture link with a margin"
set -- $row
# (margin_ms has microseconds: the nanoseconds rounded to them)
expect_eq "incident: margin_ms in the JSON" \
    "$(rn timeline --format json "$1" | jq '.links[] | select(.source == "pcap") | .margin_ms * 1000000 | round')" \
    "$((($2 + 500) / 1000 * 1000))"
rn timeline "$1" | grep -q '^  via PCAP capture.pcap frame [0-9]*: pcap_time_url_status.*, margin [0-9.]*m\?s$' &&
    pass || fail "incident: via line: $(rn timeline "$1" | grep via)"
finish
