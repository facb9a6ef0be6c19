/* url__parse and url__query_param on arbitrary text (up to the first NUL),
 * plus three round trips: a parsed URL rebuilt from its parts parses to the
 * same parts; a value url__encode'd then read back by url__query_param is
 * the value; and the upgrade request built from a parsed URL is one clean
 * HTTP request (no header injection through the URL, subscription or token). */
#include "fuzz_common.h"

#include "internal.h"

static void check_parts(const zws_url *u)
{
    size_t hl = strnlen(u->host, sizeof u->host), pl = strnlen(u->path, sizeof u->path);
    FUZZ_CHECK(hl > 0 && hl < sizeof u->host, "host length %zu", hl);
    FUZZ_CHECK(pl > 0 && pl < sizeof u->path, "path length %zu", pl);
    FUZZ_CHECK(u->path[0] == '/', "path does not start with /");
    FUZZ_CHECK(u->port >= 1 && u->port <= 65535, "port %d", u->port);
    for (size_t i = 0; i < hl; i++)
        FUZZ_CHECK((unsigned char)u->host[i] > ' ' && (unsigned char)u->host[i] < 0x7f &&
                       !strchr("/?#@", u->host[i]),
                   "host byte 0x%02x", (unsigned char)u->host[i]);
    for (size_t i = 0; i < pl; i++)
        FUZZ_CHECK((unsigned char)u->path[i] > ' ' && u->path[i] != 0x7f && u->path[i] != '#',
                   "path byte 0x%02x", (unsigned char)u->path[i]);
}

static void roundtrip_url(const zws_url *u)
{
    char text[sizeof u->host + sizeof u->path + 32];
    bool brackets = strchr(u->host, ':') || u->host[0] == '[';
    snprintf(text, sizeof text, "%s://%s%s%s:%d%s", u->tls ? "wss" : "ws", brackets ? "[" : "",
             u->host, brackets ? "]" : "", u->port, u->path);
    zws_url again;
    int rc = url__parse(text, &again);
    /* known (README finding 6): a stored path of 1023 bytes is refused as input */
    if (rc == ZWS_E_INVALID && strlen(u->path) == sizeof u->path - 1 &&
        fuzz_masked("url-path-limit"))
        return;
    if (rc != 0 || again.tls != u->tls || again.port != u->port || strcmp(again.host, u->host) ||
        strcmp(again.path, u->path)) {
        fuzz_show("rebuilt", text, strlen(text));
        FUZZ_CHECK(0, "a rebuilt URL parses differently (rc %d)", rc);
    }
}

static void roundtrip_param(const char *value)
{
    zbuf q = {0};
    if (zbuf__append(&q, "wss://h/ws?a=1&subscriptionId=", 30) < 0 || url__encode(&q, value) < 0 ||
        zbuf__append(&q, "&b=2#f", 6) < 0)
        abort();
    size_t n = strlen(value) + 1;
    char *out = malloc(n);
    int rc = url__query_param(q.data, "subscriptionId", out, n);
    FUZZ_CHECK(rc == 1 && !strcmp(out, value), "encode/decode round trip: rc %d", rc);
    if (n > 1) /* one byte short of room: refused, not truncated or overflowed */
        FUZZ_CHECK(url__query_param(q.data, "subscriptionId", out, n - 1) == ZWS_E_INVALID,
                   "no error when the output is too small");
    free(out);
    zbuf__free(&q);
}

static void check_request(const zws_url *u, const char *subscription, const char *token)
{
    zbuf req = {0};
    char key[25];
    memcpy(key, "dGhlIHNhbXBsZSBub25jZQ==", 25);
    int rc = handshake__request(&req, u, subscription, token, key);
    FUZZ_CHECK(rc == 0, "handshake__request returned %d", rc);
    const char *head_end = memmem(req.data, req.len, "\r\n\r\n", 4);
    FUZZ_CHECK(head_end && head_end + 4 == req.data + req.len, "request does not end at CRLFCRLF");
    FUZZ_CHECK(strlen(req.data) == req.len, "NUL in the request");
    const char *eol = strstr(req.data, "\r\n");
    size_t spaces = 0;
    for (const char *p = req.data; p < eol; p++) {
        FUZZ_CHECK(*p != '\r' && *p != '\n', "CR/LF in the request line");
        spaces += *p == ' ';
    }
    FUZZ_CHECK(spaces == 2, "request line has %zu spaces", spaces);
    size_t lines = 0; /* Host, Upgrade, Connection, Key, Version, User-Agent */
    for (const char *p = eol; p && p < head_end; p = strstr(p + 2, "\r\n"))
        lines++;
    FUZZ_CHECK(lines == 6, "request has %zu header line breaks", lines);
    for (const char *p = req.data; p < head_end; p++)
        FUZZ_CHECK(*p != '\n' || p[-1] == '\r', "bare LF in the request");
    zbuf__wipe(&req);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstring(data, size);
    zws_url u;
    if (url__parse(text, &u) == 0) {
        check_parts(&u);
        roundtrip_url(&u);
        /* subscription and token taken from the input itself (any bytes) */
        const char *half = text + strlen(text) / 2;
        check_request(&u, half, text);
        check_request(&u, NULL, "");
    }

    /* query parameters with several output sizes, in exact-size buffers */
    static const size_t sizes[] = {1, 2, 8, 64, 512};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *out = malloc(sizes[i]);
        int rc = url__query_param(text, "subscriptionId", out, sizes[i]);
        FUZZ_CHECK(rc == 1 || rc == 0 || rc == ZWS_E_INVALID, "query_param rc %d", rc);
        if (rc == 1)
            FUZZ_CHECK(memchr(out, '\0', sizes[i]), "decoded value not terminated");
        free(out);
    }
    /* an empty name matches "=value" parameters only */
    char small[16];
    (void)url__query_param(text, "", small, sizeof small);

    roundtrip_param(text);
    free(text);
    return 0;
}
