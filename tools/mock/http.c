#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "control.h"
#include "log.h"
#include "oauth.h"
#include "ws.h"

#define HTTP_MAX_HEAD (64 * 1024)
/* Large enough for oversize-message tests through /_mock/send. */
#define HTTP_MAX_BODY ((uint64_t)64 * 1024 * 1024)

static const char *reason_phrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

void http_respond(struct conn *c, const struct http_req *r, int status, const char *ctype,
                  const char *extra_headers, const char *body, size_t len)
{
    bool keep = r && r->keep_alive;
    buf_printf(&c->out,
               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "Cache-Control: no-store\r\nConnection: %s\r\n%s\r\n",
               status, reason_phrase(status), ctype, len, keep ? "keep-alive" : "close",
               extra_headers ? extra_headers : "");
    buf_append(&c->out, body, len);
    if (!keep)
        c->close_when_flushed = true;
    conn_mark_dirty(c);
}

void http_respond_json(struct conn *c, const struct http_req *r, int status, const char *json)
{
    http_respond(c, r, status, "application/json;charset=UTF-8", NULL, json, strlen(json));
}

const char *http_header(const struct http_req *r, const char *name)
{
    for (int i = 0; i < r->nhdrs; i++)
        if (strcasecmp(r->hdrs[i].name, name) == 0)
            return r->hdrs[i].value;
    return NULL;
}

char *http_query_param(const struct http_req *r, const char *name)
{
    return form_get(r->query, r->query_len, name);
}

void http_state_free(struct http_state *h)
{
    free(h->req.head);
    buf_free(&h->chunk_body);
    memset(h, 0, sizeof *h);
}

