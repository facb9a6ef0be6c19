/*
 * libzoomws — stay connected to Zoom's WebSocket event subscriptions.
 *
 * One header, the whole manual. Everything here is ABI-stable within a major
 * version: opaque handles, enum-keyed option setters, no public structs, no
 * varargs (so every function is callable from Python through ctypes).
 *
 * Threading model
 *   A client is driven by one thread at a time. Callbacks (handlers, state,
 *   log, token provider) run on that thread, with no internal lock held, so a
 *   callback may call any function of this API on the same client
 *   (zws_client_off, zws_client_stop, ...), except zws_client_free, and
 *   zws_client_dispatch / zws_client_run, which return ZWS_E_STATE there. Event
 *   handlers run only inside zws_client_dispatch() / zws_client_run(); state,
 *   log and token-provider callbacks may also run inside the functions that
 *   start or change the connection's course: zws_client_connect,
 *   zws_client_config_from_env (log only), zws_client_provide_token,
 *   zws_client_token_failed and zws_client_invalidate_token.
 *   zws_client_stop() alone may be called from any thread or from a signal
 *   handler. Distinct clients are independent and may be driven from distinct
 *   threads.
 *
 * Event-loop contract
 *   zws_client_get_fd() returns one file descriptor, stable for the client's
 *   lifetime, that becomes readable whenever the client has work to do
 *   (network I/O, timers, a stop request). Wait for readability with poll,
 *   epoll, select, libuv, libevent, GLib, asyncio... then call
 *   zws_client_dispatch(). No timeout needs to be computed by the caller.
 *
 * Groups (since 1.1)
 *   A zws_group drives many clients from one fd (zws_group_get_fd,
 *   zws_group_dispatch), like libcurl's multi handle: its clients share one
 *   epoll set, timer and eventfd, so each costs only its socket. A group and
 *   its clients are driven by one thread at a time, as a client is.
 */
#ifndef ZOOMWS_H
#define ZOOMWS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define ZWS_API __attribute__((visibility("default")))
#else
#define ZWS_API
#endif

/* ---------------------------------------------------------------- version */

#define ZWS_VERSION_MAJOR 1
#define ZWS_VERSION_MINOR 1
#define ZWS_VERSION_PATCH 0
/** 0xMMmmpp, comparable with the value of zws_version_number(). */
#define ZWS_VERSION_NUMBER \
    ((ZWS_VERSION_MAJOR << 16) | (ZWS_VERSION_MINOR << 8) | ZWS_VERSION_PATCH)

/** The run-time library version, "MAJOR.MINOR.PATCH". Never NULL. */
ZWS_API const char *zws_version(void);
/** The run-time library version as 0xMMmmpp. */
ZWS_API unsigned zws_version_number(void);

/* ----------------------------------------------------------------- errors */

/**
 * Every function returning int returns 0 (or a non-negative value where
 * documented) on success and one of these negative codes on failure.
 * Codes are grouped by hundreds: arguments and state, memory and system,
 * network and TLS, HTTP and WebSocket, authentication.
 */
enum zws_error {
    ZWS_OK = 0,               /**< success */
    ZWS_E_INVALID = -100,     /**< an argument is NULL, out of range or malformed */
    ZWS_E_STATE = -101,       /**< not allowed in the client's current state */
    ZWS_E_CONFIG = -102,      /**< a required option is missing or inconsistent */
    ZWS_E_NOT_FOUND = -103,   /**< no such handler id / no such event field */
    ZWS_E_TYPE = -104,        /**< an event field exists but has another type */
    ZWS_E_NOMEM = -200,       /**< out of memory */
    ZWS_E_SYSTEM = -201,      /**< a system call failed (see zws_client_last_error) */
    ZWS_E_RESOLVE = -300,     /**< host name could not be resolved */
    ZWS_E_CONNECT = -301,     /**< TCP connection failed or was refused */
    ZWS_E_TLS = -302,         /**< TLS handshake or I/O failed */
    ZWS_E_TLS_VERIFY = -303,  /**< the peer's certificate failed verification (permanent) */
    ZWS_E_TIMEOUT = -304,     /**< an operation did not finish in time */
    ZWS_E_CLOSED = -305,      /**< the connection was closed or dropped by the peer */
    ZWS_E_HTTP = -400,        /**< unexpected HTTP status (upgrade or token endpoint) */
    ZWS_E_HANDSHAKE = -401,   /**< invalid WebSocket upgrade response */
    ZWS_E_PROTOCOL = -402,    /**< WebSocket protocol violation */
    ZWS_E_TOO_BIG = -403,     /**< a message exceeded ZWS_OPT_MAX_MESSAGE_BYTES */
    ZWS_E_TOKEN = -500,       /**< the token endpoint failed transiently (5xx, 429, bad body) */
    ZWS_E_AUTH = -501,        /**< credentials refused: invalid_client/invalid_request (permanent) */
    ZWS_E_TOKEN_REJECTED = -502, /**< Zoom refused the access token in build_connection */
    ZWS_E_REFUSED = -503,     /**< Zoom refused the connection for another reason (e.g. subscription) */
    ZWS_E_REPLACED = -504     /**< the server closed us for another connection on the same
                                   subscription (best effort: recognised from the close reason,
                                   as Zoom documents no code): two instances may be fighting */
};

