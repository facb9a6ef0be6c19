/* jscan.c: the tree-less JSON scanner must accept exactly what jansson's
 * json_loadb(buf, len, 0, &err) accepts. Differential tests against jansson. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

/* ------------------------------------------------------------ the two oracles */

/* jscan: a top-level object or array, then only whitespace. */
static bool jscan_accepts(const char *buf, size_t len)
{
    const char *end = buf + len;
    const char *p = jscan__ws(buf, end);
    if (p >= end || (*p != '[' && *p != '{'))
        return false;
    const char *q = jscan__value(p, end, 0);
    return q && jscan__ws(q, end) == end;
}

/* jscan on any top-level value, compared with JSON_DECODE_ANY. */
static bool jscan_accepts_any(const char *buf, size_t len)
{
    const char *end = buf + len;
    const char *q = jscan__value(buf, end, 0);
    return q && jscan__ws(q, end) == end;
}

static bool jansson_accepts(const char *buf, size_t len, size_t flags, char *why, size_t whysz)
{
    json_error_t err;
    json_t *j = json_loadb(buf, len, flags, &err);
    if (why)
        snprintf(why, whysz, "%s", j ? "" : err.text);
    json_decref(j);
    return j != NULL;
}

static void show(const char *buf, size_t len, char *out, size_t outsz)
{
    size_t o = 0, i = 0;
    for (; i < len && o + 8 < outsz; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c >= 0x20 && c < 0x7f && c != '\\')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, outsz - o, "\\x%02X", c);
    }
    if (i < len)
        o += (size_t)snprintf(out + o, outsz - o, "...");
    out[o] = '\0';
}

/* Returns true when jscan and jansson agree; prints the case otherwise. */
static bool agree_flags_exact(const char *buf, size_t len, size_t flags);

/* The input is copied to a heap block of exactly len bytes (no NUL after it),
 * so that valgrind reports any read beyond the end. */
static bool agree_flags(const char *src, size_t len, size_t flags)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, src, len);
    bool ok = agree_flags_exact(copy, len, flags);
    free(copy);
    return ok;
}

static bool agree_flags_exact(const char *buf, size_t len, size_t flags)
{
    char why[160];
    bool want = jansson_accepts(buf, len, flags, why, sizeof why);
    bool got = flags & JSON_DECODE_ANY ? jscan_accepts_any(buf, len) : jscan_accepts(buf, len);
    if (want != got) {
        char shown[200];
        show(buf, len, shown, sizeof shown);
        print_error("DISAGREE (len %zu%s): \"%s\": jansson %s%s%s, jscan %s\n", len,
                    flags & JSON_DECODE_ANY ? ", DECODE_ANY" : "", shown,
                    want ? "accepts" : "rejects", want ? "" : ": ", why,
                    got ? "accepts" : "rejects");
    }
    return want == got;
}

static bool agree(const char *buf, size_t len)
{
    return agree_flags(buf, len, 0);
}

/* ------------------------------------------------------------ the table */

typedef struct { const char *s; size_t len; } bytes;
#define B(lit) {lit, sizeof(lit) - 1}

