/* Private to libzoomws: the client object and the functions its modules share.
 * Naming: module__verb for cross-file internals; everything else is static. */
#ifndef ZWS_INTERNAL_H
#define ZWS_INTERNAL_H

#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/ssl.h>
#include <wslay/wslay.h>

#include "zoomws.h"

#define ZWS_FMT(a, b) __attribute__((format(printf, a, b)))

/* ------------------------------------------------------------ buffers */

/* A growable byte buffer, reused between messages on the hot path. */
typedef struct zbuf {
    char *data;
    size_t len, cap;
} zbuf;

int zbuf__reserve(zbuf *b, size_t cap);
int zbuf__append(zbuf *b, const void *data, size_t len);
void zbuf__wipe(zbuf *b); /* cleanse + free: for buffers that held secrets */
void zbuf__free(zbuf *b);

/* Frees a heap string after wiping it (secrets, tokens). */
void secret__free(char *s);
char *str__dup(const char *s);

/* ------------------------------------------------------------ clock */

int64_t clock__mono_ms(void);
int64_t clock__wall_ms(void);
/* Test hooks: when set, the clocks above read these instead. */
extern int64_t (*clock__mono_source)(void);
extern int64_t (*clock__wall_source)(void);

/* ------------------------------------------------------------ url.c */

typedef struct zws_url {
    bool tls;          /* wss:// or https:// */
    char host[256];    /* without brackets */
    int port;
    char path[1024];   /* path and query, at least "/" */
} zws_url;

/* Parses ws://, wss://, http://, https:// URLs. 0 or ZWS_E_INVALID. */
int url__parse(const char *text, zws_url *out);
/* Appends the percent-encoding of s (RFC 3986 unreserved kept). */
int url__encode(zbuf *out, const char *s);
/* Finds query parameter name in a URL or query, decodes it into out. 1 found, 0 not, <0 error. */
int url__query_param(const char *url, const char *name, char *out, size_t outsz);

/* ------------------------------------------------------------ backoff.c */

/* Delay before attempt number `attempt` (1-based) with full jitter:
 * attempt 1 → 0 (retry at once), then uniform in [0, min(cap, base·2^(n-2))].
 * rnd is a uniform 32-bit random value (injected for tests). */
int64_t backoff__delay_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint32_t rnd);

/* ------------------------------------------------------------ log.c */

/* Rewrites line in place: every secret (and any access_token=... value) → "***". */
void redact__line(char *line, size_t cap, const char *const *secrets, size_t nsecrets);

/* ------------------------------------------------------------ utf8.c */

bool utf8__valid(const unsigned char *s, size_t len);
/* Length of the one valid sequence at s (s[0] >= 0x80, len bytes there), or 0. */
size_t utf8__seq(const unsigned char *s, size_t len);

/* ------------------------------------------------------------ jscan.c */

/* A validating JSON scanner that builds no tree (the hot path). It accepts
 * exactly what jansson's json_loadb(.., 0, ..) accepts for the parts scanned,
 * except a NUL byte after a number or literal, which jansson 2.14 skips. */
#define JSCAN_MAX_DEPTH 2048

/* The tape: a flat, pre-order record of every value of a validated document
 * (where it starts and ends, its key, where its next sibling starts), written
 * by the scanner while it validates, so that path lookups walk a few nodes
 * instead of rescanning the JSON (as simdjson's tape does). Offsets are from
 * base. A document with more than JSCAN_TAPE_MAX values gets no tape
 * (`full`): lookups then scan. */
typedef struct jscan_tape {
    const char *base;
    struct jscan_node {
        uint32_t start, end;    /* the value */
        uint32_t key, key_end;  /* its key, quotes included (members only) */
        uint32_t next;          /* the node after this value's subtree */
        bool key_esc;           /* the key has backslashes */
    } *v;
    size_t n, cap;
    bool full;
} jscan_tape;
#define JSCAN_TAPE_MAX 65536 /* nodes: 1.5 MiB at most */

/* A member's key as the scanner found it, for the tape. */
typedef struct jscan_key {
    const char *k, *kend;
    bool esc;
} jscan_key;

/* jtape.c: starts, drops and reads tapes (jscan__value_taped writes them). */
void jtape__reset(jscan_tape *t, const char *base, size_t len);
void jtape__free(jscan_tape *t);
/* Does t hold a complete record of the document at json? */
bool jtape__covers(const jscan_tape *t, const char *json);
/* The node of member name[0..n) of the object at node (the last one if
 * repeated), of element index of the array at node, or SIZE_MAX. */
