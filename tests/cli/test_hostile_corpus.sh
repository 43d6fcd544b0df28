# The hostile-strings corpus (tests/gen/gen_hostile.py: terminal escape
# sequences, C1 CSI, bidi controls, invalid UTF-8, NUL bytes, 1 MB fields,
# HTML) goes through import (W3C, capture, ETW XML) and every output path:
# requests (table, json, csv), timeline (table, json), sources, sql, every
# export format and the interface (headless screens, and the raw byte
# stream a real terminal receives, through tmux).  Nothing a terminal acts
# on reaches it, JSON stays valid, HTML has no markup from the data.
. "$(dirname "$0")/lib.sh"
need jq python3

python3 "$RN_SRC/tests/gen/gen_hostile.py" "$TMP" || exit 1
# A W3C log cut short in a crash ends in NUL padding.
printf '\0\0\0\0\0\0\0\0' >>"$TMP/u_ex240305.log"

# check_out KIND FILE: KIND tty (no C0 but TAB and LF, no DEL, no C1, no
# bidi or invisible format character, valid UTF-8), csv (tty plus CR),
# json (valid JSON, and tty rules on the text), html (tty plus CR, and no
# markup from the data).
cat >"$TMP/check.py" <<'EOF'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
data = open(path, 'rb').read()
def bad(why, at):
    ctx = data[max(0, at - 30):at + 30]
    print('%s: %s at byte %d: %r' % (path, why, at, ctx))
    sys.exit(1)
allowed = {0x09, 0x0a} | ({0x0d} if kind in ('csv', 'html') else set())
for i, b in enumerate(data):
    if (b < 0x20 and b not in allowed) or b == 0x7f:
        bad('raw control byte 0x%02x' % b, i)
try:
    text = data.decode('utf-8')
except UnicodeDecodeError as e:
    bad('invalid UTF-8', e.start)
def fmt(cp):
    return (0x200b <= cp <= 0x200f or 0x202a <= cp <= 0x202e or
            0x2060 <= cp <= 0x2069 or cp in (0xfeff, 0x061c, 0x00ad) or
            0xfff9 <= cp <= 0xfffb or cp in (0x2028, 0x2029))
pos = 0
for ch in text:
    cp = ord(ch)
    if 0x80 <= cp <= 0x9f:
        bad('C1 control U+%04X' % cp, len(text[:pos].encode()))
    if fmt(cp):
        bad('format character U+%04X' % cp, len(text[:pos].encode()))
    pos += 1
if kind == 'json':
    json.loads(text)
if kind == 'html':
    for tag in ('<script', '<b>', '&amp;amp;<b'):
        if tag in text:
            bad('markup from the data: ' + tag, text.index(tag))
EOF
check_out() {
    if python3 "$TMP/check.py" "$1" "$2" >"$TMP/why" 2>&1; then
        pass
    else
        fail "$3: $(cut -c1-300 "$TMP/why")"
    fi
}

# File names are trace content too: one with an escape sequence, a
# newline and a C1 CSI in its name.
evil=$(printf '%s/evil\033]0;PWNFILE\007\n\302\233x.pcap' "$TMP")
cp "$TMP/hostile.pcap" "$evil"
# The same capture twice would be a duplicate: change one timestamp byte.
printf '\001' | dd of="$evil" bs=1 seek=24 conv=notrunc 2>/dev/null

# ---- import ---------------------------------------------------------------
rn import "$TMP/u_ex240305.log" "$TMP/hostile.pcap" "$TMP/hostile.xml" \
    "$evil" >"$TMP/out" 2>"$TMP/err"
expect_eq "import exit" "$?" 0
cat "$TMP/out" "$TMP/err" >"$TMP/import.txt"
check_out tty "$TMP/import.txt" "import messages"
expect_eq "integrity" "$(rn sql 'PRAGMA integrity_check' | tail -1)" ok
expect_eq "four sources" "$(rn sql 'SELECT count(*) FROM source' | tail -1)" 4
# What was sound is kept: the line after a NUL whole, the 1 MB URL whole.
expect_eq "NUL line kept whole" \
    "$(rn sql "SELECT count(*) FROM event WHERE fields LIKE '%PWNNUL%' AND kind = 3" | tail -1)" 1
expect_eq "1 MB W3C URL kept" \
    "$(rn sql "SELECT max(length(json_extract(fields, '$.cs-uri-stem'))) FROM event WHERE kind = 3" | tail -1)" \
    1000004
expect_eq "1 MB ETW field kept" \
    "$(rn sql "SELECT max(length(json_extract(fields, '$.Headers'))) FROM event WHERE kind = 1" | tail -1)" \
    1048576
