#include "ws.h"
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <wslay/wslay.h>

#include "config.h"
#include "conn.h"
#include "http.h"
#include "log.h"
#include "oauth.h"
#include "playback.h"
#include "stats.h"
#include "util.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Backpressure: at most this many messages wait inside wslay per
 * connection; the generator waits for room (rate 0). */
#define WS_QUEUE_LIMIT 32
/* How long we wait for the peer's close frame (or for a stuck flush). */
#define WS_CLOSE_TIMEOUT_MS 5000
#define WS_MAX_RECV_MSG (16u << 20)

static const char HEARTBEAT_REPLY[] =
    "{\"module\":\"heartbeat\",\"success\":true,\"content\":\"live\",\"header\":{}}";
static const char BUILD_OK[] =
    "{\"module\":\"build_connection\",\"success\":true,\"content\":\"connected\",\"header\":{}}";

/* A /_mock/send message split into frames by wslay's fragmented API. */
struct frag_src {
    struct frag_src *next;
    char *data;
    size_t len, off;
    unsigned fragments, index; /* logical fragments, the current one */
    size_t frag_left;          /* bytes left in the current fragment */
};

struct ws_state {
    wslay_event_context_ptr ctx;
    bool open;              /* see ws_is_open() */
    bool stalled;           /* /_mock/stall: ignore the peer, send nothing */
    bool drop_when_flushed; /* --drop-after reached */
    bool drop_after_close;  /* idle timeout: drop once the close frame is out */
    uint64_t token_expiry_ms;
    uint64_t close_deadline_ms; /* 0 while not closing */
    uint64_t events_sent;
    struct frag_src *frags;
    /* Our close frame waits here until the data queued before it is out:
     * wslay would otherwise send control frames first. */
    bool close_pending;
    uint16_t close_code;
    size_t close_reason_len;
    char close_reason[124];
};

static bool g_drop_after_used; /* --drop-after fires once per process */

static void leave_open(struct conn *c)
{
    if (c->ws->open) {
        c->ws->open = false;
        g_stats.ws_open--;
    }
}

/* No longer open; make sure the connection goes away even if the peer
 * never answers. */
static void mark_closing(struct conn *c)
{
    struct ws_state *ws = c->ws;
    leave_open(c);
    if (!ws->close_deadline_ms) {
        ws->close_deadline_ms = mono_ms() + WS_CLOSE_TIMEOUT_MS;
        conn_schedule(ws->close_deadline_ms);
    }
}

/* Queues the pending close once nothing else is queued. */
static void release_close(struct ws_state *ws)
{
    if (!ws->close_pending)
        return;
    /* The peer closed first (wslay answers that itself) or writing is over:
     * our close can no longer go out, and must not keep us polling. */
    if (wslay_event_get_close_received(ws->ctx) || !wslay_event_get_write_enabled(ws->ctx)) {
        ws->close_pending = false;
        return;
    }
    if (wslay_event_get_queued_msg_count(ws->ctx) == 0) {
        ws->close_pending = false;
        wslay_event_queue_close(ws->ctx, ws->close_code, (const uint8_t *)ws->close_reason,
                                ws->close_reason_len);
    }
}

/* A close frame that goes out after everything already queued. */
static void queue_close_ordered(struct conn *c, uint16_t code, const char *reason)
{
    struct ws_state *ws = c->ws;
    if (ws->close_pending || wslay_event_get_close_sent(ws->ctx))
        return;
    size_t n = strlen(reason);
    if (n > 123)
        n = 123; /* RFC 6455 control frame limit */
    ws->close_pending = true;
    ws->close_code = code;
    memcpy(ws->close_reason, reason, n);
    ws->close_reason_len = n;
    release_close(ws);
}

static int queue_text(struct conn *c, const char *s, size_t n)
{
    struct wslay_event_msg m = {WSLAY_TEXT_FRAME, (const uint8_t *)s, n};
    return wslay_event_queue_msg(c->ws->ctx, &m);
}

/* ---- wslay callbacks ---- */

static ssize_t recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
                       void *user_data)
{
    (void)flags;
    struct conn *c = user_data;
    size_t have = buf_avail(&c->in); /* bytes read along with the upgrade */
    if (have > 0) {
        size_t n = have < len ? have : len;
        memcpy(buf, buf_ptr(&c->in), n);
        buf_consume(&c->in, n);
        if (buf_avail(&c->in) == 0)
            buf_free(&c->in); /* not needed again; matters with many sockets */
        return (ssize_t)n;
    }
    ssize_t n = conn_tls_read(c, buf, len);
    if (n > 0)
        return n;
    wslay_event_set_error(ctx, n == 0 ? WSLAY_ERR_WOULDBLOCK : WSLAY_ERR_CALLBACK_FAILURE);
    return -1;
}

