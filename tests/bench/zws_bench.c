/* zws_bench: the libzoomws client of `make bench` (see tests/bench/run_bench.py).
 *
 *   zws_bench throughput COUNT [name-only]
 *                                        time COUNT events, print one JSON line (name-only:
 *                                        a diagnostic that skips the field read)
 *   zws_bench latency COUNT SKIP FILE    write "sent_us latency_us" of events SKIP.. to FILE
 *   zws_bench idle                       print "OPEN" once open, run until SIGTERM, print JSON
 *   zws_bench multi N                    N clients in one epoll loop, print RSS per client
 *   zws_bench group N [HOLD_S]           the same with the N clients in one zws_group (one fd);
 *                                        HOLD_S: then keep them HOLD_S seconds and report how
 *                                        many stayed open (hold_* fields)
 *   zws_bench reconnect DROPS URL        POST URL (the mock's /_mock/drop) DROPS times, time
 *                                        each drop to the next OPEN
 *   zws_bench floor                      no client: the dependencies initialised as a client
 *                                        would (libcurl, OpenSSL, a TLS context with the CA),
 *                                        print their RSS (the floor under the idle figure)
 *
 * Credentials, URLs and the CA come from the ZOOM_* variables (zws_client_config_from_env).
 * Every mode drives the client from its own poll/epoll loop on zws_client_get_fd() (group:
 * zws_group_get_fd()) and counts wake-ups (returns from the wait) and dispatch calls. */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "zoomws.h"

#define JOINED "meeting.participant_joined"
#define FIELD "payload.object.participant.user_name"

static double now_s(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static double mono(void) { return now_s(CLOCK_MONOTONIC); }

static int64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static long status_kb(const char *field)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long v = -1;
    size_t n = strlen(field);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    fclose(f);
    return v;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int n = 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the DIR's own fd */
}

static void die(const char *what, zws_client *c)
{
    fprintf(stderr, "zws_bench: %s%s%s\n", what, c ? ": " : "", c ? zws_client_last_error(c) : "");
    exit(1);
}

static zws_client *new_client(void)
{
    zws_client *c = zws_client_new();
    if (!c)
        die("zws_client_new failed (out of memory or descriptors)", NULL);
    if (zws_client_config_from_env(c) < 0)
        die("bad ZOOM_* configuration", c);
    return c;
}

/* ------------------------------------------------------------ one client */

static struct {
    long want, skip, seen, bad;
    bool name_only;
    double t0, t1, cpu0, cpu1;
    int64_t *lat, *sent;
    long nlat;
    bool opened;
    int permanent;
} g;

static zws_client *g_client;
static unsigned long g_wakeups, g_dispatches;

static void on_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c, (void)user;
    if (zws_status_state(st) == ZWS_STATE_OPEN && !g.opened) {
        g.opened = true;
        printf("OPEN\n");
        fflush(stdout);
    }
    if (zws_status_permanent(st))
        g.permanent = zws_status_error(st);
    if (zws_status_error(st))
        fprintf(stderr, "zws_bench: %s -> %s: %s\n", zws_state_name(zws_status_previous(st)),
                zws_state_name(zws_status_state(st)), zws_status_message(st));
}

/* What the issue asks for: read the event name and one payload field. */
static void on_event_throughput(zws_client *c, const zws_event *ev, void *user)
{
    (void)user;
    if (g.seen == 0) {
        g.t0 = mono();
        g.cpu0 = cpu_s();
    }
    const char *name = zws_event_name(ev);
    const char *who = g.name_only ? "-" : zws_event_get_str(ev, FIELD);
    if (!name || strcmp(name, JOINED) != 0 || !who || !*who)
        g.bad++;
    if (++g.seen == g.want) {
        g.t1 = mono();
        g.cpu1 = cpu_s();
        zws_client_stop(c);
    }
}

static void on_event_latency(zws_client *c, const zws_event *ev, void *user)
{
    (void)user;
    int64_t now = wall_us(); /* first: the rest of the handler is not latency */
    int64_t sent = 0;
    const char *who = zws_event_get_str(ev, FIELD);
    if (zws_event_get_int(ev, "sent_us", &sent) != 0 || !who)
        g.bad++;
    if (g.seen >= g.skip && g.nlat < g.want - g.skip) {
        g.sent[g.nlat] = sent;
        g.lat[g.nlat++] = now - sent;
    }
    if (++g.seen == g.want)
        zws_client_stop(c);
}

