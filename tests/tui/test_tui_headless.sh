# Golden screens from the headless renderer (STYLE 3.9.3): the same state
# and drawing code as the terminal, printed as text.  Regenerate with
# UPDATE_GOLDEN=1 after an intended change, and review the diff.
. "$(dirname "$0")/../cli/lib.sh"
export LC_ALL=C.UTF-8
GOLDEN="$RN_SRC/tests/golden"

# The seed file from the tmux helpers, imported by a relative path so the
# screens do not depend on the temporary directory.
sed -n '/^<?xml/,/^<\/ROOT>/p' "$RN_SRC/tests/tui/lib.sh" >"$TMP/trace.xml"
(cd "$TMP" && "$REQNAV" --store base.db -q import trace.xml) ||
    fail "import"

# golden NAME SIZE KEYS: render a fresh copy of the store (no saved UI
# state) and compare with tests/golden/NAME.screen.
golden() {
    rm -f "$TMP/case.db"*
    cp "$TMP/base.db" "$TMP/case.db"
    (cd "$TMP" && "$REQNAV" --store case.db --headless --size "$2" \
        --keys "$3") >"$TMP/$1.screen" 2>"$TMP/$1.err"
    expect_eq "$1: exit" "$?" 0
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$TMP/$1.screen" "$GOLDEN/$1.screen"
    fi
    if cmp -s "$TMP/$1.screen" "$GOLDEN/$1.screen"; then
        pass
    else
        fail "$1: screen differs from tests/golden/$1.screen"
        diff -u "$GOLDEN/$1.screen" "$TMP/$1.screen" >&2
    fi
}

golden list_80x24 80x24 ''
golden timeline_80x24 80x24 'h'
golden detail_80x24 80x24 '\rdhJ'
golden narrow_50x12 50x12 'j'
golden filter_80x24 80x24 'fstatus:200\r'
golden search_80x24 80x24 '\r/ProcessId\r'
golden help_80x24 80x24 '<F1>'
golden resized_80x24 120x40 'h<resize:80x24>'
finish
