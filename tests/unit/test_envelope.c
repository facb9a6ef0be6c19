/* envelope.c: Zoom's outer frames, the inner event header, token failures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static zbuf scratch;

static int teardown(void **state)
{
    (void)state;
    zbuf__free(&scratch);
    return 0;
}

/* Inputs are copied to heap blocks of exactly their length (no NUL after),
 * so that valgrind reports any read beyond the end. */
static char *exact_copy(const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, text, len);
    return copy;
}

static int env(const char *text, envelope *out)
{
    size_t len = strlen(text);
    char *copy = exact_copy(text, len);
    int rc = envelope__parse(copy, len, out, &scratch);
    free(copy); /* out->content points into scratch, not into the input */
    return rc;
}

/* ------------------------------------------------------------ envelope__parse */

static void test_build_connection(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"module\":\"build_connection\",\"success\":true,\"content\":\"ok\","
                         "\"header\":{}}", &e), 0);
    assert_int_equal(e.module, MODULE_BUILD_CONNECTION);
    assert_int_equal(e.success, 1);
    assert_non_null(e.content);
    assert_string_equal(e.content, "ok");
    assert_int_equal(e.content_len, 2);
    assert_false(e.content_is_object);

    assert_int_equal(env("{\"module\":\"build_connection\",\"success\":false,"
                         "\"content\":\"token is empty\",\"header\":{}}", &e), 0);
    assert_int_equal(e.module, MODULE_BUILD_CONNECTION);
    assert_int_equal(e.success, 0);
    assert_string_equal(e.content, "token is empty");
    assert_true(envelope__is_token_failure(e.content));

    /* success absent, or not a boolean */
    assert_int_equal(env("{\"module\":\"build_connection\"}", &e), 0);
    assert_int_equal(e.success, -1);
    assert_null(e.content);
    assert_int_equal(env("{\"module\":\"build_connection\",\"success\":\"true\"}", &e), 0);
    assert_int_equal(e.success, -1);
    assert_int_equal(env("{\"module\":\"build_connection\",\"success\":null}", &e), 0);
    assert_int_equal(e.success, -1);
    assert_int_equal(env("{\"module\":\"build_connection\",\"success\":1}", &e), 0);
    assert_int_equal(e.success, -1);
}

static void test_heartbeat(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"module\":\"heartbeat\",\"success\":true,\"content\":\"live\","
                         "\"header\":{}}", &e), 0);
    assert_int_equal(e.module, MODULE_HEARTBEAT);
    assert_int_equal(e.success, 1);
    assert_string_equal(e.content, "live");
    assert_int_equal(env("{\"module\":\"heartbeat\"}", &e), 0);
    assert_int_equal(e.module, MODULE_HEARTBEAT);
    assert_null(e.content);
}

static void test_message_string_content(void **state)
{
    (void)state;
    envelope e;
    const char *frame =
        "{\"module\":\"message\",\"content\":\"{\\\"event\\\":\\\"meeting.started\\\","
        "\\\"event_ts\\\":1694539182464,\\\"payload\\\":{\\\"object\\\":{\\\"topic\\\":"
        "\\\"a \\\\\\\"quoted\\\\\\\" \\\\\\\\ topic\\\\n caf\\u00e9 \\ud83d\\ude00\\\"}}}\"}";
    assert_int_equal(env(frame, &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    assert_int_equal(e.success, -1);
    assert_false(e.content_is_object);
    const char *want =
        "{\"event\":\"meeting.started\",\"event_ts\":1694539182464,\"payload\":{\"object\":"
        "{\"topic\":\"a \\\"quoted\\\" \\\\ topic\\n caf\xc3\xa9 \xf0\x9f\x98\x80\"}}}";
    assert_non_null(e.content);
    assert_string_equal(e.content, want);
    assert_int_equal(e.content_len, strlen(want));

    /* the decoded content is itself valid JSON that jansson agrees with */
    json_error_t jerr;
    json_t *root = json_loadb(e.content, e.content_len, 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(root, "payload"), "object"), "topic")),
                        "a \"quoted\" \\ topic\n caf\xc3\xa9 \xf0\x9f\x98\x80");
    json_decref(root);
}

