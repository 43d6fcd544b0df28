# Reports from the command line: the seed case and a store of generated
# requests, in each format.  JSON parses and each request object equals
# `reqnav timeline --format json ID`; CSV round-trips through Python's csv
# module; HTML is well-formed XML with no script and an SVG per request;
# files are never overwritten without --force.
. "$(dirname "$0")/lib.sh"
need jq xmllint python3

# csv_check FILE JSON: the CSV rows equal the JSON report's events.
csv_check() {
    python3 - "$1" "$2" <<'EOF'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
doc = json.load(open(sys.argv[2], encoding='utf-8'))
head, rows = rows[0], rows[1:]
assert head[0] == 'request_id' and head[-1] == 'redacted', head
assert all(len(r) == len(head) for r in rows), 'ragged rows'
col = {n: i for i, n in enumerate(head)}
def unguard(s):
    return s[1:] if s[:1] == "'" and s[1:2] in ('=', '+', '-', '@', '\t', '\r') else s
want = []
for t in doc['requests']:
    r = t['request']
    if not t['events']:
        want.append((r['id'], None, r['url']))
    for e in t['events']:
        want.append((r['id'], e, r['url']))
assert len(rows) == len(want), (len(rows), len(want))
for row, (rid, e, url) in zip(rows, want):
    assert int(row[col['request_id']]) == rid
    assert unguard(row[col['request_url']]) == (url or ''), (row, url)
    assert row[col['redacted']] == ('yes' if doc['report']['redacted'] else 'no')
    if e is None:
        assert row[col['event_id']] == ''
        continue
    assert int(row[col['event_id']]) == e['id']
    assert int(row[col['seq']]) == e['seq']
    assert row[col['source']] == e['source']
    assert row[col['ts']] == (e['ts'] or '')
    assert unguard(row[col['name']]) == e['name']
    assert row[col['role']] == (e['role'] or '')
    assert json.loads(row[col['fields']]) == e['fields'], row[col['fields']]
print('csv ok: %d rows' % len(rows))
EOF
}

# html_check FILE N: well-formed XHTML, no script, N request sections each
# with an SVG phase bar.
html_check() {
    xmllint --noout "$1" && pass || fail "html well-formed: $1"
    if grep -qi '<script' "$1"; then fail "html has <script: $1"; else pass; fi
    if grep -qiE '(src|href)="(https?:)?//' "$1"; then
        fail "html loads an external resource: $1"
    else
        pass
    fi
    got=$(xmllint --xpath 'count(//*[local-name()="section"])' "$1")
    expect_eq "html sections" "$got" "$2"
    got=$(xmllint --xpath 'count(//*[local-name()="section"]/*[local-name()="svg"])' "$1")
    expect_eq "html svgs" "$got" "$2"
}

# --- the seed case ---------------------------------------------------------
"$GEN_ETW" --dialect logparser >"$TMP/lp.xml"
rn -q import "$TMP/lp.xml"
id=$(rn requests --filter status:502.2 --format json | jq -r '.[0].id')
rn timeline --format json "$id" >"$TMP/tl.json"

for f in md html json csv; do
    rn -q export --filter status:502.2 --format $f -o "$TMP/seed.$f"
    expect_eq "seed $f exit" "$?" 0
    [ -s "$TMP/seed.$f" ] && pass || fail "seed $f empty"
done
jq -e . "$TMP/seed.json" >/dev/null && pass || fail "seed json parses"
expect_eq "seed json request = timeline" \
    "$(jq -cS '.requests[0]' "$TMP/seed.json")" "$(jq -cS . "$TMP/tl.json")"
expect_eq "seed json count" "$(jq '.requests | length' "$TMP/seed.json")" 1
expect_eq "seed json header" \
    "$(jq -c '.report | [.generator, .redacted, .requests, .selection]' "$TMP/seed.json")" \
    '["reqnav",true,1,"filter status:502.2"]'
expect_eq "seed json version" "$(jq -r .report.version "$TMP/seed.json")" \
    "$("$REQNAV" --version | cut -d' ' -f2)"
expect_eq "seed source sha256" "$(jq -r '.report.sources[0].sha256' "$TMP/seed.json")" \
    "$(sha256sum "$TMP/lp.xml" | cut -d' ' -f1)"
expect_eq "seed source size" "$(jq -r '.report.sources[0].size' "$TMP/seed.json")" \
    "$(stat -c %s "$TMP/lp.xml")"
expect_eq "seed source format" "$(jq -r '.report.sources[0].format' "$TMP/seed.json")" \
    etw-logparser
csv_check "$TMP/seed.csv" "$TMP/seed.json" >/dev/null && pass || fail "seed csv"
expect_eq "seed csv seqs" \
    "$(python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); print(",".join(x["seq"]+":"+x["role"] for x in r))' "$TMP/seed.csv")" \
    "391:,405:cgi_start,441:header_error,446:status_send"
