/*
 * Fuzz target: W3C extended logs and HTTP.sys HTTPERR logs.  The first
 * byte picks the format (even: w3c, odd: httperr); the rest is the file.
 * W3C correlation needs IIS requests to match against, so a small FREB
 * request is imported first when the second byte is odd.
 */
#include "fuzz_common.h"

static const char freb_seed[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<failedRequest url=\"http://www.example.com:80/cgi-bin/a.exe?x=1\" "
    "siteId=\"1\" appPoolId=\"DefaultAppPool\" processId=\"42\" verb=\"GET\" "
    "activityId=\"{00000000-0000-0000-1A00-0080000000F3}\" "
    "statusCode=\"502.2\" timeTaken=\"15\" xmlns:freb=\"http://x\">\n"
    "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"
    "<System><Provider Name=\"WWW Server\"/><EventID>0</EventID><Level>4"
    "</Level><Opcode>1</Opcode><TimeCreated "
    "SystemTime=\"2024-03-05T10:15:27.000Z\"/><Correlation "
    "ActivityID=\"{00000000-0000-0000-1A00-0080000000F3}\"/></System>"
    "<EventData><Data Name=\"RequestURL\">/cgi-bin/a.exe?x=1</Data>"
    "<Data Name=\"RequestVerb\">GET</Data></EventData><RenderingInfo "
    "Culture=\"en-US\"><Opcode>GENERAL_REQUEST_START</Opcode>"
    "</RenderingInfo></Event>\n</failedRequest>\n";

/* Import the log (after the FREB request when asked); walk the store. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct store *st;
    int httperr, with_freb;

    if (size < 2)
        return 0;
    httperr = data[0] & 1;
    with_freb = data[1] & 1;
    if (with_freb) {
        struct import_options opt;
        struct import_summary sum;
        struct rn_err err = {RN_OK, ""};
        const char *path;

        st = fuzz_import((const uint8_t *)freb_seed, sizeof freb_seed - 1,
                         "freb");
        path = fuzz_write(data + 2, size - 2);
        memset(&opt, 0, sizeof opt);
        opt.format = httperr ? "httperr" : "w3c";
        opt.clock_offset_ns = STORE_NONE;
        if (import_paths(st, &path, 1, &opt, &sum, &err) != RN_OK) {
            fprintf(stderr, "store error: %s\n", err.msg);
            abort();
        }
    } else {
        st = fuzz_import(data + 2, size - 2, httperr ? "httperr" : "w3c");
    }
    fuzz_read_back(st);
    store_close(st);
    return 0;
}
