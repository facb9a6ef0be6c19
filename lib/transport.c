/* The connection under the WebSocket: libcurl opens the TCP leg (asynchronous
 * DNS and happy eyeballs inside the poll loop, CURLOPT_CONNECT_ONLY), we take a
 * duplicate of its socket and run OpenSSL over it, non-blocking, verified. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include "internal.h"

int transport__start(zws_client *c)
{
    CURL *e = curl_easy_init();
    if (!e)
        return ZWS_E_NOMEM;
    char target[300];
    bool v6 = strchr(c->url.host, ':') != NULL;
    snprintf(target, sizeof target, v6 ? "http://[%s]:%d/" : "http://%s:%d/", c->url.host,
             c->url.port);
    curl__common(c, e);
    curl_easy_setopt(e, CURLOPT_URL, target);
    curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
    /* through an HTTP proxy: a CONNECT tunnel to host:port (SOCKS tunnels anyway) */
    curl_easy_setopt(e, CURLOPT_HTTPPROXYTUNNEL, 1L);
    if (c->ca_file) /* the proxy's own certificate (HTTPS proxies) */
        curl_easy_setopt(e, CURLOPT_PROXY_CAINFO, c->ca_file);
    if (c->insecure) {
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
    }
    if (!loop__curl(c) || curl_multi_add_handle(c->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        return ZWS_E_NOMEM;
    }
    c->connect_easy = e;
    return 0;
}

static void tls_fail(zws_client *c, const char *during)
{
    long vr = c->ssl ? SSL_get_verify_result(c->ssl) : X509_V_OK;
    if (vr != X509_V_OK) {
        client__error(c, ZWS_E_TLS_VERIFY, "TLS certificate of %s:%d refused: %s", c->url.host,
                      c->url.port, X509_verify_cert_error_string(vr));
        ERR_clear_error();
        client__fail(c, ZWS_E_TLS_VERIFY, true, 0, NULL);
        return;
    }
    char detail[256];
    unsigned long e = ERR_get_error();
    if (e)
        ERR_error_string_n(e, detail, sizeof detail);
    else
        snprintf(detail, sizeof detail, "%s", errno ? strerror(errno) : "connection closed");
    ERR_clear_error();
    client__error(c, ZWS_E_TLS, "TLS %s with %s:%d failed: %s", during, c->url.host, c->url.port,
                  detail);
    client__fail(c, ZWS_E_TLS, false, 0, NULL);
}

void transport__on_connected(zws_client *c, CURL *easy, CURLcode res)
{
    curl_socket_t s = CURL_SOCKET_BAD;
    long proxy_status = 0;
    if (res == CURLE_OK)
        curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, &s);
    curl_easy_getinfo(easy, CURLINFO_HTTP_CONNECTCODE, &proxy_status);
    int fd;
    c->connect_easy = NULL;
    if (res == CURLE_OK && c->proxy && !strncasecmp(c->proxy, "https://", 8)) {
        /* libcurl's TLS to the proxy stays in the way: keep the handle */
        fd = s;
        c->tunnel_easy = easy;
    } else {
        /* our own descriptor: curl closes its copy with the handle */
        fd = s != CURL_SOCKET_BAD ? fcntl(s, F_DUPFD_CLOEXEC, 3) : -1;
        curl_multi_remove_handle(c->multi, easy);
        curl_easy_cleanup(easy);
    }
    if (res != CURLE_OK || fd < 0) {
        int err = res == CURLE_COULDNT_RESOLVE_HOST  ? ZWS_E_RESOLVE
                  : res == CURLE_COULDNT_RESOLVE_PROXY ? ZWS_E_RESOLVE
                  : res == CURLE_OPERATION_TIMEDOUT  ? ZWS_E_TIMEOUT
                  : res == CURLE_OK                  ? ZWS_E_SYSTEM
                                                     : ZWS_E_CONNECT;
        if (proxy_status >= 300)
            client__error(c, err, "proxy refused the tunnel to %s:%d: HTTP %ld", c->url.host,
                          c->url.port, proxy_status);
        else
            client__error(c, err, "cannot connect to %s:%d%s: %s", c->url.host, c->url.port,
                          c->proxy ? " through the proxy" : "",
                          c->curl_err[0] ? c->curl_err : curl_easy_strerror(res));
        client__fail(c, err, false, 0, NULL);
        return;
    }
    c->fd = fd;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    if (c->url.tls) {
        int rc = tls__new_session(c);
        if (rc < 0) {
            client__fail(c, rc, rc == ZWS_E_TLS_VERIFY || rc == ZWS_E_CONFIG, 0, NULL);
            return;
        }
    }
    c->fd_events = 0;
    client__set_state(c, c->url.tls ? ZWS_STATE_TLS_HANDSHAKE : ZWS_STATE_UPGRADING);
    if (c->state == ZWS_STATE_UPGRADING)
        client__on_upgrading(c);
    if (c->fd >= 0)
        transport__io(c, EPOLLOUT);
}

