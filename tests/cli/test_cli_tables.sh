# Tables and reports that read well as text: aligned columns (times with
# one fractional width, a SOURCES column as wide as the store needs),
# durations in human units, Win32/HRESULT statuses in hex with their name,
# Markdown identifiers in code spans, only the selected requests' sources
# in a report, paths without "//", and `sql --schema` with views named as
# the list names things.
. "$(dirname "$0")/lib.sh"
need jq

# The sample case (ETW + capture), given with a trailing slash, and a W3C
# log with a Win32 status and an HRESULT.
cp -r "$RN_SRC/share/samples" "$TMP/samples"
printf '%s\r\n' '#Software: Microsoft Internet Information Services 10.0' \
    '#Version: 1.0' '#Date: 2024-03-05 10:15:00' \
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken' \
    '2024-03-05 10:15:23 198.51.100.5 POST /cgi-bin/report.exe/run id=42 80 - 192.0.2.10 Mozilla/5.0 - 502 1 2147942658 30000' \
    '2024-03-05 10:15:40 198.51.100.5 GET /favicon.ico - 80 - 192.0.2.10 Mozilla/5.0 - 404 0 2 3' \
    '2024-03-05 10:16:40 198.51.100.5 GET /slow.aspx - 80 - 192.0.2.10 Mozilla/5.0 - 500 0 121 1500' \
    >"$TMP/u_ex240305.log"
(cd "$TMP" && "$REQNAV" --store "$STORE" import samples/ u_ex240305.log) \
    >"$TMP/out" 2>&1
expect_eq "import exit" "$?" 0
if grep -q '//' "$TMP/out"; then fail "a path with //: $(cat "$TMP/out")"; else pass; fi
expect_eq "stored paths without //" \
    "$(rn sql "SELECT count(*) FROM source WHERE path LIKE '%//%'" | tail -1)" 0
expect_eq "stored sample path" \
    "$(rn sql "SELECT path FROM source WHERE kind = 1" | tail -1)" \
    "samples/iis6-cgi-502-2-etw.xml"

# requests: every column starts where its header does.
rn requests >"$TMP/t"
expect_eq "rows" "$(tail -n +2 "$TMP/t" | wc -l)" "$(rn requests --format json | jq length)"
awk '
NR == 1 {
    for (i = 1; i <= NF; i++) col[$i] = index($0, $i)
    next
}
{
    if (substr($0, col["START"] - 1, 1) != " " || substr($0, col["START"], 1) == " ") bad = bad " start:" NR
    # Microseconds, or for a request only coarse sources saw the second
    # it was logged in, marked "~".
    if (substr($0, col["START"], 28) !~ /^[0-9-]+T[0-9:]+(\.[0-9][0-9][0-9][0-9][0-9][0-9]Z|~       ) $/) bad = bad " time:" NR
    if (substr($0, col["SOURCES"] - 1, 1) != " " || substr($0, col["SOURCES"], 1) == " ") bad = bad " sources:" NR
    if (substr($0, col["URL"] - 1, 1) != " " || substr($0, col["URL"], 1) == " ") bad = bad " url:" NR
    # DURATION is right-aligned: it ends where its header ends.
    e = col["DURATION"] + 7
    if (substr($0, e, 1) == " " || substr($0, e + 1, 1) != " ") bad = bad " dur:" NR
}
END { if (bad != "") { print "misaligned" bad; exit 1 } }' "$TMP/t" &&
    pass || fail "requests table columns: $(cat "$TMP/t")"
# The SOURCES column holds the widest set of kinds in this store.
grep -q '^ID  .* DURATION SOURCES      URL$' "$TMP/t" && pass ||
    fail "SOURCES as wide as etw,w3c,pcap: $(head -1 "$TMP/t")"