static void on_term(int sig)
{
    (void)sig;
    zws_client_stop(g_client);
}

/* Our own loop (what an application with an event loop does): wait for the fd, dispatch. */
static int run_loop(zws_client *c)
{
    struct pollfd p = {.fd = zws_client_get_fd(c), .events = POLLIN};
    int rc = 0;
    while (zws_client_state(c) != ZWS_STATE_CLOSED) {
        int n = poll(&p, 1, -1);
        if (n < 0 && errno != EINTR)
            die("poll failed", NULL);
        g_wakeups++;
        g_dispatches++;
        rc = zws_client_dispatch(c);
        if (rc < 0)
            break;
    }
    return rc;
}

static int single(const char *mode, int argc, char **argv)
{
    zws_client *c = g_client = new_client();
    zws_client_set_state_cb(c, on_state, NULL);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    if (strcmp(mode, "throughput") == 0) {
        if (argc < 3)
            return 2;
        g.want = atol(argv[2]);
        g.name_only = argc > 3 && strcmp(argv[3], "name-only") == 0;
        zws_client_on(c, "*", on_event_throughput, NULL);
    } else if (strcmp(mode, "latency") == 0) {
        if (argc < 5)
            return 2;
        g.want = atol(argv[2]);
        g.skip = atol(argv[3]);
        if (g.want <= g.skip || !(g.lat = calloc((size_t)(g.want - g.skip), sizeof *g.lat)) ||
            !(g.sent = calloc((size_t)(g.want - g.skip), sizeof *g.sent)))
            return 2;
        zws_client_on(c, "*", on_event_latency, NULL);
    }
    if (zws_client_connect(c) < 0)
        die("connect", c);
    int rc = run_loop(c);
    if (rc < 0 || g.permanent)
        die("client failed", c);
    if (strcmp(mode, "throughput") == 0) {
        if (g.seen < g.want)
            die("stopped before all events arrived", c);
        printf("{\"client\":\"libzoomws\",\"events\":%ld,\"bad\":%ld,\"wall_s\":%.6f,\"cpu_s\":%.6f,"
               "\"wakeups\":%lu,\"max_rss_kb\":%ld}\n",
               g.seen, g.bad, g.t1 - g.t0, g.cpu1 - g.cpu0, g_wakeups, status_kb("VmHWM"));
    } else if (strcmp(mode, "latency") == 0) {
        FILE *f = fopen(argv[4], "w");
        if (!f)
            die("cannot write the latency file", NULL);
        for (long i = 0; i < g.nlat; i++)
            fprintf(f, "%" PRId64 " %" PRId64 "\n", g.sent[i], g.lat[i]);
        fclose(f);
        printf("{\"client\":\"libzoomws\",\"events\":%ld,\"bad\":%ld,\"samples\":%ld}\n", g.seen,
               g.bad, g.nlat);
    } else {
        printf("{\"client\":\"libzoomws\",\"wakeups\":%lu,\"dispatches\":%lu,\"cpu_s\":%.6f,"
               "\"max_rss_kb\":%ld}\n",
               g_wakeups, g_dispatches, cpu_s(), status_kb("VmHWM"));
    }
    zws_client_free(c);
    free(g.lat);
    free(g.sent);
    return 0;
}

/* ---------------------------------------------------------- many clients */

struct slot {
    zws_client *c;
    int state;
    bool counted_open;
    int failures;
};

static long g_open, g_in_flight, g_failed;

static void on_multi_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c;
    struct slot *s = user;
    s->state = zws_status_state(st);
    if (s->state == ZWS_STATE_OPEN && !s->counted_open) {
        s->counted_open = true;
        g_open++;
        g_in_flight--;
    } else if (s->state == ZWS_STATE_OPEN) {
        g_open++;
    } else if (zws_status_previous(st) == ZWS_STATE_OPEN) {
        g_open--;
    }
    if (zws_status_error(st)) {
        s->failures++;
        if (g_failed++ < 5)
            fprintf(stderr, "zws_bench: client: %s\n", zws_status_message(st));
    }
}