/** A static English description of an error code. Never NULL. */
ZWS_API const char *zws_strerror(int code);

/* ---------------------------------------------------------------- objects */

typedef struct zws_client zws_client; /**< one subscription connection */
typedef struct zws_event zws_event;   /**< one Zoom event */
typedef struct zws_status zws_status; /**< details of a state transition */
typedef struct zws_group zws_group;   /**< many clients on one fd (since 1.1) */

/* ------------------------------------------------------------------ state */

enum zws_state {
    ZWS_STATE_IDLE = 0,        /**< created, not connected yet */
    ZWS_STATE_AUTHENTICATING,  /**< fetching an access token */
    ZWS_STATE_CONNECTING,      /**< DNS and TCP connect */
    ZWS_STATE_TLS_HANDSHAKE,   /**< TLS handshake with the WebSocket host */
    ZWS_STATE_UPGRADING,       /**< HTTP upgrade, then waiting for build_connection */
    ZWS_STATE_OPEN,            /**< build_connection succeeded: events flow */
    ZWS_STATE_CLOSING,         /**< WebSocket close handshake in progress */
    ZWS_STATE_BACKOFF,         /**< waiting before the next reconnect attempt */
    ZWS_STATE_CLOSED           /**< stopped, or failed permanently */
};

/** A static name for a state ("OPEN", ...). Never NULL. */
ZWS_API const char *zws_state_name(int state);

/*
 * The status record passed to the state callback. Borrowed: valid only during
 * the callback. Accessors return 0 / "" when the field does not apply (and
 * ZWS_E_INVALID / "" for a NULL record).
 */
/** The state entered. */
ZWS_API int zws_status_state(const zws_status *st);
/** The state left. */
ZWS_API int zws_status_previous(const zws_status *st);
/** The error that caused this transition (0 if none), a ZWS_E_* code. */
ZWS_API int zws_status_error(const zws_status *st);
/** A human message with detail for the error ("" if none). Secrets redacted. */
ZWS_API const char *zws_status_message(const zws_status *st);
/** 1 if the error is permanent (no retry will follow), else 0. */
ZWS_API int zws_status_permanent(const zws_status *st);
/** WebSocket close code received from the server (0 if none; 1006 for an abrupt drop). */
ZWS_API int zws_status_close_code(const zws_status *st);
/** Close reason received from the server ("" if none). */
ZWS_API const char *zws_status_close_reason(const zws_status *st);
/** In BACKOFF: the delay before the next attempt, in milliseconds. */
ZWS_API int64_t zws_status_retry_ms(const zws_status *st);
/** The attempt number of the current (re)connection, 1 for the first. */
ZWS_API int zws_status_attempt(const zws_status *st);
/**
 * When an open connection was lost: the time it was lost, in milliseconds
 * since the Unix epoch. Repeated on every later transition until OPEN again.
 */
ZWS_API int64_t zws_status_lost_at_ms(const zws_status *st);
/**
 * On OPEN after a lost connection: the length of the gap in milliseconds
 * (events Zoom sent during it are lost for good; reconcile through the REST
 * API). 0 on the first OPEN.
 */
ZWS_API int64_t zws_status_gap_ms(const zws_status *st);

/** State callback: called on every transition, with the status record. */
typedef void (*zws_state_cb)(zws_client *client, const zws_status *status, void *user);

/* -------------------------------------------------------------- lifecycle */

/** Creates a client (IDLE). Returns NULL only when out of memory or out of file
 * descriptors (a standalone client opens three: its epoll set, timer and eventfd). */