/* Frames go to our buffer, not the socket, so a blocked SSL_write never
 * leaves wslay mid-frame with retry constraints of its own. */
static ssize_t send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags,
                       void *user_data)
{
    (void)flags;
    struct conn *c = user_data;
    if (buf_avail(&c->out) >= CONN_OUT_CAP) {
        wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
        return -1;
    }
    buf_append(&c->out, data, len);
    return (ssize_t)len;
}

static bool is_heartbeat(const uint8_t *msg, size_t len)
{
    if (len == 0)
        return false;
    json_error_t err;
    json_t *j = json_loadb((const char *)msg, len, 0, &err);
    if (!j)
        return false;
    json_t *m = json_object_get(j, "module");
    bool hb = json_is_string(m) && strcmp(json_string_value(m), "heartbeat") == 0;
    json_decref(j);
    return hb;
}

static void on_msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *arg,
                      void *user_data)
{
    (void)ctx;
    struct conn *c = user_data;
    switch (arg->opcode) {
    case WSLAY_TEXT_FRAME:
        if (is_heartbeat(arg->msg, arg->msg_length)) {
            g_stats.heartbeats++;
            g_stats.last_heartbeat_ms = wall_ms();
            queue_text(c, HEARTBEAT_REPLY, sizeof HEARTBEAT_REPLY - 1);
            log_debug("conn %llu: heartbeat", (unsigned long long)c->id);
        } else {
            g_stats.other_client_frames++;
            log_debug("conn %llu: other text frame (%zu bytes)", (unsigned long long)c->id,
                      arg->msg_length);
        }
        break;
    case WSLAY_BINARY_FRAME:
        g_stats.other_client_frames++;
        break;
    case WSLAY_PONG:
        g_stats.pongs++;
        break;
    case WSLAY_CONNECTION_CLOSE:
        /* wslay has already queued the echoing close frame. */
        g_stats.closes_received++;
        g_stats.last_close_code = arg->status_code ? arg->status_code : 1005;
        log_debug("conn %llu: close frame %d received", (unsigned long long)c->id,
                  g_stats.last_close_code);
        mark_closing(c);
        break;
    default:
        break; /* pings are answered by wslay */
    }
}

static ssize_t frag_read_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len,
                            const union wslay_event_msg_source *source, int *eof, void *user_data)
{
    (void)ctx;
    struct conn *c = user_data;
    struct frag_src *f = source->data;
    /* Each call becomes one frame. Sizes differ by at most one byte so the
     * count is exactly N; a fragment larger than wslay's 4 KB buffer (len)
     * goes out as several frames. */
    if (f->frag_left == 0) {
        f->frag_left = f->len / f->fragments + (f->index < f->len % f->fragments ? 1 : 0);
        f->index++;
    }
    size_t n = f->frag_left < len ? f->frag_left : len;
    f->frag_left -= n;
    memcpy(buf, f->data + f->off, n);
    f->off += n;
    if (f->off == f->len) {
        *eof = 1;
        for (struct frag_src **pp = &c->ws->frags; *pp; pp = &(*pp)->next) {
            if (*pp == f) {
                *pp = f->next;
                break;
            }
        }
        free(f->data);
        free(f);
    }
    return (ssize_t)n;
}

/* ---- upgrade and build_connection ---- */

static void bad_upgrade(struct conn *c, struct http_req *r, const char *why, bool version)
{
    log_debug("conn %llu: bad upgrade: %s", (unsigned long long)c->id, why);
    char body[160];
    snprintf(body, sizeof body, "{\"error\":\"bad_request\",\"reason\":\"%s\"}", why);
    http_respond(c, r, 400, "application/json", version ? "Sec-WebSocket-Version: 13\r\n" : NULL,
                 body, strlen(body));
}

static bool valid_key(const char *key)
{
    if (!key || strlen(key) != 24)
        return false;
    size_t n = 0;
    unsigned char *raw = b64_decode(key, 24, &n);
    bool ok = raw && n == 16;
    free(raw);
    return ok;
}

