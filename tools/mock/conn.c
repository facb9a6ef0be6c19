#include "conn.h"
#include "faults.h"
#include "config.h"

#include <errno.h>
#include <time.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>

#include "log.h"
#include "ws.h"

#define TLS_HANDSHAKE_TIMEOUT_MS 10000
#define HTTP_IDLE_TIMEOUT_MS 60000
#define ACCEPT_PAUSE_MS 100
/* Bounds the time one connection can hog a flush when the peer reads as
 * fast as we write; EPOLLOUT brings us back. */
#define FLUSH_ROUNDS 16

struct conn *g_conns;

static SSL_CTX *g_ssl_ctx;
static int g_epfd = -1, g_listen_fd = -1;
static uint64_t g_next_id;
static struct conn *g_dirty;
static uint64_t g_next_deadline = UINT64_MAX;
static uint64_t g_accept_resume_ms; /* nonzero while accept is paused (EMFILE) */

void conn_setup(SSL_CTX *ctx, int epfd, int listen_fd)
{
    g_ssl_ctx = ctx;
    g_epfd = epfd;
    g_listen_fd = listen_fd;
}

void conn_schedule(uint64_t when_ms)
{
    if (when_ms < g_next_deadline)
        g_next_deadline = when_ms;
}

uint64_t conn_next_deadline(void) { return g_next_deadline; }

static void set_interest(struct conn *c, uint32_t want)
{
    if (c->dead || want == c->ep_events)
        return;
    struct epoll_event ev = {.events = want, .data.ptr = c};
    if (epoll_ctl(g_epfd, EPOLL_CTL_MOD, c->fd, &ev) == 0)
        c->ep_events = want;
    else
        log_err("epoll_ctl: %s", strerror(errno));
}

static void pause_accept(uint64_t now)
{
    /* Out of descriptors: stop polling the listener briefly instead of
     * spinning on a level-triggered readable socket. */
    struct epoll_event ev = {.events = 0, .data.ptr = CONN_LISTEN_TAG};
    epoll_ctl(g_epfd, EPOLL_CTL_MOD, g_listen_fd, &ev);
    g_accept_resume_ms = now + ACCEPT_PAUSE_MS;
    conn_schedule(g_accept_resume_ms);
}

void conn_accept_all(void)
{
    for (;;) {
        int fd = accept4(g_listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                log_err("accept: %s (pausing accepts)", strerror(errno));
                pause_accept(mono_ms());
            } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED) {
                log_err("accept: %s", strerror(errno));
            }
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        SSL *ssl = c ? SSL_new(g_ssl_ctx) : NULL;
        if (!ssl || SSL_set_fd(ssl, fd) != 1) {
            log_err("cannot set up connection");
            SSL_free(ssl);
            free(c);
            close(fd);
            continue;
        }
        SSL_set_accept_state(ssl);
        c->id = ++g_next_id;
        c->fd = fd;
        c->ssl = ssl;
        c->state = CS_TLS;
        c->created_ms = c->last_recv_ms = mono_ms();
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(g_epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
            log_err("epoll_ctl add: %s", strerror(errno));
            SSL_free(ssl);
            free(c);
            close(fd);
            continue;
        }
        c->ep_events = EPOLLIN;
        c->next = g_conns;
        if (g_conns)
            g_conns->prev = c;
        g_conns = c;
        conn_schedule(c->created_ms + TLS_HANDSHAKE_TIMEOUT_MS);
        log_debug("conn %llu: accepted", (unsigned long long)c->id);
    }
}

ssize_t conn_tls_read(struct conn *c, void *p, size_t n)
{
    ERR_clear_error();
    int r = SSL_read(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);
    if (r > 0) {
        c->last_recv_ms = mono_ms();
        return r;
    }
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ)
        return 0;
    if (err == SSL_ERROR_WANT_WRITE) {
        c->read_wants_write = true;
        return 0;
    }
    return -1;
}

/* --stamp: events carry "sent_us":1000000000000000 (escaped once inside the
 * content string); its 16 digits become CLOCK_REALTIME microseconds at the
 * moment the bytes go to TLS, for send-to-callback latency measurements. */
