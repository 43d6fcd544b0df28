# Captured exchanges linked to IIS requests: the seed 502.2 (ETW rows +
# a capture whose clock runs 1.6 s behind) in both import orders, the
# --clock-offset override, a capture 5 s ahead (estimate within 1 s,
# events in place, order-free when a later import moves the estimate),
# an exchange IIS never saw, two identical GETs in one second (not
# linked), two GETs told apart by a W3C line's client address, and the
# bundled sample case.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_ETW:?GEN_ETW must name the gen_etw binary}"
: "${GEN_PCAPCORR:?GEN_PCAPCORR must name the gen_pcapcorr binary}"

SEED_KEY='{00000000-0000-0000-4c06-0060000000ef}'
"$GEN_ETW" --dialect logparser >"$TMP/etw.xml"
"$GEN_PCAPCORR" seed "$TMP/seed.pcap"

q() { rn sql "$1" | tail -n +2; }


# jq: an ISO time as microseconds since 1970.
US='def us: (.[0:19] + "Z" | fromdateiso8601) * 1000000 +
    ((.[20:-1] + "000000")[0:6] | tonumber);'

# Position of the first event matching a jq filter in a timeline.
pos() { jq "[.events[] | $2] | index(true)" "$1"; }

# ---- the seed, both orders ----------------------------------------------
for order in ep pe; do
    : >"$TMP/import.out"
    case $order in
    ep) fresh "$TMP/etw.xml" "$TMP/seed.pcap" ;;
    pe) fresh "$TMP/seed.pcap" "$TMP/etw.xml" ;;
    esac
    rn timeline --format json "$SEED_KEY" >"$TMP/seed.$order.json" ||
        fail "$order: timeline"
    rn requests --format json >"$TMP/req.$order.json"
    T=$TMP/seed.$order.json
    expect_eq "$order: one 502.2" \
        "$(rn requests --filter status:502.2 --format json | jq length)" 1
    expect_eq "$order: sources" "$(jq -c '.request.sources' "$T")" \
        '["etw","pcap"]'
    expect_eq "$order: no capture-only request left" \
        "$(jq '[.[] | select(.sources == ["pcap"])] | length' \
            "$TMP/req.$order.json")" 0
    expect_eq "$order: link rule" \
        "$(q "SELECT link_rule FROM srcreq WHERE kind = 5")" \
        pcap_time_url_status
    # Roles stay on the IIS events (IIS preferred over the capture).
    for role in cgi_start:405 header_error:441 status_send:446; do
        r=${role%%:*}
        got=$(jq -r --arg r "$r" '.request.roles[$r] as $id |
            .events[] | select(.id == $id) | "\(.source):\(.seq)"' "$T")
        expect_eq "$order: role $r" "$got" "etw:${role#*:}"
    done
    # The 502 frame lands after CGI_PREMATURE_TERMINATION (#441).
    p441=$(pos "$T" '(.source == "etw" and .seq == 441)')
    p502=$(pos "$T" '(.name == "HTTP_RESPONSE_STATUS")')
    [ "$p502" != null ] && [ "$p441" != null ] && [ "$p502" -gt "$p441" ] &&
        pass || fail "$order: 502 frame at $p502, #441 at $p441"
    expect_eq "$order: 502 frame" \
        "$(jq -c '.events[] | select(.name == "HTTP_RESPONSE_STATUS") |
            [.seq, .fields.status, .fields.captured_ts, .fields.clock_offset_ms, .ts]' "$T")" \
        '[23,"502","2005-08-23T20:25:45.880Z","1604.000","2005-08-23T20:25:47.484Z"]'
    # The estimate: the capture's clock is 1.6 s behind.
    off=$(q "SELECT clock_offset_ns / 1000000 FROM source WHERE kind = 5")
    [ "$off" -ge 1100 ] && [ "$off" -le 2100 ] && pass ||
        fail "$order: offset $off ms, want about 1600"
    expect_eq "$order: offset given?" \
        "$(q "SELECT clock_offset_given || ':' || clock_offset_matches FROM source WHERE kind = 5")" \
        0:1
    grep -q "seed.pcap: clock offset capture->server: +1604 ms from 1 match" \
        "$TMP/import.out" && pass || fail "$order: import reports the offset"
    rn sources | grep -q "clock offset capture->server: +1604 ms from 1 match" &&
        pass || fail "$order: sources shows the offset"
    # Every capture event: time = captured time + offset.
    expect_eq "$order: events shifted" \
        "$(jq -c "$US"' [.events[] | select(.source == "pcap") |
            (.ts | us) - (.fields.captured_ts | us)] | unique' "$T")" \
        '[1604000]'
done
cmp -s "$TMP/seed.ep.json" "$TMP/seed.pe.json" && pass ||
    fail "seed timeline json differs between orders"
cmp -s "$TMP/req.ep.json" "$TMP/req.pe.json" && pass ||
    fail "requests json differs between orders"

