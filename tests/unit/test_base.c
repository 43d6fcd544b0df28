/* Unit tests for the base utilities: time, JSON, sanitiser, SHA-256. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rn_buf.h"
#include "rn_i64map.h"
#include "rn_json.h"
#include "rn_kind.h"
#include "rn_pipe.h"
#include "rn_time.h"
#include "rn_url.h"
#include "sanitize.h"
#include "sha256.h"
#include "test.h"

static void
test_time(void)
{
    int64_t ns, off;
    char out[RN_TS_STR_MAX];

    CHECK(rn_time_parse("2005-08-23 20:25:47", 0, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2005-08-23T20:25:47.000Z");
    CHECK(rn_time_parse("2014-12-07T21:49:33.268706800Z", 0, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2014-12-07T21:49:33.268706800Z");
    CHECK(rn_time_parse("2012-09-23T23:27:14.453Z", 0, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2012-09-23T23:27:14.453Z");
    CHECK(rn_time_parse("2020-01-01T00:00:00.1234567Z", 0, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2020-01-01T00:00:00.123456700Z");
    /* Zones: explicit offsets and the default for zone-less text. */
    CHECK(rn_time_parse("2005-08-23T22:25:47+02:00", 0, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2005-08-23T20:25:47.000Z");
    CHECK(rn_time_parse_offset("-05:30", &off) == RN_OK && off == -19800);
    CHECK(rn_time_parse("2005-08-23 15:25:47", -18000, &ns) == RN_OK);
    rn_time_format(ns, out);
    CHECK_STR(out, "2005-08-23T20:25:47.000Z");
    CHECK(rn_time_parse("1969-12-31T23:59:59.5Z", 0, &ns) == RN_OK);
    CHECK(ns == -500000000LL);
    rn_time_format(ns, out);
    CHECK_STR(out, "1969-12-31T23:59:59.500Z");
    CHECK(rn_time_parse("2005-13-01 00:00:00", 0, &ns) == RN_EFORMAT);
    CHECK(rn_time_parse("yesterday", 0, &ns) == RN_EFORMAT);
    CHECK(rn_time_parse("2005-08-23T20:25:47Zjunk", 0, &ns) == RN_EFORMAT);
    /* Years whose nanoseconds do not fit in 64 bits are refused, not
     * overflowed (found by fuzzing the filter's since:). */
    CHECK(rn_time_parse("7133-03-05T10:00:00Z", 0, &ns) == RN_EFORMAT);
    CHECK(rn_time_parse("0001-01-01T00:00:00Z", 0, &ns) == RN_EFORMAT);
    CHECK(rn_time_parse("2261-12-31T23:59:59Z", 0, &ns) == RN_OK);
    CHECK(rn_time_parse("1678-01-01T00:00:00Z", 0, &ns) == RN_OK);
}

static void
test_json(void)
{
    struct rn_buf b, k, v;
    struct rn_json_obj o;
    const char *p;
    static const char nasty[] = "a\"b\\c\x1b]0;t\x07\xff\xe2\x80\xae";

    rn_buf_init(&b, 1 << 20);
    rn_buf_init(&k, 1 << 20);
    rn_buf_init(&v, 1 << 20);
    rn_json_str(&b, nasty, sizeof nasty - 1);
    CHECK_STR(rn_buf_str(&b),
              "\"a\\\"b\\\\c\\u001b]0;t\\u0007\\ufffd\\u202e\"");
    /* C1 controls (CSI), DEL and bidi marks are escaped too, so JSON on a
     * terminal carries nothing it would act on; plain text stays as is. */
    rn_buf_reset(&b);
    rn_json_cstr(&b, "\xc2\x9b"
                     "2J\x7f\xe2\x81\xa6\xc3\xa9\xe2\x82\xac");
    CHECK_STR(rn_buf_str(&b),
              "\"\\u009b2J\\u007f\\u2066\xc3\xa9\xe2\x82\xac\"");
    rn_buf_reset(&b);
    rn_json_obj_begin(&o, &b);
    rn_json_obj_add(&o, "k", "\xc2\x9b\x7f\xe2\x81\xa6", 6);
    rn_json_obj_end(&o);
    p = rn_buf_str(&b);
    CHECK(rn_json_flat_next(&p, &k, &v) == 1);
    CHECK_STR(rn_buf_str(&v), "\xc2\x9b\x7f\xe2\x81\xa6");
    rn_buf_reset(&b);
    rn_json_obj_begin(&o, &b);
    rn_json_obj_add(&o, "Headers", "", 0);
    rn_json_obj_add(&o, "URL", "x|y=\"z\"\r\n", 9);
    rn_json_obj_end(&o);
    CHECK_STR(rn_buf_str(&b),
              "{\"Headers\":\"\",\"URL\":\"x|y=\\\"z\\\"\\u000d\\u000a\"}");
    p = rn_buf_str(&b);
    CHECK(rn_json_flat_next(&p, &k, &v) == 1);
    CHECK_STR(rn_buf_str(&k), "Headers");
    CHECK(v.len == 0);
    CHECK(rn_json_flat_next(&p, &k, &v) == 1);
    CHECK_STR(rn_buf_str(&v), "x|y=\"z\"\r\n");
    CHECK(rn_json_flat_next(&p, &k, &v) == 0);
    p = "{\"a\":\"unterminated";
    CHECK(rn_json_flat_next(&p, &k, &v) == -1);
    /* Key by key: a skipped value with escaped quotes and backslashes
     * ends where it should, and the next key and value are read. */
    p = "{\"a\":\"q\\\"x\\\\\",\"b\":\"\\u0041\",\"c\":\"z\"}";
    CHECK(rn_json_flat_key(&p, &k) == 1);
    CHECK_STR(rn_buf_str(&k), "a");
    CHECK(rn_json_flat_skip(&p) == 0);
    CHECK(rn_json_flat_key(&p, &k) == 1);
    CHECK_STR(rn_buf_str(&k), "b");
    CHECK(rn_json_flat_value(&p, &v) == 0);
    CHECK_STR(rn_buf_str(&v), "A");
    CHECK(rn_json_flat_key(&p, &k) == 1);
    CHECK(rn_json_flat_skip(&p) == 0);
    CHECK(rn_json_flat_key(&p, &k) == 0);
    p = "\"cut\\";
    CHECK(rn_json_flat_skip(&p) == -1);
    p = "x\"";
    CHECK(rn_json_flat_skip(&p) == -1);
    rn_buf_fini(&b);
    rn_buf_fini(&k);
    rn_buf_fini(&v);
}

static void
test_sanitize(void)
{
    char *s;

    s = sanitize_dup("ok \x1b]0;title\x07 \x1b[2J done");
    CHECK_STR(s, "ok \\x1b]0;title\\x07 \\x1b[2J done");
    free(s);
    /* C1 CSI, bidi override, invalid UTF-8, but real text kept. */
    s = sanitize_dup("\xc2\x9b"
                     "31m \xe2\x80\xae"
                     "abc \xff caf\xc3\xa9");
    CHECK_STR(s, "\\u{009b}31m \\u{202e}abc \xef\xbf\xbd caf\xc3\xa9");
    free(s);
    s = sanitize_dup("D:\\Inetpub\\x.exe\r\n");
    CHECK_STR(s, "D:\\Inetpub\\x.exe\\r\\n");
    free(s);
}

static void
test_sha256(void)
{
    struct sha256 c;
    char hex[65];
    char *big = malloc(1000000);

    sha256_init(&c);
    sha256_final_hex(&c, hex);
    CHECK_STR(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_init(&c);
    sha256_update(&c, "abc", 3);
    sha256_final_hex(&c, hex);
    CHECK_STR(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    memset(big, 'a', 1000000);
    sha256_init(&c);
    sha256_update(&c, big, 1);
    sha256_update(&c, big + 1, 999999);
    sha256_final_hex(&c, hex);
    CHECK_STR(
        hex,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(big);
}

/* sha256_both: our digest of len bytes of data, and sha256sum's of the same
 * bytes written to a file; 0 when both were obtained. */
static int
sha256_both(const unsigned char *data, size_t len, char ours[65],
            char theirs[65])
{
    char path[] = "/tmp/rn-sha256-XXXXXX", cmd[64];
    struct sha256 c;
    FILE *f, *p;
    int fd = mkstemp(path), ok;

    if (fd < 0)
        return -1;
    f = fdopen(fd, "wb");
    ok = f != NULL && fwrite(data, 1, len, f) == len;
    if (f == NULL)
        close(fd);
    ok = (f == NULL || fclose(f) == 0) && ok;
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    p = ok ? popen(cmd, "r") : NULL;
    ok = p != NULL && fscanf(p, "%64s", theirs) == 1;
    if (p != NULL && pclose(p) != 0)
        ok = 0;
    unlink(path);
    /* Fed in three uneven pieces: the split must not matter. */
    sha256_init(&c);
    sha256_update(&c, data, len / 3);
    sha256_update(&c, data + len / 3, len / 2 - len / 3);
    sha256_update(&c, data + len / 2, len - len / 2);
    sha256_final_hex(&c, ours);
    return ok ? 0 : -1;
}

/* The digests agree with coreutils' sha256sum on lengths around the block
 * and padding boundaries and on a large odd-sized input. */
static void
test_sha256_sum(void)
{
    static const size_t lens[] = {0,   1,   55,  56,  63,   64,    65,
                                  119, 120, 127, 128, 1000, 65537, 3000001};
    unsigned char *data = malloc(3000001);
    char ours[65], theirs[65];
    size_t i, agree = 0, ran = 0;

    CHECK(data != NULL);
    if (data == NULL)
        return;
    for (i = 0; i < 3000001; i++)
        data[i] = (unsigned char)(i * 131 + 7 + (i >> 11));
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        if (sha256_both(data, lens[i], ours, theirs) != 0) {
            fprintf(stderr, "sha256sum: no answer for %zu bytes\n", lens[i]);
            continue;
        }
        ran++;
        if (strcmp(ours, theirs) == 0)
            agree++;
        else
            fprintf(stderr, "sha256 of %zu bytes: %s, sha256sum %s\n", lens[i],
                    ours, theirs);
    }
    CHECK(ran == sizeof lens / sizeof lens[0]);
    CHECK(agree == ran);
    free(data);
}

static void
test_url(void)
{
    char host[128];

    rn_url_host("http://Btdatashare.btboces.org:80/cgi-bin/x", host,
                sizeof host);
    CHECK_STR(host, "btdatashare.btboces.org");
    rn_url_host("https://a.example:8443/", host, sizeof host);
    CHECK_STR(host, "a.example:8443");
    rn_url_host("/relative", host, sizeof host);
    CHECK_STR(host, "");
    CHECK_STR(rn_url_path("http://h:80/a/b?c=1"), "/a/b?c=1");
}

/* rn_buf_printf: one pass into spare room, two when it grows; the limit. */
static void
test_buf_printf(void)
{
    struct rn_buf b;
    char want[300];
    int i;

    rn_buf_init(&b, 100);
    /* Growing from nothing, then many appends across capacity steps. */
    for (i = 0; i < 20; i++)
        CHECK(rn_buf_printf(&b, "%d,", i % 10) == RN_OK);
    CHECK_STR(rn_buf_str(&b), "0,1,2,3,4,5,6,7,8,9,0,1,2,3,4,5,6,7,8,9,");
    CHECK(b.len == 40);
    /* Exactly up to the limit is fine; one byte more is refused and
     * leaves the text as it was. */
    memset(want, 'x', 60);
    want[60] = '\0';
    CHECK(rn_buf_printf(&b, "%s", want) == RN_OK);
    CHECK(b.len == 100);
    CHECK(rn_buf_printf(&b, "%s", "y") == RN_ENOMEM);
    CHECK(b.len == 100 && strlen(rn_buf_str(&b)) == 100);
    rn_buf_reset(&b);
    /* Refused while the text would fit the room but not the limit. */
    CHECK(rn_buf_printf(&b, "%s", want) == RN_OK);
    CHECK(rn_buf_printf(&b, "%s", want) == RN_ENOMEM);
    CHECK(b.len == 60 && strlen(rn_buf_str(&b)) == 60);
    /* A long text into a buffer with some room: the second pass. */
    rn_buf_fini(&b);
    rn_buf_init(&b, 1000);
    CHECK(rn_buf_printf(&b, "ab") == RN_OK);
    memset(want, 'z', 299);
    want[299] = '\0';
    CHECK(rn_buf_printf(&b, "%s!", want) == RN_OK);
    CHECK(b.len == 302 && rn_buf_str(&b)[301] == '!' &&
          rn_buf_str(&b)[302] == '\0');
    rn_buf_fini(&b);
}

/* The hand-written number and time formatters against printf. */
static void
test_formatters(void)
{
    static const int64_t ints[] = {0,   1,         9,         10,       -1,
                                   -10, 123456789, INT64_MAX, INT64_MIN};
    static const int64_t times[] = {
        0,
        1,
        999999999,
        1124828747000000000LL,  /* the seed case: whole milliseconds */
        1124828747123456000LL,  /* microseconds */
        1124828747123456789LL,  /* nanoseconds */
        -1,                     /* 1969-12-31T23:59:59.999999999Z */
        -2208988800000000000LL, /* 1900-01-01 */
        5680281599999999999LL,  /* 2149-12-31, the last time kept */
        INT64_MAX,
        INT64_MIN,
    };
    struct rn_buf b;
    char want[64], got[RN_TS_STR_MAX];
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    size_t i;

    rn_buf_init(&b, 1000);
    for (i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        rn_buf_reset(&b);
        CHECK(rn_buf_put_i64(&b, ints[i]) == RN_OK);
        snprintf(want, sizeof want, "%" PRId64, ints[i]);
        CHECK_STR(rn_buf_str(&b), want);
        rn_buf_reset(&b);
        CHECK(rn_buf_put_u64(&b, (uint64_t)ints[i]) == RN_OK);
        snprintf(want, sizeof want, "%" PRIu64, (uint64_t)ints[i]);
        CHECK_STR(rn_buf_str(&b), want);
    }
    rn_buf_fini(&b);
    for (i = 0; i < sizeof times / sizeof times[0]; i++) {
        rn_time_format(times[i], got);
        CHECK(strlen(got) >= 24 && got[strlen(got) - 1] == 'Z');
    }
    rn_time_format(-1, got);
    CHECK_STR(got, "1969-12-31T23:59:59.999999999Z");
    rn_time_format(-2208988800000000000LL, got);
    CHECK_STR(got, "1900-01-01T00:00:00.000Z");
    rn_time_format(5680281599999999999LL, got);
    CHECK_STR(got, "2149-12-31T23:59:59.999999999Z");
    rn_time_format(1124828747123456000LL, got);
    CHECK_STR(got, "2005-08-23T20:25:47.123456Z");
    /* Random times round-trip through the parser. */
    for (i = 0; i < 10000; i++) {
        int64_t ns, back = 0;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        ns = (int64_t)(x % 7889270400000000000ULL) - 2208988800000000000LL;
        if (i % 3 == 0)
            ns -= ns % 1000000;
        rn_time_format(ns, got);
        CHECK(rn_time_parse(got, 0, &back) == RN_OK && back == ns);
    }
}

/* The kind table: static SQL lists, names, letters and positions. */
static void
test_kinds(void)
{
    char buf[64];
    int id;

    rn_kind_sql_list(RN_MATCH_GUID, buf, sizeof buf);
    CHECK_STR(buf, RN_KINDS_GUID_SQL);
    rn_kind_sql_list(RN_MATCH_LOG, buf, sizeof buf);
    CHECK_STR(buf, RN_KINDS_LOG_SQL);
    rn_kind_sql_list(RN_MATCH_CAPTURE, buf, sizeof buf);
    CHECK_STR(buf, RN_KINDS_CAPTURE_SQL);
    CHECK_STR(RN_KINDS_MATCHED_SQL, RN_KINDS_LOG_SQL ", " RN_KINDS_CAPTURE_SQL);
    snprintf(buf, sizeof buf, "%d", rn_kind_find("etw")->id);
    CHECK_STR(buf, RN_KIND_ETW_SQL);
    snprintf(buf, sizeof buf, "%d", rn_kind_find("httperr")->id);
    CHECK_STR(buf, RN_KIND_HTTPERR_SQL);
    for (id = 1; id <= RN_KIND_MAX; id++) {
        const struct rn_kind *k = rn_kind_get(id);

        CHECK(k != NULL && k->id == id);
        CHECK(k != NULL && rn_kind_find(k->name) == k);
        CHECK(k != NULL &&
              (k->guid_rule != NULL) == (k->match == RN_MATCH_GUID));
    }
    CHECK(rn_kind_get(0) == NULL && rn_kind_get(RN_KIND_MAX + 1) == NULL);
    CHECK(rn_kind_find("nope") == NULL);
    rn_kind_position(1, "x/trace.xml", 7, buf, sizeof buf);
    CHECK_STR(buf, "ETW #7");
    rn_kind_position(2, "W3SVC1\\fr000001.xml", 12, buf, sizeof buf);
    CHECK_STR(buf, "FREB fr000001.xml #12");
    rn_kind_position(3, "logs/u_ex260302.log", 100, buf, sizeof buf);
    CHECK_STR(buf, "W3C u_ex260302.log line 100");
    rn_kind_position(5, "c.pcap", 114, buf, sizeof buf);
    CHECK_STR(buf, "PCAP c.pcap frame 114");
}

/* The multimap against a plain list: random adds and deletes on few keys
 * (long runs of equal homes, values that wrap around the table's end),
 * every value of every key found after each step of the last rounds. */
static void
test_i64map(void)
{
    enum { KEYS = 13, MAX = 600 };
    struct rn_i64map m = RN_I64MAP_INIT;
    int64_t lk[MAX], lv[MAX], next = 1;
    size_t n = 0, i, step;
    uint64_t r = 12345;

    for (step = 0; step < 20000; step++) {
        r = r * 6364136223846793005ULL + 1442695040888963407ULL;
        if (n < MAX && ((r >> 33) % 3 != 0 || n == 0)) {
            lk[n] = (int64_t)((r >> 40) % KEYS) - 6; /* 0 and < 0 too */
            lv[n] = next++;
            rn_i64map_add(&m, lk[n], lv[n]);
            n++;
        } else {
            i = (size_t)((r >> 20) % n);
            CHECK(rn_i64map_del(&m, lk[i], lv[i]) == 1);
            CHECK(rn_i64map_del(&m, lk[i], lv[i]) == 0);
            lk[i] = lk[n - 1];
            lv[i] = lv[n - 1];
            n--;
        }
        CHECK(m.n == n);
        if (step < 19000 && step % 97 != 0)
            continue;
        for (int64_t k = -6; k < KEYS - 6; k++) {
            size_t pos = 0, want = 0, got = 0;
            int64_t v;

            for (i = 0; i < n; i++)
                want += lk[i] == k;
            while ((v = rn_i64map_next(&m, k, &pos)) != 0) {
                int found = 0;

                for (i = 0; i < n; i++)
                    found |= lk[i] == k && lv[i] == v;
                CHECK(found);
                got++;
            }
            CHECK(got == want);
        }
    }
    rn_i64map_fini(&m);
    CHECK(rn_i64map_next(&m, 1, &(size_t){0}) == 0);
    CHECK(rn_i64map_del(&m, 1, 1) == 0);
}

/* What a pipe's worker saw: the values, in the order it ran them. */
struct pipe_log {
    int64_t got[4096];
    size_t n;
    int batches, worker_ok;
    const struct rn_pipe *self;
};

/* Log a batch's values; the first batches run slowly (a burst the
 * caller must not wait for), a negative value fails the batch. */
static enum rn_rc
pipe_log_run(void *ctx, const unsigned char *batch, size_t len,
             struct rn_err *err)
{
    struct pipe_log *l = ctx;
    struct rn_pipe_reader r = {batch, batch + len};

    l->worker_ok += rn_pipe_is_worker(l->self);
    if (l->batches++ < 3)
        usleep(20000);
    while (r.at < r.end) {
        int64_t v = rn_pipe_get_i64(&r);

        if (v < 0)
            return rn_err_set(err, RN_EIO, "bad value %" PRId64, v);
        if (l->n < sizeof l->got / sizeof l->got[0])
            l->got[l->n++] = v;
    }
    return RN_OK;
}

static void
test_pipe(void)
{
    static struct pipe_log l;
    struct rn_err err = {RN_OK, ""};
    struct rn_pipe *p;
    int64_t i;
    int ordered = 1;

    memset(&l, 0, sizeof l);
    /* Batches of two values, up to four waiting. */
    p = rn_pipe_start(pipe_log_run, &l, 2 * sizeof(int64_t), 4);
    CHECK(p != NULL);
    l.self = p;
    CHECK(!rn_pipe_is_worker(p));
    for (i = 0; i < 1000; i++) {
        rn_pipe_i64(p, i);
        CHECK(rn_pipe_op_end(p, &err) == RN_OK);
    }
    rn_pipe_i64(p, 1000); /* half a batch: drain hands it over */
    CHECK(rn_pipe_drain(p, &err) == RN_OK);
    CHECK(l.n == 1001);
    for (i = 0; i < (int64_t)l.n; i++)
        ordered &= l.got[i] == i;
    CHECK(ordered);
    CHECK(l.worker_ok == l.batches && l.batches == 501);
    /* A failure is returned by the next calls, the rest is dropped, and
     * a reset forgets it. */
    rn_pipe_i64(p, -1);
    rn_pipe_i64(p, 5000);
    CHECK(rn_pipe_op_end(p, &err) == RN_OK); /* handed over, not yet run */
    CHECK(rn_pipe_drain(p, &err) == RN_EIO);
    CHECK(strstr(err.msg, "bad value -1") != NULL);
    rn_pipe_i64(p, 5001);
    rn_pipe_i64(p, 5002);
    CHECK(rn_pipe_op_end(p, &err) == RN_EIO);
    CHECK(rn_pipe_drain(p, &err) == RN_EIO);
    CHECK(l.n == 1001);
    rn_pipe_reset(p);
    rn_pipe_i64(p, 7);
    CHECK(rn_pipe_drain(p, &err) == RN_OK);
    CHECK(l.n == 1002 && l.got[1001] == 7);
    rn_pipe_stop(p);
    rn_pipe_stop(NULL);
}

int
main(void)
{
    test_formatters();
    test_buf_printf();
    test_time();
    test_json();
    test_sanitize();
    test_sha256();
    test_sha256_sum();
    test_url();
    test_kinds();
    test_i64map();
    test_pipe();
    return test_report("test_base");
}
