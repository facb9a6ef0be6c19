/* dispatch.c: handler patterns, order, and changes made from inside handlers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

/* ------------------------------------------------------------ recording handlers */

static char calls[64][32]; /* tags of the handlers that ran, in order */
static int ncalls;

typedef struct action {
    const char *tag;
    handler_table *t;
    int remove_id;            /* remove this handler id when run (0: none) */
    int remove_rc;            /* what dispatch__remove returned */
    const char *add_pattern;  /* add a handler when run (NULL: none) */
    struct action *add_user;
    int added_id;
    int runs;
    char seen_name[64];
    int64_t seen_ts;
    zws_client *seen_client;
} action;

static void record(zws_client *c, const zws_event *ev, void *user)
{
    action *a = user;
    a->runs++;
    snprintf(a->seen_name, sizeof a->seen_name, "%s", zws_event_name(ev));
    a->seen_ts = zws_event_ts(ev);
    a->seen_client = c;
    if (ncalls < 64)
        snprintf(calls[ncalls++], sizeof calls[0], "%s", a->tag);
    if (a->remove_id)
        a->remove_rc = dispatch__remove(a->t, a->remove_id);
    if (a->add_pattern)
        a->added_id = dispatch__add(a->t, a->add_pattern, record, a->add_user);
}

static void reset_calls(void)
{
    ncalls = 0;
    memset(calls, 0, sizeof calls);
}

static void run(handler_table *t, const char *name)
{
    zws_event ev = {.name = name, .ts = 1, .json = "{}", .json_len = 2};
    reset_calls();
    dispatch__run(t, NULL, &ev);
    event__reset(&ev);
}

static void expect_calls(const char *const *tags, int n)
{
    if (ncalls != n) {
        for (int i = 0; i < ncalls; i++)
            print_error("  call %d: %s\n", i, calls[i]);
    }
    assert_int_equal(ncalls, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(calls[i], tags[i]);
}
#define EXPECT(...)                                                                              \
    do {                                                                                         \
        static const char *const want_[] = {__VA_ARGS__};                                        \
        expect_calls(want_, (int)(sizeof want_ / sizeof want_[0]));                              \
    } while (0)
#define EXPECT_NONE() expect_calls(NULL, 0)

/* ------------------------------------------------------------ matching */

static bool matches(const char *pattern, const char *name)
{
    handler_table t = {0};
    action a = {.tag = "x"};
    int id = dispatch__add(&t, pattern, record, &a);
    assert_true(id > 0);
    bool m = dispatch__matches(&t.items[0], name, strlen(name));
    dispatch__free(&t);
    return m;
}

static void test_exact(void **state)
{
    (void)state;
    assert_true(matches("meeting.started", "meeting.started"));
    assert_false(matches("meeting.started", "meeting.ended"));
    assert_false(matches("meeting.started", "meeting.started.x"));
    assert_false(matches("meeting.started", "meeting.starte"));
    assert_false(matches("meeting.started", "Meeting.started"));
    assert_false(matches("meeting.started", ""));
}

static void test_prefix(void **state)
{
    (void)state;
    assert_true(matches("meeting.*", "meeting.started"));
    assert_true(matches("meeting.*", "meeting.participant_joined"));
    assert_true(matches("meeting.*", "meeting."));
    assert_false(matches("meeting.*", "meeting"));
    assert_false(matches("meeting.*", "meetings"));
    assert_false(matches("meeting.*", "meetingX"));
    assert_false(matches("meeting.*", "meetings.started"));
    assert_false(matches("meeting.*", "recording.completed"));
    assert_false(matches("meeting.*", "webinar.meeting.started"));
    assert_false(matches("meeting.*", ""));
    assert_true(matches("meeting.participant_*", "meeting.participant_joined"));
    assert_false(matches("meeting.participant_*", "meeting.started"));
    /* a prefix without a dot is a plain prefix */
    assert_true(matches("meet*", "meetings"));
}

static void test_all(void **state)
{
    (void)state;
    assert_true(matches("*", "meeting.started"));
    assert_true(matches("*", "x"));
    assert_true(matches("*", ""));
}

static void test_invalid_patterns(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "x"};
    assert_int_equal(dispatch__add(&t, "", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, NULL, record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "a*b", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "*x", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "**", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "meeting.**", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "*.started", record, &a), ZWS_E_INVALID);
    assert_int_equal(dispatch__add(&t, "meeting.started", NULL, &a), ZWS_E_INVALID);
    assert_int_equal(t.count, 0);
    /* a NULL user pointer is fine */
    assert_true(dispatch__add(&t, "x", record, NULL) > 0);
    dispatch__free(&t);
}

/* ------------------------------------------------------------ running */

