/*
 * Fuzz target: the frame decoder (pkt_decode.c) alone, fast.  Byte 0
 * picks the link type, bytes 1-2 how much shorter the captured length is
 * than the wire length; the rest is the frame.  A decoded segment must
 * lie inside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pkt_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Decode one frame. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int links[] = {
        PKT_LINK_NULL, PKT_LINK_ETHERNET,
        PKT_LINK_RAW,  PKT_LINK_LOOP,
        PKT_LINK_SLL,  PKT_LINK_IPV4,
        PKT_LINK_IPV6, PKT_LINK_NFLOG,
        PKT_LINK_SLL2, 147 /* a type it does not know */};
    struct pkt_tcp seg;
    const uint8_t *frame;
    uint32_t caplen, origlen;
    uint8_t *copy;

    if (size < 3)
        return 0;
    frame = data + 3;
    caplen = (uint32_t)(size - 3);
    origlen = caplen + (uint32_t)(data[1] | data[2] << 8);
    /* An exact-size copy, so reading past caplen is caught. */
    copy = malloc(caplen > 0 ? caplen : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, frame, caplen);
    if (pkt_decode(links[data[0] % (sizeof links / sizeof links[0])], copy,
                   caplen, origlen, &seg) == PKT_TCP) {
        if (seg.cap_len > 0 &&
            (seg.payload < copy || seg.payload + seg.cap_len > copy + caplen))
            abort();
        if (seg.seg_len < seg.cap_len || (seg.ipver != 4 && seg.ipver != 6))
            abort();
    }
    free(copy);
    return 0;
}
