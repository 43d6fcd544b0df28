# Command-line behaviour on good, bad and hostile input: exit codes,
# truncated files, re-import, hostile strings, read-only SQL, file mode.
. "$(dirname "$0")/lib.sh"
need jq

"$GEN_ETW" --dialect logparser >"$TMP/lp.xml"

# Usage errors exit 2, help and version exit 0.
"$REQNAV" --help >"$TMP/help" 2>&1
expect_eq "--help exit" "$?" 0
grep -q "timeline" "$TMP/help" && pass || fail "--help lists commands"
"$REQNAV" --version | grep -q '^reqnav [0-9]' && pass || fail "--version"
"$REQNAV" --bogus >/dev/null 2>&1
expect_eq "unknown option exit" "$?" 2
rn requests --filter 'status:abc' >/dev/null 2>"$TMP/err"
expect_eq "bad filter exit" "$?" 2
grep -q "bad status 'abc'" "$TMP/err" && pass || fail "bad filter message"
rn timeline >/dev/null 2>&1
expect_eq "timeline without id" "$?" 2
rn import >/dev/null 2>&1
expect_eq "import without path" "$?" 2
rn import --tz nowhere "$TMP/lp.xml" >/dev/null 2>&1
expect_eq "bad --tz" "$?" 2

# Reading a store that does not exist is bad input, and creates nothing.
rn requests >/dev/null 2>"$TMP/err"
expect_eq "missing store exit" "$?" 1
[ ! -e "$STORE" ] && pass || fail "missing store created"

# Import, then re-import: nothing new, same counts.
rn import "$TMP/lp.xml" >"$TMP/out"
expect_eq "import exit" "$?" 0
grep -q '^imported .*lp.xml' "$TMP/out" && pass || fail "import summary"
before=$(rn sql 'SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM request), (SELECT group_concat(uid) FROM (SELECT uid FROM event ORDER BY uid))' | tail -1)
rn import "$TMP/lp.xml" >"$TMP/out"
expect_eq "re-import exit" "$?" 0
grep -q '^duplicate' "$TMP/out" && pass || fail "re-import says duplicate"
after=$(rn sql 'SELECT (SELECT count(*) FROM event), (SELECT count(*) FROM request), (SELECT group_concat(uid) FROM (SELECT uid FROM event ORDER BY uid))' | tail -1)
expect_eq "re-import adds nothing" "$after" "$before"
expect_eq "store mode" "$(stat -c %a "$STORE")" 600

# A copy under another name is the same content: still nothing new.
cp "$TMP/lp.xml" "$TMP/copy.xml"
rn import "$TMP/copy.xml" | grep -q '^duplicate' && pass || fail "copy is duplicate"

# Truncated file: events before the cut kept, reported with its line, exit 1.
size=$(stat -c %s "$TMP/lp.xml")
head -c $((size / 2)) "$TMP/lp.xml" >"$TMP/cut.xml"
rm -f "$STORE"*
rn import "$TMP/cut.xml" >"$TMP/out" 2>"$TMP/err"
expect_eq "truncated exit" "$?" 1
lines=$(wc -l <"$TMP/cut.xml")
grep -q "partial .*cut.xml.*truncated at line $((lines + 1)) " "$TMP/err" &&
    pass || fail "truncated message: $(cat "$TMP/err")"
expect_eq "every complete event before the cut kept" \
    "$(rn sql 'SELECT events FROM source' | tail -1)" \
    "$(grep -c '</ROW>' "$TMP/cut.xml")"
# Damage inside the file (not at its end) is reported by the parser.
sed '300s/<E/<E x="/' "$TMP/lp.xml" >"$TMP/mid.xml"
rn import "$TMP/mid.xml" >/dev/null 2>"$TMP/err"
expect_eq "mid-file damage exit" "$?" 1
grep -q "mid.xml: truncated or malformed at line 300, column" "$TMP/err" &&
    pass || fail "mid-file damage position: $(cat "$TMP/err")"
