# ETW XML import: a generated Log Parser trace (default 500 MB) imported
# into a new store, beside `xmllint --stream --noout` on the same file.
. "$(dirname "$0")/lib.sh"
SIZE_MB=${ETW_MB:-500}
file="$BENCH_DIR/etw-$SIZE_MB.xml"
[ -s "$file" ] || "$BUILD/tests/gen_etw" --size-mb "$SIZE_MB" >"$file"
bytes=$(stat -c %s "$file")
rm -f "$BENCH_DIR/etw.db"*
set -- $(measure ours "$REQNAV" --store "$BENCH_DIR/etw.db" -q import "$file")
our_s=$2 our_kb=$3
set -- $(measure ref xmllint --stream --noout "$file")
ref_s=$2 ref_kb=$3
events=$("$REQNAV" --store "$BENCH_DIR/etw.db" sql 'SELECT sum(events) FROM source' | tail -1)
row "etw-xml import" "$bytes" "$our_s" "$our_kb" "$ref_s" "$ref_kb" "$events" ev
