# Files an import met but did not import are kept in the store with why
# (issue 14): `reqnav sources` lists them after the sources, and its JSON
# adds them as entries with the keys a source has (id and kind null, state
# skipped, failed or damaged); a file imported later is no longer listed,
# the same skip is listed once, an import that finds nothing leaves no
# store, and a store made before the table existed still reads.
. "$(dirname "$0")/lib.sh"
need jq zip

S="$RN_SRC/share/samples"
ETW_WHY='binary ETW: render it with tracerpt -of XML, or Log Parser, first'
mkdir -p "$TMP/case"
cp "$S/iis6-cgi-502-2-etw.xml" "$TMP/case/"
printf 'not a trace\n' >"$TMP/case/notes.txt"
# An .etl that is no ETW file at all: no importer takes it.
printf 'BINARY\0\1\2\3' >"$TMP/case/trace.etl"
(cd "$TMP/case" && zip -q "$TMP/case.zip" notes.txt trace.etl &&
    printf 'readme\n' >readme.txt && zip -q "$TMP/case.zip" readme.txt &&
    rm readme.txt) || fail "making the zip"
# A real ETW trace without packet events (public corpus), when present.
c=$(corpus)
nopkt=
if [ -n "$c" ] && [ -f "$c/etl/airbus-lxcore_kernel.etl" ]; then
    cp "$c/etl/airbus-lxcore_kernel.etl" "$TMP/case/kernel.etl"
    nopkt=1
fi

(cd "$TMP" && "$REQNAV" --store "$STORE" import case case.zip) \
    >"$TMP/out" 2>"$TMP/err"
expect_eq "import with skipped files: exit" "$?" 0

# ---- the table: sources, then the files not imported with why ----------
(cd "$TMP" && rn sources) >"$TMP/src.txt"
grep -q '^1 .* complete  case/iis6-cgi-502-2-etw.xml$' "$TMP/src.txt" && pass ||
    fail "the source row: $(cat "$TMP/src.txt")"
grep -A1 ' skipped   case/trace.etl$' "$TMP/src.txt" | grep -qF "$ETW_WHY" &&
    pass || fail "skipped .etl with why: $(cat "$TMP/src.txt")"
grep -A1 ' skipped   case.zip!readme.txt$' "$TMP/src.txt" |
    grep -q 'not a trace, log or capture' && pass ||
    fail "skipped archive member: $(cat "$TMP/src.txt")"
if [ -n "$nopkt" ]; then
    grep -A1 'skipped   case/kernel.etl$' "$TMP/src.txt" |
        grep -q 'an ETW trace without packet events: render IIS events' &&
        pass || fail "skipped .etl without packets: $(cat "$TMP/src.txt")"
    grep -q '^skipped   case/kernel.etl \[pcap\]' "$TMP/out" && pass ||
        fail "import reports the .etl without packets as skipped: $(cat "$TMP/out" "$TMP/err")"
fi

# ---- JSON: the source entry as before, the others appended -------------
rn sources --format json >"$TMP/src.json"
expect_eq "json: first entry is the source" \
    "$(jq -c '.[0] | [.id, .kind, .state, .path]' "$TMP/src.json")" \
    '[1,"etw","complete","case/iis6-cgi-502-2-etw.xml"]'
# notes.txt and trace.etl are the same content in and out of the zip: one
# entry each, under the name met first.
nskip=3
[ -n "$nopkt" ] && nskip=4
expect_eq "json: one entry per skipped file" \
    "$(jq '[.[] | select(.id == null)] | length' "$TMP/src.json")" "$nskip"
expect_eq "json: skipped entries" \
    "$(jq -c '[.[] | select(.id == null) | select(.path | test("trace.etl|readme")) | [.path, .kind, .state, .message, .events]]' "$TMP/src.json")" \
    "[[\"case.zip!readme.txt\",null,\"skipped\",\"not a trace, log or capture reqnav can read (not ETW XML, FREB XML, a W3C or HTTPERR log, a pcap, pcapng or Network Monitor capture, nor a zip, tar, gzip, bzip2 or xz archive)\",0],[\"case/trace.etl\",null,\"skipped\",\"$ETW_WHY\",0]]"
# Every key a skipped entry has, a source entry has too.
expect_eq "json: no key a source lacks" \
    "$(jq -c '(.[0] | keys) as $k | [.[] | select(.id == null) | keys - $k | .[]] | unique' "$TMP/src.json")" \
    '[]'