expect_eq "source marked truncated" \
    "$(rn sql 'SELECT truncated FROM source' | tail -1)" 1
rn sources | grep -q truncated && pass || fail "sources shows truncated"

# Something that is not a trace, given by name: failed, exit 1, store kept.
printf 'hello, world\n' >"$TMP/notes.txt"
rn import "$TMP/notes.txt" >/dev/null 2>"$TMP/err"
expect_eq "not a trace exit" "$?" 1
grep -q "not a trace" "$TMP/err" && pass || fail "not a trace message"
expect_eq "store kept (cut.xml, mid.xml)" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" 2

# Broken XML from the first byte: failed, nothing kept from it.
printf '<ROOT><ROW><EventNumber>1</Event' >"$TMP/broken.xml"
rn import "$TMP/broken.xml" >/dev/null 2>"$TMP/err"
expect_eq "broken xml exit" "$?" 1
grep -q "broken.xml: line 1" "$TMP/err" && pass || fail "broken xml position"

# Wrong encoding: Latin-1 bytes in a file declared UTF-8.
printf '<?xml version="1.0" encoding="UTF-8"?>\n<ROOT>\n<ROW><EventNumber>1</EventNumber><EventTypeName>GENERAL_REQUEST_START</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-0000-000000000001}|RequestURL=http://h/caf\351|RequestVerb=GET</UserData></ROW>\n</ROOT>\n' >"$TMP/latin1.xml"
rn import "$TMP/latin1.xml" >/dev/null 2>"$TMP/err"
expect_eq "wrong encoding exit" "$?" 1
grep -q "latin1.xml: line 3" "$TMP/err" && pass || fail "encoding error position: $(cat "$TMP/err")"

# Several paths, one bad: the others are imported, exit 1.
rm -f "$STORE"*
rn import "$TMP/notes.txt" "$TMP/lp.xml" >/dev/null 2>&1
expect_eq "mixed exit" "$?" 1
expect_eq "good file imported" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" 1

# Hostile values: quotes, pipes, CRLF, <script>, 10 KB URLs.
rm -f "$STORE"*
"$GEN_ETW" --dialect logparser --hostile >"$TMP/hostile.xml"
rn import "$TMP/hostile.xml" >/dev/null
expect_eq "hostile import" "$?" 0
rn requests --format json >"$TMP/h.json"
jq -e 'length > 100' "$TMP/h.json" >/dev/null && pass || fail "hostile json parses"
long=$(jq '[.[] | select(.url != null and (.url | length) >= 10000)] | length' "$TMP/h.json")
[ "$long" -gt 0 ] && pass || fail "10 KB URLs kept whole"
jq -e '[.[] | select(.url != null and (.url | contains("|SiteId=9|RequestVerb=EVIL")))] | length > 0' \
    "$TMP/h.json" >/dev/null && pass || fail "URL with pipes kept whole"
jq -e '[.[] | select(.verb == "EVIL")] | length == 0' "$TMP/h.json" \
    >/dev/null && pass || fail "no field injected by a URL"
rn requests >"$TMP/h.txt"
if LC_ALL=C grep -q "$(printf '\r')" "$TMP/h.txt"; then
    fail "raw CR in table output"
else
    pass
fi
rn requests --format csv >"$TMP/h.csv"
expect_eq "csv rows" "$(python3 -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline=""))))-1)' "$TMP/h.csv" 2>/dev/null || jq length "$TMP/h.json")" "$(jq length "$TMP/h.json")"

# sql is read-only.
rn sql 'DELETE FROM event' >/dev/null 2>"$TMP/err"
expect_eq "sql write exit" "$?" 1
grep -q "read-only" "$TMP/err" && pass || fail "sql read-only message"
n=$(rn sql 'SELECT count(*) FROM event' | tail -1)
[ "$n" -gt 0 ] && pass || fail "events survive"
finish
