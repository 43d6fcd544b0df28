# Mistakes get a pointer to the right spelling: a word that is neither a
# command nor a path is a usage error naming the command it was probably
# meant to be; a filter term written key=value names key:value.  The
# explorer's start-up options (--filter, --open) land where they say.
. "$(dirname "$0")/lib.sh"
need jq

# A misspelt command: exit 2, the suggestion, nothing created.
(cd "$TMP" && "$REQNAV" --store "$STORE" reqeusts) >"$TMP/out" 2>"$TMP/err"
expect_eq "misspelt command exit" "$?" 2
grep -q "did you mean 'requests'?" "$TMP/err" && pass ||
    fail "suggestion: $(cat "$TMP/err")"
[ ! -e "$STORE" ] && pass || fail "a store was created for a misspelt command"
for pair in "timelne:timeline" "improt:import" "sourcs:sources" "exprt:export" \
    "sq:sql" "req:requests"; do
    (cd "$TMP" && "$REQNAV" --store "$STORE" "${pair%%:*}") >/dev/null 2>"$TMP/err"
    expect_eq "${pair%%:*} exit" "$?" 2
    grep -q "did you mean '${pair#*:}'?" "$TMP/err" && pass ||
        fail "${pair%%:*}: $(cat "$TMP/err")"
done
# Nothing close: still a usage error, listing the commands.
(cd "$TMP" && "$REQNAV" --store "$STORE" zzzzzzzz) >/dev/null 2>"$TMP/err"
expect_eq "unknown word exit" "$?" 2
grep -q "not a command, file or folder (commands: import requests" "$TMP/err" &&
    pass || fail "unknown word: $(cat "$TMP/err")"
if grep -q "did you mean" "$TMP/err"; then fail "no suggestion expected"; else pass; fi
# A file whose name is close to a command is still a file.
"$GEN_ETW" --dialect logparser >"$TMP/lp.xml"
mkdir "$TMP/d" && cp "$TMP/lp.xml" "$TMP/d/sql"
(cd "$TMP/d" && "$REQNAV" --store "$STORE" sq </dev/null) >/dev/null 2>&1
expect_eq "existing path 'sq' absent: usage" "$?" 2
(cd "$TMP/d" && "$REQNAV" --store "$STORE" ./sql </dev/null) >"$TMP/out" 2>&1
expect_eq "a file named like a command imports" "$?" 0
grep -q '^imported .*sql \[etw-logparser\]' "$TMP/out" && pass ||
    fail "file import: $(cat "$TMP/out")"

# key=value and key==value with a known key: the right spelling.
rn requests --filter "cause=cgi_timeout" >/dev/null 2>"$TMP/err"
expect_eq "cause=... exit" "$?" 2
grep -q "write 'cause:cgi_timeout'" "$TMP/err" && pass || fail "cause=: $(cat "$TMP/err")"
for t in status=502 status==502; do
    rn requests --filter "$t" >/dev/null 2>"$TMP/err"
    expect_eq "$t exit" "$?" 2
    grep -q "write 'status:502'" "$TMP/err" && pass || fail "$t: $(cat "$TMP/err")"
done
rn requests --filter "verb:GET -source=pcap" >/dev/null 2>"$TMP/err"
expect_eq "negated key=value exit" "$?" 2
grep -q "write '-source:pcap'" "$TMP/err" && pass || fail "negated: $(cat "$TMP/err")"
# An unknown key before '=' stays a URL search (URLs hold a=b).
rn requests --filter "page=1" >/dev/null 2>"$TMP/err"
expect_eq "url text with = exit" "$?" 0
# The explorer's start-up filter is checked before anything is imported.
"$REQNAV" --store "$TMP/other.db" --filter status=502 "$TMP/lp.xml" \
    >/dev/null 2>"$TMP/err"
expect_eq "--filter status=502 exit" "$?" 2
grep -q "write 'status:502'" "$TMP/err" && pass || fail "--filter: $(cat "$TMP/err")"
[ ! -e "$TMP/other.db" ] && pass || fail "store created despite a bad --filter"
"$REQNAV" --store "$STORE" --filter status:502 requests >/dev/null 2>"$TMP/err"
expect_eq "--filter before a command exit" "$?" 2

# --filter and --open: the explorer starts on that request's timeline.
rm -f "$STORE"*
rn "$RN_SRC/share/samples" </dev/null >/dev/null 2>&1
key='{00000000-0000-0000-4c06-0060000000ef}'
id=$(rn requests --filter status:502.2 --format json | jq -r '.[0].id')
rn --headless --size 100x24 --filter status:502.2 --open "$key" \
    >"$TMP/screen" 2>"$TMP/err"
expect_eq "--open exit" "$?" 0
grep -q 'CGI_PREMATURE_TERMINATION' "$TMP/screen" && pass ||
    fail "timeline not open: $(cat "$TMP/screen")"
grep -q 'filter: status:502.2 (1)' "$TMP/screen" && pass || fail "filter not shown"
rn --headless --size 100x24 --open "$id" >"$TMP/screen2" 2>&1
expect_eq "--open by id exit" "$?" 0
expect_eq "--open by id and key agree" "$(sed -n 1,3p "$TMP/screen2")" \
    "$(sed -n 1,3p "$TMP/screen")"
rn --headless --open 999 >/dev/null 2>"$TMP/err"
expect_eq "--open unknown exit" "$?" 1
[ -s "$TMP/err" ] && pass || fail "--open unknown: no message"
# Without a terminal, --filter selects the printed list.
n=$(rn --filter status:502.2 </dev/null | tail -n +2 | wc -l)
expect_eq "list under --filter" "$n" 1
finish