ZWS_API zws_client *zws_client_new(void);

/**
 * Frees a client: closes the connection at once (no close handshake; call
 * zws_client_stop and let it reach CLOSED first for a graceful close), closes
 * the fd, wipes secrets. A client in a group leaves it (the group's fd stays
 * open). NULL is ignored. Never call from one of its callbacks.
 */
ZWS_API void zws_client_free(zws_client *client);

/* ---------------------------------------------------------------- options */

enum zws_option {
    /* strings (zws_client_set_str) */
    ZWS_OPT_ACCOUNT_ID = 1,     /**< Server-to-Server OAuth account id; unset = client_credentials */
    ZWS_OPT_CLIENT_ID,          /**< OAuth client id (required) */
    ZWS_OPT_CLIENT_SECRET,      /**< OAuth client secret (required; never logged, wiped on free) */
    ZWS_OPT_SUBSCRIPTION,       /**< subscription id, or the full endpoint URL from the Marketplace */
    ZWS_OPT_OAUTH_URL,          /**< default https://zoom.us/oauth/token */
    ZWS_OPT_WS_URL,             /**< default wss://ws.zoom.us/ws */
    ZWS_OPT_CA_FILE,            /**< PEM CA bundle to trust instead of the system store */
    ZWS_OPT_CA_PATH,            /**< directory of hashed CA certificates (c_rehash) to trust */
    ZWS_OPT_CLIENT_CERT,        /**< PEM client certificate (for TLS-intercepting proxies) */
    ZWS_OPT_CLIENT_KEY,         /**< PEM private key of ZWS_OPT_CLIENT_CERT */
    ZWS_OPT_PINNED_PUBKEY,      /**< "sha256//BASE64[;sha256//...]": accept only these server keys
                                     (both legs: list the keys of the OAuth and WebSocket hosts) */
    ZWS_OPT_PROXY,              /**< proxy for both legs: http://[user:pass@]host:port, https://
                                     (TLS to the proxy, verified with ZWS_OPT_CA_FILE), socks5://,
                                     socks5h://, socks4://, socks4a:// (credentials percent-encoded) */
    ZWS_OPT_NO_PROXY,           /**< comma-separated hosts that bypass the proxy (like NO_PROXY) */
    /* integers (zws_client_set_int) */
    ZWS_OPT_HEARTBEAT_MS = 100, /**< heartbeat interval, default 30000 */
    ZWS_OPT_LIVENESS_MS,        /**< no frame for this long = dead connection, default 60000 */
    ZWS_OPT_TOKEN_MARGIN_MS,    /**< refresh the token this long before expiry, default 300000 */
    ZWS_OPT_RECONNECT_BASE_MS,  /**< backoff base, default 1000 */
    ZWS_OPT_RECONNECT_MAX_MS,   /**< backoff cap, default 60000 */
    ZWS_OPT_CONNECT_TIMEOUT_MS, /**< connect+TLS+upgrade+build_connection, default 15000 */
    ZWS_OPT_HTTP_TIMEOUT_MS,    /**< token request timeout, default 15000 */
    ZWS_OPT_MAX_MESSAGE_BYTES,  /**< largest accepted message, default 16 MiB; larger → close 1009 */
    ZWS_OPT_AUTO_RECONNECT,     /**< 1 (default): reconnect after unexpected closes; 0: go CLOSED */
    ZWS_OPT_LOG_LEVEL,          /**< most verbose level passed to the log callback, default ZWS_LOG_INFO */
    ZWS_OPT_TLS_MIN_VERSION,    /**< 12 (default) for TLS 1.2, or 13 for TLS 1.3 */
    ZWS_OPT_INSECURE_SKIP_VERIFY /**< 1: do not verify certificates (testing only; logs a warning) */
};

/**
 * Sets a string option (copied). NULL or "" resets it to its default.
 * Returns 0, ZWS_E_INVALID (unknown option, not a string option, malformed
 * URL, ZWS_OPT_OAUTH_URL not https://, ZWS_OPT_PINNED_PUBKEY not sha256//,
 * unsupported proxy scheme) or ZWS_E_NOMEM. Changes apply to the next
 * connection attempt. The TLS options (CA file and path, client certificate,
 * pin, minimum version, insecure) apply to the token request too. A full
 * endpoint URL given as ZWS_OPT_SUBSCRIPTION also sets ZWS_OPT_WS_URL.
 */
