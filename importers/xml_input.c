/*
 * Safe streaming XML input (see xml_input.h).  The file is fed to
 * libxml2 through our own read callback, which is where a run of
 * fragments gets its synthetic root (and, for UTF-16 fragments, is
 * transcoded to UTF-8 because the root we add is UTF-8).  The same
 * callback feeds, chunk by chunk, libxml2's SAX2 push parser: it builds
 * no tree, which makes it several times
 * faster than libxml2's reader on event logs.
 */
#include "xml_input.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "rn_json.h"
#include "xmalloc.h"

#define XML_WRAP_OPEN  "<reqnav-fragments>"
#define XML_WRAP_CLOSE "</reqnav-fragments>"

/* No network, no DTD loading, no entity substitution, default limits:
 * never XML_PARSE_NOENT, XML_PARSE_DTDLOAD or XML_PARSE_HUGE. */
#define XML_INPUT_OPTIONS                                                      \
    (XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |                 \
     XML_PARSE_BIG_LINES)

/* Bytes handed to the push parser at a time. */
#define XML_PUSH_CHUNK (64 * 1024)

enum xml_enc { XML_ENC_BYTES, XML_ENC_UTF16LE, XML_ENC_UTF16BE };

/* Where the prolog guard stands (see xml_guard_feed). */
enum xml_guard_state {
    XML_GUARD_PROLOG,  /* between prolog items */
    XML_GUARD_MARK,    /* after '<': reading what kind of markup */
    XML_GUARD_PI,      /* inside <? ... ?> */
    XML_GUARD_COMMENT, /* inside <!-- ... --> */
    XML_GUARD_DOCTYPE, /* inside <!DOCTYPE, outside its subset */
    XML_GUARD_SUBSET,  /* inside the internal subset [ ... ] */
    XML_GUARD_DECL,    /* inside a declaration of the subset */
    XML_GUARD_DONE     /* the root element has begun */
};

/*
 * Watches the prolog for entity declarations.  IIS never writes them, and
 * they are what billion-laughs, quadratic blow-up and external-entity
 * documents are made of; libxml2 would leave their references unexpanded
 * (we never pass XML_PARSE_NOENT) and silently drop the text, so such a
 * document is refused outright with its position.  A "<!ENTITY" inside a
 * prolog comment is not one and is skipped.
 */
struct xml_guard {
    enum xml_guard_state state;
    enum xml_guard_state back; /* state to return to after a PI/comment */
    char mark[10];             /* text after '<' while in XML_GUARD_MARK */
    size_t nmark;
    char quote;    /* open quote inside a declaration, or 0 */
    int tail;      /* matched chars of the end marker ("?>" or "-->") */
    int64_t line;  /* 1-based line of the byte being scanned */
    int64_t found; /* line of the entity declaration, or 0 */
};

struct xml_input {
    FILE *f;
    int64_t offset;        /* file bytes consumed */
    int wrap;              /* add a synthetic root */
    enum xml_enc enc;      /* transcode from UTF-16 (wrap mode only) */
    int state;             /* 0 start (open tag), 2 body, 3 close tag, 4 eof */
    unsigned char pend[4]; /* undecoded UTF-16 bytes carried over */
    size_t npend;
    uint32_t hi_surrogate;
    int bom_seen;     /* first UTF-16 unit handled */
    int64_t limit;    /* feed file bytes up to here only, or -1 */
    const char *tail; /* then this text (static), e.g. a closing tag */
    size_t tail_done;
    char errmsg[RN_ERR_MSG_MAX];
    int64_t errline;
    struct xml_guard guard;
    /* The parse (xml_input_parse). */
    char *path;            /* the file, for libxml2's messages */
    xmlParserCtxtPtr push; /* the parser, once started */
    const struct xml_sax *sax;
    void *sax_ctx;
    enum rn_rc sax_rc;  /* a handler's failure, or RN_OK */
    int stopped;        /* an error or a failure: report nothing more */
    int depth;          /* elements open, the synthetic root included */
    size_t run;         /* bytes of the text node being read */
    struct rn_buf *cap; /* where character data is gathered, or NULL */
    size_t run_start;   /* cap's length where the text node began */
    int run_drop;       /* the text node did not fit: drop all of it */
    int cap_cut;        /* some text node was dropped */
};

