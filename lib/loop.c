/* The single pollable fd: an epoll set holding the WebSocket socket, libcurl's
 * sockets, one timerfd armed for the earliest deadline, and an eventfd that
 * zws_client_stop() writes from any thread or signal handler. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "internal.h"

static uint64_t tag(enum watch_kind kind, int fd)
{
    return ((uint64_t)kind << 32) | (uint32_t)fd;
}

int loop__watch(zws_client *c, int fd, enum watch_kind kind, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag(kind, fd)};
    if (epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (errno == ENOENT && epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    return ZWS_E_SYSTEM;
}

void loop__unwatch(zws_client *c, int fd)
{
    if (fd >= 0)
        epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    (void)easy, (void)socketp;
    zws_client *c = userp;
    if (what == CURL_POLL_REMOVE) {
        loop__unwatch(c, s);
        return 0;
    }
    uint32_t events = 0;
    if (what & CURL_POLL_IN)
        events |= EPOLLIN;
    if (what & CURL_POLL_OUT)
        events |= EPOLLOUT;
    return loop__watch(c, s, WATCH_CURL, events) == 0 ? 0 : -1;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    (void)multi;
    zws_client *c = userp;
    if (timeout_ms < 0)
        timers__cancel(&c->timers, TIMER_CURL);
    else
        timers__set(&c->timers, TIMER_CURL, clock__mono_ms() + timeout_ms);
    return 0;
}

int loop__init(zws_client *c)
{
    c->epfd = epoll_create1(EPOLL_CLOEXEC);
    c->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    c->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (c->epfd < 0 || c->timerfd < 0 || c->wakefd < 0 ||
        loop__watch(c, c->timerfd, WATCH_TIMER, EPOLLIN) < 0 ||
        loop__watch(c, c->wakefd, WATCH_WAKE, EPOLLIN) < 0)
        return ZWS_E_SYSTEM;
    timers__init(&c->timers);
    return 0;
}

/* libcurl is needed for a token request or a TCP connect, a few moments an
 * hour: its multi handle (and the socket pair inside it) exists only then. */
CURLM *loop__curl(zws_client *c)
{
    if (c->multi || !(c->multi = curl_multi_init()))
        return c->multi;
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    return c->multi;
}

static void curl_release_if_idle(zws_client *c)
{
    if (c->multi && !c->token_easy && !c->connect_easy && !c->tunnel_easy) {
        curl_multi_cleanup(c->multi);
        c->multi = NULL;
        timers__cancel(&c->timers, TIMER_CURL);
    }
}

void loop__free(zws_client *c)
{
    if (c->multi)
        curl_multi_cleanup(c->multi);
    c->multi = NULL;
    if (c->epfd >= 0) close(c->epfd);
    if (c->timerfd >= 0) close(c->timerfd);
    if (c->wakefd >= 0) close(c->wakefd);
    c->epfd = c->timerfd = c->wakefd = -1;
}

void loop__wake(zws_client *c)
{
    uint64_t one = 1;
    ssize_t n = write(c->wakefd, &one, sizeof one);
    (void)n; /* EAGAIN means a wake-up is already pending */
}

void loop__arm(zws_client *c)
{
    int64_t next = timers__next(&c->timers);
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (next >= 0) {
        its.it_value.tv_sec = next / 1000;
        its.it_value.tv_nsec = (next % 1000) * 1000000;
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    timerfd_settime(c->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void curl_action(zws_client *c, curl_socket_t fd, int flags)
{
    if (!c->multi)
        return; /* a stale event or timer of a released handle */
    int running;
    curl_multi_socket_action(c->multi, fd, flags, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        CURL *easy = msg->easy_handle;
        CURLcode res = msg->data.result;
        if (easy == c->token_easy)
            token__on_done(c, easy, res);
        else if (easy == c->connect_easy)
            transport__on_connected(c, easy, res);
    }
}

int loop__dispatch(zws_client *c)
{
    struct epoll_event evs[16];
    c->read_this_dispatch = 0;
    int n = epoll_wait(c->epfd, evs, 16, 0);
    if (n < 0 && errno != EINTR)
        return ZWS_E_SYSTEM;
    bool woken = false, ws_done = false;
    for (int i = 0; i < n; i++) {
        enum watch_kind kind = (enum watch_kind)(evs[i].data.u64 >> 32);
        int fd = (int)(uint32_t)evs[i].data.u64;
        uint64_t drain;
        switch (kind) {
        case WATCH_WAKE:
            woken = true;
            /* fall through */
        case WATCH_TIMER:
            if (read(fd, &drain, sizeof drain) < 0 && errno != EAGAIN)
                return ZWS_E_SYSTEM;
            break;
        case WATCH_WS:
            if (fd == c->fd) {
                transport__io(c, evs[i].events);
                ws_done = true;
            }
            break;
        case WATCH_CURL: {
            int flags = 0;
            if (evs[i].events & (EPOLLIN | EPOLLHUP))
                flags |= CURL_CSELECT_IN;
            if (evs[i].events & EPOLLOUT)
                flags |= CURL_CSELECT_OUT;
            if (evs[i].events & EPOLLERR)
                flags |= CURL_CSELECT_ERR;
            curl_action(c, fd, flags);
            break;
        }
        }
    }
    /* a wake-up may stand for bytes already inside OpenSSL or wslay's buffer */
    if (woken && !ws_done && c->ws)
        transport__io(c, EPOLLIN);
    if (atomic_exchange(&c->stop_requested, 0))
        client__on_stop(c);
    int id;
    while ((id = timers__pop_due(&c->timers, clock__mono_ms())) >= 0) {
        if (id == TIMER_CURL)
            curl_action(c, CURL_SOCKET_TIMEOUT, 0);
        else
            client__on_timer(c, id);
    }
    curl_release_if_idle(c);
    loop__arm(c);
    return 0;
}
