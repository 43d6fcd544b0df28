/*
 * Safe streaming XML input for the XML importers (ETW renderings, FREB).
 *
 * Wraps libxml2's xmlTextReader with: no network, no external DTD or
 * entity loading, no entity substitution, libxml2's default size limits
 * (never XML_PARSE_HUGE); UTF-8/UTF-16 with BOM; documents that are only a
 * run of fragments (`<ROW>...</ROW><ROW>...`, wevtutil's `<Event>`s) get a
 * synthetic root so they parse; byte progress; and the first parse error
 * kept with its line and column.
 */
#ifndef XML_INPUT_H
#define XML_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <libxml/xmlreader.h>

#include "rn_buf.h"
#include "rn_err.h"

struct xml_input;

/* Open path for streaming.  Fails with RN_EIO when it cannot be read. */
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

/* The reader (borrowed; valid until xml_input_close). */
xmlTextReaderPtr xml_input_reader(struct xml_input *in);

/* Bytes of the file consumed so far. */
int64_t xml_input_offset(const struct xml_input *in);

/*
 * After xmlTextReaderRead returned -1: the first error as
 * "line L, column C: message" (static storage in in), and its line.
 */
const char *xml_input_error(const struct xml_input *in, int64_t *line);

/* Current line of the reader (1-based), or 0. */
int64_t xml_input_line(struct xml_input *in);

/*
 * Read the text content of the current element (the reader is on its
 * start tag) into b, trimmed of surrounding white space; leaves the reader
 * on the end tag.  Text past b's cap is cut and *cut set.
 */
enum rn_rc xml_input_text(struct xml_input *in, struct rn_buf *b, int *cut);

/* Local name of the current node ("" when none): borrowed. */
const char *xml_input_name(struct xml_input *in);

/* Attribute value (malloc'd) or NULL. */
char *xml_input_attr(struct xml_input *in, const char *name);

/* Sniff: after BOM, declaration, PIs, comments and a DOCTYPE, the name of
 * the first element in head (UTF-8 or UTF-16); 0 if none found. */
int xml_input_first_element(const unsigned char *head, size_t n, char *name,
                            size_t name_size);

#endif
