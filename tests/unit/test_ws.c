/* The WebSocket message layer (lib/ws_frames.c through lib/ws.c) against a
 * scripted server: the client's socket is one end of a socketpair (no TLS:
 * with c->ssl NULL the transport uses the fd directly), the test writes raw
 * frames into the other end and reads back, unmasked, what the client sent.
 * Covers what the mock cannot send: masked, reserved-bit and unknown-opcode
 * frames, oversized or fragmented control frames, bad close frames,
 * fragmentation errors; and writes that block half-way. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

/* ------------------------------------------------------------ a client on a socketpair */

typedef struct {
    int state, error, close_code, states;
    char close_reason[128];
    int events;
    char last_json[8192];
    size_t last_json_len;
} seen;

static void on_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c;
    seen *s = user;
    s->states++;
    s->state = zws_status_state(st);
    s->error = zws_status_error(st);
    s->close_code = zws_status_close_code(st);
    snprintf(s->close_reason, sizeof s->close_reason, "%s", zws_status_close_reason(st));
}

static void on_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)c;
    seen *s = user;
    s->events++;
    s->last_json_len = zws_event_json_len(ev);
    assert_true(s->last_json_len < sizeof s->last_json);
    memcpy(s->last_json, zws_event_json(ev), s->last_json_len + 1);
}

typedef struct {
    zws_client *c;
    int peer;
    seen s;
} conn;

static void start(conn *k)
{
    memset(k, 0, sizeof *k);
    zws_client *c = zws_client_new();
    assert_non_null(c);
    zws_client_set_state_cb(c, on_state, &k->s);
    assert_true(zws_client_on(c, "*", on_event, &k->s) > 0);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    c->fd = sv[0];
    k->peer = sv[1];
    assert_int_equal(url__parse("wss://ws.zoom.us/ws", &c->url), 0);
    c->state = ZWS_STATE_UPGRADING;
    assert_int_equal(ws__start(c, NULL, 0), 0);
    k->c = c;
}

static void stop(conn *k)
{
    close(k->peer);
    zws_client_free(k->c);
}