/* Is this the first element of a fragment run rather than a root? */
static int
xml_is_fragment_root(const char *name)
{
    return strcmp(name, "ROW") == 0 || strcmp(name, "Event") == 0;
}

/* Decode head (possibly UTF-16) into ASCII-ish bytes for sniffing. */
static size_t
xml_sniff_bytes(const unsigned char *head, size_t n, char *out, size_t cap)
{
    size_t i = 0, o = 0;
    int le = 0, be = 0;

    if (n >= 2 && head[0] == 0xFF && head[1] == 0xFE) {
        le = 1;
        i = 2;
    } else if (n >= 2 && head[0] == 0xFE && head[1] == 0xFF) {
        be = 1;
        i = 2;
    } else if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB &&
               head[2] == 0xBF) {
        i = 3;
    } else if (n >= 2 && head[0] == '<' && head[1] == 0) {
        le = 1;
    } else if (n >= 2 && head[0] == 0 && head[1] == '<') {
        be = 1;
    }
    while (i < n && o + 1 < cap) {
        if (le || be) {
            if (i + 1 >= n)
                break;
            out[o++] = (char)(le ? head[i] : head[i + 1]);
            i += 2;
        } else {
            out[o++] = (char)head[i++];
        }
    }
    out[o] = '\0';
    return o;
}

int
xml_input_first_element(const unsigned char *head, size_t n, char *name,
                        size_t name_size)
{
    char buf[8192];
    size_t len = xml_sniff_bytes(head, n, buf, sizeof buf), i = 0, k;

    while (i < len) {
        if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
            buf[i] == '\n') {
            i++;
        } else if (strncmp(buf + i, "<?", 2) == 0) {
            char *e = strstr(buf + i, "?>");
            if (e == NULL)
                return 0;
            i = (size_t)(e - buf) + 2;
        } else if (strncmp(buf + i, "<!--", 4) == 0) {
            char *e = strstr(buf + i, "-->");
            if (e == NULL)
                return 0;
            i = (size_t)(e - buf) + 3;
        } else if (strncmp(buf + i, "<!DOCTYPE", 9) == 0) {
            /* An internal subset ends with "]>", a plain one with ">". */
            char *br = strchr(buf + i, '[');
            char *gt = strchr(buf + i, '>');
            char *e;

            if (gt == NULL)
                return 0;
            if (br != NULL && br < gt) {
                e = strstr(br, "]>");
                if (e == NULL)
                    return 0;
                i = (size_t)(e - buf) + 2;
            } else {
                i = (size_t)(gt - buf) + 1;
            }
        } else if (buf[i] == '<') {
            i++;
            for (k = 0; i < len && k + 1 < name_size; i++) {
                char c = buf[i];

                if (c == ' ' || c == '>' || c == '/' || c == '\t' ||
                    c == '\r' || c == '\n')
                    break;
                name[k++] = c;
            }
            name[k] = '\0';
            return k > 0;
        } else {
            return 0;
        }
    }
    return 0;
}

