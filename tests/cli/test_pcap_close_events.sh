#!/bin/sh
# Which exchange a FIN or RST belongs to (tests/gen/gen_pcap.c keepfin and
# rst502), read back through `reqnav timeline --format json`: the close or
# reset belongs to the exchange that was the newest on its connection when
# it arrived, with the frame number of the FIN/RST; a connection that
# closes with no exchange in flight gives it to its last exchange.
#
#   keepfin  k1, k2 on one connection, then FIN both ways: both on k2.
#            p1, p2 pipelined; the client's FIN (frame 16) comes while
#            p1's body is still arriving: it is p2's, not p1's; the
#            server's FIN after p2's response (frame 20) too.
#   rst502   r1, then a POST answered 502 and a reset (frame 8): on r2.
#            s1 answered; the server closes the idle connection (FIN,
#            frame 14) as the client sends s2 on it; the reset that
#            answers s2 (frame 16) is s2's, the FIN stays with s1.
. "$RN_SRC/tests/cli/lib.sh"
need jq
GEN_PCAP=${GEN_PCAP:-${RN_BIN:-.}/tests/gen_pcap}
[ -x "$GEN_PCAP" ] || { echo "no gen_pcap binary (GEN_PCAP)"; exit 1; }

# Close/reset events of the request whose url ends in $1:
# "NAME@frame/from,..." in timeline order.
closes() {
    id=$(rn requests --format json |
        jq -r --arg u "$1" '.[] | select(.url | endswith($u)) | .id')
    [ -n "$id" ] || { echo "no request $1"; return; }
    rn timeline --format json "$id" | jq -r '[.events[] |
        select(.name == "TCP_FIN" or .name == "TCP_RST") |
        "\(.name)@\(.seq)/\(.fields.from)"] | join(",")'
}

for scen in keepfin rst502; do
    "$GEN_PCAP" $scen "$TMP/$scen.pcap" || { fail "gen_pcap $scen"; continue; }
done

rm -f "$STORE"
rn -q import "$TMP/keepfin.pcap" >/dev/null 2>&1
expect_eq "keepfin k1" "$(closes /k1)" ""
expect_eq "keepfin k2" "$(closes /k2)" "TCP_FIN@8/client,TCP_FIN@9/server"
expect_eq "keepfin p1" "$(closes /p1)" ""
expect_eq "keepfin p2" "$(closes /p2)" "TCP_FIN@16/client,TCP_FIN@20/server"

rm -f "$STORE"
rn -q import "$TMP/rst502.pcap" >/dev/null 2>&1
expect_eq "rst502 r1" "$(closes /r1)" ""
expect_eq "rst502 r2" "$(closes /cgi-bin/r2.exe)" "TCP_RST@8/server"
expect_eq "rst502 s1" "$(closes /s1)" "TCP_FIN@14/server"
expect_eq "rst502 s2" "$(closes /s2)" "TCP_RST@16/server"
expect_eq "rst502 r2 status" \
    "$(rn sql "SELECT http_status FROM srcreq WHERE url LIKE '%/r2.exe'" |
        tail -n +2)" 502
expect_eq "rst502 s2 unanswered" \
    "$(rn sql "SELECT json_extract(attrs, '\$.no_response') FROM srcreq
        WHERE url LIKE '%/s2'" | tail -n +2)" rst

# The same with the capture as pcapng (the frame numbers do not change).
if command -v editcap >/dev/null 2>&1; then
    editcap -F pcapng "$TMP/rst502.pcap" "$TMP/rst502.pcapng" 2>/dev/null ||
        fail "editcap"
    rm -f "$STORE"
    rn -q import "$TMP/rst502.pcapng" >/dev/null 2>&1
    expect_eq "rst502 pcapng s1" "$(closes /s1)" "TCP_FIN@14/server"
    expect_eq "rst502 pcapng s2" "$(closes /s2)" "TCP_RST@16/server"
fi
finish
