/* Differential: the tree-free scanner (lib/jscan.c) and the envelope reader
 * built on it (lib/envelope.c) against jansson, the reference they promise
 * to match (json_loadb(.., 0, ..): a top-level object or array).
 *   1. jscan accepts exactly what json_loadb accepts (and, for any top-level
 *      value, what json_loadb(.., JSON_DECODE_ANY, ..) accepts);
 *   2. on a frame jansson reads as an object, envelope__parse finds the same
 *      module, success and content (a string content byte for byte, an
 *      object content json_equal), and envelope__event on that content the
 *      same event name and event_ts; where jansson refuses the frame or it is
 *      not an object, envelope__parse refuses it too;
 *   3. the same event comparison on the input itself (as an inner event);
 *   4. on an event, path lookups (zws_event_get_str/_get_int) of every value
 *      jansson finds give the same answers through the tape the receive path
 *      records and without it (scanning, as for a copied event), and the
 *      string jansson reads.
 * Any difference is printed and traps, except one documented jansson quirk
 * (nul_quirk below). */
#include <ctype.h>

#include "fuzz_common.h"

#include "internal.h"

static zbuf scratch, name_buf;
static jscan_tape tape_buf;

static bool jscan_accepts(const char *buf, size_t len)
{
    const char *end = buf + len;
    const char *p = jscan__ws(buf, end);
    if (p >= end || (*p != '[' && *p != '{'))
        return false;
    const char *q = jscan__value(p, end, 0);
    return q && jscan__ws(q, end) == end;
}

static bool jscan_accepts_any(const char *buf, size_t len)
{
    const char *end = buf + len;
    const char *q = jscan__value(buf, end, 0);
    return q && jscan__ws(q, end) == end;
}

/* jansson 2.14 quirk: a single NUL byte directly after a number or a literal
 * (true, false, null) is skipped: the lexer reads one byte past the token and
 * ungets it, and an ungot NUL reads as "buffer empty", so the byte after it is
 * fetched instead. json_loadb accepts "[1\0]", "{\"a\":true\0}" and, with
 * JSON_DECODE_ANY, "11\0", while it rejects "[\0]", "[1 \0]" and "[1\0\0]".
 * jscan rejects them all (NUL is not JSON, RFC 8259), which is the safe side:
 * a frame jscan accepts is always one jansson accepts (see the report in
 * tests/fuzz/README.md). True when removing such NULs makes jscan accept. */
static bool nul_quirk(const char *buf, size_t len, bool any)
{
    if (!memchr(buf, '\0', len))
        return false;
    char *copy = malloc(len);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        bool after_token = i > 0 && (isdigit((unsigned char)buf[i - 1]) || buf[i - 1] == 'e' ||
                                     buf[i - 1] == 'l');
        if (buf[i] == '\0' && after_token)
            continue;
        copy[n++] = buf[i];
    }
    bool explained = n < len && (any ? jscan_accepts_any(copy, n) : jscan_accepts(copy, n));
    free(copy);
    return explained;
}

/* The reference for "a string holding an integer": optional '-', then only
 * digits, within int64 (what get_int and the docs of event_ts mean). */
static bool ref_int_string(const char *s, size_t len, int64_t *out)
{
    bool neg = len > 0 && s[0] == '-';
    size_t i = neg;
    if (len <= i)
        return false;
    int64_t v = 0; /* accumulated negatively: INT64_MIN has no positive twin */
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_sub_overflow(v, s[i] - '0', &v))
            return false;
    }
    if (!neg && v == INT64_MIN)
        return false;
    *out = neg ? v : -v;
    return true;
}

static void fail(const char *what, const char *buf, size_t len)
{
    fprintf(stderr, "DISAGREEMENT: %s\n", what);
    fuzz_show("input", buf, len);
    __builtin_trap();
}

