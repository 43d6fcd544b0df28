/*
 * XPRESS "plain LZ77" decompression ([MS-XCA] 2.3 and 2.4), the
 * compression ETW uses for the buffers of a relogged .etl file (netsh
 * trace and pktmon merge their traces on stop).  Written from the
 * specification; no Debian library has this variant (libmspack and
 * wimlib do LZX and XPRESS-Huffman).  Every read and every copy is
 * checked against the input size and the output capacity.
 */
#ifndef ETL_XPRESS_H
#define ETL_XPRESS_H

#include <stddef.h>

/*
 * Decode the n bytes at in into out (cap bytes).  Returns 0 with *outlen
 * the bytes written, or -1 with *why a static reason and *at the input
 * offset where decoding failed (a match before the start of the output,
 * output past cap, input ending inside a match).
 */
int etl_xpress_decode(const unsigned char *in, size_t n, unsigned char *out,
                      size_t cap, size_t *outlen, const char **why, size_t *at);

#endif
