/* HTTPS proxies: libcurl owns the TLS session to the proxy, so the tunnel's
 * bytes go through curl_easy_send/recv, and our TLS session to Zoom runs on
 * top of them through a small OpenSSL BIO. (Plain HTTP and SOCKS proxies hand
 * us the raw socket instead: see transport.c.) */
#include <pthread.h>
#include <string.h>

#include <openssl/bio.h>

#include "internal.h"

static int tunnel_write(BIO *b, const char *buf, int len)
{
    zws_client *c = BIO_get_data(b);
    size_t n = 0;
    BIO_clear_retry_flags(b);
    CURLcode rc = curl_easy_send(c->tunnel_easy, buf, (size_t)len, &n);
    if (rc == CURLE_AGAIN) {
        BIO_set_retry_write(b);
        return -1;
    }
    return rc == CURLE_OK ? (int)n : -1;
}

static int tunnel_read(BIO *b, char *buf, int len)
{
    zws_client *c = BIO_get_data(b);
    size_t n = 0;
    BIO_clear_retry_flags(b);
    CURLcode rc = curl_easy_recv(c->tunnel_easy, buf, (size_t)len, &n);
    if (rc == CURLE_AGAIN) {
        BIO_set_retry_read(b);
        return -1;
    }
    return rc == CURLE_OK ? (int)n : -1; /* 0: the proxy closed the tunnel */
}

static long tunnel_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b, (void)num, (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static BIO_METHOD *method;
static pthread_once_t method_once = PTHREAD_ONCE_INIT;
static void method_init(void)
{
    method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "zoomws curl tunnel");
    if (method) {
        BIO_meth_set_write(method, tunnel_write);
        BIO_meth_set_read(method, tunnel_read);
        BIO_meth_set_ctrl(method, tunnel_ctrl);
    }
}

BIO *tunnel__bio(zws_client *c)
{
    pthread_once(&method_once, method_init);
    BIO *b = method ? BIO_new(method) : NULL;
    if (b) {
        BIO_set_data(b, c);
        BIO_set_init(b, 1);
    }
    return b;
}

ssize_t tunnel__read(zws_client *c, void *buf, size_t len)
{
    size_t n = 0;
    CURLcode rc = curl_easy_recv(c->tunnel_easy, buf, len, &n);
    if (rc == CURLE_AGAIN)
        return 0;
    return rc == CURLE_OK && n > 0 ? (ssize_t)n : -1;
}

ssize_t tunnel__write(zws_client *c, const void *buf, size_t len)
{
    size_t n = 0;
    CURLcode rc = curl_easy_send(c->tunnel_easy, buf, len, &n);
    if (rc == CURLE_AGAIN) {
        c->ssl_want_write = true;
        return 0;
    }
    return rc == CURLE_OK ? (ssize_t)n : -1;
}