rn sql 'SELECT message FROM source_warning' >"$TMP/warn"
grep -q "line 6: NUL bytes shown as U+FFFD" "$TMP/warn" &&
    grep -q "line 8: 8 NUL bytes (padding?) ignored" "$TMP/warn" &&
    pass || fail "NUL warnings: $(cat "$TMP/warn")"

# ---- command-line outputs -----------------------------------------------
rn requests >"$TMP/o" 2>&1
check_out tty "$TMP/o" "requests table"
grep -q 'PWNTITLE' "$TMP/o" && pass || fail "requests table shows the text"
rn requests --format json >"$TMP/o" 2>&1
check_out json "$TMP/o" "requests json"
rn requests --format csv >"$TMP/o" 2>&1
check_out csv "$TMP/o" "requests csv"
ids=$(rn requests --format json | jq -r '.[].id')
expect_eq "requests" "$(echo "$ids" | wc -l)" 6
for id in $ids; do
    rn timeline "$id" >"$TMP/o" 2>&1
    check_out tty "$TMP/o" "timeline $id table"
    rn timeline --format json "$id" >"$TMP/o" 2>&1
    check_out json "$TMP/o" "timeline $id json"
done
rn sources >"$TMP/o" 2>&1
check_out tty "$TMP/o" "sources"
rn sql 'SELECT * FROM event' >"$TMP/o" 2>&1
check_out tty "$TMP/o" "sql events"
rn sql 'SELECT * FROM request; SELECT * FROM srcreq' >"$TMP/o" 2>&1
check_out tty "$TMP/o" "sql requests"
rn sql "SELECT char(27) || ']0;PWNSQL' || char(7) || char(155)" >"$TMP/o" 2>&1
check_out tty "$TMP/o" "sql computed value"

# ---- reports ----------------------------------------------------------------
for fmt in md html json csv; do
    for red in "" --no-redact; do
        rn export --filter '' --format $fmt $red >"$TMP/o" 2>"$TMP/err"
        rc=$?
        expect_eq "export $fmt $red: exit" "$rc" 0
        case $fmt in
        md) kind=tty ;;
        *) kind=$fmt ;;
        esac
        check_out "$kind" "$TMP/o" "export $fmt $red"
    done
done
rn export --filter '' --format html -o "$TMP/r.html" >/dev/null 2>&1
if command -v xmllint >/dev/null 2>&1; then
    xmllint --noout --nonet "$TMP/r.html" 2>"$TMP/err" && pass ||
        fail "html report not well-formed: $(head -3 "$TMP/err")"
fi

# ---- the interface, headless ------------------------------------------------
for keys in '' '<Enter>' 'j<Enter>' 'jj<Enter>' 'jjj<Enter>' 'jjjj<Enter>' \
    '<Enter><Enter>' 'j<Enter><Down><Enter>' '<Enter>jjj<Enter>' \
    '<Enter>jjjj<Enter>' '/PWN\r' 'fstatus:5xx\r<Enter>'; do
    "$REQNAV" --store "$STORE" --headless --size 120x40 --keys "$keys" \
        >"$TMP/o" 2>&1
    check_out tty "$TMP/o" "headless screen after '$keys'"
done

# ---- the interface on a terminal: the raw bytes it is sent ------------------
if command -v tmux >/dev/null 2>&1; then
    TS="rn-hostile-$$"
    tm() { tmux -L "$TS" -f /dev/null "$@"; }
    tm new-session -d -x 150 -y 45 \
        "env LC_ALL=C.UTF-8 TERM=xterm-256color '$REQNAV' --store '$STORE'; sleep 1"
    tm pipe-pane -o "cat >'$TMP/raw'"
    title=$(tm display-message -p '#{pane_title}')
    for k in Enter j j Enter Escape j Enter Enter Escape Escape j j Enter \
        Enter Escape Escape j Enter Enter Escape q q; do
        tm send-keys "$k"
        sleep 0.15
    done
    sleep 0.5
    tm kill-server 2>/dev/null
    [ -s "$TMP/raw" ] && pass || fail "no terminal output captured"
    # The stream is full of the interface's own escape sequences; look for
    # the payloads' bytes instead.
    python3 - "$TMP/raw" >"$TMP/why" 2>&1 <<'EOF'
import sys
data = open(sys.argv[1], 'rb').read()
for needle in (b'\x1b]0;PWN', b'\x1b[2JPWN', b'\x9b31m', b'\xc2\x9b',
               b'\xe2\x80\xae', b'\xe2\x81\xa6', b'\x07x', b'\x00PWN', b'\xff'):
    if needle in data:
        print('raw payload %r in the terminal stream' % needle)
        sys.exit(1)
if b'PWN' not in data:
    print('the hostile text was never shown')
    sys.exit(1)
EOF
    [ $? = 0 ] && pass || fail "terminal stream: $(cat "$TMP/why")"
    case "$title" in *PWN*) fail "pane title changed" ;; *) pass ;; esac
fi

finish
