# Correlation quality on gen_incident's realistic incidents (not a speed
# figure): for each shape and seed, the rows reqnav shows against the
# ground truth, scored by incident_score.sh (rows, truth, phantom, wrong
# merges, merged/mergeable, alone, durations off).  Seeds: INCIDENT_SEEDS
# (default "1 2 3").
. "$(dirname "$0")/lib.sh"
GEN=$BUILD/tests/gen_incident
SCORE=$(dirname "$0")/incident_score.sh
. "$(dirname "$0")/incident_shape.sh"
for seed in ${INCIDENT_SEEDS:-1 2 3}; do
    for shape in iis7 iis6-lp iis6-tr; do
        D=$BENCH_DIR/incident-$shape-$seed
        db=$BENCH_DIR/incident.db
        rm -rf "$D" "$db"*
        "$GEN" "${shape%%-*}" "$seed" "$D"
        incident_shape "$shape" "$D"
        # shellcheck disable=SC2086
        set -- $INCIDENT_FILES
        coarse=$INCIDENT_COARSE
        "$REQNAV" --store "$db" -q import "$@" >/dev/null 2>&1 ||
            echo "warning: $shape/$seed import exited non-zero" >&2
        printf "%-22s %s\n" "match $shape/$seed" \
            "$(sh "$SCORE" "$REQNAV" "$db" "$D/truth.tsv" "$coarse")"
    done
done