size_t jtape__member(const jscan_tape *t, size_t node, const char *name, size_t n);
size_t jtape__element(const jscan_tape *t, size_t node, size_t index);
/* Records the value starting at p (key: NULL for elements and the root);
 * returns the node, or SIZE_MAX when not recorded. */
size_t jscan__tape_open(jscan_tape *t, const char *p, const jscan_key *key);
/* Completes node with the value's end; returns value_end. */
const char *jscan__tape_close(jscan_tape *t, size_t node, const char *value_end);

/* Skips one value starting at p (leading whitespace allowed); depth is the
 * number of containers around it (0 at the top). Returns the position after
 * it, or NULL if invalid. The _taped form records every value into t. */
const char *jscan__value(const char *p, const char *end, int depth);
const char *jscan__value_taped(const char *p, const char *end, int depth, jscan_tape *t,
                               const jscan_key *key);
const char *jscan__ws(const char *p, const char *end);
/* Skips a string starting at its opening quote; *has_escape tells whether it
 * contains backslashes. Returns the position after the closing quote or NULL. */
const char *jscan__string(const char *p, const char *end, bool *has_escape);
/* Validates the string at p (at its opening quote) and writes its unescaped
 * body to out (NUL-terminated) in the same pass. The end of the string, or
 * NULL when invalid or out of memory (then *nomem is set). */
const char *jscan__string_decode(const char *p, const char *end, zbuf *out, bool *nomem);
/* Unescapes the string body [p, end) (between the quotes, already validated:
 * ZWS_E_PROTOCOL if it was not). 0, or ZWS_E_NOMEM. */
int jscan__unescape(const char *p, const char *end, zbuf *out);
/* Does the scanned key [k, kend) (with its quotes) equal name[0..n)? Inline
 * for keys without escapes (nearly all: most differ in length alone). */
bool jscan__key_equals_escaped(const char *k, const char *kend, const char *name, size_t n);
static inline bool jscan__key_equals(const char *k, const char *kend, bool esc, const char *name,
                                     size_t n)
{
    if (esc)
        return jscan__key_equals_escaped(k, kend, name, n);
    return (size_t)(kend - k - 2) == n && !memcmp(k + 1, name, n);
}
/* In the object at p: the value of member name[0..n) (the last one if repeated),
 * as [return, *vend), or NULL. Values are assumed validated already (lookups
 * in documents without a tape). */
const char *jscan__member(const char *p, const char *end, const char *name, size_t n,
                          const char **vend);
/* In the array at p: element index, as [return, *vend), or NULL. */
const char *jscan__element(const char *p, const char *end, size_t index, const char **vend);
/* Parses a JSON integer token [p, end) into *out; false if not an integer or out of range. */
bool jscan__int(const char *p, const char *end, int64_t *out);
/* A scanned value that is an integer, or a string holding one. */
bool jscan__int_value(const char *v, const char *vend, int64_t *out);

/* ------------------------------------------------------------ envelope.c */

enum envelope_module {
    MODULE_UNKNOWN = 0,
    MODULE_BUILD_CONNECTION,
    MODULE_HEARTBEAT,
    MODULE_MESSAGE
};

typedef struct envelope {
    enum envelope_module module;
    int success;          /* 1, 0, or -1 when absent */
    const char *content;  /* decoded content (NUL-terminated, in scratch), or NULL */
    size_t content_len;
    bool content_is_object;
} envelope;

/* Scans a Zoom frame. 0, or ZWS_E_PROTOCOL when it is not a JSON object. */
int envelope__parse(const char *buf, size_t len, envelope *out, zbuf *scratch);

typedef struct inner_event {
    const char *name; /* NUL-terminated, in name_buf */
    size_t name_len;
    int64_t ts;
} inner_event;

/* Scans the inner event object for "event" and "event_ts". 0 or ZWS_E_PROTOCOL
 * (not an object, or no string "event"). */
int envelope__event(const char *json, size_t len, inner_event *out, zbuf *name_buf,
                    jscan_tape *tape);

/* build_connection failure content that means "get a new token". */
bool envelope__is_token_failure(const char *content);
/* A close reason saying another connection on the subscription took over. */
bool envelope__is_replacement(const char *close_reason);

