# XML safety: entity-expansion documents (billion laughs, quadratic
# blow-up), external entities and DTDs (a local file, a local HTTP
# listener), deep nesting and oversized text nodes are refused quickly
# with a message naming the file; nothing outside the file is read.
. "$(dirname "$0")/lib.sh"

ROW='<ROW><EventNumber>1</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_START</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|RequestURL=http://h/DATA|RequestVerb=GET</UserData></ROW>'

# row TEXT: the row above with DATA replaced by TEXT.
row() { printf '%s\n' "$ROW" | sed "s|DATA|$1|"; }

# refused NAME FILE WHAT [FORMAT]: the import fails (exit 1) within 10 s,
# names the file and says WHAT, and keeps no event of it: into a new store
# nothing importable was found, so no store is left at all.
refused() {
    name=$1 file=$2 what=$3 fmt=${4:-etw-xml}
    rm -f "$STORE"*
    start=$(date +%s)
    timeout 60 "$REQNAV" --store "$STORE" import --format "$fmt" "$file" \
        >"$TMP/out" 2>"$TMP/err"
    rc=$?
    secs=$(($(date +%s) - start))
    expect_eq "$name: exit" "$rc" 1
    [ "$secs" -le 10 ] && pass || fail "$name: took ${secs}s"
    grep -q "$(basename "$file").*$what" "$TMP/err" && pass ||
        fail "$name: message: $(cat "$TMP/err")"
    [ ! -e "$STORE" ] && pass || fail "$name: a store was left"
}

# Billion laughs: ten levels of ten references each.
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE ROOT ['
    echo '<!ENTITY lol0 "lol">'
    i=1
    while [ $i -le 9 ]; do
        p=$((i - 1))
        echo "<!ENTITY lol$i \"&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;&lol$p;\">"
        i=$((i + 1))
    done
    echo ']>'
    echo '<ROOT>'
    row '\&lol9;'
    echo '</ROOT>'
} >"$TMP/laughs.xml"
refused "billion laughs" "$TMP/laughs.xml" "line 3: the document declares entities"
# Detected from its content too (no --format).
rm -f "$STORE"*
rn import "$TMP/laughs.xml" >/dev/null 2>"$TMP/err"
expect_eq "billion laughs detected: exit" "$?" 1
grep -q "laughs.xml: line 3: the document declares entities" "$TMP/err" &&
    pass || fail "billion laughs detected: $(cat "$TMP/err")"

# Quadratic blow-up: one 50 KB entity referenced 20000 times.
big=$(head -c 50000 /dev/zero | tr '\0' A)
refs=$(head -c 20000 /dev/zero | tr '\0' x | sed 's/x/\&a;/g')
{
    echo '<?xml version="1.0"?>'
    echo "<!DOCTYPE ROOT [<!ENTITY a \"$big\">]>"
    echo '<ROOT>'
    row "$refs"
    echo '</ROOT>'
} >"$TMP/quad.xml"
refused "quadratic blow-up" "$TMP/quad.xml" "line 2: the document declares entities"

# The same attacks in a FREB file.
{
    echo '<?xml version="1.0" encoding="UTF-8" ?>'
    echo '<!DOCTYPE failedRequest [<!ENTITY a "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA">'
    echo '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    echo '<failedRequest url="http://h/&b;" siteId="1" verb="GET"'
    echo ' activityId="{80000006-0007-FF00-B63F-84710C7967BB}" statusCode="500">'
    echo '</failedRequest>'
} >"$TMP/freb-ent.xml"
refused "FREB entities" "$TMP/freb-ent.xml" "line 2: the document declares entities" freb

# A declaration inside a comment of the subset is not one; the parameter
# entity declaration after it is.
{
    echo '<?xml version="1.0"?>'
    echo '<!DOCTYPE ROOT [ <!-- <!ENTITY not one> --> <!ELEMENT ROOT ANY>'
    echo '<!ENTITY % pe "x"> ]>'
    echo '<ROOT>'
    row x
    echo '</ROOT>'
} >"$TMP/pe.xml"
refused "parameter entity" "$TMP/pe.xml" "line 3: the document declares entities"

# The entity check reads bytes: encodings in which "<!ENTITY" is not those
# bytes (UCS-4, EBCDIC, UTF-7, or a switch to one after the declaration)
# are refused; IIS writes none of them.
body="<!DOCTYPE ROOT [<!ENTITY a \"AAAA\">]>
<ROOT>$(row '\&a;')</ROOT>"
{
    printf "<?xml version='1.0' encoding='UCS-4'?>"
    printf '%s\n' "$body" | iconv -f UTF-8 -t UTF-32BE
} >"$TMP/enc-switch.xml"
refused "switch to UCS-4" "$TMP/enc-switch.xml" "line 1: encoding UCS-4 refused"
printf "<?xml version='1.0' encoding='UCS-4'?>%s\n" "$body" |
    iconv -f UTF-8 -t UTF-32BE >"$TMP/enc-ucs4.xml"
