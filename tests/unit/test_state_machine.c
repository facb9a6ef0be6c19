/* The state machine on a clock moved by hand: backoff after failures, the
 * stable-connection reset, gap reporting, token refresh scheduling, liveness
 * and permanent failures. No socket is opened: failures are injected with
 * client__fail and timers fired with client__on_timer, as dispatch would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static int64_t mono = 1000000, wall = 1700000000000;
static int64_t fake_mono(void) { return mono; }
static int64_t fake_wall(void) { return wall; }
static void advance(int64_t ms) { mono += ms; wall += ms; }

typedef struct seen {
    int count;
    struct zws_status last;
    struct zws_status all[64];
} seen;

static void on_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c;
    seen *s = user;
    s->last = *st;
    if (s->count < 64)
        s->all[s->count] = *st;
    s->count++;
}

static zws_client *new_client(seen *s)
{
    clock__mono_source = fake_mono;
    clock__wall_source = fake_wall;
    zws_client *c = zws_client_new();
    zws_client_set_state_cb(c, on_state, s);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_BASE_MS, 1000);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_MAX_MS, 60000);
    return c;
}

/* Pretends the connection just reached OPEN (as build_connection would). */
static void open_now(zws_client *c)
{
    c->state = ZWS_STATE_UPGRADING;
    client__on_open(c);
}

static void backoff_grows_then_resets_after_a_stable_connection(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    open_now(c);
    assert_int_equal(s.last.state, ZWS_STATE_OPEN);
    int64_t ceilings[] = {0, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
    for (int i = 0; i < 9; i++) {
        client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
        assert_int_equal(s.last.state, ZWS_STATE_BACKOFF);
        assert_int_equal(s.last.attempt, i + 2);
        assert_true(s.last.retry_ms >= 0 && s.last.retry_ms <= ceilings[i]);
        assert_int_equal(c->timers.due[TIMER_BACKOFF], mono + s.last.retry_ms);
        c->state = ZWS_STATE_CONNECTING; /* the retry that failed again */
    }
    /* a connection that stays open 5 s resets the policy: next drop retries at once */
    open_now(c);
    advance(5000);
    client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
    assert_int_equal(s.last.retry_ms, 0);
    assert_int_equal(s.last.attempt, 2);
    zws_client_free(c);
}

static void short_lived_connections_keep_backing_off(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    for (int i = 0; i < 4; i++) { /* kicked off right after each OPEN */
        open_now(c);
        advance(100);
        client__fail(c, ZWS_E_REPLACED, false, 1000, "connection replaced");
    }
    assert_int_equal(s.last.attempt, 5); /* not reset: no tight reconnect loop */
    assert_string_equal(s.last.close_reason, "connection replaced");
    zws_client_free(c);
}

static void gap_is_reported_on_reopen(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    open_now(c);
    assert_int_equal(s.last.gap_ms, 0);
    advance(60000);
    int64_t lost = wall;
    client__fail(c, ZWS_E_TIMEOUT, false, 1006, NULL);
    assert_int_equal(s.last.lost_at_ms, lost);
    advance(2500);
    open_now(c);
    assert_int_equal(s.last.lost_at_ms, lost);
    assert_int_equal(s.last.gap_ms, 2500);
    advance(10);
    client__fail(c, ZWS_E_CLOSED, false, 1000, NULL); /* a new loss, a new timestamp */
    assert_int_equal(s.last.lost_at_ms, wall);
    zws_client_free(c);
}

static void token_refresh_is_scheduled_before_expiry(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    /* an hour-long token with the default 5-minute margin */
    assert_int_equal(zws_client_provide_token(c, "tok-1", 3600), 0);
    assert_int_equal(c->timers.due[TIMER_REFRESH], mono + 3600000 - 300000);
    assert_true(token__valid(c));
    /* a short token: refreshed at half its life, never in a loop */
    assert_int_equal(zws_client_provide_token(c, "tok-2", 60), 0);
    assert_int_equal(c->timers.due[TIMER_REFRESH], mono + 30000);
    advance(51000); /* 9 s left: too little to start a connection with */
    assert_false(token__valid(c));
    /* a refused token is forgotten at once */
    assert_int_equal(zws_client_provide_token(c, "tok-3", 3600), 0);
    open_now(c);
    client__fail(c, ZWS_E_TOKEN_REJECTED, false, 0, NULL);
    assert_null(c->token);
    assert_int_equal(c->timers.due[TIMER_REFRESH], -1);
    zws_client_free(c);
}

static void liveness_and_heartbeat_timers(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 30000);
    open_now(c);
    assert_int_equal(c->timers.due[TIMER_HEARTBEAT], mono + 30000);
    assert_int_equal(c->timers.due[TIMER_CONNECT], -1); /* the connect deadline is over */
    advance(60000);
    client__on_timer(c, TIMER_LIVENESS);
    assert_int_equal(s.last.state, ZWS_STATE_BACKOFF);
    assert_int_equal(s.last.error, ZWS_E_TIMEOUT);
    assert_int_equal(c->timers.due[TIMER_HEARTBEAT], -1); /* no heartbeat without a connection */
    assert_int_equal(c->timers.due[TIMER_LIVENESS], -1);
    zws_client_free(c);
}

static void permanent_failure_and_stop_cancel_everything(void **state)
{
    (void)state;
    seen s = {0};
    zws_client *c = new_client(&s);
    assert_int_equal(zws_client_provide_token(c, "tok", 3600), 0);
    open_now(c);
    client__fail(c, ZWS_E_AUTH, true, 0, NULL);
    assert_int_equal(s.last.state, ZWS_STATE_CLOSED);
    assert_int_equal(s.last.permanent, 1);
    assert_int_equal(timers__next(&c->timers), -1); /* nothing left to wake the fd */
    /* auto-reconnect off: an ordinary drop ends it too */
    zws_client_set_int(c, ZWS_OPT_AUTO_RECONNECT, 0);
    open_now(c);
    client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
    assert_int_equal(s.last.state, ZWS_STATE_CLOSED);
    assert_int_equal(s.last.permanent, 0);
    assert_int_equal(timers__next(&c->timers), -1);
    /* a stop in BACKOFF closes at once */
    zws_client_set_int(c, ZWS_OPT_AUTO_RECONNECT, 1);
    open_now(c);
    client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
    assert_int_equal(s.last.state, ZWS_STATE_BACKOFF);
    client__on_stop(c);
    assert_int_equal(s.last.state, ZWS_STATE_CLOSED);
    assert_int_equal(timers__next(&c->timers), -1);
    zws_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(backoff_grows_then_resets_after_a_stable_connection),
        cmocka_unit_test(short_lived_connections_keep_backing_off),
        cmocka_unit_test(gap_is_reported_on_reopen),
        cmocka_unit_test(token_refresh_is_scheduled_before_expiry),
        cmocka_unit_test(liveness_and_heartbeat_timers),
        cmocka_unit_test(permanent_failure_and_stop_cancel_everything),
    };
    return cmocka_run_group_tests_name("state machine (injected clock)", tests, NULL, NULL);
}
