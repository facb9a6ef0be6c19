/* event.c: the public zws_event_* accessors, the cached tree, copies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static const char RECORDING[] =
    "{\"event\":\"recording.completed\",\"event_ts\":1694539182464,\"download_token\":\"dt\","
    "\"payload\":{\"account_id\":\"acc\",\"object\":{\"id\":85123456789,\"uuid\":\"u==\","
    "\"topic\":\"Weekly caf\\u00e9 \\\"sync\\\"\",\"host_id\":\"\",\"duration\":\"45\","
    "\"big\":\"9223372036854775807\",\"neg\":-12,\"real\":1.5,\"flag\":true,\"none\":null,"
    "\"str_id\":\"85123456789\",\"bad_id\":\"85x\",\"over\":\"9223372036854775808\","
    "\"recording_files\":[{\"file_type\":\"MP4\",\"file_size\":1024},"
    "{\"file_type\":\"M4A\",\"download_url\":\"https://x/y\"}],"
    "\"a.b\":\"dotted\"}}}";

/* The lookup tests run twice: on the raw JSON alone (as for a copied event)
 * and through the tape the receive path records; both must give the same
 * answers. */
static bool g_indexed;
static jscan_tape g_indexes[8];
static size_t g_nindexes;

static zws_event make(const char *name, const char *json)
{
    zws_event ev = {.name = name, .ts = 1694539182464LL, .json = json, .json_len = strlen(json)};
    if (g_indexed && g_nindexes < sizeof g_indexes / sizeof g_indexes[0]) {
        jscan_tape *idx = &g_indexes[g_nindexes++];
        inner_event inner;
        zbuf name_buf = {0};
        if (envelope__event(json, ev.json_len, &inner, &name_buf, idx) == 0)
            ev.tape = *idx;
        zbuf__free(&name_buf);
    }
    return ev;
}

static int use_index(void **state)
{
    (void)state;
    g_indexed = true;
    return 0;
}

static int drop_indexes(void **state)
{
    (void)state;
    for (size_t i = 0; i < g_nindexes; i++)
        jtape__free(&g_indexes[i]);
    g_nindexes = 0;
    g_indexed = false;
    return 0;
}

static void test_tape_records_values(void **state)
{
    (void)state;
    use_index(NULL);
    zws_event ev = make("recording.completed", RECORDING);
    const jscan_tape *t = &ev.tape;
    assert_true(jtape__covers(t, RECORDING));
    assert_false(jtape__covers(t, "{}")); /* another document */
    /* the root spans the document; its members are event, event_ts, download_token, payload */
    assert_int_equal(t->v[0].start, 0);
    assert_int_equal(t->v[0].end, strlen(RECORDING));
    assert_int_equal(t->v[0].next, t->n);
    size_t members = 0;
    for (size_t c = 1; c < t->v[0].next; c = t->v[c].next)
        members++;
    assert_int_equal(members, 4);
    size_t payload = jtape__member(t, 0, "payload", 7);
    assert_int_not_equal(payload, SIZE_MAX);
    assert_int_equal(RECORDING[t->v[payload].start], '{');
    assert_int_equal(RECORDING[t->v[payload].end - 1], '}');
    size_t object = jtape__member(t, payload, "object", 6);
    size_t files = jtape__member(t, object, "recording_files", 15);
    assert_int_equal(RECORDING[t->v[files].start], '[');
    size_t second = jtape__element(t, files, 1);
    assert_int_not_equal(second, SIZE_MAX);
    assert_int_equal(jtape__element(t, files, 2), SIZE_MAX);
    assert_int_equal(jtape__element(t, payload, 0), SIZE_MAX); /* not an array */
    assert_int_equal(jtape__member(t, files, "x", 1), SIZE_MAX); /* not an object */
    size_t url = jtape__member(t, second, "download_url", 12);
    assert_memory_equal(RECORDING + t->v[url].start, "\"https://x/y\"", 13);
    /* an escaped key is compared decoded */
    assert_int_not_equal(jtape__member(t, object, "topic", 5), SIZE_MAX);
    drop_indexes(NULL);
}

