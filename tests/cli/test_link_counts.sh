# What was not merged: per source, how many of its requests are linked to
# another kind of source and how many stayed alone, in the import's info
# lines (when they change) and in `reqnav sources`; the filter terms
# link:alone and link:linked.  The skew case: six requests ETW and the
# capture both saw, and one exchange (/static/logo.gif) IIS never saw.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_PCAPCORR:?GEN_PCAPCORR must name the gen_pcapcorr binary}"
: "${GEN_INCIDENT:?GEN_INCIDENT must name the gen_incident binary}"

"$GEN_PCAPCORR" skew "$TMP"
rn import "$TMP/etw.xml" >"$TMP/out1" 2>&1 || fail "import etw"
grep -q "linked" "$TMP/out1" && fail "one kind of source: no link lines" ||
    pass
# One kind of source: nothing can be linked (the counts are known without
# reading the source requests), and every request is alone.
expect_eq "one kind: sources json" \
    "$(rn sources --format json | jq -c '[.[] | [.linked, .alone]]')" '[[0,6]]'
rn import "$TMP/capture.pcap" >"$TMP/out2" 2>&1 || fail "import capture"
# The capture's import links the earlier ETW source's requests too.
expect_eq "import: etw line" \
    "$(grep -c "etw.xml: 6 of 6 requests linked to another source, 0 alone" "$TMP/out2")" 1
expect_eq "import: capture line" \
    "$(grep -c "capture.pcap: 6 of 7 requests linked to another source, 1 alone" "$TMP/out2")" 1
rn sources >"$TMP/src"
expect_eq "sources: etw" \
    "$(sed -n '/etw.xml$/{n;p;}' "$TMP/src" | sed 's/^ *//')" \
    "6 of 6 requests linked to another source, 0 alone"
expect_eq "sources: capture" "$(tail -1 "$TMP/src" | sed 's/^ *//')" \
    "6 of 7 requests linked to another source, 1 alone (1 no candidate, 0 conflict)"
expect_eq "link:alone" \
    "$(rn requests --filter link:alone --format json | jq -c '[.[] | [.url, .sources]]')" \
    '[["http://www.example.com/static/logo.gif",["pcap"]]]'
expect_eq "link:linked" \
    "$(rn requests --filter link:linked --format json | jq '[.[] | select(.sources == ["etw","pcap"])] | length')" 6
expect_eq "-link:alone" \
    "$(rn requests --filter -link:alone --format json | jq length)" 6
rn requests --filter link:maybe >/dev/null 2>"$TMP/err"
expect_eq "bad link value: usage error" "$?" 2
grep -q "link takes alone, linked, conflict or nocandidate" "$TMP/err" && pass ||
    fail "bad link value: $(cat "$TMP/err")"

# On a realistic incident the counts agree with the rows: a source's alone
# requests are the link:alone rows holding its kind.
D=$TMP/inc
"$GEN_INCIDENT" iis7 5 "$D"
rm -f "$STORE"*
rn -q import "$D/etw.xml" "$D/u_ex24030510.log" "$D/capture.pcap" ||
    fail "import incident"
rn sources >"$TMP/src"
for kind in etw w3c pcap; do
    alone=$(rn requests --filter "link:alone source:$kind" --format json | jq length)
    got=$(awk -v k="$kind" '$2 == k { getline; if ($0 ~ /clock/) getline;
        sub(/ \(.*\)$/, ""); print $(NF) == "alone" ? $(NF - 1) : "?" }' "$TMP/src")
    expect_eq "$kind: alone in sources = link:alone rows" "$got" "$alone"
done
finish