static void test_message_escapes(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"module\":\"message\",\"content\":"
                         "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\uDBFF\\uDFFF\"}",
                         &e), 0);
    const char want[] = "\"\\/\b\f\n\r\tA\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf";
    assert_int_equal(e.content_len, sizeof want - 1);
    assert_memory_equal(e.content, want, sizeof want - 1);
    assert_int_equal(e.content[e.content_len], '\0');

    /* an empty string content */
    assert_int_equal(env("{\"module\":\"message\",\"content\":\"\"}", &e), 0);
    assert_non_null(e.content);
    assert_int_equal(e.content_len, 0);
    assert_string_equal(e.content, "");
}

static void test_message_object_content(void **state)
{
    (void)state;
    envelope e;
    const char *inner = "{\"event\":\"meeting.ended\",\"payload\":{\"a\":[1,2,{\"b\":\"}\"}]}}";
    char frame[256];
    snprintf(frame, sizeof frame, "{\"module\":\"message\",\"content\": %s , \"x\":1}", inner);
    assert_int_equal(env(frame, &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    assert_true(e.content_is_object);
    assert_int_equal(e.content_len, strlen(inner));
    assert_string_equal(e.content, inner);
}

static void test_content_other_types(void **state)
{
    (void)state;
    envelope e;
    static const char *const frames[] = {
        "{\"module\":\"message\",\"content\":null}",
        "{\"module\":\"message\",\"content\":12}",
        "{\"module\":\"message\",\"content\":[1]}",
        "{\"module\":\"message\",\"content\":true}",
        "{\"module\":\"message\"}",
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        assert_int_equal(env(frames[i], &e), 0);
        assert_int_equal(e.module, MODULE_MESSAGE);
        assert_null(e.content);
        assert_int_equal(e.content_len, 0);
        assert_false(e.content_is_object);
    }
}

static void test_unknown_module(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"module\":\"presence\",\"content\":\"x\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_string_equal(e.content, "x");
    assert_int_equal(env("{\"module\":\"Message\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(env("{\"module\":\"messages\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(env("{\"module\":\"messag\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(env("{\"module\":\"\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(env("{}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(e.success, -1);
    assert_null(e.content);
    /* "module" nested deeper does not count */
    assert_int_equal(env("{\"header\":{\"module\":\"message\"}}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    /* a value "module" is not a key */
    assert_int_equal(env("{\"x\":\"module\",\"y\":\"message\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
}

static void test_module_not_string(void **state)
{
    (void)state;
    envelope e;
    static const char *const frames[] = {
        "{\"module\":1}",
        "{\"module\":null}",
        "{\"module\":[\"message\"]}",
        "{\"module\":{\"message\":1}}",
        "{\"module\":true}",
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        assert_int_equal(env(frames[i], &e), 0);
        assert_int_equal(e.module, MODULE_UNKNOWN);
    }
}

static void test_escaped_key_and_value(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"mod\\u0075le\":\"message\",\"c\\u006fntent\":\"x\","
                         "\"succ\\u0065ss\":true}", &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    assert_string_equal(e.content, "x");
    assert_int_equal(e.success, 1);
    assert_int_equal(env("{\"module\":\"heart\\u0062eat\"}", &e), 0);
    assert_int_equal(e.module, MODULE_HEARTBEAT);
    assert_int_equal(env("{\"module\":\"build\\u005fconnection\"}", &e), 0);
    assert_int_equal(e.module, MODULE_BUILD_CONNECTION);
    assert_int_equal(env("{\"\\u006d\\u006f\\u0064\\u0075\\u006c\\u0065\":"
                         "\"\\u006d\\u0065\\u0073\\u0073\\u0061\\u0067\\u0065\"}", &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    /* escapes that decode to something else do not match */
    assert_int_equal(env("{\"module\\u0000\":\"message\"}", &e), ZWS_E_PROTOCOL);
    assert_int_equal(env("{\"modul\\u0065s\":\"message\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    assert_int_equal(env("{\"module\":\"message\\n\"}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
}

static void test_fully_escaped_module_value(void **state)
{
    (void)state;
    envelope e;
    /* "build_connection" with every character \u-escaped (96 bytes between the
     * quotes). jansson decodes it to "build_connection", so must we. */
    assert_int_equal(env("{\"module\":\"\\u0062\\u0075\\u0069\\u006c\\u0064\\u005f\\u0063\\u006f"
                         "\\u006e\\u006e\\u0065\\u0063\\u0074\\u0069\\u006f\\u006e\","
                         "\"success\":true}", &e), 0);
    /* LIBRARY BUG (lib/envelope.c, key_is): a string that has escapes and is
     * longer than 64 bytes including its quotes is never unescaped and compared
     * (it returns false), so this module is MODULE_UNKNOWN although jansson reads
     * "build_connection". Expected: MODULE_BUILD_CONNECTION; got: MODULE_UNKNOWN.
     * Only "build_connection" is long enough to hit it (16 chars x 6 = 96 bytes);
     * ten or more \u-escaped characters are enough. */
    assert_int_equal(e.module, MODULE_BUILD_CONNECTION);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    envelope e;
    /* jansson keeps the last value of a duplicated key; so do we */
    assert_int_equal(env("{\"module\":\"heartbeat\",\"module\":\"message\","
                         "\"content\":\"a\",\"content\":\"b\",\"success\":false,\"success\":true}",
                         &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    assert_string_equal(e.content, "b");
    assert_int_equal(e.success, 1);
    assert_int_equal(env("{\"content\":{\"a\":1},\"content\":\"s\"}", &e), 0);
    assert_false(e.content_is_object);
    assert_string_equal(e.content, "s");
    assert_int_equal(env("{\"content\":\"s\",\"content\":{\"a\":1}}", &e), 0);
    assert_true(e.content_is_object);
    assert_string_equal(e.content, "{\"a\":1}");
    /* a later non-string module replaces an earlier string one */
    assert_int_equal(env("{\"module\":\"message\",\"module\":7}", &e), 0);
    assert_int_equal(e.module, MODULE_UNKNOWN);
    /* and a later non-string content replaces an earlier string one */
    assert_int_equal(env("{\"content\":\"s\",\"content\":null}", &e), 0);
    assert_null(e.content);

    /* cross-check with jansson */
    const char *f = "{\"module\":\"heartbeat\",\"module\":\"message\"}";
    json_t *root = json_loads(f, 0, NULL);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "module")), "message");
    json_decref(root);
}

static void test_whitespace(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env(" \t\r\n{ \t\r\n\"module\" \t\r\n: \t\r\n\"message\" \t\r\n, \n"
                         "\"success\"\n:\ntrue\n,\"content\"\r\n:\r\n\"c\"\r\n} \t\r\n", &e), 0);
    assert_int_equal(e.module, MODULE_MESSAGE);
    assert_int_equal(e.success, 1);
    assert_string_equal(e.content, "c");
    assert_int_equal(env("{ }", &e), 0);
    assert_int_equal(env("\n{}\n", &e), 0);
}

static void test_trailing_garbage(void **state)
{
    (void)state;
    envelope e;
    static const char *const frames[] = {
        "{\"module\":\"message\"}x",
        "{\"module\":\"message\"}}",
        "{\"module\":\"message\"} {}",
        "{\"module\":\"message\"},",
        "{\"module\":\"message\"}\x01",
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
        assert_int_equal(env(frames[i], &e), ZWS_E_PROTOCOL);
    /* an embedded NUL after the object */
    assert_int_equal(envelope__parse("{}\0", 3, &e, &scratch), ZWS_E_PROTOCOL);
}

static void test_not_an_object(void **state)
{
    (void)state;
    envelope e;
    static const char *const frames[] = {
        "", " ", "[]", "[{\"module\":\"message\"}]", "\"module\"", "null", "1", "true",
        "{", "}", "{\"module\"}", "{\"module\":}", "{\"module\":\"message\",}",
        "{\"module\":\"message\" \"content\":\"x\"}", "{module:\"message\"}",
        "{'module':'message'}", "{\"module\":\"mess\nage\"}", "{\"module\":\"message}",
        "{\"a\":01}", "{\"a\":[1,]}", "{\"a\":\"\\x\"}", "{\"a\":tru}", "{,}",
        "{\"module\":\"message\"", "{\"content\":\"\\ud83d\"}",
        "{\"content\":\"\xc0\x80\"}",
    };
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        int rc = env(frames[i], &e);
        if (rc != ZWS_E_PROTOCOL)
            print_error("frame %zu (%s): rc %d\n", i, frames[i], rc);
        assert_int_equal(rc, ZWS_E_PROTOCOL);
    }
    /* the scan stops at len: a valid object is not valid when cut short */
    const char *f = "{\"module\":\"message\"}";
    for (size_t n = 0; n < strlen(f); n++) {
        char *cut = exact_copy(f, n);
        assert_int_equal(envelope__parse(cut, n, &e, &scratch), ZWS_E_PROTOCOL);
        inner_event ie;
        zbuf name = {0};
        assert_int_equal(envelope__event(cut, n, &ie, &name, NULL), ZWS_E_PROTOCOL);
        zbuf__free(&name);
        free(cut);
    }
}

static void test_scratch_reused(void **state)
{
    (void)state;
    envelope e;
    assert_int_equal(env("{\"module\":\"message\",\"content\":\"a long first content here\"}", &e), 0);
    assert_string_equal(e.content, "a long first content here");
    assert_int_equal(env("{\"module\":\"message\",\"content\":\"b\"}", &e), 0);
    assert_string_equal(e.content, "b");
    assert_int_equal(e.content_len, 1);
    assert_int_equal(env("{\"module\":\"message\",\"content\":{\"c\":1}}", &e), 0);
    assert_string_equal(e.content, "{\"c\":1}");
    assert_int_equal(env("{\"module\":\"message\",\"content\":\"d\"}", &e), 0);
    assert_string_equal(e.content, "d");
    assert_false(e.content_is_object);
}

/* ------------------------------------------------------------ envelope__event */

static int ev(const char *text, inner_event *out, zbuf *name)
{
    size_t len = strlen(text);
    char *copy = exact_copy(text, len);
    int rc = envelope__event(copy, len, out, name, NULL);
    free(copy); /* out->name points into name, not into the input */
    return rc;
}

static void test_event_basic(void **state)
{
    (void)state;
    zbuf name = {0};
    inner_event ie;
    assert_int_equal(ev("{\"event\":\"meeting.started\",\"event_ts\":1694539182464,"
                        "\"payload\":{\"event\":\"no\",\"event_ts\":1}}", &ie, &name), 0);
    assert_string_equal(ie.name, "meeting.started");
    assert_int_equal(ie.name_len, strlen("meeting.started"));
    assert_int_equal(ie.ts, 1694539182464LL);

    /* order does not matter */
    assert_int_equal(ev("{\"payload\":{},\"event_ts\":5,\"event\":\"user.created\"}", &ie, &name), 0);
    assert_string_equal(ie.name, "user.created");
    assert_int_equal(ie.ts, 5);
    zbuf__free(&name);
}

static void test_event_ts_variants(void **state)
{
    (void)state;
    zbuf name = {0};
    inner_event ie;
    struct { const char *ts; int64_t want; } cases[] = {
        {"\"1694539182464\"", 1694539182464LL}, /* a string holding an int */
        {"0", 0},
        {"-5", -5},
        {"9223372036854775807", INT64_MAX},
        {"1694539182464.5", 0}, /* real → 0 */
        {"1.6945e12", 0},
        {"1e3", 0},
        {"null", 0},
        {"true", 0},
        {"\"abc\"", 0},
        {"\"\"", 0},
        {"\"12x\"", 0},
        {"{}", 0},
        {"[1]", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "{\"event\":\"x.y\",\"event_ts\":%s}", cases[i].ts);
        assert_int_equal(ev(text, &ie, &name), 0);
        if (ie.ts != cases[i].want)
            print_error("event_ts %s → %lld\n", cases[i].ts, (long long)ie.ts);
        assert_int_equal(ie.ts, cases[i].want);
    }
    /* missing → 0 */
    assert_int_equal(ev("{\"event\":\"x.y\"}", &ie, &name), 0);
    assert_int_equal(ie.ts, 0);
    /* out of int64 range is invalid JSON for jansson: the whole event is refused */
    assert_true(ev("{\"event\":\"x.y\",\"event_ts\":9223372036854775808}", &ie, &name) < 0);
    zbuf__free(&name);
}

static void test_event_name_errors(void **state)
{
    (void)state;
    zbuf name = {0};
    inner_event ie;
    static const char *const bad[] = {
        "{\"event_ts\":1}",
        "{\"event\":1}",
        "{\"event\":null}",
        "{\"event\":[\"x\"]}",
        "{\"event\":{\"a\":\"b\"}}",
        "{\"payload\":{\"event\":\"nested\"}}",
        "[\"event\",\"x\"]",
        "\"event\"",
        "",
        "{\"event\":\"x\"",
        "{\"event\":\"x\"} x",
        "{\"event\":\"x\\u0000y\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = ev(bad[i], &ie, &name);
        if (rc != ZWS_E_PROTOCOL)
            print_error("case %zu (%s): rc %d\n", i, bad[i], rc);
        assert_int_equal(rc, ZWS_E_PROTOCOL);
    }
    /* a later non-string "event" replaces an earlier string */
    assert_int_equal(ev("{\"event\":\"a.b\",\"event\":1}", &ie, &name), ZWS_E_PROTOCOL);
    zbuf__free(&name);
}

static void test_event_escaped_names(void **state)
{
    (void)state;
    zbuf name = {0};
    inner_event ie;
    assert_int_equal(ev("{\"event\":\"meeting\\u002estarted\"}", &ie, &name), 0);
    assert_string_equal(ie.name, "meeting.started");
    assert_int_equal(ie.name_len, 15);
    assert_int_equal(ev("{\"\\u0065vent\":\"a\\/b\",\"event\\u005fts\":\"7\"}", &ie, &name), 0);
    assert_string_equal(ie.name, "a/b");
    assert_int_equal(ie.ts, 7);
    assert_int_equal(ev("{\"event\":\"caf\\u00e9.\\ud83d\\ude00\"}", &ie, &name), 0);
    assert_string_equal(ie.name, "caf\xc3\xa9.\xf0\x9f\x98\x80");
    assert_int_equal(ie.name_len, 10);
    /* duplicate: the last one wins */
    assert_int_equal(ev("{\"event\":\"first\",\"event\":\"second\",\"event_ts\":1,\"event_ts\":2}",
                        &ie, &name), 0);
    assert_string_equal(ie.name, "second");
    assert_int_equal(ie.ts, 2);
    /* empty name is a string */
    assert_int_equal(ev("{\"event\":\"\"}", &ie, &name), 0);
    assert_string_equal(ie.name, "");
    assert_int_equal(ie.name_len, 0);
    zbuf__free(&name);
}

/* ------------------------------------------------------------ differential */

static uint64_t rng = 0xC2B2AE3D27D4EB4FULL;
static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static enum envelope_module module_of(const char *s)
{
    if (!s)
        return MODULE_UNKNOWN;
    if (!strcmp(s, "message"))
        return MODULE_MESSAGE;
    if (!strcmp(s, "heartbeat"))
        return MODULE_HEARTBEAT;
    if (!strcmp(s, "build_connection"))
        return MODULE_BUILD_CONNECTION;
    return MODULE_UNKNOWN;
}

/* envelope__parse and envelope__event against what jansson makes of the same bytes. */
static int compare_with_jansson_exact(const char *buf, size_t len);

static int compare_with_jansson(const char *src, size_t len)
{
    char *copy = exact_copy(src, len);
    int bad = compare_with_jansson_exact(copy, len);
    free(copy);
    return bad;
}

static int compare_with_jansson_exact(const char *buf, size_t len)
{
    envelope e;
    int rc = envelope__parse(buf, len, &e, &scratch);
    json_t *root = json_loadb(buf, len, 0, NULL);
    int bad = 0;
    if ((rc == 0) != json_is_object(root)) {
        print_error("envelope__parse rc %d but jansson %s: %.*s\n", rc,
                    json_is_object(root) ? "accepts" : "rejects", (int)len, buf);
        bad = 1;
    } else if (rc == 0) {
        json_t *m = json_object_get(root, "module"), *c = json_object_get(root, "content"),
               *s = json_object_get(root, "success");
        if (e.module != module_of(json_string_value(m)))
            print_error("module %d for %.*s\n", e.module, (int)len, buf), bad = 1;
        int succ = json_is_true(s) ? 1 : json_is_false(s) ? 0 : -1;
        if (e.success != succ)
            print_error("success %d for %.*s\n", e.success, (int)len, buf), bad = 1;
        if (json_is_string(c)) {
            if (!e.content || e.content_is_object || e.content_len != json_string_length(c) ||
                memcmp(e.content, json_string_value(c), e.content_len))
                print_error("string content differs for %.*s\n", (int)len, buf), bad = 1;
        } else if (json_is_object(c)) {
            json_t *mine = e.content ? json_loadb(e.content, e.content_len, 0, NULL) : NULL;
            if (!e.content_is_object || !json_equal(mine, c))
                print_error("object content differs for %.*s\n", (int)len, buf), bad = 1;
            json_decref(mine);
        } else if (e.content) {
            print_error("content where jansson has none: %.*s\n", (int)len, buf), bad = 1;
        }
    }
    /* the same bytes as an inner event */
    zbuf name = {0};
    inner_event ie;
    rc = envelope__event(buf, len, &ie, &name, NULL);
    json_t *ev = json_object_get(root, "event");
    bool want = json_is_object(root) && json_is_string(ev);
    if ((rc == 0) != want) {
        print_error("envelope__event rc %d, jansson %s: %.*s\n", rc, want ? "has an event" : "no",
                    (int)len, buf);
        bad = 1;
    } else if (rc == 0) {
        if (ie.name_len != json_string_length(ev) || memcmp(ie.name, json_string_value(ev), ie.name_len))
            print_error("event name differs: %.*s\n", (int)len, buf), bad = 1;
        json_t *ts = json_object_get(root, "event_ts");
        int64_t want_ts = 0;
        if (json_is_integer(ts)) {
            want_ts = json_integer_value(ts);
        } else if (json_is_string(ts)) {
            const char *t = json_string_value(ts);
            if (!jscan__int(t, t + strlen(t), &want_ts))
                want_ts = 0;
        }
        if (ie.ts != want_ts)
            print_error("event_ts %lld, want %lld: %.*s\n", (long long)ie.ts, (long long)want_ts,
                        (int)len, buf), bad = 1;
    }
    zbuf__free(&name);
    json_decref(root);
    return bad;
}

static void test_differential_mutations(void **state)
{
    (void)state;
    static const char *const seeds[] = {
        "{\"module\":\"build_connection\",\"success\":true,\"content\":\"ok\",\"header\":{}}",
        "{\"module\":\"heartbeat\",\"success\":false,\"content\":\"live\"}",
        "{\"module\":\"message\",\"content\":\"{\\\"event\\\":\\\"m.s\\\",\\\"event_ts\\\":12}\"}",
        "{\"module\":\"message\",\"content\":{\"event\":\"m.s\",\"event_ts\":\"12\"}}",
        "{\"event\":\"meeting.started\",\"event_ts\":1694539182464,\"payload\":{\"a\":[1,\"\\u00e9\"]}}",
        "{\"mod\\u0075le\":\"mess\\u0061ge\",\"content\":\"\\ud83d\\ude00\\n\",\"event\":\"\\u0041\"}",
    };
    static const char alphabet[] = "{}[]\":,\\ 0123456789-.eEtrufalsn\x01\x80\xc3\xa9u0mod";
    char buf[256];
    int bad = 0;
    for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++)
        bad += compare_with_jansson(seeds[i], strlen(seeds[i]));
    for (int r = 0; r < 20000 && bad < 10; r++) {
        const char *seed = seeds[rnd32() % (sizeof seeds / sizeof seeds[0])];
        size_t len = strlen(seed);
        memcpy(buf, seed, len);
        int edits = 1 + (int)(rnd32() % 3);
        for (int k = 0; k < edits; k++) {
            size_t pos = rnd32() % (len + 1);
            char ch = alphabet[rnd32() % (sizeof alphabet - 1)];
            unsigned op = rnd32() % 3;
            if (op == 0 && pos < len) {
                buf[pos] = ch;
            } else if (op == 1 && len + 1 < sizeof buf) {
                memmove(buf + pos + 1, buf + pos, len - pos);
                buf[pos] = ch;
                len++;
            } else if (op == 2 && pos < len) {
                memmove(buf + pos, buf + pos + 1, len - pos - 1);
                len--;
            }
        }
        bad += compare_with_jansson(buf, len);
    }
    assert_int_equal(bad, 0);
}

/* ------------------------------------------------------------ token failures */

static void test_is_token_failure(void **state)
{
    (void)state;
    assert_true(envelope__is_token_failure("token is empty"));
    assert_true(envelope__is_token_failure("Invalid Token"));
    assert_true(envelope__is_token_failure("Token is invalid"));
    assert_true(envelope__is_token_failure("TOKEN EXPIRED"));
    assert_true(envelope__is_token_failure("The access token has expired"));
    assert_true(envelope__is_token_failure("invalid access_token"));
    assert_false(envelope__is_token_failure("Invalid subscription id"));
    assert_false(envelope__is_token_failure("subscription is empty"));
    assert_false(envelope__is_token_failure("token"));
    assert_false(envelope__is_token_failure("ok"));
    assert_false(envelope__is_token_failure(""));
    assert_false(envelope__is_token_failure(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_build_connection, teardown),
        cmocka_unit_test_teardown(test_heartbeat, teardown),
        cmocka_unit_test_teardown(test_message_string_content, teardown),
        cmocka_unit_test_teardown(test_message_escapes, teardown),
        cmocka_unit_test_teardown(test_message_object_content, teardown),
        cmocka_unit_test_teardown(test_content_other_types, teardown),
        cmocka_unit_test_teardown(test_unknown_module, teardown),
        cmocka_unit_test_teardown(test_module_not_string, teardown),
        cmocka_unit_test_teardown(test_escaped_key_and_value, teardown),
        cmocka_unit_test_teardown(test_fully_escaped_module_value, teardown),
        cmocka_unit_test_teardown(test_duplicate_keys, teardown),
        cmocka_unit_test_teardown(test_whitespace, teardown),
        cmocka_unit_test_teardown(test_trailing_garbage, teardown),
        cmocka_unit_test_teardown(test_not_an_object, teardown),
        cmocka_unit_test_teardown(test_scratch_reused, teardown),
        cmocka_unit_test(test_event_basic),
        cmocka_unit_test(test_event_ts_variants),
        cmocka_unit_test(test_event_name_errors),
        cmocka_unit_test(test_event_escaped_names),
        cmocka_unit_test_teardown(test_differential_mutations, teardown),
        cmocka_unit_test(test_is_token_failure),
    };
    return cmocka_run_group_tests_name("envelope", tests, NULL, NULL);
}
