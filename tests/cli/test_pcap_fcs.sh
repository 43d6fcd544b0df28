#!/bin/sh
# Ethernet frames that end in a frame check sequence (FCS), sent with the
# IPv4 total length 0 (segmentation offload on the capturing host): the
# decoder then takes the frame's length, so the readers must take the FCS
# off first or its 4 bytes become HTTP payload and the streams fall apart.
#
#   fcs      tests/gen/gen_pcapng.c: pcapng interfaces with if_fcslen in
#            bits (32) and in octets (4, as Wireshark reads a value under
#            8), per-packet FCS lengths in epb_flags (enhanced and obsolete
#            packet blocks), a simple packet block, frames cut by the
#            snapshot length inside and before their FCS, and a raw-IP
#            interface whose if_fcslen must change nothing.
#   fcspcap  a classic pcap whose link-type field carries the FCS length
#            (P bit 0x04000000, 2 x 16 bits in bits 28-31), read through
#            libpcap (pcap_datalink_ext).
#
# The exchanges, statuses and body sizes are checked in the store.  tshark
# is the oracle where installed: it must see an FCS (eth.fcs) on exactly
# the frames cap_dump took one off, frame lengths must agree less the FCS,
# and the HTTP requests and status codes must agree with `tshark -Y http`.
. "$RN_SRC/tests/cli/lib.sh"
GEN_PCAPNG=${GEN_PCAPNG:-${RN_BIN:-.}/tests/gen_pcapng}
CAP_DUMP=${CAP_DUMP:-${RN_BIN:-.}/tests/cap_dump}
for b in "$GEN_PCAPNG" "$CAP_DUMP"; do
    [ -x "$b" ] || { echo "missing helper $b"; exit 1; }
done
have_tshark=
command -v tshark >/dev/null 2>&1 && have_tshark=1

"$GEN_PCAPNG" fcs "$TMP/fcs.pcapng" || { echo "gen_pcapng failed"; exit 1; }
"$GEN_PCAPNG" fcspcap "$TMP/fcs.pcap" || { echo "gen_pcapng failed"; exit 1; }

# verb url status truncated request-body response-body response-gap
# request-frame response-frame, one line per exchange.
rows() {
    rm -f "$STORE"
    rn -q import "$1" >/dev/null 2>&1
    echo "rc=$?"
    rn sql "SELECT verb, url, http_status, truncated,
        json_extract(attrs, '\$.request_body_bytes'),
        json_extract(attrs, '\$.response_body_bytes'),
        json_extract(attrs, '\$.response_gap_bytes'),
        json_extract(attrs, '\$.request_frame'),
        json_extract(attrs, '\$.response_frame')
        FROM srcreq ORDER BY json_extract(attrs, '\$.request_frame')" |
        tail -n +2
    rn sql "SELECT 'warnings', warnings FROM source" | tail -n +2
}

# Counts against tshark (ours_http_counts, tshark_http_counts: lib.sh).
tshark_counts() {
    tshark_http_counts "$1" -o tcp.reassemble_out_of_order:TRUE
}

# Frame by frame against tshark, which leaves the FCS in the frame and
# shows it as eth.fcs when the whole frame was captured: our origlen is
# tshark's length less our FCS, our caplen what was captured of the rest,
# and tshark shows an FCS exactly where we took one off a whole frame.
# Prints the frames that disagree (nothing when all agree).
frames_vs_tshark() {
    "$CAP_DUMP" "$1" >"$TMP/ours.frames" 2>&1
    tshark -r "$1" -T fields -e frame.number -e frame.cap_len -e frame.len \
        -e eth.fcs 2>/dev/null >"$TMP/theirs.frames"
    awk -F'\t' 'NR == FNR { cap[$1] = $2; len[$1] = $3; fcs[$1] = $4; nt++; next }
        {
            n = $1; want_len = len[n] - $6
            want_cap = cap[n] < want_len ? cap[n] : want_len
            want_shown = $6 > 0 && cap[n] == len[n]
            if (!(n in len) || $3 != want_len || $2 != want_cap ||
                (fcs[n] != "") != want_shown)
                print "frame " n ": ours " $2 "/" $3 " fcs " $6 \
                    ", tshark " cap[n] "/" len[n] " eth.fcs " fcs[n]
            seen++
        }
        END { if (seen != nt) print "frame counts differ" }' \
        "$TMP/theirs.frames" "$TMP/ours.frames"
}

