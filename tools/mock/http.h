/* Minimal HTTP/1.1 server side: incremental request parsing (Content-Length
 * or chunked bodies, Expect: 100-continue, keep-alive, pipelining),
 * responses, and routing by path to oauth/ws/control. */
#ifndef MOCK_HTTP_H
#define MOCK_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct conn;

#define HTTP_MAX_HEADERS 64

struct http_hdr {
    const char *name, *value;
};

struct http_req {
    char *head; /* private copy of the header block, split in place */
    const char *method;
    const char *path;  /* without the query string, not decoded */
    const char *query; /* after '?', or NULL */
    size_t query_len;
    int minor; /* HTTP/1.<minor> */
    struct http_hdr hdrs[HTTP_MAX_HEADERS];
    int nhdrs;
    const char *body;
    size_t body_len;
    bool keep_alive;
};

struct http_state {
    bool have_head;
    size_t head_len; /* request line + headers + blank line */
    uint64_t content_length;
    bool chunked;
    bool continue_sent;
    struct buf chunk_body; /* decoded chunked body */
    struct http_req req;
};

void http_on_readable(struct conn *c);
void http_state_free(struct http_state *h);

const char *http_header(const struct http_req *r, const char *name);
/* Query parameter lookup (decoded, malloc'd) or NULL. */
char *http_query_param(const struct http_req *r, const char *name);

/* extra_headers: zero or more complete "Name: value\r\n" lines, or NULL. */
void http_respond(struct conn *c, const struct http_req *r, int status, const char *ctype,
                  const char *extra_headers, const char *body, size_t len);
void http_respond_json(struct conn *c, const struct http_req *r, int status, const char *json);

#endif