# ---- --clock-offset overrides the estimate ------------------------------
for order in ep pe; do
    rm -f "$STORE"*
    case $order in
    ep)
        rn -q import "$TMP/etw.xml"
        rn import --clock-offset 0 "$TMP/seed.pcap" >"$TMP/import.out"
        ;;
    pe)
        rn import --clock-offset 0 "$TMP/seed.pcap" >"$TMP/import.out"
        rn -q import "$TMP/etw.xml"
        ;;
    esac
    rn timeline --format json "$SEED_KEY" >"$TMP/given.$order.json"
    T=$TMP/given.$order.json
    expect_eq "given $order: offset" \
        "$(q "SELECT clock_offset_ns || ':' || clock_offset_given FROM source WHERE kind = 5")" \
        0:1
    expect_eq "given $order: still one request" \
        "$(jq -c '.request.sources' "$T")" '["etw","pcap"]'
    # Taken at its word: the 502 frame keeps its captured time.
    expect_eq "given $order: 502 frame" \
        "$(jq -c '.events[] | select(.name == "HTTP_RESPONSE_STATUS") |
            [.ts, .fields.clock_offset_ms]' "$T")" \
        '["2005-08-23T20:25:45.880Z","0.000"]'
    grep -q "clock offset capture->server: +0 ms (--clock-offset)" \
        "$TMP/import.out" && pass || fail "given $order: import line"
done
cmp -s "$TMP/given.ep.json" "$TMP/given.pe.json" && pass ||
    fail "given: timeline json differs between orders"
rm -f "$STORE"*
rn -q import --clock-offset 2500 "$TMP/seed.pcap"
rn -q import "$TMP/etw.xml"
expect_eq "given 2500: 502 frame" \
    "$(rn timeline --format json "$SEED_KEY" | jq -c '.events[] |
        select(.name == "HTTP_RESPONSE_STATUS") | [.ts, .fields.clock_offset_ms]')" \
    '["2005-08-23T20:25:48.380Z","2500.000"]'
rn sources | grep -q "clock offset capture->server: +2500 ms (--clock-offset)" &&
    pass || fail "given 2500: sources"

# ---- a capture 5 s ahead; an exchange IIS never saw ---------------------
S=$TMP/skew
mkdir -p "$S"
"$GEN_PCAPCORR" skew "$S"
fresh "$S/capture.pcap" "$S/etw.xml"
off=$(q "SELECT clock_offset_ns / 1000000 FROM source WHERE kind = 5")
[ "$off" -ge -6000 ] && [ "$off" -le -4000 ] && pass ||
    fail "skew: offset $off ms, want about -5000"
expect_eq "skew: matches" \
    "$(q "SELECT clock_offset_matches FROM source WHERE kind = 5")" 6
expect_eq "skew: linked" \
    "$(q "SELECT count(*) FROM srcreq WHERE kind = 5 AND link_rule = 'pcap_time_url_status'")" 6
# Each request's headers frame lands in the second IIS logged its start.
expect_eq "skew: headers frames in their IIS second" \
    "$(q "SELECT count(*) FROM srcreq i JOIN srcreq x ON x.request_id = i.request_id
        JOIN event e ON e.srcreq_id = x.id AND e.name = 'HTTP_REQUEST_HEADERS'
        WHERE i.kind = 1 AND x.kind = 5
        AND e.ts_ns >= i.start_ns AND e.ts_ns < i.start_ns + 1000000000")" 6
rn requests --format json >"$TMP/skew.req.json"
expect_eq "skew: logo.gif alone" \
    "$(jq -c '[.[] | select(.url | test("logo.gif")) | .sources]' "$TMP/skew.req.json")" \
    '[["pcap"]]'
expect_eq "skew: logo.gif rule" \
    "$(q "SELECT link_rule FROM srcreq WHERE url LIKE '%logo.gif'")" self
expect_eq "skew: requests" "$(jq length "$TMP/skew.req.json")" 7
# The estimate moves as IIS rows arrive in parts; any order, same result.
for order in c12 1c2 12c 21c 2c1 c21; do
    # shellcheck disable=SC2046
    set -- $(in_order "$order" "c=$S/capture.pcap" "1=$S/etw-part1.xml" \
        "2=$S/etw-part2.xml")
    fresh "$@"
    rn requests --format json >"$TMP/skew.$order.json"
    for id in $(jq -r '.[].id' "$TMP/skew.$order.json"); do
        rn timeline --format json "$id"
    done >"$TMP/skew.$order.tl"
    q "SELECT clock_offset_ns, clock_offset_matches FROM source WHERE kind = 5" \
        >"$TMP/skew.$order.off"
done
for order in 1c2 12c 21c 2c1 c21; do
    cmp -s "$TMP/skew.c12.json" "$TMP/skew.$order.json" && pass ||
        fail "skew: requests json of $order differs from c12"
    cmp -s "$TMP/skew.c12.tl" "$TMP/skew.$order.tl" && pass ||
        fail "skew: timelines of $order differ from c12"
    cmp -s "$TMP/skew.c12.off" "$TMP/skew.$order.off" && pass ||
        fail "skew: offset of $order differs from c12"