/* Append code point cp as UTF-8 to out; returns bytes written. */
static size_t
xml_put_utf8(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Read up to len bytes of UTF-8 from a UTF-16 file; 0 at EOF, -1 error. */
static int
xml_read_utf16(struct xml_input *in, char *out, int len)
{
    unsigned char raw[4096];
    size_t n, i, o = 0;

    /* Each UTF-16 unit makes at most 3 bytes of UTF-8 (4 per pair). */
    size_t want = (size_t)len / 3 * 2;

    if (want > sizeof raw - in->npend)
        want = sizeof raw - in->npend;
    if (want < 2)
        want = 2;
    memcpy(raw, in->pend, in->npend);
    n = fread(raw + in->npend, 1, want - in->npend, in->f);
    if (n == 0 && ferror(in->f))
        return -1;
    in->offset += (int64_t)n;
    n += in->npend;
    in->npend = 0;
    for (i = 0; i + 1 < n; i += 2) {
        uint32_t u = in->enc == XML_ENC_UTF16LE
                         ? (uint32_t)(raw[i] | raw[i + 1] << 8)
                         : (uint32_t)(raw[i] << 8 | raw[i + 1]);

        if (u >= 0xD800 && u <= 0xDBFF) {
            in->hi_surrogate = u;
            continue;
        }
        if (u >= 0xDC00 && u <= 0xDFFF) {
            u = in->hi_surrogate != 0
                    ? 0x10000 + ((in->hi_surrogate - 0xD800) << 10) +
                          (u - 0xDC00)
                    : 0xFFFD;
        } else if (in->hi_surrogate != 0) {
            o += xml_put_utf8(0xFFFD, out + o);
        }
        in->hi_surrogate = 0;
        if (u == 0xFEFF && !in->bom_seen) {
            in->bom_seen = 1;
            continue; /* the BOM itself */
        }
        in->bom_seen = 1;
        o += xml_put_utf8(u, out + o);
    }
    if (i < n)
        in->pend[in->npend++] = raw[i];
    return (int)o;
}

/* Raw file bytes, in either mode. */
static int
xml_read_file(struct xml_input *in, char *buf, int len)
{
    size_t n;

    if (in->enc != XML_ENC_BYTES)
        return xml_read_utf16(in, buf, len);
    if (in->limit >= 0 && in->offset >= in->limit) {
        size_t left = in->tail != NULL ? strlen(in->tail) - in->tail_done : 0;

        if (left == 0)
            return 0; /* no tail (a run of fragments), or all of it given */
        n = left < (size_t)len ? left : (size_t)len;
        memcpy(buf, in->tail + in->tail_done, n);
        in->tail_done += n;
        return (int)n;
    }
    if (in->limit >= 0 && (int64_t)len > in->limit - in->offset)
        len = (int)(in->limit - in->offset);
    n = fread(buf, 1, (size_t)len, in->f);
    if (n == 0 && ferror(in->f))
        return -1;
    in->offset += (int64_t)n;
    return (int)n;
}

/*
 * Where the content starts when we feed libxml2 ourselves: past the BOM
 * and the XML declaration (which may name an encoding we transcoded away,
 * and may not follow a synthetic root).  Byte offset into head.
 */
static size_t
xml_content_start(const unsigned char *head, size_t n, enum xml_enc enc)
{
    size_t i = 0, unit = enc == XML_ENC_BYTES ? 1 : 2, k;
    int be = enc == XML_ENC_UTF16BE;

    if (enc != XML_ENC_BYTES && n >= 2 &&
        ((head[0] == 0xFF && head[1] == 0xFE) ||
         (head[0] == 0xFE && head[1] == 0xFF)))
        i = 2;
    else if (enc == XML_ENC_BYTES && n >= 3 && head[0] == 0xEF &&
             head[1] == 0xBB && head[2] == 0xBF)
        i = 3;
    /* Is "<?xml" next?  Compare the low (LE) or high (BE) bytes. */
    for (k = 0; k < 5; k++) {
        size_t at = i + k * unit + (size_t)(be && unit == 2);

        if (at >= n || head[at] != (unsigned char)"<?xml"[k])
            return i;
    }
    for (k = i; k + 2 * unit <= n; k += unit) {
        size_t at = k + (size_t)(be && unit == 2);

        if (head[at] == '?' && head[at + unit] == '>')
            return k + 2 * unit;
    }
    return i; /* no end in sight: let the parser report it */
}

/* Decide what markup follows '<' once the guard has seen enough of it. */
static void
xml_guard_mark(struct xml_guard *g)
{
    static const char *const kinds[] = {"?", "!--", "!DOCTYPE", "!ENTITY"};
    int in_subset = g->back == XML_GUARD_SUBSET, prefix = 0;
    size_t i;

    for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t klen = strlen(kinds[i]);

        if (g->nmark <= klen && memcmp(g->mark, kinds[i], g->nmark) == 0) {
            if (g->nmark < klen) {
                prefix = 1;
                continue;
            }
            if (i == 0) {
                g->state = XML_GUARD_PI;
            } else if (i == 1) {
                g->state = XML_GUARD_COMMENT;
            } else if (i == 2) {
                g->state = in_subset ? XML_GUARD_DECL : XML_GUARD_DOCTYPE;
            } else {
                g->found = g->line;
                g->state = XML_GUARD_DONE;
            }
            g->tail = 0;
            return;
        }
    }
    if (prefix)
        return;
    /* Any other declaration in the subset; the root element (or an error
     * for the parser to report) in the prolog. */
    g->state = in_subset ? XML_GUARD_DECL : XML_GUARD_DONE;
    g->quote = 0;
}

