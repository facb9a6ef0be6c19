/* The Server-to-Server OAuth token provider: one POST through the client's
 * curl multi handle (so it progresses inside the poll loop), a cached token,
 * and a refresh scheduled before it expires. */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

#define MAX_TOKEN_REPLY (64 * 1024)
#define DEFAULT_EXPIRES_S 3600
/* A cached token is used for a new connection only with at least this much life left. */
#define MIN_TOKEN_LIFE_MS 10000

int token__form(zbuf *out, const char *account_id)
{
    out->len = 0;
    if (!account_id || !*account_id)
        return zbuf__append(out, "grant_type=client_credentials", 29);
    int rc = zbuf__append(out, "grant_type=account_credentials&account_id=", 42);
    return rc ? rc : url__encode(out, account_id);
}

void token__parse_reply(long http_status, const char *body, size_t len, token_reply *out)
{
    memset(out, 0, sizeof *out);
    json_error_t jerr;
    json_t *root = json_loadb(body, len, 0, &jerr);
    const char *error = NULL, *reason = NULL;
    if (json_is_object(root)) {
        error = json_string_value(json_object_get(root, "error"));
        reason = json_string_value(json_object_get(root, "reason"));
        if (!reason)
            reason = json_string_value(json_object_get(root, "error_description"));
    }
    if (http_status == 200) {
        const char *tok = json_string_value(json_object_get(root, "access_token"));
        json_t *exp = json_object_get(root, "expires_in");
        if (!json_is_object(root)) {
            out->error = ZWS_E_TOKEN;
            snprintf(out->message, sizeof out->message, "token endpoint sent invalid JSON");
        } else if (!tok || !*tok) {
            out->error = ZWS_E_TOKEN;
            snprintf(out->message, sizeof out->message, "token endpoint reply has no access_token");
        } else if (!(out->access_token = str__dup(tok))) {
            out->error = ZWS_E_NOMEM;
        } else {
            out->expires_in_s = json_is_integer(exp) && json_integer_value(exp) > 0
                                    ? (int64_t)json_integer_value(exp)
                                    : DEFAULT_EXPIRES_S;
        }
    } else if (http_status == 408 || http_status == 429 || http_status >= 500 ||
               http_status < 100) {
        out->error = ZWS_E_TOKEN;
        snprintf(out->message, sizeof out->message, "token endpoint answered HTTP %ld%s%s",
                 http_status, reason ? ": " : "", reason ? reason : "");
    } else {
        /* invalid_client, invalid_request, a wrong URL: retrying cannot help */
        out->error = (error || http_status == 401 || http_status == 403) ? ZWS_E_AUTH : ZWS_E_HTTP;
        snprintf(out->message, sizeof out->message,
                 "token endpoint refused the request: HTTP %ld%s%s%s%s%s", http_status,
                 error ? " " : "", error ? error : "", reason ? " (" : "", reason ? reason : "",
                 reason ? ")" : "");
    }
    /* the reply held the token: wipe jansson's copy of it */
    json_t *tok = json_object_get(root, "access_token");
    if (json_is_string(tok))
        OPENSSL_cleanse((char *)json_string_value(tok), json_string_length(tok));
    json_decref(root);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    zws_client *c = userp;
    size_t n = size * nmemb;
    if (c->token_body.len + n > MAX_TOKEN_REPLY || zbuf__append(&c->token_body, data, n) < 0)
        return 0; /* aborts the transfer */
    return n;
}

static CURLcode on_curl_ssl_ctx(CURL *e, void *ssl_ctx, void *user)
{
    (void)e;
    zws_client *c = user;
    SSL_CTX_set1_cert_store(ssl_ctx, SSL_CTX_get_cert_store(c->ssl_ctx));
    return CURLE_OK;
}

