/* The public client object: creation, options, the run loop entry points. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "internal.h"

#define DEFAULT_OAUTH_URL "https://zoom.us/oauth/token"
#define DEFAULT_WS_URL "wss://ws.zoom.us/ws"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

zws_client *zws_client_new(void)
{
    pthread_once(&global_once, global_init);
    zws_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->fd = -1;
    c->heartbeat_ms = 30000;
    c->liveness_ms = 60000;
    c->token_margin_ms = 300000;
    c->reconnect_base_ms = 1000;
    c->reconnect_max_ms = 60000;
    c->connect_timeout_ms = 15000;
    c->http_timeout_ms = 15000;
    c->max_message_bytes = 16 * 1024 * 1024;
    c->auto_reconnect = true;
    c->log_level = ZWS_LOG_INFO;
    c->tls_min_version = 12;
    c->state = ZWS_STATE_IDLE;
    if (!(c->oauth_url = strdup(DEFAULT_OAUTH_URL)) || !(c->ws_url = strdup(DEFAULT_WS_URL)) ||
        loop__init(c) < 0) {
        zws_client_free(c);
        return NULL;
    }
    return c;
}

void zws_client_free(zws_client *c)
{
    if (!c)
        return;
    transport__close(c);
    token__cancel(c);
    loop__free(c);
    tls__free(c);
    secret__free(c->client_secret);
    secret__free(c->proxy);
    free(c->no_proxy);
    free(c->ca_path);
    free(c->client_cert);
    free(c->client_key);
    free(c->pinned_pubkey);
    secret__free(c->token);
    secret__free(c->client_id);
    free(c->account_id);
    free(c->subscription);
    free(c->oauth_url);
    free(c->ws_url);
    free(c->ca_file);
    zbuf__wipe(&c->hs_out);
    zbuf__free(&c->hs_in);
    zbuf__free(&c->content_buf);
    zbuf__free(&c->name_buf);
    event__reset(&c->event);
    jtape__free(&c->event.tape);
    dispatch__free(&c->handlers);
    OPENSSL_cleanse(c->last_error, sizeof c->last_error);
    free(c);
}

static int replace(char **slot, const char *value, bool secret)
{
    char *copy = NULL;
    if (value && *value && !(copy = strdup(value)))
        return ZWS_E_NOMEM;
    if (secret)
        secret__free(*slot);
    else
        free(*slot);
    *slot = copy;
    return 0;
}

/* ZWS_OPT_SUBSCRIPTION takes an id or the endpoint URL the Marketplace shows
 * (wss://ws.zoom.us/ws?subscriptionId=...): split the latter into both options. */
static int set_subscription(zws_client *c, const char *value)
{
    if (!value || !strstr(value, "://"))
        return replace(&c->subscription, value, false);
    zws_url url;
    char id[512];
    if (url__parse(value, &url) < 0 || url__query_param(value, "subscriptionId", id, sizeof id) != 1 ||
        !*id)
        return ZWS_E_INVALID;
    char *base = strndup(value, strcspn(value, "?#"));
    if (!base)
        return ZWS_E_NOMEM;
    int rc = replace(&c->subscription, id, false);
    if (rc == 0) {
        free(c->ws_url);
        c->ws_url = base;
    } else {
        free(base);
    }
    return rc;
}

int zws_client_set_str(zws_client *c, int option, const char *value)
{
    if (!c)
        return ZWS_E_INVALID;
    zws_url url;
    switch (option) {
    case ZWS_OPT_ACCOUNT_ID: return replace(&c->account_id, value, false);
    case ZWS_OPT_CLIENT_ID: return replace(&c->client_id, value, true);
    case ZWS_OPT_CLIENT_SECRET: return replace(&c->client_secret, value, true);
    case ZWS_OPT_SUBSCRIPTION: return set_subscription(c, value);
    case ZWS_OPT_OAUTH_URL:
        if (value && *value && (url__parse(value, &url) < 0 || !url.tls))
            return ZWS_E_INVALID; /* the secret only travels over TLS */
        return replace(&c->oauth_url, value && *value ? value : DEFAULT_OAUTH_URL, false);
    case ZWS_OPT_WS_URL:
        if (value && *value && url__parse(value, &url) < 0)
            return ZWS_E_INVALID;
        return replace(&c->ws_url, value && *value ? value : DEFAULT_WS_URL, false);
    /* TLS settings: the context (and its resumable session) is rebuilt */
    case ZWS_OPT_CA_FILE: tls__free(c); return replace(&c->ca_file, value, false);
    case ZWS_OPT_CA_PATH: tls__free(c); return replace(&c->ca_path, value, false);
    case ZWS_OPT_CLIENT_CERT: tls__free(c); return replace(&c->client_cert, value, false);
    case ZWS_OPT_CLIENT_KEY: tls__free(c); return replace(&c->client_key, value, false);
    case ZWS_OPT_PINNED_PUBKEY:
        if (value && *value && strncmp(value, "sha256//", 8))
            return ZWS_E_INVALID;
        return replace(&c->pinned_pubkey, value, false);
    case ZWS_OPT_PROXY:
        if (value && *value && strncasecmp(value, "http://", 7) && strncasecmp(value, "https://", 8) &&
            strncasecmp(value, "socks5://", 9) &&
            strncasecmp(value, "socks5h://", 10) && strncasecmp(value, "socks4://", 9) &&
            strncasecmp(value, "socks4a://", 10)) {
            client__error(c, ZWS_E_INVALID, "unsupported proxy URL scheme (http://, https://, "
                                            "socks5://, socks5h://, socks4://, socks4a:// are)");
            return ZWS_E_INVALID;
        }
        return replace(&c->proxy, value, true); /* may carry credentials */
    case ZWS_OPT_NO_PROXY: return replace(&c->no_proxy, value, false);
    default:
        return ZWS_E_INVALID;
    }
}

