# Evidence as it arrives: zip, tar.gz, tar.bz2, tar.xz and a single
# gzip/bzip2/xz file, made here with the real tools, are imported member
# by member as if unpacked ("case.zip!W3SVC1/fr000001.xml"); the same
# content in or out of an archive is one source; a damaged archive keeps
# the members before the damage and names the archive and the member; an
# import that finds nothing importable exits 1 and leaves no store.
. "$(dirname "$0")/lib.sh"
need zip tar gzip bzip2 xz

mkdir -p "$TMP/case/W3SVC1"
"$GEN_FREB" folder "$TMP/case/W3SVC1" 6 >/dev/null
cp "$RN_SRC/share/samples/iis6-cgi-502-2-etw.xml" \
    "$RN_SRC/share/samples/iis6-cgi-502-2-capture.pcap" "$TMP/case/"
nfreb=$(ls "$TMP/case/W3SVC1"/fr*.xml | wc -l)
(cd "$TMP/case" && zip -qr "$TMP/case.zip" W3SVC1 iis6-cgi-502-2-etw.xml &&
    tar czf "$TMP/logs.tar.gz" W3SVC1 && tar cjf "$TMP/logs.tar.bz2" W3SVC1 &&
    tar cJf "$TMP/logs.tar.xz" W3SVC1) || fail "making the archives"
gzip -c "$TMP/case/iis6-cgi-502-2-capture.pcap" >"$TMP/net.pcap.gz"
bzip2 -c "$TMP/case/iis6-cgi-502-2-etw.xml" >"$TMP/etw.xml.bz2"
xz -c "$TMP/case/W3SVC1/fr000001.xml" >"$TMP/one.xml.xz"

# The zip: every member imported under its archive name, the stylesheet
# skipped with why, exit 0.
(cd "$TMP" && "$REQNAV" --store "$STORE" import case.zip) >"$TMP/out" 2>"$TMP/err"
expect_eq "zip exit" "$?" 0
grep -q '^imported  case.zip!W3SVC1/fr000001.xml \[freb\]' "$TMP/out" && pass ||
    fail "zip member line: $(cat "$TMP/out" "$TMP/err")"
grep -q '^imported  case.zip!iis6-cgi-502-2-etw.xml \[etw-logparser\]: 800 events' \
    "$TMP/out" && pass || fail "zip etw member: $(cat "$TMP/out")"
grep -q '^skipped   case.zip!W3SVC1/freb.xsl: not a trace, log or capture' \
    "$TMP/out" && pass || fail "skipped member says why: $(cat "$TMP/out")"
expect_eq "zip sources" "$(rn sql "SELECT count(*) FROM source WHERE path LIKE 'case.zip!%'" | tail -1)" \
    $((nfreb + 1))
rn sources | grep -q ' case.zip!W3SVC1/fr000002.xml$' && pass || fail "sources lists the member"
rn timeline --format json '{00000000-0000-0000-4c06-0060000000ef}' >"$TMP/tl.json"
jq -e '.events | map(select(.file == "case.zip!iis6-cgi-502-2-etw.xml")) | length > 0' \
    "$TMP/tl.json" >/dev/null && pass || fail "events name the member as their file"
# The spool files are gone.
ls "${TMPDIR:-/tmp}"/reqnav-member-* >/dev/null 2>&1 && fail "spool files left" || pass

# The same content in a tar.gz, as files, and compressed alone: one source.
before=$(rn sql 'SELECT count(*) FROM source' | tail -1)
for a in logs.tar.gz logs.tar.bz2 logs.tar.xz one.xml.xz; do
    (cd "$TMP" && "$REQNAV" --store "$STORE" import "$a") >"$TMP/out" 2>&1
    expect_eq "$a exit" "$?" 0
    expect_eq "$a duplicates" "$(grep -c '^duplicate' "$TMP/out")" \
        "$(case $a in one.*) echo 1 ;; *) echo "$nfreb" ;; esac)"
    m="$a!W3SVC1/fr000003.xml"
    case $a in one.*) m="$a!one.xml" ;; esac
    grep -qF "duplicate $m [freb]" "$TMP/out" && pass || fail "$a: $m not named"
done
rn import "$TMP/case/W3SVC1" >"$TMP/out" 2>&1
expect_eq "unpacked folder duplicates" "$(grep -c '^duplicate' "$TMP/out")" "$nfreb"
expect_eq "no new source" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" "$before"

# A single compressed capture and a bzip2 ETW file: the member is the file
# without its suffix, and the capture joins the 502.2 request.
rm -f "$STORE"*
(cd "$TMP" && "$REQNAV" --store "$STORE" import etw.xml.bz2 net.pcap.gz) >"$TMP/out" 2>&1
expect_eq "single compressed exit" "$?" 0
grep -q '^imported  etw.xml.bz2!etw.xml \[etw-logparser\]: 800 events' "$TMP/out" &&
    pass || fail "bz2 member: $(cat "$TMP/out")"