static const bytes documents[] = {
    /* structure */
    B("[]"), B("{}"), B("[ ]"), B("{ }"), B(" [] "), B("\t\r\n[]\t\r\n"), B("[1\n,\r2\t]"),
    B("{\n\"a\"\n:\n1\n}"), B("[]\f"), B("[]\v"), B("\f[]"), B("\xc2\xa0[]"), B("\xef\xbb\xbf[]"),
    B("[1,]"), B("[,1]"), B("[,]"), B("[1 2]"), B("[[]"), B("[]]"), B("[[],[[]],{}]"),
    B("{\"a\"}"), B("{\"a\":}"), B("{\"a\":1,}"), B("{,}"), B("{1:2}"), B("{\"a\" 1}"),
    B("{\"a\"::1}"), B("{'a':1}"), B("[\"a\":1]"), B("{\"a\":1 \"b\":2}"), B("{\"a\":1,,\"b\":2}"),
    B("[][]"), B("[] []"), B("{}{}"), B("{} x"), B(""), B(" "), B("\n"), B("\x00"), B("[]\x00"),
    B("[\x00]"), B("\x00[]"), B("{\"a\":[1,{\"b\":null}],\"c\":{}}"), B("[{}]"),
    B("{\"a\":1,\"a\":2}"), B("{\"\":1}"), B("{\"\\u0000\":1}"), B("{\"a\\u0000\":1}"),
    B("{\"a\":1}}"), B("[[[]]]]"), B("[\xc3\xa9]"), B("[/* c */1]"), B("[1]//"),
    /* truncated */
    B("["), B("{"), B("[1"), B("[1,"), B("[tr"), B("{\"a\":1"), B("{\"a\":"), B("{\"a\""),
    B("{\"a"), B("[\"abc]"), B("[\"abc\\\"]"), B("[\"\\"), B("[\"\\u00"), B("[\"\\u00e"),
    B("[\"\\uD83D\\uDE0"), B("[\"\\uD83D\\"), B("[\"\\uD83D\\u"), B("[-"), B("[1."), B("[1e"),
    B("[1e+"), B("[\"\xe2\x82"),
    /* numbers */
    B("[0]"), B("[-0]"), B("[-0.0]"), B("[-]"), B("[01]"), B("[-01]"), B("[00]"), B("[1.]"),
    B("[.5]"), B("[-.5]"), B("[1.5]"), B("[1e5]"), B("[1E+5]"), B("[1e-5]"), B("[1e]"),
    B("[1e+]"), B("[1.e5]"), B("[+1]"), B("[1e999]"), B("[-1e999]"), B("[1e-999]"),
    B("[-1e-999]"), B("[1E400]"), B("[1e0400]"), B("[2e308]"), B("[4.9e-325]"),
    B("[1.7976931348623157e308]"), B("[1.7976931348623159e308]"),
    B("[-1.7976931348623159e308]"), B("[9223372036854775807]"), B("[9223372036854775808]"),
    B("[-9223372036854775808]"), B("[-9223372036854775809]"), B("[99999999999999999999]"),
    B("[18446744073709551616]"), B("[0x10]"), B("[Infinity]"), B("[-Infinity]"), B("[NaN]"),
    B("[1_000]"), B("[- 1]"), B("[--1]"), B("[1-]"), B("[123abc]"), B("[1e5.5]"),
    B("[1.5.5]"), B("[0e0]"), B("[0E-0]"), B("[0.e1]"), B("[1e+-5]"),
    B("[0.0000000000000000000000000000000000000001]"),
    B("[1.00000000000000000000000000000000000000000000000000000000000000000000000000000000001]"),
    B("[100000000000000000000000000000000000000000000000000000000000000000000000000000000.0]"),
    B("[1000000000000000000000000000000000000000000000000000000000000000000000000000000000e300]"),
    B("{\"n\":-9223372036854775808,\"m\":9223372036854775807}"),
    /* strings */
    B("[\"\"]"), B("[\"a\\u0000b\"]"), B("[\"\\u0000\"]"), B("[\"\\u0001\"]"), B("[\"\x01\"]"),
    B("[\"\x1f\"]"), B("[\"\x7f\"]"), B("[\"\t\"]"), B("[\"\n\"]"), B("[\"a\x00" "b\"]"),
    B("[\"\\x41\"]"), B("[\"\\a\"]"), B("[\"\\'\"]"), B("[\"\\0\"]"), B("[\"\\u12\"]"),
    B("[\"\\u12G4\"]"), B("[\"\\U0041\"]"), B("[\"\\u+123\"]"), B("[\"\\u 123\"]"),
    B("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), B("[\"\\uD83D\"]"), B("[\"\\uDE00\"]"),
    B("[\"\\uD83D\\uDE00\"]"), B("[\"\\ud83d\\ude00\"]"), B("[\"\\uD83D\\u0041\"]"),
    B("[\"\\uD83Dx\"]"), B("[\"\\uD83D\\uD83D\"]"), B("[\"\\uD83D\\n\"]"),
    B("[\"\\uDBFF\\uDFFF\"]"), B("[\"\\uD800\\uDC00\"]"), B("[\"\\uDC00\\uD800\"]"),
    B("[\"\\uD800\\u0000\"]"), B("[\"\\uFFFF\"]"), B("[\"\\uFEFF\"]"), B("[\"\\u0080\"]"),
    B("[\"\\u07ff\\u0800\"]"), B("[\"\xc0\x80\"]"), B("[\"\xc1\xbf\"]"), B("[\"\xc2\x80\"]"),
    B("[\"\xed\xa0\x80\"]"), B("[\"\xed\xbf\xbf\"]"), B("[\"\xed\x9f\xbf\"]"),
    B("[\"\xee\x80\x80\"]"), B("[\"\xef\xbf\xbf\"]"), B("[\"\xf0\x90\x80\x80\"]"),
    B("[\"\xf4\x8f\xbf\xbf\"]"), B("[\"\xf4\x90\x80\x80\"]"), B("[\"\xf5\x80\x80\x80\"]"),
    B("[\"\xf8\x88\x80\x80\x80\"]"), B("[\"\xfe\"]"), B("[\"\xff\"]"), B("[\"\xe2\x82\"]"),
    B("[\"\xe2\x82\xac\"]"), B("[\"\xe2\x82\xac\xe2\"]"), B("[\"\xf0\x9f\x98\"]"),
    B("[\"\xf0\x9f\x98\x80\"]"), B("[\"\x80\"]"), B("[\"\xbf\"]"), B("[\"a\x80\"]"),
    B("[\"\xe0\x80\xaf\"]"), B("[\"\xe0\x9f\xbf\"]"), B("[\"\xe0\xa0\x80\"]"),
    B("[\"\xf0\x80\x80\xaf\"]"), B("[\"\xf0\x8f\xbf\xbf\"]"), B("[\"\xc3\"]"), B("[\"\xc3\"]x"),
    B("[\"\xc3\xa9\xc3\"]"), B("[\"\xe2\"\"]"), B("[\"caf\xc3\xa9 \\u00e9\"]"),
    /* literals */
    B("[true]"), B("[false]"), B("[null]"), B("[tru]"), B("[nul]"), B("[fals]"), B("[True]"),
    B("[NULL]"), B("[truee]"), B("[true false]"), B("[nulll]"), B("[t]"), B("[n]"), B("[f]"),
    B("[true,false,null]"), B("[true1]"), B("[null\"x\"]"), B("true"), B("null"), B("1"),
    B("\"x\""),
};

static void test_table_differential(void **state)
{
    (void)state;
    size_t n = sizeof documents / sizeof documents[0], bad = 0;
    for (size_t i = 0; i < n; i++)
        if (!agree(documents[i].s, documents[i].len))
            bad++;
    if (bad)
        print_error("%zu of %zu table cases disagree with jansson\n", bad, n);
    assert_int_equal(bad, 0);
}

/* Scalars, compared in several containers and (with JSON_DECODE_ANY) alone. */
static const char *const scalars[] = {
    "0", "-0", "01", "1.", ".5", "-", "1e999", "-1e999", "1e-999", "9223372036854775807",
    "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1.5e+10", "1E-2",
    "true", "tru", "false", "null", "nul", "nulls", "\"\"", "\"\\u0000\"", "\"\\uD800\"",
    "\"\\uDC00\"", "\"\\uD800\\uDC00\"", "\"\\x\"", "\"\x01\"", "\"\xc0\x80\"", "\"\xed\xa0\x80\"",
    "\"\xf5\"", "\"\xe2\x82\"", "\"ok\"", "[]", "{}", "-a", "1 1", "\"a\" \"b\"", "0.1e1",
};

static void test_scalars_differential(void **state)
{
    (void)state;
    size_t bad = 0, total = 0;
    static const char *const shapes[] = {"[%s]", "{\"k\":%s}", "[%s,%s]", " [ %s ] ",
                                         "{\"a\":[%s],\"b\":{\"c\":%s}}", "%s"};
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++) {
        for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
            char buf[256];
            int n = snprintf(buf, sizeof buf, shapes[k], scalars[i], scalars[i]);
            total++;
            if (!agree(buf, (size_t)n))
                bad++;
            total++;
            if (!agree_flags(buf, (size_t)n, JSON_DECODE_ANY))
                bad++;
        }
    }
    if (bad)
        print_error("%zu of %zu scalar cases disagree with jansson\n", bad, total);
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------ depth */

