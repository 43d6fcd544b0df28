# Crash-safe, idempotent import: an import killed (SIGKILL) at 20 random
# moments leaves a store that opens and passes PRAGMA integrity_check,
# holds only whole sources (each as complete as in a clean import), and a
# re-run of the same import then gives exactly the store a clean run
# gives.  SIGINT stops at a source boundary with a message (exit 130).
# RN_KILL_SEED=N repeats a run's delays; RN_KILLS=N changes the count.
. "$(dirname "$0")/lib.sh"
: "${GEN_FREB:?}" "${GEN_ETW:?}"

IN="$TMP/in"
mkdir -p "$IN"
"$GEN_FREB" folder "$IN/b-freb" 120 >/dev/null || exit 1
"$GEN_ETW" --dialect tracerpt --size-mb 2 >"$IN/a-etw.xml" || exit 1
"$GEN_FREB" incident "$IN/c-incident" >/dev/null || exit 1
"$GEN_ETW" --dialect logparser --events 3000 >"$IN/d-etw.xml" || exit 1
# Commit every 10 files, so kills land between commits of one run.
export REQNAV_COMMIT_FILES=10

# dump STORE: everything the import decides, in a stable order (not the
# import time or internal row ids).
dump() {
    "$REQNAV" --store "$1" sql "
SELECT 'source', path, kind, format, size, sha256, events, requests,
       warnings, truncated, message, clock_offset_ns
  FROM source ORDER BY sha256;
SELECT 'warning', s.sha256, w.line, w.message
  FROM source_warning w JOIN source s ON s.id = w.source_id
 ORDER BY 2, 3, 4;
SELECT 'request', * FROM request ORDER BY id;
SELECT 'srcreq', s.sha256, r.kind, r.key, r.request_id, r.link_rule,
       r.start_ns, r.end_ns, r.verb, r.url, r.host, r.http_status,
       r.substatus, r.win32_status, r.client_addr, r.client_port,
       r.server_addr, r.server_port, r.attrs, r.truncated
  FROM srcreq r JOIN source s ON s.id = r.source_id ORDER BY 2, 4;
SELECT 'event', e.uid, s.sha256, r.key, e.kind, e.seq, e.line, e.ts_ns,
       e.provider, e.name, e.level, e.fields, e.raw
  FROM event e JOIN source s ON s.id = e.source_id
  LEFT JOIN srcreq r ON r.id = e.srcreq_id ORDER BY e.uid, 3;"
}

# Per source: events and source requests actually stored.
# (The source row's own counts are in the dump.)
counts() {
    "$REQNAV" --store "$1" sql "
SELECT s.sha256, s.events,
       (SELECT count(*) FROM event e WHERE e.source_id = s.id),
       (SELECT count(*) FROM srcreq r WHERE r.source_id = s.id)
  FROM source s ORDER BY 1" | tail -n +2
}

CLEAN="$TMP/clean.db"
start=$(date +%s%N)
"$REQNAV" --store "$CLEAN" import -q "$IN" >/dev/null 2>&1
expect_eq "clean import exit" "$?" 0
ms=$((($(date +%s%N) - start) / 1000000))
dump "$CLEAN" >"$TMP/clean.dump" || fail "clean dump"
counts "$CLEAN" >"$TMP/clean.counts"
nsrc=$(wc -l <"$TMP/clean.counts")
[ "$nsrc" -gt 100 ] && pass || fail "clean import has $nsrc sources"

seed=${RN_KILL_SEED:-$(($$ % 100000))}
kills=${RN_KILLS:-20}
echo "kill test: clean import ${ms} ms, $nsrc sources, seed $seed"
# Delays spread over the clean run's duration (a little past it too).
awk -v seed="$seed" -v n="$kills" -v ms="$ms" 'BEGIN {
    srand(seed)
    for (i = 0; i < n; i++)
        printf "%.3f\n", (0.02 + rand() * 1.05) * ms / 1000
}' >"$TMP/delays"

