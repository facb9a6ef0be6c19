/* The WebSocket message layer, over wslay's framing layer (which parses and
 * builds frame headers, unmasks and masks): reassembles messages into one
 * buffer per connection, enforces RFC 6455 §5 (the rules wslay's event layer
 * used to), answers control frames and keeps a small queue of outgoing frames.
 * UTF-8 is checked once per complete text message, not byte by byte. */
#include <string.h>

#include "internal.h"

/* RFC 6455 7.4 and IANA's registry: the codes a close frame may carry on the
 * wire. 1012-1014 (service restart, try again later, bad gateway) are
 * registered and a server may well send them, though wslay's event layer
 * refused them; 1004-1006, 1015-2999 and 5000+ are refused. */
static bool valid_close_code(unsigned code)
{
    return (code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006) ||
           (code >= 3000 && code <= 4999);
}

/* Fails the connection (RFC 6455 7.1.7): a close frame with code, and nothing
 * more is read. When we are already closing, the close we queued stands. */
static void fail(zws_client *c, ws_conn *ws, uint16_t code, const char *why)
{
    log__emit(c, ZWS_LOG_DEBUG, "WebSocket: %s: closing with %u", why, (unsigned)code);
    ws->read_enabled = false;
    if (!ws->close_queued) {
        ws_frames__queue_close(ws, code, NULL, 0);
        ws->fail_code = code;
    }
}

int ws_frames__init(ws_conn *ws, const struct wslay_frame_callbacks *cb, void *user)
{
    memset(ws, 0, sizeof *ws);
    ws->read_enabled = true;
    return wslay_frame_context_init(&ws->frame, cb, user) == 0 ? 0 : ZWS_E_NOMEM;
}

void ws_frames__free(ws_conn *ws)
{
    if (ws->frame)
        wslay_frame_context_free(ws->frame);
    ws->frame = NULL;
    zbuf__free(&ws->msg);
    zbuf__free(&ws->out_data);
}

/* ------------------------------------------------------------ receiving */

/* The first bytes of a frame: its header is checked once, here. */
static bool frame_start(zws_client *c, ws_conn *ws, const struct wslay_frame_iocb *f)
{
    if (f->rsv) { /* no extension was negotiated */
        fail(c, ws, 1002, "reserved bits set");
        return false;
    }
    if (f->mask) { /* RFC 6455 5.1: a server never masks */
        fail(c, ws, 1002, "masked frame from the server");
        return false;
    }
    switch (f->opcode) {
    case WSLAY_CONTINUATION_FRAME:
        if (!ws->msg_opcode) {
            fail(c, ws, 1002, "continuation frame outside a message");
            return false;
        }
        break;
    case WSLAY_TEXT_FRAME:
    case WSLAY_BINARY_FRAME:
        if (ws->msg_opcode) {
            fail(c, ws, 1002, "new message inside a fragmented one");
            return false;
        }
        ws->msg_opcode = f->opcode;
        ws->msg_len = 0;
        break;
    case WSLAY_CONNECTION_CLOSE:
    case WSLAY_PING:
    case WSLAY_PONG: /* wslay_frame_recv has checked fin and the 125-byte limit */
        ws->ctrl_len = 0;
        break;
    default:
        fail(c, ws, 1002, "unknown opcode");
        return false;
    }
    /* the frame announces its length: refuse before buffering any of it */
    if (!wslay_is_ctrl_frame(f->opcode) &&
        ws->msg_len + f->payload_length > (uint64_t)c->max_message_bytes) {
        fail(c, ws, 1009, "message too big");
        return false;
    }
    ws->in_frame = true;
    ws->frame_opcode = f->opcode;
    ws->frame_fin = f->fin;
    ws->frame_left = f->payload_length;
    return true;
}

static void deliver_text(zws_client *c, ws_conn *ws, const uint8_t *p, size_t n)
{
    if (!utf8__valid(p, n)) {
        fail(c, ws, 1007, "text message that is not UTF-8");
        return;
    }
    client__on_frame(c, n ? (const char *)p : "", n);
}

