#!/bin/sh
# pcapng files whose interfaces differ in link type, snapshot length and
# time resolution (libpcap refuses them: "an interface has a type ...
# different from the type of the first interface"), read by our own
# pcapng reader (importers/cap_pcapng.c).
#
#   mixed   tests/gen/gen_pcapng.c: two sections (little- then
#           big-endian), interfaces Ethernet, raw IP (IPv6), Linux SLL
#           (2^-20 s, if_tsoffset), SLL2 (ms, snaplen 128); enhanced,
#           simple and obsolete packet blocks; blocks to skip.
#   merged  mergecap of an Ethernet pcap (gen_pcap ooo) and a Linux
#           cooked one (gen_pcapng sll): two IDBs, two link types.
#   damaged a block with a wrong trailing length, and the file cut in
#           the middle of a block: the error names the file and the
#           block's offset, and the exchanges before it are kept.
#
# tshark is the oracle where installed: every frame's number, captured
# and original length and time (frame.time_epoch) must agree with
# cap_dump's (also for the public pcapng captures, the pcapng-test-
# generator files included), and the HTTP requests and status codes with
# `tshark -Y http`.  Without tshark or mergecap those parts are skipped;
# the rest runs.
. "$RN_SRC/tests/cli/lib.sh"
GEN_PCAP=${GEN_PCAP:-${RN_BIN:-.}/tests/gen_pcap}
GEN_PCAPNG=${GEN_PCAPNG:-${RN_BIN:-.}/tests/gen_pcapng}
CAP_DUMP=${CAP_DUMP:-${RN_BIN:-.}/tests/cap_dump}
for b in "$GEN_PCAP" "$GEN_PCAPNG" "$CAP_DUMP"; do
    [ -x "$b" ] || { echo "missing helper $b"; exit 1; }
done
have_tshark=
command -v tshark >/dev/null 2>&1 && have_tshark=1

"$GEN_PCAPNG" mixed "$TMP/mixed.pcapng" || { echo "gen_pcapng failed"; exit 1; }
"$GEN_PCAPNG" badtrail "$TMP/bad.pcapng" || { echo "gen_pcapng failed"; exit 1; }
"$GEN_PCAPNG" sll "$TMP/sll.pcap" || { echo "gen_pcapng failed"; exit 1; }
"$GEN_PCAP" ooo "$TMP/eth.pcap" || { echo "gen_pcap failed"; exit 1; }

rows() {
    rm -f "$STORE"
    rn -q import "$1" >/dev/null 2>&1
    echo "rc=$?"
    rn sql "SELECT verb, url, http_status, truncated,
        json_extract(attrs, '\$.request_frame'),
        json_extract(attrs, '\$.response_frame'), client_addr
        FROM srcreq ORDER BY json_extract(attrs, '\$.request_frame')" |
        tail -n +2
}

# Counts against tshark (ours_http_counts, tshark_http_counts: lib.sh).
tshark_counts() {
    tshark_http_counts "$1" -o tcp.reassemble_out_of_order:TRUE
}

# cap_dump's frames against tshark's (packets only: tshark also lists
# custom and decryption-secrets blocks, which have no interface).
frames_agree() {
    "$CAP_DUMP" "$1" 2>/dev/null | cut -f1-4 >"$TMP/ours.frames"
    tshark -r "$1" -T fields -e frame.number -e frame.cap_len -e frame.len \
        -e frame.time_epoch -e frame.interface_id 2>/dev/null |
        awk -F'\t' '$5 != ""' | cut -f1-4 >"$TMP/theirs.frames"
    cmp -s "$TMP/ours.frames" "$TMP/theirs.frames"
}

# ---- mixed: two sections, four link types, three packet block kinds ----
want=$(printf '%s\n' "rc=0" \
    "GET	http://gen.example/eth	200	0	7	10	10.0.0.1" \
    "POST	http://gen.example/raw.exe	502	0	8	9	2001:db8::2" \
    "GET	http://gen.example/sll	404	0	21	22	10.0.0.3" \
    "GET	http://gen.example/spb	200	0	28	29	10.0.0.4" \
    "GET	http://gen.example/pb	301	0	35	36	10.0.0.5" \
    "GET	http://gen.example/be-eth	200	0	45	46	10.0.0.7" \
    "GET	http://g/be	500	0	47	48	10.0.0.6")
expect_eq "mixed: exchanges" "$(rows "$TMP/mixed.pcapng")" "$want"
expect_eq "mixed: format" \
    "$(rn sql "SELECT format, warnings FROM source" | tail -n +2)" "pcapng	0"
# Link type per frame, from its interface (frame 15 is the custom block).
expect_eq "mixed: link types" \
    "$("$CAP_DUMP" "$TMP/mixed.pcapng" | awk -F'\t' '
        { if ($5 != last) { printf "%s%d:%s", sep, $1, $5; sep = " " } last = $5 }')" \
    "1:1 4:101 7:1 8:101 10:1 16:101 18:113 25:1 32:101 39:276 42:1 47:276 49:1 51:276"
