#!/bin/sh
# Generated captures (tests/gen/gen_pcap.c) with known exchanges: out of
# order, retransmitted and overlapping segments, a capture that starts in
# the middle of a response body, pipelined requests (one HEAD), and the
# IIS 6 502.2 case (POST with 100-continue answered early, then RST).
# Each is also converted to pcapng and Network Monitor 1.x/2.x when
# editcap is installed; every form must give the same rows.
REQNAV=${REQNAV:-$1}
GEN_PCAP=${GEN_PCAP:-${RN_BIN:-.}/tests/gen_pcap}
[ -x "$REQNAV" ] || { echo "no reqnav binary (REQNAV)"; exit 1; }
[ -x "$GEN_PCAP" ] || { echo "no gen_pcap binary (GEN_PCAP)"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0

# Rows of one imported file: verb url status truncated body frames.
rows() {
    rm -f "$T/db"
    "$REQNAV" --store "$T/db" -q import "$1" >/dev/null 2>&1
    "$REQNAV" --store "$T/db" sql "SELECT verb, url, http_status, truncated,
        json_extract(attrs, '\$.response_body_bytes'),
        json_extract(attrs, '\$.request_frame'),
        json_extract(attrs, '\$.response_frame'),
        ifnull(json_extract(attrs, '\$.interim[0].status'), ''),
        (SELECT group_concat(name || '@' || seq, ',') FROM
           (SELECT name, seq FROM event e WHERE e.srcreq_id = srcreq.id
            ORDER BY seq, id))
        FROM srcreq ORDER BY start_ns, key" | tail -n +2
}

check() {
    scen=$1
    want=$2
    "$GEN_PCAP" "$scen" "$T/$scen.pcap" || { fail=1; return; }
    got=$(rows "$T/$scen.pcap")
    if [ "$got" != "$want" ]; then
        echo "FAIL $scen"
        echo "want:"
        echo "$want"
        echo "got:"
        echo "$got"
        fail=1
        return
    fi
    echo "ok   $scen"
    command -v editcap >/dev/null 2>&1 || return
    for fmt in pcapng netmon2 netmon1; do
        editcap -F $fmt "$T/$scen.pcap" "$T/$scen.$fmt" 2>/dev/null || {
            echo "FAIL editcap -F $fmt"
            fail=1
            continue
        }
        got=$(rows "$T/$scen.$fmt")
        if [ "$got" != "$want" ]; then
            echo "FAIL $scen as $fmt"
            echo "$got"
            fail=1
        else
            echo "ok   $scen as $fmt"
        fi
    done
}


check ooo "$(printf 'GET\thttp://gen.example/ooo\t200\t0\t5000\t5\t6\t\tTCP_CONNECT@1,HTTP_REQUEST_HEADERS@5,HTTP_RESPONSE_STATUS@6,HTTP_RESPONSE_END@8,TCP_FIN@10,TCP_FIN@11')"

check retrans "$(printf 'GET\thttp://gen.example/retrans\t200\t0\t5000\t4\t6\t\tTCP_CONNECT@1,HTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_STATUS@6,HTTP_RESPONSE_END@11,TCP_FIN@12,TCP_FIN@13')"

# The first response's body is cut (capture began inside it): nothing of
# it is kept; the two exchanges after it are complete.
check midstream "$(printf 'GET\thttp://gen.example/m1\t200\t0\t100\t2\t3\t\tHTTP_REQUEST_HEADERS@2,HTTP_RESPONSE_STATUS@3,HTTP_RESPONSE_END@3
POST\thttp://gen.example/m2\t404\t0\t10\t4\t5\t\tHTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_STATUS@5,HTTP_RESPONSE_END@5')"

# HEAD: Content-Length 5000 but no body; the 502 after it still pairs.
check pipelined "$(printf 'GET\thttp://gen.example/p1\t200\t0\t300\t4\t5\t\tTCP_CONNECT@1,HTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_STATUS@5,HTTP_RESPONSE_END@5
HEAD\thttp://gen.example/p2\t404\t0\t0\t4\t5\t\tHTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_STATUS@5,HTTP_RESPONSE_END@5
GET\thttp://gen.example/p3\t502\t0\t232\t4\t5\t\tHTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_STATUS@5,HTTP_RESPONSE_END@5,TCP_FIN@6,TCP_FIN@7')"

check iis502 "$(printf 'POST\thttp://iis6.example/cgi-bin/upload.exe\t502\t1\t232\t4\t26\t100\tTCP_CONNECT@1,HTTP_REQUEST_HEADERS@4,HTTP_RESPONSE_INTERIM@5,HTTP_REQUEST_BODY_END@25,HTTP_RESPONSE_STATUS@26,HTTP_RESPONSE_END@26,TCP_RST@27')"


exit $fail