/* Scan the next n bytes; returns 0, or -1 once an entity declaration was
 * seen (g->found holds its line). */
static int
xml_guard_feed(struct xml_guard *g, const char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n && g->state != XML_GUARD_DONE; i++) {
        char c = buf[i];

        switch (g->state) {
        case XML_GUARD_PROLOG:
        case XML_GUARD_SUBSET:
            if (c == '<') {
                g->back = g->state;
                g->state = XML_GUARD_MARK;
                g->nmark = 0;
            } else if (c == ']' && g->state == XML_GUARD_SUBSET) {
                g->state = XML_GUARD_DOCTYPE;
            }
            break;
        case XML_GUARD_MARK:
            g->mark[g->nmark++] = c;
            xml_guard_mark(g);
            if (g->state == XML_GUARD_MARK && g->nmark >= sizeof g->mark)
                g->state = XML_GUARD_DONE;
            break;
        case XML_GUARD_PI:
            /* The end marker "?>". */
            if (c == '>' && g->tail == 1)
                g->state = g->back;
            g->tail = c == '?';
            break;
        case XML_GUARD_COMMENT:
            /* The end marker "-->": count dashes, then '>'. */
            if (c == '>' && g->tail >= 2)
                g->state = g->back;
            g->tail = c == '-' ? g->tail + 1 : 0;
            break;
        case XML_GUARD_DOCTYPE:
        case XML_GUARD_DECL:
            if (g->quote != 0) {
                if (c == g->quote)
                    g->quote = 0;
            } else if (c == '"' || c == '\'') {
                g->quote = c;
            } else if (c == '[' && g->state == XML_GUARD_DOCTYPE) {
                g->state = XML_GUARD_SUBSET;
            } else if (c == '>') {
                g->state = g->state == XML_GUARD_DECL ? XML_GUARD_SUBSET
                                                      : XML_GUARD_PROLOG;
            }
            break;
        case XML_GUARD_DONE:
            break;
        }
        if (c == '\n')
            g->line++;
    }
    return g->found != 0 ? -1 : 0;
}

/* Feed n bytes just read to the guard; -1 (and the error kept) when the
 * document declares an entity. */
static int
xml_input_guard(struct xml_input *in, const char *buf, int n)
{
    if (n <= 0 || in->guard.state == XML_GUARD_DONE)
        return n;
    if (xml_guard_feed(&in->guard, buf, (size_t)n) == 0)
        return n;
    in->errline = in->guard.found;
    snprintf(in->errmsg, sizeof in->errmsg,
             "line %lld: the document declares entities (<!ENTITY>); "
             "refused as unsafe (IIS never writes them)",
             (long long)in->guard.found);
    return -1;
}

/* libxml2 read callback. */
static int
xml_input_read(void *ctx, char *buf, int len)
{
    struct xml_input *in = ctx;
    int n;

    if (!in->wrap && in->enc == XML_ENC_BYTES)
        return xml_input_guard(in, buf, xml_read_file(in, buf, len));
    /* States in order: 0 open tag, 2 body, 3 close tag, 4 end.  Written
     * as a chain of ifs: each state may run on into the next. */
    if (in->state == 0) {
        in->state = 2;
        if (in->wrap) {
            n = (int)strlen(XML_WRAP_OPEN);
            memcpy(buf, XML_WRAP_OPEN, (size_t)n);
            return n;
        }
    }
    if (in->state == 2) {
        n = xml_input_guard(in, buf, xml_read_file(in, buf, len));
        if (n != 0)
            return n;
        in->state = 3;
    }
    if (in->state == 3) {
        in->state = 4;
        if (!in->wrap)
            return 0;
        n = (int)strlen(XML_WRAP_CLOSE);
        memcpy(buf, XML_WRAP_CLOSE, (size_t)n);
        return n;
    }
    return 0;
}

