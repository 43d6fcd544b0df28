# The HTML report as a browser shows it: headless Chromium renders the seed
# case's report to PNG, and the picture must hold the SVG phase bar (its
# CGI phase fill) and the three role markers; printed to PDF, the role
# labels, the request's duration in human units and its whole diagnosis
# must be there as text.  `sh share/deps.sh --test` installs Chromium and
# pdftotext (CI does); elsewhere the test skips (77) without them, and in
# CI (CI=true) their absence is a failure.
. "$(dirname "$0")/lib.sh"
CHROME=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then
        CHROME=$c
        break
    fi
done
for t in "$CHROME" pdftotext python3 jq; do
    if [ -z "$t" ] || ! command -v "$t" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            echo "FAIL: ${t:-chromium} not installed: run sh share/deps.sh --test" >&2
            exit 1
        fi
        echo "skip: ${t:-chromium} not installed (sh share/deps.sh --test)"
        exit 77
    fi
done

"$GEN_ETW" --dialect logparser >"$TMP/lp.xml"
rn -q import "$TMP/lp.xml"
rn -q export --filter status:502.2 --format html -o "$TMP/r.html"
expect_eq "export" "$?" 0

chrome() {
    timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu \
        --disable-dev-shm-usage --no-first-run --hide-scrollbars \
        --user-data-dir="$TMP/profile" "$@" >"$TMP/chrome.log" 2>&1
}
chrome --window-size=1280,1600 --screenshot="$TMP/r.png" "file://$TMP/r.html"
[ -s "$TMP/r.png" ] && pass || { fail "no screenshot"; cat "$TMP/chrome.log" >&2; }

# Count pixels of the phase bar's colours in the PNG (a small decoder:
# 8-bit RGB/RGBA, non-interlaced, as Chromium writes).
python3 - "$TMP/r.png" <<'EOF' && pass || fail "phase bar and markers rendered"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b'IHDR':
        w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
    elif kind == b'IDAT':
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype)
bpp = 3 if ctype == 2 else 4
raw, stride = zlib.decompress(idat), w * bpp
prev, rows, i = bytearray(stride), [], 0
for _ in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
    i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b, c = prev[x], (prev[x - bpp] if x >= bpp else 0)
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
def count(rgb, ys=None):
    want = bytes.fromhex(rgb)
    n, where = 0, set()
    for y, line in enumerate(rows):
        for x in range(0, stride, bpp):
            if line[x:x + 3] == want:
                n += 1
                where.add(y)
    return n, where
cgi, cgi_rows = count('f3d9a4')     # the CGI phase of the bar
bar, _ = count('e3eaf4')            # the rest of the bar (may be hidden)
marks = {name: count(c) for name, c in
         (('cgi_start', '1b7f3b'), ('header_error', 'c25e00'), ('status_send', 'b3001b'))}
print('cgi phase px', cgi, 'rows', len(cgi_rows), 'markers',
      {k: v[0] for k, v in marks.items()})
assert cgi > 5000 and len(cgi_rows) >= 10, 'no CGI phase bar'
top, bottom = min(cgi_rows) - 80, max(cgi_rows) + 10
for name, (n, ys) in marks.items():
    near = [y for y in ys if top <= y <= bottom]
    assert len(near) >= 5, 'no %s marker near the bar' % name
EOF

# Printed (the print CSS applies), the SVG labels are text in the PDF, and
# so are the duration in human units and the diagnosis, whole.
chrome --print-to-pdf="$TMP/r.pdf" --no-pdf-header-footer "file://$TMP/r.html"
pdftotext "$TMP/r.pdf" "$TMP/r.txt" 2>/dev/null
[ -s "$TMP/r.txt" ] && pass || { fail "no PDF text"; cat "$TMP/chrome.log" >&2; }
for label in 'CGI start' 'header error' 'status send' 'CGI process' \
    'CGI_PREMATURE_TERMINATION'; do
    grep -q "$label" "$TMP/r.txt" && pass || fail "pdf lacks '$label'"
done
rn requests --filter status:502.2 --format json >"$TMP/r.json"
# The duration as a person reads it, from the contract's duration_ms:
# 6m41.4s, 15.5s, 12ms (render_duration's rules, written again here).
dur=$(jq -r '.[0].duration_ms' "$TMP/r.json" | python3 -c '
import sys
ms = float(sys.stdin.read())
if ms < 1000: print("%dms" % int(ms))
elif ms < 60000: t = int(ms // 100); print("%d.%ds" % (t // 10, t % 10))
elif ms < 3600000:
    t = int(ms // 100); print("%dm%02d.%ds" % (t // 600, t // 10 % 60, t % 10))
else:
    s = int(ms // 1000); print("%dh%02dm%02ds" % (s // 3600, s // 60 % 60, s % 60))')
# The page's text as one line: PDF lines joined, blanks collapsed.
flat=$(tr '\n' ' ' <"$TMP/r.txt" | tr -s ' ')
case $flat in
*"Duration $dur"*) pass ;;
*) fail "pdf lacks the duration '$dur'" ;;
esac
diag=$(jq -r '.[0].diagnosis' "$TMP/r.json" | tr -s ' ')
[ -n "$diag" ] && [ "$diag" != null ] && pass || fail "no diagnosis in JSON"
case $flat in
*"$diag"*) pass ;;
*) fail "pdf lacks the whole diagnosis: $diag" ;;
esac
finish
