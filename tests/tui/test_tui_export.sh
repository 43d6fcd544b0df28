# Reports from the interface, in tmux: mark the seed 502.2, `x` asks for
# the format and the file (default reqnav-report-<UTC time>.<ext> in the
# current directory) and writes it; `:export FMT FILE` writes each format;
# an existing file is replaced only after `y`.
. "$(dirname "$0")/lib.sh"
need jq xmllint python3

make_store || { fail "store"; finish; exit 1; }
id=$("$REQNAV" --store "$STORE" requests --filter status:502.2 --format json |
    jq -r '.[0].id')
mkdir -p "$TMP/out"
T new-session -d -x 120 -y 30 -c "$TMP/out" \
    "'$REQNAV' --store '$STORE'; echo \$? >'$TMP/rc'" || fail "tmux"
wait_for '502.2'
# Filter to the seed, mark it, export with x: html, default name.
T send-keys f
T send-keys -l 'status:502.2'
T send-keys Enter
wait_for 'status:502.2'
T send-keys Space
T send-keys x
wait_for 'export format'
T send-keys BSpace BSpace
T send-keys -l html
T send-keys Enter
wait_for 'export to file'
T send-keys Enter
wait_for 'exported 1 marked requests to reqnav-report-' && pass || fail "x message"
set -- "$TMP"/out/reqnav-report-*.html
[ -f "$1" ] && pass || fail "default file name ($1)"
case "$(basename "$1")" in
reqnav-report-[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9]Z.html) pass ;;
*) fail "default name form: $1" ;;
esac
xmllint --noout "$1" && pass || fail "x html well-formed"
expect_eq "x html sections" \
    "$(xmllint --xpath 'count(//*[local-name()="section"])' "$1")" 1

# :export in every format.
for f in md json csv html; do
    T send-keys :
    T send-keys -l "export $f r.$f"
    T send-keys Enter
    wait_for "to r.$f" && pass || fail ":export $f message"
    [ -s "$TMP/out/r.$f" ] && pass || fail ":export $f file"
done
expect_eq ":export json = timeline" "$(jq -cS '.requests[0]' "$TMP/out/r.json")" \
    "$("$REQNAV" --store "$STORE" timeline --format json "$id" | jq -cS .)"
python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); assert [x["seq"] for x in r]==["391","405","441","446"], r' \
    "$TMP/out/r.csv" && pass || fail ":export csv rows"
grep -qF '`CGI_PREMATURE_TERMINATION`' "$TMP/out/r.md" && pass || fail ":export md"

# An existing file: asked, kept on n, replaced on y.
before=$(sha256sum <"$TMP/out/r.json")
T send-keys :
T send-keys -l 'export json r.json'
T send-keys Enter
wait_for 'overwrite?'
T send-keys n
sleep 0.3
expect_eq "kept on n" "$(sha256sum <"$TMP/out/r.json")" "$before"
T send-keys :
T send-keys -l 'export json r.json'
T send-keys Enter
wait_for 'overwrite?'
T send-keys y
wait_for 'to r.json' && pass || fail "replaced on y"
T send-keys q
n=50
until [ -s "$TMP/rc" ] || [ $n -le 0 ]; do
    T send-keys q 2>/dev/null
    n=$((n - 1))
    sleep 0.1
done
expect_eq "exit" "$(cat "$TMP/rc" 2>/dev/null)" 0
finish
