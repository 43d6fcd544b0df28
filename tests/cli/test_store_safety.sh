# The store: created mode 0600 (with its -journal, -wal and -shm, whatever
# the umask); an import beside a reader waits for it; a full disk and a
# read-only store give a clear error and leave the store as it was;
# `reqnav sql` cannot load extensions, attach files, write or change
# settings; reqnav runs nothing named by trace content; --store is
# accepted after the command too.
. "$(dirname "$0")/lib.sh"
: "${GEN_FREB:?}" "${GEN_ETW:?}"

"$GEN_FREB" folder "$TMP/in" 60 >/dev/null || exit 1
rm -f "$TMP/in/freb.xsl"

# ---- privacy: mode 0600, even with umask 000 ----------------------------
# A new store's first import writes with a rollback journal (-journal); a
# later one, the store holding sources, beside the WAL and its index.  Each
# side file is caught while its import runs.
# catch FILE...: wait (up to 5 s) until a stat of every FILE succeeds once,
# and append their modes to $TMP/modes.
catch() {
    n=500
    until stat -c '%a %n' "$@" >"$TMP/stat" 2>/dev/null || [ $n -eq 0 ]; do
        sleep 0.01
        n=$((n - 1))
    done
    cat "$TMP/stat" >>"$TMP/modes"
}
"$GEN_ETW" --dialect tracerpt --size-mb 4 >"$TMP/etw.xml" || exit 1
P="$TMP/private.db"
: >"$TMP/modes"
(
    umask 000
    REQNAV_COMMIT_FILES=1 "$REQNAV" --store "$P" import -q "$TMP/in" \
        >/dev/null 2>&1 &
    pid=$!
    catch "$P-journal"
    wait $pid
    "$REQNAV" --store "$P" import -q "$TMP/etw.xml" >/dev/null 2>&1 &
    pid=$!
    catch "$P-wal" "$P-shm"
    wait $pid
)
expect_eq "store mode" "$(stat -c %a "$P")" 600
for f in -journal -wal -shm; do
    grep -q -- "$f$" "$TMP/modes" && pass || fail "no $f seen during import"
done
bad=$(awk '$1 != "600"' "$TMP/modes")
expect_eq "-journal, -wal and -shm mode 0600" "$bad" ""
expect_eq "left in WAL after a first import (header bytes 18-19)" \
    "$(od -An -tu1 -j18 -N2 "$P" | tr -s ' ')" " 2 2"
# The store the checks below read: the 60 FREB files.
"$REQNAV" --store "$STORE" import -q "$TMP/in" >/dev/null 2>&1 ||
    fail "import into $STORE"

# ---- a reader in the middle of a new store's first import ----------------
# The import writes with a rollback journal, so a reader holding a read
# transaction holds off its commits: it waits for the reader (7 s, longer
# than a lock is usually waited for) and finishes whole.  The reader takes
# hold once the first file is committed, with the rest still to come: it
# is up and polling (every millisecond) before the import starts, which
# takes a tenth of a second in all.
if command -v python3 >/dev/null 2>&1; then
    S4="$TMP/reader.db"
    python3 - "$S4" "$TMP/ready" <<'PY' >"$TMP/reader" 2>&1 &
import sqlite3, sys, time
uri = "file:" + sys.argv[1] + "?mode=rw"
open(sys.argv[2], "w").close()
n, end = -1, time.monotonic() + 60
while time.monotonic() < end:
    try:
        c = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        c.execute("BEGIN")
        n = c.execute("SELECT count(*) FROM source").fetchone()[0]
        if n > 0:
            break
        c.execute("ROLLBACK")
        c.close()
    except sqlite3.OperationalError:
        pass
    time.sleep(0.001)