i=0
midway=0
while read -r delay; do
    i=$((i + 1))
    S="$TMP/kill$i.db"
    # When the import was already over (a busy machine makes runs vary),
    # try again sooner, so that each kill lands in a running import.
    try=0
    while :; do
        rm -f "$S" "$S-wal" "$S-shm" "$S-journal"
        "$REQNAV" --store "$S" import -q "$IN" >/dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        if kill -KILL "$pid" 2>/dev/null; then
            wait "$pid" 2>/dev/null
            break
        fi
        wait "$pid" 2>/dev/null
        try=$((try + 1))
        if [ $try -ge 6 ]; then
            fail "kill $i: the import always finished before the kill"
            break
        fi
        delay=$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 2 }')
    done
    if [ ! -e "$S" ]; then
        # Killed before the store was created: nothing to check but the
        # re-run below.
        have=0
    else
        ic=$("$REQNAV" --store "$S" sql 'PRAGMA integrity_check' 2>&1 | tail -1)
        expect_eq "kill $i (${delay}s): integrity_check" "$ic" ok
        fk=$("$REQNAV" --store "$S" sql 'PRAGMA foreign_key_check' 2>&1 | wc -l)
        expect_eq "kill $i: foreign_key_check" "$fk" 0
        counts "$S" >"$TMP/kill.counts" 2>"$TMP/err" ||
            fail "kill $i: store does not open: $(cat "$TMP/err")"
        have=$(wc -l <"$TMP/kill.counts")
        # Every source present is whole: same row in the clean store, and
        # its events and source requests all there.
        bad=$(awk -F'\t' 'NR == FNR { c[$1] = $0; next }
            !($1 in c) || c[$1] != $0 || $2 != $3 { print $1 }' \
            "$TMP/clean.counts" "$TMP/kill.counts" | head -3)
        expect_eq "kill $i: sources present are whole" "$bad" ""
    fi
    [ "$have" -gt 0 ] && [ "$have" -lt "$nsrc" ] && midway=$((midway + 1))
    # Re-run: exactly the clean store.
    "$REQNAV" --store "$S" import -q "$IN" >/dev/null 2>"$TMP/err"
    expect_eq "kill $i: re-run exit" "$?" 0
    dump "$S" >"$TMP/kill.dump"
    if cmp -s "$TMP/clean.dump" "$TMP/kill.dump"; then
        pass
    else
        fail "kill $i (${delay}s, $have sources): re-run differs from a clean run"
        diff "$TMP/clean.dump" "$TMP/kill.dump" | head -5 >&2
    fi
    echo "kill $i after ${delay}s: $have of $nsrc sources committed"
    rm -f "$S" "$S-wal" "$S-shm" "$S-journal"
done <"$TMP/delays"
# The kills must have landed mid-import at least some of the time.
[ "$midway" -ge 3 ] && pass || fail "only $midway kills landed mid-import"

# SIGINT: stops at a source boundary, says so, exits 130; what is kept is
# whole and a re-run completes the store.
S="$TMP/int.db"
"$REQNAV" --store "$S" import "$IN" >"$TMP/out" 2>"$TMP/err" &
pid=$!
# Interrupt once 20 files are through: mid-import for sure.  (Watch the
# report lines, not the store: the test must not touch it meanwhile.)
n=0
until [ "$(grep -c '^imported' "$TMP/out")" -ge 20 ] || [ $n -ge 1000 ]; do
    sleep 0.01
    n=$((n + 1))
done
if ! kill -INT "$pid" 2>/dev/null; then
    fail "SIGINT: the import was over before it (polled $n times)"
fi
wait "$pid"
rc=$?
expect_eq "SIGINT exit" "$rc" 130
grep -q "^reqnav: import interrupted: [0-9]* files kept" "$TMP/err" &&
    pass || fail "SIGINT message: $(cat "$TMP/err")"
expect_eq "SIGINT: integrity_check" \
    "$("$REQNAV" --store "$S" sql 'PRAGMA integrity_check' | tail -1)" ok
counts "$S" >"$TMP/int.counts"
bad=$(awk -F'\t' 'NR == FNR { c[$1] = $0; next }
    !($1 in c) || c[$1] != $0 || $2 != $3 { print $1 }' \
    "$TMP/clean.counts" "$TMP/int.counts" | head -3)
expect_eq "SIGINT: sources kept are whole" "$bad" ""
"$REQNAV" --store "$S" import -q "$IN" >/dev/null 2>&1
dump "$S" >"$TMP/int.dump"
cmp -s "$TMP/clean.dump" "$TMP/int.dump" && pass ||
    fail "SIGINT: re-run differs from a clean run"


# SIGINT inside one large file: promptly, the file is dropped whole (or,
# when the signal came during its final correlation step, kept whole).
S="$TMP/int1.db"
"$GEN_ETW" --dialect tracerpt --size-mb 12 >"$TMP/big-etw.xml" || exit 1
"$REQNAV" --store "$S" import -q "$TMP/big-etw.xml" >/dev/null 2>"$TMP/err" &
pid=$!
# Interrupt once the file is hashed (the process has read it once): its
# import has begun, and the handler is in place.  A fixed delay raced with
# a slow start (a SIGINT before the handler is ignored in a background
# job) and with a fast import.
size=$(wc -c <"$TMP/big-etw.xml")
n=0
until [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$pid/io" 2>/dev/null ||
    echo 0)" -ge "$size" ] 2>/dev/null || [ $n -ge 1000 ]; do
    sleep 0.01
    n=$((n + 1))
done
kill -INT "$pid" 2>/dev/null ||
    fail "SIGINT in a file: the import was over (polled $n times)"
t0=$(date +%s%N)
wait "$pid"
rc=$?
expect_eq "SIGINT in a file: exit" "$rc" 130
[ $((($(date +%s%N) - t0) / 1000000)) -lt 3000 ] && pass ||
    fail "SIGINT in a file: slow to stop"
kept=$("$REQNAV" --store "$S" sql 'SELECT count(*) FROM event' | tail -1)
if grep -q "import interrupted: 0 files kept" "$TMP/err"; then
    expect_eq "SIGINT in a file: nothing half-imported" "$kept" 0
else
    grep -q "import interrupted: 1 files kept" "$TMP/err" && pass ||
        fail "SIGINT in a file: message: $(cat "$TMP/err")"
    expect_eq "SIGINT in a file: kept whole" "$kept" \
        "$("$REQNAV" --store "$S" sql 'SELECT events FROM source' | tail -1)"
fi

finish
