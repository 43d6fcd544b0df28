#!/bin/sh
# Captures written as .etl (tests/gen/gen_etl.c) from every generated
# HTTP capture (gen_pcap's scenarios) in each form Windows writes:
# NDIS-PacketCapture Ethernet and raw IP, packets in fragments over
# several events, with and without the trailing Gft fields, 32- and 64-bit
# headers, extended data items, the three clock types, the Hyper-V switch
# event, and PktMon with each packet at two components; always in
# per-processor buffers whose order is not time order.  Each must give the
# same requests, statuses, roles, events and frame numbers as the pcap it
# came from.  Then PktMon's 128-byte truncation (a warning naming
# --pkt-size 0, exchanges marked truncated), a damaged .etl (frames before
# the damage kept, the position named), an ETW trace without packets, and
# the seed capture as .etl joining the seed ETW request as the pcap does.
. "$(dirname "$0")/lib.sh"
GEN_PCAP=${GEN_PCAP:-$RN_BIN/tests/gen_pcap}
GEN_ETL=${GEN_ETL:-$RN_BIN/tests/gen_etl}
SEED_KEY='{00000000-0000-0000-4c06-0060000000ef}'

# Rows of one imported file: request, status, roles, events and frames.
rows() {
    rm -f "$TMP/rows.db"*
    "$REQNAV" --store "$TMP/rows.db" -q import "$1" >/dev/null 2>&1
    "$REQNAV" --store "$TMP/rows.db" sql "SELECT s.verb, s.url,
        s.http_status, s.truncated, s.start_ns, s.end_ns,
        json_extract(s.attrs, '\$.request_frame'),
        json_extract(s.attrs, '\$.response_frame'),
        json_extract(s.attrs, '\$.response_body_bytes'),
        (SELECT group_concat(name || '@' || seq, ',') FROM
           (SELECT name, seq FROM event e WHERE e.srcreq_id = s.id
            ORDER BY seq, id)),
        (SELECT e.name || '@' || e.seq FROM event e
           WHERE e.uid = r.status_send),
        (SELECT e.name || '@' || e.seq FROM event e
           WHERE e.uid = r.header_error),
        r.diagnosis
        FROM srcreq s LEFT JOIN request r ON r.id = s.request_id
        ORDER BY s.start_ns, s.key" | tail -n +2
}

# Every scenario as netsh's plain form and as pktmon's, and in two of the
# other forms, each form used on two scenarios (all nine forms on all nine
# scenarios took minutes under the sanitizers).
FORMS="--raw
--frag 40
--frag 40 --gft --ext
--hdr32 --gft
--hdr32 --frag 17 --raw
--clock system --cpus 1
--clock cycles --cpus 5 --buffer 4096
--vmswitch --frag 60
--pktmon --raw --hdr32 --ext"

i=0
for scen in ooo retrans midstream pipelined iis502 keepfin rst502 cuthead \
    cutresp; do
    "$GEN_PCAP" "$scen" "$TMP/$scen.pcap" || {
        fail "gen_pcap $scen"
        continue
    }
    want=$(rows "$TMP/$scen.pcap")
    [ -n "$want" ] || fail "$scen: no rows from the pcap"
    a=$(echo "$FORMS" | sed -n "$((i % 9 + 1))p")
    b=$(echo "$FORMS" | sed -n "$(((i + 4) % 9 + 1))p")
    i=$((i + 1))
    printf 'ndis\n--pktmon\n%s\n%s\n' "$a" "$b" | while read -r v; do
        [ "$v" = ndis ] && v=""
        # shellcheck disable=SC2086
        "$GEN_ETL" $v "$TMP/$scen.pcap" "$TMP/$scen.etl" ||
            { echo "FAIL: gen_etl $v $scen" >&2; echo x >>"$TMP/fails"; continue; }
        got=$(rows "$TMP/$scen.etl")
        if [ "$got" != "$want" ]; then
            echo "FAIL: $scen as .etl ($v)" >&2
            printf 'want:\n%s\ngot:\n%s\n' "$want" "$got" >&2
            echo x >>"$TMP/fails"
        else
            echo x >>"$TMP/passes"
        fi
    done
