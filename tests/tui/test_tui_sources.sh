# The sources screen lists the files an import skipped, with why (issue
# 14): at 80x24 and 160x45, S and :sources show a skipped .etl and an archive member
# beside the imported trace; after the .etl's content is imported the
# next opening no longer lists it.
. "$(dirname "$0")/lib.sh"
need zip

mkdir -p "$TMP/case"
seed_xml >"$TMP/case/trace.xml"
# An .etl that is no ETW file reqnav reads: skipped with what to do.
printf 'BINARY\0\1\2\3' >"$TMP/case/capture.etl"
(cd "$TMP/case" && printf 'readme\n' >readme.txt &&
    zip -q "$TMP/case.zip" readme.txt && rm readme.txt) || fail "making the zip"
rm -f "$STORE"*
(cd "$TMP" && "$REQNAV" --store "$STORE" -q import case case.zip) >/dev/null 2>&1
expect_eq "import: exit" "$?" 0

for size in 80x24 160x45; do
    start ${size%x*} ${size#*x}
    check "$size list" wait_for "all requests"
    keys S
    check "$size sources: header counts the files not imported" \
        wait_for "3 files, 2 with problems, 2 not imported"
    check "$size sources: the .etl" wait_for "  case/capture.etl"
    check "$size sources: its state" wait_for "not imported (skipped), 10 bytes"
    check "$size sources: why (1)" wait_for "why: binary ETW: render it with tracerpt -of XML, or Log"
    check "$size sources: why (2)" wait_for "Parser, first"
    check "$size sources: the archive member" wait_for "  case.zip!readme.txt"
    check "$size sources: the imported trace" wait_for "  case/trace.xml"
    # The files not imported come before the complete ones.
    expect_eq "$size sources: skipped before complete" \
        "$(screen | grep -n -e '^  case/capture.etl' -e '^  case/trace.xml' |
            cut -d: -f2 | tr '\n' ' ')" "  case/capture.etl   case/trace.xml "
    keys q
    check "$size sources: back" wait_for "all requests"
    keys :
    type_text sources
    keys Enter
    check "$size :sources" wait_for "why: binary ETW"
    keys q Q
    expect_eq "$size exit" "$(wait_exit)" 0
done

# The archive sent again with a trace where the readme was: the member is
# a source now, no longer listed as skipped; the .etl still is.
seed_xml | sed 's/20:19:06/20:19:09/' >"$TMP/readme.txt"
(cd "$TMP" && zip -q case.zip readme.txt)
(cd "$TMP" && "$REQNAV" --store "$STORE" -q import case.zip) >/dev/null 2>&1
start 80 24
check "again: list" wait_for "all requests"
keys S
check "again: header" wait_for "3 files, 1 with problems, 1 not imported"
check "again: the member is a source" wait_for "case.zip!readme.txt"
check "again: the .etl still skipped" wait_for "  case/capture.etl"
keys q Q
expect_eq "again: exit" "$(wait_exit)" 0
finish
