/* OpenSSL for the WebSocket leg: a verified TLS ≥ 1.2 context (system store,
 * CA file or directory, client certificate, the application's own tweaks),
 * SNI and host-name or IP checks, key pinning, and session resumption so a
 * reconnect saves a round trip. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include "internal.h"

static int ex_index = -1; /* SSL ex-data slot holding the client */
static pthread_once_t ex_once = PTHREAD_ONCE_INIT;
static void ex_index_init(void)
{
    ex_index = SSL_get_ex_new_index(0, "zws_client", NULL, NULL, NULL);
}

static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    zws_client *c = SSL_get_ex_data(ssl, ex_index);
    if (!c)
        return 0;
    if (c->tls_session)
        SSL_SESSION_free(c->tls_session);
    c->tls_session = sess;
    return 1; /* we keep the reference */
}

/* Builds a context from the client's TLS settings (the expensive part is
 * loading the trust store). */
static SSL_CTX *build_context(zws_client *c, int *err)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    *err = ZWS_E_NOMEM;
    if (!ctx)
        return NULL;
    SSL_CTX_set_min_proto_version(ctx, c->tls_min_version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    /* a dropped TCP connection is not a TLS attack (the WebSocket framing
     * detects truncation); as a fatal error it would also void the session */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    SSL_CTX_set_verify(ctx, c->insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
    int ok = 1;
    if (c->ca_file || c->ca_path)
        ok = SSL_CTX_load_verify_locations(ctx, c->ca_file, c->ca_path);
    else
        ok = SSL_CTX_set_default_verify_paths(ctx);
    if (ok != 1) {
        client__error(c, ZWS_E_TLS_VERIFY, "cannot load CA certificates from %s",
                      c->ca_file ? c->ca_file : c->ca_path ? c->ca_path : "the system store");
        SSL_CTX_free(ctx);
        ERR_clear_error();
        *err = ZWS_E_TLS_VERIFY;
        return NULL;
    }
    if (c->client_cert &&
        (SSL_CTX_use_certificate_chain_file(ctx, c->client_cert) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx, c->client_key ? c->client_key : c->client_cert,
                                     SSL_FILETYPE_PEM) != 1 ||
         SSL_CTX_check_private_key(ctx) != 1)) {
        client__error(c, ZWS_E_CONFIG, "cannot use the client certificate %s or its key",
                      c->client_cert);
        SSL_CTX_free(ctx);
        ERR_clear_error();
        *err = ZWS_E_CONFIG;
        return NULL;
    }
    return ctx;
}

/* Clients with the same TLS settings share one context, so a process with
 * thousands of subscriptions loads its trust store once, not per client. */
struct shared_ctx {
    char *key;
    SSL_CTX *ctx;
    int refs;
    struct shared_ctx *next;
};
static struct shared_ctx *shared;
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static char *settings_key(const zws_client *c)
{
    char *key = NULL;
    if (asprintf(&key, "%s\x1f%s\x1f%s\x1f%s\x1f%d\x1f%d", c->ca_file ? c->ca_file : "",
                 c->ca_path ? c->ca_path : "", c->client_cert ? c->client_cert : "",
                 c->client_key ? c->client_key : "", c->tls_min_version, c->insecure) < 0)
        return NULL;
    return key;
}

int tls__context(zws_client *c)
{
    if (c->ssl_ctx)
        return 0;
    pthread_once(&ex_once, ex_index_init);
    if (c->insecure)
        log__emit(c, ZWS_LOG_WARN, "TLS certificate verification is DISABLED "
                                   "(ZWS_OPT_INSECURE_SKIP_VERIFY): anyone can impersonate Zoom");
    int err;
    if (c->ssl_ctx_cb) { /* the application tunes it: a context of its own */
        if (!(c->ssl_ctx = build_context(c, &err)))
            return err;
        c->ssl_ctx_cb(c, c->ssl_ctx, c->ssl_ctx_user);
        return 0;
    }
    char *key = settings_key(c);
    if (!key)
        return ZWS_E_NOMEM;
    pthread_mutex_lock(&shared_lock);
    struct shared_ctx *e = shared;
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    if (!e && (e = calloc(1, sizeof *e)) && !(e->ctx = build_context(c, &err))) {
        free(e);
        pthread_mutex_unlock(&shared_lock);
        free(key);
        return err;
    }
    if (!e) {
        pthread_mutex_unlock(&shared_lock);
        free(key);
        return ZWS_E_NOMEM;
    }
    if (!e->key) {
        e->key = key;
        key = NULL;
        e->next = shared;
        shared = e;
    }
    e->refs++;
    c->ssl_ctx = e->ctx;
    c->ssl_ctx_shared = true;
    pthread_mutex_unlock(&shared_lock);
    free(key);
    return 0;
}