html_check "$TMP/seed.html" 1
# The role events are highlighted and the phase bar carries their labels.
for role in cgi_start:CGI_LAUNCH header_error:CGI_PREMATURE_TERMINATION status_send:GENERAL_REQUEST_END; do
    r=${role%%:*}
    n=${role#*:}
    got=$(xmllint --xpath "count(//*[local-name()='table'][@class='tl']//*[local-name()='tr'][@class='role role-$r'])" "$TMP/seed.html")
    expect_eq "html $r row" "$got" 1
    xmllint --xpath "string(//*[local-name()='svg'])" "$TMP/seed.html" | grep -q "$n" &&
        pass || fail "svg label $n"
done
for pos in '#391' '#405' '#441' '#446'; do
    grep -q "ETW $pos" "$TMP/seed.html" && pass || fail "html position $pos"
    grep -q "ETW \\\\$pos" "$TMP/seed.md" && pass || fail "md position $pos"
done
grep -q '^## Request [0-9]*: 502.2 POST `http://btdatashare' "$TMP/seed.md" && pass || fail "md title"
grep -qF '**header error:** `CGI_PREMATURE_TERMINATION`' "$TMP/seed.md" && pass || fail "md role"
grep -q 'Redaction | \*\*on\*\*' "$TMP/seed.md" && pass || fail "md redaction on"
grep -q "$(sha256sum "$TMP/lp.xml" | cut -d' ' -f1)" "$TMP/seed.md" && pass || fail "md sha256"

# stdout without -o; --id by number and by key; --marked.
expect_eq "stdout = file" "$(rn export --id "$id" --format json | jq -c '.requests')" \
    "$(jq -c '.requests' "$TMP/seed.json")"
expect_eq "id by key" \
    "$(rn export --id '{00000000-0000-0000-4C06-0060000000EF}' --format json | jq -c '.requests[0].request.id')" \
    "$id"
python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("UPDATE request SET marked=1 WHERE id=?", (int(sys.argv[2]),)); c.commit()' \
    "$STORE" "$id"
expect_eq "marked" "$(rn export --marked --format json | jq -c '[.requests[].request.id]')" "[$id]"
expect_eq "marked selection" "$(rn export --marked --format json | jq -r '.report.selection')" \
    "marked requests"

# Never overwrite without --force; the format follows -o's extension.
before=$(sha256sum "$TMP/seed.json")
rn -q export --filter status:5xx --format json -o "$TMP/seed.json" 2>"$TMP/err"
expect_eq "no overwrite exit" "$?" 1
grep -q 'file exists' "$TMP/err" && pass || fail "no overwrite message"
expect_eq "file kept" "$(sha256sum "$TMP/seed.json")" "$before"
rn -q export --filter status:5xx --force -o "$TMP/seed.json"
expect_eq "force exit" "$?" 0
[ "$(jq '.requests | length' "$TMP/seed.json")" -gt 1 ] && pass || fail "force overwrote"
ls "$TMP"/seed.json.tmp* >/dev/null 2>&1 && fail "temporary file left" || pass

# Usage and input errors.
rn export --format json >/dev/null 2>&1
expect_eq "no selection" "$?" 2
rn export --filter '' --format pdf >/dev/null 2>&1
expect_eq "bad format" "$?" 2
rn export --filter 'bogus:1' --format json >/dev/null 2>&1
expect_eq "bad filter" "$?" 2
rn export --id 12345 --format json >/dev/null 2>&1
expect_eq "unknown id" "$?" 1
rn export --id "$id" --filter '' --format json >/dev/null 2>&1
expect_eq "id and filter" "$?" 2
rn export --filter '' >/dev/null 2>&1
expect_eq "no format" "$?" 2
expect_eq "empty selection" "$(rn export --filter 'status:418' --format json 2>/dev/null | jq -c '[.report.requests, (.requests | length)]')" \
    '[0,0]'
rn export --filter 'status:418' --format html 2>/dev/null >"$TMP/empty.html"
xmllint --noout "$TMP/empty.html" && pass || fail "empty html well-formed"

# --- a store of generated cases (hostile URLs included) --------------------
rm -f "$STORE"*
"$GEN_ETW" --dialect tracerpt --hostile --events 3000 >"$TMP/gen.xml"
rn -q import "$TMP/gen.xml"
total=$(rn requests --format json | jq length)
for f in md html json csv; do
    rn -q export --filter '' --format $f -o "$TMP/all.$f"
    expect_eq "all $f exit" "$?" 0
done
expect_eq "all json count" "$(jq '.requests | length' "$TMP/all.json")" "$total"
expect_eq "all json requests = requests list" \
    "$(jq -c '[.requests[].request]' "$TMP/all.json")" \
    "$(rn requests --format json | jq -c .)"
# Every 97th request, the hostile ones and the 502.2: equal to timeline.
for i in $(jq -r '.requests | to_entries[] | select(.key % 97 == 0 or (.value.request.url // "" | contains("<script>")) or .value.request.status == "502.2") | .value.request.id' "$TMP/all.json" | head -40); do
    expect_eq "request $i = timeline" \
        "$(jq -cS --argjson id "$i" '.requests[] | select(.request.id == $id)' "$TMP/all.json")" \
        "$(rn timeline --format json "$i" | jq -cS .)"
done
csv_check "$TMP/all.csv" "$TMP/all.json" >/dev/null && pass || fail "all csv round trip"
html_check "$TMP/all.html" "$total"
# Hostile URLs show as text: <script> and quotes escaped, never markup.
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/all.html" && pass || fail "html script escaped"
grep -q 'a=&quot;x&quot;|SiteId=9' "$TMP/all.html" && pass || fail "html quote escaped"
xmllint --xpath 'string((//*[local-name()="td"][@class="mono url"])[contains(., "script")][1])' "$TMP/all.html" |
    grep -qF 'q?a="x"|SiteId=9|RequestVerb=EVIL&b=<script>alert(1)</script>\n&pad=' &&
    pass || fail "html url text"
# In Markdown a URL is a code span: shown as it is, never markup; '|' is
# escaped for the table.
grep -qF 'q?a="x"\|SiteId=9\|RequestVerb=EVIL&b=<script>alert(1)</script>\n&pad=' \
    "$TMP/all.md" && pass || fail "md url code span"
if md_prose "$TMP/all.md" | grep -qE '(^|[^\\])<script'; then fail "md raw <script"; else pass; fi
finish
