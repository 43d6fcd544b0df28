/*
 * Safe streaming XML input for the XML importers (ETW renderings, FREB).
 *
 * Drives libxml2's SAX2 push parser (no tree is built) with: no network,
 * no external DTD or entity loading, no entity substitution, libxml2's
 * default size limits
 * (never XML_PARSE_HUGE); UTF-8/UTF-16 with BOM; documents that are only a
 * run of fragments (`<ROW>...</ROW><ROW>...`, wevtutil's `<Event>`s) get a
 * synthetic root so they parse; byte progress; and the first parse error
 * kept with its line and column.
 */
#ifndef XML_INPUT_H
#define XML_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <libxml/parser.h>

#include "rn_buf.h"
#include "rn_err.h"

struct xml_input;

/* Open path for xml_input_parse.  Fails with RN_EIO when it cannot be
 * read, RN_EFORMAT for an encoding refused. */
enum rn_rc xml_input_open(const char *path, struct xml_input **out,
                          struct rn_err *err);
void xml_input_close(struct xml_input *in);

/*
 * Like xml_input_open, but feed the parser only the first limit bytes of
 * the file (limit -1: all of it), then the text tail (static storage; may
 * be NULL).  For files cut short: parse up to the last complete element
 * and close the root.  The limit only applies to 8-bit encodings.
 */
enum rn_rc xml_input_open_cut(const char *path, int64_t limit, const char *tail,
                              struct xml_input **out, struct rn_err *err);

/* The same from a stream already open (f: the file, or its content in
 * memory; closed by xml_input_close, or here on failure); path names it in
 * messages. */
enum rn_rc xml_input_open_stream(FILE *f, const char *path, int64_t limit,
                                 const char *tail, struct xml_input **out,
                                 struct rn_err *err);

/* An element start as the push parser gives it (valid during the call). */
struct xml_elem {
    const char *name;      /* local name */
    const xmlChar **attrs; /* libxml2's (local, prefix, URI, value, end)s */
    int nattrs;            /* as written (defaults from a DTD not counted) */
};

/* Value of the unprefixed attribute name (malloc'd), or NULL. */
char *xml_elem_attr(const struct xml_elem *el, const char *name);

/* The same into out (reset first): 1, or 0 when there is none. */
int xml_elem_attr_buf(const struct xml_elem *el, const char *name,
                      struct rn_buf *out);

/* Attribute i (< el->nattrs): its qualified name into qname (cut to
 * fit) and its value (malloc'd). */
char *xml_elem_attr_at(const struct xml_elem *el, int i, char *qname,
                       size_t qname_size);

/*
 * What xml_input_parse calls.  depth is the element's depth (the root is
 * 1; a synthetic root is not counted).  A non-OK return stops the parse
 * and is what xml_input_parse returns.
 */
struct xml_sax {
    enum rn_rc (*start)(void *ctx, int depth, const struct xml_elem *el);
    enum rn_rc (*end)(void *ctx, int depth);
};

/*
 * Parse the document, streaming (once per xml_input).  RN_OK,
 * RN_EFORMAT at the first parse error (xml_input_error has it; every
 * element that ended before it was reported), or a handler's code.
 */
enum rn_rc xml_input_parse(struct xml_input *in, const struct xml_sax *h,
                           void *ctx);

/*
 * During xml_input_parse: gather the character data from here to
 * xml_input_capture_end into b, trimmed of surrounding white space.  As
 * with libxml2's reader (used before), a text node that does not fit b's
 * cap is dropped whole and *cut set.
 */
void xml_input_capture(struct xml_input *in, struct rn_buf *b);
void xml_input_capture_end(struct xml_input *in, int *cut);

/* Bytes of the file consumed so far. */
int64_t xml_input_offset(const struct xml_input *in);

/*
 * After xml_input_parse returned RN_EFORMAT: the first error as
 * "line L, column C: message" (static storage in in), and its line.
 */
const char *xml_input_error(const struct xml_input *in, int64_t *line);

/* The line where the parser stands (1-based; in a start handler: the
 * start tag's), or 0 before the parse. */
int64_t xml_input_line(struct xml_input *in);

/* Sniff: after BOM, declaration, PIs, comments and a DOCTYPE, the name of
 * the first element in head (UTF-8 or UTF-16); 0 if none found. */
int xml_input_first_element(const unsigned char *head, size_t n, char *name,
                            size_t name_size);

#endif