static void test_tape_limit_falls_back_to_scanning(void **state)
{
    (void)state;
    /* more values than a tape holds: no tape, and lookups still answer */
    size_t n = JSCAN_TAPE_MAX + 10, len = 0;
    char *json = malloc(32 + 2 * n);
    len += (size_t)sprintf(json, "{\"event\":\"x\",\"a\":[");
    for (size_t i = 0; i + 1 < n; i++)
        json[len++] = '1', json[len++] = ',';
    sprintf(json + len, "7]}");
    use_index(NULL);
    zws_event ev = make("x", json);
    assert_false(jtape__covers(&ev.tape, json));
    int64_t v = 0;
    assert_int_equal(zws_event_get_int(&ev, "a.0", &v), 0);
    assert_int_equal(v, 1);
    char path[32];
    snprintf(path, sizeof path, "a.%zu", n - 1);
    assert_int_equal(zws_event_get_int(&ev, path, &v), 0);
    assert_int_equal(v, 7);
    event__reset(&ev);
    drop_indexes(NULL);
    free(json);
}

static void test_basic_accessors(void **state)
{
    (void)state;
    zws_event ev = make("recording.completed", RECORDING);
    assert_string_equal(zws_event_name(&ev), "recording.completed");
    assert_int_equal(zws_event_ts(&ev), 1694539182464LL);
    assert_ptr_equal(zws_event_json(&ev), RECORDING);
    assert_int_equal(zws_event_json_len(&ev), strlen(RECORDING));
    /* these never build the tree */
    assert_null(ev.tree);
    event__reset(&ev);
}

