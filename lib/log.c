/* Logging through the application's callback, and the redaction every line,
 * error message and status message passes through: secrets never leave us. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static void replace_span(char *line, size_t cap, size_t at, size_t len)
{
    static const char mask[] = "***";
    size_t total = strlen(line);
    size_t tail = total - at - len;
    if (len >= 3) {
        memcpy(line + at, mask, 3);
        memmove(line + at + 3, line + at + len, tail + 1);
    } else if (total + 3 - len < cap) {
        memmove(line + at + 3, line + at + len, tail + 1);
        memcpy(line + at, mask, 3);
    } else {
        memset(line + at, '*', len);
    }
}

void redact__line(char *line, size_t cap, const char *const *secrets, size_t nsecrets)
{
    /* any access_token=VALUE, even one we have never seen (a URL from the app) */
    static const char key[] = "access_token=";
    for (char *p = strstr(line, key); p; p = strstr(p, key)) {
        p += sizeof key - 1;
        size_t n = strcspn(p, "& \t\r\n\"'");
        if (n && !(n == 3 && !strncmp(p, "***", 3)))
            replace_span(line, cap, (size_t)(p - line), n);
        p += 3 <= n ? 3 : n;
    }
    for (size_t i = 0; i < nsecrets; i++) {
        const char *s = secrets[i];
        size_t n = s ? strlen(s) : 0;
        if (n < 4) /* too short to tell apart from ordinary text */
            continue;
        for (char *p = strstr(line, s); p; p = strstr(p, s))
            replace_span(line, cap, (size_t)(p - line), n);
    }
}

static void redact_for(zws_client *c, char *buf, size_t cap)
{
    /* a proxy URL with credentials is hidden whole */
    const char *proxy = c->proxy && strchr(c->proxy, '@') ? c->proxy : NULL;
    const char *secrets[] = {c->client_secret, c->token, proxy};
    redact__line(buf, cap, secrets, 3);
}

void log__vformat(zws_client *c, char *buf, size_t cap, const char *fmt, va_list ap)
{
    vsnprintf(buf, cap, fmt, ap);
    redact_for(c, buf, cap);
}

void log__emit(zws_client *c, int level, const char *fmt, ...)
{
    if (!c->log_cb || level > c->log_level)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    log__vformat(c, buf, sizeof buf, fmt, ap);
    va_end(ap);
    c->log_cb(c, level, buf, c->log_user);
}

void client__error(zws_client *c, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log__vformat(c, c->last_error, sizeof c->last_error, fmt, ap);
    va_end(ap);
    log__emit(c, ZWS_LOG_WARN, "%s (%s)", c->last_error, zws_strerror(code));
}

int zws_client_set_log_cb(zws_client *c, zws_log_cb cb, void *user)
{
    if (!c)
        return ZWS_E_INVALID;
    c->log_cb = cb;
    c->log_user = user;
    return 0;
}
