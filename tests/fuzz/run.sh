#!/bin/sh
# Run each libFuzzer target for SECONDS, one after the other, each on one
# core (-jobs=1 semantics: a single process).
#
#   sh tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Corpora grow under BUILD_DIR/fuzz-corpus/<target> (seeded from
# tests/fuzz/seeds/<target>, tests/fuzz/regress/<target> and, for
# captures, the shared public corpus when present); crashes go to
# BUILD_DIR/fuzz-artifacts/<target>/ and make the run fail.  Prints one
# line per target: seconds, executions, corpus size, crashes.  Copy a
# crash into tests/fuzz/regress/<target>/ once fixed.
set -u
cd "$(dirname "$0")/../.."
build=${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
secs=${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=${*:-etw freb w3c cap capread etl pkt tcp_http filter export tui}
corpus_pub=${REQNAV_CORPUS:-../shared/corpus/public}
# Each input is written to a file (fuzz_file.h): on tmpfs, not the disk.
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
    export TMPDIR=/dev/shm
fi
status=0
printf '%-9s %7s %10s %7s %7s\n' target seconds execs corpus crashes
for t in $targets; do
    bin="$build/tests/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "$t: $bin not built (make fuzz builds it)" >&2
        status=1
        continue
    fi
    corpus="$build/fuzz-corpus/$t"
    art="$build/fuzz-artifacts/$t"
    log="$build/fuzz-logs/$t.log"
    mkdir -p "$corpus" "$art" "$(dirname "$log")"
    extra=""
    case $t in
    cap | capread | export | tui)
        for d in pcap pcapng etl; do
            [ -d "$corpus_pub/$d" ] && extra="$extra $corpus_pub/$d"
        done
        ;;
    esac
    [ "$t" = etl ] && [ -d "$corpus_pub/etl" ] && extra="$corpus_pub/etl"
    case $t in
    etw | freb | export | tui) dict="-dict=tests/fuzz/xml.dict" ;;
    cap | pkt | tcp_http) dict="-dict=tests/fuzz/http.dict" ;;
    *) dict="" ;;
    esac
    before=$(ls "$art" | wc -l)
    dirs="$corpus"
    for d in tests/fuzz/seeds/$t tests/fuzz/regress/$t $extra; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    # shellcheck disable=SC2086
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
        "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 $dict \
        -artifact_prefix="$art/" $dirs >"$log" 2>&1
    rc=$?
    after=$(ls "$art" | wc -l)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    printf '%-9s %7s %10s %7s %7s\n' "$t" "$secs" "${execs:-?}" \
        "$(ls "$corpus" | wc -l)" "$((after - before))"
    if [ "$rc" != 0 ] || [ "$after" != "$before" ]; then
        status=1
        echo "$t: libFuzzer exit $rc; see $log and $art/" >&2
        grep -m 5 -E "ERROR|SUMMARY|abort|invalid|raw control" "$log" >&2
    fi
done
exit $status