ZWS_API int zws_client_set_str(zws_client *client, int option, const char *value);

/**
 * Sets an integer option. Returns 0, or ZWS_E_INVALID for an unknown option,
 * a string option, or a value out of range: durations 1 ms .. 24 h
 * (ZWS_OPT_TOKEN_MARGIN_MS may be 0), ZWS_OPT_MAX_MESSAGE_BYTES 64 .. 2^31-1,
 * booleans 0 or 1, ZWS_OPT_TLS_MIN_VERSION 12 or 13.
 */
ZWS_API int zws_client_set_int(zws_client *client, int option, int64_t value);

/**
 * Reads ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET,
 * ZOOM_SUBSCRIPTION_ID (an id or the full endpoint URL), ZOOM_OAUTH_URL,
 * ZOOM_WS_URL (wins over a URL in ZOOM_SUBSCRIPTION_ID) and ZOOM_CA_FILE, and
 * the conventional proxy variables (all_proxy, ALL_PROXY, https_proxy,
 * HTTPS_PROXY, no_proxy, NO_PROXY; the later ones in this list win);
 * variables that are unset leave their option unchanged. Returns 0, or the
 * first error of zws_client_set_str (the variable is named in
 * zws_client_last_error).
 */
ZWS_API int zws_client_config_from_env(zws_client *client);

/* ---------------------------------------------------------------- logging */

enum zws_log_level {
    ZWS_LOG_ERROR = 0, /**< a failure the application should know about */
    ZWS_LOG_WARN,      /**< a failure that will be retried, or a risky setting */
    ZWS_LOG_INFO,      /**< state transitions, token refreshes */
    ZWS_LOG_DEBUG      /**< frames, heartbeats, TLS details */
};

/** Log callback: one line, no newline. Tokens and secrets are already redacted. */
typedef void (*zws_log_cb)(zws_client *client, int level, const char *line, void *user);

/** Sets (or with NULL clears) the log callback. Default: silent. 0 or ZWS_E_INVALID. */
ZWS_API int zws_client_set_log_cb(zws_client *client, zws_log_cb cb, void *user);

/** Sets (or with NULL clears) the state callback, called on every transition. 0 or ZWS_E_INVALID. */
ZWS_API int zws_client_set_state_cb(zws_client *client, zws_state_cb cb, void *user);

/* ---------------------------------------------------------------- tokens */

/**
 * An application token provider, called (from dispatch) whenever the client
 * needs an access token, instead of the built-in Server-to-Server OAuth
 * request: for tokens kept in a vault, fetched by another service, or shared
 * by several processes. The provider answers, then or later, on the thread
 * that drives the client, with zws_client_provide_token() or
 * zws_client_token_failed(); the client keeps running meanwhile and gives up
 * after ZWS_OPT_HTTP_TIMEOUT_MS (retrying with backoff).
 */
typedef void (*zws_token_cb)(zws_client *client, void *user);

/** Sets (or with NULL clears: back to built-in OAuth) the token provider. 0 or ZWS_E_INVALID. */
ZWS_API int zws_client_set_token_provider(zws_client *client, zws_token_cb cb, void *user);

/**
 * Supplies a token (copied; wiped when replaced) valid for lifetime_s seconds.
 * Returns 0, ZWS_E_INVALID (empty token, lifetime <= 0) or ZWS_E_NOMEM.
 */
ZWS_API int zws_client_provide_token(zws_client *client, const char *token, int64_t lifetime_s);

/**
 * Reports that the provider could not get a token. permanent = 1 ends the
 * client (CLOSED, ZWS_E_AUTH); 0 retries with backoff (ZWS_E_TOKEN).
 * Returns 0, ZWS_E_INVALID, or ZWS_E_STATE when no token request is pending.
 */
ZWS_API int zws_client_token_failed(zws_client *client, const char *message, int permanent);

/**
 * Forgets the cached token (for applications that learn of a revocation): the
 * next connection attempt fetches a new one. The open connection is kept.
 * 0 or ZWS_E_INVALID.
 */
ZWS_API int zws_client_invalidate_token(zws_client *client);

/* -------------------------------------------------------------- OpenSSL */

/**
 * Called with the client's SSL_CTX * (as void *) each time the client creates
 * it, after the library's own settings, so advanced users can configure
 * OpenSSL directly (ciphers, engines, keylog). Like libmosquitto's
 * MOSQ_OPT_SSL_CTX. Applies to the WebSocket leg; the token request uses
 * libcurl's own context.
 */
