# Reports are safe to attach: secrets (cookies, Authorization, tokens in
# URLs, URL passwords) are masked in every format unless --no-redact, and
# hostile text (<script>, quotes, spreadsheet formulas) shows as text.
# Fixtures: tests/data/export-hostile/ (see its README) and a capture made
# by tests/gen/gen_secrets_pcap.py.
. "$(dirname "$0")/lib.sh"
need jq xmllint python3

D="$RN_SRC/tests/data/export-hostile"
python3 "$RN_SRC/tests/gen/gen_secrets_pcap.py" "$TMP/secrets.pcap"
rn -q import "$D/input.xml" "$D/w3c.log" "$TMP/secrets.pcap"
expect_eq "import" "$?" 0
expect_eq "sources" "$(rn requests --format json | jq -c '[.[].sources[0]] | sort')" \
    '["etw","etw","pcap","w3c"]'

bad=$(rn requests --filter 'status:502.2 source:etw' --format json | jq -r '.[0].id')
formula=$(rn requests --filter status:200 --format json | jq -r '.[0].id')
SECRETS="SECRETTOKEN SECRETCOOKIE SECRETAUTH SECRETPROXY SECRETSETCOOKIE HUNTER2PASS
SECRETPASS SECRETW3CPASS SECRETW3CCOOKIE SECRETW3CREF"
# Only the HTTP header blocks (raw capture text) of md/html/csv hold these.
RAW_SECRETS="SECRETBEARER"

for f in md html json csv; do
    rn -q export --filter '' --format $f -o "$TMP/red.$f"
    expect_eq "$f exit" "$?" 0
    rn -q export --filter '' --format $f --no-redact -o "$TMP/raw.$f"
    expect_eq "$f --no-redact exit" "$?" 0
    for s in $SECRETS; do
        if grep -q "$s" "$TMP/red.$f"; then fail "$f leaks $s"; else pass; fi
        grep -q "$s" "$TMP/raw.$f" && pass || fail "$f --no-redact hides $s"
    done
    if [ $f != json ]; then
        for s in $RAW_SECRETS; do
            if grep -q "$s" "$TMP/red.$f"; then fail "$f leaks $s"; else pass; fi
            grep -q "$s" "$TMP/raw.$f" && pass || fail "$f --no-redact hides $s"
        done
    fi
    if grep -q 'SECRET' "$TMP/red.$f"; then fail "$f leaks a SECRET"; else pass; fi
    grep -qF '[redacted]' "$TMP/red.$f" && pass || fail "$f has no mask"
    if grep -qF '[redacted]' "$TMP/raw.$f"; then fail "$f --no-redact masks"; else pass; fi
done

# The header says whether redaction was on.
expect_eq "json redacted" "$(jq .report.redacted "$TMP/red.json")" true
expect_eq "json not redacted" "$(jq .report.redacted "$TMP/raw.json")" false
grep -q 'Redaction | \*\*on\*\*' "$TMP/red.md" && pass || fail "md on"
grep -q 'Redaction | \*\*off\*\* (--no-redact)' "$TMP/raw.md" && pass || fail "md off"
expect_eq "html on" "$(xmllint --xpath 'string(//*[local-name()="tr"][*[local-name()="th"]="Redaction"]/*[local-name()="td"]/*[local-name()="span"])' "$TMP/red.html")" on
expect_eq "html off" "$(xmllint --xpath 'string(//*[local-name()="tr"][*[local-name()="th"]="Redaction"]/*[local-name()="td"]/*[local-name()="span"])' "$TMP/raw.html")" off
python3 - "$TMP/red.csv" "$TMP/raw.csv" <<'EOF' && pass || fail "csv redacted column"
import csv, sys
for path, want in zip(sys.argv[1:], ("yes", "no")):
    rows = list(csv.DictReader(open(path, newline='')))
    assert rows and all(r["redacted"] == want for r in rows), path
EOF

# What is masked, exactly (JSON).
jq -r --argjson id "$bad" '.requests[] | select(.request.id == $id)' "$TMP/red.json" >"$TMP/bad.json"
expect_eq "url masked" "$(jq -r .request.url "$TMP/bad.json")" \
    'http://bob:[redacted]@shop.example/cgi-bin/app.exe?q=<script>alert("x")</script>&token=[redacted]&x="quoted"'
expect_eq "headers masked" \
    "$(jq -r '.events[] | select(.name == "GENERAL_REQUEST_HEADERS") | .fields.Headers' "$TMP/bad.json" | tr -d '\r')" \
    "$(printf 'Host: shop.example\nCookie: [redacted]\nAuthorization: [redacted]\nX-Evil: "><script>alert(1)</script>|x=1')"
expect_eq "set header masked" \
    "$(jq -c '.events[] | select(.name == "GENERAL_SET_REQUEST_HEADER") | .fields | [.HeaderName, .HeaderValue]' "$TMP/bad.json")" \
    '["Proxy-Authorization","[redacted]"]'
