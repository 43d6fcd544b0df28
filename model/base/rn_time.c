/* Timestamp parsing and ISO 8601 formatting without libc time zones. */
#include "rn_time.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
rn_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's days_from_civil algorithm. */
    int64_t era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/* Read exactly n digits at *p; advance *p. */
static int
read_digits(const char **p, int n, int *out)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

enum rn_rc
rn_time_parse_offset(const char *s, int64_t *off_s)
{
    int hh, mm;
    int sign;
    const char *p = s;

    if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0 || strcmp(s, "z") == 0) {
        *off_s = 0;
        return RN_OK;
    }
    if (*p != '+' && *p != '-')
        return RN_EFORMAT;
    sign = *p == '-' ? -1 : 1;
    p++;
    if (read_digits(&p, 2, &hh) != 0)
        return RN_EFORMAT;
    if (*p == ':')
        p++;
    if (read_digits(&p, 2, &mm) != 0 || *p != '\0' || hh > 23 || mm > 59)
        return RN_EFORMAT;
    *off_s = sign * (hh * 3600 + mm * 60);
    return RN_OK;
}

enum rn_rc
rn_time_parse(const char *s, int64_t default_off_s, int64_t *ns)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, se = 0, digits = 0;
    int64_t frac = 0, off = default_off_s, days;

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (read_digits(&p, 4, &y) != 0 || *p++ != '-' ||
        read_digits(&p, 2, &mo) != 0 || *p++ != '-' ||
        read_digits(&p, 2, &d) != 0)
        return RN_EFORMAT;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (read_digits(&p, 2, &h) != 0 || *p++ != ':' ||
            read_digits(&p, 2, &mi) != 0)
            return RN_EFORMAT;
        if (*p == ':') {
            p++;
            if (read_digits(&p, 2, &se) != 0)
                return RN_EFORMAT;
        }
        if (*p == '.' || *p == ',') {
            p++;
            while (*p >= '0' && *p <= '9') {
                if (digits < 9) {
                    frac = frac * 10 + (*p - '0');
                    digits++;
                }
                p++;
            }
            if (digits == 0)
                return RN_EFORMAT;
            while (digits < 9) {
                frac *= 10;
                digits++;
            }
        }
    }
    /* int64 nanoseconds reach from 1677-09-21 to 2262-04-11; whole years
     * inside that range (with room for a zone offset) are accepted. */
    if (y < 1678 || y > 2261 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
        h > 23 || mi > 59 || se > 60)
        return RN_EFORMAT;
    if (*p != '\0') {
        char zone[16];
        size_t n = strcspn(p, " \t\r\n");

        if (n == 0 || n >= sizeof zone)
            return RN_EFORMAT;
        memcpy(zone, p, n);
        zone[n] = '\0';
        if (rn_time_parse_offset(zone, &off) != RN_OK)
            return RN_EFORMAT;
        p += n;
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (*p != '\0')
            return RN_EFORMAT;
    }
    days = rn_days_from_civil(y, (unsigned)mo, (unsigned)d);
    *ns =
        ((days * 86400 + h * 3600 + mi * 60 + se) - off) * RN_NS_PER_SEC + frac;
    return RN_OK;
}

/* v in exactly n decimal digits, zero-padded. */
static void
put_digits(char *out, unsigned v, int n)
{
    while (n-- > 0) {
        out[n] = (char)('0' + v % 10);
        v /= 10;
    }
}

void
rn_time_format(int64_t ns, char *out)
{
    int64_t secs = ns / RN_NS_PER_SEC, frac = ns % RN_NS_PER_SEC, days, y;
    unsigned mo, d, sod;

    if (frac < 0) {
        frac += RN_NS_PER_SEC;
        secs--;
    }
    days = secs / 86400;
    if (secs % 86400 < 0)
        days--;
    sod = (unsigned)(secs - days * 86400);
    civil_from_days(days, &y, &mo, &d);
    if (y < 0 || y > 9999) {
        /* Outside what four digits hold: the general formatter. */
        snprintf(out, RN_TS_STR_MAX, "%04lld-%02u-%02uT%02u:%02u:%02u.%09lldZ",
                 (long long)y, mo, d, sod / 3600, sod / 60 % 60, sod % 60,
                 (long long)frac);
        return;
    }
    /* By hand: this runs for every event, and snprintf was most of it. */
    put_digits(out, (unsigned)y, 4);
    out[4] = '-';
    put_digits(out + 5, mo, 2);
    out[7] = '-';
    put_digits(out + 8, d, 2);
    out[10] = 'T';
    put_digits(out + 11, sod / 3600, 2);
    out[13] = ':';
    put_digits(out + 14, sod / 60 % 60, 2);
    out[16] = ':';
    put_digits(out + 17, sod % 60, 2);
    out[19] = '.';
    /* Milli-, micro- or nanoseconds: as many digits as the value needs. */
    if (frac % 1000000 == 0) {
        put_digits(out + 20, (unsigned)(frac / 1000000), 3);
        memcpy(out + 23, "Z", 2);
    } else if (frac % 1000 == 0) {
        put_digits(out + 20, (unsigned)(frac / 1000), 6);
        memcpy(out + 26, "Z", 2);
    } else {
        put_digits(out + 20, (unsigned)frac, 9);
        memcpy(out + 29, "Z", 2);
    }
}

int64_t
rn_time_mono_ns(void)
{
    struct timespec ts;

    /* CLOCK_MONOTONIC cannot fail on Linux for a valid pointer. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * RN_NS_PER_SEC + ts.tv_nsec;
}
