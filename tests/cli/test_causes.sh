# Causes: every request with a diagnosis carries a stable cause identifier
# (JSON `cause`, CSV column, filter cause:ID) and `reqnav causes` groups
# the failures by it with a label and a count.
. "$(dirname "$0")/lib.sh"
: "${GEN_FREB:?}" "${GEN_ETW:?}"
need jq

# A 502.2 whose CGI died of a stack overflow (FREB), the seed 502.2 that
# sent no header at all among ordinary ETW traffic.
"$GEN_FREB" cgi502 "$TMP/crash.xml" || exit 1
"$GEN_ETW" --dialect logparser >"$TMP/seed.xml" || exit 1
rn -q import "$TMP/crash.xml" "$TMP/seed.xml" >/dev/null 2>&1
expect_eq "import exit" "$?" 0

# ---- JSON and CSV -------------------------------------------------------
rn requests --filter status:502.2 --format json >"$TMP/502.json"
expect_eq "502.2 causes" \
    "$(jq -r '[.[].cause] | sort | join(" ")' "$TMP/502.json")" \
    "cgi_crash cgi_no_headers"
expect_eq "crash: cause beside its diagnosis" \
    "$(jq -r '.[] | select(.diagnosis | test("STATUS_STACK_OVERFLOW")) | .cause' "$TMP/502.json")" \
    cgi_crash
expect_eq "seed: cause beside its diagnosis" \
    "$(jq -r '.[] | select(.diagnosis | test("Headers= empty")) | .cause' "$TMP/502.json")" \
    cgi_no_headers
rn requests --format json >"$TMP/all.json"
expect_eq "no diagnosis, no cause" \
    "$(jq '[.[] | select((.diagnosis == null) != (.cause == null))] | length' "$TMP/all.json")" 0
expect_eq "2xx: cause null" \
    "$(jq '[.[] | select(.http_status < 400 and .cause != null)] | length' "$TMP/all.json")" 0
n404=$(jq '[.[] | select(.http_status == 404)] | length' "$TMP/all.json")
[ "$n404" -gt 0 ] && pass || fail "no 404 in the seed trace"
expect_eq "404s without a class: http_404" \
    "$(jq '[.[] | select(.cause == "http_404")] | length' "$TMP/all.json")" "$n404"
expect_eq "CSV header ends with cause" \
    "$(rn requests --format csv | head -1 | tr -d '\r' | awk -F, '{print $NF}')" cause
expect_eq "CSV cause value" \
    "$(rn requests --filter cause:cgi_crash --format csv | tail -n +2 | tr -d '\r' | awk -F, '{print $NF}')" \
    cgi_crash

# ---- the filter ---------------------------------------------------------
expect_eq "cause:cgi_crash" \
    "$(rn requests --filter cause:cgi_crash --format json | jq -r '.[].status')" 502.2
expect_eq "-cause:http_404 keeps the rest" \
    "$(rn requests --filter -cause:http_404 --format json | jq length)" \
    "$(jq '[.[] | select(.cause != "http_404")] | length' "$TMP/all.json")"
rn requests --filter cause:cgi_crsh >/dev/null 2>"$TMP/err"
expect_eq "unknown cause: usage error" "$?" 2
grep -q "unknown cause 'cgi_crsh'" "$TMP/err" && pass ||
    fail "unknown cause message: $(cat "$TMP/err")"

# ---- reqnav causes ------------------------------------------------------
rn causes --format json >"$TMP/causes.json"
expect_eq "causes: one line per cause" \
    "$(jq -r '[.[].cause] | sort | join(" ")' "$TMP/causes.json")" \
    "$(jq -r '[.[].cause | select(. != null)] | unique | join(" ")' "$TMP/all.json")"
for c in $(jq -r '.[].cause' "$TMP/causes.json"); do
    expect_eq "causes: count of $c" \
        "$(jq --arg c "$c" '.[] | select(.cause == $c) | .count' "$TMP/causes.json")" \
        "$(jq --arg c "$c" '[.[] | select(.cause == $c)] | length' "$TMP/all.json")"
done
expect_eq "causes: most first" \
    "$(jq -c '[.[].count] == ([.[].count] | sort | reverse)' "$TMP/causes.json")" true
expect_eq "causes: label and status" \
    "$(jq -c '.[] | select(.cause == "cgi_crash") | [.label, .status]' "$TMP/causes.json")" \
    '["CGI crash","502.2"]'
expect_eq "causes --filter" \
    "$(rn causes --filter status:502.2 --format json | jq -c '[.[].cause] | sort')" \
    '["cgi_crash","cgi_no_headers"]'
rn causes >"$TMP/causes.txt"
expect_eq "causes table header" "$(head -1 "$TMP/causes.txt" | tr -s ' ')" \
    " COUNT STATUS CAUSE LABEL"
grep -q '^ *1 502.2 *cgi_no_headers *CGI exit before any header$' \
    "$TMP/causes.txt" && pass || fail "causes table: $(cat "$TMP/causes.txt")"
# The man page explains every cause in the table.
ids=$(grep -o '^    {"[a-z_]*",' "$RN_SRC/model/base/rn_cause.c" | tr -dc 'a-z_\n')
[ -n "$ids" ] && pass || fail "no cause ids read from rn_cause.c"
for id in $ids; do
    grep -q "^\.B[RI]* .*\b$id\b" "$RN_SRC/share/man/reqnav.1" && pass ||
        fail "man page does not list cause $id"
done
rn causes --format csv >/dev/null 2>&1
expect_eq "causes --format csv: usage error" "$?" 2
finish
