-- reqnav case store, schema version 4.
--
-- One SQLite file per case.  The central data structure is the event
-- table: every record read from every source, with its position in the
-- original (seq, line) and its UTC time in nanoseconds.  Events belong to
-- a source request (srcreq: what one source saw of one request: an ETW
-- ContextId, a FREB file, a W3C line, a captured HTTP exchange).  Source
-- requests are linked into logical requests (request) by correlation;
-- each link records the rule that made it.
--
-- Identities that users and scripts see (request.id, event.uid) are
-- derived from content (the request key; the source's hash and the
-- event's ordinal), so the same inputs give the same ids whatever the
-- import order.  Row ids of event and srcreq are internal.
--
-- Kinds: 1 etw, 2 freb, 3 w3c, 4 httperr, 5 pcap (also the tie order).

CREATE TABLE source (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,            -- as given on the command line
    kind        INTEGER NOT NULL,         -- 1..5, see above
    format      TEXT NOT NULL,            -- etw-logparser, etw-tracerpt, ...
    size        INTEGER NOT NULL,         -- bytes
    sha256      TEXT NOT NULL UNIQUE,     -- content hash: re-import is a no-op
    imported_at TEXT NOT NULL,            -- ISO 8601 UTC
    events      INTEGER NOT NULL DEFAULT 0,
    requests    INTEGER NOT NULL DEFAULT 0,
    warnings    INTEGER NOT NULL DEFAULT 0,
    truncated   INTEGER NOT NULL DEFAULT 0, -- 1: input ended early
    message     TEXT,                     -- first problem, with its position
    clock_offset_ns INTEGER,              -- captures: offset applied to times
    clock_offset_given INTEGER NOT NULL DEFAULT 0, -- 1: --clock-offset
    clock_offset_matches INTEGER,         -- captures: matches the estimate fits
    capture     TEXT,                     -- captures: JSON object of what the
                                          -- file held (frames, first, last,
                                          -- link_types; .etl: packet_events,
                                          -- packet_events_truncated), else NULL
    frames_sha256 TEXT                    -- captures: hash of the frames' times
                                          -- and bytes, whatever the container
);

CREATE TABLE source_warning (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    line      INTEGER,                    -- line (or frame) it concerns
    message   TEXT NOT NULL
);
CREATE INDEX source_warning_by_source ON source_warning(source_id);

CREATE TABLE request (
    id           INTEGER PRIMARY KEY,     -- hash of key, < 2^53
    key          TEXT NOT NULL,           -- lower-case GUID or synthetic;
                                          -- found through id, which is
                                          -- rn_request_id(key) (stores made
                                          -- by earlier builds also have a
                                          -- UNIQUE index on key)
    start_ns     INTEGER,
    end_ns       INTEGER,
    verb         TEXT,
    url          TEXT,
    host         TEXT,
    http_status  INTEGER,
    substatus    INTEGER,
    win32_status INTEGER,
    severity     INTEGER NOT NULL DEFAULT 0, -- 2 5xx, 1 4xx, 0 other
    sources      INTEGER NOT NULL DEFAULT 0, -- bit (kind - 1) per source kind
    cgi_start    INTEGER,                 -- event.uid of each role, or NULL
    header_error INTEGER,
    status_send  INTEGER,
    diagnosis    TEXT,
    marked       INTEGER NOT NULL DEFAULT 0,
    cause        TEXT                     -- failure class (rn_cause.h), NULL
                                          -- without a diagnosis
);
CREATE INDEX request_by_time ON request(start_ns, id);
CREATE INDEX request_by_failure ON request(severity DESC, start_ns, id);
CREATE INDEX request_by_status ON request(http_status, substatus, start_ns);
CREATE INDEX request_marked ON request(marked) WHERE marked != 0;
-- The failures-by-cause summary (covering: it reads no request row) and
-- cause:ID; most requests have none.
CREATE INDEX request_by_cause ON request(cause, http_status, substatus)
    WHERE cause IS NOT NULL;

CREATE TABLE srcreq (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    kind         INTEGER NOT NULL,
    key          TEXT NOT NULL,           -- GUID (lower case) or synthetic
    request_id   INTEGER,                 -- logical request, NULL until linked
    link_rule    TEXT,                    -- which rule linked it
    start_ns     INTEGER,
    end_ns       INTEGER,
    verb         TEXT,
    url          TEXT,
    host         TEXT,
    http_status  INTEGER,
    substatus    INTEGER,
    win32_status INTEGER,
    client_addr  TEXT,
    client_port  INTEGER,
    server_addr  TEXT,
    server_port  INTEGER,
    attrs        TEXT NOT NULL DEFAULT '{}', -- other attributes, JSON object
    truncated    INTEGER NOT NULL DEFAULT 0,
    link_margin_ns INTEGER,               -- a matcher's link (W3C, HTTPERR,
                                          -- capture): how much closer (ns of
                                          -- evidence cost) the pair was than
                                          -- the next candidate either side
                                          -- had; 0: identical evidence,
                                          -- paired in time order.  NULL: no
                                          -- other candidate, or not a
                                          -- matcher's link (GUID, self)
    alone_reason TEXT                     -- a W3C/HTTPERR line or exchange
                                          -- left alone: no_candidate (no IIS
                                          -- request of its path fit its
                                          -- time) or conflict (one did, but
                                          -- other evidence differed or
                                          -- another took it); NULL when
                                          -- linked, for GUID sources, and
                                          -- for an exchange never matched
                                          -- (nothing near: no_candidate)
);
CREATE INDEX srcreq_by_request ON srcreq(request_id);
CREATE UNIQUE INDEX srcreq_by_source_key ON srcreq(source_id, key);
CREATE INDEX srcreq_by_kind_time ON srcreq(kind, start_ns);