/* ------------------------------------------------------------ handshake.c */

/* Sec-WebSocket-Accept for a key (base64 SHA-1 of key + GUID). */
void handshake__accept_for(const char *key, char out[29]);
/* Fills key (24 chars + NUL) with a random base64 nonce. 0 or ZWS_E_SYSTEM. */
int handshake__new_key(char key[25]);
int handshake__request(zbuf *out, const zws_url *url, const char *subscription,
                       const char *token, const char *key);
/* Parses an upgrade response. Returns 1 when more bytes are needed, 0 when the
 * response is a valid 101 (*consumed = header length), or a negative error with
 * *status and a reason in err. */
int handshake__parse(const char *buf, size_t len, const char *expected_accept,
                     int *status, size_t *consumed, char *err, size_t errsz);

/* ------------------------------------------------------------ token.c (pure part) */

typedef struct token_reply {
    char *access_token; /* heap, wipe with secret__free */
    int64_t expires_in_s;
    int error;          /* 0, ZWS_E_AUTH (permanent) or ZWS_E_TOKEN (transient) */
    char message[256];
} token_reply;

/* Classifies an HTTP reply from the token endpoint. */
void token__parse_reply(long http_status, const char *body, size_t len, token_reply *out);
/* The form body: grant_type=account_credentials&account_id=… or client_credentials. */
int token__form(zbuf *out, const char *account_id);

/* ------------------------------------------------------------ timers.c */

enum timer_id {
    TIMER_CURL = 0,   /* libcurl's own timeout */
    TIMER_BACKOFF,    /* next reconnect attempt */
    TIMER_CONNECT,    /* connect + TLS + upgrade + build_connection deadline */
    TIMER_HEARTBEAT,  /* next heartbeat */
    TIMER_LIVENESS,   /* no frame received since ... */
    TIMER_REFRESH,    /* proactive token refresh */
    TIMER_CLOSE,      /* close handshake deadline */
    TIMER_TOKEN,      /* the application's token provider must answer by then */
    TIMER_COUNT
};

typedef struct timers {
    int64_t due[TIMER_COUNT]; /* monotonic ms; -1 = off */
} timers;

void timers__init(timers *t);
void timers__set(timers *t, enum timer_id id, int64_t due_ms);
void timers__cancel(timers *t, enum timer_id id);
/* Earliest deadline, or -1 when none is set. */
int64_t timers__next(const timers *t);
/* Returns a due timer (and cancels it), or -1 when none is due at now. */
int timers__pop_due(timers *t, int64_t now);

/* A binary min-heap of clients keyed by their earliest deadline (a loop's
 * timerfd is armed for its top): O(log n) per change however many clients
 * share the loop. A client records its place (heap_pos) and key (heap_due). */
typedef struct timer_heap {
    zws_client **v;
    size_t len, cap;
} timer_heap;

/* Room for cap clients, so that timers__heap_set never allocates. 0 or ZWS_E_NOMEM. */
int timers__heap_reserve(timer_heap *h, size_t cap);
/* Keys c by due (inserted, moved or, with due < 0, removed). */
void timers__heap_set(timer_heap *h, zws_client *c, int64_t due);
void timers__heap_free(timer_heap *h);

/* ------------------------------------------------------------ dispatch.c */

typedef struct handler {
    int id;
    bool removed;
    enum { MATCH_EXACT, MATCH_PREFIX, MATCH_ALL } kind;
    char *pattern; /* for PREFIX: without the '*' */
    size_t pattern_len;
    zws_event_cb cb;
    void *user;
} handler;

typedef struct handler_table {
    handler *items;
    size_t count, cap;
    int next_id;
    int depth; /* > 0 while running handlers: removals are deferred */
} handler_table;

int dispatch__add(handler_table *t, const char *pattern, zws_event_cb cb, void *user);
int dispatch__remove(handler_table *t, int id);
bool dispatch__matches(const handler *h, const char *name, size_t name_len);
void dispatch__run(handler_table *t, zws_client *c, const zws_event *ev);
void dispatch__free(handler_table *t);

/* ------------------------------------------------------------ event.c */

