#!/bin/sh
# Response header blocks cut short (tests/gen/gen_pcap.c cutresp) are kept
# with what was parsed, paired with their request, marked incomplete:
#   /r1     a complete exchange, pipelined with the next request;
#   cut.exe the capture ends inside its 502's header lines (Server kept,
#           Content-Length cut);
#   upload  IIS answers a POST upload with a 502 and resets the connection
#           inside the header lines (Server and Date kept);
#   line    the server's FIN cuts the status line after the code
#           ("HTTP/1.1 502 Bad Gat"): status 502, reason "Bad Gat";
#   digits  the capture ends inside the status code ("HTTP/1.1 50"): the
#           response is dropped, the request kept with no response;
#   snap    the snapshot length cuts the 502's frame inside its header
#           lines (lost bytes); the next exchange (/snap2) is found again.
# The status event of a cut head names what cut it (head_incomplete) and
# is at least a warning: a 502 stays an error (level 2).  A cut head has
# no HTTP_RESPONSE_END (as a cut request has no body end).
#
# tshark (oracle, skipped when missing) never shows a response whose
# header block the end of the capture or a close cut short (it waits for
# the rest), but shows the one cut by the snapshot length; so the status
# events with head_incomplete capture_end/fin/rst are left out, as
# test_pcap_corpus.sh does.  The settings are tried in the order
# test_pcap_corpus.sh uses and any match passes: by default tshark hides
# the POST (its body never completes) and, with out-of-order reassembly
# on, the /snap2 response behind the cut frame.
. "$RN_SRC/tests/cli/lib.sh"
GEN_PCAP=${GEN_PCAP:-${RN_BIN:-.}/tests/gen_pcap}
[ -x "$GEN_PCAP" ] || { echo "no gen_pcap binary (GEN_PCAP)"; exit 1; }

"$GEN_PCAP" cutresp "$TMP/cut.pcap" || { echo "gen_pcap failed"; exit 1; }

rows() {
    rm -f "$STORE"
    rn -q import "$1" >/dev/null 2>&1
    rn sql "SELECT verb, ifnull(url, '-'), ifnull(http_status, '-'), truncated,
        json_extract(attrs, '\$.request_end'),
        ifnull(json_extract(attrs, '\$.response_end'), '-'),
        ifnull(json_extract(attrs, '\$.response_head_incomplete'), 0),
        ifnull(json_extract(attrs, '\$.response_line_incomplete'), 0),
        (SELECT group_concat(name || '@' || seq || ':' || level, ',') FROM
           (SELECT name, seq, level FROM event e WHERE e.srcreq_id = srcreq.id
            ORDER BY seq, id))
        FROM srcreq ORDER BY start_ns, key" | tail -n +2
}

U=http://gen.example
want=$(printf '%s\n' \
    "GET	$U/r1	200	0	length	length	0	0	TCP_CONNECT@1:4,HTTP_REQUEST_HEADERS@4:4,HTTP_RESPONSE_STATUS@5:4,HTTP_RESPONSE_END@5:4" \
    "GET	$U/cgi-bin/cut.exe	502	1	length	capture_end	1	0	HTTP_REQUEST_HEADERS@4:4,HTTP_RESPONSE_STATUS@6:2" \
    "POST	$U/cgi-bin/upload.exe	502	1	rst	rst	1	0	TCP_CONNECT@7:4,HTTP_REQUEST_HEADERS@10:4,HTTP_REQUEST_BODY_END@13:3,HTTP_RESPONSE_STATUS@14:2,TCP_RST@15:3" \
    "GET	$U/cgi-bin/line.exe	502	1	length	fin	1	1	TCP_CONNECT@16:4,HTTP_REQUEST_HEADERS@19:4,HTTP_RESPONSE_STATUS@20:2,TCP_FIN@21:4" \
    "GET	$U/cgi-bin/digits.exe	-	1	length	-	0	0	TCP_CONNECT@22:4,HTTP_REQUEST_HEADERS@25:4" \
    "GET	$U/cgi-bin/snap.exe	502	1	length	gap	1	0	TCP_CONNECT@27:4,HTTP_REQUEST_HEADERS@30:4,HTTP_RESPONSE_STATUS@31:2" \
    "GET	$U/snap2	200	0	length	length	0	0	HTTP_REQUEST_HEADERS@32:4,HTTP_RESPONSE_STATUS@33:4,HTTP_RESPONSE_END@33:4,TCP_FIN@34:4,TCP_FIN@35:4")
