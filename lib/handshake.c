/* The HTTP/1.1 upgrade (RFC 6455 §4): request building and response parsing.
 * Pure functions over bytes. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "internal.h"

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
#define MAX_RESPONSE_HEAD 16384

void handshake__accept_for(const char *key, char out[29])
{
    unsigned char digest[SHA_DIGEST_LENGTH];
    char buf[128];
    int n = snprintf(buf, sizeof buf, "%s%s", key, WS_GUID);
    SHA1((const unsigned char *)buf, (size_t)n, digest);
    EVP_EncodeBlock((unsigned char *)out, digest, SHA_DIGEST_LENGTH);
}

int handshake__new_key(char key[25])
{
    unsigned char nonce[16];
    if (RAND_bytes(nonce, sizeof nonce) != 1)
        return ZWS_E_SYSTEM;
    EVP_EncodeBlock((unsigned char *)key, nonce, sizeof nonce);
    return 0;
}

int handshake__request(zbuf *out, const zws_url *url, const char *subscription,
                       const char *token, const char *key)
{
    char hostport[300];
    bool v6 = strchr(url->host, ':') != NULL;
    bool default_port = url->port == (url->tls ? 443 : 80);
    if (default_port)
        snprintf(hostport, sizeof hostport, v6 ? "[%s]" : "%s", url->host);
    else
        snprintf(hostport, sizeof hostport, v6 ? "[%s]:%d" : "%s:%d", url->host, url->port);

    out->len = 0;
    const char *sep = strchr(url->path, '?') ? "&" : "?";
    int rc = zbuf__append(out, "GET ", 4);
    rc |= zbuf__append(out, url->path, strlen(url->path));
    if (subscription) {
        rc |= zbuf__append(out, sep, 1);
        rc |= zbuf__append(out, "subscriptionId=", 15);
        rc |= url__encode(out, subscription);
        sep = "&";
    }
    rc |= zbuf__append(out, sep, 1);
    rc |= zbuf__append(out, "access_token=", 13);
    rc |= url__encode(out, token ? token : "");
    char tail[512];
    int n = snprintf(tail, sizeof tail,
                     " HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                     "User-Agent: libzoomws/%s\r\n\r\n",
                     hostport, key, zws_version());
    rc |= zbuf__append(out, tail, (size_t)n);
    return rc ? ZWS_E_NOMEM : 0;
}

/* Does a comma-separated header value contain token (case-insensitive)? */
static bool has_token(const char *v, size_t len, const char *token)
{
    size_t tl = strlen(token);
    const char *end = v + len;
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        const char *s = v;
        while (v < end && *v != ',')
            v++;
        const char *e = v;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if ((size_t)(e - s) == tl && !strncasecmp(s, token, tl))
            return true;
    }
    return false;
}

int handshake__parse(const char *buf, size_t len, const char *expected_accept,
                     int *status, size_t *consumed, char *err, size_t errsz)
{
    *status = 0;
    *consumed = 0;
    const char *head_end = memmem(buf, len, "\r\n\r\n", 4);
    if (!head_end) {
        if (len > MAX_RESPONSE_HEAD) {
            snprintf(err, errsz, "upgrade response header exceeds %d bytes", MAX_RESPONSE_HEAD);
            return ZWS_E_HANDSHAKE;
        }
        return 1;
    }
    if (head_end + 4 - buf > MAX_RESPONSE_HEAD) { /* whatever the TCP segmentation */
        snprintf(err, errsz, "upgrade response header exceeds %d bytes", MAX_RESPONSE_HEAD);
        return ZWS_E_HANDSHAKE;
    }
    const char *p = buf, *end = head_end + 2; /* keep the last header's CRLF */
    const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    int code = 0;
    bool digits = (size_t)(eol - p) >= 12 && p[9] >= '1' && p[9] <= '9' && p[10] >= '0' &&
                  p[10] <= '9' && p[11] >= '0' && p[11] <= '9' && ((size_t)(eol - p) == 12 || p[12] == ' ');
    if (digits)
        code = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
    if (!digits || strncmp(p, "HTTP/1.", 7) || p[8] != ' ') {
        snprintf(err, errsz, "malformed HTTP status line");
        return ZWS_E_HANDSHAKE;
    }
    *status = code;
    if (code != 101) {
        int n = (int)(eol - p - 9);
        snprintf(err, errsz, "upgrade refused: HTTP %.*s", n > 100 ? 100 : n, p + 9);
        return ZWS_E_HTTP;
    }
    bool upgrade = false, connection = false, accept_ok = false;
    for (p = eol + 2; p < end; p = eol + 2) {
        eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (!colon) {
            snprintf(err, errsz, "malformed header line in upgrade response");
            return ZWS_E_HANDSHAKE;
        }
        size_t nlen = (size_t)(colon - p);
        const char *v = colon + 1;
        while (v < eol && (*v == ' ' || *v == '\t'))
            v++;
        const char *vend = eol;
        while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        size_t vlen = (size_t)(vend - v);
#define NAME_IS(n) (nlen == sizeof(n) - 1 && !strncasecmp(p, n, nlen))
        if (NAME_IS("Upgrade"))
            upgrade = has_token(v, vlen, "websocket");
        else if (NAME_IS("Connection"))
            connection = has_token(v, vlen, "upgrade");
        else if (NAME_IS("Sec-WebSocket-Accept"))
            accept_ok = vlen == 28 && !memcmp(v, expected_accept, 28);
        else if (NAME_IS("Sec-WebSocket-Extensions") && vlen) {
            snprintf(err, errsz, "server selected an extension we did not offer");
            return ZWS_E_HANDSHAKE;
        }
#undef NAME_IS
    }
    if (!upgrade || !connection) {
        snprintf(err, errsz, "101 response without Upgrade: websocket / Connection: Upgrade");
        return ZWS_E_HANDSHAKE;
    }
    if (!accept_ok) {
        snprintf(err, errsz, "Sec-WebSocket-Accept missing or wrong");
        return ZWS_E_HANDSHAKE;
    }
    *consumed = (size_t)(head_end + 4 - buf);
    return 0;
}
