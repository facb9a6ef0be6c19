/* wslay glue: the framing layer reads and writes through the TLS transport,
 * masks with OpenSSL randomness, validates UTF-8 and reports how the
 * connection ended. Failures found inside wslay's callbacks are deferred until
 * wslay returns, so the context is never freed under its own feet. */
#include <string.h>

#include <openssl/rand.h>

#include "internal.h"

#define CLOSE_TIMEOUT_MS 5000

/* Bytes read in one dispatch before yielding to timers, stop requests and the
 * application's other fds; the fd is kept readable so the next dispatch goes on. */
#define READ_BUDGET (256 * 1024)

static ssize_t on_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
    (void)flags;
    zws_client *c = user;
    ssize_t n;
    if (c->read_this_dispatch >= READ_BUDGET || atomic_load(&c->stop_requested)) {
        c->read_more = true;
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    if (c->prebuf_off < c->prebuf.len) {
        n = (ssize_t)(c->prebuf.len - c->prebuf_off);
        if ((size_t)n > len)
            n = (ssize_t)len;
        memcpy(buf, c->prebuf.data + c->prebuf_off, (size_t)n);
        c->prebuf_off += (size_t)n;
        if (c->prebuf_off == c->prebuf.len)
            zbuf__free(&c->prebuf);
    } else {
        n = transport__read(c, buf, len);
    }
    if (n > 0) {
        c->read_this_dispatch += (size_t)n;
        timers__set(&c->timers, TIMER_LIVENESS, clock__mono_ms() + c->liveness_ms);
        return n;
    }
    if (n < 0)
        c->ws_io_error = true;
    wslay_event_set_error(ctx, n == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static ssize_t on_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user)
{
    (void)flags;
    zws_client *c = user;
    ssize_t n = transport__write(c, data, len);
    if (n > 0)
        return n;
    if (n < 0)
        c->ws_io_error = true;
    wslay_event_set_error(ctx, n == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

static int on_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
    (void)ctx, (void)user;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

static void on_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                   void *user)
{
    (void)ctx;
    zws_client *c = user;
    switch (arg->opcode) {
    case WSLAY_TEXT_FRAME: /* wslay has checked the UTF-8 (invalid: it closes with 1007) */
        client__on_frame(c, (const char *)arg->msg, arg->msg_length);
        break;
    case WSLAY_BINARY_FRAME:
        log__emit(c, ZWS_LOG_DEBUG, "ignored a binary message of %zu bytes", arg->msg_length);
        break;
    case WSLAY_CONNECTION_CLOSE: {
        c->close_code_rx = arg->status_code ? arg->status_code : 1005;
        size_t n = arg->msg_length > 2 ? arg->msg_length - 2 : 0;
        if (n >= sizeof c->close_reason_rx)
            n = sizeof c->close_reason_rx - 1;
        if (n) /* an empty close frame comes as NULL */
            memcpy(c->close_reason_rx, arg->msg + 2, n);
        c->close_reason_rx[n] = '\0';
        break;
    }
    default:
        break; /* wslay answers pings itself */
    }
}

int ws__start(zws_client *c, const char *pre, size_t prelen)
{
    static const struct wslay_event_callbacks callbacks = {
        .recv_callback = on_recv,
        .send_callback = on_send,
        .genmask_callback = on_genmask,
        .on_msg_recv_callback = on_msg,
    };
    if (wslay_event_context_client_init(&c->ws, &callbacks, c) != 0)
        return ZWS_E_NOMEM;
    wslay_event_config_set_max_recv_msg_length(c->ws, (uint64_t)c->max_message_bytes);
    c->prebuf.len = 0;
    c->prebuf_off = 0;
    if (prelen && zbuf__append(&c->prebuf, pre, prelen) < 0)
        return ZWS_E_NOMEM;
    c->ws_io_error = false;
    c->close_code_rx = 0;
    c->close_reason_rx[0] = '\0';
    c->deferred_err = 0;
    timers__set(&c->timers, TIMER_LIVENESS, clock__mono_ms() + c->liveness_ms);
    return 0;
}

void ws__free(zws_client *c)
{
    if (c->ws) {
        wslay_event_context_free(c->ws);
        c->ws = NULL;
    }
    zbuf__free(&c->prebuf);
    c->prebuf_off = 0;
}

bool ws__wants_write(const zws_client *c)
{
    return c->ws && wslay_event_want_write(c->ws);
}

int ws__send_text(zws_client *c, const char *text, size_t len)
{
    if (!c->ws)
        return ZWS_E_STATE;
    struct wslay_event_msg msg = {WSLAY_TEXT_FRAME, (const uint8_t *)text, len};
    if (wslay_event_queue_msg(c->ws, &msg) != 0)
        return ZWS_E_STATE;
    return 0;
}

void ws__close(zws_client *c, uint16_t code, const char *reason)
{
    if (!c->ws)
        return;
    wslay_event_queue_close(c->ws, code, (const uint8_t *)reason, reason ? strlen(reason) : 0);
    timers__set(&c->timers, TIMER_CLOSE, clock__mono_ms() + CLOSE_TIMEOUT_MS);
}

/* The connection is over (or broken): report how. */
static void finished(zws_client *c)
{
    int sent = wslay_event_get_close_sent(c->ws) ? wslay_event_get_status_code_sent(c->ws) : 0;
    bool received = wslay_event_get_close_received(c->ws);
    if (c->state == ZWS_STATE_CLOSING && (received || !c->ws_io_error)) {
        client__closed(c);
        return;
    }
    if (c->deferred_err) {
        client__fail(c, c->deferred_err, false, 0, NULL);
    } else if (sent == WSLAY_CODE_MESSAGE_TOO_BIG) {
        client__error(c, ZWS_E_TOO_BIG, "server sent a message larger than %lld bytes: closed with 1009",
                      (long long)c->max_message_bytes);
        client__fail(c, ZWS_E_TOO_BIG, false, 1009, NULL);
    } else if (received && envelope__is_replacement(c->close_reason_rx)) {
        client__error(c, ZWS_E_REPLACED, "server closed the connection for another one on the same "
                      "subscription (%d %s): is a second instance running?", c->close_code_rx,
                      c->close_reason_rx);
        client__fail(c, ZWS_E_REPLACED, false, c->close_code_rx, c->close_reason_rx);
    } else if (received) {
        client__error(c, ZWS_E_CLOSED, "server closed the connection: %d %s", c->close_code_rx,
                      c->close_reason_rx);
        client__fail(c, ZWS_E_CLOSED, false, c->close_code_rx, c->close_reason_rx);
    } else if (sent == WSLAY_CODE_PROTOCOL_ERROR || sent == WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA) {
        client__error(c, ZWS_E_PROTOCOL, "server violated the WebSocket protocol (%s): closed with %d",
                      sent == WSLAY_CODE_PROTOCOL_ERROR ? "bad framing" : "text that is not UTF-8",
                      sent);
        client__fail(c, ZWS_E_PROTOCOL, false, sent, NULL);
    } else {
        client__error(c, ZWS_E_CLOSED, "connection to %s:%d dropped without a close frame",
                      c->url.host, c->url.port);
        client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
    }
}

void ws__io(zws_client *c, bool readable)
{
    if (!c->ws)
        return;
    if ((readable || c->prebuf_off < c->prebuf.len) && wslay_event_want_read(c->ws)) {
        if (wslay_event_recv(c->ws) != 0)
            c->ws_io_error = true;
        if (!c->ws)
            return; /* a callback tore the connection down (it may not, but be safe) */
    }
    if (c->deferred_err) {
        /* a refused build_connection: no point in waiting for the server's close */
        client__fail(c, c->deferred_err, false, 0, NULL);
        return;
    }
    if (!c->ws_io_error && wslay_event_want_write(c->ws) && wslay_event_send(c->ws) != 0)
        c->ws_io_error = true;
    if (wslay_event_get_close_sent(c->ws) && c->timers.due[TIMER_CLOSE] < 0)
        timers__set(&c->timers, TIMER_CLOSE, clock__mono_ms() + CLOSE_TIMEOUT_MS);
    if (c->ws_io_error || (!wslay_event_want_read(c->ws) && !wslay_event_want_write(c->ws))) {
        finished(c);
        return;
    }
    /* more to read than this dispatch's budget, or decrypted bytes waiting
     * inside OpenSSL that epoll cannot see: make sure we are called again */
    if (c->read_more || (c->ssl && SSL_pending(c->ssl) > 0)) {
        c->read_more = false;
        loop__wake(c);
    }
}