/* Lookups of path (and below it, up to a budget) on two views of one event. */
static void compare_lookups(const zws_event *indexed, const zws_event *plain, json_t *v, char *path,
                            size_t plen, int *budget)
{
    if (--*budget < 0)
        return;
    if (plen) {
        const char *a = zws_event_get_str(indexed, path), *b = zws_event_get_str(plain, path);
        int64_t ia = 0, ib = 0;
        int ra = zws_event_get_int(indexed, path, &ia), rb = zws_event_get_int(plain, path, &ib);
        char msg[700];
        if ((a == NULL) != (b == NULL) || (a && strcmp(a, b)) || ra != rb || ia != ib) {
            snprintf(msg, sizeof msg, "lookup %.500s differs through the tape", path);
            fail(msg, indexed->json, indexed->json_len);
        }
        const char *want = json_string_value(v);
        if (want && strlen(want) == json_string_length(v) && (!a || strcmp(a, want))) {
            snprintf(msg, sizeof msg, "lookup %.500s: jansson reads a string, get_str %s", path,
                     a ? "another" : "none");
            fail(msg, indexed->json, indexed->json_len);
        }
    }
    if (json_is_object(v)) {
        const char *key;
        json_t *child;
        json_object_foreach(v, key, child) {
            size_t klen = strlen(key);
            if (!klen || strchr(key, '.') || plen + klen + 2 > 512)
                continue; /* not addressable by a dotted path */
            size_t n = plen;
            if (n)
                path[n++] = '.';
            memcpy(path + n, key, klen + 1);
            compare_lookups(indexed, plain, child, path, n + klen, budget);
            path[plen] = '\0';
        }
    } else if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v) && i < 16; i++) {
            int n = snprintf(path + plen, 512 - plen, "%s%zu", plen ? "." : "", i);
            if (n <= 0 || plen + (size_t)n >= 512)
                break;
            compare_lookups(indexed, plain, json_array_get(v, i), path, plen + (size_t)n, budget);
            path[plen] = '\0';
        }
    }
}

/* envelope__event on json[0..len) against jansson's reading of the same bytes. */
static void compare_event(const char *json, size_t len, const char *label)
{
    char *copy = fuzz_exact_copy((const uint8_t *)json, len);
    inner_event ev;
    int rc = envelope__event(copy, len, &ev, &name_buf, &tape_buf);
    json_t *root = json_loadb(copy, len, 0, NULL);
    json_t *name = json_object_get(root, "event");
    char msg[300];
    if (!json_is_string(name)) {
        if (rc != ZWS_E_PROTOCOL) {
            snprintf(msg, sizeof msg, "%s: jansson finds no string \"event\" (%s), envelope__event "
                     "returns %d", label, root ? "object read" : "not JSON", rc);
            fail(msg, copy, len);
        }
        goto out;
    }
    if (rc != 0) {
        snprintf(msg, sizeof msg, "%s: jansson reads event \"%.100s\", envelope__event returns %d",
                 label, json_string_value(name), rc);
        fail(msg, copy, len);
    }
    if (ev.name_len != json_string_length(name) ||
        memcmp(ev.name, json_string_value(name), ev.name_len)) {
        snprintf(msg, sizeof msg, "%s: event name \"%.100s\" (jansson) vs \"%.100s\" (jscan)",
                 label, json_string_value(name), ev.name);
        fail(msg, copy, len);
    }
    json_t *ts = json_object_get(root, "event_ts");
    int64_t want = 0;
    bool escaped_string = false;
    if (json_is_integer(ts)) {
        want = json_integer_value(ts);
    } else if (json_is_string(ts)) {
        if (!ref_int_string(json_string_value(ts), json_string_length(ts), &want))
            want = 0;
        escaped_string = true; /* see fuzz_masked("event-ts-escaped") below */
    }
    if (ev.ts != want) {
        bool masked = escaped_string && fuzz_masked("event-ts-escaped");
        if (!masked) {
            snprintf(msg, sizeof msg, "%s: event_ts %lld (jansson%s) vs %lld (envelope__event)",
                     label, (long long)want, json_is_string(ts) ? ", a string holding an integer"
                                                                : "",
                     (long long)ev.ts);
            fail(msg, copy, len);
        }
    }
    zws_event indexed = {.name = ev.name, .json = copy, .json_len = len, .tape = tape_buf};
    zws_event plain = {.name = ev.name, .json = copy, .json_len = len};
    char path[512] = "";
    int budget = 200;
    compare_lookups(&indexed, &plain, root, path, 0, &budget);
    event__reset(&indexed);
    event__reset(&plain);
out:
    json_decref(root);
    free(copy);
}