done
PASSES=$((PASSES + $(cat "$TMP/passes" 2>/dev/null | wc -l)))
FAILS=$((FAILS + $(cat "$TMP/fails" 2>/dev/null | wc -l)))
expect_eq "generated .etl comparisons" \
    "$(cat "$TMP/passes" 2>/dev/null | wc -l)" 36

# ---- the buffers really are out of time order --------------------------
"$GEN_ETL" --cpus 3 --buffer 4096 "$TMP/iis502.pcap" "$TMP/ooo.etl"
"$CAP_DUMP" "$TMP/iis502.pcap" >"$TMP/pcap.frames"
"$CAP_DUMP" "$TMP/ooo.etl" >"$TMP/etl.frames"
expect_eq "frames of an out-of-order .etl" \
    "$(cut -f1-5 "$TMP/etl.frames" | md5sum)" \
    "$(cut -f1-5 "$TMP/pcap.frames" | md5sum)"
# Buffer i's processor is the u16 at 0x28; with runs of five events a
# processor the file must hold a buffer of processor 1 before one of 0.
cpus=$(i=0 n=$(($(wc -c <"$TMP/ooo.etl") / 4096))
    while [ $i -lt $n ]; do
        od -An -tu2 -j$((i * 4096 + 40)) -N2 "$TMP/ooo.etl" | tr -d ' '
        i=$((i + 1))
    done | tr '\n' ' ')
case " $cpus" in
*" 1 "*" 0 "*) pass ;;
*) fail "buffers in processor order: $cpus" ;;
esac

# ---- sources --format json: the same summary for every capture format ---
summary() {
    rm -f "$STORE"*
    rn -q import "$1" >/dev/null 2>&1
    rn sources --format json | jq -c '.[0] | [.frames, .first, .last,
        .link_types, .packet_events]'
}
want=$(summary "$TMP/iis502.pcap")
expect_eq "pcap summary" "$want" \
    "[27,\"2005-08-23T20:25:47.000037Z\",\"2005-08-23T20:25:47.000999Z\",[1],null]"
"$GEN_ETL" "$TMP/iis502.pcap" "$TMP/sum.etl"
expect_eq "etl summary" "$(summary "$TMP/sum.etl")" "${want%,null]},27]"
if command -v editcap >/dev/null 2>&1; then
    for fmt in pcapng netmon2; do
        editcap -F $fmt "$TMP/iis502.pcap" "$TMP/sum.$fmt" 2>/dev/null
        expect_eq "$fmt summary" "$(summary "$TMP/sum.$fmt")" "$want"
    done
fi

# ---- PktMon's default truncation ---------------------------------------
"$GEN_ETL" --pktmon --pkt-size 128 "$TMP/iis502.pcap" "$TMP/trunc.etl"
rm -f "$STORE"*
rn import "$TMP/trunc.etl" >"$TMP/trunc.out" 2>&1
grep -q -- "--pkt-size 0" "$TMP/trunc.out" && pass ||
    fail "truncation warning: $(cat "$TMP/trunc.out")"
expect_eq "truncated exchange" \
    "$(rn sql 'SELECT http_status, truncated FROM srcreq' | tail -n +2)" \
    "$(printf '502\t1')"
rn sources --format json >"$TMP/src.json"
expect_eq "sources json of a truncated .etl" \
    "$(jq -c '.[0] | [.format, .frames, .packet_events, .packet_events_truncated,
        .link_types]' "$TMP/src.json")" \
    "$(printf '["etl",%s,%s,%s,[1]]' \
        "$(wc -l <"$TMP/pcap.frames" | tr -d ' ')" \
        "$((2 * $(wc -l <"$TMP/pcap.frames")))" \
        "$((2 * $(awk -F'\t' '$2 > 128' "$TMP/pcap.frames" | wc -l)))")"