static void reset_request(struct http_state *h)
{
    struct buf keep = h->chunk_body; /* reuse the allocation */
    free(h->req.head);
    memset(h, 0, sizeof *h);
    keep.off = keep.len = 0;
    h->chunk_body = keep;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

/* Parses the header block (head_len bytes, ending in CRLFCRLF). */
static bool parse_head(struct http_state *h, const char *data, size_t head_len)
{
    struct http_req *r = &h->req;
    r->head = malloc(head_len + 1);
    if (!r->head)
        return false;
    memcpy(r->head, data, head_len);
    r->head[head_len] = '\0';

    char *line = r->head;
    char *eol = strstr(line, "\r\n");
    *eol = '\0';
    char *sp1 = strchr(line, ' ');
    if (!sp1)
        return false;
    *sp1 = '\0';
    char *target = sp1 + 1;
    char *sp2 = strchr(target, ' ');
    if (!sp2)
        return false;
    *sp2 = '\0';
    const char *version = sp2 + 1;
    if (strncmp(version, "HTTP/1.", 7) != 0 || (version[7] != '0' && version[7] != '1') ||
        version[8] != '\0' || !*line || !*target)
        return false;
    r->method = line;
    r->minor = version[7] - '0';
    /* Absolute-form targets: keep only the path and query. */
    if (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0) {
        char *p = strstr(target, "://") + 3;
        target = strchr(p, '/');
        if (!target)
            target = (char *)"/";
    }
    char *q = strchr(target, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
        r->query_len = strlen(r->query);
    }
    r->path = target;

    for (line = eol + 2; *line; line = eol + 2) {
        eol = strstr(line, "\r\n");
        if (!eol)
            return false;
        *eol = '\0';
        if (*line == '\0')
            break;
        if (*line == ' ' || *line == '\t')
            return false; /* obsolete line folding */
        char *colon = strchr(line, ':');
        if (!colon || colon == line || r->nhdrs == HTTP_MAX_HEADERS)
            return false;
        *colon = '\0';
        r->hdrs[r->nhdrs].name = line;
        r->hdrs[r->nhdrs].value = trim(colon + 1);
        r->nhdrs++;
    }

    const char *te = http_header(r, "Transfer-Encoding");
    const char *cl = http_header(r, "Content-Length");
    if (te && header_has_token(te, "chunked")) {
        h->chunked = true;
    } else if (te) {
        return false;
    } else if (cl) {
        char *end;
        unsigned long long v = strtoull(cl, &end, 10);
        if (!*cl || *end || cl[0] == '-')
            return false;
        h->content_length = v;
    }
    const char *connection = http_header(r, "Connection");
    r->keep_alive = r->minor >= 1 ? !header_has_token(connection, "close")
                                  : header_has_token(connection, "keep-alive");
    return true;
}

/* Decodes a complete chunked body: 1 done (*used set), 0 need more, -1 bad. */
static int chunked_decode(const char *p, size_t n, struct buf *out, size_t *used)
{
    out->off = out->len = 0;
    size_t i = 0;
    for (;;) {
        const char *le = memmem(p + i, n - i, "\r\n", 2);
        if (!le)
            return n - i > 1024 ? -1 : 0;
        size_t size = 0, digits = 0;
        for (const char *s = p + i; s < le && *s != ';'; s++, digits++) {
            int d = (*s >= '0' && *s <= '9') ? *s - '0'
                    : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10
                    : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10 : -1;
            if (d < 0 || size > HTTP_MAX_BODY)
                return -1;
            size = size * 16 + (size_t)d;
        }
        if (digits == 0 || out->len + size > HTTP_MAX_BODY)
            return -1;
        i = (size_t)(le - p) + 2;
        if (size == 0) {
            for (;;) { /* trailers up to the blank line */
                le = memmem(p + i, n - i, "\r\n", 2);
                if (!le)
                    return 0;
                if (le == p + i) {
                    *used = i + 2;
                    return 1;
                }
                i = (size_t)(le - p) + 2;
            }
        }
        if (n - i < size + 2)
            return 0;
        buf_append(out, p + i, size);
        i += size;
        if (p[i] != '\r' || p[i + 1] != '\n')
            return -1;
        i += 2;
    }
}

static void fail_and_close(struct conn *c, int status, const char *json)
{
    http_respond(c, NULL, status, "application/json", NULL, json, strlen(json));
    c->close_when_flushed = true;
}

static void dispatch(struct conn *c, struct http_req *r)
{
    log_debug("conn %llu: %s %s", (unsigned long long)c->id, r->method, r->path);
    if (strcmp(r->path, "/oauth/token") == 0)
        oauth_handle(c, r);
    else if (strcmp(r->path, "/ws") == 0)
        ws_handle_upgrade(c, r);
    else if (strncmp(r->path, "/_mock/", 7) == 0)
        control_handle(c, r, r->path + 7);
    else
        http_respond_json(c, r, 404, "{\"error\":\"not_found\",\"reason\":\"Not Found\"}");
}

/* Handles every complete request in c->in, in order. */
static void process(struct conn *c)
{
    struct http_state *h = &c->http;
    while (!c->dead && c->state == CS_HTTP && !c->close_when_flushed) {
        const char *data = buf_ptr(&c->in);
        size_t avail = buf_avail(&c->in);
        if (!h->have_head) {
            const char *end = memmem(data, avail, "\r\n\r\n", 4);
            if (!end) {
                if (avail > HTTP_MAX_HEAD)
                    fail_and_close(c, 431, "{\"error\":\"headers_too_large\"}");
                return;
            }
            h->head_len = (size_t)(end - data) + 4;
            if (h->head_len > HTTP_MAX_HEAD) {
                fail_and_close(c, 431, "{\"error\":\"headers_too_large\"}");
                return;
            }
            if (!parse_head(h, data, h->head_len)) {
                fail_and_close(c, 400, "{\"error\":\"bad_request\"}");
                return;
            }
            if (h->content_length > HTTP_MAX_BODY) {
                fail_and_close(c, 413, "{\"error\":\"body_too_large\"}");
                return;
            }
            h->have_head = true;
        }
        size_t body_wire = 0;
        bool complete;
        if (h->chunked) {
            int r = chunked_decode(data + h->head_len, avail - h->head_len, &h->chunk_body,
                                   &body_wire);
            if (r < 0) {
                fail_and_close(c, 400, "{\"error\":\"bad_chunked_body\"}");
                return;
            }
            complete = r == 1;
            h->req.body = h->chunk_body.data ? buf_ptr(&h->chunk_body) : "";
            h->req.body_len = buf_avail(&h->chunk_body);
        } else {
            body_wire = (size_t)h->content_length;
            complete = avail - h->head_len >= body_wire;
            h->req.body = data + h->head_len;
            h->req.body_len = body_wire;
        }
        if (!complete) {
            /* curl waits up to a second for this before sending big bodies. */
            const char *expect = http_header(&h->req, "Expect");
            if (!h->continue_sent && expect && strcasecmp(expect, "100-continue") == 0) {
                buf_appends(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
                h->continue_sent = true;
                conn_mark_dirty(c);
            }
            return;
        }
        dispatch(c, &h->req);
        buf_consume(&c->in, h->head_len + body_wire);
        reset_request(h);
    }
}

void http_on_readable(struct conn *c)
{
    bool eof = false;
    for (;;) {
        if (buf_avail(&c->in) > HTTP_MAX_HEAD + HTTP_MAX_BODY + 1024) {
            fail_and_close(c, 413, "{\"error\":\"body_too_large\"}");
            return;
        }
        buf_reserve(&c->in, 16384);
        ssize_t n = conn_tls_read(c, c->in.data + c->in.len, c->in.cap - c->in.len);
        if (n > 0) {
            c->in.len += (size_t)n;
            continue;
        }
        eof = n < 0;
        break;
    }
    process(c);
    if (c->dead)
        return;
    if (c->state == CS_WS) {
        /* HTTP is over for this connection: release its buffers (thousands
         * of idle WebSockets add up). Frames sent right behind the upgrade
         * request are already read and are handed to wslay. */
        http_state_free(&c->http);
        if (buf_avail(&c->in) == 0)
            buf_free(&c->in);
        if (buf_avail(&c->in) > 0 || eof)
            ws_on_readable(c);
        return;
    }
    if (eof) {
        if (buf_avail(&c->out) == 0)
            conn_close(c, false);
        else
            c->close_when_flushed = true;
    }
}
