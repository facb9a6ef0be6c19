/* POST /oauth/token (Server-to-Server OAuth) and the store of issued tokens. */
#ifndef MOCK_OAUTH_H
#define MOCK_OAUTH_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct http_req;

void oauth_handle(struct conn *c, struct http_req *r);

/* Monotonic expiry (ms) of a currently valid token, or 0 if unknown/expired. */
uint64_t oauth_token_expiry(const char *token);

/* Invalidates every issued token; returns how many were still valid. */
size_t oauth_expire_all(void);

/* The next count token requests answer status/body (+ Retry-After if >= 0). */
void oauth_inject_failures(int status, uint64_t count, const char *body, long retry_after);

void oauth_free(void);

#endif