static void test_order_and_matching_run(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "all"}, b = {.tag = "meeting.*"}, c = {.tag = "exact"},
           d = {.tag = "recording.*"}, e = {.tag = "all2"};
    assert_true(dispatch__add(&t, "*", record, &a) > 0);
    assert_true(dispatch__add(&t, "meeting.*", record, &b) > 0);
    assert_true(dispatch__add(&t, "meeting.started", record, &c) > 0);
    assert_true(dispatch__add(&t, "recording.*", record, &d) > 0);
    assert_true(dispatch__add(&t, "*", record, &e) > 0);

    run(&t, "meeting.started");
    EXPECT("all", "meeting.*", "exact", "all2");
    run(&t, "meeting.ended");
    EXPECT("all", "meeting.*", "all2");
    run(&t, "recording.completed");
    EXPECT("all", "recording.*", "all2");
    run(&t, "user.created");
    EXPECT("all", "all2");
    assert_null(b.seen_client); /* the client pointer is passed through */
    assert_string_equal(b.seen_name, "meeting.ended");
    assert_string_equal(a.seen_name, "user.created");
    assert_int_equal(a.seen_ts, 1);
    dispatch__free(&t);
    assert_int_equal(t.count, 0);
    assert_null(t.items);
}

static void test_same_handler_twice(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a"};
    int id1 = dispatch__add(&t, "x", record, &a);
    int id2 = dispatch__add(&t, "x", record, &a);
    assert_true(id1 > 0 && id2 > 0 && id1 != id2);
    run(&t, "x");
    EXPECT("a", "a");
    assert_int_equal(dispatch__remove(&t, id1), 0);
    run(&t, "x");
    EXPECT("a");
    dispatch__free(&t);
}

static void test_remove(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a"}, b = {.tag = "b"}, c = {.tag = "c"};
    int ia = dispatch__add(&t, "*", record, &a);
    int ib = dispatch__add(&t, "*", record, &b);
    int ic = dispatch__add(&t, "*", record, &c);
    assert_int_equal(dispatch__remove(&t, ib), 0);
    run(&t, "e");
    EXPECT("a", "c");
    /* removing twice, unknown ids */
    assert_int_equal(dispatch__remove(&t, ib), ZWS_E_NOT_FOUND);
    assert_int_equal(dispatch__remove(&t, 0), ZWS_E_NOT_FOUND);
    assert_int_equal(dispatch__remove(&t, -1), ZWS_E_NOT_FOUND);
    assert_int_equal(dispatch__remove(&t, 12345), ZWS_E_NOT_FOUND);
    assert_int_equal(dispatch__remove(&t, ia), 0);
    assert_int_equal(dispatch__remove(&t, ic), 0);
    assert_int_equal(t.count, 0);
    run(&t, "e");
    EXPECT_NONE();
    /* the table still works after being emptied */
    assert_true(dispatch__add(&t, "e", record, &a) > 0);
    run(&t, "e");
    EXPECT("a");
    dispatch__free(&t);
    /* removing from an empty table */
    assert_int_equal(dispatch__remove(&t, 1), ZWS_E_NOT_FOUND);
}

static void test_ids_unique(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a"};
    enum { N = 300 };
    static int ids[N];
    for (int i = 0; i < N; i++) {
        ids[i] = dispatch__add(&t, (i % 3) ? "x.*" : "*", record, &a);
        assert_true(ids[i] > 0);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(ids[i], ids[j]);
        /* remove some as we go: ids are never reused */
        if (i % 4 == 0)
            assert_int_equal(dispatch__remove(&t, ids[i]), 0);
    }
    /* an id that was removed stays unknown even after more additions */
    int again = dispatch__add(&t, "y", record, &a);
    for (int j = 0; j < N; j++)
        assert_int_not_equal(again, ids[j]);
    assert_int_equal(dispatch__remove(&t, ids[0]), ZWS_E_NOT_FOUND);
    dispatch__free(&t);
}

/* ------------------------------------------------------------ changes from handlers */

static void test_remove_later_handler_from_handler(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a", .t = &t}, b = {.tag = "b"}, c = {.tag = "c"};
    dispatch__add(&t, "*", record, &a);
    int ib = dispatch__add(&t, "*", record, &b);
    dispatch__add(&t, "*", record, &c);
    a.remove_id = ib;
    run(&t, "e");
    EXPECT("a", "c"); /* b was removed by an earlier handler of the same event */
    assert_int_equal(a.remove_rc, 0);
    assert_int_equal(b.runs, 0);
    a.remove_id = 0;
    run(&t, "e");
    EXPECT("a", "c");
    dispatch__free(&t);
}

