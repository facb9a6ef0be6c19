/* Small shared helpers: growable byte buffers, clocks, URL/form decoding,
 * JSON string escaping, base64 and random tokens. */
#ifndef MOCK_UTIL_H
#define MOCK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes live in data[off, len); consuming only advances off so a pending
 * SSL_write retry still sees the same bytes. */
struct buf {
    char *data;
    size_t off, len, cap;
};

void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *p, size_t n);
void buf_appends(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n);
void buf_free(struct buf *b);
static inline size_t buf_avail(const struct buf *b) { return b->len - b->off; }
static inline char *buf_ptr(const struct buf *b) { return b->data + b->off; }

uint64_t mono_ms(void); /* CLOCK_MONOTONIC, for deadlines */
uint64_t mono_ns(void); /* CLOCK_MONOTONIC, for the --rate schedule */
uint64_t wall_ms(void); /* epoch milliseconds, for event_ts */

/* Looks up key in an application/x-www-form-urlencoded string (query or
 * body); returns a malloc'd decoded value, or NULL when absent. */
char *form_get(const char *s, size_t len, const char *key);

/* Appends s as the inside of a JSON string literal (no quotes). */
void json_escape_append(struct buf *b, const char *s, size_t n);

/* base64 (standard alphabet) of n bytes into a malloc'd string. */
char *b64_encode(const unsigned char *p, size_t n);
/* Decodes standard base64; returns a malloc'd buffer and sets *outlen, or
 * NULL when the input is not valid base64. */
unsigned char *b64_decode(const char *s, size_t n, size_t *outlen);

/* 40 URL-safe random characters (30 random bytes), NUL-terminated. */
void random_token(char out[41]);

bool str_ieq(const char *a, const char *b);
/* True when a comma-separated header value contains token (case-insensitive). */
bool header_has_token(const char *value, const char *token);

#endif