void tls__free(zws_client *c)
{
    if (c->tls_session)
        SSL_SESSION_free(c->tls_session);
    c->tls_session = NULL;
    if (c->ssl_ctx && c->ssl_ctx_shared) {
        pthread_mutex_lock(&shared_lock);
        for (struct shared_ctx **p = &shared; *p; p = &(*p)->next) {
            if ((*p)->ctx == c->ssl_ctx) {
                struct shared_ctx *e = *p;
                if (--e->refs == 0) {
                    *p = e->next;
                    SSL_CTX_free(e->ctx);
                    free(e->key);
                    free(e);
                }
                break;
            }
        }
        pthread_mutex_unlock(&shared_lock);
    } else if (c->ssl_ctx) {
        SSL_CTX_free(c->ssl_ctx);
    }
    c->ssl_ctx = NULL;
    c->ssl_ctx_shared = false;
}

static bool is_ip_literal(const char *host)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

int tls__new_session(zws_client *c)
{
    int rc = tls__context(c);
    if (rc < 0)
        return rc;
    if (!(c->ssl = SSL_new(c->ssl_ctx))) {
        client__error(c, ZWS_E_NOMEM, "cannot create a TLS session");
        return ZWS_E_NOMEM;
    }
    if (c->tunnel_easy) { /* through an HTTPS proxy's tunnel */
        BIO *bio = tunnel__bio(c);
        if (!bio) {
            client__error(c, ZWS_E_NOMEM, "cannot create a TLS session");
            return ZWS_E_NOMEM;
        }
        SSL_set_bio(c->ssl, bio, bio);
    } else if (SSL_set_fd(c->ssl, c->fd) != 1) {
        client__error(c, ZWS_E_NOMEM, "cannot create a TLS session");
        return ZWS_E_NOMEM;
    }
    SSL_set_ex_data(c->ssl, ex_index, c);
    if (is_ip_literal(c->url.host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), c->url.host);
    } else {
        SSL_set_tlsext_host_name(c->ssl, c->url.host);
        SSL_set1_host(c->ssl, c->url.host);
    }
    if (c->tls_session)
        SSL_set_session(c->ssl, c->tls_session);
    SSL_set_connect_state(c->ssl);
    return 0;
}

bool tls__pin_matches(const unsigned char *spki, size_t len, const char *pins)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    char b64[64];
    SHA256(spki, len, digest);
    int n = EVP_EncodeBlock((unsigned char *)b64, digest, sizeof digest);
    for (const char *p = pins; p && *p;) {
        size_t span = strcspn(p, ";");
        if (span > 8 && !strncmp(p, "sha256//", 8) && span - 8 == (size_t)n &&
            !memcmp(p + 8, b64, (size_t)n))
            return true;
        p += span;
        if (*p == ';')
            p++;
    }
    return false;
}

int tls__check_peer(zws_client *c)
{
    if (SSL_session_reused(c->ssl))
        log__emit(c, ZWS_LOG_DEBUG, "TLS session resumed");
    if (!c->pinned_pubkey)
        return 0;
    X509 *peer = SSL_get0_peer_certificate(c->ssl);
    unsigned char *der = NULL;
    int len = peer ? i2d_PUBKEY(X509_get0_pubkey(peer), &der) : -1;
    bool ok = len > 0 && tls__pin_matches(der, (size_t)len, c->pinned_pubkey);
    OPENSSL_free(der);
    if (!ok) {
        client__error(c, ZWS_E_TLS_VERIFY, "public key of %s:%d does not match ZWS_OPT_PINNED_PUBKEY",
                      c->url.host, c->url.port);
        return ZWS_E_TLS_VERIFY;
    }
    return 0;
}