/* Raises RLIMIT_NOFILE to want (the hard limit too, which needs CAP_SYS_RESOURCE) or as far
 * as allowed; returns the soft limit in force. */
static long raise_nofile(long want)
{
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if ((long)rl.rlim_max < want) {
        struct rlimit up = {(rlim_t)want, (rlim_t)want};
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            return want;
        fprintf(stderr, "zws_bench: cannot raise the descriptor limit to %ld (hard limit %ld)\n",
                want, (long)rl.rlim_max);
    }
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
    return (long)rl.rlim_cur;
}

/* Connects slots [from, to) with at most `window` connections in progress, all in one epoll. */
static bool connect_range(int ep, struct slot *slots, long from, long to, long window, double timeout)
{
    long next = from;
    double deadline = mono() + timeout;
    struct epoll_event evs[256];
    while (g_open < to && mono() < deadline) {
        while (next < to && g_in_flight < window) {
            struct slot *s = &slots[next++];
            s->c = new_client();
            zws_client_set_state_cb(s->c, on_multi_state, s);
            struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
            if (epoll_ctl(ep, EPOLL_CTL_ADD, zws_client_get_fd(s->c), &ev) < 0)
                die("epoll_ctl (descriptor limit?)", NULL);
            g_in_flight++;
            if (zws_client_connect(s->c) < 0)
                die("connect", s->c);
        }
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++) {
            struct slot *s = evs[i].data.ptr;
            zws_client_dispatch(s->c);
        }
    }
    return g_open >= to;
}

/* Keeps every client dispatched for `secs` seconds. */
static void pump(int ep, double secs)
{
    struct epoll_event evs[256];
    double end = mono() + secs;
    for (double t = mono(); t < end; t = mono()) {
        int n = epoll_wait(ep, evs, 256, (int)((end - t) * 1000) + 1);
        for (int i = 0; i < n; i++) {
            struct slot *s = evs[i].data.ptr;
            zws_client_dispatch(s->c);
        }
    }
}

/* What `multi` and `group` measure: memory and descriptors with one client
 * open and with all of them, and how long connecting them took. */
struct many {
    long requested, limit, n, rss0, rss1, rssn;
    int fds0, fds1, fdsn;
    bool fd_limited;
    double t0, t1, t2;
};

/* After the first client opened: how many of the requested fit the descriptor
 * limit at `per` each, `reserve` kept for clients in the middle of connecting. */
static void many_fit(struct many *m, long per, long reserve)
{
    long fit = (m->limit - m->fds0 - reserve) / (per > 0 ? per : 1);
    m->n = m->requested;
    m->fd_limited = fit < m->n;
    if (m->fd_limited) {
        fprintf(stderr, "zws_bench: %ld descriptors allow about %ld clients of %ld each, not %ld\n",
                m->limit, fit, per, m->n);
        m->n = fit;
    }
}

/* The JSON fields of both modes, without the closing brace. */
static void many_print(const struct many *m, struct slot *slots, bool ok)
{
    long still_open = 0;
    for (long i = 0; i < m->n; i++)
        still_open += slots[i].c && zws_client_state(slots[i].c) == ZWS_STATE_OPEN;
    long n = m->n;
    printf("{\"client\":\"libzoomws\",\"requested\":%ld,\"fd_limit\":%ld,\"fd_limited\":%s,"
           "\"clients\":%ld,\"open\":%ld,\"all_opened\":%s,"
           "\"failures\":%ld,\"rss_before_kb\":%ld,\"rss_1_kb\":%ld,\"rss_n_kb\":%ld,"
           "\"per_client_kb\":%.2f,\"fds_1\":%d,\"fds_n\":%d,\"fds_per_client\":%.2f,"
           "\"first_open_s\":%.3f,\"connect_all_s\":%.3f,\"max_rss_kb\":%ld",
           m->requested, m->limit, m->fd_limited ? "true" : "false", n, still_open,
           ok ? "true" : "false", g_failed, m->rss0, m->rss1, m->rssn,
           n > 1 ? (double)(m->rssn - m->rss1) / (double)(n - 1) : 0.0, m->fds1, m->fdsn,
           n > 1 ? (double)(m->fdsn - m->fds1) / (double)(n - 1) : 0.0, m->t1 - m->t0, m->t2 - m->t1,
           status_kb("VmHWM"));
}

