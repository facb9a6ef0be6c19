/* One accepted TCP+TLS connection and its lifecycle: TLS handshake, then
 * HTTP, optionally upgraded to WebSocket. Closed connections are only
 * marked dead and freed by conn_reap() at the end of a loop iteration, so
 * code iterating the list never touches freed memory. */
#ifndef MOCK_CONN_H
#define MOCK_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "http.h"
#include "util.h"

/* wslay may stage at most this much in our output buffer before it is
 * written, which bounds memory per slow reader. */
#define CONN_OUT_CAP (256 * 1024)

enum conn_state { CS_TLS, CS_HTTP, CS_WS };

struct ws_state;

struct conn {
    bool tls_started;      /* the TLS handshake got its first bytes */
    uint64_t id; /* for log lines */
    int fd;
    SSL *ssl;
    enum conn_state state;
    uint32_t ep_events;      /* mask currently registered with epoll */
    bool dead;               /* closed; freed by conn_reap() */
    bool dirty;              /* on the flush list */
    bool close_when_flushed; /* HTTP Connection: close, or peer EOF */
    bool read_wants_write;   /* SSL_read needs the socket writable */
    bool write_blocked;      /* the last SSL_write could not finish */
    uint64_t created_ms, last_recv_ms;
    struct buf in, out; /* plaintext: unparsed input, unwritten output */
    struct http_state http;
    struct ws_state *ws; /* set once upgraded */
    struct conn *prev, *next;
    struct conn *dirty_next;
};

extern struct conn *g_conns; /* all connections, newest first */

/* epoll data.ptr of the listening socket (connections use their struct). */
#define CONN_LISTEN_TAG NULL

void conn_setup(SSL_CTX *ctx, int epfd, int listen_fd);
void conn_accept_all(void);
void conn_on_event(struct conn *c, uint32_t events);

/* Reads decrypted bytes: >0 count, 0 would block, -1 EOF or error. */
ssize_t conn_tls_read(struct conn *c, void *p, size_t n);

/* Queue c for conn_flush() before the loop sleeps again. */
void conn_mark_dirty(struct conn *c);
void conn_flush_dirty(void);
/* The same, except connections whose last SSL_write blocked stay queued for
 * the next conn_flush_dirty() (--rate N flushes after every event). */
void conn_flush_ready(void);

/* graceful sends a TLS close_notify; otherwise it is a plain TCP close. */
void conn_close(struct conn *c, bool graceful);
void conn_reap(void);

/* Deadlines: schedule a wake-up, run expired timers, report the next one. */
void conn_schedule(uint64_t when_ms);
void conn_housekeeping(uint64_t now);
uint64_t conn_next_deadline(void);

/* SIGTERM: say goodbye to every connection and free them. */
void conn_shutdown_all(void);

#endif
