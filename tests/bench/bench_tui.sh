# Interface benchmark: a store of TUI_REQUESTS requests (default 1,000,000)
# with TUI_EVENTS events each (default 10: 10,000,000 events), written by
# tests/gen/gen_store through the store API.  Prints the time to the first
# screen (wall clock from exec to the header on a tmux pane, and inside
# the process) and the latency of each key (headless: key handling, the
# queries it runs and drawing; background counting is reported apart).
# Goals: first screen < 200 ms, every key < 50 ms.
. "$(dirname "$0")/lib.sh"
NREQ=${TUI_REQUESTS:-1000000}
NEV=${TUI_EVENTS:-10}
db="$BENCH_DIR/tui-$NREQ-$NEV.db"
export LC_ALL=C.UTF-8
if [ ! -s "$db" ]; then
    echo "bench_tui: generating $db (takes a few minutes)" >&2
    "$BUILD/tests/gen_store" --store "$db" --requests "$NREQ" --events "$NEV" >&2
fi

# Start from the list, not from where the last run left the UI.
reset_ui() {
    if command -v sqlite3 >/dev/null 2>&1; then
        sqlite3 "$db" "DELETE FROM ui_state WHERE key NOT LIKE 'ui.hist%'"
    fi
}
reset_ui

# Headless run with per-key timing: a list/timeline session.
keys='jjjjjjjjjj<PgDn><PgDn><PgDn><PgUp>G<End>kgo'
keys="$keys"'fstatus:502.2\r\r<Down><End>chsq\e'
keys="$keys"'e\rE\rq:goto 2005-08-23T21:00:00Z\r<PgDn>/page996\rn\r'
# Work no index serves: a url: filter and a search that match nothing run
# as scans in slices between keys (reported as "background" below).  A
# search reads event names and fields too (text:), so /no-such-text scans
# every event of every request.
keys="$keys"'q\efurl:no-such-page\r\e/no-such-text\r\e'
# An event-name search that matches (the first background slice runs the
# query itself; the keys run none).
keys="$keys"'g/premature_term\rn\rq'
/usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.out" \
    "$REQNAV" --store "$db" --headless --size 120x40 --timing --keys "$keys" \
    >/dev/null 2>"$BENCH_DIR/tui-timing.txt"
set -- $(cat "$BENCH_DIR/time.out")
wall_s=$1 wall_kb=$2
# The table row: the whole headless session (first screen and every key),
# records are keys.  No reference tool.  Details go to stderr.
nkeys=$(grep -c '^key ' "$BENCH_DIR/tui-timing.txt" || true)
row "tui session ($nkeys keys)" "$(stat -c %s "$db")" "$wall_s" "$wall_kb" \
    0 0 "$nkeys" key
echo "bench_tui: $NREQ requests, $NEV events each, store $(du -h "$db" | cut -f1)" >&2
awk '
/^first-screen/ { printf "  first screen (in process)    %8.2f ms\n", $2 }
/^background/   {
    printf "  background totals/histogram  %8.2f ms in %d steps, longest step %.2f ms (after the first screen)\n", $2, substr($4, 2), $7
}
/^jobs / {
    # Background work the last key started: scans in slices, counts.
    printf "  background after %-16s %9.2f ms in %5d steps, longest step %6.2f ms\n", last, $3, substr($5, 2), $8
    if ($8 > jworst) jworst = $8
}
/^key / {
    name = $2; ms = $3
    if (prompt != "" && name != "Enter") next
    if (name == "Enter" && prompt != "") { name = "Enter(" prompt ")"; prompt = "" }
    else if (name == "f") prompt = "filter"
    else if (name == ":") prompt = "goto"
    else if (name == "/") prompt = "search"
    last = name
    n[name]++; sum[name] += ms; if (ms > max[name]) max[name] = ms
    if (ms > worst) { worst = ms; wname = name }
    all++
}
END {
    for (k in n) printf "  key %-8s x%-3d avg %7.2f ms  max %7.2f ms\n", k, n[k], sum[k] / n[k], max[k]
    printf "  worst key %s %.2f ms over %d keys\n", wname, worst, all
    printf "  longest background step %.2f ms (a key waits at most this)\n", jworst
}' "$BENCH_DIR/tui-timing.txt" | sort >&2

# Wall clock to the first screen on a real pane (exec, open, first page).
if command -v tmux >/dev/null 2>&1; then
    sock="rn-bench-$$"
    best=""
    for run in 1 2 3; do
        reset_ui
        tmux -L "$sock" -f /dev/null kill-server 2>/dev/null || true
        t0=$(date +%s%N)
        tmux -L "$sock" -f /dev/null new-session -d -x 120 -y 40 \
            "'$REQNAV' --store '$db'"
        until tmux -L "$sock" -f /dev/null capture-pane -p 2>/dev/null |
            grep -q "START (UTC)"; do :; done
        t1=$(date +%s%N)
        ms=$(( (t1 - t0) / 1000000 ))
        echo "  first screen (tmux wall, run $run) $ms ms (includes tmux start)" >&2
        tmux -L "$sock" -f /dev/null send-keys Q
        sleep 0.5
        tmux -L "$sock" -f /dev/null kill-server 2>/dev/null || true
    done
fi