/* How a `many` run connects and drives its clients: standalone ones in one
 * epoll set, or one zws_group. */
struct driver {
    bool (*connect)(void *loop, struct slot *slots, long from, long to, long window,
                    double timeout);
    void (*pump)(void *loop, double secs);
    void *loop;
};

/* The measuring both modes share: one client open (its descriptors tell how
 * many fit: fds_adjust corrects the count, reserve is kept for clients still
 * connecting), then all of them; prints the JSON fields. True if all opened. */
static bool many_measure(struct many *m, const struct driver *d, struct slot *slots,
                         long fds_adjust, long reserve)
{
    m->t0 = mono();
    if (!d->connect(d->loop, slots, 0, 1, 1, 30))
        die("the first client did not open", slots[0].c);
    d->pump(d->loop, 0.5);
    m->rss1 = status_kb("VmRSS");
    m->fds1 = count_fds();
    many_fit(m, m->fds1 - m->fds0 + fds_adjust, reserve);
    m->t1 = mono();
    bool ok = d->connect(d->loop, slots, 1, m->n, 64, 600);
    m->t2 = mono();
    d->pump(d->loop, 2.0); /* settle: tokens' keep-alive connections, late frees */
    m->rssn = status_kb("VmRSS");
    m->fdsn = count_fds();
    many_print(m, slots, ok);
    return ok;
}

static bool epoll_connect(void *loop, struct slot *slots, long from, long to, long window,
                          double timeout)
{
    return connect_range(*(int *)loop, slots, from, to, window, timeout);
}

static void epoll_pump(void *loop, double secs)
{
    pump(*(int *)loop, secs);
}

static int multi(long requested)
{
    struct many m = {.requested = requested};
    m.limit = raise_nofile(requested * 8 + 1024); /* 7 per client today (see results.md) */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct slot *slots = calloc((size_t)requested, sizeof *slots);
    if (ep < 0 || !slots)
        die("setup", NULL);
    m.rss0 = status_kb("VmRSS");
    m.fds0 = count_fds();
    /* descriptors per client, one more for a connecting one's libcurl socket */
    struct driver d = {epoll_connect, epoll_pump, &ep};
    bool ok = many_measure(&m, &d, slots, 1, 64);
    printf("}\n");
    fflush(stdout);
    for (long i = 0; i < m.n; i++)
        zws_client_free(slots[i].c);
    free(slots);
    close(ep);
    return ok ? 0 : 1; /* fd_limited with every possible client open still counts as ok */
}

/* ---------------------------------------------------------- one group */

/* connect_range and pump for a zws_group: one fd, one dispatch for all. */
static bool group_connect_range(void *loop, struct slot *slots, long from, long to, long window,
                                double timeout)
{
    zws_group *grp = loop;
    long next = from;
    double deadline = mono() + timeout;
    struct pollfd p = {.fd = zws_group_get_fd(grp), .events = POLLIN};
    while (g_open < to && mono() < deadline) {
        while (next < to && g_in_flight < window) {
            struct slot *s = &slots[next++];
            s->c = new_client();
            zws_client_set_state_cb(s->c, on_multi_state, s);
            if (zws_group_add(grp, s->c) < 0)
                die("zws_group_add", s->c);
            g_in_flight++;
            if (zws_client_connect(s->c) < 0)
                die("connect", s->c);
        }
        poll(&p, 1, 100);
        zws_group_dispatch(grp);
    }
    return g_open >= to;
}

static void group_pump(void *loop, double secs)
{
    zws_group *grp = loop;
    struct pollfd p = {.fd = zws_group_get_fd(grp), .events = POLLIN};
    double end = mono() + secs;
    for (double t = mono(); t < end; t = mono()) {
        poll(&p, 1, (int)((end - t) * 1000) + 1);
        zws_group_dispatch(grp);
    }
}

