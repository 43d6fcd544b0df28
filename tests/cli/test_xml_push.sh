# The XML importers read with libxml2's SAX2 push parser: an event's text
# is whole however the markup splits it (references, CDATA, comments,
# elements inside a value, 64 KB chunk boundaries), references in
# attribute values are decoded, and an event's line is its start tag's,
# also past line 65535 (where libxml2's tree, read before, gave the next
# line or 65535).
. "$(dirname "$0")/lib.sh"

EV_OPEN='<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">'
SYS='<System><Provider Name="IIS" Guid="{3a2a4e84-4c21-4981-ae10-3fda0d9b0f83}"/><EventID>0</EventID><Level>4</Level><Opcode>1</Opcode><TimeCreated SystemTime="2005-08-23T20:34:56.2400000Z"/></System>'

# event N EXTRA: a tracerpt-form event with ContextId N and EventData EXTRA.
event() {
    printf '%s\n %s\n <EventData><Data Name="ContextId">{00000000-0000-0000-0000-%012d}</Data>%s</EventData>\n</Event>\n' \
        "$EV_OPEN" "$SYS" "$1" "$2"
}

# field KEY: the JSON field KEY of the one event of context N.
field() {
    rn sql "SELECT json_extract(fields, '\$.\"$1\"') FROM event
            WHERE json_extract(fields, '\$.ContextId') LIKE '%-$(printf %012d "$2")}'" |
        tail -1
}

# Text split by markup, and attribute values with references.
{
    echo '<Events>'
    event 1 '<Data Name="Mixed">a&amp;b<![CDATA[<c>]]>d<!-- note -->e<b>f</b>g</Data><Data Name="Odd&amp;Name&#38;">v&#x41;</Data>'
    # A value across the parser's 64 KB chunks.
    event 2 "<Data Name=\"Long\">$(head -c 150000 /dev/zero | tr '\0' L)</Data>"
    echo '</Events>'
} >"$TMP/text.xml"
rn import "$TMP/text.xml" >/dev/null 2>"$TMP/err"
expect_eq "text: exit" "$?" 0
expect_eq "text split by markup is whole" "$(field Mixed 1)" 'a&b<c>defg'
expect_eq "attribute references decoded" "$(field 'Odd&Name&' 1)" vA
expect_eq "value across chunks" "$(field Long 2 | wc -c)" 150001

# Lines past 65535: a tracerpt-form file and a Log Parser one.
{
    echo '<Events>'
    event 3 ''
    awk 'BEGIN { for (i = 0; i < 70000; i++) print "" }'
    event 4 ''
    echo '</Events>'
} >"$TMP/lines-tr.xml"
want=$(grep -n '<Event ' "$TMP/lines-tr.xml" | tail -1 | cut -d: -f1)
rm -f "$STORE"*
rn import "$TMP/lines-tr.xml" >/dev/null 2>"$TMP/err"
expect_eq "tracerpt lines: exit" "$?" 0
[ "$want" -gt 65535 ] && pass || fail "the fixture's event is at line $want"
expect_eq "tracerpt event line past 65535" \
    "$(rn sql 'SELECT line FROM event ORDER BY line DESC LIMIT 1' | tail -1)" "$want"

ROW='<ROW><EventNumber>@SEQ@</EventNumber><EventName>IISGeneral</EventName><EventTypeName>GENERAL_REQUEST_START</EventTypeName><Timestamp>2005-08-23 20:19:06</Timestamp><UserData>ContextId={00000000-0000-0000-4c06-0060000000ef}|RequestURL=http://h/|RequestVerb=GET</UserData></ROW>'
{
    echo '<ROOT>'
    echo "$ROW" | sed 's/@SEQ@/1/'
    awk 'BEGIN { for (i = 0; i < 70000; i++) print "" }'
    echo "$ROW" | sed 's/@SEQ@/2/'
    echo '</ROOT>'
} >"$TMP/lines-lp.xml"
want=$(grep -n '<ROW>' "$TMP/lines-lp.xml" | tail -1 | cut -d: -f1)
rm -f "$STORE"*
rn import "$TMP/lines-lp.xml" >/dev/null 2>"$TMP/err"
expect_eq "Log Parser lines: exit" "$?" 0
expect_eq "Log Parser row line past 65535" \
    "$(rn sql 'SELECT line FROM event WHERE seq = 2' | tail -1)" "$want"

# A FREB root's attributes with references.
{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<failedRequest url="http://h/a?x=1&amp;y=2&#38;z=&lt;3&gt;" siteId="1" verb="GET"'
    echo ' activityId="{80000006-0007-FF00-B63F-84710C7967BB}" statusCode="500">'
    echo '</failedRequest>'
} >"$TMP/fr000001.xml"
rm -f "$STORE"*
rn import --format freb "$TMP/fr000001.xml" >/dev/null 2>"$TMP/err"
expect_eq "FREB: exit" "$?" 0
expect_eq "FREB url decoded" "$(rn sql 'SELECT url FROM srcreq' | tail -1)" \
    'http://h/a?x=1&y=2&z=<3>'

# The first parse error, with its line and column (exit 1, as for any
# damage), and the complete event just before it kept: the push parser
# reports it before it reads on (libxml2's reader, read ahead, lost it).
{
    echo '<Events>'
    event 5 ''
    echo '<Event><System></Oops></Event>'
    echo '</Events>'
} >"$TMP/bad.xml"
rm -f "$STORE"*
rn import "$TMP/bad.xml" >/dev/null 2>"$TMP/err"
expect_eq "malformed: exit" "$?" 1
grep -q "bad.xml: truncated or malformed at line 6, column [0-9]*: .*kept 1 events" \
    "$TMP/err" && pass || fail "malformed message: $(cat "$TMP/err")"
expect_eq "malformed: the event before kept" \
    "$(rn sql 'SELECT count(*) FROM event' | tail -1)" 1

finish