/* A server frame: unmasked unless mask is set. Returns its length. */
static size_t frame(uint8_t *out, int fin, int rsv, int opcode, int mask, const void *payload,
                    size_t len)
{
    size_t n = 0;
    out[n++] = (uint8_t)((fin ? 0x80 : 0) | (rsv << 4) | opcode);
    uint8_t m = mask ? 0x80 : 0;
    if (len < 126) {
        out[n++] = (uint8_t)(m | len);
    } else if (len < 65536) {
        out[n++] = m | 126;
        out[n++] = (uint8_t)(len >> 8);
        out[n++] = (uint8_t)len;
    } else {
        out[n++] = m | 127;
        for (int i = 7; i >= 0; i--)
            out[n++] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    static const uint8_t key[4] = {0x11, 0x22, 0x33, 0x44};
    if (mask) {
        memcpy(out + n, key, 4);
        n += 4;
    }
    for (size_t i = 0; i < len; i++)
        out[n + i] = ((const uint8_t *)payload)[i] ^ (mask ? key[i % 4] : 0);
    return n + len;
}

/* Writes bytes as the server and lets the client handle them. */
static void server_sends(conn *k, const void *bytes, size_t len)
{
    assert_int_equal(send(k->peer, bytes, len, MSG_NOSIGNAL), (ssize_t)len);
    if (k->c->fd >= 0)
        transport__io(k->c, EPOLLIN);
}

static void server_frame(conn *k, int fin, int rsv, int opcode, int mask, const void *p, size_t len)
{
    uint8_t *b = malloc(len + 14);
    assert_non_null(b);
    server_sends(k, b, frame(b, fin, rsv, opcode, mask, p, len));
    free(b);
}

static void server_text(conn *k, const char *s)
{
    server_frame(k, 1, 0, 0x1, 0, s, strlen(s));
}

static const char build_ok[] = "{\"module\":\"build_connection\",\"success\":true}";
static const char event_msg[] = "{\"module\":\"message\",\"content\":\"{\\\"event\\\":\\\"meeting.started\\\","
                                "\\\"event_ts\\\":5,\\\"payload\\\":{\\\"k\\\":\\\"caf\xc3\xa9\\\"}}\"}";
static const char event_json[] = "{\"event\":\"meeting.started\",\"event_ts\":5,\"payload\":{\"k\":\"caf\xc3\xa9\"}}";

static void open_conn(conn *k)
{
    start(k);
    server_text(k, build_ok);
    assert_int_equal(zws_client_state(k->c), ZWS_STATE_OPEN);
}

/* What the client sent, as frames (each must be masked, as RFC 6455 wants). */
typedef struct {
    int count;
    struct { int fin, opcode; size_t len; uint8_t payload[256 * 1024]; } f[4];
} client_frames;

static size_t read_all(int fd, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    for (;;) {
        ssize_t r = recv(fd, buf + n, cap - n, MSG_DONTWAIT);
        if (r <= 0)
            break;
        n += (size_t)r;
        assert_true(n < cap);
    }
    return n;
}

static void parse_frames(const uint8_t *b, size_t n, client_frames *out)
{
    out->count = 0;
    size_t i = 0;
    while (i < n) {
        assert_true(out->count < 4);
        assert_true(n - i >= 2);
        int fin = b[i] >> 7, opcode = b[i] & 0xf;
        assert_int_equal(b[i] & 0x70, 0);      /* no reserved bits */
        assert_int_equal(b[i + 1] & 0x80, 0x80); /* masked */
        uint64_t len = b[i + 1] & 0x7f;
        i += 2;
        if (len == 126) {
            len = (uint64_t)b[i] << 8 | b[i + 1];
            i += 2;
        } else if (len == 127) {
            len = 0;
            for (int j = 0; j < 8; j++)
                len = len << 8 | b[i + j];
            i += 8;
        }
        const uint8_t *key = b + i;
        i += 4;
        assert_true(n - i >= len);
        assert_true(len <= sizeof out->f[0].payload);
        for (size_t j = 0; j < len; j++)
            out->f[out->count].payload[j] = b[i + j] ^ key[j % 4];
        out->f[out->count].fin = fin;
        out->f[out->count].opcode = opcode;
        out->f[out->count].len = (size_t)len;
        out->count++;
        i += (size_t)len;
    }
}

static client_frames *client_sent(conn *k)
{
    static uint8_t buf[600 * 1024];
    static client_frames cf;
    parse_frames(buf, read_all(k->peer, buf, sizeof buf), &cf);
    return &cf;
}

static int close_code_of(const client_frames *cf, int i)
{
    assert_int_equal(cf->f[i].opcode, 0x8);
    assert_true(cf->f[i].len >= 2);
    return cf->f[i].payload[0] << 8 | cf->f[i].payload[1];
}

/* The client failed the connection with code: it said so in a close frame,
 * reported error, and went on to reconnect. */
static void assert_failed_with(conn *k, int code, int error)
{
    client_frames *cf = client_sent(k);
    assert_int_equal(cf->count, 1);
    assert_int_equal(close_code_of(cf, 0), code);
    assert_int_equal(k->s.state, ZWS_STATE_BACKOFF);
    assert_int_equal(k->s.error, error);
    assert_int_equal(k->s.close_code, code);
    assert_true(k->c->fd < 0 && !k->c->ws);
}

/* ------------------------------------------------------------ messages */

static void fragmented_text_is_reassembled(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    size_t n = strlen(event_msg);
    /* split inside the two-byte é as well: UTF-8 is checked per message */
    const char *e = strstr(event_msg, "\xc3\xa9");
    size_t cut1 = 10, cut2 = (size_t)(e - event_msg) + 1;
    server_frame(&k, 0, 0, 0x1, 0, event_msg, cut1);
    server_frame(&k, 0, 0, 0x0, 0, event_msg + cut1, 0); /* an empty fragment */
    server_frame(&k, 0, 0, 0x0, 0, event_msg + cut1, cut2 - cut1);
    assert_int_equal(k.s.events, 0);
    server_frame(&k, 1, 0, 0x0, 0, event_msg + cut2, n - cut2);
    assert_int_equal(k.s.events, 1);
    assert_string_equal(k.s.last_json, event_json);
    /* the buffer is reused: a second fragmented message, then a whole one */
    server_frame(&k, 0, 0, 0x1, 0, event_msg, 3);
    server_frame(&k, 1, 0, 0x0, 0, event_msg + 3, n - 3);
    server_text(&k, event_msg);
    assert_int_equal(k.s.events, 3);
    assert_string_equal(k.s.last_json, event_json);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    assert_int_equal(client_sent(&k)->count, 0);
    stop(&k);
}

static void frames_split_across_reads(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    /* two messages, a ping and a fragmented one, fed one byte at a time */
    uint8_t b[4096];
    size_t n = frame(b, 1, 0, 0x1, 0, event_msg, strlen(event_msg));
    n += frame(b + n, 1, 0, 0x9, 0, "hi", 2);
    n += frame(b + n, 0, 0, 0x1, 0, event_msg, 20);
    n += frame(b + n, 1, 0, 0x0, 0, event_msg + 20, strlen(event_msg) - 20);
    for (size_t i = 0; i < n; i++)
        server_sends(&k, b + i, 1);
    assert_int_equal(k.s.events, 2);
    client_frames *cf = client_sent(&k);
    assert_int_equal(cf->count, 1);
    assert_int_equal(cf->f[0].opcode, 0xA);
    assert_memory_equal(cf->f[0].payload, "hi", 2);
    stop(&k);
}

static void ping_between_fragments_is_answered(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    size_t n = strlen(event_msg);
    server_frame(&k, 0, 0, 0x1, 0, event_msg, 30);
    server_frame(&k, 1, 0, 0x9, 0, "ping payload", 12);
    server_frame(&k, 1, 0, 0xA, 0, "unsolicited pong", 16); /* ignored */
    client_frames *cf = client_sent(&k);
    assert_int_equal(cf->count, 1);
    assert_int_equal(cf->f[0].opcode, 0xA);
    assert_int_equal(cf->f[0].fin, 1);
    assert_int_equal(cf->f[0].len, 12);
    assert_memory_equal(cf->f[0].payload, "ping payload", 12);
    server_frame(&k, 1, 0, 0x0, 0, event_msg + 30, n - 30);
    assert_int_equal(k.s.events, 1);
    assert_string_equal(k.s.last_json, event_json);
    /* a 125-byte ping (the most a control frame holds) comes back whole */
    uint8_t big[125];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    server_frame(&k, 1, 0, 0x9, 0, big, sizeof big);
    cf = client_sent(&k);
    assert_int_equal(cf->count, 1);
    assert_int_equal(cf->f[0].len, 125);
    assert_memory_equal(cf->f[0].payload, big, 125);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    stop(&k);
}

static void binary_messages_are_ignored(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    server_frame(&k, 0, 0, 0x2, 0, "\x01\x02\xff", 3);
    server_frame(&k, 1, 0, 0x0, 0, "\xfe", 1);
    server_frame(&k, 1, 0, 0x2, 0, "", 0);
    server_text(&k, event_msg);
    assert_int_equal(k.s.events, 1);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    stop(&k);
}

static void utf8_checked_on_the_whole_message(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    /* each fragment alone is fine, together they are not (an overlong) */
    server_frame(&k, 0, 0, 0x1, 0, "{\"a\":\"\xc0", 7);
    server_frame(&k, 1, 0, 0x0, 0, "\xaf\"}", 3);
    assert_failed_with(&k, 1007, ZWS_E_PROTOCOL);
    stop(&k);
}

static void message_limit_counts_all_fragments(void **state)
{
    (void)state;
    conn k;
    start(&k);
    zws_client_set_int(k.c, ZWS_OPT_MAX_MESSAGE_BYTES, 100);
    server_text(&k, build_ok);
    char part[60];
    memset(part, ' ', sizeof part);
    server_frame(&k, 0, 0, 0x1, 0, part, sizeof part);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    server_frame(&k, 1, 0, 0x0, 0, part, sizeof part); /* 120 > 100 */
    assert_failed_with(&k, 1009, ZWS_E_TOO_BIG);
    stop(&k);

    /* exactly at the limit is fine; and a frame announcing too much is
     * refused on its first bytes, before the rest arrives */
    start(&k);
    zws_client_set_int(k.c, ZWS_OPT_MAX_MESSAGE_BYTES, 100);
    server_text(&k, build_ok);
    server_frame(&k, 0, 0, 0x1, 0, part, 50);
    server_frame(&k, 1, 0, 0x0, 0, part, 50);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    uint8_t head[] = {0x81, 127, 0, 0, 0, 1, 0, 0, 0, 0, ' '}; /* 4 GiB announced */
    server_sends(&k, head, sizeof head);
    assert_failed_with(&k, 1009, ZWS_E_TOO_BIG);
    stop(&k);
}

/* ------------------------------------------------------------ protocol violations: 1002 */

static void violation(uint8_t b0, uint8_t b1, const void *rest, size_t rest_len, bool fragment_open)
{
    conn k;
    open_conn(&k);
    if (fragment_open)
        server_frame(&k, 0, 0, 0x1, 0, "{", 1);
    uint8_t b[200] = {b0, b1};
    memcpy(b + 2, rest, rest_len);
    server_sends(&k, b, 2 + rest_len);
    assert_int_equal(k.s.events, 0);
    assert_failed_with(&k, 1002, ZWS_E_PROTOCOL);
    stop(&k);
}

static void protocol_violations_close_1002(void **state)
{
    (void)state;
    static const uint8_t key_and_x[] = {1, 2, 3, 4, 'x' ^ 1};
    static uint8_t long_ping[126];
    violation(0x81, 0x81, key_and_x, sizeof key_and_x, false); /* masked frame from the server */
    violation(0xC1, 0x01, "x", 1, false);                      /* RSV1 */
    violation(0xA1, 0x01, "x", 1, false);                      /* RSV2 */
    violation(0x91, 0x01, "x", 1, false);                      /* RSV3 */
    violation(0x83, 0x01, "x", 1, false);                      /* reserved data opcode 3 */
    violation(0x8B, 0x01, "x", 1, false);                      /* reserved control opcode 0xB */
    violation(0x89, 126, "\x00\x7e", 2, false);                /* ping announcing 126 bytes */
    long_ping[0] = 0, long_ping[1] = 126;
    violation(0x89, 126, long_ping, sizeof long_ping, false);  /* ... and carrying them */
    violation(0x09, 0x01, "x", 1, false);                      /* fragmented ping */
    violation(0x08, 0x00, "", 0, false);                       /* fragmented close */
    violation(0x80, 0x01, "x", 1, false);                      /* continuation, no message */
    violation(0x00, 0x01, "x", 1, false);                      /* ... not final either */
    violation(0x81, 0x01, "x", 1, true);                       /* new text inside a message */
    violation(0x82, 0x01, "x", 1, true);                       /* new binary inside a message */
    violation(0x81, 126, "\x00\x05", 2, false);                /* 16-bit length under 126 */
}

static void close_frame(conn *k, const void *body, size_t len)
{
    server_frame(k, 1, 0, 0x8, 0, body, len);
}

static void bad_close_frames(void **state)
{
    (void)state;
    static const struct { const char *body; size_t len; int expect; } cases[] = {
        {"\x03", 1, 1002},                 /* a 1-byte body */
        {"\x03\xe7", 2, 1002},             /* 999 */
        {"\x03\xec", 2, 1002},             /* 1004 */
        {"\x03\xed", 2, 1002},             /* 1005: not on the wire */
        {"\x03\xee", 2, 1002},             /* 1006: not on the wire */
        {"\x03\xf8", 2, 1002},             /* 1016: unassigned */
        {"\x03\xf7", 2, 1002},             /* 1015: not on the wire */
        {"\x07\xd0", 2, 1002},             /* 2000 */
        {"\x13\x88", 2, 1002},             /* 5000 */
        {"\x0f\xa0\xff", 3, 1007},         /* 4000, reason not UTF-8 */
        {"\x03\xe8\xed\xa0\x80", 5, 1007}, /* 1000, a surrogate in the reason */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        conn k;
        open_conn(&k);
        close_frame(&k, cases[i].body, cases[i].len);
        assert_failed_with(&k, cases[i].expect, ZWS_E_PROTOCOL);
        stop(&k);
    }
}

/* ------------------------------------------------------------ close frames */

static void close_is_recorded_and_echoed(void **state)
{
    (void)state;
    static const struct { const char *body; size_t len; int code, error; const char *reason; } cases[] = {
        {"\x0f\xa0going", 7, 4000, ZWS_E_CLOSED, "going"},
        {"\x03\xe8", 2, 1000, ZWS_E_CLOSED, ""},
        {"\x03\xf3\xc3\xa9", 4, 1011, ZWS_E_CLOSED, "\xc3\xa9"},
        {"\x03\xf4restart", 9, 1012, ZWS_E_CLOSED, "restart"}, /* registered, unlike in wslay */
        {"\x03\xf5", 2, 1013, ZWS_E_CLOSED, ""},
        {"", 0, 1005, ZWS_E_CLOSED, ""},
        /* the server's own 1009 is its close, not a message we refused */
        {"\x03\xf1too big", 9, 1009, ZWS_E_CLOSED, "too big"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        conn k;
        open_conn(&k);
        server_frame(&k, 0, 0, 0x1, 0, "{", 1); /* a close may come inside a message */
        close_frame(&k, cases[i].body, cases[i].len);
        client_frames *cf = client_sent(&k);
        assert_int_equal(cf->count, 1);
        assert_int_equal(cf->f[0].opcode, 0x8);
        assert_int_equal(cf->f[0].len, cases[i].len); /* echoed */
        assert_memory_equal(cf->f[0].payload, cases[i].body, cases[i].len);
        assert_int_equal(k.s.state, ZWS_STATE_BACKOFF);
        assert_int_equal(k.s.error, cases[i].error);
        assert_int_equal(k.s.close_code, cases[i].code);
        assert_string_equal(k.s.close_reason, cases[i].reason);
        stop(&k);
    }
}

static void graceful_stop_waits_for_the_servers_close(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    client__on_stop(k.c);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_CLOSING);
    client_frames *cf = client_sent(&k);
    assert_int_equal(cf->count, 1);
    assert_int_equal(close_code_of(cf, 0), 1000);
    assert_memory_equal(cf->f[0].payload + 2, "client stopping", 15);
    /* nothing is queued after a close */
    assert_int_equal(ws__send_text(k.c, "x", 1), ZWS_E_STATE);
    assert_false(ws__wants_write(k.c));
    /* messages still arrive and pings are not answered any more */
    server_frame(&k, 1, 0, 0x9, 0, "p", 1);
    assert_int_equal(client_sent(&k)->count, 0);
    close_frame(&k, "\x03\xe8", 2);
    assert_int_equal(client_sent(&k)->count, 0); /* our close went first: no echo */
    assert_int_equal(k.s.state, ZWS_STATE_CLOSED);
    assert_int_equal(k.s.error, 0);
    assert_int_equal(k.s.close_code, 1000);
    stop(&k);
}

static void eof_without_close_is_a_drop(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    server_frame(&k, 0, 0, 0x1, 0, "{", 1);
    shutdown(k.peer, SHUT_WR);
    transport__io(k.c, EPOLLIN);
    assert_int_equal(k.s.state, ZWS_STATE_BACKOFF);
    assert_int_equal(k.s.error, ZWS_E_CLOSED);
    assert_int_equal(k.s.close_code, 1006);
    stop(&k);
}

/* ------------------------------------------------------------ sending */

/* Fills the client's socket until a write would block. Returns the bytes put in. */
static size_t fill_socket(int fd)
{
    static char junk[65536];
    size_t total = 0;
    for (;;) {
        ssize_t w = send(fd, junk, sizeof junk, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w <= 0) {
            assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
            /* and the last few bytes that still fit */
            while (send(fd, junk, 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1)
                total++;
            return total;
        }
        total += (size_t)w;
    }
}

static void blocked_writes_resume_where_they_stopped(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    int one = 4096;
    setsockopt(k.c->fd, SOL_SOCKET, SO_SNDBUF, &one, sizeof one);
    size_t junk = fill_socket(k.c->fd);
    /* a text bigger than wslay's 4 KiB masking buffer, queued while blocked */
    static char text[150000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i % 26);
    assert_int_equal(ws__send_text(k.c, text, sizeof text), 0);
    ws__io(k.c, false);
    assert_true(ws__wants_write(k.c));
    /* a ping meanwhile: its pong waits behind the text */
    server_frame(&k, 1, 0, 0x9, 0, "pp", 2);
    assert_true(ws__wants_write(k.c));
    static uint8_t got[600 * 1024];
    size_t n = 0;
    int rounds = 0;
    while (ws__wants_write(k.c)) {
        assert_true(rounds++ < 10000);
        /* the server reads a little; the client writes what fits */
        ssize_t r = recv(k.peer, got + n, 3000, MSG_DONTWAIT);
        if (r > 0)
            n += (size_t)r;
        transport__io(k.c, EPOLLOUT);
    }
    n += read_all(k.peer, got + n, sizeof got - n);
    assert_true(n > junk);
    client_frames cf;
    parse_frames(got + junk, n - junk, &cf);
    assert_int_equal(cf.count, 2);
    assert_int_equal(cf.f[0].opcode, 0x1);
    assert_int_equal(cf.f[0].len, sizeof text);
    assert_memory_equal(cf.f[0].payload, text, sizeof text);
    assert_int_equal(cf.f[1].opcode, 0xA);
    assert_memory_equal(cf.f[1].payload, "pp", 2);
    assert_int_equal(zws_client_state(k.c), ZWS_STATE_OPEN);
    stop(&k);
}

static void the_queue_is_bounded_but_close_always_fits(void **state)
{
    (void)state;
    conn k;
    open_conn(&k);
    fill_socket(k.c->fd);
    int queued = 0;
    while (ws__send_text(k.c, "{}", 2) == 0)
        queued++;
    assert_int_equal(queued, WS_OUT_MAX - 1);
    ws__close(k.c, 1000, "bye");
    assert_true(k.c->ws->close_queued);
    assert_true(ws__wants_write(k.c));
    stop(&k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fragmented_text_is_reassembled),
        cmocka_unit_test(frames_split_across_reads),
        cmocka_unit_test(ping_between_fragments_is_answered),
        cmocka_unit_test(binary_messages_are_ignored),
        cmocka_unit_test(utf8_checked_on_the_whole_message),
        cmocka_unit_test(message_limit_counts_all_fragments),
        cmocka_unit_test(protocol_violations_close_1002),
        cmocka_unit_test(bad_close_frames),
        cmocka_unit_test(close_is_recorded_and_echoed),
        cmocka_unit_test(graceful_stop_waits_for_the_servers_close),
        cmocka_unit_test(eof_without_close_is_a_drop),
        cmocka_unit_test(blocked_writes_resume_where_they_stopped),
        cmocka_unit_test(the_queue_is_bounded_but_close_always_fits),
    };
    return cmocka_run_group_tests_name("ws frames", tests, NULL, NULL);
}