refused "UCS-4" "$TMP/enc-ucs4.xml" "line 1: encoding unknown (first bytes 00 00) refused"
printf "<?xml version='1.0' encoding='IBM037'?>%s\n" "$body" |
    iconv -f UTF-8 -t IBM037 >"$TMP/enc-ebcdic.xml"
refused "EBCDIC" "$TMP/enc-ebcdic.xml" "line 1: encoding unknown (first bytes 4c 6f) refused"
printf "<?xml version='1.0' encoding='UTF-7'?>%s\n" \
    "$(printf '%s' "$body" | sed 's/<!/+ADwAIQ-/g')" >"$TMP/enc-utf7.xml"
refused "UTF-7" "$TMP/enc-utf7.xml" "line 1: encoding UTF-7 refused"
# 8-bit code pages IIS tools write are fine.
{
    printf '<?xml version="1.0" encoding="windows-1252"?>\n<ROOT>'
    row "$(printf 'caf\351')"
    printf '</ROOT>\n'
} >"$TMP/cp1252.xml"
rm -f "$STORE"*
rn import "$TMP/cp1252.xml" >/dev/null 2>"$TMP/err"
expect_eq "windows-1252: exit" "$?" 0
rn sql "SELECT json_extract(fields, '$.RequestURL') FROM event" | tail -1 |
    grep -q 'http://h/café' && pass || fail "windows-1252 text decoded"

# Log Parser's own internal subset (no entities) still imports.
{
    echo '<?xml version="1.0" encoding="ISO-10646-UCS-2" standalone="yes" ?>'
    echo '<!DOCTYPE ROOT['
    echo '<!ATTLIST ROOT DATE_CREATED CDATA #REQUIRED>'
    echo '<!ATTLIST ROOT CREATED_BY CDATA #REQUIRED>'
    echo '<!-- a comment with <!ENTITY in it and "quotes -->'
    echo '<!ELEMENT ROW (EventNumber, EventName, EventTypeName, Timestamp, UserData)>'
    echo ']>'
    echo '<ROOT DATE_CREATED="2005-08-23 20:30:00" CREATED_BY="Microsoft Log Parser V2.2">'
    row ok
    echo '</ROOT>'
} | iconv -f UTF-8 -t UTF-16 >"$TMP/lpdtd.xml"
rm -f "$STORE"*
rn import "$TMP/lpdtd.xml" >/dev/null 2>"$TMP/err"
expect_eq "internal subset without entities: exit" "$?" 0
expect_eq "internal subset without entities: event" \
    "$(rn sql 'SELECT count(*) FROM event' | tail -1)" 1

# External entity naming a local file: refused, and the file's text never
# reaches the store.
echo "SECRET-$$-TEXT" >"$TMP/secret.txt"
{
    echo '<?xml version="1.0"?>'
    echo "<!DOCTYPE ROOT [<!ENTITY x SYSTEM \"file://$TMP/secret.txt\">]>"
    echo '<ROOT>'
    row '\&x;'
    echo '</ROOT>'
} >"$TMP/xxe-file.xml"
refused "external entity (file)" "$TMP/xxe-file.xml" "declares entities"
# Beside a sound file (so that a store is kept): nothing of the secret.
{
    echo '<?xml version="1.0"?>'
    echo '<ROOT>'
    row sound
    echo '</ROOT>'
} >"$TMP/sound.xml"
rn import --format etw-xml "$TMP/sound.xml" "$TMP/xxe-file.xml" >/dev/null 2>&1
expect_eq "external entity beside a sound file: exit" "$?" 1
expect_eq "secret file not read" \
    "$(rn sql "SELECT count(*) FROM event WHERE fields LIKE '%SECRET-%'" | tail -1)" 0
expect_eq "the sound file kept" \
    "$(rn sql "SELECT count(*) FROM event WHERE fields LIKE '%sound%'" | tail -1)" 1

# An external DTD naming a local file is not loaded: the document imports
# and nothing of the file appears.
{
    echo '<?xml version="1.0"?>'
    echo "<!DOCTYPE ROOT SYSTEM \"$TMP/secret.txt\">"
    echo '<ROOT>'
    row dtd
    echo '</ROOT>'
} >"$TMP/xxe-dtd.xml"
rm -f "$STORE"*
rn import "$TMP/xxe-dtd.xml" >/dev/null 2>"$TMP/err"
expect_eq "external DTD not loaded: exit" "$?" 0
expect_eq "external DTD not loaded: nothing of it kept" \
    "$(rn sql "SELECT count(*) FROM event WHERE fields LIKE '%SECRET%'" | tail -1)" 0