struct event_str; /* strings unescaped for zws_event_get_str, freed with the event */
struct zws_event {
    const char *name;
    int64_t ts;
    const char *json;
    size_t json_len;
    json_t *tree;   /* built on first request; owned */
    struct event_str *strings; /* get_str results that did not fit in `inline_strs` */
    char *owned;    /* copies own one block holding name and json */
    size_t inline_used;
    char inline_strs[512]; /* get_str results, bump-allocated: no malloc per field read */
    jscan_tape tape; /* of json, for lookups; empty in copies */
};

void event__reset(zws_event *ev); /* drops the cached tree */

/* ------------------------------------------------------------ status */

struct zws_status {
    int state, previous, error, permanent, close_code, attempt;
    int64_t retry_ms, lost_at_ms, gap_ms;
    char message[512];
    char close_reason[128];
};

/* ------------------------------------------------------------ ws_frames.c */

/* The WebSocket message layer over wslay's framing layer (RFC 6455 §5):
 * reassembly, the protocol checks, control frames and the outgoing queue. */
#define WS_OUT_MAX 16 /* queued outgoing frames; the last slot is kept for a close */

typedef struct ws_conn {
    wslay_frame_context_ptr frame;
    /* receiving */
    bool read_enabled;         /* off once a close arrived or we failed the connection */
    bool in_frame;             /* a frame's payload is partly received */
    bool frame_fin;
    uint8_t frame_opcode;
    uint64_t frame_left;       /* payload bytes of that frame still to come */
    uint8_t msg_opcode;        /* text or binary message in progress, 0 when none */
    uint64_t msg_len;          /* its length so far */
    zbuf msg;                  /* a text message's bytes: reused, grown, never shrunk */
    uint8_t ctrl[125];         /* a control frame's payload */
    size_t ctrl_len;
    /* sending: frames in order, their payloads back to back in out_data */
    struct ws_out { uint8_t opcode; size_t len; } out[WS_OUT_MAX];
    size_t out_head, out_count;
    size_t out_off;            /* where the head frame's payload starts in out_data */
    size_t out_sent;           /* payload bytes of the head frame wslay has sent */
    zbuf out_data;
    bool close_queued, close_sent, close_received;
    int fail_code;             /* 1002/1007/1009: the close we started over a violation */
} ws_conn;

int ws_frames__init(ws_conn *ws, const struct wslay_frame_callbacks *cb, void *user);
void ws_frames__free(ws_conn *ws);
/* Reads and handles frames until the transport has no more (or reading ends).
 * Text messages go to client__on_frame. -1 on a failure of the frame layer. */
int ws_frames__recv(zws_client *c);
/* Writes queued frames until done or blocked. -1 when wslay refuses. */
int ws_frames__send(ws_conn *ws);
bool ws_frames__want_write(const ws_conn *ws);
/* Queues a data or control frame (not close). 0, or ZWS_E_STATE when closing or full. */
int ws_frames__queue(ws_conn *ws, uint8_t opcode, const void *data, size_t len);
/* Queues a close frame (code 0: without a body). Ignored after the first. */
void ws_frames__queue_close(ws_conn *ws, uint16_t code, const void *reason, size_t len);

/* ------------------------------------------------------------ loop.c */

enum watch_kind { WATCH_WAKE = 1, WATCH_TIMER, WATCH_WS, WATCH_CURL };

/* What a client waits on: one epoll set (the fd the application polls), one
 * timerfd armed for the earliest deadline of its clients, one eventfd for
 * wake-ups. A standalone client owns one with itself alone in it; a zws_group
 * is one shared by all its clients (group.c). */
typedef struct zws_loop {
    int epfd, timerfd, wakefd;
    bool grouped;                /* a zws_group's */
    zws_client **slots;          /* clients by slot (in epoll tags); NULL = free */
    uint32_t nslots, cap;
    uint32_t *free_slots, nfree; /* reused outside dispatch only: stale tags stay harmless */
    size_t count;                /* clients */
    timer_heap heap;             /* clients by earliest deadline */
    int64_t armed;               /* the timerfd's deadline (-1: none, or it fired) */
    zws_client *woken;           /* loop__wake: serve them in the next dispatch */
    zws_client *serving;         /* the woken list being served by this dispatch */
    bool wake_written;           /* the eventfd holds a wake-up not yet read */
    atomic_int stop_pending;     /* zws_client_stop ran on one of the clients */
    bool dispatching;
    bool settled;                /* a client closed or left: zws_group_run looks again */
    uint64_t pass;               /* dispatch count: read budgets are per pass */
} zws_loop;