row() { grep "$1" "$TMP/t"; }
case $(row 'htmlos.exe') in *" 502.2     6m40.9s etw,pcap "*) pass ;; *) fail "502.2 row: $(row htmlos.exe)" ;; esac
case $(row 'report.exe') in *" 502.1       30.0s w3c "*) pass ;; *) fail "502.1 row: $(row report.exe)" ;; esac
case $(row 'favicon.ico') in *" 404.0         3ms w3c "*) pass ;; *) fail "404 row: $(row favicon)" ;; esac
case $(row 'slow.aspx') in *" 500.0        1.5s w3c "*) pass ;; *) fail "500 row: $(row slow)" ;; esac
# Seen by a W3C log only: its start is the second it was logged in (the
# duration is time-taken's, exact); seen by a capture: microseconds.
case $(row 'report.exe') in *"T10:14:53~        POST "*) pass ;; *) fail "coarse start: $(row report.exe)" ;; esac
case $(row 'htmlos.exe') in *"T20:19:06.516000Z POST "*) pass ;; *) fail "precise start: $(row htmlos.exe)" ;; esac
expect_eq "requests json: timing" \
    "$(rn requests --format json | jq -c '[.[] | select(.url | test("report.exe|htmlos.exe")) | [.timing, .time_precision_ms, .duration_approx]] | sort')" \
    '[["coarse",1000,false],["precise",1,false]]'

# timeline: human offsets under OFFSET, one time width.
key='{00000000-0000-0000-4c06-0060000000ef}'
rn timeline "$key" >"$TMP/tl"
grep -q '^TIME  *OFFSET  SOURCE ' "$TMP/tl" && pass || fail "timeline header: $(sed -n 4p "$TMP/tl")"
grep -q '^2005-08-23T20:25:47.000000Z  +6m40.4s  ETW #441 .*CGI_PREMATURE_TERMINATION' "$TMP/tl" &&
    pass || fail "timeline offset row: $(cat "$TMP/tl")"
grep -q '^2005-08-23T20:19:06.498000Z     -18ms  PCAP .*TCP_CONNECT' "$TMP/tl" &&
    pass || fail "timeline ms row: $(cat "$TMP/tl")"
expect_eq "every event time 6 digits" \
    "$(sed '1,/^TIME /d' "$TMP/tl" | grep -cvE '^[0-9-]+T[0-9:]+\.[0-9]{6}Z ')" 0

# Markdown: identifiers in code spans, no backslash-escaped names.
rn export --filter status:502.2 --format md >"$TMP/r.md"
expect_eq "md export exit" "$?" 0
grep -qF '**header error:** `CGI_PREMATURE_TERMINATION`' "$TMP/r.md" && pass ||
    fail "md role event in a code span"
if grep -qF 'CGI\_' "$TMP/r.md"; then fail "md backslash-escaped identifier"; else pass; fi
grep -qF '| Key | `{00000000-0000-0000-4c06-0060000000ef}` |' "$TMP/r.md" && pass || fail "md key"
grep -qF '`http://btdatashare.btboces.org:80/cgi-bin/htmlos.exe/' "$TMP/r.md" && pass || fail "md url"
grep -qF '| Duration | 6m40.9s |' "$TMP/r.md" && pass || fail "md human duration"
grep -qF '| **+6m40.4s** | 2005-08-23T20:25:47.000000Z | ETW \#441 |' "$TMP/r.md" && pass ||
    fail "md offset row"
# Fields: one code span each, so a renderer can wrap the list.
grep -qF '`BytesSent=370` `BytesReceived=105906875` `HttpStatus=502` `HttpSubStatus=2`' \
    "$TMP/r.md" && pass || fail "md fields as spans"
