# Capture import: a generated pcap (default 1024 MB; PCAP_MB, PCAP_CONNS)
# of many interleaved keep-alive HTTP connections (tests/gen/gen_pcap.c),
# imported into a new store, beside
#   tshark -r FILE -Y http -T fields -e http.response.code
# on the same file.  Also checks that both found the same number of
# responses.  Prints MB/s, exchanges/s and peak RSS; the ratio column is
# our time over tshark's.
. "$(dirname "$0")/lib.sh"
SIZE_MB=${PCAP_MB:-1024}
CONNS=${PCAP_CONNS:-2000}
file="$BENCH_DIR/http-$SIZE_MB-$CONNS.pcap"
[ -s "$file" ] ||
    "$BUILD/tests/gen_pcap" bench "$file" "$SIZE_MB" "$CONNS" >"$file.txt"
bytes=$(stat -c %s "$file")
rm -f "$BENCH_DIR/pcap.db"*
set -- $(measure ours "$REQNAV" --store "$BENCH_DIR/pcap.db" -q import "$file")
our_s=$2 our_kb=$3
exchanges=$("$REQNAV" --store "$BENCH_DIR/pcap.db" sql \
    'SELECT count(*) FROM srcreq' | tail -1)
responses=$("$REQNAV" --store "$BENCH_DIR/pcap.db" sql \
    'SELECT count(*) FROM srcreq WHERE http_status IS NOT NULL' | tail -1)
ref_s=0 ref_kb=0
if command -v tshark >/dev/null 2>&1; then
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.out" tshark -r "$file" \
        -Y http -T fields -e http.response.code >"$BENCH_DIR/tshark.out" \
        2>/dev/null || echo "warning: tshark exited non-zero" >&2
    set -- $(cat "$BENCH_DIR/time.out")
    ref_s=$1 ref_kb=$2
    tresp=$(grep -c '[0-9]' "$BENCH_DIR/tshark.out" || true)
    [ "$tresp" = "$responses" ] ||
        echo "warning: tshark saw $tresp responses, reqnav $responses" >&2
fi
row "pcap import" "$bytes" "$our_s" "$our_kb" "$ref_s" "$ref_kb" \
    "$exchanges" xch
echo "  generated: $(cat "$file.txt" 2>/dev/null)" >&2
echo "  reqnav: $exchanges exchanges, $responses responses;" \
    "tshark/reqnav time: $(awk -v a="$ref_s" -v b="$our_s" \
        'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')" >&2
