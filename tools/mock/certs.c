#include "certs.h"
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "log.h"

static bool add_ext(X509 *issuer, X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (!ext)
        return false;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1;
}

static bool set_random_serial(X509 *x)
{
    BIGNUM *bn = BN_new();
    bool ok = bn && BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
              BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
    BN_free(bn);
    return ok;
}

/* issuer == NULL makes a self-signed CA. Valid from now-1h to now+1day so
 * small clock differences never matter and nothing outlives a test day. */
static X509 *make_cert(EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, const char *cn)
{
    X509 *x = X509_new();
    if (!x)
        return NULL;
    bool ca = issuer == NULL;
    X509_NAME *name = X509_get_subject_name(x);
    bool ok = X509_set_version(x, 2) == 1 && set_random_serial(x) &&
              X509_gmtime_adj(X509_getm_notBefore(x), !ca && g_cfg.cert_expired ? -172800 : -3600) &&
              X509_gmtime_adj(X509_getm_notAfter(x), !ca && g_cfg.cert_expired ? -86400 : 86400) &&
              X509_set_pubkey(x, key) == 1 &&
              X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                         (const unsigned char *)"zoomws-mock", -1, -1, 0) == 1 &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                                         -1, -1, 0) == 1 &&
              X509_set_issuer_name(x, ca ? name : X509_get_subject_name(issuer)) == 1;
    X509 *iss = ca ? x : issuer;
    if (ok && ca) {
        ok = add_ext(iss, x, NID_basic_constraints, "critical,CA:TRUE") &&
             add_ext(iss, x, NID_key_usage, "critical,keyCertSign,cRLSign") &&
             add_ext(iss, x, NID_subject_key_identifier, "hash") &&
             add_ext(iss, x, NID_authority_key_identifier, "keyid:always");
    } else if (ok) {
        char san[300] = "DNS:localhost,IP:127.0.0.1,IP:::1";
        if (g_cfg.cert_host)
            snprintf(san, sizeof san, "DNS:%s", g_cfg.cert_host);
        ok = add_ext(iss, x, NID_basic_constraints, "critical,CA:FALSE") &&
             add_ext(iss, x, NID_key_usage, "critical,digitalSignature") &&
             add_ext(iss, x, NID_ext_key_usage, "serverAuth") &&
             add_ext(iss, x, NID_subject_alt_name, san) &&
             add_ext(iss, x, NID_subject_key_identifier, "hash") &&
             add_ext(iss, x, NID_authority_key_identifier, "keyid:always");
    }
    if (ok)
        ok = X509_sign(x, ca ? key : issuer_key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* Write to a temp file and rename so a client never reads a half-written CA. */
static bool write_ca(const char *path, X509 *ca)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return false;
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    bool ok = f && PEM_write_X509(f, ca) == 1;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        log_err("cannot write CA certificate to %s", path);
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* Pick http/1.1 when offered so curl never tries HTTP/2 on this port. */
static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)ssl;
    (void)arg;
    for (unsigned int i = 0; i < inlen;) {
        unsigned int l = in[i];
        if (i + 1 + l > inlen)
            break;
        if (l == 8 && memcmp(in + i + 1, "http/1.1", 8) == 0) {
            *out = in + i + 1;
            *outlen = (unsigned char)l;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + l;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

SSL_CTX *certs_make_server_ctx(const char *ca_path)
{
    EVP_PKEY *ca_key = EVP_EC_gen("P-256");
    EVP_PKEY *srv_key = EVP_EC_gen("P-256");
    X509 *ca = NULL, *srv = NULL;
    SSL_CTX *ctx = NULL;
    if (!ca_key || !srv_key)
        goto fail;
    ca = make_cert(ca_key, NULL, NULL, "zoomws-mock throwaway CA");
    if (!ca)
        goto fail;
    srv = make_cert(srv_key, ca, ca_key, "localhost");
    if (!srv)
        goto fail;
    if (!write_ca(ca_path, ca))
        goto fail_quiet;
    ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx || SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_use_certificate(ctx, srv) != 1 || SSL_CTX_use_PrivateKey(ctx, srv_key) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1)
        goto fail;
    /* Partial writes + moving buffer: our output buffer may be compacted or
     * grown between an SSL_write that blocked and its retry. Release buffers
     * keeps thousands of idle connections cheap. */
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    if (g_cfg.tls_max == 11) { /* OpenSSL 3 refuses TLS < 1.2 below security level 0 */
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    }
    SSL_CTX_set_alpn_select_cb(ctx, alpn_select, NULL);
    X509_free(ca);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    return ctx;
fail:
    log_err("TLS setup failed: %s", ERR_error_string(ERR_get_error(), NULL));
fail_quiet:
    SSL_CTX_free(ctx);
    X509_free(ca);
    X509_free(srv);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(srv_key);
    return NULL;
}