static char *accept_value(const char *key)
{
    char in[64 + sizeof WS_GUID];
    int n = snprintf(in, sizeof in, "%s%s", key, WS_GUID);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    if (EVP_Digest(in, (size_t)n, md, &mdlen, EVP_sha1(), NULL) != 1)
        return NULL;
    return b64_encode(md, mdlen);
}

static void build_failed(struct conn *c, const char *content)
{
    struct buf frame = {0};
    buf_appends(&frame, "{\"module\":\"build_connection\",\"success\":false,\"content\":\"");
    json_escape_append(&frame, content, strlen(content));
    buf_appends(&frame, "\",\"header\":{}}");
    queue_text(c, buf_ptr(&frame), buf_avail(&frame));
    buf_free(&frame);
    queue_close_ordered(c, 1000, "");
    mark_closing(c);
    g_stats.build_fail++;
    log_info("conn %llu: build_connection failed: %s", (unsigned long long)c->id, content);
}

static void start_drop_after(struct conn *c)
{
    g_drop_after_used = true;
    c->ws->drop_when_flushed = true;
    mark_closing(c); /* bounded wait for the flush, then dropped anyway */
    log_info("conn %llu: --drop-after %lld reached, dropping once flushed",
             (unsigned long long)c->id, (long long)g_cfg.drop_after);
}

static void build_succeeded(struct conn *c, uint64_t token_expiry)
{
    struct ws_state *ws = c->ws;
    if (g_cfg.replace) {
        for (struct conn *o = g_conns; o; o = o->next) {
            if (o != c && ws_is_open(o)) {
                log_info("conn %llu: replaced by conn %llu", (unsigned long long)o->id,
                         (unsigned long long)c->id);
                ws_close(o, 1000, "connection replaced");
            }
        }
    }
    queue_text(c, BUILD_OK, sizeof BUILD_OK - 1);
    ws->open = true;
    ws->token_expiry_ms = token_expiry;
    g_stats.ws_open++;
    g_stats.build_ok++;
    if (g_cfg.idle_timeout_ms > 0)
        conn_schedule(c->last_recv_ms + (uint64_t)g_cfg.idle_timeout_ms);
    if (g_cfg.close_at_token_expiry)
        conn_schedule(token_expiry);
    log_info("conn %llu: build_connection ok", (unsigned long long)c->id);
    if (g_cfg.drop_after == 0 && !g_drop_after_used)
        start_drop_after(c);
    playback_on_connect();
}