print(n, flush=True)
time.sleep(7)
c.execute("ROLLBACK")
PY
    rpid=$!
    n=0
    while [ ! -e "$TMP/ready" ] && [ "$n" -lt 1000 ]; do
        sleep 0.01
        n=$((n + 1))
    done
    REQNAV_COMMIT_FILES=1 "$REQNAV" --store "$S4" import -q "$TMP/in" \
        "$TMP/etw.xml" >/dev/null 2>"$TMP/err"
    rc=$?
    wait $rpid
    expect_eq "import beside a reader: exit ($(cat "$TMP/err"))" "$rc" 0
    held=$(cat "$TMP/reader")
    [ "$held" -gt 0 ] 2>/dev/null && [ "$held" -lt 61 ] && pass ||
        fail "the reader did not hold the store mid-import: $held"
    expect_eq "import beside a reader: all kept" \
        "$("$REQNAV" --store "$S4" sql 'SELECT count(*) FROM source' |
            tail -1)" 61
else
    echo "python3 not installed: reader check skipped"
fi

# ---- a symbolic link where the store should be: refused, target not made --
ln -s "$TMP/target.db" "$TMP/link.db"
"$REQNAV" --store "$TMP/link.db" import -q "$TMP/in/fr000001.xml" \
    >/dev/null 2>"$TMP/err"
expect_eq "store symlink: exit" "$?" 1
grep -q "link.db: cannot open store: it is a symbolic link" "$TMP/err" &&
    pass || fail "store symlink message: $(cat "$TMP/err")"
[ ! -e "$TMP/target.db" ] && pass || fail "store symlink target created"

# ---- two commands starting on a new store at once ----------------------
S3="$TMP/race.db"
"$REQNAV" --store "$S3" import -q "$TMP/in/fr000002.xml" >/dev/null 2>"$TMP/e1" &
p1=$!
"$REQNAV" --store "$S3" import -q "$TMP/in/fr000003.xml" >/dev/null 2>"$TMP/e2" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
expect_eq "concurrent first imports ($(cat "$TMP/e1" "$TMP/e2"))" "$r1 $r2" "0 0"
expect_eq "concurrent first imports: both kept" \
    "$("$REQNAV" --store "$S3" sql 'SELECT count(*) FROM source' | tail -1)" 2

# ---- --store after the command (the contract's form) --------------------
S2="$TMP/after.db"
"$REQNAV" import --store "$S2" -q "$TMP/in/fr000001.xml" >/dev/null 2>&1
expect_eq "import --store F" "$?" 0
expect_eq "requests --store=F" \
    "$("$REQNAV" requests --store="$S2" --format csv | tail -n +2 | wc -l)" 1
expect_eq "sql --store F" \
    "$("$REQNAV" sql --store "$S2" 'SELECT count(*) FROM source' | tail -1)" 1
"$REQNAV" sql --store >/dev/null 2>&1
expect_eq "--store without a value" "$?" 2

# ---- schema versions: an older store is brought up to date, a newer one
# is refused and left alone -------------------------------------------------
S3="$TMP/v2.db"
"$REQNAV" import --store "$S3" -q "$TMP/in/fr000001.xml" >/dev/null 2>&1
schema() { # version, the indexes version 3 dropped that are there, and
    # what version 4 added (request.cause and its index, source.capture,
    # source.frames_sha256, the arr_log table of ARR links, and within it
    # srcreq.link_margin_ns and alone_reason)
    python3 - "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
v = db.execute("PRAGMA user_version").fetchone()[0]
ix = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name"
      " IN ('srcreq_by_key', 'event_by_source') ORDER BY name")]
cols = [r[1] for r in db.execute("PRAGMA table_info(request)")]
v4 = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE name"
      " IN ('request_by_cause', 'arr_log') ORDER BY name DESC")]