static void on_close(zws_client *c, ws_conn *ws)
{
    uint16_t code = 0;
    size_t rlen = 0;
    if (ws->ctrl_len == 1) {
        fail(c, ws, 1002, "close frame with a 1-byte body");
        return;
    }
    if (ws->ctrl_len >= 2) {
        code = (uint16_t)(ws->ctrl[0] << 8 | ws->ctrl[1]);
        rlen = ws->ctrl_len - 2;
        if (!valid_close_code(code)) {
            fail(c, ws, 1002, "invalid close code");
            return;
        }
        if (!utf8__valid(ws->ctrl + 2, rlen)) {
            fail(c, ws, 1007, "close reason that is not UTF-8");
            return;
        }
    }
    c->close_code_rx = code ? code : 1005;
    if (rlen) /* at most 123 bytes: fits */
        memcpy(c->close_reason_rx, ws->ctrl + 2, rlen);
    c->close_reason_rx[rlen] = '\0';
    ws->close_received = true;
    ws->read_enabled = false;
    ws_frames__queue_close(ws, code, ws->ctrl + 2, rlen); /* the echo, unless we closed first */
}

/* A frame's last payload byte arrived. */
static void frame_end(zws_client *c, ws_conn *ws)
{
    ws->in_frame = false;
    switch (ws->frame_opcode) {
    case WSLAY_PING: /* a full queue or a close on its way: no pong, as RFC 6455 5.5.3 allows */
        ws_frames__queue(ws, WSLAY_PONG, ws->ctrl, ws->ctrl_len);
        return;
    case WSLAY_PONG:
        return;
    case WSLAY_CONNECTION_CLOSE:
        on_close(c, ws);
        return;
    default:
        break;
    }
    if (!ws->frame_fin)
        return;
    uint8_t op = ws->msg_opcode;
    ws->msg_opcode = 0;
    if (op == WSLAY_TEXT_FRAME)
        deliver_text(c, ws, (const uint8_t *)ws->msg.data, (size_t)ws->msg_len);
    else
        log__emit(c, ZWS_LOG_DEBUG, "ignored a binary message of %zu bytes", (size_t)ws->msg_len);
}

/* Adds payload bytes to the frame in progress. */
static int frame_chunk(ws_conn *ws, const uint8_t *p, size_t n)
{
    ws->frame_left -= n;
    if (wslay_is_ctrl_frame(ws->frame_opcode)) {
        memcpy(ws->ctrl + ws->ctrl_len, p, n); /* wslay keeps control frames within 125 bytes */
        ws->ctrl_len += n;
        return 0;
    }
    if (ws->msg_opcode == WSLAY_TEXT_FRAME && n) { /* binary is only counted */
        size_t need = (size_t)(ws->msg_len + n + ws->frame_left); /* the whole frame at once */
        if (ws->msg.cap < need && zbuf__reserve(&ws->msg, need) < 0)
            return -1;
        memcpy(ws->msg.data + ws->msg_len, p, n);
    }
    ws->msg_len += n;
    return 0;
}

int ws_frames__recv(zws_client *c)
{
    ws_conn *ws = c->ws;
    while (ws->read_enabled && !c->deferred_err) {
        struct wslay_frame_iocb f;
        ssize_t r = wslay_frame_recv(ws->frame, &f);
        if (r == WSLAY_ERR_WANT_READ)
            return 0; /* no more bytes now, or the transport failed (the glue knows) */
        if (r == WSLAY_ERR_PROTO) { /* bad lengths, control frames fragmented or > 125 */
            fail(c, ws, 1002, "malformed frame header");
            return 0;
        }
        if (r < 0)
            return -1;
        size_t n = (size_t)r;
        if (!ws->in_frame) {
            if (!frame_start(c, ws, &f))
                return 0;
            if (f.opcode == WSLAY_TEXT_FRAME && f.fin && n == f.payload_length) {
                /* the common case, a whole message in wslay's buffer: no copy */
                ws->in_frame = false;
                ws->msg_opcode = 0;
                deliver_text(c, ws, f.data, n);
                if (c->ws != ws)
                    return 0; /* a callback tore the connection down */
                continue;
            }
        }
        if (frame_chunk(ws, f.data, n) < 0)
            return -1;
        if (ws->frame_left == 0) {
            frame_end(c, ws);
            if (c->ws != ws)
                return 0;
        }
    }
    return 0;
}