typedef void (*zws_ssl_ctx_cb)(zws_client *client, void *ssl_ctx, void *user);

/**
 * Sets (or with NULL clears) the SSL_CTX hook. A client with a hook gets a
 * context of its own (others share one per TLS configuration); its trust store
 * also verifies the token request. 0 or ZWS_E_INVALID.
 */
ZWS_API int zws_client_set_ssl_ctx_cb(zws_client *client, zws_ssl_ctx_cb cb, void *user);

/* ---------------------------------------------------------------- handlers */

/** Event handler. The event is borrowed for the callback's duration. */
typedef void (*zws_event_cb)(zws_client *client, const zws_event *event, void *user);

/**
 * Registers a handler for events matching pattern: an exact event name
 * ("meeting.started"), a prefix wildcard ("meeting.*" matches
 * "meeting.started" and "meeting.participant_joined"), or "*" for all.
 * Handlers run in registration order. May be called from a callback (the new
 * handler sees the next event). Returns a handler id (> 0) or ZWS_E_INVALID /
 * ZWS_E_NOMEM.
 */
ZWS_API int zws_client_on(zws_client *client, const char *pattern, zws_event_cb cb, void *user);

/** Unregisters a handler by id; safe from a callback. 0 or ZWS_E_NOT_FOUND. */
ZWS_API int zws_client_off(zws_client *client, int handler_id);

/* ---------------------------------------------------------------- running */

/**
 * Starts connecting (IDLE or CLOSED → AUTHENTICATING, or CONNECTING with a
 * still-valid cached token). Non-blocking: progress happens in dispatch.
 * Returns 0, ZWS_E_CONFIG (client id, secret or subscription missing, or an
 * invalid WebSocket URL: see zws_client_last_error) or ZWS_E_STATE (already
 * started).
 */
ZWS_API int zws_client_connect(zws_client *client);

/**
 * The pollable fd (see the event-loop contract at the top of this header);
 * stable for the client's lifetime. Once the client is in a group, the
 * group's fd (zws_group_get_fd), which is dispatched with zws_group_dispatch.
 */
ZWS_API int zws_client_get_fd(const zws_client *client);

/**
 * Does all ready work without blocking and invokes callbacks. Returns 0, or,
 * once, the permanent error that moved the client to CLOSED (in this call or
 * since the previous one). Calling it from one of the client's callbacks, or
 * on a client in a group (dispatch the group), returns ZWS_E_STATE.
 */
ZWS_API int zws_client_dispatch(zws_client *client);

/**
 * Connects if IDLE, then dispatches until the client is CLOSED (after
 * zws_client_stop, after a permanent failure, or after any failure when
 * ZWS_OPT_AUTO_RECONNECT is 0). Returns 0 after a stop or a non-permanent
 * close, or the permanent error (e.g. ZWS_E_AUTH, ZWS_E_TLS_VERIFY): the
 * state callback tells them apart. ZWS_E_STATE from inside a callback, and
 * on a client in a group (see zws_group_run).
 */
ZWS_API int zws_client_run(zws_client *client);

/**
 * Requests a graceful stop: the connection is closed with code 1000, the
 * client goes to CLOSED and zws_client_run returns. No handler is called
 * after the stop takes effect; events that still arrive during the close
 * handshake are counted in a warning log line. Async-signal-safe and
 * thread-safe; takes effect in the next dispatch. A stop requested while the
 * client is IDLE or CLOSED is kept: the next zws_client_run (or dispatch after
 * zws_client_connect) ends at once, so a signal during set-up is not lost.
 * A client in a group is stopped alone; the group's fd becomes readable.
 * NULL is ignored.
 */
ZWS_API void zws_client_stop(zws_client *client);

/** The current state (a ZWS_STATE_* value). */
ZWS_API int zws_client_state(const zws_client *client);

/** A message describing the last error, with detail; "" if none ("invalid client" for NULL). Secrets redacted. */
ZWS_API const char *zws_client_last_error(const zws_client *client);

/* ----------------------------------------------------------------- groups */

/**
 * Creates an empty group (since 1.1): one epoll set, one timerfd and one
 * eventfd for all the clients added to it. Returns NULL when out of memory
 * or descriptors.
 */
ZWS_API zws_group *zws_group_new(void);