/* ------------------------------------------------------------ the client */

struct zws_client {
    /* configuration */
    char *account_id, *client_id, *client_secret, *subscription, *oauth_url, *ws_url, *ca_file;
    char *ca_path, *client_cert, *client_key, *pinned_pubkey, *proxy, *no_proxy;
    int tls_min_version;        /* 12 or 13 */
    bool insecure;              /* ZWS_OPT_INSECURE_SKIP_VERIFY */
    zws_token_cb token_cb;
    void *token_user;
    bool token_pending;         /* waiting for the application's provider */
    zws_ssl_ctx_cb ssl_ctx_cb;
    void *ssl_ctx_user;
    int64_t heartbeat_ms, liveness_ms, token_margin_ms, reconnect_base_ms, reconnect_max_ms;
    int64_t connect_timeout_ms, http_timeout_ms, max_message_bytes;
    bool auto_reconnect;
    int log_level;
    zws_log_cb log_cb;
    void *log_user;
    zws_state_cb state_cb;
    void *state_user;
    handler_table handlers;

    /* loop (loop.c) */
    zws_loop *loop;             /* its own, or its group's */
    uint32_t slot;              /* in loop->slots */
    size_t heap_pos;            /* in loop->heap; SIZE_MAX when it has no deadline */
    int64_t heap_due;
    zws_client *wake_next;      /* in loop->woken or loop->serving */
    bool woken;
    uint64_t served_pass, io_pass; /* the loop's pass when last served / its socket served */
    timers timers;
    atomic_int stop_requested;  /* set by zws_client_stop from any thread or signal handler */

    /* state */
    int state;
    int attempt;                /* connection attempts since the last stable connection */
    int64_t open_since;         /* monotonic ms when OPEN was entered */
    int64_t lost_at_wall;       /* wall ms when an open connection was lost, 0 if none */
    int permanent_error;        /* set when CLOSED by a permanent failure */
    int permanent_unreported;   /* ... and not yet returned by zws_client_dispatch */
    char last_error[512];
    struct zws_status status;   /* the record passed to the state callback */
    bool stopping;              /* a stop was requested: no reconnect, no more callbacks */
    uint64_t discarded_after_stop; /* events that arrived during the close handshake */

    /* token */
    CURLM *multi;
    CURL *token_easy;
    zbuf token_body;
    char *token;                /* current access token */
    int64_t token_expires;      /* monotonic ms */
    int64_t token_obtained;     /* monotonic ms */
    int64_t retry_after_ms;     /* the token endpoint's Retry-After, for the next backoff */
    char curl_err[CURL_ERROR_SIZE];

    /* transport */
    CURL *connect_easy;
    CURL *tunnel_easy;          /* HTTPS proxy: libcurl keeps the tunnel; c->fd is its socket */
    zws_url url;
    SSL_CTX *ssl_ctx;
    SSL *ssl;
    SSL_SESSION *tls_session;   /* resumed on the next connection */
    bool ssl_ctx_shared;        /* ssl_ctx belongs to the process-wide cache */
    int fd;
    uint32_t fd_events;        /* what the ws fd is registered for */
    bool ssl_want_write;       /* the last TLS operation needs the socket writable */

    /* handshake */
    char ws_key[25];
    zbuf hs_out;               /* request bytes */
    size_t hs_sent;
    zbuf hs_in;                /* response bytes */

    /* framing */
    ws_conn *ws;               /* the open WebSocket (ws_frames.c), NULL when none */
    zbuf prebuf;               /* bytes received after the upgrade response */
    size_t prebuf_off;
    bool ws_io_error;
    size_t read_this_dispatch; /* fairness: see READ_BUDGET in ws.c */
    bool read_more;
    int close_code_rx;
    int deferred_err;          /* Zoom refused us while a frame was handled: act after it */
    char close_reason_rx[124];

    /* hot path scratch, reused between messages */
    zbuf content_buf, name_buf;
    zws_event event;
    bool in_dispatch;
};

/* log.c */
void log__emit(zws_client *c, int level, const char *fmt, ...) ZWS_FMT(3, 4);
void log__vformat(zws_client *c, char *buf, size_t cap, const char *fmt, va_list ap);
/* Records the last error (redacted) and logs it. */
void client__error(zws_client *c, int code, const char *fmt, ...) ZWS_FMT(3, 4);

