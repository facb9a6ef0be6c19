/* The connection's life: reconnect after drops with the gap reported, the
 * liveness timeout, heartbeats, graceful stop (also from another thread), and
 * refusing an untrusted server. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static void drop_reconnects_and_reports_gap(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    assert_int_equal(states.t[last_state(&states, ZWS_STATE_OPEN)].gap_ms, 0);
    run_for(c, 100);
    assert_int_equal(mock_control(&m, "POST", "/_mock/drop", NULL), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].close_code, 1006);
    assert_int_equal(states.t[b].error, ZWS_E_CLOSED);
    assert_int_equal(states.t[b].retry_ms, 0); /* first retry at once */
    assert_true(states.t[b].lost_at_ms > 0);
    int o = last_state(&states, ZWS_STATE_OPEN);
    assert_true(states.t[o].gap_ms >= 0);
    assert_int_equal(states.t[o].lost_at_ms, states.t[b].lost_at_ms);
    /* the still-valid token was reused: no second token request */
    assert_int_equal(mock_stat(&m, "token_requests"), 1);
    assert_int_equal(mock_stat(&m, "ws_upgrades"), 2);
    zws_client_free(c);
    mock_stop(&m);
}

static void server_close_code_is_reported(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_control(&m, "POST", "/_mock/close?code=4001&reason=bye", NULL), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].close_code, 4001);
    assert_non_null(strstr(states.t[b].message, "bye"));
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    zws_client_free(c);
    mock_stop(&m);
}

static void silent_server_is_detected(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    /* heartbeats far apart, so the server has nothing to answer: silence */
    zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 60000);
    zws_client_set_int(c, ZWS_OPT_LIVENESS_MS, 300);
    assert_true(connect_and_open(c));
    wait_for_count(c, &states, ZWS_STATE_BACKOFF, 1, 5000);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].error, ZWS_E_TIMEOUT);
    assert_non_null(strstr(states.t[b].message, "no frame"));
    zws_client_free(c);
    mock_stop(&m);
}

/* A server that stops reading and writing while the client keeps sending
 * heartbeats: the liveness timeout ends it and the client reconnects. */
static void stalled_server_is_left(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 50);
    zws_client_set_int(c, ZWS_OPT_LIVENESS_MS, 500);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_control(&m, "POST", "/_mock/stall", NULL), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_int_equal(states.t[b].error, ZWS_E_TIMEOUT);
    zws_client_free(c);
    mock_stop(&m);
}

static void heartbeats_at_configured_interval(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 100);
    assert_true(connect_and_open(c));
    run_for(c, 1050);
    int64_t n = mock_stat(&m, "heartbeats");
    /* 10 due in 1.05 s; a timer never fires early, a loaded machine may fire late */
    assert_true(n >= 3 && n <= 10);
    zws_client_free(c);
    mock_stop(&m);
}

static void stop_closes_gracefully(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    zws_client_stop(c);
    wait_state closed = {c, ZWS_STATE_CLOSED};
    assert_true(run_until(c, is_state, &closed, 10000));
    assert_int_equal(count_state(&states, ZWS_STATE_CLOSING), 1);
    int last = states.count - 1;
    assert_int_equal(states.t[last].error, 0);
    assert_int_equal(mock_stat(&m, "last_close_code"), 1000);
    assert_int_equal(mock_stat(&m, "ws_open"), 0);
    assert_true(connect_and_open(c)); /* and it can connect again */
    zws_client_free(c);
    mock_stop(&m);
}

static void *stop_later(void *arg)
{
    usleep(300000);
    zws_client_stop(arg);
    return NULL;
}

static void stop_from_another_thread_ends_run(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--rate", "50", NULL));
    zws_client *c = client_for(&m);
    event_log events = {0};
    zws_client_on(c, "*", record_event, &events);
    pthread_t t;
    pthread_create(&t, NULL, stop_later, c);
    assert_int_equal(zws_client_run(c), 0);
    pthread_join(t, NULL);
    assert_int_equal(zws_client_state(c), ZWS_STATE_CLOSED);
    assert_true(events.count >= 1); /* it was really running when stopped */
    zws_client_free(c);
    mock_stop(&m);
}

static void untrusted_ca_is_refused_permanently(void **state)
{
    (void)state;
    mock m, other;
    assert_true(mock_start(&m, "--count", "0", NULL));
    assert_true(mock_start(&other, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_CA_FILE, other.ca); /* a CA that did not sign m's cert */
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_int_equal(zws_client_run(c), ZWS_E_TLS_VERIFY);
    int last = states.count - 1;
    assert_int_equal(states.t[last].state, ZWS_STATE_CLOSED);
    assert_int_equal(states.t[last].permanent, 1);
    assert_non_null(strstr(zws_client_last_error(c), "certificate"));
    assert_int_equal(mock_stat(&m, "tokens_issued"), 0);
    zws_client_free(c);
    mock_stop(&other);
    mock_stop(&m);
}

static void untrusted_websocket_host_is_refused(void **state)
{
    (void)state;
    mock m, other;
    assert_true(mock_start(&m, "--count", "0", NULL));
    assert_true(mock_start(&other, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    /* tokens from m (trusted), WebSocket to `other`, whose CA we do not trust */
    zws_client_set_str(c, ZWS_OPT_WS_URL, other.ws_url);
    assert_int_equal(zws_client_run(c), ZWS_E_TLS_VERIFY);
    assert_non_null(strstr(zws_client_last_error(c), "refused"));
    assert_int_equal(mock_stat(&other, "ws_upgrades"), 0);
    zws_client_free(c);
    mock_stop(&other);
    mock_stop(&m);
}

static void config_errors_are_reported(void **state)
{
    (void)state;
    zws_client *c = zws_client_new();
    assert_int_equal(zws_client_connect(c), ZWS_E_CONFIG);
    assert_non_null(strstr(zws_client_last_error(c), "ZWS_OPT_CLIENT_ID"));
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_OAUTH_URL, "http://insecure/oauth"), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 0), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_int(c, 9999, 1), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_HEARTBEAT_MS, "1"), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_str(NULL, ZWS_OPT_CLIENT_ID, "x"), ZWS_E_INVALID);
    assert_int_equal(zws_client_on(c, "meeting.*", NULL, NULL), ZWS_E_INVALID);
    /* the Marketplace endpoint URL sets both the subscription and the URL */
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_SUBSCRIPTION,
                                        "wss://ws.zoom.us/ws?subscriptionId=abc%2D1"), 0);
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_SUBSCRIPTION, "wss://ws.zoom.us/ws?x=1"),
                     ZWS_E_INVALID);
    assert_int_equal(zws_client_dispatch(c), 0);
    assert_int_equal(zws_client_state(c), ZWS_STATE_IDLE);
    zws_client_free(c);
    zws_client_free(NULL);
    zws_client_stop(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drop_reconnects_and_reports_gap),
        cmocka_unit_test(server_close_code_is_reported),
        cmocka_unit_test(silent_server_is_detected),
        cmocka_unit_test(stalled_server_is_left),
        cmocka_unit_test(heartbeats_at_configured_interval),
        cmocka_unit_test(stop_closes_gracefully),
        cmocka_unit_test(stop_from_another_thread_ends_run),
        cmocka_unit_test(untrusted_ca_is_refused_permanently),
        cmocka_unit_test(untrusted_websocket_host_is_refused),
        cmocka_unit_test(config_errors_are_reported),
    };
    return cmocka_run_group_tests_name("integration: lifecycle", tests, NULL, NULL);
}
