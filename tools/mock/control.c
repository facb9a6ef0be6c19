#include "control.h"
#include "faults.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "events.h"
#include "http.h"
#include "log.h"
#include "oauth.h"
#include "playback.h"
#include "stats.h"
#include "ws.h"

static const char DEFAULT_FAIL_BODY[] = "{\"reason\":\"Internal Server Error\",\"error\":\"server_error\"}";

/* Integer query parameter with default and range; false if malformed. */
static bool int_param(const struct http_req *r, const char *name, long long def, long long min,
                      long long max, long long *out)
{
    char *v = http_query_param(r, name);
    if (!v) {
        *out = def;
        return true;
    }
    char *end;
    long long n = strtoll(v, &end, 10);
    bool ok = *v && !*end && n >= min && n <= max;
    free(v);
    *out = n;
    return ok;
}

static void reply_ok(struct conn *c, const struct http_req *r, const char *action, size_t conns)
{
    char body[160];
    snprintf(body, sizeof body, "{\"ok\":true,\"action\":\"%s\",\"connections\":%zu}", action, conns);
    http_respond_json(c, r, 200, body);
}

static void bad_param(struct conn *c, const struct http_req *r, const char *name)
{
    char body[160];
    snprintf(body, sizeof body, "{\"ok\":false,\"error\":\"bad parameter %s\"}", name);
    http_respond_json(c, r, 400, body);
}

/* Applies fn to every open WebSocket connection; returns how many. */
static size_t for_each_open(void (*fn)(struct conn *, void *), void *arg)
{
    size_t n = 0;
    for (struct conn *o = g_conns; o; o = o->next) {
        if (ws_is_open(o)) {
            fn(o, arg);
            n++;
        }
    }
    return n;
}

struct close_args {
    uint16_t code;
    const char *reason;
};

static void do_close(struct conn *o, void *arg)
{
    const struct close_args *a = arg;
    ws_close(o, a->code, a->reason);
}

struct send_args {
    bool binary;
    unsigned fragments;
    const char *body;
    size_t len;
};

static void do_send(struct conn *o, void *arg)
{
    const struct send_args *a = arg;
    ws_send_raw(o, a->binary, a->body, a->len, a->fragments);
}

static void do_ping(struct conn *o, void *arg)
{
    (void)arg;
    ws_ping(o);
}

static void do_stall(struct conn *o, void *arg)
{
    (void)arg;
    ws_stall(o);
}

static void do_drop_all(struct conn *c, struct http_req *r)
{
    char *rst = http_query_param(r, "rst");
    bool use_rst = rst && (strcmp(rst, "1") == 0 || strcmp(rst, "true") == 0);
    free(rst);
    size_t n = 0;
    /* Every WebSocket connection, also those already closing. */
    for (struct conn *o = g_conns; o; o = o->next) {
        if (o->ws && !o->dead) {
            ws_drop(o, use_rst);
            n++;
        }
    }
    log_info("control: dropped %zu connections%s", n, use_rst ? " (RST)" : "");
    reply_ok(c, r, "drop", n);
}

static void do_events(struct conn *c, struct http_req *r)
{
    struct buf env = {0};
    size_t lines = 0, conns = 0;
    const char *p = r->body, *end = r->body + r->body_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *e = le;
        while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
            e--;
        const char *s = p;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        if (s < e) {
            env.off = env.len = 0;
            events_envelope(s, (size_t)(e - s), &env);
            conns = 0;
            for (struct conn *o = g_conns; o; o = o->next) {
                if (ws_is_open(o)) {
                    ws_send_event(o, buf_ptr(&env), buf_avail(&env));
                    conns++;
                }
            }
            lines++;
        }
        p = nl ? nl + 1 : end;
    }
    buf_free(&env);
    char body[160];
    snprintf(body, sizeof body, "{\"ok\":true,\"action\":\"events\",\"events\":%zu,\"connections\":%zu}",
             lines, conns);
    http_respond_json(c, r, 200, body);
}

static void do_fail_token(struct conn *c, struct http_req *r)
{
    long long status, count, retry_after;
    if (!int_param(r, "status", 500, 100, 599, &status)) {
        bad_param(c, r, "status");
        return;
    }
    if (!int_param(r, "count", 1, 0, 1000000000, &count)) {
        bad_param(c, r, "count");
        return;
    }
    if (!int_param(r, "retry_after", -1, -1, 1000000000, &retry_after)) {
        bad_param(c, r, "retry_after");
        return;
    }
    char *body = http_query_param(r, "body");
    if (!body && r->body_len > 0)
        body = strndup(r->body, r->body_len);
    oauth_inject_failures((int)status, (uint64_t)count, body ? body : DEFAULT_FAIL_BODY,
                          (long)retry_after);
    free(body);
    log_info("control: next %lld token requests fail with %lld", count, status);
    char out[128];
    snprintf(out, sizeof out, "{\"ok\":true,\"action\":\"fail-token\",\"status\":%lld,\"count\":%lld}",
             status, count);
    http_respond_json(c, r, 200, out);
}