# ---- damage: frames before it kept, its position named -----------------
"$GEN_ETL" --cpus 1 --buffer 4096 "$TMP/iis502.pcap" "$TMP/whole.etl"
size=$(wc -c <"$TMP/whole.etl")
head -c $((size - 4096 + 100)) "$TMP/whole.etl" >"$TMP/cut.etl"
rm -f "$STORE"*
rn import "$TMP/cut.etl" >"$TMP/cut.out" 2>&1
expect_eq "cut .etl exit" "$?" 1
grep -q "buffer at offset $((size - 4096)): size 4096 does not fit" \
    "$TMP/cut.out" && pass || fail "cut .etl message: $(cat "$TMP/cut.out")"
kept=$(rn sources --format json | jq '.[0].frames')
[ "$kept" -gt 0 ] && [ "$kept" -lt "$(wc -l <"$TMP/pcap.frames")" ] &&
    pass || fail "cut .etl kept $kept frames"

# A record whose size runs past its buffer's FilledBytes, in the third
# buffer: the second buffer's frames are kept, both offsets named.
cp "$TMP/whole.etl" "$TMP/badrec.etl"
printf '\377\377' | dd of="$TMP/badrec.etl" bs=1 seek=$((8192 + 72)) \
    conv=notrunc 2>/dev/null
rm -f "$STORE"*
rn import "$TMP/badrec.etl" >"$TMP/badrec.out" 2>&1
grep -q "buffer at offset 8192, record at offset 72: size 65535 does not fit" \
    "$TMP/badrec.out" && pass || fail "bad record: $(cat "$TMP/badrec.out")"
kept=$(rn sources --format json | jq '.[0].frames')
[ "$kept" -gt 0 ] && pass || fail "bad record kept $kept frames"
# A buffer flagged for lost events: imported whole, with a warning.
cp "$TMP/whole.etl" "$TMP/lost.etl"
printf '\005' | dd of="$TMP/lost.etl" bs=1 seek=$((4096 + 52)) conv=notrunc \
    2>/dev/null
rm -f "$STORE"*
rn import "$TMP/lost.etl" >"$TMP/lost.out" 2>&1
grep -q "buffer at offset 4096: events were lost while tracing" \
    "$TMP/lost.out" && pass || fail "lost buffer: $(cat "$TMP/lost.out")"
expect_eq "lost buffer frames" "$(rn sources --format json | jq '.[0].frames')" \
    "$(wc -l <"$TMP/pcap.frames" | tr -d ' ')"

# ---- an ETW trace without packet events --------------------------------
c=$(corpus)
if [ -n "$c" ] && [ -f "$c/etl/airbus-lxcore_kernel.etl" ]; then
    rm -f "$STORE"*
    rn import "$c/etl/airbus-lxcore_kernel.etl" >"$TMP/nopkt.out" 2>&1
    grep -q "an ETW trace without packet events: render IIS events with tracerpt or Log Parser to XML first" \
        "$TMP/nopkt.out" && pass || fail "no-packet message: $(cat "$TMP/nopkt.out")"
fi

# ---- the seed capture as .etl joins the seed ETW request ---------------
S="$RN_SRC/share/samples"
"$GEN_ETL" "$S/iis6-cgi-502-2-capture.pcap" "$TMP/seed.etl"
for cap in "$S/iis6-cgi-502-2-capture.pcap" "$TMP/seed.etl"; do
    rm -f "$STORE"*
    rn -q import "$S/iis6-cgi-502-2-etw.xml" "$cap" >/dev/null 2>&1
    rn timeline --format json "$SEED_KEY" |
        jq -c '[.request.sources, .request.status, .request.roles != null,
                [.events[] | select(.source == "pcap") | [.name, .seq, .ts]]]' \
            >"$TMP/seed.$(basename "$cap").json"
    rn sources | grep -o 'clock offset.*' >>"$TMP/seed.$(basename "$cap").json"
done
expect_eq "seed .etl joins as the pcap" \
    "$(cat "$TMP/seed.seed.etl.json")" \
    "$(cat "$TMP/seed.iis6-cgi-502-2-capture.pcap.json")"
head -1 "$TMP/seed.seed.etl.json" | jq -e '.[0] == ["etw","pcap"]' >/dev/null &&
    pass || fail "seed .etl sources: $(head -1 "$TMP/seed.seed.etl.json")"
finish