scols = [r[1] for r in db.execute("PRAGMA table_info(source)")]
v4 += [c for c in ("capture", "frames_sha256") if c in scols]
rcols = [r[1] for r in db.execute("PRAGMA table_info(srcreq)")]
v4 += [c for c in ("link_margin_ns", "alone_reason") if c in rcols]
print(v, " ".join(ix), "cause" if "cause" in cols else "", " ".join(v4))
PY
}
setschema() { # as an older or newer reqnav would have left it
    python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
if sys.argv[2] in ("2", "3", "4"):
    db.executescript("ALTER TABLE srcreq DROP COLUMN link_margin_ns;"
                     "ALTER TABLE srcreq DROP COLUMN alone_reason;")
if sys.argv[2] in ("2", "3"):
    db.executescript("DROP INDEX request_by_cause;"
                     "ALTER TABLE request DROP COLUMN cause;"
                     "ALTER TABLE source DROP COLUMN capture;"
                     "ALTER TABLE source DROP COLUMN frames_sha256;"
                     "DROP TABLE arr_log;")
if sys.argv[2] == "2":
    db.executescript("CREATE INDEX srcreq_by_key ON srcreq(key);"
                     "CREATE INDEX event_by_source ON event(source_id, seq);")
db.execute("PRAGMA user_version = %d" % int(sys.argv[2]))
db.commit()
db.close()
PY
}
if command -v python3 >/dev/null 2>&1; then
    expect_eq "new store: version 4" "$(schema "$S3")" \
        "4  cause request_by_cause arr_log capture frames_sha256 link_margin_ns alone_reason"
    # A version 4 store from before the link margins and reasons.
    setschema "$S3" 4
    expect_eq "made an early version 4" "$(schema "$S3")" \
        "4  cause request_by_cause arr_log capture frames_sha256"
    expect_eq "early version 4 store opens" \
        "$("$REQNAV" requests --store "$S3" --format csv | tail -n +2 | wc -l)" 1
    expect_eq "and gains the columns" "$(schema "$S3")" \
        "4  cause request_by_cause arr_log capture frames_sha256 link_margin_ns alone_reason"
    setschema "$S3" 3
    expect_eq "made version 3" "$(schema "$S3")" "3   "
    expect_eq "version 3 store opens" \
        "$("$REQNAV" requests --store "$S3" --format csv | tail -n +2 | wc -l)" 1
    expect_eq "and is version 4" "$(schema "$S3")" "4  cause request_by_cause arr_log capture frames_sha256 link_margin_ns alone_reason"
    setschema "$S3" 2
    expect_eq "made version 2" "$(schema "$S3")" \
        "2 event_by_source srcreq_by_key  "
    expect_eq "version 2 store opens" \
        "$("$REQNAV" requests --store "$S3" --format csv | tail -n +2 | wc -l)" 1
    expect_eq "and is version 4 again" "$(schema "$S3")" \
        "4  cause request_by_cause arr_log capture frames_sha256 link_margin_ns alone_reason"
    # Requests triaged before version 4 keep no cause (the man page says
    # so); a request the next import touches gets one.
    expect_eq "migrated request: cause left NULL" \
        "$("$REQNAV" sql --store "$S3" 'SELECT count(*) FROM request
            WHERE cause IS NULL AND diagnosis IS NOT NULL' | tail -1)" 1
    "$REQNAV" import --store "$S3" -q "$TMP/in/fr000002.xml" >/dev/null 2>&1
    expect_eq "imports after the upgrade" \
        "$("$REQNAV" requests --store "$S3" --format csv | tail -n +2 | wc -l)" 2
    expect_eq "the new request has its cause" \
        "$("$REQNAV" requests --store "$S3" --filter cause:http_404 \
            --format csv | tail -n +2 | wc -l)" 1
    setschema "$S3" 99
    "$REQNAV" requests --store "$S3" >/dev/null 2>"$TMP/newer.err"
    expect_eq "newer store refused" "$?" 1
    grep -q "schema version 99 is newer" "$TMP/newer.err" && pass ||
        fail "newer store: $(cat "$TMP/newer.err")"
    expect_eq "newer store left alone" "$(schema "$S3")" \
        "99  cause request_by_cause arr_log capture frames_sha256 link_margin_ns alone_reason"
else
    echo "python3 not installed: schema version checks skipped"
fi

# ---- reqnav sql is read-only and reaches nothing outside ----------------
sqlfails() {
    desc=$1
    shift
    "$REQNAV" --store "$STORE" sql "$1" >/dev/null 2>"$TMP/err"
    rc=$?
    expect_eq "sql refuses $desc: exit" "$rc" 1
}
sqlfails "load_extension" "SELECT load_extension('$TMP/evil.so')"
grep -q "not authorized" "$TMP/err" && pass ||
    fail "load_extension message: $(cat "$TMP/err")"
