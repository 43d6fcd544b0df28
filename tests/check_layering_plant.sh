# The layering check can fail: each planted violation, in a copy of the
# tree, must make tests/check_layering.sh fail and name the file.
set -u
: "${RN_SRC:?}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0 fail=0

copy_tree() {
    rm -rf "$TMP/t"
    mkdir -p "$TMP/t"
    (cd "$RN_SRC" && git ls-files model importers tui tests/check_layering.sh) |
        while read -r f; do
            mkdir -p "$TMP/t/${f%/*}"
            cp "$RN_SRC/$f" "$TMP/t/$f"
        done
}

# plant FILE LINE: add LINE at the top of FILE and expect a named failure.
plant() {
    copy_tree
    { printf '%s\n' "$2"; cat "$TMP/t/$1"; } >"$TMP/t/$1.new"
    mv "$TMP/t/$1.new" "$TMP/t/$1"
    if (cd "$TMP/t" && RN_SRC="$TMP/t" sh tests/check_layering.sh) \
        >"$TMP/out" 2>&1; then
        echo "FAIL: planted '$2' in $1 was not caught"
        fail=$((fail + 1))
    elif grep -q "$1" "$TMP/out"; then
        pass=$((pass + 1))
    else
        echo "FAIL: '$2' in $1 caught without naming the file:"
        cat "$TMP/out"
        fail=$((fail + 1))
    fi
}

copy_tree
if (cd "$TMP/t" && RN_SRC="$TMP/t" sh tests/check_layering.sh) >/dev/null 2>&1; then
    pass=$((pass + 1))
else
    echo "FAIL: the untouched copy does not pass"
    fail=$((fail + 1))
fi
plant model/base/rn_err.c '#include "draw.h"'
plant model/base/rn_buf.c '#include "store.h"'
plant model/base/rn_json.c '#include <sqlite3.h>'
plant model/store/store.c '#include "correlate.h"'
plant model/store/store.c '#include "query.h"'
plant model/query/query.c '#include "ingest_impl.h"'
plant model/query/filter.c '#include "triage.h"'
plant model/report/export.c '#include "ingest.h"'
plant importers/import_w3c.c '#include "query.h"'
plant importers/import_w3c.c '#include "store_impl.h"'
plant importers/import_w3c.c '#include <sqlite3.h>'
plant tui/fmt.c '#include "store_impl.h"'
plant tui/fmt.c '#include "importer.h"'
plant tui/view_list.c '#include "../model/store/store_impl.h"'
echo "check_layering_plant: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
