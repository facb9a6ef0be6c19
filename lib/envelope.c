/* Zoom's frames: {"module":..., "success":..., "content":...}. A message's
 * content is the event JSON encoded as a string (sometimes an object). This is
 * the hot path, so it scans instead of building trees. Pure functions. */
#include <string.h>
#include <strings.h>

#include "internal.h"

#define key_is(k, kend, esc, name) jscan__key_equals(k, kend, esc, name, sizeof name - 1)

/* Called for each member of the top-level object with its key and the start
 * of its value; validates the value and returns its end, or NULL if invalid. */
typedef const char *(*member_fn)(const char *k, const char *kend, bool esc, const char *v,
                                 const char *end, void *ctx);

static int scan_object(const char *buf, size_t len, member_fn fn, void *ctx)
{
    if (!buf || !len) /* wslay hands over an empty message as NULL */
        return ZWS_E_PROTOCOL;
    const char *p = jscan__ws(buf, buf + len), *end = buf + len;
    if (p >= end || *p != '{')
        return ZWS_E_PROTOCOL;
    p = jscan__ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            bool esc;
            const char *k = jscan__ws(p, end), *kend, *v;
            if (!(kend = jscan__string(k, end, &esc)))
                return ZWS_E_PROTOCOL;
            p = jscan__ws(kend, end);
            if (p >= end || *p++ != ':')
                return ZWS_E_PROTOCOL;
            v = jscan__ws(p, end);
            if (!(p = fn(k, kend, esc, v, end, ctx)))
                return ZWS_E_PROTOCOL;
            p = jscan__ws(p, end);
            if (p >= end)
                return ZWS_E_PROTOCOL;
            if (*p == '}') {
                p++;
                break;
            }
            if (*p++ != ',')
                return ZWS_E_PROTOCOL;
        }
    }
    return jscan__ws(p, end) == end ? 0 : ZWS_E_PROTOCOL;
}

struct env_scan {
    const char *module, *module_end;
    bool module_esc;
    const char *content, *content_end;
    int success;
    zbuf *scratch;
    bool nomem;
};

static const char *env_member(const char *k, const char *kend, bool esc, const char *v,
                              const char *end, void *ctx)
{
    struct env_scan *s = ctx;
    const char *vend;
    if (v < end && *v == '"' && key_is(k, kend, esc, "content")) {
        /* the event itself, encoded as a string: validated and decoded in one pass */
        vend = jscan__string_decode(v, end, s->scratch, &s->nomem);
        s->content = v, s->content_end = vend;
        return vend;
    }
    if (!(vend = jscan__value(v, end, 1)))
        return NULL;
    if (key_is(k, kend, esc, "module")) {
        s->module = v, s->module_end = vend;
        s->module_esc = memchr(v, '\\', (size_t)(vend - v)) != NULL;
    } else if (key_is(k, kend, esc, "content")) {
        s->content = v, s->content_end = vend;
    } else if (key_is(k, kend, esc, "success")) {
        s->success = *v == 't' ? 1 : *v == 'f' ? 0 : -1;
    }
    return vend;
}

int envelope__parse(const char *buf, size_t len, envelope *out, zbuf *scratch)
{
    struct env_scan s = {.success = -1, .scratch = scratch};
    memset(out, 0, sizeof *out);
    out->success = -1;
    int rc = scan_object(buf, len, env_member, &s);
    if (s.nomem)
        return ZWS_E_NOMEM;
    if (rc < 0)
        return rc;
    out->success = s.success;
    if (s.module && *s.module == '"') {
        if (key_is(s.module, s.module_end, s.module_esc, "message"))
            out->module = MODULE_MESSAGE;
        else if (key_is(s.module, s.module_end, s.module_esc, "heartbeat"))
            out->module = MODULE_HEARTBEAT;
        else if (key_is(s.module, s.module_end, s.module_esc, "build_connection"))
            out->module = MODULE_BUILD_CONNECTION;
    }
    if (s.content && *s.content == '"') {
        /* decoded into scratch while scanning */
    } else if (s.content && *s.content == '{') {
        scratch->len = 0;
        if (zbuf__append(scratch, s.content, (size_t)(s.content_end - s.content)) < 0)
            return ZWS_E_NOMEM;
        out->content_is_object = true;
    } else {
        return 0;
    }
    out->content = scratch->data;
    out->content_len = scratch->len;
    return 0;
}

struct event_scan {
    const char *name, *name_end, *ts, *ts_end;
    jscan_tape *tape;
};

static const char *event_member(const char *k, const char *kend, bool esc, const char *v,
                                const char *end, void *ctx)
{
    struct event_scan *s = ctx;
    jscan_key key = {k, kend, esc};
    const char *vend = jscan__value_taped(v, end, 1, s->tape, &key);
    if (!vend)
        return NULL;
    if (key_is(k, kend, esc, "event")) {
        s->name = v, s->name_end = vend;
    } else if (key_is(k, kend, esc, "event_ts")) {
        s->ts = v, s->ts_end = vend;
    }
    return vend;
}

int envelope__event(const char *json, size_t len, inner_event *out, zbuf *name_buf,
                    jscan_tape *tape)
{
    struct event_scan s = {.tape = tape};
    memset(out, 0, sizeof *out);
    size_t root = SIZE_MAX;
    if (tape && json) {
        jtape__reset(tape, json, len);
        root = jscan__tape_open(tape, jscan__ws(json, json + len), NULL);
    }
    int rc = scan_object(json, len, event_member, &s);
    if (rc < 0)
        return rc;
    if (root != SIZE_MAX) { /* the object ends at the last '}' (only blanks follow) */
        const char *close = json + len;
        while (close[-1] != '}')
            close--;
        jscan__tape_close(tape, root, close);
    }
    if (!s.name || *s.name != '"')
        return ZWS_E_PROTOCOL;
    if ((rc = jscan__unescape(s.name + 1, s.name_end - 1, name_buf)) < 0)
        return rc;
    if (memchr(name_buf->data, '\0', name_buf->len))
        return ZWS_E_PROTOCOL;
    out->name = name_buf->data;
    out->name_len = name_buf->len;
    if (s.ts && !jscan__int_value(s.ts, s.ts_end, &out->ts))
        out->ts = 0;
    return 0;
}

bool envelope__is_token_failure(const char *content)
{
    /* Zoom's wording changes ("token is empty", "Invalid Token", "Token is
     * invalid"): match the words, not the sentence. */
    if (!content || !strcasestr(content, "token"))
        return false;
    return strcasestr(content, "invalid") || strcasestr(content, "empty") ||
           strcasestr(content, "expire");
}

bool envelope__is_replacement(const char *close_reason)
{
    /* Zoom documents no close code for "another connection took over"; match
     * the usual wordings instead, case-insensitively */
    static const char *const words[] = {"replac", "another connection", "duplicate", "kicked"};
    for (size_t i = 0; close_reason && i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(close_reason, words[i]))
            return true;
    return false;
}