got=$(rows "$TMP/cut.pcap")
expect_eq "cut responses: rows" "$got" "$want"

# What was parsed of each cut head: cause, status, reason, the header
# lines complete before the cut.
status() {
    rn sql "SELECT json_extract(fields, '\$.head_incomplete'),
        json_extract(fields, '\$.status'), json_extract(fields, '\$.reason'),
        ifnull(json_extract(fields, '\$.response_line_incomplete'), 0),
        ifnull(json_extract(fields, '\$.Server'), '-'),
        ifnull(json_extract(fields, '\$.Date'), '-'),
        ifnull(json_extract(fields, '\$.Content-Length'), '-')
        FROM event WHERE name = 'HTTP_RESPONSE_STATUS' AND seq = $1" |
        tail -n +2
}
expect_eq "capture end: fields" "$(status 6)" \
    "capture_end	502	Bad Gateway	0	Microsoft-IIS/6.0	-	-"
expect_eq "rst: fields" "$(status 14)" \
    "rst	502	Bad Gateway	0	Microsoft-IIS/6.0	Tue, 23 Aug 2005 20:25:47 GMT	-"
expect_eq "fin in the status line: fields" "$(status 20)" \
    "fin	502	Bad Gat	1	-	-	-"
expect_eq "snaplen: fields" "$(status 31)" \
    "gap	502	Bad Gateway	0	Microsoft-IIS/6.0	-	-"
# The raw head keeps every captured byte, the cut line too.
rn sql "SELECT raw FROM event WHERE name = 'HTTP_RESPONSE_STATUS' AND seq = 6" |
    grep -q "Content-Le" && pass || fail "cut: raw head"
# The header lines complete before the cut, each once: the status
# event's fields (in order), not a copy in the source request.
expect_eq "cut: response header list" \
    "$(rn sql "SELECT group_concat(j.key || '=' || j.value, '|')
        FROM srcreq q JOIN event e ON e.srcreq_id = q.id, json_each(e.fields) j
        WHERE q.url LIKE '%/upload.exe' AND e.name = 'HTTP_RESPONSE_STATUS'
          AND j.key NOT IN ('captured_ts', 'status', 'reason', 'version',
                            'head_incomplete')" | tail -n +2)" \
    'Server=Microsoft-IIS/6.0|Date=Tue, 23 Aug 2005 20:25:47 GMT'
expect_eq "cut: headers stored once" \
    "$(rn sql "SELECT count(*) FROM srcreq WHERE attrs LIKE '%_headers%'" |
        tail -n +2)" 0
expect_eq "digits: no response" \
    "$(rn sql "SELECT json_extract(attrs, '\$.no_response') FROM srcreq
        WHERE url LIKE '%/digits.exe'" | tail -n +2)" "no response seen"
# The engineer looking for the 502s finds all four.
expect_eq "502s in the request list" \
    "$(rn requests --filter status:502 --format csv | tail -n +2 |
        awk -F, '{ print $7 }' | sed 's|.*/||' | sort | tr '\n' ' ')" \
    "cut.exe line.exe snap.exe upload.exe "

if command -v editcap >/dev/null 2>&1; then
    editcap -F pcapng "$TMP/cut.pcap" "$TMP/cut.pcapng" 2>/dev/null ||
        fail "editcap"
    expect_eq "cut responses as pcapng" "$(rows "$TMP/cut.pcapng")" "$want"
fi

if command -v tshark >/dev/null 2>&1; then
    rows "$TMP/cut.pcap" >/dev/null
    ours=$(ours_http_counts visible)
    expect_eq "ours without capture-end cuts" "$ours" "req=7 200:2 502:1"
    expect_tshark_agrees "$TMP/cut.pcap" "$ours"
else
    echo "tshark not installed: oracle comparison skipped"
fi
finish
