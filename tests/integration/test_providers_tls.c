/* Application token providers, token invalidation, general-app credentials,
 * and the TLS options: pinning, minimum version, the SSL_CTX hook, the
 * insecure switch, CA directories and session resumption. */
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

typedef struct provider {
    mock *m;
    int asked;
    enum { ANSWER_NOW, ANSWER_LATER, FAIL_TRANSIENT, FAIL_PERMANENT, NEVER } mode;
} provider;

static void provide(zws_client *c, void *user)
{
    provider *p = user;
    p->asked++;
    char token[256];
    switch (p->mode) {
    case ANSWER_NOW:
        assert_true(mock_fetch_token(p->m, token, sizeof token));
        assert_int_equal(zws_client_provide_token(c, token, 3600), 0);
        break;
    case FAIL_TRANSIENT:
        assert_int_equal(zws_client_token_failed(c, "vault unreachable", 0), 0);
        break;
    case FAIL_PERMANENT:
        assert_int_equal(zws_client_token_failed(c, "vault says no", 1), 0);
        break;
    default:
        break;
    }
}

static void provider_answering_at_once(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    provider p = {&m, 0, ANSWER_NOW};
    assert_int_equal(zws_client_set_token_provider(c, provide, &p), 0);
    assert_true(connect_and_open(c));
    assert_int_equal(p.asked, 1);
    assert_int_equal(mock_stat(&m, "token_requests"), 1); /* the provider's own request only */
    zws_client_free(c);
    mock_stop(&m);
}

static void provider_answering_later(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    provider p = {&m, 0, ANSWER_LATER};
    zws_client_set_token_provider(c, provide, &p);
    assert_int_equal(zws_client_connect(c), 0);
    run_for(c, 300); /* the loop keeps running while the application fetches */
    assert_int_equal(p.asked, 1);
    assert_int_equal(zws_client_state(c), ZWS_STATE_AUTHENTICATING);
    char token[256];
    assert_true(mock_fetch_token(&m, token, sizeof token));
    assert_int_equal(zws_client_provide_token(c, token, 3600), 0);
    wait_state open = {c, ZWS_STATE_OPEN};
    assert_true(run_until(c, is_state, &open, 10000));
    zws_client_free(c);
    mock_stop(&m);
}

static void provider_failures(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    provider p = {&m, 0, FAIL_TRANSIENT};
    zws_client_set_token_provider(c, provide, &p);
    assert_int_equal(zws_client_connect(c), 0);
    int64_t t0 = now_ms();
    while (p.asked < 3 && now_ms() - t0 < 10000)
        run_for(c, 20);
    assert_true(p.asked >= 3); /* retried with backoff */
    int b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_int_equal(states.t[b].error, ZWS_E_TOKEN);
    assert_non_null(strstr(states.t[b].message, "vault unreachable"));
    p.mode = FAIL_PERMANENT;
    wait_state closed = {c, ZWS_STATE_CLOSED};
    assert_true(run_until(c, is_state, &closed, 10000));
    assert_int_equal(states.t[states.count - 1].error, ZWS_E_AUTH);
    assert_int_equal(states.t[states.count - 1].permanent, 1);
    /* a provider that never answers times out and is asked again */
    p.mode = NEVER;
    p.asked = 0;
    zws_client_set_int(c, ZWS_OPT_HTTP_TIMEOUT_MS, 200);
    assert_int_equal(zws_client_connect(c), 0);
    t0 = now_ms();
    while (p.asked < 2 && now_ms() - t0 < 10000)
        run_for(c, 20);
    assert_true(p.asked >= 2);
    b = last_state(&states, ZWS_STATE_BACKOFF);
    assert_int_equal(states.t[b].error, ZWS_E_TIMEOUT);
    assert_int_equal(zws_client_token_failed(NULL, "x", 0), ZWS_E_INVALID);
    assert_int_equal(zws_client_provide_token(c, "", 10), ZWS_E_INVALID);
    assert_int_equal(zws_client_provide_token(c, "abc", 0), ZWS_E_INVALID);
    zws_client_free(c);
    mock_stop(&m);
}

/* A provider answering outside dispatch: the fd wakes the loop, and a
 * permanent failure is returned by the next dispatch, once. */
static void provider_failing_outside_dispatch_is_reported(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    provider p = {&m, 0, NEVER};
    zws_client_set_token_provider(c, provide, &p);
    assert_int_equal(zws_client_connect(c), 0);
    run_for(c, 50);
    assert_int_equal(p.asked, 1);
    assert_int_equal(zws_client_token_failed(c, "vault sealed", 1), 0);
    struct pollfd pfd = {.fd = zws_client_get_fd(c), .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 1000), 1);
    assert_int_equal(zws_client_dispatch(c), ZWS_E_AUTH);
    assert_int_equal(zws_client_dispatch(c), 0); /* reported once */
    assert_int_equal(zws_client_state(c), ZWS_STATE_CLOSED);
    assert_int_equal(zws_client_token_failed(c, "again", 1), ZWS_E_STATE); /* nothing pending */
    zws_client_free(c);
    mock_stop(&m);
}

