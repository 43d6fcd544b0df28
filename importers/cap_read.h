/*
 * One frame iterator over capture files: pcap through libpcap (nanosecond
 * timestamps), pcapng, Microsoft Network Monitor 1.x/2.x .cap and ETW .etl
 * packet captures through readers of our own (cap_pcapng.c, cap_read.c,
 * cap_etl.c).  Frames are numbered from 1 in
 * file order, as Wireshark and Network Monitor number them (NetMon metadata
 * frames use up a number but are not returned; .etl frames are numbered
 * in time order, one appearance a packet, see cap_etl.h).  Where the file says
 * that Ethernet frames end in a frame check sequence (the FCS bits of a pcap
 * header's link type, pcapng's if_fcslen and epb_flags), the readers take
 * it off before returning the frame, so that the decoder never reads it as
 * payload (it would when the IP length is 0, see pkt_decode.c).
 */
#ifndef CAP_READ_H
#define CAP_READ_H

#include <stddef.h>
#include <stdint.h>

#include "rn_err.h"

enum cap_format {
    CAP_FMT_NONE = 0,
    CAP_FMT_PCAP = 1,
    CAP_FMT_PCAPNG = 2,
    CAP_FMT_NETMON = 3,
    CAP_FMT_ETL = 4 /* netsh trace / pktmon packet capture (cap_etl.c) */
};

/* Link type of a frame this reader could not map (enum pkt_link else). */
#define CAP_LINK_UNKNOWN (-1)

/* Time of a frame whose stored time is out of range. */
#define CAP_TS_NONE INT64_MIN

/* One frame; data is borrowed until the next cap_read_next/close. */
struct cap_frame {
    uint64_t number; /* 1-based frame number */
    int64_t ts_ns;   /* UTC ns (see cap_read_ts_local) */
    int link;        /* enum pkt_link, or CAP_LINK_UNKNOWN */
    int raw_link;    /* the file's own link/network type value */
    const unsigned char *data;
    uint32_t caplen, origlen; /* without the FCS */
    uint32_t fcs;             /* FCS bytes taken off the end (0: none) */
};

/* Map a LINKTYPE_ value to enum pkt_link, or CAP_LINK_UNKNOWN. */
int cap_read_link(unsigned linktype);

/*
 * Take an FCS of fcs bytes off the end of f (f->fcs says how many were
 * taken).  Only Ethernet frames are changed, as Wireshark only applies
 * an FCS length to Ethernet.  The FCS ends the frame on the wire: origlen
 * loses it, caplen only the part of it that was captured (a frame cut by
 * the snapshot length keeps what it has up to the FCS).  A frame shorter
 * than its FCS is left alone.
 */
void cap_read_fcs_strip(struct cap_frame *f, uint32_t fcs);

/*
 * Format of a file from its first n bytes (>= 4 needed; an .etl file is
 * only recognised from CAP_READ_PROBE_MIN), or CAP_FMT_NONE.
 */
#define CAP_READ_PROBE_MIN 80
enum cap_format cap_read_probe(const unsigned char *head, size_t n);

struct cap_reader;
struct cap_etl_info;

/* Open path; the format is detected from its magic number. */
enum rn_rc cap_read_open(const char *path, struct cap_reader **out,
                         struct rn_err *err);

/*
 * Next frame into *f; *got is 0 at the end of the file.  A damaged or
 * truncated file gives RN_EFORMAT with the path and the frame number or
 * offset; the frames returned before stay valid.
 */
enum rn_rc cap_read_next(struct cap_reader *r, struct cap_frame *f, int *got,
                         struct rn_err *err);

enum cap_format cap_read_format(const struct cap_reader *r);

/* Format name with version: "pcap", "pcapng", "netmon1", "netmon2", "etl". */
const char *cap_read_name(const struct cap_reader *r);

/* Bytes of the file read so far (for progress), and its size. */
uint64_t cap_read_pos(const struct cap_reader *r);
uint64_t cap_read_size(const struct cap_reader *r);

/*
 * Nonzero when frame times are local time of an unknown zone (NetMon
 * before 2.3 stores only a local start time).
 */
int cap_read_ts_local(const struct cap_reader *r);

/* What an .etl file held beyond its frames; NULL for other formats. */
const struct cap_etl_info *cap_read_etl_info(const struct cap_reader *r);

void cap_read_close(struct cap_reader *r);

#endif
