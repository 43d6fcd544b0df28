# ARR front end and member (FORMATS.md H, 502.3): the front end's FREB sets
# X-ARR-LOG-ID on the request it forwards, the member's FREB shows it among
# the request headers.  Imported together, the two stay two requests and
# are linked as parent and child, whatever the import order; the parent's
# timeline holds the child's events, marked.
. "$(dirname "$0")/lib.sh"
: "${GEN_CLASSES:?}"
need jq

"$GEN_CLASSES" "$TMP/fe" "$TMP/mem" >/dev/null || exit 1
FE="$TMP/fe/freb/arr_timeout.xml"
MEM="$TMP/mem/freb/arr_member.xml"
FE_KEY="{00000000-0000-0000-c1a5-000000000002}"
MEM_KEY="{00000000-0000-0000-c1a5-000000000099}"

# links STORE: "front-id parent children / member-id parent children",
# the request count and the link rule of every source request.
links() {
    f=$("$REQNAV" --store "$1" timeline --format json "$FE_KEY") || return 1
    m=$("$REQNAV" --store "$1" timeline --format json "$MEM_KEY") || return 1
    printf '%s / %s / %s\n' \
        "$(echo "$f" | jq -c '.request | [.id, .parent, .children]')" \
        "$(echo "$m" | jq -c '.request | [.id, .parent, .children]')" \
        "$("$REQNAV" --store "$1" requests --format csv | tail -n +2 | wc -l)"
}

# Front end first, then the member (two imports).
"$REQNAV" --store "$TMP/a.db" -q import "$FE" >/dev/null 2>&1
expect_eq "front end alone: no child" \
    "$("$REQNAV" --store "$TMP/a.db" timeline --format json "$FE_KEY" |
        jq -c '.request | [.parent, .children]')" '[null,[]]'
"$REQNAV" --store "$TMP/a.db" -q import "$MEM" >/dev/null 2>&1
expect_eq "front end first: import exit" "$?" 0
# Member first, then the front end.
"$REQNAV" --store "$TMP/b.db" -q import "$MEM" >/dev/null 2>&1
expect_eq "member alone: no parent" \
    "$("$REQNAV" --store "$TMP/b.db" timeline --format json "$MEM_KEY" |
        jq -c '.request | [.parent, .children]')" '[null,[]]'
"$REQNAV" --store "$TMP/b.db" -q import "$FE" >/dev/null 2>&1
# Both in one import.
"$REQNAV" --store "$TMP/c.db" -q import "$MEM" "$FE" >/dev/null 2>&1

A=$(links "$TMP/a.db")
fe_id=$(echo "$A" | sed 's/^\[\([0-9]*\),.*/\1/')
mem_id=$(echo "$A" | sed 's/.* \/ \[\([0-9]*\),.*/\1/')
[ -n "$fe_id" ] && [ -n "$mem_id" ] && [ "$fe_id" != "$mem_id" ] && pass ||
    fail "two requests: $A"
expect_eq "parent and child" "$A" \
    "[$fe_id,null,[$mem_id]] / [$mem_id,$fe_id,[]] / 2"
expect_eq "member first: the same link" "$(links "$TMP/b.db")" "$A"
expect_eq "one import: the same link" "$(links "$TMP/c.db")" "$A"

# The request list carries the same links.
expect_eq "requests JSON: the same links" \
    "$("$REQNAV" --store "$TMP/b.db" requests --format json |
        jq -c 'sort_by(.start) | map([.id, .parent, .children])')" \
    "[[$fe_id,null,[$mem_id]],[$mem_id,$fe_id,[]]]"

# Nothing merged: each request keeps its own source requests and status.
expect_eq "front end keeps its status" \
    "$("$REQNAV" --store "$TMP/b.db" timeline --format json "$FE_KEY" |
        jq -r '.request | "\(.status) \(.cause)"')" "502.3 arr_timeout"
expect_eq "member keeps its status" \
    "$("$REQNAV" --store "$TMP/b.db" timeline --format json "$MEM_KEY" |
        jq -r '.request.status')" "200.0"

# The parent's timeline: its own six events and the child's four, marked.
rn_tl() { "$REQNAV" --store "$TMP/b.db" timeline --format json "$1"; }
expect_eq "parent timeline: child events marked" \
    "$(rn_tl "$FE_KEY" | jq -c '[.events[] | select(.child) | .name]')" \
    '["GENERAL_REQUEST_START","GENERAL_REQUEST_HEADERS","GENERAL_RESPONSE_HEADERS","GENERAL_REQUEST_END"]'
expect_eq "parent timeline: own events unmarked" \
    "$(rn_tl "$FE_KEY" | jq '[.events[] | select(.child | not)] | length')" 6
expect_eq "parent's roles stay on its own events" \
    "$(rn_tl "$FE_KEY" | jq -c '[.events[] | select(.role != null) |
        [.child, .role]] | unique')" \
    '[[false,"cgi_start"],[false,"header_error"],[false,"status_send"]]'
expect_eq "child timeline: its own events only" \
    "$(rn_tl "$MEM_KEY" | jq -c '[.events | length, (map(.child) | any)]')" \
    '[4,false]'
expect_eq "same events whatever the order" \
    "$("$REQNAV" --store "$TMP/a.db" timeline --format json "$FE_KEY" |
        jq -c '[.events[] | [.id, .child]]')" \
    "$(rn_tl "$FE_KEY" | jq -c '[.events[] | [.id, .child]]')"

# The table: the link lines and the "> " mark on the child's events.
"$REQNAV" --store "$TMP/b.db" timeline "$FE_KEY" >"$TMP/fe.txt"
expect_eq "table: child named" "$(grep -c "^  ARR child $mem_id\$" "$TMP/fe.txt")" 1
expect_eq "table: child events marked" \
    "$(grep -c 'arr_member.xml #[0-9]* *> GENERAL_' "$TMP/fe.txt")" 4
expect_eq "table: own events unmarked" \
    "$(grep -c 'arr_timeout.xml #[0-9]* *> ' "$TMP/fe.txt")" 0
expect_eq "table: parent named" \
    "$("$REQNAV" --store "$TMP/b.db" timeline "$MEM_KEY" | grep -c "^  ARR parent $fe_id\$")" 1

# A member request without the header, or with another id, is no child.
sed 's/X-ARR-LOG-ID: 7f3c1a2b/X-ARR-LOG-ID: 7f3c1a2c/; s/C1A5-000000000099/C1A5-000000000098/' \
    "$MEM" >"$TMP/other.xml"
"$REQNAV" --store "$TMP/b.db" -q import "$TMP/other.xml" >/dev/null 2>&1
expect_eq "another X-ARR-LOG-ID: not linked" \
    "$(rn_tl "$FE_KEY" | jq -c '.request.children')" "[$mem_id]"
expect_eq "and has no parent" \
    "$("$REQNAV" --store "$TMP/b.db" timeline --format json \
        "{00000000-0000-0000-c1a5-000000000098}" | jq -c '.request.parent')" null

finish