/* Keep the first error with its position. */
static void
xml_input_on_error(void *ctx, xmlErrorPtr e)
{
    struct xml_input *in = ctx;
    char msg[RN_ERR_MSG_MAX / 2];
    size_t n;

    /* Any error ends the walk, also one libxml2 would recover from (its
     * reader, used before, gave up there too). */
    if (e != NULL && e->level >= XML_ERR_ERROR)
        in->stopped = 1;
    if (in->errmsg[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
        return;
    snprintf(msg, sizeof msg, "%s", e->message != NULL ? e->message : "");
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        msg[--n] = '\0';
    /* libxml2's words for its safety limits name its own options; say
     * what the limit is instead. */
    if (strstr(msg, "Excessive depth") != NULL)
        snprintf(msg, sizeof msg, "elements nested deeper than %d levels",
                 (int)xmlParserMaxDepth);
    else if (strstr(msg, "huge text node") != NULL)
        snprintf(msg, sizeof msg, "text node larger than %d bytes",
                 XML_MAX_TEXT_LENGTH);
    else if (e->code == XML_ERR_ENTITY_LOOP ||
             e->code == XML_ERR_ENTITY_PE_INTERNAL)
        snprintf(msg, sizeof msg, "entity expansion refused (%s)",
                 e->code == XML_ERR_ENTITY_LOOP ? "amplification or loop"
                                                : "parameter entity");
    in->errline = e->line;
    snprintf(in->errmsg, sizeof in->errmsg, "line %d, column %d: %s", e->line,
             e->int2, msg);
}

/*
 * The entity guard reads bytes, so a document it scans must be in an
 * encoding where ASCII text is ASCII bytes: UTF-8 or an 8-bit code page.
 * (UTF-16 is transcoded before the guard sees it.)  libxml2 would also
 * take UCS-4, UTF-7, EBCDIC and others, in which "<!ENTITY" hides; IIS
 * writes none of them.  Returns 0 when head (a byte-mode document) is
 * acceptable, else -1 with the encoding named in enc.
 */
static int
xml_encoding_check(const unsigned char *head, size_t n, char *enc,
                   size_t enc_size)
{
    static const char *const ok[] = {"UTF-8",     "UTF8",      "US-ASCII",
                                     "ASCII",     "ISO-8859-", "ISO8859-",
                                     "ISO_8859-", "LATIN",     "WINDOWS-125",
                                     "CP125",     "CP-125",    "ISO-LATIN-"};
    size_t i = 0, k, end;
    const char *q;
    char decl[256];

    snprintf(enc, enc_size, "?");
    if (n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF)
        i = 3;
    if (i < n && head[i] != '<' && head[i] != ' ' && head[i] != '\t' &&
        head[i] != '\r' && head[i] != '\n') {
        snprintf(enc, enc_size, "unknown (first bytes %02x %02x)", head[i],
                 i + 1 < n ? head[i + 1] : 0);
        return -1; /* UCS-4, EBCDIC... detected by libxml2 from bytes */
    }
    if (n - i < 5 || memcmp(head + i, "<?xml", 5) != 0)
        return 0; /* no declaration: UTF-8 */
    for (end = i; end + 1 < n && end - i < sizeof decl - 1; end++) {
        if (head[end] == '?' && head[end + 1] == '>')
            break;
    }
    memcpy(decl, head + i, end - i);
    decl[end - i] = '\0';
    q = strstr(decl, "encoding");
    if (q == NULL)
        return 0;
    q += strlen("encoding");
    while (*q == ' ' || *q == '=' || *q == '\t')
        q++;
    if (*q != '"' && *q != '\'')
        return 0; /* malformed: the parser will say so */
    for (k = 0, q++; *q != '\0' && *q != '"' && *q != '\'' && k + 1 < enc_size;
         q++)
        enc[k++] = (char)(*q >= 'a' && *q <= 'z' ? *q - 'a' + 'A' : *q);
    enc[k] = '\0';
    for (k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        if (strncmp(enc, ok[k], strlen(ok[k])) == 0)
            return 0;
    }
    return -1;
}

enum rn_rc
xml_input_open(const char *path, struct xml_input **out, struct rn_err *err)
{
    return xml_input_open_cut(path, -1, NULL, out, err);
}

enum rn_rc
xml_input_open_cut(const char *path, int64_t limit, const char *tail,
                   struct xml_input **out, struct rn_err *err)
{
    FILE *f = fopen(path, "rb");

    *out = NULL;
    if (f == NULL)
        return rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
    return xml_input_open_stream(f, path, limit, tail, out, err);
}

enum rn_rc
xml_input_open_stream(FILE *f, const char *path, int64_t limit,
                      const char *tail, struct xml_input **out,
                      struct rn_err *err)
{
    struct xml_input *in;
    unsigned char head[4096];
    char first[64], enc[64];
    size_t n;

    *out = NULL;
    in = xcalloc(1, sizeof *in);
    in->limit = limit;
    in->tail = tail;
    in->guard.line = 1;
    in->f = f;
    n = fread(head, 1, sizeof head, in->f);
    in->wrap = xml_input_first_element(head, n, first, sizeof first) &&
               xml_is_fragment_root(first);
    /* UTF-16 (Log Parser writes it, with "ISO-10646-UCS-2" declared) is
     * transcoded here rather than trusted to the declared name. */
    if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) ||
                   (head[0] == '<' && head[1] == 0)))
        in->enc = XML_ENC_UTF16LE;
    else if (n >= 2 && ((head[0] == 0xFE && head[1] == 0xFF) ||
                        (head[0] == 0 && head[1] == '<')))
        in->enc = XML_ENC_UTF16BE;
    if (!in->wrap && in->enc == XML_ENC_BYTES &&
        xml_encoding_check(head, n, enc, sizeof enc) != 0) {
        fclose(in->f);
        free(in);
        return rn_err_set(err, RN_EFORMAT,
                          "%s: line 1: encoding %s refused (reqnav reads "
                          "UTF-8, UTF-16 and 8-bit code pages)",
                          path, enc);
    }
    if (in->wrap || in->enc != XML_ENC_BYTES) {
        size_t skip = xml_content_start(head, n, in->enc);

        in->bom_seen = 1;
        in->offset = (int64_t)skip;
        if (fseek(in->f, (long)skip, SEEK_SET) != 0) {
            fclose(in->f);
            free(in);
            return rn_err_set(err, RN_EIO, "%s: %s", path, strerror(errno));
        }
    } else {
        rewind(in->f);
    }
    in->path = xstrdup(path);
    *out = in; /* the parser starts in xml_input_parse */
    return RN_OK;
}