static char *nest(size_t depth, const char *open, const char *inner, const char *close,
                  size_t *len)
{
    size_t ol = strlen(open), il = strlen(inner), cl = strlen(close);
    char *b = malloc(depth * (ol + cl) + il + 1);
    assert_non_null(b);
    size_t o = 0;
    for (size_t i = 0; i < depth; i++)
        memcpy(b + o, open, ol), o += ol;
    memcpy(b + o, inner, il), o += il;
    for (size_t i = 0; i < depth; i++)
        memcpy(b + o, close, cl), o += cl;
    b[o] = '\0';
    *len = o;
    return b;
}

static bool agree_nested(size_t depth, const char *open, const char *inner, const char *close)
{
    size_t len;
    char *b = nest(depth, open, inner, close, &len);
    bool ok = agree(b, len);
    if (!ok)
        print_error("  ^ that was %zu x \"%s\" around \"%s\"\n", depth, open, inner);
    free(b);
    return ok;
}

static void test_depth_containers(void **state)
{
    (void)state;
    /* empty innermost containers: jansson's limit is 2048 nested values */
    assert_true(agree_nested(2047, "[", "", "]"));
    assert_true(agree_nested(2048, "[", "", "]"));
    assert_true(agree_nested(2049, "[", "", "]"));
    assert_true(agree_nested(4096, "[", "", "]"));
    assert_true(agree_nested(2047, "[", "{}", "]"));
    assert_true(agree_nested(2048, "[", "{}", "]"));
    assert_true(agree_nested(2047, "{\"a\":", "{}", "}"));
    assert_true(agree_nested(2048, "{\"a\":", "{}", "}"));
    assert_true(agree_nested(1023, "[{\"a\":", "[]", "}]"));
    assert_true(agree_nested(1024, "[{\"a\":", "[]", "}]"));
    /* a huge unterminated nesting must neither crash nor be accepted */
    size_t len;
    char *b = nest(100000, "[", "", "", &len);
    len = strlen(b);
    assert_false(jscan_accepts(b, len));
    assert_true(agree(b, len));
    free(b);
}