int zws_client_set_int(zws_client *c, int option, int64_t value)
{
    if (!c)
        return ZWS_E_INVALID;
    const int64_t day = 86400000;
    int64_t *slot = NULL, min = 1, max = day;
    switch (option) {
    case ZWS_OPT_HEARTBEAT_MS: slot = &c->heartbeat_ms; break;
    case ZWS_OPT_LIVENESS_MS: slot = &c->liveness_ms; break;
    case ZWS_OPT_TOKEN_MARGIN_MS: slot = &c->token_margin_ms, min = 0; break;
    case ZWS_OPT_RECONNECT_BASE_MS: slot = &c->reconnect_base_ms; break;
    case ZWS_OPT_RECONNECT_MAX_MS: slot = &c->reconnect_max_ms; break;
    case ZWS_OPT_CONNECT_TIMEOUT_MS: slot = &c->connect_timeout_ms; break;
    case ZWS_OPT_HTTP_TIMEOUT_MS: slot = &c->http_timeout_ms; break;
    case ZWS_OPT_MAX_MESSAGE_BYTES: slot = &c->max_message_bytes, min = 64, max = INT32_MAX; break;
    case ZWS_OPT_AUTO_RECONNECT:
        if (value != 0 && value != 1)
            return ZWS_E_INVALID;
        c->auto_reconnect = value;
        return 0;
    case ZWS_OPT_TLS_MIN_VERSION:
        if (value != 12 && value != 13)
            return ZWS_E_INVALID;
        tls__free(c);
        c->tls_min_version = (int)value;
        return 0;
    case ZWS_OPT_INSECURE_SKIP_VERIFY:
        if (value != 0 && value != 1)
            return ZWS_E_INVALID;
        tls__free(c);
        c->insecure = value;
        return 0;
    case ZWS_OPT_LOG_LEVEL:
        if (value < ZWS_LOG_ERROR || value > ZWS_LOG_DEBUG)
            return ZWS_E_INVALID;
        c->log_level = (int)value;
        return 0;
    default:
        return ZWS_E_INVALID;
    }
    if (value < min || value > max)
        return ZWS_E_INVALID;
    *slot = value;
    return 0;
}

int zws_client_config_from_env(zws_client *c)
{
    if (!c)
        return ZWS_E_INVALID;
    static const struct { const char *name; int option; } vars[] = {
        {"ZOOM_ACCOUNT_ID", ZWS_OPT_ACCOUNT_ID},
        {"ZOOM_CLIENT_ID", ZWS_OPT_CLIENT_ID},
        {"ZOOM_CLIENT_SECRET", ZWS_OPT_CLIENT_SECRET},
        {"ZOOM_SUBSCRIPTION_ID", ZWS_OPT_SUBSCRIPTION},
        {"ZOOM_WS_URL", ZWS_OPT_WS_URL}, /* after it: wins over a URL in the subscription */
        {"ZOOM_OAUTH_URL", ZWS_OPT_OAUTH_URL},
        {"ZOOM_CA_FILE", ZWS_OPT_CA_FILE},
        /* the conventional proxy variables, most specific last so it wins */
        {"all_proxy", ZWS_OPT_PROXY},
        {"ALL_PROXY", ZWS_OPT_PROXY},
        {"https_proxy", ZWS_OPT_PROXY},
        {"HTTPS_PROXY", ZWS_OPT_PROXY},
        {"no_proxy", ZWS_OPT_NO_PROXY},
        {"NO_PROXY", ZWS_OPT_NO_PROXY},
    };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i].name);
        if (!v || (!*v && vars[i].option == ZWS_OPT_PROXY))
            continue;
        int rc = zws_client_set_str(c, vars[i].option, v);
        if (rc < 0) {
            client__error(c, rc, "environment variable %s is invalid", vars[i].name);
            return rc;
        }
    }
    return 0;
}

