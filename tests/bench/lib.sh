# Helpers for the benchmarks: measure a command's wall time and peak RSS.
set -eu
BUILD=${BUILD:-build}
REQNAV=${REQNAV:-$BUILD/tui/reqnav}
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/reqnav-bench}
mkdir -p "$BENCH_DIR"

# measure LABEL CMD...: prints "LABEL seconds peak_kb" to stdout.
measure() {
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.out" "$@" >/dev/null 2>&1 ||
        echo "warning: $label exited non-zero" >&2
    set -- $(cat "$BENCH_DIR/time.out")
    echo "$label $1 $2"
}

# row NAME BYTES OUR_S OUR_KB REF_S REF_KB UNITS UNIT_NAME
row() {
    awk -v name="$1" -v bytes="$2" -v s="$3" -v kb="$4" -v rs="$5" \
        -v rkb="$6" -v units="$7" -v uname="$8" 'BEGIN {
        mb = bytes / 1e6
        ratio = (rs > 0) ? sprintf("%.2f", s / rs) : "-"
        printf "%-22s %9.1f MB %8.2f s %8s s %6s %9.1f MB/s %11.0f %s/s %8.1f MB %8s MB\n",
            name, mb, s, (rs > 0 ? sprintf("%.2f", rs) : "-"), ratio,
            (s > 0 ? mb / s : 0), (s > 0 ? units / s : 0), uname, kb / 1024,
            (rkb > 0 ? sprintf("%.1f", rkb / 1024) : "-")
    }'
}

header() {
    printf "%-22s %12s %10s %10s %6s %14s %18s %11s %11s\n" "benchmark" \
        "input" "ours" "reference" "ratio" "throughput" "records" \
        "peak RSS" "ref RSS"
}
