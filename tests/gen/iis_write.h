/*
 * IIS event writers shared by the generators: the FREB prolog and root
 * element, and one <Event> in FREB or tracerpt form.  Header-only: each
 * generator is one program.
 */
#ifndef IIS_WRITE_H
#define IIS_WRITE_H

#include <stdio.h>

#define AREA_GENERAL "{D42CF7EF-DE92-473E-8B6C-621EA663113A}"
#define AREA_NOTIFY  "{002E91E3-E7AE-44AB-8E07-99230FFA6ADE}"
#define AREA_CGI     "{E2E55403-0D2E-4609-A470-BE0DA04013C0}"

/* One <Data Name=..> or freb:Description pair. */
struct kv {
    const char *k, *v;
};

/* One event of a request. */
struct gen_ev {
    const char *name;
    int opcode, level;
    const char *keywords, *area;
    int ms; /* milliseconds after the request start */
    struct kv data[8];
    struct kv desc[3];
};

/*
 * Write "YYYY-MM-DDThh:mm:ss.<frac>Z" for ns since 1970 with digits (1..9)
 * fractional digits (FREB writes 3, tracerpt 7).
 */
static inline void
gen_ts_ns(char *out, size_t n, long long ns, int digits)
{
    long long t = ns / 1000000000LL, frac = ns % 1000000000LL;
    long long days = t / 86400, sod = t % 86400;
    /* Civil date from days since 1970 (Howard Hinnant's algorithm). */
    long long z = days + 719468, era = z / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long y = yoe + era * 400,
              doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    int i;

    for (i = digits; i < 9; i++)
        frac /= 10;
    if (m <= 2)
        y++;
    snprintf(out, n, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%0*lldZ", y, m,
             d, sod / 3600, sod / 60 % 60, sod % 60, digits, frac);
}

/* The FREB prolog and root element. */
static inline void
freb_head(FILE *f, const char *url, const char *verb, const char *guid,
          const char *status, long long taken)
{
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\r\n"
               "<?xml-stylesheet type='text/xsl' href='freb.xsl'?>\r\n"
               "<!-- saved from url=(0014)about:internet -->\r\n");
    fprintf(f, "<failedRequest url=\"%s\"\r\n", url);
    fprintf(f, "               siteId=\"1\"\r\n"
               "               appPoolId=\"DefaultAppPool\"\r\n"
               "               processId=\"2864\"\r\n");
    fprintf(f, "               verb=\"%s\"\r\n", verb);
    fprintf(f, "               remoteUserName=\"\"\r\n"
               "               userName=\"\"\r\n"
               "               tokenUserName=\"NT AUTHORITY\\IUSR\"\r\n"
               "               authenticationType=\"anonymous\"\r\n");
    fprintf(f, "               activityId=\"{%s}\"\r\n", guid);
    fprintf(f, "               failureReason=\"STATUS_CODE\"\r\n");
    fprintf(f, "               statusCode=\"%s\"\r\n", status);
    fprintf(f, "               triggerStatusCode=\"%s\"\r\n", status);
    fprintf(f, "               timeTaken=\"%lld\"\r\n", taken);
    fprintf(f, "               xmlns:freb=\"http://schemas.microsoft.com/win/"
               "2006/06/iis/freb\"\r\n               >\r\n");
}

/*
 * One <Event> in FREB (freb != 0) or tracerpt form, stamped base_ns plus
 * the event's ms, with digits fractional digits.
 */
static inline void
freb_event_ns(FILE *f, const struct gen_ev *e, long long base_ns,
              const char *guid, int freb, int digits)
{
    char ts[64];
    int i;

    gen_ts_ns(ts, sizeof ts, base_ns + e->ms * 1000000LL, digits);
    fprintf(f, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/"
               "events/event\">\r\n <System>\r\n");
    fprintf(f, "  <Provider Name=\"WWW Server\" Guid=\"{3A2A4E84-4C21-4981-"
               "AE10-3FDA0D9B0F83}\"/>\r\n");
    fprintf(f, "  <EventID>0</EventID>\r\n  <Version>1</Version>\r\n");
    fprintf(f, "  <Level>%d</Level>\r\n  <Opcode>%d</Opcode>\r\n", e->level,
            e->opcode);
    fprintf(f, "  <Keywords>%s</Keywords>\r\n", e->keywords);
    fprintf(f, "  <TimeCreated SystemTime=\"%s\"/>\r\n", ts);
    fprintf(f, "  <Correlation ActivityID=\"{%s}\"/>\r\n", guid);
    fprintf(f, "  <Execution ProcessID=\"2864\" ThreadID=\"1234\"/>\r\n"
               "  <Computer>WEB01</Computer>\r\n </System>\r\n");
    fprintf(f, " <EventData>\r\n  <Data Name=\"ContextId\">{%s}</Data>\r\n",
            guid);
    for (i = 0; i < 8 && e->data[i].k != NULL; i++)
        fprintf(f, "  <Data Name=\"%s\">%s</Data>\r\n", e->data[i].k,
                e->data[i].v);
    fprintf(f, " </EventData>\r\n <RenderingInfo Culture=\"en-US\">\r\n");
    fprintf(f, "  <Opcode>%s</Opcode>\r\n", e->name);
    for (i = 0; freb && i < 3 && e->desc[i].k != NULL; i++)
        fprintf(f, "  <freb:Description Data=\"%s\">%s</freb:Description>\r\n",
                e->desc[i].k, e->desc[i].v);
    fprintf(f, " </RenderingInfo>\r\n <ExtendedTracingInfo xmlns=\"http://"
               "schemas.microsoft.com/win/2004/08/events/trace\">\r\n");
    fprintf(f,
            "  <EventGuid>%s</EventGuid>\r\n </ExtendedTracingInfo>\r\n"
            "</Event>\r\n",
            e->area);
}

/* The same, stamped base_s seconds plus the event's ms, 3 digits. */
static inline void
freb_event(FILE *f, const struct gen_ev *e, long long base_s, const char *guid,
           int freb)
{
    freb_event_ns(f, e, base_s * 1000000000LL, guid, freb, 3);
}

#endif
