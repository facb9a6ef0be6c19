/* The pollable fd: an epoll set holding the clients' WebSocket sockets,
 * libcurl's sockets, one timerfd armed for the earliest deadline of all its
 * clients, and an eventfd for wake-ups (zws_client_stop, from any thread or
 * signal handler, and loop__wake). A standalone client has such a loop to
 * itself; a zws_group shares one between all its clients, so that a client
 * costs its socket alone. Every epoll entry is tagged with its kind, its
 * client's slot and its fd; each dispatch serves, per client, what is ready. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "internal.h"

#define EVENTS_MAX 64          /* epoll events served per dispatch */
#define TIMER_CLIENTS_MAX 256  /* clients whose timers run per dispatch: the others next time */
#define SLOTS_MAX (1u << 24)   /* a slot takes 24 bits of an epoll tag */

static uint64_t tag(enum watch_kind kind, uint32_t slot, int fd)
{
    return ((uint64_t)kind << 56) | ((uint64_t)slot << 32) | (uint32_t)fd;
}

/* ------------------------------------------------------------ the loop */

int loop__open(zws_loop *l, bool grouped)
{
    memset(l, 0, sizeof *l);
    l->grouped = grouped;
    l->armed = -1;
    atomic_init(&l->stop_pending, 0);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    l->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event timer = {.events = EPOLLIN, .data.u64 = tag(WATCH_TIMER, 0, l->timerfd)};
    struct epoll_event wake = {.events = EPOLLIN, .data.u64 = tag(WATCH_WAKE, 0, l->wakefd)};
    if (l->epfd < 0 || l->timerfd < 0 || l->wakefd < 0 ||
        epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->timerfd, &timer) < 0 ||
        epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wakefd, &wake) < 0) {
        loop__close(l);
        return ZWS_E_SYSTEM;
    }
    return 0;
}

void loop__close(zws_loop *l)
{
    if (l->epfd >= 0) close(l->epfd);
    if (l->timerfd >= 0) close(l->timerfd);
    if (l->wakefd >= 0) close(l->wakefd);
    l->epfd = l->timerfd = l->wakefd = -1;
    free(l->slots);
    free(l->free_slots);
    l->slots = NULL;
    l->free_slots = NULL;
    l->nslots = l->cap = l->nfree = 0;
    timers__heap_free(&l->heap);
}

static void write_wake(zws_loop *l)
{
    uint64_t one = 1;
    ssize_t n = write(l->wakefd, &one, sizeof one);
    (void)n; /* EAGAIN means a wake-up is already pending */
}

