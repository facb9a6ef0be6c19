/* The WebSocket connection: wslay's framing layer reads and writes through
 * the TLS transport (bytes after the upgrade response first, within a read
 * budget per dispatch), masks with OpenSSL randomness; ws_frames.c makes
 * messages of the frames. Here: when to read and write, and how the
 * connection ended. A refusal found while a frame is handled (deferred_err)
 * is acted on after the frame layer returns, so nothing is freed under it. */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "internal.h"

#define CLOSE_TIMEOUT_MS 5000

/* Bytes read in one dispatch before yielding to timers, stop requests and the
 * application's other fds; the fd is kept readable so the next dispatch goes on. */
#define READ_BUDGET (256 * 1024)

/* wslay_frame_recv reads through here. -1 stops it (it answers
 * WSLAY_ERR_WANT_READ); c says why: read_more (budget used or a stop
 * request), ws_io_error (EOF or failure), or neither (would block). */
static ssize_t on_recv(uint8_t *buf, size_t len, int flags, void *user)
{
    (void)flags;
    zws_client *c = user;
    ssize_t n;
    if (c->read_this_dispatch >= READ_BUDGET || atomic_load(&c->stop_requested)) {
        c->read_more = true;
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
    return -1;
}

/* wslay_frame_send writes through here; -1 makes it answer WSLAY_ERR_WANT_WRITE. */
static ssize_t on_send(const uint8_t *data, size_t len, int flags, void *user)
{
    (void)flags;
    zws_client *c = user;
    ssize_t n = transport__write(c, data, len);
    if (n > 0)
        return n;
    if (n < 0)
        c->ws_io_error = true;
    return -1;
}

static int on_genmask(uint8_t *buf, size_t len, void *user)
{
    (void)user;
    return RAND_bytes(buf, (int)len) == 1 ? 0 : -1;
}

int ws__start(zws_client *c, const char *pre, size_t prelen)
{
    static const struct wslay_frame_callbacks callbacks = {
        .send_callback = on_send,
        .recv_callback = on_recv,
        .genmask_callback = on_genmask,
    };
    ws_conn *ws = malloc(sizeof *ws);
    if (!ws)
        return ZWS_E_NOMEM;
    if (ws_frames__init(ws, &callbacks, c) < 0) {
        ws_frames__free(ws);
        free(ws);
        return ZWS_E_NOMEM;
    }
    c->ws = ws;
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
        ws_frames__free(c->ws);
        free(c->ws);
        c->ws = NULL;
    }
    zbuf__free(&c->prebuf);
    c->prebuf_off = 0;
}

bool ws__wants_write(const zws_client *c)
{
    return c->ws && ws_frames__want_write(c->ws);
}

int ws__send_text(zws_client *c, const char *text, size_t len)
{
    if (!c->ws)
        return ZWS_E_STATE;
    return ws_frames__queue(c->ws, WSLAY_TEXT_FRAME, text, len) == 0 ? 0 : ZWS_E_STATE;
}

void ws__close(zws_client *c, uint16_t code, const char *reason)
{
    if (!c->ws)
        return;
    ws_frames__queue_close(c->ws, code, reason, reason ? strlen(reason) : 0);
    timers__set(&c->timers, TIMER_CLOSE, clock__mono_ms() + CLOSE_TIMEOUT_MS);
}

/* The connection is over (or broken): report how. */
static void finished(zws_client *c)
{
    /* the close we started over a violation, if it went out (not an echo:
     * a server's own close with 1009 is reported as the server's close) */
    int ours = c->ws->close_sent ? c->ws->fail_code : 0;
    bool received = c->ws->close_received;
    if (c->state == ZWS_STATE_CLOSING && (received || !c->ws_io_error)) {
        client__closed(c);
        return;
    }
    if (c->deferred_err) {
        client__fail(c, c->deferred_err, false, 0, NULL);
    } else if (ours == 1009) {
        client__error(c, ZWS_E_TOO_BIG, "server ours a message larger than %lld bytes: closed with 1009",
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
    } else if (ours == 1002 || ours == 1007) {
        client__error(c, ZWS_E_PROTOCOL, "server violated the WebSocket protocol (%s): closed with %d",
                      ours == 1002 ? "bad framing" : "text that is not UTF-8",
                      ours);
        client__fail(c, ZWS_E_PROTOCOL, false, ours, NULL);
    } else {
        client__error(c, ZWS_E_CLOSED, "connection to %s:%d dropped without a close frame",
                      c->url.host, c->url.port);
        client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
    }
}

void ws__io(zws_client *c, bool readable)
{
    ws_conn *ws = c->ws;
    if (!ws)
        return;
    if ((readable || c->prebuf_off < c->prebuf.len) && ws->read_enabled) {
        if (ws_frames__recv(c) < 0)
            c->ws_io_error = true;
        if (c->ws != ws)
            return; /* a callback tore the connection down (it may not, but be safe) */
    }
    if (c->deferred_err) {
        /* a refused build_connection: no point in waiting for the server's close */
        client__fail(c, c->deferred_err, false, 0, NULL);
        return;
    }
    if (!c->ws_io_error && ws_frames__want_write(ws) && ws_frames__send(ws) < 0)
        c->ws_io_error = true;
    if (ws->close_sent && c->timers.due[TIMER_CLOSE] < 0)
        timers__set(&c->timers, TIMER_CLOSE, clock__mono_ms() + CLOSE_TIMEOUT_MS);
    if (c->ws_io_error || (!ws->read_enabled && !ws_frames__want_write(ws))) {
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
