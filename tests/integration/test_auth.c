/* Tokens against the simulator's OAuth endpoint: fetched, cached, refreshed
 * before expiry and after a refusal; bad credentials are permanent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static void bad_token_is_refreshed_then_connected(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_stat(&m, "token_requests"), 1);

    /* the server forgets every token and drops us: the cached token is now refused */
    assert_int_equal(mock_control(&m, "POST", "/_mock/expire-tokens", NULL), 200);
    assert_int_equal(mock_control(&m, "POST", "/_mock/drop", NULL), 200);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 15000));
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    /* first reconnect reused the cached token (no new request), was refused by a
     * failure frame, then a fresh token was fetched and accepted */
    bool refused = false;
    for (int i = 0; i < states.count; i++)
        if (states.t[i].error == ZWS_E_TOKEN_REJECTED && strstr(states.t[i].message, "Invalid Token"))
            refused = true;
    assert_true(refused);
    assert_int_equal(mock_stat(&m, "build_fail"), 1);
    assert_int_equal(mock_stat(&m, "token_requests"), 2);
    zws_client_free(c);
    mock_stop(&m);
}

static void token_refreshed_before_expiry(void **state)
{
    (void)state;
    mock m;
    /* 4 s tokens: refreshed at half-life, since the 5 min margin exceeds it */
    assert_true(mock_start(&m, "--count", "0", "--token-ttl", "4", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    int64_t t0 = now_ms();
    while (mock_stat(&m, "token_requests") < 3 && now_ms() - t0 < 15000)
        run_for(c, 100);
    assert_true(mock_stat(&m, "token_requests") >= 3);
    /* refreshing did not disturb the open connection */
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 1);
    assert_int_equal(zws_client_state(c), ZWS_STATE_OPEN);
    zws_client_free(c);
    mock_stop(&m);
}

static void invalid_client_is_permanent_and_not_retried(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_CLIENT_SECRET, "wrong-secret");
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_int_equal(zws_client_run(c), ZWS_E_AUTH);
    assert_int_equal(zws_client_state(c), ZWS_STATE_CLOSED);
    int last = states.count - 1;
    assert_int_equal(states.t[last].state, ZWS_STATE_CLOSED);
    assert_int_equal(states.t[last].error, ZWS_E_AUTH);
    assert_int_equal(states.t[last].permanent, 1);
    assert_non_null(strstr(states.t[last].message, "invalid_client"));
    assert_null(strstr(zws_client_last_error(c), "wrong-secret"));
    run_for(c, 500); /* nothing happens after a permanent failure */
    assert_int_equal(mock_stat(&m, "token_requests"), 1);
    assert_int_equal(count_state(&states, ZWS_STATE_BACKOFF), 0);
    zws_client_free(c);
    mock_stop(&m);
}

static void unknown_account_is_permanent(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_ACCOUNT_ID, "nobody");
    assert_int_equal(zws_client_run(c), ZWS_E_AUTH);
    assert_non_null(strstr(zws_client_last_error(c), "invalid_request"));
    zws_client_free(c);
    mock_stop(&m);
}

static void transient_token_errors_are_retried(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    assert_int_equal(mock_control(&m, "POST", "/_mock/fail-token?status=503&count=2", NULL), 200);
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    wait_state open = {c, ZWS_STATE_OPEN};
    assert_int_equal(zws_client_connect(c), 0);
    assert_true(run_until(c, is_state, &open, 15000));
    assert_int_equal(mock_stat(&m, "token_requests"), 3);
    assert_int_equal(count_state(&states, ZWS_STATE_BACKOFF), 2);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_int_equal(states.t[b].error, ZWS_E_TOKEN);
    assert_int_equal(states.t[b].permanent, 0);
    zws_client_free(c);
    mock_stop(&m);
}

static void retry_after_is_honoured(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    assert_int_equal(mock_control(&m, "POST", "/_mock/fail-token?status=429&count=1&retry_after=1", NULL), 200);
    zws_client *c = client_for(&m);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_MAX_MS, 5000);
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    wait_state open = {c, ZWS_STATE_OPEN};
    assert_int_equal(zws_client_connect(c), 0);
    assert_true(run_until(c, is_state, &open, 15000));
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].retry_ms, 1000); /* not the immediate first retry */
    assert_int_equal(states.t[b].error, ZWS_E_TOKEN);
    assert_non_null(strstr(states.t[b].message, "429"));
    zws_client_free(c);
    mock_stop(&m);
}

/* The secret and tokens never reach the log, whatever the level. */
static void secrets_never_logged(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_int(c, ZWS_OPT_LOG_LEVEL, ZWS_LOG_DEBUG);
    static log_capture cap;
    zws_client_set_log_cb(c, capture_log, &cap);
    assert_true(connect_and_open(c));
    mock_control(&m, "POST", "/_mock/expire-tokens", NULL);
    mock_control(&m, "POST", "/_mock/drop", NULL);
    run_for(c, 1000);
    assert_true(cap.len > 0);
    assert_null(strstr(cap.buf, "mock-secret"));
    for (const char *p = strstr(cap.buf, "access_token="); p; p = strstr(p + 1, "access_token="))
        assert_memory_equal(p + 13, "***", 3);
    zws_client_free(c);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_token_is_refreshed_then_connected),
        cmocka_unit_test(token_refreshed_before_expiry),
        cmocka_unit_test(invalid_client_is_permanent_and_not_retried),
        cmocka_unit_test(unknown_account_is_permanent),
        cmocka_unit_test(transient_token_errors_are_retried),
        cmocka_unit_test(retry_after_is_honoured),
        cmocka_unit_test(secrets_never_logged),
    };
    return cmocka_run_group_tests_name("integration: auth", tests, NULL, NULL);
}