grep -qF 'D:\Inetpub\cgi-bin\htmlos.exe' "$TMP/r.md" && pass || fail "md path in prose unescaped"
# Only the sources of the selected request, not the W3C log.
grep -qF '`samples/iis6-cgi-502-2-etw.xml`' "$TMP/r.md" && pass || fail "md etw source"
grep -qF '`samples/iis6-cgi-502-2-capture.pcap`' "$TMP/r.md" && pass || fail "md pcap source"
if grep -q 'u_ex240305.log' "$TMP/r.md"; then fail "md lists an unselected source"; else pass; fi
rn export --filter status:5xx --format md >"$TMP/w.md"
grep -qF '| Status | **502.1** (Win32 status `0x80070102 WAIT_TIMEOUT`) |' "$TMP/w.md" &&
    pass || fail "md HRESULT in hex: $(grep 'Status |' "$TMP/w.md")"
grep -qF '| Status | **500.0** (Win32 status `121 ERROR_SEM_TIMEOUT`) |' "$TMP/w.md" &&
    pass || fail "md Win32 code with its name"
expect_eq "md 5xx sources: all three files" \
    "$(sed -n '/^## Source files/,/^## Requests/p' "$TMP/w.md" | grep -c '^| `')" 3
rn export --filter status:502.1 --format html -o "$TMP/w.html"
grep -qF '(Win32 status <span class="mono">0x80070102 WAIT_TIMEOUT</span>)' "$TMP/w.html" &&
    pass || fail "html HRESULT in hex"
# HTML: the same human offsets and times.
rn export --filter status:502.2 --format html -o "$TMP/r.html" >/dev/null
grep -qF '<th>Offset</th><th>Time</th>' "$TMP/r.html" && pass || fail "html Offset header"
grep -qF '>+6m40.4s<' "$TMP/r.html" && pass || fail "html human offset"
grep -qF '2005-08-23T20:19:06.498000Z' "$TMP/r.html" && pass || fail "html fixed-width time"
rn export --filter status:502.1 --format json >"$TMP/w.json"
expect_eq "json win32_status stays a number" \
    "$(jq '.requests[0].request.win32_status' "$TMP/w.json")" 2147942658
expect_eq "json report sources: the W3C log only" \
    "$(jq -c '[.report.sources[].path]' "$TMP/w.json")" '["u_ex240305.log"]'

# sql --schema documents the tables and the views; the views name columns
# as the list does.
rn sql --schema >"$TMP/schema"
expect_eq "schema exit" "$?" 0
for t in 'CREATE TABLE source (' 'CREATE TABLE request (' 'CREATE TABLE event (' \
    'CREATE VIEW requests AS' 'CREATE VIEW events AS' \
    'sha256      TEXT NOT NULL UNIQUE,     -- content hash'; do
    grep -qF "$t" "$TMP/schema" && pass || fail "schema lacks '$t'"
done
expect_eq "requests view row" \
    "$(rn sql "SELECT start, duration_ms, status, sources FROM requests WHERE key = '$key'" | tail -1)" \
    "$(printf '2005-08-23T20:19:06.516000Z\t400968.0\t502.2\tetw,pcap')"
expect_eq "requests view columns" \
    "$(rn sql 'SELECT * FROM requests LIMIT 1' | head -1)" \
    "$(printf 'id\tkey\tstart\tend\tduration_ms\tverb\turl\thost\tstatus\thttp_status\tsubstatus\twin32_status\tsources\tcgi_start\theader_error\tstatus_send\tdiagnosis\tmarked')"
expect_eq "events view agrees with the timeline" \
    "$(rn sql "SELECT group_concat(source || ' ' || seq || ' ' || name, ';') FROM (SELECT * FROM events WHERE request_id = (SELECT id FROM requests WHERE key = '$key') ORDER BY ts, id)" | tail -1 | tr ';' '\n' | sort)" \
    "$(rn timeline --format json "$key" | jq -r '.events[] | "\(.source) \(.seq) \(.name)"' | sort)"
# The views are not written into the case.
expect_eq "no view in the store" \
    "$(rn sql "SELECT count(*) FROM sqlite_master WHERE type = 'view'" | tail -1)" 0
finish
