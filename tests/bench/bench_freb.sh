# FREB folder import: FREB_FILES (default 10000) generated fr*.xml traces
# plus freb.xsl in one folder, imported into a new store; beside
# `xmllint --stream --noout` over the same files.  Prints the table row
# and files/s, events/s and peak RSS.
. "$(dirname "$0")/lib.sh"
FILES=${FREB_FILES:-10000}
dir="$BENCH_DIR/freb-$FILES"
[ -s "$dir/fr$(printf %06d "$FILES").xml" ] ||
    "$BUILD/tests/gen_freb" folder "$dir" "$FILES"
bytes=$(cat "$dir"/fr*.xml | wc -c)
rm -f "$BENCH_DIR/freb.db"*
set -- $(measure ours "$REQNAV" --store "$BENCH_DIR/freb.db" -q import "$dir")
our_s=$2 our_kb=$3
set -- $(measure ref sh -c "xmllint --stream --noout '$dir'/fr*.xml")
ref_s=$2 ref_kb=$3
set -- $("$REQNAV" --store "$BENCH_DIR/freb.db" sql \
    'SELECT count(*), sum(events) FROM source' | tail -1)
files=$1 events=$2
row "freb folder import" "$bytes" "$our_s" "$our_kb" "$ref_s" "$ref_kb" \
    "$events" ev
awk -v f="$files" -v e="$events" -v s="$our_s" -v kb="$our_kb" 'BEGIN {
    printf "freb: %d files, %d events in %.2f s: %.0f files/s (%.0f files/min), %.0f events/s, peak RSS %.1f MB\n",
        f, e, s, (s > 0 ? f / s : 0), (s > 0 ? 60 * f / s : 0),
        (s > 0 ? e / s : 0), kb / 1024 }' >&2
