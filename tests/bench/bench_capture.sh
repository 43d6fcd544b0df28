# Capture import: a generated pcap (default 1024 MB; PCAP_MB, PCAP_CONNS)
# of many interleaved keep-alive HTTP connections (tests/gen/gen_pcap.c),
# imported into a new store, beside
#   tshark -r FILE -Y http -T fields -e http.response.code
# on the same file.  Also checks that both found the same number of
# responses.  Prints MB/s, exchanges/s and peak RSS; the ratio column is
# our time over tshark's.  Then the same traffic as the .etl files
# Windows writes (tests/gen/gen_etl.c: netsh's NDIS events in 64 KiB
# per-processor buffers, and pktmon's, each packet at two components),
# imported beside the pcap: for those rows the reference is our own pcap
# import, and the exchanges found must be the same.
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

# ---- the same traffic as .etl (reference: our pcap import) --------------
for kind in ndis pktmon; do
    etl="$file.$kind.etl"
    opt=""
    [ "$kind" = pktmon ] && opt=--pktmon
    # shellcheck disable=SC2086
    [ -s "$etl" ] ||
        "$BUILD/tests/gen_etl" $opt --buffer 65536 --cpus 4 "$file" "$etl"
    ebytes=$(stat -c %s "$etl")
    rm -f "$BENCH_DIR/etl.db"*
    set -- $(measure ours "$REQNAV" --store "$BENCH_DIR/etl.db" -q import "$etl")
    etl_s=$2 etl_kb=$3
    ex=$("$REQNAV" --store "$BENCH_DIR/etl.db" sql \
        'SELECT count(*) FROM srcreq' | tail -1)
    [ "$ex" = "$exchanges" ] ||
        echo "warning: .etl ($kind) gave $ex exchanges, the pcap $exchanges" >&2
    row "etl import ($kind)" "$ebytes" "$etl_s" "$etl_kb" "$our_s" "$our_kb" \
        "$ex" xch
done
echo "  etl rows: reference = the pcap import of the same traffic" >&2