static void test_depth_scalar_innermost(void **state)
{
    (void)state;
    assert_true(agree_nested(2047, "[", "1", "]"));
    assert_true(agree_nested(2047, "{\"a\":", "\"s\"", "}"));
    assert_true(agree_nested(2049, "[", "1", "]"));
    /* LIBRARY BUG (lib/jscan.c, jscan__value): jansson counts every value,
     * scalars included, against its 2048 depth limit (a scalar inside 2048
     * nested arrays is at depth 2049 and json_loadb refuses it: "maximum
     * parsing depth reached"), but jscan only counts containers, so it accepts
     * "[[...[1]...]]" with 2048 brackets. Expected: reject; got: accept.
     * The same holds for objects ({"a":{"a":...1...}}) and strings/literals. */
    bool a = agree_nested(2048, "[", "1", "]");
    bool b = agree_nested(2048, "[", "\"s\"", "]");
    bool c = agree_nested(2048, "{\"a\":", "true", "}");
    assert_true(a && b && c);
}

/* ------------------------------------------------------------ random mutations */

static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void test_mutations_differential(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{\"module\":\"message\",\"content\":\"{\\\"event\\\":\\\"meeting.started\\\"}\"}",
        "{\"event\":\"meeting.started\",\"event_ts\":1694539182464,\"payload\":{\"account_id\":"
        "\"abc\",\"object\":{\"id\":\"85\",\"topic\":\"caf\xc3\xa9 \\ud83d\\ude00\",\"n\":[1,-2.5e3,"
        "true,false,null,{}]}}}",
        "[0,-0,1e-999,\"\\u00e9\\n\\\"\",[[[]]],{\"a\":{\"b\":[]}}]",
        "[\"\xf0\x9f\x98\x80\xe2\x82\xac\xc3\xa9\\uDBFF\\uDFFF\"]",
        "{\"a\":9223372036854775807,\"b\":-9223372036854775808,\"c\":1.7976931348623157e308}",
    };
    static const char alphabet[] = "[]{}\":,\\/ \t\n\r0123456789.-+eEtrufalsn\x01\x7f\x80\xbf\xc2"
                                   "\xc3\xe0\xed\xf0\xf4\xf5\xffu0aAdD";
    char buf[512];
    size_t bad = 0;
    const int rounds = 30000;
    for (int r = 0; r < rounds; r++) {
        const char *seed = seeds[rnd32() % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        int edits = 1 + (int)(rnd32() % 4);
        for (int e = 0; e < edits; e++) {
            size_t pos = len ? rnd32() % (len + 1) : 0;
            char ch = alphabet[rnd32() % (sizeof alphabet - 1)];
            switch (rnd32() % 4) {
            case 0: /* replace */
                if (pos < len)
                    buf[pos] = ch;
                break;
            case 1: /* insert */
                if (len + 1 < sizeof buf) {
                    memmove(buf + pos + 1, buf + pos, len - pos);
                    buf[pos] = ch;
                    len++;
                }
                break;
            case 2: /* delete */
                if (pos < len) {
                    memmove(buf + pos, buf + pos + 1, len - pos - 1);
                    len--;
                }
                break;
            default: /* truncate */
                len = pos;
                break;
            }
        }
        if (!agree(buf, len) && ++bad > 20)
            break;
    }
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------ jscan__string */

static void test_string_positions(void **state)
{
    (void)state;
    bool esc = true;
    const char *s = "\"abc\" tail";
    const char *q = jscan__string(s, s + strlen(s), &esc);
    assert_ptr_equal(q, s + 5);
    assert_false(esc);
    s = "\"a\\\"b\"x";
    q = jscan__string(s, s + strlen(s), &esc);
    assert_ptr_equal(q, s + 6);
    assert_true(esc);
    /* not at a quote */
    s = "abc";
    assert_null(jscan__string(s, s + 3, &esc));
    assert_null(jscan__string(s, s, &esc));
    /* end bounds the scan: the closing quote beyond end is not seen */
    s = "\"abc\"";
    assert_null(jscan__string(s, s + 4, &esc));
    /* a multi-byte sequence cut by end */
    s = "\"\xe2\x82\xac\"";
    assert_null(jscan__string(s, s + 3, &esc));
    assert_ptr_equal(jscan__string(s, s + 5, &esc), s + 5);
    /* an escape cut by end */
    s = "\"\\u00e9\"";
    assert_null(jscan__string(s, s + 6, &esc));
    assert_ptr_equal(jscan__string(s, s + 8, &esc), s + 8);
    s = "\"\\uD83D\\uDE00\"";
    assert_null(jscan__string(s, s + 12, &esc));
    assert_ptr_equal(jscan__string(s, s + 14, &esc), s + 14);

    /* jscan__value on values followed by more text, and ws */
    s = "  true,";
    assert_ptr_equal(jscan__value(s, s + strlen(s), 0), s + 6);
    s = "-12.5e3]";
    assert_ptr_equal(jscan__value(s, s + strlen(s), 0), s + 7);
    s = "{\"a\":[1,2]} x";
    assert_ptr_equal(jscan__value(s, s + strlen(s), 0), s + 11);
    s = " \t\r\n x";
    assert_ptr_equal(jscan__ws(s, s + strlen(s)), s + 5);
    assert_ptr_equal(jscan__ws(s, s + 2), s + 2);
    assert_null(jscan__value(s, s + 5, 0));
}

/* ------------------------------------------------------------ jscan__unescape */

static void unescape_expect(const char *json_body, const char *want, size_t want_len)
{
    zbuf out = {0};
    const char *end = json_body + strlen(json_body);
    /* the body must be a valid string for the scanner first */
    char quoted[512];
    int n = snprintf(quoted, sizeof quoted, "\"%s\"", json_body);
    bool esc;
    assert_ptr_equal(jscan__string(quoted, quoted + n, &esc), quoted + n);
    assert_int_equal(jscan__unescape(json_body, end, &out), 0);
    assert_int_equal(out.len, want_len);
    assert_memory_equal(out.data, want, want_len);
    assert_int_equal(out.data[out.len], '\0');
    zbuf__free(&out);
}

static void test_unescape_cases(void **state)
{
    (void)state;
    unescape_expect("", "", 0);
    unescape_expect("plain", "plain", 5);
    unescape_expect("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", 8);
    unescape_expect("\\u0041\\u007f\\u0080\\u07FF\\u0800\\uFFFF",
                    "A\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf", 12);
    unescape_expect("\\uD800\\uDC00\\uDBFF\\uDFFF\\ud83d\\ude00",
                    "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\xf0\x9f\x98\x80", 12);
    unescape_expect("a\\nb\xc3\xa9\\u00e9", "a\nb\xc3\xa9\xc3\xa9", 7);
    unescape_expect("\\\\u0041", "\\u0041", 6); /* an escaped backslash, not an escape */
}

/* Random strings: jansson encodes, jscan validates and decodes back. */
static void test_unescape_roundtrip(void **state)
{
    (void)state;
    zbuf out = {0};
    for (int r = 0; r < 3000; r++) {
        /* random code points, as UTF-8 */
        char raw[512];
        size_t n = 0;
        int count = (int)(rnd32() % 80);
        for (int i = 0; i < count; i++) {
            uint32_t cp;
            switch (rnd32() % 6) {
            case 0: cp = 1 + rnd32() % 0x7f; break;
            case 1: cp = 0x80 + rnd32() % (0x800 - 0x80); break;
            case 2: cp = 0x800 + rnd32() % (0x10000 - 0x800); break;
            case 3: cp = 0x10000 + rnd32() % (0x110000 - 0x10000); break;
            case 4: cp = "\"\\/\b\f\n\r\t\x01\x1f"[rnd32() % 10]; break;
            default: cp = "\"\\"[rnd32() % 2]; break; /* as dense as in a double-encoded event */
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xE000;
            if (cp < 0x80) {
                raw[n++] = (char)cp;
            } else if (cp < 0x800) {
                raw[n++] = (char)(0xC0 | (cp >> 6));
                raw[n++] = (char)(0x80 | (cp & 0x3F));
            } else if (cp < 0x10000) {
                raw[n++] = (char)(0xE0 | (cp >> 12));
                raw[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                raw[n++] = (char)(0x80 | (cp & 0x3F));
            } else {
                raw[n++] = (char)(0xF0 | (cp >> 18));
                raw[n++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                raw[n++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                raw[n++] = (char)(0x80 | (cp & 0x3F));
            }
        }
        json_t *str = json_stringn(raw, n);
        assert_non_null(str);
        size_t flags = JSON_ENCODE_ANY | ((r & 1) ? JSON_ENSURE_ASCII : 0) |
                       ((r & 2) ? JSON_ESCAPE_SLASH : 0);
        char *enc = json_dumps(str, flags);
        assert_non_null(enc);
        size_t elen = strlen(enc);
        bool esc;
        assert_ptr_equal(jscan__string(enc, enc + elen, &esc), enc + elen);
        assert_int_equal(jscan__unescape(enc + 1, enc + elen - 1, &out), 0);
        assert_int_equal(out.len, n);
        assert_memory_equal(out.data, raw, n);
        /* validated and decoded in one pass: alone, and followed by more text as
         * in an envelope (so the 16-byte steps run up to the closing quote) */
        for (int tail = 0; tail < 2; tail++) {
            char buf[2048];
            int blen = snprintf(buf, sizeof buf, "%s%s", enc, tail ? ",\"module\":\"message\"}   " : "");
            bool nomem;
            zbuf dec = {0};
            assert_ptr_equal(jscan__string_decode(buf, buf + blen, &dec, &nomem), buf + elen);
            assert_int_equal(dec.len, n);
            assert_memory_equal(dec.data, raw, n);
            assert_int_equal(dec.data[n], '\0');
            /* and a cut string is refused */
            assert_null(jscan__string_decode(buf, buf + elen - 1, &dec, &nomem));
            assert_false(nomem);
            zbuf__free(&dec);
        }
        /* and inside an array, jansson and jscan agree that it is valid */
        char arr[2048];
        int alen = snprintf(arr, sizeof arr, "[%s]", enc);
        assert_true(agree(arr, (size_t)alen));
        free(enc);
        json_decref(str);
    }
    zbuf__free(&out);
}

/* The content of a double-encoded event: text whose only escapes are \"
 * (the decoder's fast blocks), at every spacing and alignment, one escape
 * straddling each block boundary in turn, with now and then an escape of
 * another kind or a non-ASCII letter (a block decoded the slow way among fast
 * ones). Decoded as jansson reads it, and cut strings refused. */
static void test_decode_quote_blocks(void **state)
{
    (void)state;
    for (int r = 0; r < 4000; r++) {
        char raw[700], enc[1500];
        size_t n = 0, e = 0;
        int gap = 1 + r % 23, start = r / 23 % 17, count = 40 + (int)(rnd32() % 300);
        enc[e++] = '"';
        for (int i = 0; i < start; i++)
            raw[n++] = enc[e++] = 'x';
        for (int i = 0; i < count; i++) {
            uint32_t pick = rnd32() % 64;
            if (i % gap == 0) {
                raw[n++] = '"', enc[e++] = '\\', enc[e++] = '"';
            } else if (pick == 0) {
                raw[n++] = '\n', enc[e++] = '\\', enc[e++] = 'n';
            } else if (pick == 1) {
                raw[n++] = '\\', enc[e++] = '\\', enc[e++] = '\\';
            } else if (pick == 2) {
                raw[n++] = enc[e++] = '\xc3', raw[n++] = enc[e++] = '\xa9';
            } else {
                raw[n++] = enc[e++] = (char)('a' + i % 26);
            }
        }
        enc[e++] = '"';
        size_t elen = e;
        memcpy(enc + e, ",\"module\":\"message\"}", 21);
        e += 21;
        json_t *want = json_loadb(enc, elen, JSON_DECODE_ANY, NULL);
        assert_non_null(want);
        assert_int_equal(json_string_length(want), n);
        assert_memory_equal(json_string_value(want), raw, n);
        json_decref(want);
        zbuf dec = {0};
        bool nomem;
        assert_ptr_equal(jscan__string_decode(enc, enc + e, &dec, &nomem), enc + elen);
        assert_int_equal(dec.len, n);
        assert_memory_equal(dec.data, raw, n);
        assert_int_equal(dec.data[n], '\0');
        /* cut inside: before the closing quote, and between an escape's two bytes */
        assert_null(jscan__string_decode(enc, enc + elen - 1, &dec, &nomem));
        for (size_t cut = elen / 2; cut < elen; cut++)
            if (enc[cut - 1] == '\\') {
                assert_null(jscan__string_decode(enc, enc + cut, &dec, &nomem));
                break;
            }
        assert_false(nomem);
        zbuf__free(&dec);
    }
}

/* ------------------------------------------------------------ jscan__int */

static bool int_of(const char *s, int64_t *v)
{
    return jscan__int(s, s + strlen(s), v);
}

static void test_int_limits(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_true(int_of("0", &v));
    assert_int_equal(v, 0);
    assert_true(int_of("-0", &v));
    assert_int_equal(v, 0);
    assert_true(int_of("1694539182464", &v));
    assert_int_equal(v, 1694539182464LL);
    assert_true(int_of("9223372036854775807", &v));
    assert_true(v == INT64_MAX);
    assert_true(int_of("-9223372036854775808", &v));
    assert_true(v == INT64_MIN);
    assert_true(int_of("-9223372036854775807", &v));
    assert_true(v == -INT64_MAX);
    assert_true(int_of("9223372036854775806", &v));
    assert_true(v == INT64_MAX - 1);
    assert_false(int_of("9223372036854775808", &v));
    assert_false(int_of("-9223372036854775809", &v));
    assert_false(int_of("9223372036854775810", &v));
    assert_false(int_of("10000000000000000000", &v));
    assert_false(int_of("18446744073709551616", &v));
    assert_false(int_of("99999999999999999999999", &v));
    assert_false(int_of("", &v));
    assert_false(int_of("-", &v));
    assert_false(int_of("+1", &v));
    assert_false(int_of("1a", &v));
    assert_false(int_of(" 1", &v));
    assert_false(int_of("1 ", &v));
    assert_false(int_of("1.0", &v));
    assert_false(int_of("1e3", &v));
    assert_false(int_of("--1", &v));
    assert_false(int_of("0x10", &v));
    /* the range bounds the token: "123" cut to "12" */
    const char *s = "123";
    assert_true(jscan__int(s, s + 2, &v));
    assert_int_equal(v, 12);
    /* every value around powers of ten agrees with strtoll */
    for (int64_t p = 1, i = 0; i < 18; i++, p *= 10) {
        for (int64_t d = -1; d <= 1; d++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%lld", (long long)(p + d));
            assert_true(int_of(buf, &v));
            assert_true(v == p + d);
            snprintf(buf, sizeof buf, "%lld", (long long)-(p + d));
            assert_true(int_of(buf, &v));
            assert_true(v == -(p + d));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_differential),
        cmocka_unit_test(test_scalars_differential),
        cmocka_unit_test(test_depth_containers),
        cmocka_unit_test(test_depth_scalar_innermost),
        cmocka_unit_test(test_mutations_differential),
        cmocka_unit_test(test_string_positions),
        cmocka_unit_test(test_unescape_cases),
        cmocka_unit_test(test_unescape_roundtrip),
        cmocka_unit_test(test_decode_quote_blocks),
        cmocka_unit_test(test_int_limits),
    };
    return cmocka_run_group_tests_name("jscan", tests, NULL, NULL);
}
