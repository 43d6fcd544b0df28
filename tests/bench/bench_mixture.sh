# Mixtures: a capture imported into a store that already holds a large
# trace of the same seconds: the Log Parser file of targets.sh (LP_MB),
# whose requests crowd the capture's first second, the worst case for the
# capture's clock estimate and links.  The capture is gen_pcap's bench
# traffic, MIX_PCAP_MB (20) of it; its exchanges match none of the
# trace's requests.  Reference: the same capture into an empty store, so
# the ratio is what the store beside it costs.
. "$(dirname "$0")/lib.sh"
LP_MB=${LP_MB:-200}
MIX_PCAP_MB=${MIX_PCAP_MB:-20}
lp="$BENCH_DIR/etw-logparser-$LP_MB.xml"
cap="$BENCH_DIR/mix-$MIX_PCAP_MB.pcap"
base="$BENCH_DIR/mix-base-$LP_MB.db"
db="$BENCH_DIR/mix.db"
ref="$BENCH_DIR/mix-ref.db"
[ -s "$lp" ] ||
    "$BUILD/tests/gen_etw" --dialect logparser --size-mb "$LP_MB" >"$lp"
[ -s "$cap" ] ||
    "$BUILD/tests/gen_pcap" bench "$cap" "$MIX_PCAP_MB" 200 >"$cap.txt"
if [ ! -s "$base" ]; then
    rm -f "$base"*
    "$REQNAV" --store "$base" -q import "$lp" >/dev/null
fi
rm -f "$db"* "$ref"*
cp "$base" "$db"
# Not -q: the link counts after the import are part of what a user waits
# for.
set -- $(measure mixture "$REQNAV" --store "$db" import "$cap")
ours_s=$2 ours_kb=$3
set -- $(measure alone "$REQNAV" --store "$ref" import "$cap")
xch=$("$REQNAV" --store "$db" sql \
    'SELECT count(*) FROM srcreq WHERE kind = 5' | tail -1)
row "pcap into $LP_MB MB LP" "$(stat -c %s "$cap")" "$ours_s" "$ours_kb" \
    "$2" "$3" "$xch" xch