void ws_handle_upgrade(struct conn *c, struct http_req *r)
{
    int fault_status = 0;
    switch (faults_take_upgrade(&fault_status)) {
    case FAULT_STATUS:
        log_info("conn %llu: injected upgrade failure %d", (unsigned long long)c->id, fault_status);
        http_respond_json(c, r, fault_status, "{\"error\":\"injected upgrade failure\"}");
        return;
    case FAULT_STALL:
        log_info("conn %llu: upgrade left unanswered", (unsigned long long)c->id);
        return;
    case FAULT_CLOSE:
        conn_close(c, false);
        return;
    case FAULT_BAD_ACCEPT:
        buf_printf(&c->out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\r\n");
        return;
    default:
        break;
    }
    const char *key = http_header(r, "Sec-WebSocket-Key");
    const char *version = http_header(r, "Sec-WebSocket-Version");
    if (strcmp(r->method, "GET") != 0 || r->minor < 1) {
        bad_upgrade(c, r, "GET with HTTP/1.1 required", false);
        return;
    }
    if (!header_has_token(http_header(r, "Upgrade"), "websocket") ||
        !header_has_token(http_header(r, "Connection"), "upgrade")) {
        bad_upgrade(c, r, "not a WebSocket upgrade", false);
        return;
    }
    if (!version || strcmp(version, "13") != 0) {
        bad_upgrade(c, r, "unsupported Sec-WebSocket-Version", true);
        return;
    }
    if (!valid_key(key)) {
        bad_upgrade(c, r, "bad Sec-WebSocket-Key", false);
        return;
    }
    char *accept = accept_value(key);
    struct ws_state *ws = calloc(1, sizeof *ws);
    struct wslay_event_callbacks cbs = {recv_cb, send_cb, NULL, NULL, NULL, NULL, on_msg_cb};
    if (!accept || !ws || wslay_event_context_server_init(&ws->ctx, &cbs, c) != 0) {
        free(accept);
        free(ws);
        conn_close(c, false);
        return;
    }
    wslay_event_config_set_max_recv_msg_length(ws->ctx, WS_MAX_RECV_MSG);
    /* No Sec-WebSocket-Extensions in the answer: extensions never apply. */
    buf_printf(&c->out,
               "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
               "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n",
               accept);
    free(accept);
    c->ws = ws;
    c->state = CS_WS;
    g_stats.ws_upgrades++;

    /* Zoom accepts the upgrade whatever the token and answers in-band. */
    char *token = http_query_param(r, "access_token");
    char *sub = http_query_param(r, "subscriptionId");
    uint64_t expiry = 0;
    if (!token || !*token)
        build_failed(c, "token is empty");
    else if (!(expiry = oauth_token_expiry(token)))
        build_failed(c, g_cfg.fail_frame);
    else if (!sub || strcmp(sub, g_cfg.subscription) != 0)
        build_failed(c, "Invalid subscription id");
    else
        build_succeeded(c, expiry);
    free(token);
    free(sub);
    conn_mark_dirty(c);
}

void ws_on_readable(struct conn *c)
{
    struct ws_state *ws = c->ws;
    if (ws->stalled || !wslay_event_get_read_enabled(ws->ctx)) {
        /* Nobody listens any more: discard input, only notice EOF. */
        char scratch[4096];
        buf_consume(&c->in, buf_avail(&c->in));
        for (;;) {
            ssize_t n = conn_tls_read(c, scratch, sizeof scratch);
            if (n > 0)
                continue;
            if (n < 0)
                conn_close(c, false);
            return;
        }
    }
    if (wslay_event_recv(ws->ctx) != 0) {
        log_debug("conn %llu: peer went away", (unsigned long long)c->id);
        conn_close(c, false);
        return;
    }
    conn_mark_dirty(c);
}

/* ---- send side ---- */

int ws_produce(struct conn *c)
{
    struct ws_state *ws = c->ws;
    if (ws->stalled)
        return 0;
    for (;;) {
        release_close(ws);
        if (buf_avail(&c->out) >= CONN_OUT_CAP || !wslay_event_want_write(ws->ctx))
            return 0;
        if (wslay_event_send(ws->ctx) != 0)
            return -1;
        if (!ws->close_pending || wslay_event_get_queued_msg_count(ws->ctx) != 0)
            return 0;
    }
}

bool ws_want_write(const struct conn *c)
{
    return !c->ws->stalled && (c->ws->close_pending || wslay_event_want_write(c->ws->ctx));
}

bool ws_want_read(const struct conn *c)
{
    return c->ws->stalled || wslay_event_get_read_enabled(c->ws->ctx);
}

void ws_after_flush(struct conn *c)
{
    struct ws_state *ws = c->ws;
    bool out_empty = buf_avail(&c->out) == 0;
    if (ws->stalled)
        return;
    if (ws->drop_when_flushed && out_empty && !wslay_event_want_write(ws->ctx)) {
        log_info("conn %llu: dropped after %llu events", (unsigned long long)c->id,
                 (unsigned long long)ws->events_sent);
        conn_close(c, false);
        return;
    }
    if (ws->drop_after_close && out_empty && wslay_event_get_close_sent(ws->ctx)) {
        conn_close(c, false);
        return;
    }
    /* wslay closes on its own after protocol errors and peer close frames. */
    if (ws->open && (!wslay_event_get_read_enabled(ws->ctx) ||
                     !wslay_event_get_write_enabled(ws->ctx)))
        mark_closing(c);
    /* Close handshake complete (both directions done). */
    if (!wslay_event_get_read_enabled(ws->ctx) && !ws_want_write(c) && out_empty)
        conn_close(c, true);
}

uint64_t ws_housekeeping(struct conn *c, uint64_t now)
{
    struct ws_state *ws = c->ws;
    if (ws->close_deadline_ms && now >= ws->close_deadline_ms) {
        log_debug("conn %llu: close handshake timed out", (unsigned long long)c->id);
        conn_close(c, false);
        return UINT64_MAX;
    }
    uint64_t idle = (uint64_t)g_cfg.idle_timeout_ms;
    if (ws->open && idle > 0 && now >= c->last_recv_ms + idle) {
        log_info("conn %llu: nothing received for %llu ms, closing", (unsigned long long)c->id,
                 (unsigned long long)idle);
        ws->drop_after_close = true;
        ws_close(c, 1001, "heartbeat timeout");
    }
    if (ws->open && g_cfg.close_at_token_expiry && now >= ws->token_expiry_ms) {
        log_info("conn %llu: token expired, closing", (unsigned long long)c->id);
        ws_close(c, 1000, "token expired");
    }
    uint64_t next = ws->close_deadline_ms ? ws->close_deadline_ms : UINT64_MAX;
    if (ws->open && idle > 0 && c->last_recv_ms + idle < next)
        next = c->last_recv_ms + idle;
    if (ws->open && g_cfg.close_at_token_expiry && ws->token_expiry_ms < next)
        next = ws->token_expiry_ms;
    return next;
}

void ws_on_conn_close(struct conn *c) { leave_open(c); }

void ws_free(struct conn *c)
{
    struct ws_state *ws = c->ws;
    if (!ws)
        return;
    while (ws->frags) {
        struct frag_src *f = ws->frags;
        ws->frags = f->next;
        free(f->data);
        free(f);
    }
    wslay_event_context_free(ws->ctx);
    free(ws);
    c->ws = NULL;
}

void ws_shutdown(struct conn *c)
{
    if (c->ws->open)
        queue_close_ordered(c, 1001, "server shutdown");
    leave_open(c);
}

bool ws_is_open(const struct conn *c) { return c->ws && !c->dead && c->ws->open; }

size_t ws_queue_room(const struct conn *c)
{
    size_t queued = wslay_event_get_queued_msg_count(c->ws->ctx);
    return queued >= WS_QUEUE_LIMIT ? 0 : WS_QUEUE_LIMIT - queued;
}

void ws_send_event(struct conn *c, const char *env, size_t len)
{
    struct ws_state *ws = c->ws;
    if (queue_text(c, env, len) != 0)
        return;
    g_stats.events_sent++;
    ws->events_sent++;
    if (g_cfg.drop_after >= 0 && !g_drop_after_used &&
        ws->events_sent >= (uint64_t)g_cfg.drop_after)
        start_drop_after(c);
    conn_mark_dirty(c);
}

/* ---- control actions ---- */

void ws_drop(struct conn *c, bool rst)
{
    if (rst) {
        /* Zero linger turns close() into a TCP RST. */
        struct linger l = {.l_onoff = 1, .l_linger = 0};
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    log_debug("conn %llu: dropped by control request", (unsigned long long)c->id);
    conn_close(c, false);
}

void ws_close(struct conn *c, uint16_t code, const char *reason)
{
    queue_close_ordered(c, code, reason ? reason : "");
    mark_closing(c);
    conn_mark_dirty(c);
}

void ws_send_raw(struct conn *c, bool binary, const char *p, size_t n, unsigned fragments)
{
    uint8_t opcode = binary ? WSLAY_BINARY_FRAME : WSLAY_TEXT_FRAME;
    if (fragments > n)
        fragments = (unsigned)n;
    if (fragments <= 1) {
        struct wslay_event_msg m = {opcode, (const uint8_t *)p, n};
        wslay_event_queue_msg(c->ws->ctx, &m);
    } else {
        struct frag_src *f = calloc(1, sizeof *f);
        char *copy = malloc(n);
        if (!f || !copy) {
            free(f);
            free(copy);
            return;
        }
        memcpy(copy, p, n);
        f->data = copy;
        f->len = n;
        f->fragments = fragments;
        struct wslay_event_fragmented_msg m = {
            .opcode = opcode, .source.data = f, .read_callback = frag_read_cb};
        if (wslay_event_queue_fragmented_msg(c->ws->ctx, &m) != 0) {
            free(copy);
            free(f);
            return;
        }
        f->next = c->ws->frags;
        c->ws->frags = f;
    }
    conn_mark_dirty(c);
}

void ws_ping(struct conn *c)
{
    struct wslay_event_msg m = {WSLAY_PING, (const uint8_t *)"mock", 4};
    wslay_event_queue_msg(c->ws->ctx, &m);
    conn_mark_dirty(c);
}

void ws_stall(struct conn *c)
{
    c->ws->stalled = true;
    leave_open(c);
}

void ws_token_revoked(struct conn *c)
{
    if (g_cfg.close_at_token_expiry && ws_is_open(c)) {
        log_info("conn %llu: token revoked, closing", (unsigned long long)c->id);
        ws_close(c, 1000, "token expired");
    }
}
