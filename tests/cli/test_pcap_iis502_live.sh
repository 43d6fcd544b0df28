#!/bin/sh
# A live capture of IIS 6's 502.2: a small local server answers every
# request like IIS 6 does when a CGI application misbehaves
# ("HTTP/1.1 502 Bad Gateway", "Server: Microsoft-IIS/6.0",
# "Content-Length: 232" and the CGI error page), tcpdump captures the
# loopback traffic, editcap converts it to pcapng and Network Monitor 2.x,
# and all three files must give the same exchanges.  When tshark is there
# it must also agree on the requests and status codes.
#
# Skips (77) without tcpdump, python3 or curl, or when capturing on the
# loopback interface is not allowed.
REQNAV=${REQNAV:-$1}
[ -x "$REQNAV" ] || { echo "no reqnav binary (REQNAV)"; exit 1; }
for tool in tcpdump python3 curl; do
    command -v $tool >/dev/null 2>&1 || { echo "skip: no $tool"; exit 77; }
done

T=$(mktemp -d)
SPID=
TPID=
cleanup() {
    [ -n "$TPID" ] && kill "$TPID" 2>/dev/null
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT

cat >"$T/server.py" <<'EOF'
import http.server, sys
BODY = (b"<html><head><title>Error</title></head><body><head><title>"
        b"Error in CGI Application</title></head><body><h1>CGI Error</h1>"
        b"The specified CGI application misbehaved by not returning a "
        b"complete set of HTTP headers.</body></body></html>\n")
assert len(BODY) == 232
class IIS6(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def version_string(self):
        return "Microsoft-IIS/6.0"
    def answer(self):
        n = int(self.headers.get("Content-Length", "0"))
        if n:
            self.rfile.read(n)
        self.send_response(502, "Bad Gateway")
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(BODY)
    do_GET = do_POST = answer
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), IIS6)
with open(sys.argv[1], "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
EOF
python3 "$T/server.py" "$T/port" &
SPID=$!
n=50
until [ -s "$T/port" ]; do
    n=$((n - 1))
    [ $n -gt 0 ] || { echo "server did not start"; exit 1; }
    sleep 0.1
done
PORT=$(cat "$T/port")

tcpdump -i lo --immediate-mode -U -s 0 -w "$T/live.pcap" "tcp port $PORT" 2>"$T/tcpdump.err" &
TPID=$!
n=50
until grep -q "listening on" "$T/tcpdump.err" 2>/dev/null; do
    n=$((n - 1))
    if [ $n -le 0 ] || ! kill -0 "$TPID" 2>/dev/null; then
        echo "skip: cannot capture on lo: $(cat "$T/tcpdump.err")"
        exit 77
    fi
    sleep 0.1
done

URL=http://127.0.0.1:$PORT
# Two requests on one keep-alive connection, then a POST.
curl -s -o /dev/null -o /dev/null "$URL/cgi-bin/fail.exe" \
    "$URL/cgi-bin/fail.exe?try=2"
head -c 5000 /dev/zero | tr '\0' 'x' >"$T/body"
curl -s -o /dev/null -H "Expect:" --data-binary @"$T/body" \
    "$URL/cgi-bin/upload.exe"
sleep 0.5
kill -INT "$TPID"
wait "$TPID" 2>/dev/null
TPID=
kill "$SPID"
SPID=

rows() {
    rm -f "$T/db"
    "$REQNAV" --store "$T/db" -q import "$1" >/dev/null 2>&1
    "$REQNAV" --store "$T/db" sql "SELECT verb, url, http_status, truncated,
        json_extract(attrs, '\$.response_body_bytes'),
        json_extract(attrs, '\$.request_frame'),
        json_extract(attrs, '\$.response_frame'),
        (SELECT json_extract(fields, '\$.Server') || ' ' ||
                json_extract(fields, '\$.Content-Length')
           FROM event e WHERE e.srcreq_id = srcreq.id
            AND e.name = 'HTTP_RESPONSE_STATUS')
        FROM srcreq ORDER BY start_ns, key" | tail -n +2
}

fail=0
want="$(printf 'GET\thttp://127.0.0.1:%s/cgi-bin/fail.exe\t502\t0\t232' "$PORT")"
got=$(rows "$T/live.pcap")
echo "$got"
[ "$(echo "$got" | wc -l)" -eq 3 ] || { echo "FAIL: 3 exchanges expected"; fail=1; }
echo "$got" | head -n 1 | grep -qF "$want" || { echo "FAIL: first row"; fail=1; }
[ "$(echo "$got" | grep -c "Microsoft-IIS/6.0 232\$")" -eq 3 ] ||
    { echo "FAIL: IIS headers"; fail=1; }
echo "$got" | grep -q "^POST" || { echo "FAIL: no POST"; fail=1; }

if command -v editcap >/dev/null 2>&1; then
    for fmt in pcapng netmon2; do
        editcap -F $fmt "$T/live.pcap" "$T/live.$fmt" ||
            { echo "FAIL: editcap $fmt"; fail=1; continue; }
        other=$(rows "$T/live.$fmt")
        if [ "$other" = "$got" ]; then
            echo "ok   same exchanges as $fmt"
        else
            echo "FAIL: $fmt differs:"
            echo "$other"
            fail=1
        fi
    done
fi

if command -v tshark >/dev/null 2>&1; then
    codes=$(tshark -r "$T/live.pcap" -Y http -o tcp.reassemble_out_of_order:TRUE \
        -d tcp.port=="$PORT",http -T fields -e http.request.method \
        -e http.response.code 2>/dev/null | tr '\t\n' '  ' | tr -s ' ')
    echo "tshark: $codes"
    [ "$(echo "$codes" | grep -o 502 | wc -l)" -eq 3 ] &&
        [ "$(echo "$codes" | grep -o -e GET -e POST | wc -l)" -eq 3 ] ||
        { echo "FAIL: tshark disagrees"; fail=1; }
fi
exit $fail
