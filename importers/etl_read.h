/*
 * The ETW .etl container, walked buffer by buffer without Windows APIs
 * (facts in shared ETL.md section 4): 72-byte buffer headers laid end to
 * end, XPRESS-compressed buffers decoded (etl_xpress.c), records walked to
 * the buffer's FilledBytes, 8-byte aligned, each skipped by the size its
 * header type keeps; manifest events (EVENT_HEADER) are handed over with
 * their extended data items skipped.  The first record of the file is
 * the logfile header, which gives the clock that turns raw timestamps
 * into times.  Every size and offset read is checked first.
 */
#ifndef ETL_READ_H
#define ETL_READ_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

/* Largest buffer (ETW's own limit is 16 MiB) and decoded payload. */
#define ETL_BUFFER_MAX (16u * 1024 * 1024 + 4096)

#define ETL_BUFFER_HDR 72

/* BufferFlag bits. */
#define ETL_BUF_EVENTS_LOST 0x2
#define ETL_BUF_BUFFER_LOST 0x4
#define ETL_BUF_CORRUPT     0x8 /* RTBACKUP_CORRUPT */
#define ETL_BUF_COMPRESSED  0x40

/* What the logfile header says (TRACE_LOGFILE_HEADER). */
struct etl_header {
    int ptr64;          /* 64-bit header record */
    uint32_t clock;     /* ReservedFlags: 1 QPC, 2 system time, 3 cycles */
    uint64_t perf_freq; /* QPC ticks a second */
    uint32_t cpu_mhz;
    int64_t start; /* StartTime, FILETIME */
    int64_t t0;    /* raw time of the header record itself */
    uint32_t mode; /* LogFileMode */
    uint32_t events_lost, buffers_lost;
};

/* One buffer, as walked. */
struct etl_buffer {
    uint64_t off;    /* file offset */
    uint32_t size;   /* BufferSize: bytes on disk */
    uint32_t filled; /* FilledBytes: header plus records, decoded */
    uint32_t end;    /* where the record walk stopped */
    uint16_t flags, type, cpu;
    uint64_t records; /* records walked */
};

/* Extended data items counted and the first few types kept (tests). */
#define ETL_ITEMS_KEPT 4

/* One manifest event (EVENT_HEADER record, type 0x12 or 0x13). */
struct etl_event {
    uint64_t buf_off;              /* its buffer's file offset */
    uint32_t rec_off;              /* its offset in the (decoded) buffer */
    uint16_t cpu;                  /* its buffer's processor */
    const unsigned char *provider; /* 16-byte GUID as stored */
    uint16_t id;
    uint8_t version;
    uint64_t keyword;
    int64_t ts; /* raw */
    uint32_t tid, pid;
    unsigned nitems;
    uint16_t item_type[ETL_ITEMS_KEPT];
    const unsigned char *data; /* user data */
    uint32_t len;
};

struct etl_walk_cb {
    void *ctx;
    /* The logfile header, before any event. */
    enum rn_rc (*header)(void *ctx, const struct etl_header *h,
                         struct rn_err *err);
    /* A manifest event; return an error to stop the walk. */
    enum rn_rc (*event)(void *ctx, const struct etl_event *ev,
                        struct rn_err *err);
    /* A buffer walked to its end (optional). */
    void (*buffer)(void *ctx, const struct etl_buffer *b);
};

/* Nonzero when the first n bytes (>= 80 needed) look like an .etl file. */
int etl_probe(const unsigned char *head, size_t n);

/*
 * Walk the .etl file open on fd (size bytes; path for messages).  Damage
 * (a buffer whose sizes do not add up, a compressed buffer that does not
 * decode to its FilledBytes, a record that does not fit) gives RN_EFORMAT
 * naming the buffer's offset and the record's; the events handed over
 * before it stay valid.  Events point into a buffer reused for the next
 * buffer: callers copy what they keep.
 */
enum rn_rc etl_walk(const char *path, int fd, uint64_t size,
                    const struct etl_walk_cb *cb, struct rn_err *err);

/* A raw event time as UTC ns since 1970, or INT64_MIN when out of range. */
int64_t etl_time_ns(const struct etl_header *h, int64_t ts);

#endif