void
xml_input_close(struct xml_input *in)
{
    if (in == NULL)
        return;
    if (in->push != NULL)
        xmlFreeParserCtxt(in->push);
    free(in->path);
    fclose(in->f);
    free(in);
}

int64_t
xml_input_offset(const struct xml_input *in)
{
    return in->offset;
}

const char *
xml_input_error(const struct xml_input *in, int64_t *line)
{
    if (line != NULL)
        *line = in->errline;
    return in->errmsg[0] != '\0' ? in->errmsg : "malformed XML";
}

int64_t
xml_input_line(struct xml_input *in)
{
    /* In a start handler the parser has just read the start tag. */
    return in->push != NULL && in->push->input != NULL &&
                   in->push->input->line > 0
               ? in->push->input->line
               : 0;
}

/* Trim white space at both ends of b in place. */
static void
xml_trim(struct rn_buf *b)
{
    size_t start = 0, end = b->len;

    if (b->data == NULL)
        return;
    while (start < end && strchr(" \t\r\n", b->data[start]) != NULL)
        start++;
    while (end > start && strchr(" \t\r\n", b->data[end - 1]) != NULL)
        end--;
    memmove(b->data, b->data + start, end - start);
    b->len = end - start;
    b->data[b->len] = '\0';
}

/* Keep an error of our own (the parser's are kept by xml_input_on_error)
 * at the parser's position, and report nothing more. */
static void
xml_push_fail(struct xml_input *in, const char *msg)
{
    in->stopped = 1;
    if (in->errmsg[0] != '\0')
        return;
    in->errline = xmlSAX2GetLineNumber(in->push);
    snprintf(in->errmsg, sizeof in->errmsg, "line %lld, column %d: %s",
             (long long)in->errline, xmlSAX2GetColumnNumber(in->push), msg);
}

/* A text node ends (at markup): the next text begins a new one. */
static void
xml_push_break(struct xml_input *in)
{
    in->run = 0;
    in->run_drop = 0;
    if (in->cap != NULL)
        in->run_start = in->cap->len;
}