/* loop.c */
int loop__open(zws_loop *l, bool grouped); /* the three fds; 0 or ZWS_E_SYSTEM */
void loop__close(zws_loop *l);             /* once its clients are gone */
int loop__init(zws_client *c);             /* a standalone client's own loop */
/* Moves an idle client (no socket, no transfer) into loop to. 0 or ZWS_E_NOMEM. */
int loop__move(zws_client *c, zws_loop *to);
CURLM *loop__curl(zws_client *c); /* the curl multi handle, created on demand */
/* Releases the client's multi handle, then leaves its loop (closing its own). */
void loop__free(zws_client *c);
int loop__watch(zws_client *c, int fd, enum watch_kind kind, uint32_t events);
void loop__unwatch(zws_client *c, int fd);
void loop__wake(zws_client *c);
/* Its deadlines changed: re-keys it and (outside dispatch) re-arms the timerfd. */
void loop__arm(zws_client *c);
/* Async-signal-safe: the stop flag is set; makes the next dispatch look at it. */
void loop__stop(zws_client *c);
/* The client reached CLOSED (lifecycle.c). */
void loop__closed(zws_client *c);
int loop__dispatch(zws_loop *l);

/* token.c */
int token__init(zws_client *c);
void token__free(zws_client *c);
int token__start_fetch(zws_client *c);
void token__cancel(zws_client *c);
bool token__valid(const zws_client *c);
void token__invalidate(zws_client *c);
void token__on_done(zws_client *c, CURL *easy, CURLcode res);
void token__schedule_refresh(zws_client *c);
int token__ask_provider(zws_client *c);
void token__provider_timeout(zws_client *c);

/* tls.c */
int tls__context(zws_client *c);       /* creates c->ssl_ctx once */
void tls__free(zws_client *c);
int tls__new_session(zws_client *c);   /* SSL for c->fd: SNI, host check, resumption */
/* After the handshake: pinned-key check. 0 or ZWS_E_TLS_VERIFY (message recorded). */
int tls__check_peer(zws_client *c);
/* Compares a DER SubjectPublicKeyInfo's SHA-256 with a "sha256//b64;sha256//b64" list. */
bool tls__pin_matches(const unsigned char *spki, size_t len, const char *pins);

/* curl_options.c: settings shared by the token request and the TCP leg */
void curl__common(zws_client *c, CURL *easy);
bool curl__is_tls_verify_error(CURLcode res);

/* tunnel.c: the bytes of an HTTPS-proxy tunnel, through libcurl */
BIO *tunnel__bio(zws_client *c);
ssize_t tunnel__read(zws_client *c, void *buf, size_t len);
ssize_t tunnel__write(zws_client *c, const void *buf, size_t len);

/* transport.c */
int transport__start(zws_client *c);
void transport__on_connected(zws_client *c, CURL *easy, CURLcode res);
void transport__io(zws_client *c, uint32_t events);
void transport__close(zws_client *c);
void transport__update_interest(zws_client *c);
/* Raw TLS I/O for the framing layer: >0 bytes, 0 would block, <0 error/closed. */
ssize_t transport__read(zws_client *c, void *buf, size_t len);
ssize_t transport__write(zws_client *c, const void *buf, size_t len);

/* ws.c */
int ws__start(zws_client *c, const char *pre, size_t prelen);
void ws__free(zws_client *c);
void ws__io(zws_client *c, bool readable);
int ws__send_text(zws_client *c, const char *text, size_t len);
void ws__close(zws_client *c, uint16_t code, const char *reason);
bool ws__wants_write(const zws_client *c);

/* upgrade.c */
void client__on_upgrading(zws_client *c);
void client__upgrade_io(zws_client *c);

/* envelope handling in client.c */
void client__on_frame(zws_client *c, const char *msg, size_t len);

/* client.c: state machine */
void client__set_state(zws_client *c, int state);
int client__start(zws_client *c);
void client__on_open(zws_client *c);
void client__on_token(zws_client *c, int err, bool permanent);
void client__on_upgraded(zws_client *c);
/* A connection attempt or open connection failed: tear down, then reconnect or close. */
void client__fail(zws_client *c, int err, bool permanent, int close_code, const char *reason);
void client__on_timer(zws_client *c, int id);
/* The close handshake we started has finished. */
void client__closed(zws_client *c);
void client__on_stop(zws_client *c);

#endif