# Times: if_tsresol 2^-20 with if_tsoffset 3600 gives the same clock as
# the microsecond interface; SPB frames have none; ms in section 2.
expect_eq "mixed: times" \
    "$("$CAP_DUMP" "$TMP/mixed.pcapng" | awk -F'\t' '$1 == 3 || $1 == 6 ||
        $1 == 18 || $1 == 25 || $1 == 32 || $1 == 39 { printf "%s ", $4 }')" \
    "1124828747.000111000 1124828747.000222000 1124828747.000628471  1124828747.001147000 1124828747.001000000 "
if [ -n "$have_tshark" ]; then
    frames_agree "$TMP/mixed.pcapng" && pass || fail "mixed: frames differ from tshark"
    rows "$TMP/mixed.pcapng" >/dev/null
    expect_eq "mixed: tshark -Y http" "$(ours_http_counts)" \
        "$(tshark_counts "$TMP/mixed.pcapng")"
    expect_eq "mixed: counts" "$(ours_http_counts)" \
        "req=7 200:3 301:1 404:1 500:1 502:1"
fi

# ---- merged by mergecap: Ethernet and Linux cooked interfaces ----------
if command -v mergecap >/dev/null 2>&1; then
    mergecap -w "$TMP/merged.pcapng" "$TMP/eth.pcap" "$TMP/sll.pcap" ||
        fail "mergecap"
    if [ -n "$have_tshark" ]; then
        # mergecap must have kept both interfaces, with their link types.
        expect_eq "merged: interfaces" \
            "$(tshark -r "$TMP/merged.pcapng" -T fields -e frame.interface_id \
                -e frame.encap_type 2>/dev/null | sort -u | tr '\n\t' ' :')" \
            "0:1 1:25 "
        frames_agree "$TMP/merged.pcapng" && pass ||
            fail "merged: frames differ from tshark"
    fi
    got=$(rows "$TMP/merged.pcapng")
    expect_eq "merged: exchanges" "$(echo "$got" | cut -f1-4)" \
        "$(printf '%s\n' "rc=0" "GET	http://gen.example/sll-pcap	200	0" \
            "GET	http://gen.example/ooo	200	0")"
    [ -n "$have_tshark" ] && expect_eq "merged: tshark -Y http" \
        "$(ours_http_counts)" "$(tshark_counts "$TMP/merged.pcapng")"
else
    echo "mergecap not installed: merged case skipped"
fi

# ---- damaged: frames before the bad block are kept ---------------------
got=$(rows "$TMP/bad.pcapng")
expect_eq "bad trailer: exchanges kept" "$(echo "$got" | cut -f1-3)" \
    "$(printf '%s\n' "rc=1" "GET	http://gen.example/eth	200" \
        "POST	http://gen.example/raw.exe	502")"
expect_eq "bad trailer: message" \
    "$(rn sql "SELECT truncated, message FROM source" | tail -n +2)" \
    "1	$TMP/bad.pcapng: pcapng block at offset 4936 (type 0x00000004): trailing length 40 does not match 36"
# Cut in the middle of the SLL conversation's response (frame 22, an
# enhanced packet block of 184 bytes at offset 5640).
head -c 5700 "$TMP/mixed.pcapng" >"$TMP/cut.pcapng"
got=$(rows "$TMP/cut.pcapng")
expect_eq "cut: exchanges kept" "$(echo "$got" | cut -f1-3)" \
    "$(printf '%s\n' "rc=1" "GET	http://gen.example/eth	200" \
        "POST	http://gen.example/raw.exe	502" "GET	http://gen.example/sll	NULL")"
rn sql "SELECT message FROM source" | tail -n +2 |
    grep -qF "$TMP/cut.pcapng: pcapng block at offset 5640 (type 0x00000006, 184 bytes) runs past the end of the file (5700 bytes): truncated" &&
    pass || fail "cut: message: $(rn sql "SELECT message FROM source")"
"$CAP_DUMP" "$TMP/cut.pcapng" >/dev/null 2>&1 && fail "cut: cap_dump status 0"

# ---- the public pcapng captures, frame by frame ------------------------
C=$(corpus)
if [ -n "$have_tshark" ] && [ -n "$C" ] && [ -d "$C/pcapng" ]; then
    n=0
    for f in $(find "$C/pcapng" -name '*.pcap*' | sort); do
        n=$((n + 1))
        frames_agree "$f" && pass || fail "corpus frames differ: $f"
    done
    echo "$n public pcapng files compared frame by frame with tshark"
else
    echo "corpus or tshark missing: public pcapng frames not compared"
fi
finish
