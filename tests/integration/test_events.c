/* Events over real TLS on loopback: delivered complete and in order, whatever
 * the framing, and the connection survives what it must survive. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* EVENTS_COUNT (default 10,000) events, one connection, each exactly once and
 * in order; `make soak` runs it with 1,000,000. */
static void ten_thousand_events_in_order(void **state)
{
    (void)state;
    int n = getenv("EVENTS_COUNT") ? atoi(getenv("EVENTS_COUNT")) : 10000;
    char path[] = "/tmp/zws-events-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_true(write_events_file(path, n));
    mock m;
    assert_true(mock_start(&m, "--events", path, "--rate", "0", NULL));
    zws_client *c = client_for(&m);
    event_log events = {0};
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_true(zws_client_on(c, "meeting.*", record_event, &events) > 0);
    assert_int_equal(zws_client_connect(c), 0);
    wait_events w = {&events, n};
    int64_t t0 = now_ms();
    assert_true(run_until(c, has_events, &w, 60000 + n / 10));
    print_message("  %d events in %lld ms\n", n, (long long)(now_ms() - t0));
    run_for(c, 50); /* nothing more, no duplicate, arrives */
    assert_int_equal(events.count, n);
    assert_int_equal(events.seqs_in_order, n); /* every one, each exactly after the last */
    assert_int_equal(events.last_seq, n);
    assert_string_equal(events.last_name, "meeting.participant_joined");
    assert_int_equal(events.last_ts, 1700000000000LL + n);
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 1); /* one connection did it all */
    assert_int_equal(mock_stat(&m, "events_sent"), n);
    zws_client_free(c);
    mock_stop(&m);
    unlink(path);
}

/* Events flow at a steady rate; the server drops the connection mid-stream.
 * Every event sent while connected arrives (in order, once); the ones played
 * during the gap are lost, as with Zoom, and the gap is reported. */
static void nothing_sent_is_lost_across_a_reconnect(void **state)
{
    (void)state;
    char path[] = "/tmp/zws-events-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_true(write_events_file(path, 600));
    mock m;
    assert_true(mock_start(&m, "--events", path, "--rate", "400", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_BASE_MS, 200); /* make a real gap */
    event_log events = {0};
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    zws_client_on(c, "*", record_event, &events);
    assert_int_equal(zws_client_connect(c), 0);
    wait_events some = {&events, 100};
    assert_true(run_until(c, has_events, &some, 10000));
    /* a drop that the client sees as an abrupt close, twice: the second
     * reconnect waits for the backoff, so events are played meanwhile */
    assert_int_equal(mock_control(&m, "POST", "/_mock/drop", NULL), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    assert_int_equal(mock_control(&m, "POST", "/_mock/drop", NULL), 200);
    int64_t t0 = now_ms();
    while (mock_stat(&m, "playback_done") != 1 && now_ms() - t0 < 20000)
        run_for(c, 50);
    run_for(c, 200);
    int64_t sent = mock_stat(&m, "events_sent"), lost = mock_stat(&m, "events_lost");
    print_message("  sent %lld, lost during gaps %lld, received %d\n", (long long)sent,
                  (long long)lost, events.count);
    assert_int_equal(events.count, sent);      /* everything sent while connected */
    assert_int_equal(sent + lost, 600);         /* the rest fell into the gaps */
    assert_int_equal(events.out_of_order, 0);  /* in order, none twice */
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 3);
    int o = last_state(&states, ZWS_STATE_OPEN);
    assert_true(states.t[o].gap_ms > 0);
    assert_true(states.t[o].lost_at_ms > 0);
    zws_client_free(c);
    mock_stop(&m);
    unlink(path);
}

/* A stop requested in the middle of a flood takes effect within one read
 * budget (256 KiB), not when the stream happens to pause. */
static int flood_seen, flood_at_stop;
static void stop_at_2000(zws_client *c, const zws_event *ev, void *u)
{
    (void)ev, (void)u;
    if (++flood_seen == 2000) {
        flood_at_stop = flood_seen;
        zws_client_stop(c);
    }
}

static void stop_is_prompt_during_a_flood(void **state)
{
    (void)state;
    char path[] = "/tmp/zws-events-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_true(write_events_file(path, 100000));
    mock m;
    assert_true(mock_start(&m, "--events", path, "--rate", "0", NULL));
    zws_client *c = client_for(&m);
    flood_seen = 0;
    zws_client_on(c, "*", stop_at_2000, NULL);
    assert_int_equal(zws_client_run(c), 0);
    print_message("  stop requested at event %d, %d more delivered before CLOSED\n",
                  flood_at_stop, flood_seen - flood_at_stop);
    assert_true(flood_seen - flood_at_stop < 1000); /* ~256 KiB of ~0.9 KB events at most */
    assert_true(mock_stat(&m, "events_sent") < 100000); /* the flood was cut short */
    zws_client_free(c);
    mock_stop(&m);
    unlink(path);
}

static const char *handler_order[8];
static int handler_calls;
static void h_first(zws_client *c, const zws_event *ev, void *u) { (void)c, (void)ev; handler_order[handler_calls++] = u; }

static void handlers_by_pattern_in_registration_order(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    handler_calls = 0;
    zws_client_on(c, "*", h_first, "all");
    zws_client_on(c, "recording.completed", h_first, "exact-other");
    zws_client_on(c, "meeting.*", h_first, "prefix");
    zws_client_on(c, "meeting.started", h_first, "exact");
    int off = zws_client_on(c, "meeting.started", h_first, "removed");
    assert_int_equal(zws_client_off(c, off), 0);
    assert_int_equal(zws_client_off(c, off), ZWS_E_NOT_FOUND);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_control(&m, "POST", "/_mock/events",
                                  "{\"event\":\"meeting.started\",\"event_ts\":1,\"payload\":{}}\n"),
                     200);
    int64_t t0 = now_ms();
    while (handler_calls < 3 && now_ms() - t0 < 10000)
        run_for(c, 20);
    run_for(c, 100);
    assert_int_equal(handler_calls, 3);
    assert_string_equal(handler_order[0], "all");
    assert_string_equal(handler_order[1], "prefix");
    assert_string_equal(handler_order[2], "exact");
    zws_client_free(c);
    mock_stop(&m);
}

