/* Arbitrary server bytes through the whole receive path of a real client:
 * transport (a socketpair instead of TLS: with c->ssl NULL the transport
 * reads and writes the fd directly), wslay framing, the envelope, the state
 * machine (build_connection, close frames, failures) and the handlers.
 *
 * Input layout (2 header bytes, then the server's byte stream):
 *   byte 0: bits 0-5  how many stream bytes arrive with the upgrade response
 *                     (the prebuf path of ws__start), post-handshake mode only
 *           bit 6     ZWS_OPT_MAX_MESSAGE_BYTES = 100 (exercises close 1009)
 *           bit 7     upgrade mode: the stream starts with the HTTP response
 *                     to our upgrade request (key fixed to RFC 6455's example,
 *                     so "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
 *   byte 1: bits 0-6  write chunk: 0 = all at once, 1 = byte by byte, n = 16n
 *           bit 7     end with zws_client_stop's graceful close, else with EOF
 * Deterministic (no timers run, no network, randomness only in the masks of
 * frames we send, which are drained and discarded) and leak-free. */
#include <errno.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "internal.h"

#define SECRET "fuzz-client-secret-123456"
#define TOKEN "eyJfuzz.TOKEN.signature-abcdef"
#define KEY "dGhlIHNhbXBsZSBub25jZQ=="

static void no_secret(const char *s, const char *where)
{
    FUZZ_CHECK(!strstr(s, SECRET) && !strstr(s, TOKEN), "a secret in %s: %s", where, s);
}

/* ZWS_FUZZ_VERBOSE=1 prints the client's log and events (to debug an input). */
static bool verbose;

static void on_log(zws_client *c, int level, const char *line, void *user)
{
    (void)c, (void)user;
    if (verbose)
        fprintf(stderr, "log %d: %s\n", level, line);
    FUZZ_CHECK(strlen(line) < 1024, "log line too long");
    no_secret(line, "a log line");
}

static void on_state(zws_client *c, const zws_status *st, void *user)
{
    (void)user;
    FUZZ_CHECK(zws_status_state(st) == zws_client_state(c), "status state != client state");
    no_secret(zws_status_message(st), "a status message");
    no_secret(zws_client_last_error(c), "the last error");
    const char *reason = zws_status_close_reason(st);
    FUZZ_CHECK(strlen(reason) < 128, "close reason too long");
    (void)zws_status_close_code(st), (void)zws_status_retry_ms(st), (void)zws_status_gap_ms(st);
}

static void check_event(const zws_event *ev)
{
    const char *name = zws_event_name(ev), *json = zws_event_json(ev);
    size_t len = zws_event_json_len(ev);
    FUZZ_CHECK(name && json, "event without name or json");
    FUZZ_CHECK(json[len] == '\0' && strlen(json) == len, "event json not a C string of its length");
    (void)zws_event_ts(ev);
}

static void on_any(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)user;
    check_event(ev);
    if (verbose)
        fprintf(stderr, "event %s ts %lld: %.80s\n", zws_event_name(ev),
                (long long)zws_event_ts(ev), zws_event_json(ev));
    const char *topic = zws_event_get_str(ev, "payload.object.topic");
    if (topic)
        (void)strlen(topic);
    int64_t id;
    (void)zws_event_get_int(ev, "payload.object.id", &id);
    (void)zws_event_get_str(ev, "payload.object.recording_files.0.file_type");
    (void)zws_event_payload(ev);
    zws_event *copy = zws_event_copy(ev);
    FUZZ_CHECK(copy, "zws_event_copy failed");
    check_event(copy);
    FUZZ_CHECK(!strcmp(zws_event_name(copy), zws_event_name(ev)) &&
                   zws_event_ts(copy) == zws_event_ts(ev) &&
                   zws_event_json_len(copy) == zws_event_json_len(ev) &&
                   !memcmp(zws_event_json(copy), zws_event_json(ev), zws_event_json_len(ev)),
               "the copy differs");
    (void)zws_event_get_str(copy, "payload.account_id");
    zws_event_free(copy);
}