int zws_client_set_ssl_ctx_cb(zws_client *c, zws_ssl_ctx_cb cb, void *user)
{
    if (!c)
        return ZWS_E_INVALID;
    tls__free(c);
    c->ssl_ctx_cb = cb;
    c->ssl_ctx_user = user;
    return 0;
}

int zws_client_set_state_cb(zws_client *c, zws_state_cb cb, void *user)
{
    if (!c)
        return ZWS_E_INVALID;
    c->state_cb = cb;
    c->state_user = user;
    return 0;
}

int zws_client_on(zws_client *c, const char *pattern, zws_event_cb cb, void *user)
{
    if (!c)
        return ZWS_E_INVALID;
    return dispatch__add(&c->handlers, pattern, cb, user);
}

int zws_client_off(zws_client *c, int id)
{
    if (!c)
        return ZWS_E_INVALID;
    return dispatch__remove(&c->handlers, id);
}

int zws_client_connect(zws_client *c)
{
    if (!c)
        return ZWS_E_INVALID;
    if (c->state != ZWS_STATE_IDLE && c->state != ZWS_STATE_CLOSED)
        return ZWS_E_STATE;
    const char *missing = !c->client_id ? "client id (ZWS_OPT_CLIENT_ID)"
                          : !c->client_secret ? "client secret (ZWS_OPT_CLIENT_SECRET)"
                          : !c->subscription ? "subscription (ZWS_OPT_SUBSCRIPTION)"
                                             : NULL;
    if (missing) {
        client__error(c, ZWS_E_CONFIG, "cannot connect: %s is not set", missing);
        return ZWS_E_CONFIG;
    }
    if (url__parse(c->ws_url, &c->url) < 0) {
        client__error(c, ZWS_E_CONFIG, "cannot connect: invalid WebSocket URL");
        return ZWS_E_CONFIG;
    }
    int rc = client__start(c);
    loop__arm(c); /* the first deadlines were set outside dispatch */
    return rc;
}

int zws_client_get_fd(const zws_client *c)
{
    return c ? c->loop->epfd : ZWS_E_INVALID; /* a grouped client's is its group's */
}

int zws_client_dispatch(zws_client *c)
{
    if (!c)
        return ZWS_E_INVALID;
    if (c->in_dispatch || c->loop->grouped)
        return ZWS_E_STATE; /* not from inside a callback; a group is dispatched whole */
    c->in_dispatch = true;
    int rc = loop__dispatch(c->loop);
    c->in_dispatch = false;
    if (rc < 0)
        return rc;
    /* a permanent failure is returned once, even one that happened outside
     * dispatch (in zws_client_connect or zws_client_token_failed) */
    rc = c->state == ZWS_STATE_CLOSED ? c->permanent_unreported : 0;
    c->permanent_unreported = 0;
    return rc;
}

int zws_client_run(zws_client *c)
{
    if (!c)
        return ZWS_E_INVALID;
    if (c->loop->grouped)
        return ZWS_E_STATE; /* its group runs it */
    if (c->state == ZWS_STATE_IDLE || c->state == ZWS_STATE_CLOSED) {
        int rc = zws_client_connect(c);
        if (rc < 0)
            return rc;
    }
    while (c->state != ZWS_STATE_CLOSED) {
        struct pollfd pfd = {.fd = c->loop->epfd, .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) {
            client__error(c, ZWS_E_SYSTEM, "poll failed: %s", strerror(errno));
            return ZWS_E_SYSTEM;
        }
        int rc = zws_client_dispatch(c);
        if (rc < 0 && c->state != ZWS_STATE_CLOSED)
            return rc;
    }
    return c->permanent_error;
}

void zws_client_stop(zws_client *c)
{
    if (!c)
        return;
    atomic_store(&c->stop_requested, 1); /* lock-free, so async-signal-safe */
    loop__stop(c);
}

int zws_client_state(const zws_client *c)
{
    return c ? c->state : ZWS_E_INVALID;
}

const char *zws_client_last_error(const zws_client *c)
{
    return c ? c->last_error : "invalid client";
}