sqlfails "ATTACH" "ATTACH DATABASE '$TMP/other.db' AS o"
[ ! -e "$TMP/other.db" ] && pass || fail "ATTACH created a file"
sqlfails "DELETE" "DELETE FROM event"
sqlfails "DROP" "DROP TABLE event"
sqlfails "a write after a read" "SELECT 1; DELETE FROM source"
sqlfails "PRAGMA with a value" "PRAGMA query_only = 0"
sqlfails "PRAGMA writable_schema" "PRAGMA writable_schema = 1"
sqlfails "writefile" "SELECT writefile('$TMP/w', 'x')"
[ ! -e "$TMP/w" ] && pass || fail "writefile wrote"
sqlfails "VACUUM INTO" "VACUUM INTO '$TMP/copy.db'"
[ ! -e "$TMP/copy.db" ] && pass || fail "VACUUM INTO wrote"
expect_eq "nothing deleted" \
    "$(rn sql 'SELECT count(*) FROM source' | tail -1)" 60
expect_eq "integrity_check allowed" \
    "$(rn sql 'PRAGMA integrity_check' | tail -1)" ok

# ---- nothing is executed or loaded --------------------------------------
# No process, shell or dynamic-library call anywhere in the program.
hits=$(grep -nE '\b(system|popen|dlopen|execl|execlp|execle|execv|execve|execvp|execvpe|posix_spawnp?|fork|vfork|sqlite3_load_extension|sqlite3_enable_load_extension)[[:space:]]*\(' \
    "$RN_SRC"/model/*/*.c "$RN_SRC"/importers/*.c "$RN_SRC"/tui/*.c 2>/dev/null)
expect_eq "no exec/popen/system/dlopen in the sources" "$hits" ""
# A trace naming a program in its fields (CGI command lines do) is data.
mkdir -p "$TMP/bin"
cat >"$TMP/bin/pwn" <<EOF
#!/bin/sh
touch "$TMP/pwned"
EOF
chmod +x "$TMP/bin/pwn"
cat >"$TMP/cmd.xml" <<EOF
<ROOT><ROW><EventNumber>1</EventNumber><EventName>IISCGI</EventName><EventTypeName>CGI_LAUNCH</EventTypeName><Timestamp>2005-08-23 20:19:07</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|CommandLine=$TMP/bin/pwn; \$(pwn) \`pwn\` |ErrorCode=0x00000000|ProcessId=3136</UserData></ROW></ROOT>
EOF
PATH="$TMP/bin:$PATH" rn import -q "$TMP/cmd.xml" >/dev/null 2>&1
PATH="$TMP/bin:$PATH" rn requests >/dev/null 2>&1
PATH="$TMP/bin:$PATH" rn timeline '{00000000-0000-0000-4c06-0060000000ef}' \
    >/dev/null 2>&1
[ ! -e "$TMP/pwned" ] && pass || fail "a command named by a trace ran"

# ---- disk full: a file size limit (works unprivileged) ------------------
# SIGXFSZ ignored, so writes past the limit fail with EFBIG.
FULL="$TMP/full.db"
"$REQNAV" --store "$FULL" import -q "$TMP/in/fr000001.xml" >/dev/null
before=$("$REQNAV" --store "$FULL" sql 'SELECT count(*) FROM event' | tail -1)
# Room for one file's savepoint journal (a few pages), not for the batch's
# WAL at its commit: three times a one-file store, whatever its page size.
limit=$(($(wc -c <"$FULL") * 3 / 1024))
(
    trap '' XFSZ
    ulimit -f "$limit"
    "$REQNAV" --store "$FULL" import -q "$TMP/in" >/dev/null 2>"$TMP/err"
    echo $? >"$TMP/rc"
)
expect_eq "file size limit: exit" "$(cat "$TMP/rc")" 1
grep -q "full.db: database error: .*(File too large); the last [0-9]* files reported imported were rolled back" \
    "$TMP/err" && pass || fail "file size limit message: $(cat "$TMP/err")"
expect_eq "file size limit: integrity_check" \
    "$("$REQNAV" --store "$FULL" sql 'PRAGMA integrity_check' | tail -1)" ok
expect_eq "file size limit: store as before" \
    "$("$REQNAV" --store "$FULL" sql 'SELECT count(*) FROM event' | tail -1)" \
    "$before"
"$REQNAV" --store "$FULL" import -q "$TMP/in" >/dev/null 2>&1
expect_eq "file size limit: a later import completes" "$?" 0
expect_eq "file size limit: all sources after" \
    "$("$REQNAV" --store "$FULL" sql 'SELECT count(*) FROM source' | tail -1)" 60

# ---- disk full: a tiny tmpfs (root only; skipped otherwise) --------------
MNT="$TMP/mnt"
mkdir -p "$MNT"
# 1.5 MiB: a one-file store and its WAL fit, the 60 files' batch does not.
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=1536k tmpfs "$MNT" 2>/dev/null; then
    "$REQNAV" --store "$MNT/s.db" import -q "$TMP/in/fr000001.xml" >/dev/null
    "$REQNAV" --store "$MNT/s.db" import -q "$TMP/in" >/dev/null 2>"$TMP/err"
    expect_eq "full disk: exit" "$?" 1
    grep -q "s.db: database error: database or disk is full (No space left on device); the last [0-9]* files" \
        "$TMP/err" && pass || fail "full disk message: $(cat "$TMP/err")"
    expect_eq "full disk: integrity_check" \
        "$("$REQNAV" --store "$MNT/s.db" sql 'PRAGMA integrity_check' | tail -1)" ok
    expect_eq "full disk: store as before" \
        "$("$REQNAV" --store "$MNT/s.db" sql 'SELECT count(*) FROM source' | tail -1)" 1

    # Read-only store: the same tmpfs remounted read-only.
    if mount -o remount,ro "$MNT" 2>/dev/null; then
        "$REQNAV" --store "$MNT/s.db" import -q "$TMP/in" >/dev/null 2>"$TMP/err"
        expect_eq "read-only store: import exit" "$?" 1
        grep -q "s.db: cannot open store: Read-only file system" "$TMP/err" &&
            pass || fail "read-only store message: $(cat "$TMP/err")"
        expect_eq "read-only store: requests still work" \
            "$("$REQNAV" --store "$MNT/s.db" requests --format csv | tail -n +2 | wc -l)" 1
        expect_eq "read-only store: sql still works" \
            "$("$REQNAV" --store "$MNT/s.db" sql 'PRAGMA integrity_check' | tail -1)" ok
    fi
    umount "$MNT"
    # An earlier store on read-only media cannot be upgraded: refused with
    # what to do, never read with columns missing.
    if command -v python3 >/dev/null 2>&1 &&
        mount -t tmpfs -o size=4m tmpfs "$MNT" 2>/dev/null; then
        "$REQNAV" --store "$MNT/old.db" import -q "$TMP/in/fr000001.xml" >/dev/null
        setschema "$MNT/old.db" 4
        if mount -o remount,ro "$MNT" 2>/dev/null; then
            "$REQNAV" --store "$MNT/old.db" requests >/dev/null 2>"$TMP/err"
            expect_eq "read-only earlier store: exit" "$?" 1
            grep -q "old.db: store from an earlier reqnav and it cannot be written here; open it once where it can be written" \
                "$TMP/err" && pass || fail "read-only earlier store message: $(cat "$TMP/err")"
        fi
        umount "$MNT"
    fi
else
    echo "note: tmpfs not mountable here; full-disk and read-only media checks skipped"
fi

# ---- read-only store: permissions (unprivileged users only) -------------
if [ "$(id -u)" != 0 ]; then
    RO="$TMP/ro"
    mkdir -p "$RO"
    "$REQNAV" --store "$RO/s.db" import -q "$TMP/in/fr000001.xml" >/dev/null
    chmod 0400 "$RO/s.db"
    chmod 0500 "$RO"
    "$REQNAV" --store "$RO/s.db" import -q "$TMP/in" >/dev/null 2>"$TMP/err"
    expect_eq "read-only file: import exit" "$?" 1
    grep -q "s.db: cannot open store: Permission denied" "$TMP/err" && pass ||
        fail "read-only file message: $(cat "$TMP/err")"
    expect_eq "read-only file: requests still work" \
        "$("$REQNAV" --store "$RO/s.db" requests --format csv | tail -n +2 | wc -l)" 1
    chmod 0700 "$RO"
    chmod 0600 "$RO/s.db"
fi

finish