static void invalidated_token_is_refetched(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    assert_true(connect_and_open(c));
    assert_int_equal(zws_client_invalidate_token(c), 0);
    run_for(c, 100);
    assert_int_equal(zws_client_state(c), ZWS_STATE_OPEN); /* the open connection is kept */
    mock_control(&m, "POST", "/_mock/drop", NULL);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    assert_int_equal(mock_stat(&m, "token_requests"), 2);
    zws_client_free(c);
    mock_stop(&m);
}

static void general_app_uses_client_credentials(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_ACCOUNT_ID, NULL);
    assert_true(connect_and_open(c));
    zws_client_free(c);
    mock_stop(&m);
}

static void pinned_public_key(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    char pin[128];
    assert_true(mock_pubkey_pin(&m, pin, sizeof pin));
    zws_client *c = client_for(&m);
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_PINNED_PUBKEY, "md5//nope"), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_PINNED_PUBKEY, pin), 0);
    assert_true(connect_and_open(c));
    zws_client_free(c);

    /* a wrong pin: refused (by the token leg first), permanently */
    c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_PINNED_PUBKEY,
                       "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assert_int_equal(zws_client_run(c), ZWS_E_TLS_VERIFY);
    assert_non_null(strcasestr(zws_client_last_error(c), "pinned"));
    zws_client_free(c);
    mock_stop(&m);
}

static int ctx_calls;
static void on_ctx(zws_client *c, void *ctx, void *user)
{
    (void)c, (void)user;
    assert_non_null(ctx);
    ctx_calls++;
}

static void tls_options_and_resumption(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    zws_client *c = client_for(&m);
    static log_capture cap;
    cap.len = 0;
    zws_client_set_int(c, ZWS_OPT_LOG_LEVEL, ZWS_LOG_DEBUG);
    zws_client_set_log_cb(c, capture_log, &cap);
    assert_int_equal(zws_client_set_int(c, ZWS_OPT_TLS_MIN_VERSION, 11), ZWS_E_INVALID);
    assert_int_equal(zws_client_set_int(c, ZWS_OPT_TLS_MIN_VERSION, 13), 0);
    assert_int_equal(zws_client_set_ssl_ctx_cb(c, on_ctx, NULL), 0);
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_true(connect_and_open(c));
    assert_non_null(strstr(cap.buf, "TLSv1.3 established"));
    assert_null(strstr(cap.buf, "TLS session resumed"));
    run_for(c, 200); /* TLS 1.3 tickets arrive after the handshake */
    mock_control(&m, "POST", "/_mock/drop", NULL);
    assert_true(wait_for_count(c, &states, ZWS_STATE_OPEN, 2, 10000));
    assert_int_equal(count_state(&states, ZWS_STATE_OPEN), 2);
    assert_non_null(strstr(cap.buf, "TLS session resumed"));
    assert_int_equal(ctx_calls, 1); /* one context for both connections */
    zws_client_free(c);
    mock_stop(&m);
}

static void insecure_switch_and_ca_directory(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--count", "0", NULL));
    /* insecure: trusts nothing in particular, and says so */
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_CA_FILE, NULL);
    static log_capture cap;
    cap.len = 0;
    zws_client_set_log_cb(c, capture_log, &cap);
    assert_int_equal(zws_client_set_int(c, ZWS_OPT_INSECURE_SKIP_VERIFY, 1), 0);
    assert_true(connect_and_open(c));
    assert_non_null(strstr(cap.buf, "verification is DISABLED"));
    zws_client_free(c);

    /* a hashed CA directory instead of a file */
    char dir[] = "/tmp/zws-capath-XXXXXX", cmd[512];
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp %s %s/mock.pem && openssl rehash %s 2>/dev/null", m.ca, dir, dir);
    assert_int_equal(system(cmd), 0);
    c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_CA_FILE, NULL);
    zws_client_set_str(c, ZWS_OPT_CA_PATH, dir);
    assert_true(connect_and_open(c));
    zws_client_free(c);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(provider_answering_at_once),
        cmocka_unit_test(provider_answering_later),
        cmocka_unit_test(provider_failures),
        cmocka_unit_test(provider_failing_outside_dispatch_is_reported),
        cmocka_unit_test(invalidated_token_is_refetched),
        cmocka_unit_test(general_app_uses_client_credentials),
        cmocka_unit_test(pinned_public_key),
        cmocka_unit_test(tls_options_and_resumption),
        cmocka_unit_test(insecure_switch_and_ca_directory),
    };
    return cmocka_run_group_tests_name("integration: token providers and TLS", tests, NULL, NULL);
}
