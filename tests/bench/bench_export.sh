# Reports: a store of about 10,000 requests (generated ETW trace, EXPORT_EVENTS
# events, default 22000) exported in each format with redaction on.  The
# size column is the report written; records are requests.  Reference:
# `reqnav requests --format json` over the same store (the request list
# alone, no timelines), the floor an export cannot beat.
. "$(dirname "$0")/lib.sh"
EVENTS=${EXPORT_EVENTS:-22000}
trace="$BENCH_DIR/export-$EVENTS.xml"
store="$BENCH_DIR/export-$EVENTS.db"
[ -s "$trace" ] || "$BUILD/tests/gen_etw" --events "$EVENTS" --hostile >"$trace"
if [ ! -s "$store" ]; then
    rm -f "$store"*
    "$REQNAV" --store "$store" -q import "$trace" >/dev/null
fi
requests=$("$REQNAV" --store "$store" sql 'SELECT count(*) FROM request' | tail -1)
set -- $(measure ref "$REQNAV" --store "$store" requests --format json)
ref_s=$2 ref_kb=$3
for f in md html json csv; do
    out="$BENCH_DIR/export.$f"
    rm -f "$out"
    set -- $(measure "$f" "$REQNAV" --store "$store" -q export --filter '' \
        --format "$f" -o "$out")
    row "export $f ($requests req)" "$(stat -c %s "$out")" "$2" "$3" \
        "$ref_s" "$ref_kb" "$requests" req
done