int token__start_fetch(zws_client *c)
{
    if (c->token_easy || c->token_pending)
        return 0; /* one request at a time; its result serves every waiter */
    if (c->token_cb)
        return token__ask_provider(c);
    int rc = tls__context(c);
    if (rc < 0)
        return rc;
    zbuf form = {0};
    CURL *e = curl_easy_init();
    if (!e || token__form(&form, c->account_id) < 0) {
        curl_easy_cleanup(e);
        zbuf__free(&form);
        return ZWS_E_NOMEM;
    }
    curl__common(c, e);
    curl_easy_setopt(e, CURLOPT_URL, c->oauth_url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, form.data);
    curl_easy_setopt(e, CURLOPT_USERNAME, c->client_id);
    curl_easy_setopt(e, CURLOPT_PASSWORD, c->client_secret);
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)c->http_timeout_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "libzoomws");
    /* one request an hour: keeping the connection would cost an fd and its TLS state */
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e, CURLOPT_SSLVERSION,
                     (long)(c->tls_min_version == 13 ? CURL_SSLVERSION_TLSv1_3
                                                     : CURL_SSLVERSION_TLSv1_2));
    /* the trust store already loaded for the WebSocket leg serves this leg too
     * (loading a system bundle per request costs milliseconds and a megabyte) */
    curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
    curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, on_curl_ssl_ctx);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, c);
    if (c->client_cert) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
        curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key ? c->client_key : c->client_cert);
    }
    if (c->pinned_pubkey)
        curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, c->pinned_pubkey);
    if (c->ca_file) /* an HTTPS proxy's certificate */
        curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, c->ca_file);
    if (c->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
    }
    zbuf__free(&form);
    c->token_body.len = 0;
    if (!loop__curl(c) || curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        return ZWS_E_NOMEM;
    }
    c->token_easy = e;
    log__emit(c, ZWS_LOG_DEBUG, "requesting an access token from %s", c->oauth_url);
    return 0;
}

void token__cancel(zws_client *c)
{
    c->token_pending = false;
    timers__cancel(&c->timers, TIMER_TOKEN);
    if (c->token_easy) {
        curl_multi_remove_handle(c->multi, c->token_easy);
        curl_easy_cleanup(c->token_easy);
        c->token_easy = NULL;
    }
    zbuf__wipe(&c->token_body);
}

bool token__valid(const zws_client *c)
{
    return c->token && clock__mono_ms() + MIN_TOKEN_LIFE_MS < c->token_expires;
}

void token__invalidate(zws_client *c)
{
    secret__free(c->token);
    c->token = NULL;
    c->token_expires = 0;
    timers__cancel(&c->timers, TIMER_REFRESH);
}

void token__schedule_refresh(zws_client *c)
{
    int64_t life = c->token_expires - c->token_obtained;
    int64_t margin = c->token_margin_ms < life / 2 ? c->token_margin_ms : life / 2;
    timers__set(&c->timers, TIMER_REFRESH, c->token_expires - margin);
}