static void stamp_send_times(char *p, size_t n)
{
    static const char ph[] = "sent_us\\\":1000000000000000";
    const size_t phlen = sizeof ph - 1, digits = 16;
    char *hit = memmem(p, n, ph, phlen);
    if (!hit)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long us = (unsigned long long)ts.tv_sec * 1000000ull + (unsigned long long)ts.tv_nsec / 1000ull;
    char d[16];
    for (int i = 15; i >= 0; i--, us /= 10)
        d[i] = (char)('0' + us % 10);
    for (; hit; hit = memmem(hit + phlen, n - (size_t)(hit + phlen - p), ph, phlen))
        memcpy(hit + phlen - digits, d, digits);
}

/* Writes buffered output: 1 all written, 0 socket full, -1 error. */
static int tls_write_out(struct conn *c)
{
    while (buf_avail(&c->out) > 0) {
        /* The length only grows between a blocked SSL_write and its retry,
         * which OpenSSL accepts with ACCEPT_MOVING_WRITE_BUFFER. */
        size_t n = buf_avail(&c->out);
        if (n > (1u << 20))
            n = 1u << 20;
        if (g_cfg.stamp)
            stamp_send_times((char *)buf_ptr(&c->out), n);
        ERR_clear_error();
        int r = SSL_write(c->ssl, buf_ptr(&c->out), (int)n);
        if (r > 0) {
            buf_consume(&c->out, (size_t)r);
            continue;
        }
        int err = SSL_get_error(c->ssl, r);
        if (err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_WANT_READ) {
            c->write_blocked = true;
            return 0;
        }
        return -1;
    }
    c->write_blocked = false;
    return 1;
}

static void update_interest(struct conn *c)
{
    uint32_t want = 0;
    if (c->state == CS_TLS) {
        want = SSL_want_write(c->ssl) ? EPOLLOUT : EPOLLIN;
    } else {
        if (c->state == CS_HTTP || ws_want_read(c))
            want |= EPOLLIN;
        if (buf_avail(&c->out) > 0 || c->read_wants_write || (c->ws && ws_want_write(c)))
            want |= EPOLLOUT;
    }
    set_interest(c, want);
}

static void conn_flush(struct conn *c)
{
    if (c->dead)
        return;
    if (c->state != CS_TLS) {
        for (int round = 0; round < FLUSH_ROUNDS; round++) {
            if (c->ws && ws_produce(c) < 0) {
                conn_close(c, false);
                return;
            }
            if (buf_avail(&c->out) == 0)
                break;
            int r = tls_write_out(c);
            if (r < 0) {
                conn_close(c, false);
                return;
            }
            if (r == 0 || !c->ws || !ws_want_write(c))
                break;
        }
        if (c->ws)
            ws_after_flush(c);
        else if (c->close_when_flushed && buf_avail(&c->out) == 0)
            conn_close(c, true);
        if (c->dead)
            return;
    }
    update_interest(c);
}

void conn_mark_dirty(struct conn *c)
{
    if (c->dirty || c->dead)
        return;
    c->dirty = true;
    c->dirty_next = g_dirty;
    g_dirty = c;
}

void conn_flush_dirty(void)
{
    while (g_dirty) {
        struct conn *c = g_dirty;
        g_dirty = c->dirty_next;
        c->dirty = false;
        c->dirty_next = NULL;
        conn_flush(c);
    }
}

void conn_flush_ready(void)
{
    struct conn *blocked = NULL;
    while (g_dirty) {
        struct conn *c = g_dirty;
        g_dirty = c->dirty_next;
        if (c->write_blocked && !c->dead) {
            c->dirty_next = blocked;
            blocked = c;
            continue;
        }
        c->dirty = false;
        c->dirty_next = NULL;
        conn_flush(c);
    }
    while (blocked) {
        struct conn *c = blocked;
        blocked = c->dirty_next;
        c->dirty_next = g_dirty;
        g_dirty = c;
    }
}