static int group(long requested, long hold_s)
{
    /* one socket per open client, a few more while one connects */
    struct many m = {.requested = requested};
    m.limit = raise_nofile(requested + 1024);
    struct slot *slots = calloc((size_t)requested, sizeof *slots);
    if (!slots)
        die("setup", NULL);
    zws_client_free(zws_client_new()); /* one-time library set-up, outside the figures */
    m.rss0 = status_kb("VmRSS");
    m.fds0 = count_fds();
    zws_group *grp = zws_group_new();
    if (!grp)
        die("zws_group_new", NULL);
    /* the group's own three aside; 64 connecting, libcurl's few sockets each */
    struct driver d = {group_connect_range, group_pump, grp};
    bool ok = many_measure(&m, &d, slots, -3, 64 + 64 * 4);
    long n = m.n;
    if (hold_s > 0) {
        /* heartbeats every 30 s keep them open; a drop would show as failures or fewer open */
        long failed0 = g_failed;
        group_pump(grp, (double)hold_s);
        long held = 0;
        int reopened = 0;
        for (long i = 0; i < n; i++) {
            held += slots[i].c && zws_client_state(slots[i].c) == ZWS_STATE_OPEN;
            reopened += slots[i].failures > 0;
        }
        printf(",\"hold_s\":%ld,\"hold_open\":%ld,\"hold_failures\":%ld,"
               "\"hold_clients_with_failures\":%d,\"hold_rss_kb\":%ld,\"hold_fds\":%d",
               hold_s, held, g_failed - failed0, reopened, status_kb("VmRSS"), count_fds());
    }
    printf("}\n");
    fflush(stdout);
    zws_group_free(grp); /* and every client */
    free(slots);
    return ok ? 0 : 1;
}

/* ------------------------------------------------------------- reconnect */

#define MAX_DROPS 64
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool go, quit;
    double t_post[MAX_DROPS];
    int n_post;
    const char *url;
} r = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, {0}, 0, NULL};

static struct {
    double t_lost[MAX_DROPS], t_open[MAX_DROPS];
    char path[MAX_DROPS][160];
    int n_lost, n_open;
    bool authenticated[MAX_DROPS];
    double last_state_t;
} rs;

static size_t discard(char *p, size_t s, size_t n, void *u)
{
    (void)p, (void)u;
    return s * n;
}

/* The control client: a keep-alive HTTPS connection, warmed up before the first drop, so the
 * time from "request sent" to the drop is the mock's, not a TLS handshake's. */
static void *control_thread(void *arg)
{
    (void)arg;
    CURL *e = curl_easy_init();
    char stats[512];
    snprintf(stats, sizeof stats, "%s", r.url);
    char *q = strstr(stats, "/_mock/");
    if (q)
        snprintf(q, sizeof stats - (size_t)(q - stats), "/_mock/stats");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
    if (getenv("ZOOM_CA_FILE"))
        curl_easy_setopt(e, CURLOPT_CAINFO, getenv("ZOOM_CA_FILE"));
    for (;;) {
        pthread_mutex_lock(&r.mu);
        while (!r.go && !r.quit)
            pthread_cond_wait(&r.cv, &r.mu);
        if (r.quit) {
            pthread_mutex_unlock(&r.mu);
            break;
        }
        r.go = false;
        pthread_mutex_unlock(&r.mu);
        curl_easy_setopt(e, CURLOPT_URL, stats); /* warm the connection */
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
        curl_easy_perform(e);
        curl_easy_setopt(e, CURLOPT_URL, r.url);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
        double t = mono();
        CURLcode rc = curl_easy_perform(e);
        if (rc != CURLE_OK)
            fprintf(stderr, "zws_bench: drop request: %s\n", curl_easy_strerror(rc));
        pthread_mutex_lock(&r.mu);
        r.t_post[r.n_post++] = t;
        pthread_mutex_unlock(&r.mu);
    }
    curl_easy_cleanup(e);
    return NULL;
}

static void on_reconnect_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c, (void)user;
    double t = mono();
    int s = zws_status_state(st), prev = zws_status_previous(st);
    if (prev == ZWS_STATE_OPEN && rs.n_lost < MAX_DROPS) {
        rs.t_lost[rs.n_lost] = t;
        rs.path[rs.n_lost][0] = '\0';
        rs.n_lost++;
    }
    if (rs.n_lost > rs.n_open && rs.n_lost <= MAX_DROPS) {
        char *p = rs.path[rs.n_lost - 1];
        size_t len = strlen(p);
        snprintf(p + len, sizeof rs.path[0] - len, "%s%s(%.2fms)", len ? " " : "",
                 zws_state_name(s), (t - (len ? rs.last_state_t : rs.t_lost[rs.n_lost - 1])) * 1e3);
        if (s == ZWS_STATE_AUTHENTICATING)
            rs.authenticated[rs.n_lost - 1] = true;
        if (s == ZWS_STATE_OPEN)
            rs.t_open[rs.n_open++] = t;
    }
    rs.last_state_t = t;
    if (zws_status_permanent(st))
        g.permanent = zws_status_error(st);
}

