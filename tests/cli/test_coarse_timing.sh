# Coarse-only requests say so, and coarse events sit inside their second
# (issue 13, item 2; CONTRACT.md "Order").  A request only Log Parser or a
# W3C log saw is "timing": "coarse" with time_precision_ms 1000, its
# duration "<1s" or "~Ns" when only whole seconds gave it, its start the
# second it was logged in ("~"); in a request a precise source saw, a W3C
# line sits at the request's end and a Log Parser event not before its
# start, each keeping its logged time in logged_ts.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_PCAPCORR:?GEN_PCAPCORR must name the gen_pcapcorr binary}"
: "${GEN_INCIDENT:?GEN_INCIDENT must name the gen_incident binary}"

S=$TMP/skew
mkdir -p "$S"
"$GEN_PCAPCORR" skew "$S"

# ---- Log Parser alone: whole seconds ---------------------------------
rn -q import "$S/etw.xml" || fail "import etw"
rn requests --format json >"$TMP/lp.json"
expect_eq "Log Parser only: coarse, duration approximate" \
    "$(jq -c '[.[] | [.timing, .time_precision_ms, .duration_approx]] | unique' "$TMP/lp.json")" \
    '[["coarse",1000,true]]'
rn requests >"$TMP/lp.txt"
row() { grep "$1" "$TMP/lp.txt"; }
# a.aspx: 21:00:10.120 to .180, logged as 21:00:10 twice.
case $(row 'a.aspx') in *"T21:00:10~        GET     200.0         <1s etw "*) pass ;;
*) fail "a.aspx row: $(row a.aspx)" ;; esac
# d.aspx: 21:00:18.960 to 21:00:19.020: one second apart as logged.
case $(row 'd.aspx') in *" 404.0         ~1s etw "*) pass ;;
*) fail "d.aspx row: $(row d.aspx)" ;; esac
id=$(jq -r '.[] | select(.url | test("d.aspx")) | .id' "$TMP/lp.json")
rn timeline "$id" >"$TMP/tl"
expect_eq "timeline says coarse" "$(grep "^  timing:" "$TMP/tl")" \
    "  timing: coarse (whole seconds as logged; the true times lie up to 1 s later), duration ~1s"
expect_eq "nothing placed: logged times only" \
    "$(rn timeline --format json "$id" | jq '[.events[] | select(.fields.logged_ts)] | length')" 0

# ---- with the capture: precise, Log Parser events inside -------------
rn -q import "$S/capture.pcap" || fail "import capture"
rn requests --format json >"$TMP/both.json"
expect_eq "with a capture: precise" \
    "$(jq -c '[.[] | select(.sources == ["etw","pcap"]) | [.timing, .time_precision_ms, .duration_approx]] | unique' "$TMP/both.json")" \
    '[["precise",1,false]]'
rn timeline --format json "$id" >"$TMP/tl.json"
expect_eq "no ETW event before the request's start" \
    "$(jq '[.events[] | select(.source == "etw" and .rel_ms < 0)] | length' "$TMP/tl.json")" 0
expect_eq "the start event placed at the start, its logged time kept" \
    "$(jq -c '.events[] | select(.name == "GENERAL_REQUEST_START") | [.rel_ms, .fields.logged_ts]' "$TMP/tl.json")" \
    '[0,"2005-08-23T21:00:18.000Z"]'
expect_eq "the end event in its own second, as logged" \
    "$(jq -c '.events[] | select(.name == "GENERAL_REQUEST_END") | [.ts, .fields.logged_ts]' "$TMP/tl.json")" \
    '["2005-08-23T21:00:19.000Z",null]'
rn timeline "$id" | grep -q '^  timing:' && fail "precise request says coarse" || pass

# ---- a realistic IIS 7 incident: every W3C line at its request's end --
D=$TMP/inc
"$GEN_INCIDENT" iis7 3 "$D"
rm -f "$STORE"*
rn -q import "$D/etw.xml" "$D/u_ex24030510.log" "$D/capture.pcap" ||
    fail "import incident"
rn export --filter "" --format json >"$TMP/all.json" || fail "export"
# Linked lines of requests a precise source saw.
expect_eq "some W3C lines merged" \
    "$(jq '[.requests[] | select(.request.timing == "precise") | .events[] | select(.source == "w3c")] | length > 20' "$TMP/all.json")" true
expect_eq "every merged W3C line at its request's end" \
    "$(jq '[.requests[] | select(.request.timing == "precise") | .request.end as $e | .events[] | select(.source == "w3c" and .ts != $e)] | length' "$TMP/all.json")" 0
expect_eq "... and in the second it was logged" \
    "$(jq '[.requests[] | select(.request.timing == "precise") | .events[] | select(.source == "w3c") | select(.fields.logged_ts == null or (.ts[0:19] != .fields.logged_ts[0:19]))] | length' "$TMP/all.json")" 0
expect_eq "no merged W3C line before its request's start" \
    "$(jq '[.requests[] | .events[] | select(.source == "w3c" and .rel_ms < 0)] | length' "$TMP/all.json")" 0
# The lines alone: coarse, start as logged minus time-taken, exact duration.
expect_eq "lone W3C lines: coarse, duration exact" \
    "$(jq -c '[.requests[] | select(.request.sources == ["w3c"]) | .request | [.timing, .duration_approx]] | unique' "$TMP/all.json")" \
    '[["coarse",false]]'
expect_eq "lone W3C lines: the duration is time-taken" \
    "$(jq '[.requests[] | select(.request.sources == ["w3c"]) | select(.request.duration_ms != (.events[0].fields["time-taken"] | tonumber))] | length' "$TMP/all.json")" 0
finish
