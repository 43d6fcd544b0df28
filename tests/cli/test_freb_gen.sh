# Generated FREB fixtures: a 502.2 CGI failure (three roles and a
# diagnosis naming the command line, the exit code in words and the
# missing headers), the same with no headers at all, and a folder with a
# file cut short, a non-XML file and freb.xsl among good traces.
. "$(dirname "$0")/lib.sh"
need jq
: "${GEN_FREB:?GEN_FREB must name the gen_freb binary}"

"$GEN_FREB" cgi502 "$TMP/fr000001.xml"
rn import "$TMP/fr000001.xml" >"$TMP/out" 2>&1
expect_eq "cgi502 import exit" "$?" 0
rn requests --filter 'status:502.2 source:freb has:header_error' --format json >"$TMP/req.json"
expect_eq "one 502.2" "$(jq length "$TMP/req.json")" 1
expect_eq "verb" "$(jq -r '.[0].verb' "$TMP/req.json")" POST
expect_eq "win32" "$(jq -r '.[0].win32_status' "$TMP/req.json")" 3221225725
rn timeline --format json "$(jq -r '.[0].id' "$TMP/req.json")" >"$TMP/tl.json"
for role in cgi_start:CGI_LAUNCH header_error:CGI_PREMATURE_TERMINATION \
    status_send:GENERAL_REQUEST_END; do
    r=${role%%:*}
    want=${role#*:}
    got=$(jq -r --arg r "$r" \
        '.request.roles[$r] as $id | .events[] | select(.id == $id) | .name' \
        "$TMP/tl.json")
    expect_eq "role $r" "$got" "$want"
done
diag=$(jq -r '.request.diagnosis' "$TMP/tl.json")
for part in 'CGI process 4242' 'report.exe' \
    'Headers="Content-Type: text/html  X-Debug: 1"' \
    'missing: the empty line that ends the header block' \
    'exit code 0xC00000FD' 'stack overflow' 'IIS answered 502.2'; do
    case $diag in
    *"$part"*) pass ;;
    *) fail "diagnosis lacks '$part': $diag" ;;
    esac
done

rm -f "$STORE"*
"$GEN_FREB" cgi502 "$TMP/fr000002.xml" --empty-headers
rn import "$TMP/fr000002.xml" >/dev/null 2>&1
diag=$(rn requests --format json | jq -r '.[0].diagnosis')
case $diag in
*"ended before sending any HTTP headers (Headers= empty)"*) pass ;;
*) fail "empty headers diagnosis: $diag" ;;
esac

# A folder as copied off a server: good traces, freb.xsl, the newest
# trace cut short, a non-XML file.  The rest is imported, the cut file
# keeps its complete events and is reported, the others are skipped.
rm -f "$STORE"*
D=$TMP/W3SVC1
"$GEN_FREB" folder "$D" 30
"$GEN_FREB" truncated "$D/fr000031.xml"
printf 'PK\003\004 not xml at all\n' >"$D/fr000032.xml"
printf 'notes\n' >"$D/readme.txt"
rn import "$TMP/W3SVC1" >"$TMP/out" 2>"$TMP/err"
expect_eq "folder import exit (a partial file)" "$?" 1
expect_eq "requests" "$(rn requests --format json | jq length)" 31
grep -q '^partial .*fr000031.xml \[freb\]: 6 events, 1 requests.*truncated at line [0-9]*, column [0-9]*' "$TMP/err" &&
    pass || fail "truncated file reported: $(cat "$TMP/err")"
for f in fr000032.xml freb.xsl readme.txt; do
    grep -q "^skipped .*$f" "$TMP/out" && pass || fail "$f skipped"
done
grep -q '31 files\?: 30 imported, 1 partial, 0 already in the store, 3 skipped, 0 failed' "$TMP/out" ||
    grep -q '34 files: 30 imported, 1 partial, 0 already in the store, 3 skipped, 0 failed' "$TMP/out" &&
    pass || fail "summary: $(tail -1 "$TMP/out")"
expect_eq "cut file marked" \
    "$(rn sql "SELECT s.truncated || r.truncated || ' ' || s.events FROM source s JOIN srcreq r ON r.source_id = s.id WHERE s.path LIKE '%fr000031.xml'" | tail -1)" \
    "11 6"
expect_eq "502.2 in folder" \
    "$(rn requests --filter status:502.2 --format json | jq length)" 4
finish