static void
xml_push_text(void *ctx, const xmlChar *s, int len)
{
    struct xml_input *in = ctx;

    if (in->stopped || len <= 0)
        return;
    /* The reader's tree refuses a text node over libxml2's limit (we
     * never pass XML_PARSE_HUGE); with no tree, count it here. */
    if (in->run + (size_t)len > XML_MAX_TEXT_LENGTH) {
        char msg[64];

        snprintf(msg, sizeof msg, "text node larger than %d bytes",
                 XML_MAX_TEXT_LENGTH);
        xml_push_fail(in, msg);
        return;
    }
    in->run += (size_t)len;
    if (in->cap == NULL || in->run_drop)
        return;
    /* As the reader, which appends a whole text node: one that does not
     * fit is dropped whole, not cut in the middle. */
    if (rn_buf_append(in->cap, s, (size_t)len) != RN_OK) {
        in->cap->len = in->run_start;
        if (in->cap->data != NULL)
            in->cap->data[in->cap->len] = '\0';
        in->run_drop = 1;
        in->cap_cut = 1;
    }
}

static void
xml_push_comment(void *ctx, const xmlChar *value)
{
    (void)value;
    xml_push_break(ctx);
}

static void
xml_push_pi(void *ctx, const xmlChar *target, const xmlChar *data)
{
    (void)target;
    (void)data;
    xml_push_break(ctx);
}

static void
xml_push_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
               const xmlChar *uri, int nb_namespaces,
               const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
               const xmlChar **attributes)
{
    struct xml_input *in = ctx;
    struct xml_elem el;
    enum rn_rc rc;

    (void)prefix;
    (void)uri;
    (void)nb_namespaces;
    (void)namespaces;
    if (in->stopped)
        return;
    xml_push_break(in);
    /* The reader's tree refuses to nest deeper than libxml2's limit (the
     * parser itself does not count); so do we. */
    if (in->depth > (int)xmlParserMaxDepth) {
        char msg[64];

        snprintf(msg, sizeof msg, "elements nested deeper than %d levels",
                 (int)xmlParserMaxDepth);
        xml_push_fail(in, msg);
        return;
    }
    in->depth++;
    if (in->wrap && in->depth == 1)
        return; /* our synthetic root */
    el.name = (const char *)localname;
    el.attrs = attributes;
    el.nattrs = nb_attributes - nb_defaulted;
    rc = in->sax->start(in->sax_ctx, in->depth - in->wrap, &el);
    if (rc != RN_OK) {
        in->sax_rc = rc;
        in->stopped = 1;
    }
}

static void
xml_push_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
             const xmlChar *uri)
{
    struct xml_input *in = ctx;
    int depth = in->depth - in->wrap;
    enum rn_rc rc;

    (void)localname;
    (void)prefix;
    (void)uri;
    if (in->stopped)
        return;
    xml_push_break(in);
    in->depth--;
    if (depth < 1)
        return;
    rc = in->sax->end(in->sax_ctx, depth);
    if (rc != RN_OK) {
        in->sax_rc = rc;
        in->stopped = 1;
    }
}

/* Start the push parser on the first bytes (as libxml2's reader does:
 * four, for its encoding detection). */
static int
xml_push_begin(struct xml_input *in, const char *buf, int n)
{
    xmlSAXHandler sax;
    int first = n < 4 ? n : 4;

    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = xml_push_start;
    sax.endElementNs = xml_push_end;
    /* Blanks and CDATA are text too, as for the reader. */
    sax.characters = xml_push_text;
    sax.ignorableWhitespace = xml_push_text;
    sax.cdataBlock = xml_push_text;
    sax.comment = xml_push_comment;
    sax.processingInstruction = xml_push_pi;
    sax.serror = xml_input_on_error;
    in->push = xmlCreatePushParserCtxt(&sax, in, buf, first, in->path);
    if (in->push == NULL)
        return -1;
    xmlCtxtUseOptions(in->push, XML_INPUT_OPTIONS);
    if (in->enc != XML_ENC_BYTES)
        xmlSwitchEncoding(in->push, XML_CHAR_ENCODING_UTF8);
    return first;
}

