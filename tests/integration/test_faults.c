/* A misbehaving server, case by case: what the application sees for upgrade
 * failures, TLS failures and certificate problems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

/* The WebSocket leg alone: a token fetched before the fault is armed comes
 * from a provider, so no token request meets the fault first. */
static char token[256];
static void provide(zws_client *c, void *user)
{
    (void)user;
    zws_client_provide_token(c, token, 3600);
}

/* Arms a fault, connects, and returns the status of the first BACKOFF/CLOSED. */
static transition first_failure(mock *m, const char *fault, bool expect_recovery)
{
    zws_client *c = client_for(m);
    assert_true(mock_fetch_token(m, token, sizeof token));
    zws_client_set_token_provider(c, provide, NULL);
    zws_client_set_int(c, ZWS_OPT_CONNECT_TIMEOUT_MS, 500);
    transition_log *states = calloc(1, sizeof *states);
    zws_client_set_state_cb(c, record_state, states);
    if (fault)
        assert_int_equal(mock_control(m, "POST", fault, NULL), 200);
    assert_int_equal(zws_client_connect(c), 0);
    int64_t t0 = now_ms();
    while (last_state(states, ZWS_STATE_BACKOFF) < 0 && last_state(states, ZWS_STATE_CLOSED) < 0 &&
           now_ms() - t0 < 10000)
        run_for(c, 10);
    int i = last_state(states, ZWS_STATE_BACKOFF);
    if (i < 0)
        i = last_state(states, ZWS_STATE_CLOSED);
    assert_true(i >= 0);
    transition t = states->t[i];
    if (expect_recovery) { /* the fault was one-off: the next attempt connects */
        wait_state open = {c, ZWS_STATE_OPEN};
        assert_true(run_until(c, is_state, &open, 10000));
    }
    zws_client_free(c);
    free(states);
    return t;
}

static void upgrade_http_errors(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    static const int statuses[] = {401, 403, 404, 500, 503};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        char fault[96], want[16];
        snprintf(fault, sizeof fault, "/_mock/fail-upgrade?status=%d&count=1", statuses[i]);
        transition t = first_failure(&m, fault, true);
        assert_int_equal(t.state, ZWS_STATE_BACKOFF);
        assert_int_equal(t.error, ZWS_E_HTTP);
        snprintf(want, sizeof want, "HTTP %d", statuses[i]);
        assert_non_null(strstr(t.message, want));
    }
    mock_stop(&m);
}

static void upgrade_protocol_faults(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition t = first_failure(&m, "/_mock/fail-upgrade?mode=bad-accept", true);
    assert_int_equal(t.error, ZWS_E_HANDSHAKE);
    assert_non_null(strstr(t.message, "Sec-WebSocket-Accept"));

    t = first_failure(&m, "/_mock/fail-upgrade?mode=stall", true);
    assert_int_equal(t.error, ZWS_E_TIMEOUT);
    assert_non_null(strstr(t.message, "UPGRADING"));

    t = first_failure(&m, "/_mock/fail-upgrade?mode=close", true);
    assert_int_equal(t.error, ZWS_E_HANDSHAKE);
    assert_non_null(strstr(t.message, "closed the connection during the upgrade"));

    t = first_failure(&m, "/_mock/fail-upgrade?mode=tls-close", true);
    assert_int_equal(t.error, ZWS_E_TLS);
    assert_int_equal(t.permanent, 0);
    mock_stop(&m);
}

static void certificate_problems_are_permanent(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", "--cert-expired", NULL));
    transition t = first_failure(&m, NULL, false);
    assert_int_equal(t.state, ZWS_STATE_CLOSED);
    assert_int_equal(t.error, ZWS_E_TLS_VERIFY);
    assert_int_equal(t.permanent, 1);
    assert_non_null(strstr(t.message, "expired"));
    mock_stop(&m);

    assert_true(mock_start(&m, "--count", "0", "--cert-host", "zoom.example", NULL));
    t = first_failure(&m, NULL, false);
    assert_int_equal(t.state, ZWS_STATE_CLOSED);
    assert_int_equal(t.error, ZWS_E_TLS_VERIFY);
    assert_non_null(strstr(t.message, "mismatch"));
    /* and through the token leg too (curl's own verification) */
    zws_client *c = client_for(&m);
    assert_int_equal(zws_client_run(c), ZWS_E_TLS_VERIFY);
    assert_non_null(strstr(zws_client_last_error(c), "127.0.0.1"));
    zws_client_free(c);
    mock_stop(&m);
}

static void legacy_tls_is_refused(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", "--tls-max", "1.1", NULL));
    zws_client *c = client_for(&m);
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_int_equal(zws_client_connect(c), 0);
    int64_t t0 = now_ms();
    while (last_state(&states, ZWS_STATE_BACKOFF) < 0 && now_ms() - t0 < 10000)
        run_for(c, 10);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].error, ZWS_E_TLS);
    assert_non_null(strcasestr(states.t[b].message, "protocol"));
    zws_client_free(c);
    mock_stop(&m);
}

static void replaced_connection_is_reported(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", "--replace", NULL));
    zws_client *a = client_for(&m), *b = client_for(&m);
    zws_client_set_int(a, ZWS_OPT_AUTO_RECONNECT, 0);
    transition_log states = {0};
    zws_client_set_state_cb(a, record_state, &states);
    wait_state open_a = {a, ZWS_STATE_OPEN}, open_b = {b, ZWS_STATE_OPEN};
    assert_int_equal(zws_client_connect(a), 0);
    assert_true(run_until(a, is_state, &open_a, 10000));
    assert_int_equal(zws_client_connect(b), 0);
    assert_true(run_until(b, is_state, &open_b, 10000));
    wait_state closed = {a, ZWS_STATE_CLOSED};
    assert_true(run_until(a, is_state, &closed, 10000));
    int last = states.count - 1;
    assert_int_equal(states.t[last].error, ZWS_E_REPLACED);
    assert_int_equal(states.t[last].close_code, 1000);
    assert_non_null(strstr(states.t[last].message, "connection replaced"));
    zws_client_free(a);
    zws_client_free(b);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(upgrade_http_errors),
        cmocka_unit_test(upgrade_protocol_faults),
        cmocka_unit_test(certificate_problems_are_permanent),
        cmocka_unit_test(legacy_tls_is_refused),
        cmocka_unit_test(replaced_connection_is_reported),
    };
    return cmocka_run_group_tests_name("integration: faults", tests, NULL, NULL);
}