CREATE TABLE event (
    id        INTEGER PRIMARY KEY,
    uid       INTEGER NOT NULL,           -- public id: hash(source, ordinal)
    source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
    srcreq_id INTEGER REFERENCES srcreq(id) ON DELETE CASCADE,
    kind      INTEGER NOT NULL,
    seq       INTEGER NOT NULL,           -- EventNumber, position or frame
    line      INTEGER,                    -- line in the file, if text
    ts_ns     INTEGER,                    -- UTC ns; NULL if unknown
    provider  TEXT,
    name      TEXT NOT NULL,
    level     INTEGER,                    -- 1 critical .. 5 verbose
    fields    TEXT NOT NULL DEFAULT '{}', -- JSON object, string values
    raw       TEXT                        -- XML fragment or HTTP headers
);
CREATE INDEX event_by_srcreq ON event(srcreq_id, ts_ns, kind, seq);
-- No index leads from a source to its events or from a key to source
-- requests of every source: nothing queries them, and keeping them cost a
-- tenth of an import (version 3 dropped them).  A source's events are
-- reached through its source requests (event_by_srcreq).

-- ARR: the X-ARR-LOG-ID a front end set on the request it forwarded
-- (sent = 1, FREB/ETW GENERAL_SET_REQUEST_HEADER) and the one a member
-- received (sent = 0, in GENERAL_REQUEST_HEADERS).  A sent and a received
-- row with the same id make the front end's request the parent of the
-- member's.  Kept per source request, not per request, so that the link
-- follows relinking and does not depend on import order; only ARR traffic
-- has rows.
CREATE TABLE arr_log (
    srcreq_id INTEGER NOT NULL REFERENCES srcreq(id) ON DELETE CASCADE,
    log_id    TEXT NOT NULL,              -- lower-case GUID, no braces
    sent      INTEGER NOT NULL,           -- 1 front end, 0 member
    PRIMARY KEY (srcreq_id, log_id, sent)
) WITHOUT ROWID;
CREATE INDEX arr_log_by_id ON arr_log(log_id, sent);

-- skipped_file: the files an import met but did not import (not traces,
-- unreadable, unparsable), one row per path, with why.  Created by
-- store.c (store_skipped_ensure) for new stores and stores made before it
-- alike, so that schema 4 needs no new version.

-- Key/value state of the interactive front end (cursor, filter, ...).
CREATE TABLE ui_state (
    key   TEXT PRIMARY KEY,
    value TEXT
);