static void tls_handshake(struct conn *c)
{
    if (!c->tls_started && faults_take_tls_close()) {
        log_info("conn %llu: injected close during the TLS handshake", (unsigned long long)c->id);
        conn_close(c, false);
        return;
    }
    c->tls_started = true;
    ERR_clear_error();
    int r = SSL_accept(c->ssl);
    if (r == 1) {
        c->state = CS_HTTP;
        c->last_recv_ms = mono_ms();
        conn_schedule(c->last_recv_ms + HTTP_IDLE_TIMEOUT_MS);
        log_debug("conn %llu: TLS %s established", (unsigned long long)c->id,
                  SSL_get_version(c->ssl));
        http_on_readable(c); /* the request may already be buffered */
        return;
    }
    int err = SSL_get_error(c->ssl, r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return;
    const char *why = ERR_reason_error_string(ERR_peek_last_error());
    log_debug("conn %llu: TLS handshake failed: %s", (unsigned long long)c->id,
              why ? why : "connection closed");
    conn_close(c, false);
}

void conn_on_event(struct conn *c, uint32_t events)
{
    if (c->dead)
        return;
    if (c->state == CS_TLS) {
        tls_handshake(c);
    } else if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) ||
               (c->read_wants_write && (events & EPOLLOUT))) {
        c->read_wants_write = false;
        if (c->state == CS_HTTP)
            http_on_readable(c);
        else
            ws_on_readable(c);
    }
    conn_mark_dirty(c);
}

void conn_close(struct conn *c, bool graceful)
{
    if (c->dead)
        return;
    if (c->ws)
        ws_on_conn_close(c);
    if (graceful && c->state != CS_TLS) {
        ERR_clear_error();
        SSL_shutdown(c->ssl); /* best effort close_notify, never waited for */
    }
    epoll_ctl(g_epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
    c->dead = true;
    log_debug("conn %llu: closed", (unsigned long long)c->id);
}

void conn_reap(void)
{
    struct conn *c = g_conns;
    while (c) {
        struct conn *next = c->next;
        if (c->dead && !c->dirty) {
            if (c->prev)
                c->prev->next = c->next;
            else
                g_conns = c->next;
            if (c->next)
                c->next->prev = c->prev;
            ws_free(c);
            http_state_free(&c->http);
            buf_free(&c->in);
            buf_free(&c->out);
            SSL_free(c->ssl);
            free(c);
        }
        c = next;
    }
}

void conn_housekeeping(uint64_t now)
{
    if (now < g_next_deadline)
        return;
    /* Timers set while scanning lower g_next_deadline again; keep them. */
    g_next_deadline = UINT64_MAX;
    uint64_t next = UINT64_MAX;
    if (g_accept_resume_ms) {
        if (now >= g_accept_resume_ms) {
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = CONN_LISTEN_TAG};
            epoll_ctl(g_epfd, EPOLL_CTL_MOD, g_listen_fd, &ev);
            g_accept_resume_ms = 0;
        } else {
            next = g_accept_resume_ms;
        }
    }
    for (struct conn *c = g_conns; c; c = c->next) {
        if (c->dead)
            continue;
        uint64_t due = UINT64_MAX;
        switch (c->state) {
        case CS_TLS:
            due = c->created_ms + TLS_HANDSHAKE_TIMEOUT_MS;
            if (now >= due) {
                log_debug("conn %llu: TLS handshake timeout", (unsigned long long)c->id);
                conn_close(c, false);
                continue;
            }
            break;
        case CS_HTTP:
            due = c->last_recv_ms + HTTP_IDLE_TIMEOUT_MS;
            if (now >= due) {
                conn_close(c, true);
                continue;
            }
            break;
        case CS_WS:
            due = ws_housekeeping(c, now);
            break;
        }
        if (due < next)
            next = due;
    }
    conn_schedule(next);
}

void conn_shutdown_all(void)
{
    for (struct conn *c = g_conns; c; c = c->next) {
        if (c->dead)
            continue;
        if (c->ws)
            ws_shutdown(c);
        conn_flush(c); /* one non-blocking attempt to get the goodbye out */
        conn_close(c, true);
    }
    g_dirty = NULL;
    for (struct conn *c = g_conns; c; c = c->next)
        c->dirty = false;
    conn_reap();
}
