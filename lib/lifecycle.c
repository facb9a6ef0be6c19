/* The connection state machine: every transition goes through transition(),
 * which fills the status record and calls the application's state callback
 * last, so a callback may call back into the API. */
#include <stdio.h>
#include <string.h>

#include <openssl/rand.h>

#include "internal.h"

/* A connection that stayed open this long resets the backoff: the next drop
 * is retried at once. Shorter ones keep backing off (two instances kicking
 * each other off one subscription must not spin). */
#define STABLE_MS 5000

static void transition(zws_client *c, int state, int err, bool permanent, int close_code,
                       const char *reason, int64_t retry_ms)
{
    struct zws_status *st = &c->status;
    memset(st, 0, sizeof *st);
    st->previous = c->state;
    st->state = state;
    st->error = err;
    st->permanent = permanent;
    st->close_code = close_code;
    st->retry_ms = retry_ms;
    st->attempt = c->attempt + 1;
    st->lost_at_ms = c->lost_at_wall;
    if (state == ZWS_STATE_OPEN && c->lost_at_wall) {
        st->gap_ms = clock__wall_ms() - c->lost_at_wall;
        c->lost_at_wall = 0;
    }
    if (err)
        snprintf(st->message, sizeof st->message, "%s",
                 c->last_error[0] ? c->last_error : zws_strerror(err));
    if (reason)
        snprintf(st->close_reason, sizeof st->close_reason, "%s", reason);
    c->state = state;
    if (state == ZWS_STATE_CLOSED)
        loop__closed(c); /* zws_group_run ends when the last one closes */
    log__emit(c, !err ? ZWS_LOG_INFO : permanent ? ZWS_LOG_ERROR : ZWS_LOG_WARN, "state %s -> %s%s%s",
              zws_state_name(st->previous), zws_state_name(state), err ? ": " : "",
              err ? st->message : "");
    if (c->state_cb)
        c->state_cb(c, st, c->state_user);
}

void client__set_state(zws_client *c, int state)
{
    transition(c, state, 0, false, 0, NULL, 0);
}

static void start_connecting(zws_client *c)
{
    timers__set(&c->timers, TIMER_CONNECT, clock__mono_ms() + c->connect_timeout_ms);
    transition(c, ZWS_STATE_CONNECTING, 0, false, 0, NULL, 0);
    if (c->state != ZWS_STATE_CONNECTING)
        return; /* the state callback changed course */
    int rc = transport__start(c);
    if (rc < 0)
        client__fail(c, rc, false, 0, NULL);
}

static void begin_attempt(zws_client *c)
{
    if (token__valid(c)) {
        start_connecting(c);
        return;
    }
    transition(c, ZWS_STATE_AUTHENTICATING, 0, false, 0, NULL, 0);
    if (c->state != ZWS_STATE_AUTHENTICATING)
        return;
    int rc = token__start_fetch(c); /* joins a refresh already in flight */
    if (rc < 0) /* an unreadable CA file or client certificate will not get better */
        client__fail(c, rc, rc == ZWS_E_TLS_VERIFY || rc == ZWS_E_CONFIG, 0, NULL);
}

int client__start(zws_client *c)
{
    c->attempt = 0;
    c->stopping = false;
    c->permanent_error = c->permanent_unreported = 0;
    c->last_error[0] = '\0';
    begin_attempt(c);
    return 0;
}

static void stop_timers(zws_client *c, bool all)
{
    timers__cancel(&c->timers, TIMER_CONNECT);
    timers__cancel(&c->timers, TIMER_HEARTBEAT);
    timers__cancel(&c->timers, TIMER_LIVENESS);
    timers__cancel(&c->timers, TIMER_CLOSE);
    if (all) {
        timers__cancel(&c->timers, TIMER_BACKOFF);
        timers__cancel(&c->timers, TIMER_REFRESH);
    }
}

void client__fail(zws_client *c, int err, bool permanent, int close_code, const char *reason)
{
    char reason_copy[128] = "";
    if (reason) /* reason may live in the connection we are about to free */
        snprintf(reason_copy, sizeof reason_copy, "%s", reason);
    if (c->state == ZWS_STATE_OPEN) {
        c->lost_at_wall = clock__wall_ms();
        if (clock__mono_ms() - c->open_since >= STABLE_MS)
            c->attempt = 0;
    }
    if (c->state == ZWS_STATE_CLOSING && c->stopping) {
        client__closed(c);
        return;
    }
    transport__close(c);
    bool give_up = permanent || !c->auto_reconnect || c->stopping;
    if (give_up) {
        token__cancel(c);
        stop_timers(c, true);
        if (permanent)
            c->permanent_error = c->permanent_unreported = err;
        transition(c, ZWS_STATE_CLOSED, err, permanent, close_code, reason ? reason_copy : NULL, 0);
        return;
    }
    stop_timers(c, false);
    if (err == ZWS_E_TOKEN_REJECTED)
        token__invalidate(c);
    c->attempt++;
    uint32_t rnd = 0;
    RAND_bytes((unsigned char *)&rnd, sizeof rnd);
    int64_t delay = backoff__delay_ms(c->attempt, c->reconnect_base_ms, c->reconnect_max_ms, rnd);
    if (c->retry_after_ms > delay)
        delay = c->retry_after_ms < c->reconnect_max_ms ? c->retry_after_ms : c->reconnect_max_ms;
    c->retry_after_ms = 0;
    timers__set(&c->timers, TIMER_BACKOFF, clock__mono_ms() + delay);
    transition(c, ZWS_STATE_BACKOFF, err, false, close_code, reason ? reason_copy : NULL, delay);
}