/* Fragmented messages, pings, junk: the connection stays up and later events arrive. */
static void survives_fragments_pings_and_junk(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    event_log events = {0};
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    zws_client_on(c, "*", record_event, &events);
    assert_true(connect_and_open(c));

    const char *fragmented = "{\"module\":\"message\",\"content\":\"{\\\"event\\\":\\\"meeting.ended\\\","
                             "\\\"event_ts\\\":42,\\\"payload\\\":{\\\"object\\\":{\\\"seq\\\":1}}}\"}";
    assert_int_equal(mock_control(&m, "POST", "/_mock/send?fragments=7", fragmented), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/ping", NULL), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", "not json at all"), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", "{\"module\":\"brand_new\",\"x\":1}"), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", "{\"module\":\"message\",\"content\":\"{broken\"}"), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", "{\"module\":\"message\",\"content\":\"[1,2]\"}"), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send?opcode=binary", "\x01\x02\x03"), 200);
    /* content as an object instead of a string: accepted defensively */
    assert_int_equal(mock_control(&m, "POST", "/_mock/send",
                                  "{\"module\":\"message\",\"content\":{\"event\":\"user.created\","
                                  "\"event_ts\":7,\"payload\":{\"object\":{\"seq\":2}}}}"), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/events",
                                  "{\"event\":\"meeting.started\",\"event_ts\":9,\"payload\":{\"object\":{\"seq\":3}}}\n"), 200);
    wait_events w = {&events, 3};
    assert_true(run_until(c, has_events, &w, 10000));
    assert_int_equal(events.seqs_in_order, 3);
    assert_string_equal(events.last_name, "meeting.started");
    assert_int_equal(zws_client_state(c), ZWS_STATE_OPEN);
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 1); /* never reconnected */
    int64_t t0 = now_ms();
    while (mock_stat(&m, "pongs") < 1 && now_ms() - t0 < 5000)
        run_for(c, 20);
    assert_int_equal(mock_stat(&m, "pongs"), 1);
    zws_client_free(c);
    mock_stop(&m);
}

/* A text message that is not UTF-8 fails the connection with 1007 (RFC 6455). */
static void invalid_utf8_closes_1007_and_reconnects(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", "{\"module\":\"x\",\"c\":\"\xc3\x28\"}"), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].error, ZWS_E_PROTOCOL);
    assert_int_equal(states.t[b].close_code, 1007);
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    assert_int_equal(mock_stat(&m, "last_close_code"), 1007);
    zws_client_free(c);
    mock_stop(&m);
}

/* A message above ZWS_OPT_MAX_MESSAGE_BYTES is refused with 1009 and reported. */
static void oversized_message_closes_1009(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    zws_client_set_int(c, ZWS_OPT_MAX_MESSAGE_BYTES, 1024);
    assert_true(connect_and_open(c));
    static char big[4096];
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(mock_control(&m, "POST", "/_mock/send", big), 200);
    wait_for_count(c, &states, ZWS_STATE_BACKOFF, 1, 10000);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].error, ZWS_E_TOO_BIG);
    assert_int_equal(states.t[b].close_code, 1009);
    zws_client_free(c);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ten_thousand_events_in_order),
        cmocka_unit_test(nothing_sent_is_lost_across_a_reconnect),
        cmocka_unit_test(stop_is_prompt_during_a_flood),
        cmocka_unit_test(handlers_by_pattern_in_registration_order),
        cmocka_unit_test(survives_fragments_pings_and_junk),
        cmocka_unit_test(invalid_utf8_closes_1007_and_reconnects),
        cmocka_unit_test(oversized_message_closes_1009),
    };
    return cmocka_run_group_tests_name("integration: events", tests, NULL, NULL);
}