/* ------------------------------------------------------------ sending */

static int push(ws_conn *ws, uint8_t opcode, const void *data, size_t len)
{
    zbuf *b = &ws->out_data;
    if (ws->out_off) { /* drop payloads already sent (wslay keeps no pointer into them) */
        memmove(b->data, b->data + ws->out_off, b->len - ws->out_off);
        b->len -= ws->out_off;
        ws->out_off = 0;
    }
    if (zbuf__append(b, data, len) < 0)
        return ZWS_E_NOMEM;
    ws->out[(ws->out_head + ws->out_count) % WS_OUT_MAX] = (struct ws_out){opcode, len};
    ws->out_count++;
    return 0;
}

int ws_frames__queue(ws_conn *ws, uint8_t opcode, const void *data, size_t len)
{
    if (ws->close_queued || ws->out_count >= WS_OUT_MAX - 1)
        return ZWS_E_STATE;
    if (wslay_is_ctrl_frame(opcode) && (opcode == WSLAY_CONNECTION_CLOSE || len > 125))
        return ZWS_E_INVALID;
    return push(ws, opcode, data, len);
}

void ws_frames__queue_close(ws_conn *ws, uint16_t code, const void *reason, size_t len)
{
    if (ws->close_queued)
        return;
    uint8_t body[125];
    size_t n = 0;
    if (code) {
        body[0] = (uint8_t)(code >> 8);
        body[1] = (uint8_t)code;
        n = len > sizeof body - 2 ? sizeof body - 2 : len;
        if (n)
            memcpy(body + 2, reason, n);
        n += 2;
    }
    if (push(ws, WSLAY_CONNECTION_CLOSE, body, n) == 0) /* the slot kept for it is free */
        ws->close_queued = true;
}

bool ws_frames__want_write(const ws_conn *ws)
{
    return ws->out_count > 0 && !ws->close_sent;
}

int ws_frames__send(ws_conn *ws)
{
    while (ws_frames__want_write(ws)) {
        const struct ws_out *o = &ws->out[ws->out_head];
        /* the same frame until wslay has sent all of it: it resumes a partly
         * sent header by itself and takes the rest of the payload from us */
        struct wslay_frame_iocb f = {
            .fin = 1,
            .opcode = o->opcode,
            .mask = 1, /* RFC 6455 5.3: a client masks every frame */
            .payload_length = o->len,
            .data = o->len ? (const uint8_t *)ws->out_data.data + ws->out_off + ws->out_sent : NULL,
            .data_length = o->len - ws->out_sent,
        };
        ssize_t r = wslay_frame_send(ws->frame, &f);
        if (r == WSLAY_ERR_WANT_WRITE)
            return 0; /* blocked, or the transport failed (the glue knows) */
        if (r < 0)
            return -1;
        ws->out_sent += (size_t)r;
        if (ws->out_sent < o->len) {
            if (r == 0)
                return 0; /* (wslay reports no progress as WANT_WRITE; be safe) */
            continue;
        }
        if (o->opcode == WSLAY_CONNECTION_CLOSE) {
            ws->close_sent = true; /* nothing follows a close */
            ws->out_count = 0;
        } else {
            ws->out_off += o->len;
            ws->out_head = (ws->out_head + 1) % WS_OUT_MAX;
            ws->out_count--;
        }
        ws->out_sent = 0;
        if (!ws->out_count)
            ws->out_data.len = ws->out_off = ws->out_head = 0;
    }
    return 0;
}