grep -q '^imported  net.pcap.gz!net.pcap \[pcap\]: 6 events' "$TMP/out" &&
    pass || fail "gz member: $(cat "$TMP/out")"
expect_eq "capture joined" \
    "$(rn requests --filter status:502.2 --format json | jq -r '.[0].sources | join(",")')" \
    "etw,pcap"

# Damaged archives: members before the damage kept, archive and member named.
size=$(stat -c %s "$TMP/logs.tar.gz")
head -c $((size * 2 / 3)) "$TMP/logs.tar.gz" >"$TMP/cut.tar.gz"
rm -f "$STORE"*
(cd "$TMP" && "$REQNAV" --store "$STORE" import cut.tar.gz) >"$TMP/out" 2>"$TMP/err"
expect_eq "cut tar.gz exit" "$?" 1
kept=$(grep -c '^imported  cut.tar.gz!W3SVC1/fr' "$TMP/out")
[ "$kept" -ge 1 ] && [ "$kept" -lt "$nfreb" ] && pass ||
    fail "cut tar.gz kept $kept of $nfreb"
grep -q "^partial   cut.tar.gz \[archive\].*cut.tar.gz: damaged archive at member 'W3SVC1/fr0000[0-9][0-9].xml' (truncated gzip input); the $((kept + 1)) members before it read" \
    "$TMP/err" && pass || fail "cut tar.gz message: $(cat "$TMP/err")"
expect_eq "cut tar.gz sources" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" "$kept"
size=$(stat -c %s "$TMP/case.zip")
head -c $((size - 2000)) "$TMP/case.zip" >"$TMP/cut.zip"
(cd "$TMP" && "$REQNAV" --store "$STORE" import cut.zip) >"$TMP/out" 2>"$TMP/err"
expect_eq "cut zip exit" "$?" 1
expect_eq "cut zip freb members kept" \
    "$(grep -cE '^(imported |duplicate) cut.zip!W3SVC1/fr' "$TMP/out")" "$nfreb"
grep -q "cut.zip: damaged archive at member 'iis6-cgi-502-2-etw.xml'" "$TMP/err" &&
    pass || fail "cut zip message: $(cat "$TMP/err")"
printf 'BZh91AY&SY garbage' >"$TMP/bad.tar.bz2"
(cd "$TMP" && "$REQNAV" --store "$STORE" import bad.tar.bz2) >/dev/null 2>"$TMP/err"
expect_eq "unreadable archive exit" "$?" 1
grep -q "bad.tar.bz2: damaged archive, nothing readable" "$TMP/err" && pass ||
    fail "unreadable archive: $(cat "$TMP/err")"
expect_eq "store kept (each FREB file once)" \
    "$(rn sql 'SELECT count(*) FROM source' | tail -1)" "$nfreb"

# Nothing importable: exit 1, no store left behind; skipped files say why.
mkdir "$TMP/junk"
printf 'notes\n' >"$TMP/junk/readme.txt"
printf '\0\0\0\0' >"$TMP/junk/trace.etl"
(cd "$TMP/junk" && zip -q "$TMP/junk/more.zip" readme.txt)
"$REQNAV" --store "$TMP/new.db" import "$TMP/junk" >"$TMP/out" 2>"$TMP/err"
expect_eq "nothing importable exit" "$?" 1
[ ! -e "$TMP/new.db" ] && pass || fail "empty store left behind"
grep -q "nothing importable found (3 skipped, 0 failed)" "$TMP/err" && pass ||
    fail "nothing importable message: $(cat "$TMP/err")"
grep -q 'trace.etl: binary ETW: render it with tracerpt -of XML, or Log Parser, first' \
    "$TMP/out" && pass || fail ".etl why: $(cat "$TMP/out")"
grep -q 'more.zip!readme.txt: not a trace, log or capture reqnav can read (not ETW XML' \
    "$TMP/out" && pass || fail "member why: $(cat "$TMP/out")"
"$REQNAV" --store "$TMP/new.db" "$TMP/junk" </dev/null >/dev/null 2>&1
expect_eq "nothing importable, no command: exit" "$?" 1
[ ! -e "$TMP/new.db" ] && pass || fail "empty store left behind (no command)"
# Into an existing store: exit 1, the store and its sources kept.
rn import "$TMP/junk" >/dev/null 2>&1
expect_eq "nothing importable into a store exit" "$?" 1
expect_eq "existing store kept" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" \
    "$nfreb"
finish