# Network: a listener on 127.0.0.1 records whether anything connects.
if command -v python3 >/dev/null 2>&1; then
    python3 - "$TMP" <<'EOF' &
import socket, sys, os
tmp = sys.argv[1]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(8)
s.settimeout(30)
with open(os.path.join(tmp, "port.tmp"), "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(os.path.join(tmp, "port.tmp"), os.path.join(tmp, "port"))
try:
    while True:
        c, _ = s.accept()
        open(os.path.join(tmp, "contacted"), "a").write("x\n")
        c.close()
except Exception:
    pass
EOF
    lpid=$!
    n=50
    while [ ! -s "$TMP/port" ] && [ $n -gt 0 ]; do
        sleep 0.1
        n=$((n - 1))
    done
    port=$(cat "$TMP/port" 2>/dev/null)
    if [ -n "$port" ]; then
        {
            echo '<?xml version="1.0"?>'
            echo "<!DOCTYPE ROOT SYSTEM \"http://127.0.0.1:$port/x.dtd\">"
            echo '<ROOT>'
            row net
            echo '</ROOT>'
        } >"$TMP/net-dtd.xml"
        {
            echo '<?xml version="1.0"?>'
            echo "<!DOCTYPE ROOT [<!ENTITY x SYSTEM \"http://127.0.0.1:$port/e\">]>"
            echo '<ROOT>'
            row '\&x;'
            echo '</ROOT>'
        } >"$TMP/net-ent.xml"
        {
            echo '<?xml version="1.0"?>'
            echo "<!DOCTYPE ROOT [<!ENTITY % p SYSTEM \"http://127.0.0.1:$port/p\"> %p;]>"
            echo '<ROOT>'
            row pe
            echo '</ROOT>'
        } >"$TMP/net-pe.xml"
        rm -f "$STORE"*
        rn import "$TMP/net-dtd.xml" >/dev/null 2>&1
        expect_eq "network DTD: imported without it" "$?" 0
        refused "network entity" "$TMP/net-ent.xml" "declares entities"
        refused "network parameter entity" "$TMP/net-pe.xml" "declares entities"
        # Prove the listener works, so "not contacted" means something.
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $port)).close()"
        sleep 0.3
        expect_eq "no network access" "$(wc -l <"$TMP/contacted")" 1
    else
        fail "listener did not start"
    fi
    kill "$lpid" 2>/dev/null
    wait "$lpid" 2>/dev/null
else
    echo "note: python3 missing, network listener check skipped"
fi

# Deeply nested elements.
{
    echo '<ROOT>'
    row deep
    i=0
    while [ $i -lt 300 ]; do printf '<a>'; i=$((i + 1)); done
    i=0
    while [ $i -lt 300 ]; do printf '</a>'; i=$((i + 1)); done
    echo '</ROOT>'
} >"$TMP/deep.xml"
rm -f "$STORE"*
start=$(date +%s)
rn import --format etw-xml "$TMP/deep.xml" >/dev/null 2>"$TMP/err"
expect_eq "deep nesting: exit" "$?" 1
grep -q "deep.xml.*elements nested deeper than 256 levels" "$TMP/err" && pass ||
    fail "deep nesting message: $(cat "$TMP/err")"
[ $(($(date +%s) - start)) -le 10 ] && pass || fail "deep nesting slow"

# A text node over libxml2's 10 MB limit is refused, without XML_PARSE_HUGE.
{
    printf '<ROOT>'
    printf '<ROW><EventNumber>1</EventNumber><EventTypeName>X</EventTypeName><UserData>'
    head -c 11000000 /dev/zero | tr '\0' B
    printf '</UserData></ROW></ROOT>\n'
} >"$TMP/bigtext.xml"
refused "huge text node" "$TMP/bigtext.xml" "text node larger than 10000000 bytes"

# A 3 MB field (under the limit) is kept whole.
{
    printf '<ROOT>'
    printf '%s' "$ROW" | sed 's|DATA.*||' | tr -d '\n'
    head -c 3000000 /dev/zero | tr '\0' C
    printf '%s\n' "$ROW" | sed 's|.*DATA||'
    printf '</ROOT>\n'
} >"$TMP/bigfield.xml"
rm -f "$STORE"*
rn import "$TMP/bigfield.xml" >/dev/null 2>"$TMP/err"
expect_eq "3 MB field: exit" "$?" 0
expect_eq "3 MB field kept" \
    "$(rn sql "SELECT length(json_extract(fields, '$.RequestURL')) FROM event" | tail -1)" \
    3000009

finish