/**
 * Moves a client into the group, for the rest of its life. The client must
 * not be running: IDLE (never connected) or CLOSED, and not inside one of its
 * callbacks. Its own epoll set, timerfd and eventfd are closed. From then on
 * zws_client_get_fd gives the group's fd, zws_client_dispatch and
 * zws_client_run are refused (ZWS_E_STATE: dispatch the group), and
 * zws_client_connect, zws_client_stop and every other function work as
 * before, with the group dispatching. A stop already requested is kept. Do
 * not call zws_client_stop on the client (from another thread or a signal
 * handler) while this runs. A client holds its three descriptors until it is
 * added: with thousands of clients, add each one as it is created. Returns 0,
 * ZWS_E_INVALID (NULL group or client), ZWS_E_STATE (the client is running,
 * or already in a group) or ZWS_E_NOMEM.
 */
ZWS_API int zws_group_add(zws_group *group, zws_client *client);

/**
 * The group's pollable fd: readable whenever one of its clients has work to
 * do (network I/O, timers, a stop request); stable for the group's lifetime.
 * The event-loop contract of zws_client_get_fd applies, with
 * zws_group_dispatch. Returns ZWS_E_INVALID for NULL.
 */
ZWS_API int zws_group_get_fd(const zws_group *group);

/**
 * Does the ready work of every client of the group without blocking, and
 * invokes their callbacks. A bounded amount per call (each client reads at
 * most its per-dispatch budget, as in zws_client_dispatch): if work remains,
 * the fd stays readable. Callbacks may call any function on any client of
 * the group, including zws_client_free on another client and zws_group_add
 * of a new one, but not zws_group_free. Returns 0, ZWS_E_SYSTEM, or
 * ZWS_E_STATE from inside one of the group's callbacks. Permanent failures
 * are per client: see the state callback, or zws_client_state and
 * zws_client_last_error.
 */
ZWS_API int zws_group_dispatch(zws_group *group);

/**
 * Connects the group's IDLE clients (a client whose zws_client_connect fails
 * stays IDLE, the error in its zws_client_last_error), then dispatches until
 * no client is running, i.e. every one is IDLE or CLOSED (after
 * zws_client_stop on each, or failures). Returns 0, ZWS_E_SYSTEM, or
 * ZWS_E_STATE from inside one of the group's callbacks.
 */
ZWS_API int zws_group_run(zws_group *group);

/**
 * Frees the group and every client still in it (as zws_client_free does:
 * connections closed at once, secrets wiped), then closes its fd: pointers to
 * those clients are invalid afterwards. NULL is ignored. Never call from a
 * callback of one of its clients.
 */
ZWS_API void zws_group_free(zws_group *group);

/* ----------------------------------------------------------------- events */

/** The event name, e.g. "meeting.started". */
ZWS_API const char *zws_event_name(const zws_event *event);
/** event_ts: milliseconds since the Unix epoch (0 if absent). */
ZWS_API int64_t zws_event_ts(const zws_event *event);
/** The inner event JSON exactly as Zoom sent it (after decoding the envelope), NUL-terminated. */
ZWS_API const char *zws_event_json(const zws_event *event);
/** Length in bytes of zws_event_json(). */
ZWS_API size_t zws_event_json_len(const zws_event *event);

/**
 * Typed getters by dotted path from the event root, e.g.
 * "payload.object.topic"; array elements by index: "payload.object.recording_files.0.file_type".
 * get_str returns the borrowed string or NULL (missing or not a string).
 * get_int stores an integer (a JSON integer, or a string holding one, since
 * Zoom's field types drift) and returns 0, ZWS_E_NOT_FOUND or ZWS_E_TYPE.
 */
ZWS_API const char *zws_event_get_str(const zws_event *event, const char *path);
ZWS_API int zws_event_get_int(const zws_event *event, const char *path, int64_t *out);

/**
 * The event's "payload" object as a borrowed jansson json_t * (declared
 * void * to keep this header free of jansson). The tree is built on the first
 * request only (the receive path never builds one) and shared with the other
 * handlers of the same event. NULL if absent or unparsable.
 */
ZWS_API void *zws_event_payload(const zws_event *event);

/** A deep copy that outlives the callback; free with zws_event_free. NULL on ENOMEM. */
ZWS_API zws_event *zws_event_copy(const zws_event *event);
/** Frees a copy made by zws_event_copy. NULL is ignored. */
ZWS_API void zws_event_free(zws_event *event);

#ifdef __cplusplus
}
#endif

#endif /* ZOOMWS_H */
