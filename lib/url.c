/* URL parsing and query encoding for the endpoints we talk to. Pure functions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

int url__parse(const char *text, zws_url *out)
{
    if (!text || !out)
        return ZWS_E_INVALID;
    memset(out, 0, sizeof *out);
    const char *p;
    int default_port;
    if (!strncasecmp(text, "wss://", 6)) {
        out->tls = true, p = text + 6, default_port = 443;
    } else if (!strncasecmp(text, "https://", 8)) {
        out->tls = true, p = text + 8, default_port = 443;
    } else if (!strncasecmp(text, "ws://", 5)) {
        out->tls = false, p = text + 5, default_port = 80;
    } else if (!strncasecmp(text, "http://", 7)) {
        out->tls = false, p = text + 7, default_port = 80;
    } else {
        return ZWS_E_INVALID;
    }
    const char *auth_end = p + strcspn(p, "/?#");
    const char *at = memchr(p, '@', (size_t)(auth_end - p));
    if (at) /* credentials in the URL are not used for these endpoints */
        return ZWS_E_INVALID;
    const char *host = p, *host_end, *port = NULL;
    if (*p == '[') {
        host = p + 1;
        host_end = memchr(host, ']', (size_t)(auth_end - host));
        if (!host_end)
            return ZWS_E_INVALID;
        if (host_end + 1 < auth_end) {
            if (host_end[1] != ':')
                return ZWS_E_INVALID;
            port = host_end + 2;
        }
    } else {
        host_end = memchr(p, ':', (size_t)(auth_end - p));
        if (host_end)
            port = host_end + 1;
        else
            host_end = auth_end;
    }
    size_t hlen = (size_t)(host_end - host);
    if (hlen == 0 || hlen >= sizeof out->host)
        return ZWS_E_INVALID;
    for (size_t i = 0; i < hlen; i++) {
        unsigned char ch = (unsigned char)host[i];
        if (ch <= ' ' || ch >= 0x7f || strchr("\"<>\\^`{|}%", ch))
            return ZWS_E_INVALID;
    }
    memcpy(out->host, host, hlen);
    out->port = default_port;
    if (port) {
        if (port == auth_end)
            return ZWS_E_INVALID;
        long v = 0;
        for (const char *q = port; q < auth_end; q++) {
            if (!isdigit((unsigned char)*q))
                return ZWS_E_INVALID;
            v = v * 10 + (*q - '0');
            if (v > 65535)
                return ZWS_E_INVALID;
        }
        if (v == 0)
            return ZWS_E_INVALID;
        out->port = (int)v;
    }
    const char *path = auth_end;
    size_t plen = strcspn(path, "#");
    for (size_t i = 0; i < plen; i++)
        if ((unsigned char)path[i] <= ' ' || path[i] == 0x7f)
            return ZWS_E_INVALID;
    bool add_slash = plen == 0 || path[0] != '/';
    if (plen + add_slash + 1 > sizeof out->path)
        return ZWS_E_INVALID;
    size_t off = 0;
    if (add_slash)
        out->path[off++] = '/'; /* "wss://host?x" means "/?x" */
    memcpy(out->path + off, path, plen);
    return 0;
}

int url__encode(zbuf *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
            if (zbuf__append(out, s, 1) < 0)
                return ZWS_E_NOMEM;
        } else {
            char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};
            if (zbuf__append(out, esc, 3) < 0)
                return ZWS_E_NOMEM;
        }
    }
    return 0;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int url__query_param(const char *url, const char *name, char *out, size_t outsz)
{
    if (!url || !name || !out || outsz == 0)
        return ZWS_E_INVALID;
    const char *q = strchr(url, '?');
    q = q ? q + 1 : url;
    size_t nlen = strlen(name);
    while (*q && *q != '#') {
        const char *end = q + strcspn(q, "&#");
        if ((size_t)(end - q) > nlen && !strncmp(q, name, nlen) && q[nlen] == '=') {
            size_t n = 0;
            for (const char *v = q + nlen + 1; v < end; v++) {
                int ch = (unsigned char)*v;
                if (ch == '%' && v + 2 < end && hexval(v[1]) >= 0 && hexval(v[2]) >= 0) {
                    ch = hexval(v[1]) * 16 + hexval(v[2]);
                    v += 2;
                } else if (ch == '+') {
                    ch = ' ';
                }
                if (n + 1 >= outsz)
                    return ZWS_E_INVALID;
                out[n++] = (char)ch;
            }
            out[n] = '\0';
            return 1;
        }
        q = *end == '&' ? end + 1 : end;
    }
    return 0;
}
