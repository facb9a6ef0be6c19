/* A misbehaving server, case by case: what the application sees for upgrade
 * failures, TLS failures and certificate problems. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <sys/socket.h>
#include <unistd.h>
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
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_int_equal(zws_client_connect(c), 0);
    wait_for_count(c, &states, ZWS_STATE_BACKOFF, 1, 10000);
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_true(b >= 0);
    assert_int_equal(states.t[b].error, ZWS_E_TLS);
    assert_non_null(strcasestr(states.t[b].message, "protocol"));
    zws_client_free(c);
    mock_stop(&m);
}

/* A token endpoint that refuses connections, and one that accepts and never
 * answers (slower than the timeout): both transient, retried with backoff. */
static void token_endpoint_unreachable_or_silent(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    int silent = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof a;
    assert_int_equal(bind(silent, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(silent, 8), 0); /* the kernel accepts; nobody ever answers */
    getsockname(silent, (struct sockaddr *)&a, &alen);
    int refused = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in r = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t rlen = sizeof r;
    bind(refused, (struct sockaddr *)&r, sizeof r); /* bound, not listening: refused */
    getsockname(refused, (struct sockaddr *)&r, &rlen);

    struct { int port; int error; const char *words; } cases[] = {
        {ntohs(r.sin_port), ZWS_E_CONNECT, "token request"},
        {ntohs(a.sin_port), ZWS_E_TIMEOUT, "timed out"},
    };
    for (size_t i = 0; i < 2; i++) {
        char url[96];
        snprintf(url, sizeof url, "https://127.0.0.1:%d/oauth/token", cases[i].port);
        zws_client *c = client_for(&m);
        zws_client_set_str(c, ZWS_OPT_OAUTH_URL, url);
        zws_client_set_int(c, ZWS_OPT_HTTP_TIMEOUT_MS, 300);
        transition_log states = {0};
        zws_client_set_state_cb(c, record_state, &states);
        assert_int_equal(zws_client_connect(c), 0);
        assert_true(wait_for_count(c, &states, ZWS_STATE_BACKOFF, 2, 10000));
        int b = last_state(&states, ZWS_STATE_BACKOFF);
        assert_int_equal(states.t[b].error, cases[i].error);
        assert_int_equal(states.t[b].permanent, 0);
        assert_non_null(strcasestr(states.t[b].message, cases[i].words));
        zws_client_free(c);
    }
    close(silent);
    close(refused);
    mock_stop(&m);
}

/* Whatever close code the server sends, it is reported and followed by a reconnect. */
static void close_codes_are_reported(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    static const int codes[] = {1000, 1001, 1011, 4000, 4999};
    for (int i = 0; i < 5; i++) {
        char path[64];
        snprintf(path, sizeof path, "/_mock/close?code=%d&reason=r%d", codes[i], i);
        assert_int_equal(mock_control(&m, "POST", path, NULL), 200);
        assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, i + 2, 10000));
        int b = last_state(&states, ZWS_STATE_BACKOFF);
        assert_int_equal(states.t[b].close_code, codes[i]);
        assert_int_equal(states.t[b].error, ZWS_E_CLOSED);
    }
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
        cmocka_unit_test(token_endpoint_unreachable_or_silent),
        cmocka_unit_test(close_codes_are_reported),
        cmocka_unit_test(replaced_connection_is_reported),
    };
    return cmocka_run_group_tests_name("integration: faults", tests, NULL, NULL);
}