ssize_t transport__read(zws_client *c, void *buf, size_t len)
{
    if (!c->ssl && c->tunnel_easy)
        return tunnel__read(c, buf, len);
    if (!c->ssl) {
        ssize_t n = recv(c->fd, buf, len, 0);
        if (n > 0)
            return n;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return 0;
        return -1;
    }
    ERR_clear_error();
    int n = SSL_read(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (n > 0)
        return n;
    int err = SSL_get_error(c->ssl, n);
    if (err == SSL_ERROR_WANT_READ)
        return 0;
    if (err == SSL_ERROR_WANT_WRITE) {
        c->ssl_want_write = true;
        return 0;
    }
    ERR_clear_error();
    return -1;
}

ssize_t transport__write(zws_client *c, const void *buf, size_t len)
{
    if (!c->ssl && c->tunnel_easy)
        return tunnel__write(c, buf, len);
    if (!c->ssl) {
        ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0)
            return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            c->ssl_want_write = true;
            return 0;
        }
        return -1;
    }
    ERR_clear_error();
    int n = SSL_write(c->ssl, buf, len > INT32_MAX ? INT32_MAX : (int)len);
    if (n > 0)
        return n;
    int err = SSL_get_error(c->ssl, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        c->ssl_want_write = true;
        return 0;
    }
    ERR_clear_error();
    return -1;
}

void transport__update_interest(zws_client *c)
{
    if (c->fd < 0)
        return;
    uint32_t events = EPOLLIN;
    if (c->ssl_want_write || c->hs_sent < c->hs_out.len || ws__wants_write(c))
        events |= EPOLLOUT;
    if (events != c->fd_events && loop__watch(c, c->fd, WATCH_WS, events) == 0)
        c->fd_events = events;
}

static void tls_handshake(zws_client *c)
{
    ERR_clear_error();
    errno = 0;
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        log__emit(c, ZWS_LOG_DEBUG, "TLS %s established with %s:%d", SSL_get_version(c->ssl),
                  c->url.host, c->url.port);
        if (tls__check_peer(c) < 0) {
            client__fail(c, ZWS_E_TLS_VERIFY, true, 0, NULL);
            return;
        }
        client__set_state(c, ZWS_STATE_UPGRADING);
        client__on_upgrading(c);
        return;
    }
    int err = SSL_get_error(c->ssl, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        c->ssl_want_write = err == SSL_ERROR_WANT_WRITE;
        return;
    }
    tls_fail(c, "handshake");
}

void transport__io(zws_client *c, uint32_t events)
{
    c->ssl_want_write = false;
    if (c->state == ZWS_STATE_TLS_HANDSHAKE)
        tls_handshake(c);
    if (c->fd >= 0 && !c->ws && c->state == ZWS_STATE_UPGRADING)
        client__upgrade_io(c);
    else if (c->fd >= 0 && c->ws)
        ws__io(c, (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0);
    transport__update_interest(c);
}

void transport__close(zws_client *c)
{
    if (c->connect_easy) {
        curl_multi_remove_handle(c->multi, c->connect_easy);
        curl_easy_cleanup(c->connect_easy);
        c->connect_easy = NULL;
    }
    ws__free(c);
    if (c->ssl) {
        /* a quiet shutdown: the socket may be dead, and SSL_free after an
         * unfinished shutdown would make the session non-resumable */
        SSL_set_quiet_shutdown(c->ssl, 1);
        SSL_shutdown(c->ssl);
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
    if (c->fd >= 0) {
        loop__unwatch(c, c->fd);
        if (!c->tunnel_easy) /* a tunnel's socket is libcurl's to close */
            close(c->fd);
        c->fd = -1;
    }
    if (c->tunnel_easy) {
        curl_multi_remove_handle(c->multi, c->tunnel_easy);
        curl_easy_cleanup(c->tunnel_easy);
        c->tunnel_easy = NULL;
    }
    c->fd_events = 0;
    c->ssl_want_write = false;
}
