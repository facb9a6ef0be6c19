/* The WebSocket endpoint: RFC 6455 upgrade, the build_connection handshake,
 * heartbeats, close handshakes and the per-connection send side (wslay
 * server context writing into the connection's output buffer). */
#ifndef MOCK_WS_H
#define MOCK_WS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct http_req;

void ws_handle_upgrade(struct conn *c, struct http_req *r);
void ws_on_readable(struct conn *c);

/* Send side, driven by conn_flush(). */
int ws_produce(struct conn *c); /* move queued frames into c->out; <0 fatal */
bool ws_want_write(const struct conn *c);
bool ws_want_read(const struct conn *c);
void ws_after_flush(struct conn *c); /* finish closes and drops */

/* Timers (idle, token expiry, close handshake); returns the next deadline. */
uint64_t ws_housekeeping(struct conn *c, uint64_t now);

void ws_on_conn_close(struct conn *c);
void ws_free(struct conn *c);
void ws_shutdown(struct conn *c);

/* Open = build_connection succeeded and no close or drop is under way:
 * such a connection receives events. */
bool ws_is_open(const struct conn *c);
/* How many more messages may be queued without exceeding backpressure. */
size_t ws_queue_room(const struct conn *c);

/* Queue one pre-built message envelope (counts events_sent, --drop-after). */
void ws_send_event(struct conn *c, const char *env, size_t len);

/* Control actions. */
void ws_drop(struct conn *c, bool rst);
void ws_close(struct conn *c, uint16_t code, const char *reason);
void ws_send_raw(struct conn *c, bool binary, const char *p, size_t n, unsigned fragments);
void ws_ping(struct conn *c);
void ws_stall(struct conn *c);
void ws_token_revoked(struct conn *c);

#endif
