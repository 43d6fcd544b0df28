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
