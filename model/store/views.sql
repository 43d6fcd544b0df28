-- Views for `reqnav sql`, with the names and spellings the request list,
-- the timeline and the JSON use (ids, ISO times, "502.2", source kind
-- names).  Created TEMP in each sql session, so that stores of any schema
-- version have them and nothing is written into the case.
--
-- requests: one row per logical request, as `reqnav requests` lists it.
CREATE TEMP VIEW IF NOT EXISTS requests AS SELECT
    id,                                    -- ID: request id (JSON "id")
    key,                                   -- GUID or synthetic key
    CASE WHEN start_ns IS NOT NULL THEN
        strftime('%Y-%m-%dT%H:%M:%S', start_ns / 1000000000, 'unixepoch')
        || printf('.%06dZ', start_ns % 1000000000 / 1000) END AS start,
    CASE WHEN end_ns IS NOT NULL THEN
        strftime('%Y-%m-%dT%H:%M:%S', end_ns / 1000000000, 'unixepoch')
        || printf('.%06dZ', end_ns % 1000000000 / 1000) END AS "end",
    (end_ns - start_ns) / 1e6 AS duration_ms, -- DURATION, in ms
    verb,
    url,
    host,
    CASE WHEN http_status IS NOT NULL THEN
        http_status || '.' || coalesce(substatus, 0) END AS status, -- "502.2"
    http_status,
    substatus,
    win32_status,                          -- Win32 status or HRESULT
    rtrim(CASE WHEN sources & 1 THEN 'etw,' ELSE '' END
          || CASE WHEN sources & 2 THEN 'freb,' ELSE '' END
          || CASE WHEN sources & 4 THEN 'w3c,' ELSE '' END
          || CASE WHEN sources & 8 THEN 'httperr,' ELSE '' END
          || CASE WHEN sources & 16 THEN 'pcap,' ELSE '' END, ',')
        AS sources,                        -- SOURCES: "etw,pcap"
    cgi_start,                             -- event id of each role
    header_error,
    status_send,
    diagnosis,
    marked
FROM request;

-- events: one row per event of a request, as `reqnav timeline` shows it.
CREATE TEMP VIEW IF NOT EXISTS events AS SELECT
    e.uid AS id,                           -- event id (JSON "id")
    r.request_id,                          -- its request's id
    CASE WHEN e.ts_ns IS NOT NULL THEN
        strftime('%Y-%m-%dT%H:%M:%S', e.ts_ns / 1000000000, 'unixepoch')
        || printf('.%06dZ', e.ts_ns % 1000000000 / 1000) END AS ts,
    CASE e.kind WHEN 1 THEN 'etw' WHEN 2 THEN 'freb' WHEN 3 THEN 'w3c'
        WHEN 4 THEN 'httperr' WHEN 5 THEN 'pcap' END AS source,
    s.path AS file,                        -- the file as imported
    e.seq,                                 -- EventNumber, position or frame
    e.line,
    e.provider,
    e.name,
    e.level,                               -- 1 critical .. 5 verbose
    e.fields,                              -- JSON object
    e.raw
FROM event e
JOIN source s ON s.id = e.source_id
LEFT JOIN srcreq r ON r.id = e.srcreq_id;