void client__on_token(zws_client *c, int err, bool permanent)
{
    if (c->state != ZWS_STATE_AUTHENTICATING) {
        /* a background refresh: the open connection is not affected */
        if (err && !permanent) {
            uint32_t rnd = 0;
            RAND_bytes((unsigned char *)&rnd, sizeof rnd);
            timers__set(&c->timers, TIMER_REFRESH,
                        clock__mono_ms() + c->reconnect_base_ms +
                            backoff__delay_ms(3, c->reconnect_base_ms, c->reconnect_max_ms, rnd));
        }
        return;
    }
    if (err) {
        client__fail(c, err, permanent, 0, NULL);
        return;
    }
    start_connecting(c);
}

void client__on_open(zws_client *c)
{
    timers__cancel(&c->timers, TIMER_CONNECT);
    timers__set(&c->timers, TIMER_HEARTBEAT, clock__mono_ms() + c->heartbeat_ms);
    c->open_since = clock__mono_ms();
    transition(c, ZWS_STATE_OPEN, 0, false, 0, NULL, 0);
}

void client__closed(zws_client *c)
{
    if (c->discarded_after_stop) /* not silently: Zoom will not send them again */
        log__emit(c, ZWS_LOG_WARN, "%llu events arrived after the stop request and were not "
                  "delivered", (unsigned long long)c->discarded_after_stop);
    c->discarded_after_stop = 0;
    int code = c->close_code_rx;
    char reason[128];
    snprintf(reason, sizeof reason, "%s", c->close_reason_rx);
    transport__close(c);
    token__cancel(c);
    stop_timers(c, true);
    transition(c, ZWS_STATE_CLOSED, 0, false, code, reason, 0);
}

void client__on_stop(zws_client *c)
{
    c->stopping = true;
    switch (c->state) {
    case ZWS_STATE_CLOSED:
        return;
    case ZWS_STATE_CLOSING:
        return;
    case ZWS_STATE_OPEN:
    case ZWS_STATE_UPGRADING:
        if (c->ws) {
            ws__close(c, 1000, "client stopping");
            transition(c, ZWS_STATE_CLOSING, 0, false, 0, NULL, 0);
            ws__io(c, false);
            transport__update_interest(c);
            return;
        }
        /* no WebSocket yet */
        /* fall through */
    default:
        transport__close(c);
        token__cancel(c);
        stop_timers(c, true);
        transition(c, ZWS_STATE_CLOSED, 0, false, 0, NULL, 0);
    }
}

static void send_heartbeat(zws_client *c)
{
    static const char hb[] = "{\"module\":\"heartbeat\"}";
    if (ws__send_text(c, hb, sizeof hb - 1) == 0) {
        log__emit(c, ZWS_LOG_DEBUG, "heartbeat sent");
        ws__io(c, false);
        transport__update_interest(c);
    }
    if (c->state == ZWS_STATE_OPEN)
        timers__set(&c->timers, TIMER_HEARTBEAT, clock__mono_ms() + c->heartbeat_ms);
}

void client__on_timer(zws_client *c, int id)
{
    switch (id) {
    case TIMER_BACKOFF:
        if (c->state == ZWS_STATE_BACKOFF)
            begin_attempt(c);
        break;
    case TIMER_CONNECT:
        if (c->state >= ZWS_STATE_CONNECTING && c->state <= ZWS_STATE_UPGRADING) {
            client__error(c, ZWS_E_TIMEOUT, "connecting to %s:%d timed out in %s after %lld ms",
                          c->url.host, c->url.port, zws_state_name(c->state),
                          (long long)c->connect_timeout_ms);
            client__fail(c, ZWS_E_TIMEOUT, false, 0, NULL);
        }
        break;
    case TIMER_HEARTBEAT:
        if (c->state == ZWS_STATE_OPEN)
            send_heartbeat(c);
        break;
    case TIMER_LIVENESS:
        if (c->state == ZWS_STATE_OPEN || c->state == ZWS_STATE_UPGRADING) {
            client__error(c, ZWS_E_TIMEOUT, "no frame from %s:%d for %lld ms: connection is dead",
                          c->url.host, c->url.port, (long long)c->liveness_ms);
            client__fail(c, ZWS_E_TIMEOUT, false, 1006, NULL);
        }
        break;
    case TIMER_TOKEN:
        token__provider_timeout(c);
        break;
    case TIMER_REFRESH:
        if (c->state != ZWS_STATE_CLOSED && c->state != ZWS_STATE_IDLE) {
            log__emit(c, ZWS_LOG_INFO, "refreshing the access token before it expires");
            if (token__start_fetch(c) < 0)
                timers__set(&c->timers, TIMER_REFRESH, clock__mono_ms() + c->reconnect_base_ms);
        }
        break;
    case TIMER_CLOSE:
        if (c->state == ZWS_STATE_CLOSING) {
            log__emit(c, ZWS_LOG_WARN, "server did not finish the close handshake in time");
            client__closed(c);
        }
        break;
    default:
        break;
    }
}