static void do_fail_upgrade(struct conn *c, struct http_req *r)
{
    long long status, count;
    char *mode = http_query_param(r, "mode");
    enum upgrade_fault f = !mode || !strcmp(mode, "status") ? FAULT_STATUS
                           : !strcmp(mode, "bad-accept")    ? FAULT_BAD_ACCEPT
                           : !strcmp(mode, "stall")         ? FAULT_STALL
                           : !strcmp(mode, "close")         ? FAULT_CLOSE
                           : !strcmp(mode, "tls-close")     ? FAULT_TLS_CLOSE
                                                            : FAULT_NONE;
    free(mode);
    if (f == FAULT_NONE) {
        bad_param(c, r, "mode");
        return;
    }
    if (!int_param(r, "status", 503, 100, 599, &status) || !int_param(r, "count", 1, 0, 1000000000, &count)) {
        bad_param(c, r, "status/count");
        return;
    }
    faults_arm(f, (int)status, (uint64_t)count);
    log_info("control: next %lld upgrades fail (mode %d)", count, (int)f);
    reply_ok(c, r, "fail-upgrade", (size_t)count);
}

void control_handle(struct conn *c, struct http_req *r, const char *action)
{
    if (strcmp(action, "stats") == 0) {
        struct buf body = {0};
        stats_render(&body);
        http_respond(c, r, 200, "application/json", NULL, buf_ptr(&body), buf_avail(&body));
        buf_free(&body);
    } else if (strcmp(action, "drop") == 0) {
        do_drop_all(c, r);
    } else if (strcmp(action, "close") == 0) {
        long long code;
        if (!int_param(r, "code", 1000, 0, 65535, &code)) {
            bad_param(c, r, "code");
            return;
        }
        char *reason = http_query_param(r, "reason");
        struct close_args a = {(uint16_t)code, reason ? reason : ""};
        size_t n = for_each_open(do_close, &a);
        log_info("control: close %lld sent to %zu connections", code, n);
        free(reason);
        reply_ok(c, r, "close", n);
    } else if (strcmp(action, "send") == 0) {
        char *opcode = http_query_param(r, "opcode");
        long long frags;
        bool binary = opcode && strcmp(opcode, "binary") == 0;
        bool ok = !opcode || binary || strcmp(opcode, "text") == 0;
        free(opcode);
        if (!ok) {
            bad_param(c, r, "opcode");
            return;
        }
        if (!int_param(r, "fragments", 1, 1, 1000000, &frags)) {
            bad_param(c, r, "fragments");
            return;
        }
        struct send_args a = {binary, (unsigned)frags, r->body, r->body_len};
        size_t n = for_each_open(do_send, &a);
        log_info("control: sent %zu-byte %s message to %zu connections", r->body_len,
                 binary ? "binary" : "text", n);
        reply_ok(c, r, "send", n);
    } else if (strcmp(action, "ping") == 0) {
        reply_ok(c, r, "ping", for_each_open(do_ping, NULL));
    } else if (strcmp(action, "events") == 0) {
        do_events(c, r);
    } else if (strcmp(action, "expire-tokens") == 0) {
        size_t n = oauth_expire_all();
        for (struct conn *o = g_conns; o; o = o->next)
            if (ws_is_open(o))
                ws_token_revoked(o);
        log_info("control: %zu tokens expired", n);
        char body[96];
        snprintf(body, sizeof body, "{\"ok\":true,\"action\":\"expire-tokens\",\"tokens\":%zu}", n);
        http_respond_json(c, r, 200, body);
    } else if (strcmp(action, "fail-upgrade") == 0) {
        do_fail_upgrade(c, r);
    } else if (strcmp(action, "fail-token") == 0) {
        do_fail_token(c, r);
    } else if (strcmp(action, "pause") == 0) {
        playback_pause();
        reply_ok(c, r, "pause", 0);
    } else if (strcmp(action, "resume") == 0) {
        playback_resume();
        reply_ok(c, r, "resume", 0);
    } else if (strcmp(action, "stall") == 0) {
        size_t n = for_each_open(do_stall, NULL);
        log_info("control: stalled %zu connections", n);
        reply_ok(c, r, "stall", n);
    } else {
        http_respond_json(c, r, 404, "{\"ok\":false,\"error\":\"unknown control endpoint\"}");
    }
}
