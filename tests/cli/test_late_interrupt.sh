# An interrupt that comes after an import's last file is done, while it is
# linked and committed, is reported (exit 130, "import interrupted"), not
# swallowed with exit 0: the interrupt flag is looked at after the final
# commit.  (test_kill_import covers interrupts and kills mid-import.)
. "$(dirname "$0")/lib.sh"
: "${GEN_ETW:?}"
[ -r /proc/self/status ] || {
    echo "skip: needs /proc to see a process's state and signal handlers"
    exit 77
}

# SIGINT after a file's report line, that is during the final correlation
# step and commit or the summary: never swallowed.  A file of a few MB, so that
# its batch is young and all its correlation waits for the final commit
# (a few hundred ms).  The import is held there with SIGSTOP (a real
# signal at a real point, no hook); when it is stopped with its SIGINT
# handler still in place, SIGINT is sent and delivered on SIGCONT: the
# import must then end with 130 and its message and keep the file whole.
# When the import was already past that point at the stop, the round
# tells nothing and is run again.
"$GEN_ETW" --dialect tracerpt --size-mb 4 >"$TMP/small-etw.xml" || exit 1
# sigint_caught PID: the process has a SIGINT handler installed (bit 2 of
# SigCgt, in its last hex digit), that is it is inside the import.
sigint_caught() {
    _sc=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$1/status" 2>/dev/null)
    [ -n "$_sc" ] && [ $((0x${_sc#"${_sc%?}"} & 2)) -ne 0 ]
}
held=0
round=0
while [ $held -lt 2 ] && [ $round -lt 20 ]; do
    round=$((round + 1))
    S="$TMP/late.db"
    rm -f "$S" "$S-wal" "$S-shm"
    : >"$TMP/out"
    "$REQNAV" --store "$S" import "$TMP/small-etw.xml" >"$TMP/out" \
        2>"$TMP/err" &
    pid=$!
    # Poll every 5 ms: the window after the line lasts far longer.
    until grep -q "^imported " "$TMP/out" ||
        [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" = Z ]; do
        sleep 0.005
    done
    kill -STOP "$pid" 2>/dev/null
    if [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != T ] ||
        ! sigint_caught "$pid"; then
        # Over before the stop, or past the import (its SIGINT handler gone,
        # the shell's "ignore" back for a background job): nothing was held
        # inside the import.  It must still have finished normally.
        kill -CONT "$pid" 2>/dev/null
        wait "$pid"
        expect_eq "late SIGINT round $round: finished import exit" "$?" 0
        continue
    fi
    held=$((held + 1))
    kill -INT "$pid"
    kill -CONT "$pid"
    wait "$pid"
    expect_eq "late SIGINT round $round: exit" "$?" 130
    grep -q "^reqnav: import interrupted: 1 files kept" "$TMP/err" &&
        pass || fail "late SIGINT message: $(cat "$TMP/err")"
    expect_eq "late SIGINT round $round: the file kept whole" \
        "$("$REQNAV" --store "$S" sql 'SELECT count(*) FROM event' | tail -1)" \
        "$("$REQNAV" --store "$S" sql 'SELECT events FROM source' | tail -1)"
    expect_eq "late SIGINT round $round: integrity_check" \
        "$("$REQNAV" --store "$S" sql 'PRAGMA integrity_check' | tail -1)" ok
done
[ $held -ge 1 ] && pass ||
    fail "late SIGINT: the import was always over before the stop"
echo "late SIGINT: $held of $round rounds held after the report line"

finish