static void test_remove_self_and_earlier_from_handler(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a"}, b = {.tag = "b", .t = &t}, c = {.tag = "c"};
    int ia = dispatch__add(&t, "*", record, &a);
    int ib = dispatch__add(&t, "*", record, &b);
    dispatch__add(&t, "*", record, &c);
    b.remove_id = ib; /* removes itself */
    run(&t, "e");
    EXPECT("a", "b", "c");
    assert_int_equal(b.remove_rc, 0);
    run(&t, "e");
    EXPECT("a", "c");
    /* c removes the (earlier, already run) a */
    c.t = &t;
    c.remove_id = ia;
    run(&t, "e");
    EXPECT("a", "c");
    assert_int_equal(c.remove_rc, 0);
    c.remove_id = 0;
    run(&t, "e");
    EXPECT("c");
    dispatch__free(&t);
}

static void test_remove_twice_from_handler(void **state)
{
    (void)state;
    handler_table t = {0};
    action a = {.tag = "a", .t = &t}, b = {.tag = "b", .t = &t}, c = {.tag = "c"};
    dispatch__add(&t, "*", record, &a);
    dispatch__add(&t, "*", record, &b);
    int ic = dispatch__add(&t, "*", record, &c);
    a.remove_id = ic;
    b.remove_id = ic; /* already removed (deferred): not found */
    run(&t, "e");
    EXPECT("a", "b");
    assert_int_equal(a.remove_rc, 0);
    assert_int_equal(b.remove_rc, ZWS_E_NOT_FOUND);
    dispatch__free(&t);
}

static void test_add_from_handler(void **state)
{
    (void)state;
    handler_table t = {0};
    action n = {.tag = "new"};
    action a = {.tag = "a", .t = &t, .add_pattern = "*", .add_user = &n};
    action b = {.tag = "b"};
    dispatch__add(&t, "*", record, &a);
    int ib = dispatch__add(&t, "*", record, &b);
    run(&t, "e");
    EXPECT("a", "b"); /* the new handler does not see the current event */
    assert_true(a.added_id > 0);
    assert_int_not_equal(a.added_id, ib);
    a.add_pattern = NULL;
    run(&t, "e");
    EXPECT("a", "b", "new"); /* ...but sees the next */
    dispatch__free(&t);
}

static void test_add_many_from_handler_grows_table(void **state)
{
    (void)state;
    /* adding from a handler reallocates the table while it is being walked */
    handler_table t = {0};
    action n = {.tag = "n"};
    action a = {.tag = "a", .t = &t, .add_pattern = "*", .add_user = &n};
    action b = {.tag = "b"};
    dispatch__add(&t, "*", record, &a);
    dispatch__add(&t, "*", record, &b);
    for (int i = 0; i < 40; i++) {
        run(&t, "e");
        assert_int_equal(ncalls, i + 2 < 64 ? i + 2 : 64);
        assert_string_equal(calls[0], "a");
        assert_string_equal(calls[1], "b");
    }
    assert_int_equal(t.count, 42);
    dispatch__free(&t);
}

static void test_add_and_remove_same_event(void **state)
{
    (void)state;
    handler_table t = {0};
    action n = {.tag = "new"};
    action a = {.tag = "a", .t = &t, .add_pattern = "e", .add_user = &n};
    action b = {.tag = "b", .t = &t};
    action c = {.tag = "c"};
    dispatch__add(&t, "*", record, &a);
    dispatch__add(&t, "*", record, &b);
    int ic = dispatch__add(&t, "*", record, &c);
    b.remove_id = ic;
    run(&t, "e");
    EXPECT("a", "b");
    /* the handler added in the same event is found and removable; ids unique */
    assert_true(a.added_id > 0);
    assert_int_not_equal(a.added_id, ic);
    a.add_pattern = NULL;
    b.remove_id = 0;
    run(&t, "e");
    EXPECT("a", "b", "new");
    assert_int_equal(dispatch__remove(&t, a.added_id), 0);
    run(&t, "e");
    EXPECT("a", "b");
    dispatch__free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_prefix),
        cmocka_unit_test(test_all),
        cmocka_unit_test(test_invalid_patterns),
        cmocka_unit_test(test_order_and_matching_run),
        cmocka_unit_test(test_same_handler_twice),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_ids_unique),
        cmocka_unit_test(test_remove_later_handler_from_handler),
        cmocka_unit_test(test_remove_self_and_earlier_from_handler),
        cmocka_unit_test(test_remove_twice_from_handler),
        cmocka_unit_test(test_add_from_handler),
        cmocka_unit_test(test_add_many_from_handler_grows_table),
        cmocka_unit_test(test_add_and_remove_same_event),
    };
    return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
