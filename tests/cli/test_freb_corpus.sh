# The real FREB files of the corpus: one request per file with the file's
# statusCode, as many events as the file has <Event> elements, client
# address from GENERAL_ENDPOINT_INFORMATION, and the trace IIS cut at its
# size limit (nanette) kept and reported.
. "$(dirname "$0")/lib.sh"
need jq
C=$(corpus)
[ -n "$C" ] && [ -d "$C/freb" ] || {
    echo "skip: corpus not found"
    exit 77
}

# Count <Event> elements: xmllint when there is one, else the start tags.
count_events() {
    if command -v xmllint >/dev/null 2>&1; then
        xmllint --xpath 'count(//*[local-name()="Event"])' "$1"
    else
        grep -c '<Event[ >]' "$1"
    fi
}

rn import "$C/freb" >"$TMP/out" 2>&1
expect_eq "import exit" "$?" 0
files=$(ls "$C"/freb/*.xml | wc -l)
rn requests --format json >"$TMP/req.json"
expect_eq "one request per file" "$(jq length "$TMP/req.json")" "$files"
for f in "$C"/freb/*.xml; do
    name=$(basename "$f")
    key=$(sed -n 's/.*activityId="\([^"]*\)".*/\1/p' "$f" | head -1 |
        tr 'A-F' 'a-f')
    want=$(sed -n 's/.*statusCode="\([^"]*\)".*/\1/p' "$f" | head -1)
    case $want in *.*) ;; *) want=$want.0 ;; esac
    got=$(jq -r --arg k "$key" '.[] | select(.key == $k) | .status' \
        "$TMP/req.json")
    expect_eq "$name: status" "$got" "$want"
    got=$(jq -r --arg k "$key" '.[] | select(.key == $k) | .sources | join(",")' \
        "$TMP/req.json")
    expect_eq "$name: sources" "$got" freb
    rn timeline --format json "$key" >"$TMP/tl.json"
    expect_eq "$name: events" "$(jq '.events | length' "$TMP/tl.json")" \
        "$(count_events "$f")"
    # seq is the 1-based position of the <Event> in its file.
    expect_eq "$name: seqs" "$(jq -c '[.events[].seq] | sort == [range(1; length + 1)]' "$TMP/tl.json")" true
    expect_eq "$name: first line" \
        "$(jq '[.events[] | select(.seq == 1)][0].line' "$TMP/tl.json")" \
        "$(grep -n '<Event[ >]' "$f" | head -1 | cut -d: -f1)"
done

# alulab: client and server from GENERAL_ENDPOINT_INFORMATION.
expect_eq "client address" \
    "$(rn sql "SELECT client_addr || ':' || client_port || ' ' || server_port FROM srcreq WHERE key = '{800000d9-0004-8f00-b63f-84710c7967bb}'" | tail -1)" \
    "78.48.67.39:59243 443"
# The RenderingInfo descriptions come along with the fields.
rn timeline --format json '{800000D9-0004-8F00-B63F-84710C7967BB}' >"$TMP/tl.json"
expect_eq "description field" \
    "$(jq -r '[.events[] | select(.name == "NOTIFY_MODULE_START")] | min_by(.seq) | .fields["Notification.description"]' "$TMP/tl.json")" \
    MAP_PATH

# nanette: cut by IIS at its size limit.  Imported whole, reported, and
# the request is marked truncated.
grep -q '^imported .*nanette.*LOG_FILE_MAX_SIZE_TRUNCATE' "$TMP/out" && pass ||
    fail "nanette truncation reported"
expect_eq "nanette kept" \
    "$(rn sql "SELECT s.events || ' ' || s.warnings || ' ' || r.truncated FROM source s JOIN srcreq r ON r.source_id = s.id WHERE s.path LIKE '%nanette%'" | tail -1)" \
    "$(count_events "$C"/freb/nanette*.xml) 1 1"

# Re-importing the folder adds nothing.
rn import "$C/freb" >"$TMP/out" 2>&1
expect_eq "re-import exit" "$?" 0
expect_eq "re-import duplicates" "$(grep -c '^duplicate' "$TMP/out")" "$files"
finish
