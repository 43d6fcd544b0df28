# Terminals: NO_COLOR=1 (monochrome, selection in reverse video), TERM=vt100,
# an unknown TERM (falls back instead of refusing), and a non-UTF-8 locale
# (ASCII line drawing).
. "$(dirname "$0")/lib.sh"

check "store built" make_store
esc=$(printf '\033')
colour_codes() {
    screen -e | grep -cE "$esc\\[([0-9]+;)*(3[0-7]|4[0-7]|38;5|48;5)(;[0-9]+)*m"
}

# NO_COLOR: no colour at all, the cursor row still stands out.
start 80 24 NO_COLOR=1
check "NO_COLOR: list" wait_for "failures first"
expect_eq "NO_COLOR: no colour codes" "$(colour_codes)" 0
case "$(selected)" in *" 08-23 "*) pass ;; *) fail "NO_COLOR: no reverse row" ;; esac
keys f C-u
type_text "status:502.2"
keys Enter h
check "NO_COLOR: timeline" wait_for "CGI_PREMATURE_TERMINATION"
expect_eq "NO_COLOR: selected event" \
    "$(selected | grep -c 'CGI_PREMATURE_TERMINATION')" 1
expect_eq "NO_COLOR: still no colour" "$(colour_codes)" 0
keys Q
expect_eq "NO_COLOR: exit" "$(wait_exit)" 0
T kill-server 2>/dev/null

# TERM=vt100: no colours either, same keys work.
start 80 24 TERM=vt100
check "vt100: timeline restored" wait_for "CGI_PREMATURE_TERMINATION"
keys c
n=50
until selected | grep -q CGI_LAUNCH || [ $n -le 0 ]; do n=$((n - 1)); sleep 0.1; done
expect_eq "vt100: c lands on CGI_LAUNCH" "$(selected | grep -c CGI_LAUNCH)" 1
expect_eq "vt100: no colour codes" "$(colour_codes)" 0
keys Q
expect_eq "vt100: exit" "$(wait_exit)" 0
T kill-server 2>/dev/null

# An unknown terminal type: falls back to a basic one.
start 80 24 TERM=no-such-terminal-xyz
check "unknown TERM: starts" wait_for "CGI_PREMATURE_TERMINATION"
keys Q
expect_eq "unknown TERM: exit" "$(wait_exit)" 0
T kill-server 2>/dev/null

# A non-UTF-8 locale: ASCII line drawing and elision.
start 80 24 LC_ALL=C LANG=C
check "C locale: ASCII phase bar" wait_for "|C---"
keys q
check "C locale: list" wait_for "failures first"
check "C locale: ASCII elision" wait_for "htmlos.exe/00182~"
keys q
expect_eq "C locale: exit" "$(wait_exit)" 0
finish
