# Layering and style rules that a compiler cannot see: who includes what,
# banned functions, no SQL outside model/.
set -u
cd "${RN_SRC:?}" || exit 1
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

for f in model/*/*.c model/*/*.h; do
    grep -qE '#include *[<"](n?curses|ncursesw/|term\.h|libxml/|pcap)' "$f" &&
        bad "$f: model/ includes a higher layer or parser library"
    grep -qE '#include *"(tui|importers)/' "$f" && bad "$f: model/ includes tui/ or importers/"
done
for f in importers/*.c importers/*.h; do
    [ -e "$f" ] || continue
    grep -qE '#include *[<"](n?curses|ncursesw/|term\.h|sqlite3\.h)' "$f" &&
        bad "$f: importers/ includes curses or SQLite"
    grep -qE 'sqlite3_(exec|prepare)' "$f" && bad "$f: importers/ runs SQL"
done
for f in tui/*.c tui/*.h; do
    [ -e "$f" ] || continue
    grep -qE '#include *[<"](sqlite3\.h|libxml/|pcap)' "$f" &&
        bad "$f: tui/ includes SQLite, libxml2 or pcap"
done
for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find model importers tui tests -name '*.[ch]'); do
    grep -nE '\b(strcpy|strcat|strncat|sprintf|vsprintf|gets|atol|atoi)\(' "$f" |
        grep -v '^\s*/\*' | grep -v 'tests/gen/' >/dev/null &&
        case "$f" in tests/gen/*) ;; *) bad "$f: banned function" ;; esac
done
echo "check_layering: $((fails == 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