static void test_get_str(void **state)
{
    (void)state;
    zws_event ev = make("recording.completed", RECORDING);
    assert_string_equal(zws_event_get_str(&ev, "payload.object.topic"), "Weekly caf\xc3\xa9 \"sync\"");
    assert_string_equal(zws_event_get_str(&ev, "event"), "recording.completed");
    assert_string_equal(zws_event_get_str(&ev, "download_token"), "dt");
    assert_string_equal(zws_event_get_str(&ev, "payload.account_id"), "acc");
    assert_string_equal(zws_event_get_str(&ev, "payload.object.host_id"), "");
    assert_string_equal(zws_event_get_str(&ev, "payload.object.recording_files.0.file_type"), "MP4");
    assert_string_equal(zws_event_get_str(&ev, "payload.object.recording_files.1.file_type"), "M4A");
    assert_string_equal(zws_event_get_str(&ev, "payload.object.recording_files.1.download_url"),
                        "https://x/y");
    /* missing, out of range, wrong type, bad index */
    assert_null(zws_event_get_str(&ev, "payload.object.missing"));
    assert_null(zws_event_get_str(&ev, "payload.object.recording_files.2.file_type"));
    assert_null(zws_event_get_str(&ev, "payload.object.recording_files.x.file_type"));
    assert_null(zws_event_get_str(&ev, "payload.object.recording_files.-1.file_type"));
    assert_null(zws_event_get_str(&ev, "payload.object.recording_files.1x.file_type"));
    assert_null(zws_event_get_str(&ev, "payload.object.id"));    /* a number */
    assert_null(zws_event_get_str(&ev, "payload.object"));       /* an object */
    assert_null(zws_event_get_str(&ev, "payload.object.none"));  /* null */
    assert_null(zws_event_get_str(&ev, "payload.object.topic.x")); /* below a string */
    assert_null(zws_event_get_str(&ev, "payload.object.a.b"));   /* keys with dots can't be reached */
    assert_null(zws_event_get_str(&ev, ""));
    assert_null(zws_event_get_str(&ev, NULL));
    assert_null(zws_event_get_str(NULL, "event"));
    /* a path component longer than any key */
    char longp[600];
    memset(longp, 'k', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    assert_null(zws_event_get_str(&ev, longp));
    event__reset(&ev);
}

static void test_get_int(void **state)
{
    (void)state;
    zws_event ev = make("recording.completed", RECORDING);
    int64_t v = 0;
    assert_int_equal(zws_event_get_int(&ev, "payload.object.id", &v), 0);
    assert_int_equal(v, 85123456789LL);
    assert_int_equal(zws_event_get_int(&ev, "event_ts", &v), 0);
    assert_int_equal(v, 1694539182464LL);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.neg", &v), 0);
    assert_int_equal(v, -12);
    /* id drift: a string holding an integer */
    v = 0;
    assert_int_equal(zws_event_get_int(&ev, "payload.object.str_id", &v), 0);
    assert_int_equal(v, 85123456789LL);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.duration", &v), 0);
    assert_int_equal(v, 45);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.big", &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.recording_files.0.file_size", &v), 0);
    assert_int_equal(v, 1024);
    /* not found */
    assert_int_equal(zws_event_get_int(&ev, "payload.object.nope", &v), ZWS_E_NOT_FOUND);
    assert_int_equal(zws_event_get_int(&ev, "payload.nope.id", &v), ZWS_E_NOT_FOUND);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.recording_files.9.file_size", &v),
                     ZWS_E_NOT_FOUND);
    /* wrong type */
    v = 77;
    assert_int_equal(zws_event_get_int(&ev, "payload.object.topic", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.bad_id", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.over", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.real", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.flag", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.recording_files", &v), ZWS_E_TYPE);
    assert_int_equal(zws_event_get_int(&ev, "payload.object.host_id", &v), ZWS_E_TYPE); /* "" */
    assert_int_equal(v, 77); /* untouched on failure */
    /* NULL arguments */
    assert_int_equal(zws_event_get_int(NULL, "event_ts", &v), ZWS_E_INVALID);
    assert_int_equal(zws_event_get_int(&ev, NULL, &v), ZWS_E_INVALID);
    assert_int_equal(zws_event_get_int(&ev, "event_ts", NULL), ZWS_E_INVALID);
    event__reset(&ev);
}

static void test_payload_cached(void **state)
{
    (void)state;
    zws_event ev = make("recording.completed", RECORDING);
    json_t *p1 = zws_event_payload(&ev);
    assert_non_null(p1);
    assert_true(json_is_object(p1));
    assert_string_equal(json_string_value(json_object_get(p1, "account_id")), "acc");
    assert_non_null(ev.tree);
    json_t *tree = ev.tree;
    json_t *p2 = zws_event_payload(&ev);
    assert_ptr_equal(p1, p2); /* the same tree, not a second parse */
    assert_ptr_equal(ev.tree, tree);
    /* getters scan the raw JSON: they neither need nor disturb the tree */
    assert_string_equal(zws_event_get_str(&ev, "payload.account_id"), "acc");
    assert_ptr_equal(ev.tree, tree);
    event__reset(&ev);
    assert_null(ev.tree);
    const char *s1 = zws_event_get_str(&ev, "payload.object.topic");
    const char *s2 = zws_event_get_str(&ev, "payload.object.topic");
    assert_null(ev.tree); /* the hot path builds no tree */
    assert_non_null(s1);
    assert_string_equal(s1, s2); /* both stay valid until the event ends */
    event__reset(&ev);
    assert_null(ev.strings);
    /* a second reset is harmless; the tree is rebuilt on demand */
    event__reset(&ev);
    assert_non_null(zws_event_payload(&ev));
    assert_non_null(ev.tree);
    event__reset(&ev);
    assert_null(ev.tree);
}

static void test_payload_absent_or_unparsable(void **state)
{
    (void)state;
    zws_event ev = make("x.y", "{\"event\":\"x.y\"}");
    assert_null(zws_event_payload(&ev));
    event__reset(&ev);

    ev = make("x.y", "{\"event\":\"x.y\",\"payload\":[1,2]}");
    json_t *p = zws_event_payload(&ev);
    assert_non_null(p);
    assert_true(json_is_array(p));
    event__reset(&ev);

    ev = make("x.y", "{\"event\":\"x.y\",\"payload\":");
    assert_null(zws_event_payload(&ev));
    assert_null(zws_event_get_str(&ev, "event"));
    int64_t v;
    assert_int_equal(zws_event_get_int(&ev, "event", &v), ZWS_E_NOT_FOUND);
    event__reset(&ev);

    assert_null(zws_event_payload(NULL));
    assert_null(zws_event_name(NULL));
    assert_int_equal(zws_event_ts(NULL), 0);
    assert_null(zws_event_json(NULL));
    assert_int_equal(zws_event_json_len(NULL), 0);
}

static void test_json_len_bounds_parse(void **state)
{
    (void)state;
    /* json_len bounds the parse: bytes after it are not the event's */
    const char text[] = "{\"event\":\"a.b\",\"payload\":{\"k\":\"v\"}}GARBAGE";
    zws_event ev = {.name = "a.b", .json = text, .json_len = sizeof text - 1 - 7};
    assert_string_equal(zws_event_get_str(&ev, "payload.k"), "v");
    event__reset(&ev);
}

static void test_copy_outlives_original(void **state)
{
    (void)state;
    char *name = strdup("recording.completed");
    char *json = strdup(RECORDING);
    assert_non_null(name);
    assert_non_null(json);
    zws_event ev = {.name = name, .ts = 42, .json = json, .json_len = strlen(json)};
    /* the original already has a tree: the copy must not share it */
    assert_non_null(zws_event_payload(&ev));

    zws_event *copy = zws_event_copy(&ev);
    assert_non_null(copy);
    assert_ptr_not_equal(copy->tree, ev.tree);

    /* destroy the original completely */
    event__reset(&ev);
    memset(json, 'X', strlen(json));
    memset(name, 'Y', strlen(name));
    free(json);
    free(name);

    assert_string_equal(zws_event_name(copy), "recording.completed");
    assert_int_equal(zws_event_ts(copy), 42);
    assert_int_equal(zws_event_json_len(copy), strlen(RECORDING));
    assert_string_equal(zws_event_json(copy), RECORDING); /* NUL-terminated */
    assert_string_equal(zws_event_get_str(copy, "payload.object.recording_files.1.file_type"), "M4A");
    int64_t v;
    assert_int_equal(zws_event_get_int(copy, "payload.object.str_id", &v), 0);
    assert_int_equal(v, 85123456789LL);
    json_t *p = zws_event_payload(copy);
    assert_non_null(p);
    assert_ptr_equal(zws_event_payload(copy), p);

    /* a copy of a copy */
    zws_event *copy2 = zws_event_copy(copy);
    assert_non_null(copy2);
    zws_event_free(copy);
    assert_string_equal(zws_event_get_str(copy2, "payload.account_id"), "acc");
    assert_string_equal(zws_event_name(copy2), "recording.completed");
    zws_event_free(copy2);
}

static void test_copy_non_terminated_json(void **state)
{
    (void)state;
    /* the source json need not be NUL-terminated at json_len; the copy is */
    char buf[64];
    memset(buf, '#', sizeof buf);
    memcpy(buf, "{\"event\":\"a\"}", 13);
    zws_event ev = {.name = "a", .json = buf, .json_len = 13};
    zws_event *copy = zws_event_copy(&ev);
    assert_non_null(copy);
    assert_int_equal(zws_event_json_len(copy), 13);
    assert_string_equal(zws_event_json(copy), "{\"event\":\"a\"}");
    assert_string_equal(zws_event_get_str(copy, "event"), "a");
    zws_event_free(copy);
}

static void test_copy_free_null_and_borrowed(void **state)
{
    (void)state;
    assert_null(zws_event_copy(NULL));
    zws_event_free(NULL);
    /* freeing a borrowed (not copied) event does nothing */
    zws_event ev = make("a", "{}");
    zws_event_free(&ev);
    assert_string_equal(zws_event_name(&ev), "a");
    event__reset(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_accessors),
        cmocka_unit_test(test_get_str),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test_setup_teardown(test_get_str, use_index, drop_indexes),
        cmocka_unit_test_setup_teardown(test_get_int, use_index, drop_indexes),
        cmocka_unit_test_setup_teardown(test_payload_absent_or_unparsable, use_index, drop_indexes),
        cmocka_unit_test(test_tape_records_values),
        cmocka_unit_test(test_tape_limit_falls_back_to_scanning),
        cmocka_unit_test(test_payload_cached),
        cmocka_unit_test(test_payload_absent_or_unparsable),
        cmocka_unit_test(test_json_len_bounds_parse),
        cmocka_unit_test(test_copy_outlives_original),
        cmocka_unit_test(test_copy_non_terminated_json),
        cmocka_unit_test(test_copy_free_null_and_borrowed),
    };
    return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
