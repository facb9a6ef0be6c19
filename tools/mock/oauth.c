#include "oauth.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "conn.h"
#include "http.h"
#include "log.h"
#include "stats.h"
#include "util.h"

struct token {
    char value[41];
    uint64_t expires_ms; /* monotonic */
};

static struct token *g_tokens;
static size_t g_ntokens, g_cap;

static struct {
    uint64_t remaining;
    int status;
    char *body;
    long retry_after; /* < 0: no Retry-After header */
} g_inject;

static void prune(uint64_t now)
{
    size_t w = 0;
    for (size_t i = 0; i < g_ntokens; i++)
        if (g_tokens[i].expires_ms > now)
            g_tokens[w++] = g_tokens[i];
    g_ntokens = w;
}

static const struct token *issue(void)
{
    uint64_t now = mono_ms();
    prune(now);
    if (g_ntokens == g_cap) {
        size_t cap = g_cap ? g_cap * 2 : 16;
        struct token *t = realloc(g_tokens, cap * sizeof *t);
        if (!t)
            return NULL;
        g_tokens = t;
        g_cap = cap;
    }
    struct token *t = &g_tokens[g_ntokens++];
    random_token(t->value);
    t->expires_ms = now + (uint64_t)g_cfg.token_ttl_s * 1000u;
    return t;
}

uint64_t oauth_token_expiry(const char *token)
{
    uint64_t now = mono_ms();
    for (size_t i = 0; i < g_ntokens; i++)
        if (g_tokens[i].expires_ms > now && strcmp(g_tokens[i].value, token) == 0)
            return g_tokens[i].expires_ms;
    return 0;
}

size_t oauth_expire_all(void)
{
    prune(mono_ms());
    size_t n = g_ntokens;
    g_ntokens = 0;
    return n;
}

void oauth_inject_failures(int status, uint64_t count, const char *body, long retry_after)
{
    free(g_inject.body);
    g_inject.body = strdup(body);
    g_inject.status = status;
    g_inject.remaining = g_inject.body ? count : 0;
    g_inject.retry_after = retry_after;
}

void oauth_free(void)
{
    free(g_tokens);
    g_tokens = NULL;
    g_ntokens = g_cap = 0;
    free(g_inject.body);
    g_inject.body = NULL;
}

static void fail(struct conn *c, struct http_req *r, int status, const char *json)
{
    g_stats.token_failures++;
    log_debug("conn %llu: token request refused (%d)", (unsigned long long)c->id, status);
    http_respond_json(c, r, status, json);
}

/* Checks "Authorization: Basic base64(client_id:client_secret)". */
static bool credentials_ok(const struct http_req *r)
{
    const char *auth = http_header(r, "Authorization");
    if (!auth || strncasecmp(auth, "Basic ", 6) != 0)
        return false;
    const char *b64 = auth + 6;
    while (*b64 == ' ')
        b64++;
    size_t len = 0;
    unsigned char *raw = b64_decode(b64, strlen(b64), &len);
    if (!raw)
        return false;
    size_t idlen = strlen(g_cfg.client_id), secretlen = strlen(g_cfg.client_secret);
    /* Exact "id:secret"; a constant-time compare is pointless in a mock. */
    bool ok = len == idlen + 1 + secretlen && memcmp(raw, g_cfg.client_id, idlen) == 0 &&
              raw[idlen] == ':' && memcmp(raw + idlen + 1, g_cfg.client_secret, secretlen) == 0;
    free(raw);
    return ok;
}

/* Body parameters win over query parameters (Zoom documents both). */
static char *param(const struct http_req *r, const char *name)
{
    char *v = form_get(r->body, r->body_len, name);
    return v ? v : http_query_param(r, name);
}

static void grant_token(struct conn *c, struct http_req *r, const char *grant)
{
    const struct token *t = issue();
    if (!t) {
        fail(c, r, 500, "{\"reason\":\"out of memory\",\"error\":\"server_error\"}");
        return;
    }
    g_stats.tokens_issued++;
    char body[512];
    snprintf(body, sizeof body,
             "{\"access_token\":\"%s\",\"token_type\":\"bearer\",\"expires_in\":%ld,"
             "\"scope\":\"meeting:read:admin recording:read:admin user:read:admin "
             "marketplace:read:list_event_subscriptions\",\"api_url\":\"https://api.zoom.us\"}",
             t->value, g_cfg.token_ttl_s);
    log_debug("conn %llu: token issued (%s)", (unsigned long long)c->id, grant);
    http_respond_json(c, r, 200, body);
}

void oauth_handle(struct conn *c, struct http_req *r)
{
    g_stats.token_requests++;
    if (g_inject.remaining > 0) {
        g_inject.remaining--;
        g_stats.token_failures++;
        char extra[64] = "";
        if (g_inject.retry_after >= 0)
            snprintf(extra, sizeof extra, "Retry-After: %ld\r\n", g_inject.retry_after);
        log_info("token request: injected failure %d", g_inject.status);
        http_respond(c, r, g_inject.status, "application/json;charset=UTF-8", extra,
                     g_inject.body, strlen(g_inject.body));
        return;
    }
    if (strcmp(r->method, "POST") != 0) {
        fail(c, r, 405, "{\"reason\":\"Method Not Allowed\",\"error\":\"invalid_request\"}");
        return;
    }
    if (!credentials_ok(r)) {
        fail(c, r, 400, "{\"reason\":\"Invalid client_id or client_secret\",\"error\":\"invalid_client\"}");
        return;
    }
    char *grant = param(r, "grant_type");
    char *account = param(r, "account_id");
    if (grant && strcmp(grant, "account_credentials") == 0 &&
        (!account || strcmp(account, g_cfg.account_id) != 0))
        fail(c, r, 400, "{\"reason\":\"Account does not exist\",\"error\":\"invalid_request\"}");
    else if (!grant || (strcmp(grant, "account_credentials") != 0 &&
                        strcmp(grant, "client_credentials") != 0))
        fail(c, r, 400, "{\"reason\":\"unsupported grant type\",\"error\":\"unsupported_grant_type\"}");
    else
        grant_token(c, r, grant);
    free(grant);
    free(account);
}