static int module_of(json_t *m)
{
    const char *s = json_string_value(m);
    if (!s)
        return MODULE_UNKNOWN;
    size_t n = json_string_length(m);
    if (n == 7 && !memcmp(s, "message", 7)) return MODULE_MESSAGE;
    if (n == 9 && !memcmp(s, "heartbeat", 9)) return MODULE_HEARTBEAT;
    if (n == 16 && !memcmp(s, "build_connection", 16)) return MODULE_BUILD_CONNECTION;
    return MODULE_UNKNOWN;
}

static void compare_envelope(const char *buf, size_t len, json_t *root)
{
    char msg[300];
    envelope env;
    int rc = envelope__parse(buf, len, &env, &scratch);
    if (!json_is_object(root)) {
        if (rc != ZWS_E_PROTOCOL) {
            snprintf(msg, sizeof msg, "jansson: %s, envelope__parse returns %d",
                     root ? "not an object" : "invalid JSON", rc);
            fail(msg, buf, len);
        }
        return;
    }
    if (rc != 0) {
        snprintf(msg, sizeof msg, "jansson reads an object, envelope__parse returns %d", rc);
        fail(msg, buf, len);
    }
    int module = module_of(json_object_get(root, "module"));
    if ((int)env.module != module) {
        snprintf(msg, sizeof msg, "module %d (jansson) vs %d (envelope__parse)", module,
                 (int)env.module);
        fail(msg, buf, len);
    }
    json_t *s = json_object_get(root, "success");
    int success = json_is_true(s) ? 1 : json_is_false(s) ? 0 : -1;
    if (env.success != success) {
        snprintf(msg, sizeof msg, "success %d (jansson) vs %d (envelope__parse)", success,
                 env.success);
        fail(msg, buf, len);
    }
    json_t *c = json_object_get(root, "content");
    if (json_is_string(c)) {
        if (!env.content || env.content_is_object || env.content_len != json_string_length(c) ||
            memcmp(env.content, json_string_value(c), env.content_len)) {
            snprintf(msg, sizeof msg, "string content: %zu bytes (jansson) vs %s %zu bytes",
                     json_string_length(c), env.content ? "" : "none,", env.content_len);
            fail(msg, buf, len);
        }
    } else if (json_is_object(c)) {
        json_t *mine = env.content && env.content_is_object
                           ? json_loadb(env.content, env.content_len, 0, NULL)
                           : NULL;
        bool eq = mine && json_equal(mine, c);
        json_decref(mine);
        if (!eq)
            fail("object content: jansson's object and envelope__parse's copy differ", buf, len);
    } else if (env.content) {
        fail("envelope__parse found a content where jansson has none (or not string/object)", buf,
             len);
    }
    if (env.content) {
        /* scratch is reused by the next envelope__parse: compare from a copy */
        char *content = fuzz_exact_copy((const uint8_t *)env.content, env.content_len);
        compare_event(content, env.content_len, "content");
        free(content);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data; /* libFuzzer's copy is exactly size bytes */
    json_error_t err;
    json_t *root = json_loadb(buf, size, 0, &err);
    bool want = root != NULL, got = jscan_accepts(buf, size);
    if (want && !got && nul_quirk(buf, size, false)) {
        json_decref(root);
        return 0;
    }
    if (want != got) {
        char msg[300];
        snprintf(msg, sizeof msg, "top level: jansson %s%s%s, jscan %s", want ? "accepts" : "rejects",
                 want ? "" : ": ", want ? "" : err.text, got ? "accepts" : "rejects");
        fail(msg, buf, size);
    }
    json_t *any = json_loadb(buf, size, JSON_DECODE_ANY, &err);
    want = any != NULL, got = jscan_accepts_any(buf, size);
    json_decref(any);
    if (want && !got && nul_quirk(buf, size, true))
        want = false;
    if (want != got) {
        char msg[300];
        snprintf(msg, sizeof msg, "any value: jansson %s%s%s, jscan %s",
                 want ? "accepts" : "rejects", want ? "" : ": ", want ? "" : err.text,
                 got ? "accepts" : "rejects");
        fail(msg, buf, size);
    }
    compare_envelope(buf, size, root);
    compare_event(buf, size, "input");
    json_decref(root);
    return 0;
}
