# Layering and style rules that a compiler cannot see: who includes what,
# banned functions, no SQL outside model/.
#
# Every project header has a home (the folder it lives in); each folder may
# include headers from the folders listed for it below, and a private
# header (*_impl.h) only from its own part, except store_impl.h, the
# store's face for the model parts above it.  The link graph
# (model/CMakeLists.txt) enforces the same arrows for calls; this checks
# the includes, including bare ones ("store.h"), which is how the tree
# writes them.  RN_SRC names the tree to check.
set -u
cd "${RN_SRC:?}" || exit 1
fails=0
bad() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# May folder $1 include a header that lives in folder $2?
allowed() {
    case "$1:$2" in
    "$2:$2") return 0 ;;
    model/store:model/base) return 0 ;;
    model/ingest:model/store | model/ingest:model/base) return 0 ;;
    model/query:model/store | model/query:model/base) return 0 ;;
    model/report:model/query | model/report:model/store | model/report:model/base) return 0 ;;
    importers:model/ingest | importers:model/store | importers:model/base) return 0 ;;
    tui:model/query | tui:model/report | tui:model/store | tui:model/base) return 0 ;;
    esac
    return 1
}

files=$(git ls-files 'model/*.[ch]' 'importers/*.[ch]' 'tui/*.[ch]' 2>/dev/null)
[ -n "$files" ] || files=$(find model importers tui -name '*.[ch]' | sort)
# Header name -> its folder ("store.h model/store").
homes=$(for f in $files; do
    case "$f" in *.h) echo "${f##*/} ${f%/*}" ;; esac
done)

for f in $files; do
    dir=${f%/*}
    for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
        case "$h" in */*) bad "$f: includes \"$h\" by path; bare names only" && continue ;; esac
        home=$(echo "$homes" | awk -v h="$h" '$1 == h { print $2; exit }')
        [ -n "$home" ] || continue # generated or system header
        # The composition root sees every layer.
        case "$f" in tui/main.c | tui/cli.[ch] | tui/cli_export.c) continue ;; esac
        # triage.h is the pure rule table (labels, code words): the interface
        # reads event labels from it until it leaves ingest for a part of its own.
        [ "$h" = triage.h ] && [ "${dir%%/*}" = tui ] && continue
        allowed "$dir" "$home" || bad "$f: $dir includes $h from $home"
        case "$h" in
        store_impl.h) case "$dir" in model/ingest | model/query | model/store) ;; *) bad "$f: includes store_impl.h (private to model/)" ;; esac ;;
        *_impl.h) [ "$dir" = "$home" ] || bad "$f: includes $h, private to $home" ;;
        esac
    done
done

for f in $files; do
    case "$f" in
    model/*)
        grep -qE '#include *[<"](n?curses|ncursesw/|term\.h|libxml/|pcap)' "$f" &&
            bad "$f: model/ includes curses or a parser library"
        case "$f" in model/base/*)
            grep -qE '#include *<sqlite3\.h>' "$f" && bad "$f: model/base includes SQLite" ;;
        esac ;;
    importers/*)
        grep -qE '#include *[<"](n?curses|ncursesw/|term\.h|sqlite3\.h)' "$f" &&
            bad "$f: importers/ includes curses or SQLite"
        grep -qE 'sqlite3_(exec|prepare)' "$f" && bad "$f: importers/ runs SQL" ;;
    tui/*)
        grep -qE '#include *[<"](sqlite3\.h|libxml/|pcap)' "$f" &&
            bad "$f: tui/ includes SQLite, libxml2 or pcap" ;;
    esac
done

for f in $(git ls-files '*.c' '*.h' 2>/dev/null || find model importers tui tests -name '*.[ch]'); do
    grep -nE '\b(strcpy|strcat|strncat|sprintf|vsprintf|gets|atol|atoi)\(' "$f" |
        grep -v '^\s*/\*' | grep -v 'tests/gen/' >/dev/null &&
        case "$f" in tests/gen/*) ;; *) bad "$f: banned function" ;; esac
done
echo "check_layering: $((fails == 0)) passed, $fails failed"
[ "$fails" -eq 0 ]