enum rn_rc
xml_input_parse(struct xml_input *in, const struct xml_sax *h, void *ctx)
{
    char *buf = xmalloc(XML_PUSH_CHUNK);
    enum rn_rc rc = RN_OK;
    int n, done;

    in->sax = h;
    in->sax_ctx = ctx;
    do {
        n = xml_input_read(in, buf, XML_PUSH_CHUNK);
        if (n < 0) {
            /* The entity guard has said why; else the file failed. */
            if (in->errmsg[0] == '\0')
                snprintf(in->errmsg, sizeof in->errmsg,
                         "cannot read the file after byte %lld",
                         (long long)in->offset);
            rc = RN_EFORMAT;
            break;
        }
        done = 0;
        if (in->push == NULL) {
            done = xml_push_begin(in, buf, n);
            if (done < 0) {
                rc = RN_ENOMEM;
                break;
            }
        }
        /* Its return is the first error, which xml_input_on_error kept. */
        (void)xmlParseChunk(in->push, buf + done, n - done, n == 0);
        if (in->sax_rc != RN_OK)
            rc = in->sax_rc;
        else if (in->stopped || !in->push->wellFormed)
            rc = RN_EFORMAT;
    } while (rc == RN_OK && n > 0);
    free(buf);
    return rc;
}

void
xml_input_capture(struct xml_input *in, struct rn_buf *b)
{
    rn_buf_reset(b);
    in->cap = b;
    in->run_start = 0;
    in->run_drop = 0;
    in->cap_cut = 0;
}

void
xml_input_capture_end(struct xml_input *in, int *cut)
{
    *cut = in->cap_cut;
    if (in->cap != NULL)
        xml_trim(in->cap);
    in->cap = NULL;
}

/* Copy value [v, end) into a new string.  When libxml2 copied the value
 * (it ends in NUL, not in the quote) it holds "&#38;" for each '&'
 * reference, left for the tree to decode (we never substitute entities):
 * decode them here, as the reader's attribute value would be. */
static char *
xml_attr_value(const xmlChar *v, const xmlChar *end)
{
    size_t n = (size_t)(end - v), i, o = 0;
    char *s = xmalloc(n + 1);

    for (i = 0; i < n; i++) {
        if (*end == '\0' && v[i] == '&' && n - i >= 5 &&
            memcmp(v + i, "&#38;", 5) == 0) {
            s[o++] = '&';
            i += 4;
        } else {
            s[o++] = (char)v[i];
        }
    }
    s[o] = '\0';
    return s;
}

/* The unprefixed attribute name's 5-tuple, or NULL. */
static const xmlChar **
xml_elem_find(const struct xml_elem *el, const char *name)
{
    int i;

    for (i = 0; i < el->nattrs; i++) {
        const xmlChar **a = el->attrs + 5 * i;

        if (a[1] == NULL && strcmp((const char *)a[0], name) == 0)
            return a;
    }
    return NULL;
}

char *
xml_elem_attr(const struct xml_elem *el, const char *name)
{
    const xmlChar **a = xml_elem_find(el, name);

    return a != NULL ? xml_attr_value(a[3], a[4]) : NULL;
}

int
xml_elem_attr_buf(const struct xml_elem *el, const char *name,
                  struct rn_buf *out)
{
    const xmlChar **a = xml_elem_find(el, name);
    const char *v, *end, *amp;

    rn_buf_reset(out);
    if (a == NULL)
        return 0;
    v = (const char *)a[3];
    end = (const char *)a[4];
    if (*end != '\0') { /* not copied by libxml2: no reference in it */
        if (rn_buf_append(out, v, (size_t)(end - v)) != RN_OK)
            rn_buf_reset(out);
        return 1;
    }
    /* As xml_attr_value: "&#38;" stands for '&'. */
    while ((amp = strstr(v, "&#38;")) != NULL) {
        if (rn_buf_append(out, v, (size_t)(amp - v) + 1) != RN_OK)
            break;
        v = amp + 5;
    }
    if (rn_buf_append(out, v, strlen(v)) != RN_OK)
        rn_buf_reset(out);
    return 1;
}

char *
xml_elem_attr_at(const struct xml_elem *el, int i, char *qname,
                 size_t qname_size)
{
    const xmlChar **a = el->attrs + 5 * i;

    if (a[1] != NULL)
        snprintf(qname, qname_size, "%s:%s", (const char *)a[1],
                 (const char *)a[0]);
    else
        snprintf(qname, qname_size, "%s", (const char *)a[0]);
    return xml_attr_value(a[3], a[4]);
}
