/*
 * Packet captures stored as ETW .etl files, behind cap_read's iterator:
 * what `netsh trace start capture=yes` writes (Microsoft-Windows-NDIS-
 * PacketCapture events 1001, fragments joined on PacketEnd, and 1003 from
 * the Hyper-V switch; link type from the keywords) and what `pktmon start
 * --capture` writes (Microsoft-Windows-PktMon events 160 and 170: 34 fixed
 * bytes, then the packet).  PktMon logs a packet once for each component
 * it passes: one appearance a PktGroupId is kept, the NIC's (a miniport
 * seen receiving or sending) when there is one.  The file is walked whole
 * at open (etl_read.c): ETW writes per-processor buffers, so packets are
 * only in time order once sorted; the sort spills to a temporary file
 * (spill_sort.c), so the memory held stays a few MiB at any size.  Frames are
 * numbered from 1 after de-duplication in time order, as the pcapng etl2pcapng
 * writes numbers them with one appearance a packet.
 */
#ifndef CAP_ETL_H
#define CAP_ETL_H

#include <stdint.h>

#include "cap_read.h"
#include "rn_err.h"
#include "spill_sort.h"

/* Most packet bytes kept from one file (in a temporary file until read). */
#define CAP_ETL_BYTES_MAX (2048ull * 1024 * 1024)

/* What an .etl file held beyond its frames. */
struct cap_etl_info {
    uint64_t packet_events; /* packets logged, before de-duplication (a
                             * packet NDIS logs in fragments counts once) */
    uint64_t duplicates;    /* PktMon appearances left out */
    uint64_t truncated;     /* of packet_events, logged shorter than on the
                             * wire (before de-duplication) */
    uint64_t lost_buf_off;  /* first buffer flagged for lost events, */
    int lost;               /* when lost is set */
    uint32_t events_lost;   /* the logfile header's count */
    int pktmon;             /* PktMon events seen (else NDIS) */
};

struct cap_etl;

/*
 * Read the .etl file path (size bytes) open on fd, which stays the
 * caller's.  A file without packet events is refused (RN_ENOTFOUND, saying
 * to render IIS events to XML); damage after some packets keeps them and
 * is returned by cap_etl_next once they are read.  With all set, every
 * PktMon appearance is kept (tests compare them with pktmon etl2pcap).
 */
enum rn_rc cap_etl_open(const char *path, int fd, uint64_t size, int all,
                        struct cap_etl **out, struct rn_err *err);

/*
 * cap_etl_open with the limits of its two sorts (spill_sort.h) instead of
 * the defaults, so tests can make a small file take the paths a large one
 * takes: several runs, merges of merges.
 */
enum rn_rc cap_etl_open_limits(const char *path, int fd, uint64_t size, int all,
                               const struct spill_sort_limits *lim,
                               struct cap_etl **out, struct rn_err *err);

/*
 * Next frame into *f (data borrowed until the next call or close); *got
 * is 0 at the end.
 * *index (may be NULL) is the frame's position among all packet events
 * in file order, from 0.
 */
enum rn_rc cap_etl_next(struct cap_etl *e, struct cap_frame *f, int *got,
                        uint64_t *index, struct rn_err *err);

const struct cap_etl_info *cap_etl_info(const struct cap_etl *e);

void cap_etl_close(struct cap_etl *e);

#endif