void token__on_done(zws_client *c, CURL *easy, CURLcode res)
{
    long status = 0;
    curl_off_t retry_after = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy, CURLINFO_RETRY_AFTER, &retry_after);
    /* a server that says when to come back (429, 503) is believed, within the cap */
    c->retry_after_ms = retry_after > 0 ? (int64_t)retry_after * 1000 : 0;
    curl_multi_remove_handle(c->multi, easy);
    curl_easy_cleanup(easy);
    c->token_easy = NULL;

    int err = 0;
    bool permanent = false;
    if (res != CURLE_OK) {
        permanent = curl__is_tls_verify_error(res);
        err = permanent ? ZWS_E_TLS_VERIFY
              : res == CURLE_OPERATION_TIMEDOUT ? ZWS_E_TIMEOUT
              : res == CURLE_COULDNT_RESOLVE_HOST ? ZWS_E_RESOLVE
              : res == CURLE_COULDNT_CONNECT ? ZWS_E_CONNECT
              : res == CURLE_SSL_CONNECT_ERROR ? ZWS_E_TLS
                                              : ZWS_E_TOKEN;
        client__error(c, err, "token request to %s failed: %s", c->oauth_url,
                      c->curl_err[0] ? c->curl_err : curl_easy_strerror(res));
    } else {
        token_reply reply;
        token__parse_reply(status, c->token_body.data ? c->token_body.data : "",
                           c->token_body.len, &reply);
        if (reply.error) {
            err = reply.error;
            permanent = err == ZWS_E_AUTH || err == ZWS_E_HTTP;
            client__error(c, err, "%s", reply.message);
        } else {
            secret__free(c->token);
            c->token = reply.access_token;
            c->token_obtained = clock__mono_ms();
            c->token_expires = c->token_obtained + reply.expires_in_s * 1000;
            token__schedule_refresh(c);
            log__emit(c, ZWS_LOG_INFO, "access token obtained, expires in %lld s",
                      (long long)reply.expires_in_s);
        }
    }
    zbuf__wipe(&c->token_body);
    client__on_token(c, err, permanent);
}

/* ---------------------------------------------------- application providers */

int token__ask_provider(zws_client *c)
{
    c->token_pending = true;
    timers__set(&c->timers, TIMER_TOKEN, clock__mono_ms() + c->http_timeout_ms);
    log__emit(c, ZWS_LOG_DEBUG, "asking the application's token provider");
    c->token_cb(c, c->token_user); /* may answer right away */
    return 0;
}

void token__provider_timeout(zws_client *c)
{
    if (!c->token_pending)
        return;
    c->token_pending = false;
    client__error(c, ZWS_E_TIMEOUT, "the token provider did not answer in %lld ms",
                  (long long)c->http_timeout_ms);
    client__on_token(c, ZWS_E_TIMEOUT, false);
}

int zws_client_set_token_provider(zws_client *c, zws_token_cb cb, void *user)
{
    if (!c)
        return ZWS_E_INVALID;
    c->token_cb = cb;
    c->token_user = user;
    return 0;
}

int zws_client_provide_token(zws_client *c, const char *token, int64_t lifetime_s)
{
    if (!c || !token || !*token || lifetime_s <= 0)
        return ZWS_E_INVALID;
    char *copy = strdup(token);
    if (!copy)
        return ZWS_E_NOMEM;
    secret__free(c->token);
    c->token = copy;
    c->token_obtained = clock__mono_ms();
    c->token_expires = c->token_obtained + lifetime_s * 1000;
    token__schedule_refresh(c);
    if (c->token_pending) {
        c->token_pending = false;
        timers__cancel(&c->timers, TIMER_TOKEN);
        client__on_token(c, 0, false);
    }
    if (!c->in_dispatch) { /* answered later, outside dispatch: deadlines and state changed */
        loop__arm(c);
        loop__wake(c);
    }
    return 0;
}

int zws_client_token_failed(zws_client *c, const char *message, int permanent)
{
    if (!c)
        return ZWS_E_INVALID;
    if (!c->token_pending)
        return ZWS_E_STATE;
    c->token_pending = false;
    timers__cancel(&c->timers, TIMER_TOKEN);
    int err = permanent ? ZWS_E_AUTH : ZWS_E_TOKEN;
    client__error(c, err, "token provider failed: %s", message ? message : "(no reason given)");
    client__on_token(c, err, permanent != 0);
    if (!c->in_dispatch) {
        loop__arm(c);
        loop__wake(c); /* so that a loop waiting on the fd learns the outcome */
    }
    return 0;
}

int zws_client_invalidate_token(zws_client *c)
{
    if (!c)
        return ZWS_E_INVALID;
    token__invalidate(c);
    log__emit(c, ZWS_LOG_INFO, "access token invalidated by the application");
    if (!c->in_dispatch) {
        loop__arm(c);
        loop__wake(c);
    }
    return 0;
}
