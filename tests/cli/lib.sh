# Shared helpers for the shell tests.  Each test sources this file.
set -u
: "${REQNAV:?REQNAV must name the reqnav binary}"
: "${RN_SRC:?RN_SRC must name the source tree}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rn-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
STORE="$TMP/case.db"
FAILS=0
PASSES=0

rn() { "$REQNAV" --store "$STORE" "$@"; }

pass() { PASSES=$((PASSES + 1)); }
fail() { FAILS=$((FAILS + 1)); echo "FAIL: $*" >&2; }

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
    desc=$1
    shift
    if "$@"; then pass; else fail "$desc"; fi
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
    if [ "$2" = "$3" ]; then pass; else fail "$1: got '$2', want '$3'"; fi
}

need() {
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || {
            echo "skip: $tool not installed"
            exit 77
        }
    done
}

corpus() {
    if [ -n "${REQNAV_CORPUS:-}" ] && [ -d "$REQNAV_CORPUS" ]; then
        echo "$REQNAV_CORPUS"
    elif [ -d "$RN_SRC/../shared/corpus/public" ]; then
        echo "$RN_SRC/../shared/corpus/public"
    fi
}

finish() {
    echo "$(basename "$0" .sh): $PASSES passed, $FAILS failed"
    [ "$FAILS" -eq 0 ]
}

# ---- HTTP counts of a capture, ours and tshark's ------------------------
# Both as "req=N code:count ..." (codes sorted, interim 1xx included).

# "req N" and "code count" lines -> "req=N code:count ...".
http_canon() {
    sort | awk '$1 == "req" { r = $2; next } { s = s " " $1 ":" $2 }
        END { printf "req=%d%s\n", r, s }'
}

# tshark's "methods<TAB>codes" lines (comma lists) -> http_canon.
tshark_lines_canon() {
    awk -F'\t' '
        { n = split($1, a, ","); for (i = 1; i <= n; i++) if (a[i] != "") rq++
          m = split($2, b, ","); for (i = 1; i <= m; i++) if (b[i] != "") c[b[i]]++ }
        END { print "req", rq + 0; for (k in c) print k, c[k] }' | http_canon
}

# tshark_http_counts FILE [TSHARK OPTION...]
tshark_http_counts() {
    _thc_file=$1
    shift
    tshark -r "$_thc_file" -Y http "$@" -T fields -e http.request.method \
        -e http.response.code 2>/dev/null | tshark_lines_canon
}

# Ours, in $STORE.  With "visible", without the heads that the end of the
# capture or a close (FIN, RST) cut short: tshark never shows those (it
# waits for the rest of the headers), while a head cut by lost bytes it
# shows.
ours_http_counts() {
    _ohc_cut=
    [ "${1:-}" = visible ] &&
        _ohc_cut="AND ifnull(json_extract(fields, '\$.head_incomplete'), '')
            NOT IN ('capture_end', 'fin', 'rst')"
    rn sql "SELECT 'req', count(*) FROM event WHERE
            name = 'HTTP_REQUEST_HEADERS' $_ohc_cut
        UNION ALL SELECT json_extract(fields, '\$.status'), count(*)
            FROM event WHERE name IN ('HTTP_RESPONSE_STATUS',
            'HTTP_RESPONSE_INTERIM') $_ohc_cut GROUP BY 1" | tail -n +2 |
        http_canon
}

# tshark_agrees FILE OURS [TSHARK OPTION...]: does tshark count OURS under
# one of the settings its answer depends on (test_pcap_corpus.sh says
# why)?  They are tried in order; sets tshark_matched (the setting) and
# tshark_first (the answer under the first).
tshark_agrees() {
    _ta_file=$1
    _ta_ours=$2
    shift 2
    tshark_matched=
    tshark_first=
    for _ta_cfg in "-o tcp.reassemble_out_of_order:TRUE" \
        "-o tcp.reassemble_out_of_order:TRUE -o http.desegment_body:FALSE" \
        "-o tcp.reassemble_out_of_order:FALSE" \
        "-o tcp.reassemble_out_of_order:FALSE -o http.desegment_body:FALSE"; do
        # shellcheck disable=SC2086
        _ta_theirs=$(tshark_http_counts "$_ta_file" $_ta_cfg "$@")
        [ -n "$tshark_first" ] || tshark_first=$_ta_theirs
        if [ "$_ta_theirs" = "$_ta_ours" ]; then
            tshark_matched=$_ta_cfg
            return 0
        fi
    done
    return 1
}

# expect_tshark_agrees FILE OURS [TSHARK OPTION...]: tshark_agrees as a
# check, saying which setting agreed.
expect_tshark_agrees() {
    if tshark_agrees "$@"; then
        echo "tshark agrees with $tshark_matched: $2"
        pass
    else
        fail "tshark: '$tshark_first', ours '$2'"
    fi
}

# md_prose FILE: a Markdown file without its fenced blocks and code spans
# (what a renderer could read as markup), for "no raw markup" checks.
md_prose() {
    python3 - "$1" <<'PY'
import re, sys
text, out, fence = open(sys.argv[1], encoding="utf-8").read(), [], None
for line in text.split("\n"):
    m = re.match(r"^(`{3,})", line)
    if fence is None and m:
        fence = m.group(1)
        continue
    if fence is not None:
        if line.startswith(fence) and line.strip("`") == "":
            fence = None
        continue
    out.append(re.sub(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)", "", line))
print("\n".join(out))
PY
}

# w3c_conflict_log FILE: a W3C log beside gen_pcapcorr's w3c case (one IIS
# request for /app/report.aspx at 22:50:10) whose lines cannot be it: its
# path and second with status 500 where IIS said 200 (a conflict), a path
# IIS never served (no candidate), its path 30 s later.
w3c_conflict_log() {
    printf '%s\r\n' \
        '#Software: Microsoft Internet Information Services 6.0' \
        '#Version: 1.0' '#Date: 2005-08-23 22:50:00' \
        '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken' \
        '2005-08-23 22:50:10 192.0.2.80 GET /app/report.aspx - 80 - 192.0.2.50 x 500 0 0 400' \
        '2005-08-23 22:50:10 192.0.2.80 GET /app/missing.aspx - 80 - 192.0.2.7 x 404 0 2 15' \
        '2005-08-23 22:50:40 192.0.2.80 GET /app/report.aspx - 80 - 192.0.2.7 x 200 0 0 100' \
        >"$1"
}

# in_order ORDER L=FILE...: the FILEs, one a line, in the order the
# letters of ORDER name them (import-order loops; paths without spaces).
in_order() {
    _io_order=$1
    shift
    while [ -n "$_io_order" ]; do
        _io_l=${_io_order%"${_io_order#?}"}
        _io_order=${_io_order#?}
        for _io_m in "$@"; do
            case $_io_m in "$_io_l"=*) printf '%s\n' "${_io_m#??}" ;; esac
        done
    done
}

# fresh FILE...: import the files, one command each in that order, into a
# new store.
fresh() {
    rm -f "$STORE"*
    for f in "$@"; do
        rn import "$f" >>"$TMP/import.out" 2>&1 || fail "import $f"
    done
}