expect_eq "set-cookie masked" \
    "$(jq -r '.events[] | select(.role == "header_error") | .fields.Headers' "$TMP/bad.json" | tr -d '\r\n')" \
    'Set-Cookie: [redacted]'
case "$(jq -r .request.diagnosis "$TMP/bad.json")" in
*'ended before sending a complete set of HTTP headers (Headers="Set-Cookie: [redacted]")'*) pass ;;
*) fail "diagnosis masked" ;;
esac
# Unredacted, each request object is exactly the timeline's.
for i in "$bad" "$formula"; do
    expect_eq "raw $i = timeline" \
        "$(jq -cS --argjson id "$i" '.requests[] | select(.request.id == $id)' "$TMP/raw.json")" \
        "$(rn timeline --format json "$i" | jq -cS .)"
done
# Redacted, the shape stays the timeline's: same keys, same events.
expect_eq "redacted shape" \
    "$(jq -c '[paths(type != "object" and type != "array")] | length' "$TMP/bad.json")" \
    "$(rn timeline --format json "$bad" | jq -c '[paths(type != "object" and type != "array")] | length')"

# Captured messages: the header blocks in the HTML, masked line by line.
cap=$(rn requests --filter source:pcap --format json | jq -r '.[0].id')
expect_eq "capture request headers" \
    "$(xmllint --xpath "string((//*[local-name()='section'][@id='r$cap']//*[local-name()='pre'])[1])" "$TMP/red.html")" \
    "$(printf 'GET /app/login.aspx?user=bob&password=[redacted]&x=<script>"q"</script> HTTP/1.1\nHost: shop.example\nCookie: [redacted]\nAuthorization: [redacted]\n')"
expect_eq "capture response headers" \
    "$(xmllint --xpath "string((//*[local-name()='section'][@id='r$cap']//*[local-name()='pre'])[2])" "$TMP/red.html")" \
    "$(printf 'HTTP/1.1 502 Bad Gateway\nSet-Cookie: [redacted]\nContent-Length: 0\n')"
expect_eq "capture fields" \
    "$(jq -c --argjson id "$cap" '.requests[] | select(.request.id == $id) | .events[] | select(.name == "HTTP_REQUEST_HEADERS") | .fields | [.target, .Cookie, .Authorization]' "$TMP/red.json")" \
    '["/app/login.aspx?user=bob&password=[redacted]&x=<script>\"q\"</script>","[redacted]","[redacted]"]'
w3c=$(rn requests --filter source:w3c --format json | jq -r '.[0].id')
expect_eq "w3c fields" \
    "$(jq -c --argjson id "$w3c" '.requests[] | select(.request.id == $id) | .events[0].fields | [.["cs-uri-query"], .["cs(Cookie)"], .["cs(Referer)"]]' "$TMP/red.json")" \
    '["user=bob&password=[redacted]","[redacted]","http://ref.example/?access_token=[redacted]"]'

# HTML: hostile text is text.
for which in red raw; do
    h="$TMP/$which.html"
    xmllint --noout "$h" && pass || fail "$which html well-formed"
    if grep -qi '<script' "$h"; then fail "$which html has <script"; else pass; fi
    url=$(xmllint --xpath "string(//*[local-name()='section'][@id='r$bad']//*[local-name()='tr'][*[local-name()='th']='URL']/*[local-name()='td'])" "$h")
    case "$url" in
    *'?q=<script>alert("x")</script>&token='*'&x="quoted"') pass ;;
    *) fail "$which html url text: $url" ;;
    esac
    xmllint --xpath "string(//*[local-name()='section'][@id='r$bad']//*[local-name()='pre'])" "$h" |
        grep -qF 'X-Evil: "><script>alert(1)</script>|x=1' && pass || fail "$which html header text"
done
grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' "$TMP/red.html" && pass || fail "html entities"

# Markdown: no raw markup outside code fences and spans; header blocks
# fenced.
if md_prose "$TMP/red.md" | grep -qE '(^|[^\\])<script'; then
    fail "md raw <script"
else
    pass
fi
grep -qF 'q=<script>alert("x")</script>&token=[redacted]' "$TMP/red.md" && pass || fail "md url in a code span"
grep -qF 'X-Evil: "><script>alert(1)</script>|x=1' "$TMP/red.md" && pass || fail "md header in fence"
grep -q '^```http$' "$TMP/red.md" && pass || fail "md fence"

# CSV: formula cells are guarded with a leading quote, and round-trip.
python3 - "$TMP/red.csv" "$formula" <<'EOF' && pass || fail "csv formula guard"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=''))
        if r["request_id"] == sys.argv[2]]
assert len(rows) == 2, rows
for r in rows:
    assert r["request_url"] == "'=HYPERLINK(\"http://evil.example/\",\"x\")", r
    assert r["request_verb"] == "'@SUM(1)", r
EOF
finish
