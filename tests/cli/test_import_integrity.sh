# What an import commits is whole, though its transaction takes shortcuts:
# it builds the request table's reader indexes at each commit instead of
# row by row (store_defer_request_indexes), and writes a source request's
# row when it is complete, after its events, with foreign keys unchecked
# until then (store_srcreq_reserve).  Whatever way the import ends
# (several commits, a killed process, many requests in flight), the store
# has every index the schema declares, they hold every row, every event
# and link refers to a row that is there, and the UI's queries use the
# indexes.
. "$(dirname "$0")/lib.sh"
: "${GEN_FREB:?}" "${GEN_ETW:?}"

# The request indexes schema.sql declares, sorted.
want=$(grep -o 'CREATE INDEX request_[a-z_]*' "$RN_SRC/model/store/schema.sql" |
    awk '{ print $3 }' | sort | tr '\n' ' ')

# indexes_ok STORE WHAT: the store has them all and they agree with the
# table (integrity_check compares every index entry with its row).
indexes_ok() {
    got=$("$REQNAV" --store "$1" sql "SELECT name FROM sqlite_schema
        WHERE type = 'index' AND tbl_name = 'request' AND sql IS NOT NULL
        ORDER BY name" | tail -n +2 | tr '\n' ' ')
    expect_eq "$2: request indexes" "$got" "$want"
    expect_eq "$2: integrity" \
        "$("$REQNAV" --store "$1" sql 'PRAGMA integrity_check' | tail -1)" ok
    expect_eq "$2: references" "$("$REQNAV" --store "$1" sql \
        'SELECT count(*) FROM pragma_foreign_key_check' | tail -1)" 0
}

[ -n "$want" ] || fail "no request index found in schema.sql"

# Several commits in one import: every batch drops and builds them.
"$GEN_FREB" folder "$TMP/freb" 60 >/dev/null || exit 1
REQNAV_COMMIT_FILES=7 rn -q import "$TMP/freb" >/dev/null 2>&1 ||
    fail "import of the FREB folder"
indexes_ok "$STORE" "batches"
expect_eq "batches: requests" \
    "$(rn sql 'SELECT count(*) FROM request' | tail -1)" 60
plan=$(rn sql "EXPLAIN QUERY PLAN SELECT id FROM request
    ORDER BY severity DESC, start_ns, id LIMIT 10" | tr '\n' ' ')
case $plan in
*request_by_failure*) pass ;;
*) fail "the failure list reads no index: $plan" ;;
esac

# A second import into the same store adds to them; its many requests in
# flight are written in the order they end, not the order they began.
"$GEN_ETW" --dialect logparser --events 6000 >"$TMP/lp.xml" || exit 1
rn -q import "$TMP/lp.xml" >/dev/null 2>&1 || fail "import of the ETW file"
indexes_ok "$STORE" "second import"
expect_eq "second import: every event of a request is its own" "$(rn sql "
    SELECT count(*) FROM event e JOIN srcreq q ON q.id = e.srcreq_id
     WHERE q.source_id != e.source_id" | tail -1)" 0

# Killed in the middle: the rollback brings them back with the rest.
"$GEN_ETW" --dialect tracerpt --size-mb 4 >"$TMP/tr.xml" || exit 1
killed="$TMP/killed.db"
"$REQNAV" --store "$killed" -q import "$TMP/tr.xml" >/dev/null 2>&1 &
pid=$!
sleep 0.3
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
indexes_ok "$killed" "killed import"
finish