static int reconnect(int drops, const char *url)
{
    if (drops > MAX_DROPS)
        drops = MAX_DROPS;
    r.url = url;
    pthread_t th;
    pthread_create(&th, NULL, control_thread, NULL);
    zws_client *c = g_client = new_client();
    zws_client_set_state_cb(c, on_reconnect_state, NULL);
    if (zws_client_connect(c) < 0)
        die("connect", c);
    struct pollfd p = {.fd = zws_client_get_fd(c), .events = POLLIN};
    double next_drop = 0, start = mono();
    int requested = 0;
    while (!g.permanent) {
        int state = zws_client_state(c);
        double t = mono();
        if (state == ZWS_STATE_OPEN && rs.n_open == requested) {
            if (requested == drops)
                break;
            if (next_drop == 0)
                next_drop = t + 5.5; /* > STABLE_MS: the first retry is immediate again */
            if (t >= next_drop) {
                pthread_mutex_lock(&r.mu);
                r.go = true;
                pthread_cond_signal(&r.cv);
                pthread_mutex_unlock(&r.mu);
                requested++;
                next_drop = 0;
            }
        }
        poll(&p, 1, 20);
        zws_client_dispatch(c);
        if (t - start > 30.0 + 10.0 * drops)
            die("reconnect bench timed out", c);
    }
    pthread_mutex_lock(&r.mu);
    r.quit = true;
    pthread_cond_signal(&r.cv);
    pthread_mutex_unlock(&r.mu);
    pthread_join(th, NULL);
    if (g.permanent)
        die("client failed", c);
    printf("{\"client\":\"libzoomws\",\"drops\":%d,\"samples\":[", requested);
    for (int i = 0; i < requested && i < rs.n_open && i < r.n_post; i++)
        printf("%s{\"lost_to_open_ms\":%.3f,\"request_to_open_ms\":%.3f,\"reauth\":%s,"
               "\"path\":\"%s\"}",
               i ? "," : "", (rs.t_open[i] - rs.t_lost[i]) * 1e3, (rs.t_open[i] - r.t_post[i]) * 1e3,
               rs.authenticated[i] ? "true" : "false", rs.path[i]);
    printf("]}\n");
    zws_client_free(c);
    return 0;
}

/* What libzoomws's dependencies cost before it does anything of its own. */
static int floor_rss(void)
{
    OPENSSL_init_ssl(0, NULL);
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    const char *ca = getenv("ZOOM_CA_FILE");
    if (!ctx || (ca ? SSL_CTX_load_verify_locations(ctx, ca, NULL)
                    : SSL_CTX_set_default_verify_paths(ctx)) != 1) {
        fprintf(stderr, "zws_bench: cannot set up a TLS context\n");
        return 1;
    }
    printf("{\"client\":\"floor\",\"hwm_kb\":%ld,\"anon_kb\":%ld,\"file_kb\":%ld}\n",
           status_kb("VmHWM"), status_kb("RssAnon"), status_kb("RssFile"));
    SSL_CTX_free(ctx);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc < 2)
        goto usage;
    const char *mode = argv[1];
    if (!strcmp(mode, "throughput") || !strcmp(mode, "latency") || !strcmp(mode, "idle"))
        return single(mode, argc, argv);
    if (!strcmp(mode, "multi") && argc >= 3)
        return multi(atol(argv[2]));
    if (!strcmp(mode, "group") && argc >= 3)
        return group(atol(argv[2]), argc >= 4 ? atol(argv[3]) : 0);
    if (!strcmp(mode, "reconnect") && argc >= 4)
        return reconnect(atoi(argv[2]), argv[3]);
    if (!strcmp(mode, "floor"))
        return floor_rss();
usage:
    fprintf(stderr, "usage: zws_bench throughput COUNT | latency COUNT SKIP FILE | idle | "
                    "multi N | group N [HOLD_S] | reconnect DROPS DROP_URL | floor\n");
    return 2;
}