# ---- pcapng: if_fcslen, epb_flags, snaplen cuts ------------------------
want=$(printf '%s\n' "rc=0" \
    "POST	http://gen.example/fcs.exe	502	0	300	232	0	4	6" \
    "GET	http://gen.example/flags	200	0	0	1000	0	12	13" \
    "GET	http://gen.example/plain	404	0	0	20	0	19	20" \
    "GET	http://g/cut	204	0	0	0	0	26	27" \
    "GET	http://g/big	200	1	0	2	98	33	34" \
    "GET	http://gen.example/raw	200	0	0	50	0	40	41" \
    "GET	http://gen.example/spb	200	0	0	10	0	47	48" \
    "GET	http://gen.example/pb	301	0	0	0	0	54	55" \
    "warnings	0")
expect_eq "fcs: exchanges" "$(rows "$TMP/fcs.pcapng")" "$want"

# FCS bytes taken off per interface: 4 on the Ethernet ones that say so
# (if_fcslen 32 or 4, epb_flags, pack_flags, interface 0 for the simple
# packet block), none on C's frames (no flags) or the raw-IP interface.
expect_eq "fcs: FCS per frame" \
    "$("$CAP_DUMP" "$TMP/fcs.pcapng" | awk -F'\t' '
        { if ($6 != last) { printf "%s%d:%s", sep, $1, $6; sep = " " } last = $6 }')" \
    "1:4 16:0 23:4 37:0 44:4"
# The snaplen (96) cuts D's response inside its FCS (94 + 4 bytes: the
# captured half of the FCS goes too) and E's before it (194 + 4 bytes:
# the 96 captured bytes stay).
expect_eq "fcs: cut frames" \
    "$("$CAP_DUMP" "$TMP/fcs.pcapng" | awk -F'\t' '$1 == 27 || $1 == 34 {
        printf "%s:%s/%s ", $1, $2, $3 }')" "27:94/94 34:96/194 "
if [ -n "$have_tshark" ]; then
    expect_eq "fcs: frames against tshark" \
        "$(frames_vs_tshark "$TMP/fcs.pcapng")" ""
    rows "$TMP/fcs.pcapng" >/dev/null
    expect_eq "fcs: tshark -Y http" "$(ours_http_counts)" \
        "$(tshark_counts "$TMP/fcs.pcapng")"
    expect_eq "fcs: counts" "$(ours_http_counts)" \
        "req=8 200:4 204:1 301:1 404:1 502:1"
else
    echo "tshark not installed: frames and counts not compared"
fi

# ---- classic pcap: FCS bits in the link-type field ---------------------
want=$(printf '%s\n' "rc=0" \
    "POST	http://gen.example/fcs-pcap	502	0	0	232	0	4	5" \
    "GET	http://gen.example/again	200	0	0	5	0	6	7" \
    "warnings	0")
expect_eq "fcspcap: exchanges" "$(rows "$TMP/fcs.pcap")" "$want"
# libpcap masks the link type to Ethernet (1); every frame loses 4 bytes.
expect_eq "fcspcap: link and FCS" \
    "$("$CAP_DUMP" "$TMP/fcs.pcap" | cut -f5,6 | sort -u | tr '\t' ' ')" "1 4"
if [ -n "$have_tshark" ]; then
    expect_eq "fcspcap: frames against tshark" \
        "$(frames_vs_tshark "$TMP/fcs.pcap")" ""
    rows "$TMP/fcs.pcap" >/dev/null
    expect_eq "fcspcap: tshark -Y http" "$(ours_http_counts)" \
        "$(tshark_counts "$TMP/fcs.pcap")"
fi
finish