/* Removes itself and registers a new copy: deferred removal during dispatch. */
static void on_meeting(zws_client *c, const zws_event *ev, void *user)
{
    int *id = user;
    FUZZ_CHECK(!strncmp(zws_event_name(ev), "meeting.", 8), "prefix handler got %s",
               zws_event_name(ev));
    FUZZ_CHECK(zws_client_off(c, *id) == 0, "zws_client_off failed");
    *id = zws_client_on(c, "meeting.*", on_meeting, id);
    FUZZ_CHECK(*id > 0, "zws_client_on failed");
}

static void drain(int fd)
{
    char sink[4096];
    while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0)
        ;
}

/* One round of the client's I/O, as loop__dispatch does for a readable fd. */
static void io(zws_client *c, int peer)
{
    if (c->fd >= 0)
        transport__io(c, EPOLLIN);
    drain(peer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t flags = data[0], chunking = data[1];
    const uint8_t *stream = data + 2;
    size_t n = size - 2;
    bool upgrade = flags & 0x80, graceful = chunking & 0x80;
    size_t prelen = upgrade ? 0 : (size_t)(flags & 0x3f);
    if (prelen > n)
        prelen = n;
    size_t chunk = (chunking & 0x7f) == 0 ? n + 1 : (chunking & 0x7f) == 1 ? 1 : (size_t)(chunking & 0x7f) * 16;

    verbose = getenv("ZWS_FUZZ_VERBOSE") != NULL;
    zws_client *c = zws_client_new();
    FUZZ_CHECK(c, "zws_client_new failed");
    int meeting_id = 0;
    zws_client_set_log_cb(c, on_log, NULL);
    zws_client_set_int(c, ZWS_OPT_LOG_LEVEL, ZWS_LOG_DEBUG);
    zws_client_set_state_cb(c, on_state, NULL);
    zws_client_set_str(c, ZWS_OPT_CLIENT_ID, "fuzz-client-id");
    zws_client_set_str(c, ZWS_OPT_CLIENT_SECRET, SECRET);
    zws_client_set_str(c, ZWS_OPT_SUBSCRIPTION, "fuzz-subscription");
    if (flags & 0x40)
        zws_client_set_int(c, ZWS_OPT_MAX_MESSAGE_BYTES, 100);
    FUZZ_CHECK(zws_client_on(c, "*", on_any, NULL) > 0, "zws_client_on");
    meeting_id = zws_client_on(c, "meeting.*", on_meeting, &meeting_id);
    c->token = strdup(TOKEN);
    c->token_expires = clock__mono_ms() + 3600000;
    FUZZ_CHECK(url__parse("wss://ws.zoom.us/ws", &c->url) == 0, "url");

    int sv[2];
    FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) == 0,
               "socketpair: %s", strerror(errno));
    c->fd = sv[0]; /* the client owns it now: transport__close closes it */
    c->state = ZWS_STATE_UPGRADING;
    if (upgrade) {
        client__on_upgrading(c); /* builds the request with a random key... */
        memcpy(c->ws_key, KEY, sizeof KEY); /* ...replaced: a known Sec-WebSocket-Accept */
    } else {
        FUZZ_CHECK(ws__start(c, (const char *)stream, prelen) == 0, "ws__start");
        stream += prelen, n -= prelen;
        io(c, sv[1]); /* the prebuf is served first, as in client__upgrade_io */
    }

    size_t off = 0;
    int stalled = 0;
    while (off < n && c->fd >= 0 && stalled < 3) {
        size_t k = n - off < chunk ? n - off : chunk;
        ssize_t w = send(sv[1], stream + off, k, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) {
            off += (size_t)w;
            stalled = 0;
        } else {
            stalled++; /* the client stopped reading (e.g. after a close frame) */
        }
        io(c, sv[1]);
    }
    if (c->fd >= 0 && graceful && (c->state == ZWS_STATE_OPEN || c->state == ZWS_STATE_UPGRADING)) {
        client__on_stop(c);
        drain(sv[1]);
    }
    shutdown(sv[1], SHUT_WR); /* then the server goes away */
    for (int i = 0; i < 4 && c->fd >= 0; i++)
        io(c, sv[1]);
    /* a peer that went away is always noticed: no connection survives EOF */
    FUZZ_CHECK(c->fd < 0 && !c->ws, "connection survived EOF in state %s",
               zws_state_name(c->state));
    no_secret(zws_client_last_error(c), "the last error");
    close(sv[1]);
    zws_client_free(c);
    return 0;
}