done
# Event ids differ between the parts and the whole file; the rest not.
expect_eq "skew: parts give the requests of the whole" \
    "$(jq -c 'map(del(.roles))' "$TMP/skew.c12.json")" \
    "$(jq -c 'map(del(.roles))' "$TMP/skew.req.json")"

# ---- two identical GETs in one second: paired in time order (issue 13:
# identical evidence is assigned in time order, not left alone) ----------
A=$TMP/ambiguous
mkdir -p "$A"
"$GEN_PCAPCORR" ambiguous "$A"
for order in ep pe; do
    case $order in
    ep) fresh "$A/etw.xml" "$A/capture.pcap" ;;
    pe) fresh "$A/capture.pcap" "$A/etw.xml" ;;
    esac
    rn requests --format json >"$TMP/amb.$order.json"
    expect_eq "ambiguous $order: poll requests" \
        "$(jq -c '[.[] | select(.url | test("poll")) | .sources | join(",")] | sort' \
            "$TMP/amb.$order.json")" '["etw,pcap","etw,pcap"]'
    expect_eq "ambiguous $order: rules" \
        "$(q "SELECT group_concat(link_rule, ' ') FROM (SELECT link_rule FROM srcreq WHERE kind = 5 ORDER BY url, start_ns)")" \
        "pcap_time_url_status pcap_time_url_status pcap_time_url_status"
    expect_eq "ambiguous $order: first with first" \
        "$(q "SELECT client_port FROM srcreq WHERE kind = 5 AND request_id = (SELECT request_id FROM srcreq WHERE key = '{00000000-0000-0000-5a00-0000000a0010}')")" \
        5001
    expect_eq "ambiguous $order: unique one linked" \
        "$(jq -c '[.[] | select(.url | test("unique")) | .sources]' "$TMP/amb.$order.json")" \
        '[["etw","pcap"]]'
done
cmp -s "$TMP/amb.ep.json" "$TMP/amb.pe.json" && pass ||
    fail "ambiguous: requests json differs between orders"

# ---- the client address tells two GETs apart ------------------------
# ETW knows no client; the W3C line (c-ip 192.0.2.7) is matched against
# the capture's exchanges too, and joins the request of the exchange from
# its client, never the one from 192.0.2.99.  Evidence flows from the
# precise sources to the log, not back (the capture's links do not wait
# for the log's), so the result does not depend on which ran first.
W=$TMP/w3c
mkdir -p "$W"
"$GEN_PCAPCORR" w3c "$W"
fresh "$W/etw.xml" "$W/capture.pcap"
expect_eq "w3c: without the log, the earlier exchange (time order)" \
    "$(q "SELECT group_concat(link_rule || ':' || client_addr, ' ') FROM (SELECT * FROM srcreq WHERE kind = 5 ORDER BY start_ns)")" \
    "pcap_time_url_status:192.0.2.7 self:192.0.2.99"
for order in ewc ecw wec wce cew cwe; do
    # shellcheck disable=SC2046
    set -- $(in_order "$order" "e=$W/etw.xml" "w=$W/u_ex050823.log" \
        "c=$W/capture.pcap")
    fresh "$@"
    expect_eq "w3c $order: rules" \
        "$(q "SELECT group_concat(kind || ':' || link_rule || ':' || coalesce(client_addr, '-'), ' ') FROM (SELECT * FROM srcreq ORDER BY kind, client_addr)")" \
        "1:context_id:- 3:w3c_time_url_status_client:192.0.2.7 5:pcap_time_url_status:192.0.2.7 5:self:192.0.2.99"
    rn requests --format json >"$TMP/w3c.$order.json"
    for id in $(jq -r '.[].id' "$TMP/w3c.$order.json"); do
        rn timeline --format json "$id"
    done >"$TMP/w3c.$order.tl"
done
for order in ecw wec wce cew cwe; do
    cmp -s "$TMP/w3c.ewc.json" "$TMP/w3c.$order.json" && pass ||
        fail "w3c: requests json of $order differs from ewc"
    cmp -s "$TMP/w3c.ewc.tl" "$TMP/w3c.$order.tl" && pass ||
        fail "w3c: timelines of $order differ from ewc"
done

# ---- the bundled sample: ETW and capture in one timeline ----------------
rm -f "$STORE"*
rn -q import "$RN_SRC/share/samples"
expect_eq "sample: seed sources" \
    "$(rn timeline --format json "$SEED_KEY" | jq -c '.request.sources')" \
    '["etw","pcap"]'
size=$(wc -c <"$RN_SRC/share/samples/iis6-cgi-502-2-capture.pcap")
[ "$size" -lt 200000 ] && pass || fail "sample capture is $size bytes"
finish
