# A trace value holding terminal escape sequences (OSC 0 retitle with
# BEL, CSI 2J clear) shows escaped, and the tmux pane title is unchanged.
# XML cannot carry ESC or BEL, so the values are put into an imported
# store with the sqlite3 shell, as any other importer could write them.
. "$(dirname "$0")/lib.sh"
need sqlite3

check "store built" make_store
id=$("$REQNAV" --store "$STORE" requests --filter status:502.2 --format csv |
    sed -n 2p | cut -d, -f1)
[ -n "$id" ] && pass || fail "seed id"
sqlite3 "$STORE" "
UPDATE request SET url = 'http://evil.example/' || char(27) || ']0;pwned' ||
    char(7) || 'x' || char(27) || '[2Jy', verb = 'POST' || char(27) || '[31m'
    WHERE id = $id;
UPDATE event SET fields = json_set(fields, '$.Headers',
    'A' || char(27) || ']2;pwned2' || char(7) || char(13) || char(10) || 'B')
    WHERE name = 'CGI_PREMATURE_TERMINATION';" || fail "sqlite3 update"

start 200 40
check "list" wait_for "failures first"
title=$(T display-message -p '#{pane_title}')
keys f C-u
type_text "status:502.2"
keys Enter
check "URL shown escaped" wait_for '/\x1b]0;pwned\x07x\x1b[2Jy'
check "verb shown escaped" wait_for 'POST\x '
keys h d
check "header value escaped" wait_for 'Headers = A\x1b]2;pwned2\x07'
check "timeline header escaped" wait_for '\x1b[2Jy'
expect_eq "pane title unchanged" "$(T display-message -p '#{pane_title}')" \
    "$title"
case "$title" in *pwned*) fail "title was pwned" ;; *) pass ;; esac
# The screen was not cleared by the CSI 2J: the header is still there.
check "header intact" wait_for "502.2"
keys Q
expect_eq "exit" "$(wait_exit)" 0
finish