static void arm(zws_loop *l)
{
    int64_t next = l->heap.len ? l->heap.v[0]->heap_due : -1;
    if (next == l->armed)
        return;
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (next >= 0) {
        its.it_value.tv_sec = next / 1000;
        its.it_value.tv_nsec = (next % 1000) * 1000000;
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
            its.it_value.tv_nsec = 1; /* zero would disarm */
    }
    if (timerfd_settime(l->timerfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
        l->armed = next;
}

/* Room for one more client. Reserved up front so that a client's later
 * deadlines never need an allocation that could fail. */
static int reserve(zws_loop *l)
{
    if (l->count >= SLOTS_MAX - 1)
        return ZWS_E_NOMEM;
    if (timers__heap_reserve(&l->heap, l->count + 1) < 0)
        return ZWS_E_NOMEM;
    if (l->nfree && !l->dispatching)
        return 0;
    if (l->nslots >= SLOTS_MAX)
        return ZWS_E_NOMEM;
    if (l->nslots < l->cap)
        return 0;
    uint32_t cap = l->cap ? l->cap * 2 : 1;
    zws_client **slots = realloc(l->slots, cap * sizeof *slots);
    if (!slots)
        return ZWS_E_NOMEM;
    l->slots = slots;
    uint32_t *free_slots = realloc(l->free_slots, cap * sizeof *free_slots);
    if (!free_slots)
        return ZWS_E_NOMEM;
    l->free_slots = free_slots;
    l->cap = cap;
    return 0;
}

/* Joins l (after reserve). A stop or wake-up requested earlier is kept. */
static void join(zws_loop *l, zws_client *c, bool woken)
{
    /* a slot freed during a dispatch may still be named by that dispatch's
     * events: slots are reused only between dispatches */
    c->slot = l->nfree && !l->dispatching ? l->free_slots[--l->nfree] : l->nslots++;
    l->slots[c->slot] = c;
    l->count++;
    c->loop = l;
    c->heap_pos = SIZE_MAX;
    c->woken = false;
    c->served_pass = c->io_pass = 0;
    timers__heap_set(&l->heap, c, timers__next(&c->timers));
    if (woken)
        loop__wake(c);
    if (atomic_load(&c->stop_requested)) {
        atomic_store(&l->stop_pending, 1);
        write_wake(l);
    }
    if (!l->dispatching)
        arm(l);
}

static void unlink_from(zws_client **list, zws_client *c)
{
    for (; *list; list = &(*list)->wake_next) {
        if (*list == c) {
            *list = c->wake_next;
            return;
        }
    }
}

/* Leaves c's loop: no deadline, no wake-up, no slot. Returns whether it had a
 * wake-up pending. */
static bool leave(zws_client *c)
{
    zws_loop *l = c->loop;
    bool woken = c->woken;
    timers__heap_set(&l->heap, c, -1);
    if (c->woken) {
        unlink_from(&l->woken, c);
        unlink_from(&l->serving, c);
        c->woken = false;
    }
    l->slots[c->slot] = NULL;
    l->free_slots[l->nfree++] = c->slot;
    l->count--;
    l->settled = true;
    c->loop = NULL;
    return woken;
}

int loop__init(zws_client *c)
{
    zws_loop *l = malloc(sizeof *l);
    if (!l)
        return ZWS_E_NOMEM;
    int rc = loop__open(l, false);
    if (rc == 0 && (rc = reserve(l)) < 0)
        loop__close(l);
    if (rc < 0) {
        free(l);
        return rc;
    }
    timers__init(&c->timers);
    join(l, c, false);
    return 0;
}

static void curl_release(zws_client *c)
{
    if (c->multi)
        curl_multi_cleanup(c->multi);
    c->multi = NULL;
    timers__cancel(&c->timers, TIMER_CURL);
}

int loop__move(zws_client *c, zws_loop *to)
{
    if (reserve(to) < 0)
        return ZWS_E_NOMEM;
    curl_release(c); /* idle: at most a cached connection, registered in the old set */
    zws_loop *from = c->loop;
    bool woken = leave(c);
    if (!from->grouped) {
        loop__close(from);
        free(from);
    }
    join(to, c, woken);
    return 0;
}

void loop__free(zws_client *c)
{
    if (!c->loop)
        return; /* zws_client_new failed before the loop */
    curl_release(c);
    zws_loop *l = c->loop;
    leave(c);
    if (!l->grouped) {
        loop__close(l);
        free(l);
    } else if (!l->dispatching) {
        arm(l);
    }
}

/* ------------------------------------------------------------ watches */

int loop__watch(zws_client *c, int fd, enum watch_kind kind, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u64 = tag(kind, c->slot, fd)};
    if (epoll_ctl(c->loop->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (errno == ENOENT && epoll_ctl(c->loop->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    return ZWS_E_SYSTEM;
}

void loop__unwatch(zws_client *c, int fd)
{
    if (fd >= 0)
        epoll_ctl(c->loop->epfd, EPOLL_CTL_DEL, fd, NULL);
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
    if (c->multi && !c->token_easy && !c->connect_easy && !c->tunnel_easy)
        curl_release(c);
}

/* ------------------------------------------------------------ wake-ups, timers */

/* Serves c in the next dispatch: wslay or OpenSSL may hold bytes epoll cannot
 * see, or the state changed outside dispatch. Only c's thread calls this. */
void loop__wake(zws_client *c)
{
    zws_loop *l = c->loop;
    if (!c->woken) {
        c->woken = true;
        c->wake_next = l->woken;
        l->woken = c;
    }
    if (!l->wake_written) {
        l->wake_written = true;
        write_wake(l);
    }
}

void loop__arm(zws_client *c)
{
    zws_loop *l = c->loop;
    timers__heap_set(&l->heap, c, timers__next(&c->timers));
    if (!l->dispatching)
        arm(l); /* inside dispatch: once, at its end */
}

void loop__stop(zws_client *c)
{
    zws_loop *l = c->loop;
    atomic_store(&l->stop_pending, 1); /* lock-free, so async-signal-safe; then write(2) */
    write_wake(l);
}

void loop__closed(zws_client *c)
{
    if (c->loop)
        c->loop->settled = true;
}

/* ------------------------------------------------------------ dispatch */

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

/* Around each piece of work for one client: its callbacks see in_dispatch
 * (as inside zws_client_dispatch), its read budget is per dispatch pass, and
 * afterwards its idle libcurl handle goes and its deadlines are re-keyed. */
static bool serve_begin(zws_loop *l, zws_client *c)
{
    if (c->served_pass != l->pass) {
        c->served_pass = l->pass;
        c->read_this_dispatch = 0;
    }
    bool was = c->in_dispatch;
    c->in_dispatch = true;
    return was;
}

static void serve_end(zws_loop *l, zws_client *c, bool was)
{
    c->in_dispatch = was;
    curl_release_if_idle(c);
    timers__heap_set(&l->heap, c, timers__next(&c->timers));
}

static zws_client *client_at(const zws_loop *l, uint32_t slot)
{
    return slot < l->nslots ? l->slots[slot] : NULL; /* NULL: freed by an earlier callback */
}

static void serve_event(zws_loop *l, const struct epoll_event *ev)
{
    enum watch_kind kind = (enum watch_kind)(ev->data.u64 >> 56);
    zws_client *c = client_at(l, (uint32_t)(ev->data.u64 >> 32) & (SLOTS_MAX - 1));
    int fd = (int)(uint32_t)ev->data.u64;
    if (!c)
        return;
    bool was = serve_begin(l, c);
    if (kind == WATCH_WS) {
        if (fd == c->fd) {
            transport__io(c, ev->events);
            c->io_pass = l->pass;
        }
    } else {
        int flags = 0;
        if (ev->events & (EPOLLIN | EPOLLHUP))
            flags |= CURL_CSELECT_IN;
        if (ev->events & EPOLLOUT)
            flags |= CURL_CSELECT_OUT;
        if (ev->events & EPOLLERR)
            flags |= CURL_CSELECT_ERR;
        curl_action(c, fd, flags);
    }
    serve_end(l, c, was);
}

static void serve_timers(zws_loop *l, zws_client *c)
{
    bool was = serve_begin(l, c);
    int id;
    while ((id = timers__pop_due(&c->timers, clock__mono_ms())) >= 0) {
        if (id == TIMER_CURL)
            curl_action(c, CURL_SOCKET_TIMEOUT, 0);
        else
            client__on_timer(c, id);
    }
    serve_end(l, c, was);
}

int loop__dispatch(zws_loop *l)
{
    struct epoll_event evs[EVENTS_MAX];
    int n = epoll_wait(l->epfd, evs, EVENTS_MAX, 0);
    if (n < 0 && errno != EINTR)
        return ZWS_E_SYSTEM;
    l->pass++;
    l->dispatching = true;
    /* wake-ups asked for from now on are for the next dispatch */
    l->serving = l->woken;
    l->woken = NULL;
    /* drained before any client is served: a wake-up written while serving
     * must stay readable for the next dispatch */
    for (int i = 0; i < n; i++) {
        enum watch_kind kind = (enum watch_kind)(evs[i].data.u64 >> 56);
        uint64_t drain;
        if (kind == WATCH_WAKE) {
            l->wake_written = false;
            if (read(l->wakefd, &drain, sizeof drain) < 0 && errno != EAGAIN)
                goto fail;
        } else if (kind == WATCH_TIMER) {
            l->armed = -1; /* it fired: the next arm() must set it again */
            if (read(l->timerfd, &drain, sizeof drain) < 0 && errno != EAGAIN)
                goto fail;
        }
    }
    for (int i = 0; i < n; i++) {
        enum watch_kind kind = (enum watch_kind)(evs[i].data.u64 >> 56);
        if (kind == WATCH_WS || kind == WATCH_CURL)
            serve_event(l, &evs[i]);
    }
    zws_client *c;
    while ((c = l->serving)) {
        l->serving = c->wake_next;
        c->woken = false;
        bool was = serve_begin(l, c);
        /* the wake-up may stand for bytes already inside OpenSSL or wslay's buffer */
        if (c->ws && c->io_pass != l->pass)
            transport__io(c, EPOLLIN);
        serve_end(l, c, was);
    }
    if (atomic_exchange(&l->stop_pending, 0)) {
        for (uint32_t i = 0; i < l->nslots; i++) {
            if ((c = l->slots[i]) && atomic_exchange(&c->stop_requested, 0)) {
                bool was = serve_begin(l, c);
                client__on_stop(c);
                serve_end(l, c, was);
            }
        }
    }
    int64_t now = clock__mono_ms();
    for (int k = 0; k < TIMER_CLIENTS_MAX && l->heap.len && l->heap.v[0]->heap_due <= now; k++)
        serve_timers(l, l->heap.v[0]);
    if (!l->grouped && (c = l->slots[0])) { /* as before groups: every dispatch tidies up */
        curl_release_if_idle(c);
        timers__heap_set(&l->heap, c, timers__next(&c->timers));
    }
    l->dispatching = false;
    arm(l);
    return 0;
fail:
    if (l->serving) { /* not served: keep them for the next dispatch */
        for (c = l->serving; c->wake_next; c = c->wake_next)
            ;
        c->wake_next = l->woken;
        l->woken = l->serving;
        l->serving = NULL;
    }
    l->dispatching = false;
    arm(l);
    return ZWS_E_SYSTEM;
}
