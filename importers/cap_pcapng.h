/*
 * pcapng reader of our own, behind cap_read's iterator.  libpcap refuses
 * a file whose interfaces differ in link type or snapshot length (as
 * mergecap writes when it merges an Ethernet and a Linux-cooked capture),
 * so every pcapng file is read here: sections of either byte order,
 * interfaces with their own link type, if_tsresol, if_tsoffset and
 * if_fcslen, and enhanced, simple and obsolete packet blocks (with the FCS
 * length of epb_flags).  Frames are numbered as Wireshark numbers them, and
 * an Ethernet frame's FCS is taken off as cap_read_fcs_strip says.
 */
#ifndef CAP_PCAPNG_H
#define CAP_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#include "cap_read.h"
#include "rn_err.h"

/* Largest block whose body is read into memory (a packet block). */
#define CAP_PCAPNG_BLOCK_MAX (64u * 1024 * 1024)

/* Most interfaces one section may describe. */
#define CAP_PCAPNG_IF_MAX 65536

struct cap_pcapng;

/*
 * Read the pcapng file path (size bytes, already known to start with a
 * section header block's type) from fp, positioned at its start.  fp
 * belongs to the reader from here on: cap_pcapng_close closes it, and so
 * does a failed open.  The path is copied for messages.
 */
enum rn_rc cap_pcapng_open(const char *path, FILE *fp, uint64_t size,
                           struct cap_pcapng **out, struct rn_err *err);

/*
 * Next frame into *f (its data is borrowed until the next call or close);
 * *got is 0 at the end of the file.  A truncated or damaged block gives
 * RN_EFORMAT naming the file and the block's byte offset; the frames
 * returned before it stay valid.
 */
enum rn_rc cap_pcapng_next(struct cap_pcapng *p, struct cap_frame *f, int *got,
                           struct rn_err *err);

/* Offset of the next block: the bytes read so far. */
uint64_t cap_pcapng_pos(const struct cap_pcapng *p);

void cap_pcapng_close(struct cap_pcapng *p);

#endif