expect_eq "json: skipped size and hash" \
    "$(jq -c '.[] | select(.path == "case/trace.etl") | [.bytes, (.sha256 | length)]' "$TMP/src.json")" \
    '[10,64]'

# ---- the same skip once; a file imported later is no longer listed -----
(cd "$TMP" && "$REQNAV" --store "$STORE" -q import case case.zip) >/dev/null 2>&1
expect_eq "re-import: the same skips once" \
    "$(rn sources --format json | jq '[.[] | select(.id == null)] | length')" \
    "$nskip"
# A file named directly that fails whole: failed, with its position.
head -c 560 "$S/iis6-cgi-502-2-etw.xml" >"$TMP/cut.xml"
printf '<ROW><EventNumber>1</Ev&&&<<>\n' >>"$TMP/cut.xml"
(cd "$TMP" && rn import cut.xml) >/dev/null 2>&1
expect_eq "unparsable file: exit" "$?" 1
expect_eq "unparsable file: failed with its position" \
    "$(rn sources --format json | jq -c '.[] | select(.path == "cut.xml") | [.state, .format, .message]')" \
    '["failed","etw-xml","cut.xml: line 14, column 39: expected '"'"'>'"'"'"]'
rn sources | grep -A1 ' failed    cut.xml$' | grep -q 'line 14, column 39' &&
    pass || fail "table: failed file with position"
# Mended and imported again: a source, no longer listed as failed.
sed 's/20:19:06/20:19:07/' "$S/iis6-cgi-502-2-etw.xml" >"$TMP/cut.xml"
(cd "$TMP" && rn import cut.xml) >/dev/null 2>&1
expect_eq "mended file: exit" "$?" 0
expect_eq "mended file: a source, not failed" \
    "$(rn sources --format json | jq -c '[.[] | select(.path == "cut.xml") | .state]')" \
    '["complete"]'

# ---- a damaged archive: listed with its damage until it comes whole ----
if command -v tar >/dev/null 2>&1; then
    mkdir -p "$TMP/t"
    cp "$S/iis6-cgi-502-2-etw.xml" "$TMP/t/a.xml"
    sed 's/20:19:06/20:19:08/' "$S/iis6-cgi-502-2-etw.xml" >"$TMP/t/b.xml"
    (cd "$TMP/t" && tar cf ../whole.tar a.xml b.xml) || fail "making the tar"
    head -c 400000 "$TMP/whole.tar" >"$TMP/logs.tar"
    (cd "$TMP" && rn import logs.tar) >/dev/null 2>&1
    expect_eq "damaged archive: listed" \
        "$(rn sources --format json | jq -c '.[] | select(.path == "logs.tar") | [.state, .format, (.message | test("damaged archive at member .b.xml."))]')" \
        '["damaged","archive",true]'
    cp "$TMP/whole.tar" "$TMP/logs.tar"
    (cd "$TMP" && rn import logs.tar) >/dev/null 2>&1
    expect_eq "archive whole again: no longer listed" \
        "$(rn sources --format json | jq '[.[] | select(.path == "logs.tar")] | length')" 0
fi

# ---- nothing importable: exit 1, no store, not even for the skips ------
rm -rf "$TMP/junk" && mkdir "$TMP/junk"
printf 'x\n' >"$TMP/junk/a.txt"
cp "$TMP/case/trace.etl" "$TMP/junk/"
"$REQNAV" --store "$TMP/new.db" import "$TMP/junk" >/dev/null 2>&1
expect_eq "nothing importable: exit" "$?" 1
[ ! -e "$TMP/new.db" ] && pass || fail "nothing importable left a store"

# ---- a store made before the table: reads, then gains it ---------------
if command -v sqlite3 >/dev/null 2>&1; then
    sqlite3 "$STORE" 'DROP TABLE skipped_file' || fail "dropping the table"
    expect_eq "old store: sources read" \
        "$(rn sources --format json | jq '[.[] | select(.id == null)] | length')" 0
    (cd "$TMP" && rn -q import case) >/dev/null 2>&1
    expect_eq "old store: skips kept after an import" \
        "$(rn sources --format json | jq '[.[] | select(.path == "case/trace.etl")] | length')" 1
fi
finish
