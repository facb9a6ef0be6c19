/* Many clients, one thread, one fd: N clients (default 100) in one zws_group,
 * whose fd is polled and dispatched like a single client's. Counts events per
 * client and reports what a client costs in memory and descriptors (one: its
 * socket; the group holds the epoll set, timer and eventfd they share).
 *
 *   multi [--clients N] [--events-per-client K] [--timeout S]
 *
 * Exits 0 once every client is OPEN and has received at least K events
 * (default 3), then stops them all gracefully; exits 1 after S seconds
 * (default 30) listing the clients that did not get there.
 * Build: cc multi.c $(pkg-config --cflags --libs zoomws) */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zoomws.h>

typedef struct conn {
    zws_client *client;
    long events;
} conn;

static zws_group *group;
static conn *conns;
static int nconns;

static void on_signal(int sig)
{
    (void)sig;
    for (int i = 0; i < nconns; i++)
        zws_client_stop(conns[i].client); /* async-signal-safe */
}

static void on_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev;
    ((conn *)user)->events++;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Resident set size in KiB, from /proc/self/statm (pages). */
static long rss_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = 0;
    if (f)
        fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n - 1; /* the directory's own descriptor */
}

static int count_done(int k)
{
    int done = 0;
    for (int i = 0; i < nconns; i++)
        done += zws_client_state(conns[i].client) == ZWS_STATE_OPEN && conns[i].events >= k;
    return done;
}

static int count_closed(void)
{
    int closed = 0;
    for (int i = 0; i < nconns; i++)
        closed += zws_client_state(conns[i].client) == ZWS_STATE_CLOSED;
    return closed;
}

/* Waits on the group's fd and dispatches every client that has work. */
static void run_once(int timeout_ms)
{
    struct pollfd pfd = {.fd = zws_group_get_fd(group), .events = POLLIN};
    if (poll(&pfd, 1, timeout_ms) < 0 && errno != EINTR)
        perror("poll");
    zws_group_dispatch(group); /* permanent failures are per client: see their state */
}

int main(int argc, char **argv)
{
    long k = 3, timeout_s = 30;
    nconns = 100;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && !strcmp(argv[i], "--clients"))
            nconns = atoi(argv[i + 1]);
        else if (i + 1 < argc && !strcmp(argv[i], "--events-per-client"))
            k = atol(argv[i + 1]);
        else if (i + 1 < argc && !strcmp(argv[i], "--timeout"))
            timeout_s = atol(argv[i + 1]);
        else
            nconns = -1;
    }
    if (nconns < 1) {
        fprintf(stderr, "usage: %s [--clients N] [--events-per-client K] [--timeout S]\n", argv[0]);
        return 2;
    }

    /* An open client holds one descriptor, its WebSocket; while it connects,
     * libcurl holds a few more (its wake-up pair, the token request, the TCP
     * connect): make sure the soft limit allows N clients connecting at once. */
    struct rlimit lim;
    rlim_t need = (rlim_t)nconns * 5 + 64;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < need) {
        lim.rlim_cur = lim.rlim_max < need ? lim.rlim_max : need;
        setrlimit(RLIMIT_NOFILE, &lim);
        if (lim.rlim_cur < need)
            fprintf(stderr, "warning: descriptor limit %lu may be too low for %d clients\n",
                    (unsigned long)lim.rlim_cur, nconns);
    }

    zws_client_free(zws_client_new()); /* one-time library initialisation, outside the figure */
    long rss_before = rss_kib();
    int fds_before = open_fds();

    group = zws_group_new();
    conns = calloc((size_t)nconns, sizeof *conns);
    if (!group || !conns)
        return perror("setup"), 1;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (int i = 0; i < nconns; i++) {
        zws_client *c = conns[i].client = zws_client_new();
        /* added before connecting: a client joins a group while IDLE */
        if (!c || zws_client_config_from_env(c) < 0 || zws_group_add(group, c) < 0 ||
            zws_client_on(c, "*", on_event, &conns[i]) < 0 || zws_client_connect(c) < 0)
            return fprintf(stderr, "client %d: %s\n", i, zws_client_last_error(c)), 2;
    }

    long t0 = now_ms(), deadline = t0 + timeout_s * 1000;
    int done = 0;
    long rss_open = 0;
    int fds_open = 0;
    while (count_closed() == 0 && now_ms() < deadline) {
        run_once(100);
        if (!rss_open && count_done(0) == nconns) { /* all OPEN: measure */
            rss_open = rss_kib();
            fds_open = open_fds();
            printf("all %d clients OPEN after %ld ms\n", nconns, now_ms() - t0);
        }
        if ((done = count_done((int)k)) == nconns)
            break;
    }

    int ok = done == nconns;
    if (ok) {
        long min = conns[0].events, max = conns[0].events, total = 0;
        for (int i = 0; i < nconns; i++) {
            total += conns[i].events;
            min = conns[i].events < min ? conns[i].events : min;
            max = conns[i].events > max ? conns[i].events : max;
        }
        printf("all %d clients have >= %ld events after %ld ms (per client: min %ld, max %ld; "
               "total %ld)\n", nconns, k, now_ms() - t0, min, max, total);
        printf("memory: RSS %ld KiB before, %ld KiB with %d clients open: %ld KiB per client\n",
               rss_before, rss_open, nconns, (rss_open - rss_before) / nconns);
        printf("descriptors: %d before, %d with %d clients open: %.1f per client\n", fds_before,
               fds_open, nconns, (double)(fds_open - fds_before) / nconns);
    } else {
        printf("FAILED: %d of %d clients are OPEN with >= %ld events after %ld ms:\n", done, nconns,
               k, now_ms() - t0);
        for (int i = 0; i < nconns; i++) {
            zws_client *c = conns[i].client;
            if (zws_client_state(c) != ZWS_STATE_OPEN || conns[i].events < k)
                printf("  client %d: %s, %ld events%s%s\n", i, zws_state_name(zws_client_state(c)),
                       conns[i].events, *zws_client_last_error(c) ? ", last error: " : "",
                       zws_client_last_error(c));
        }
    }

    /* Graceful stop: every client sends its close frame and reaches CLOSED. */
    on_signal(0);
    deadline = now_ms() + 5000;
    while (count_closed() < nconns && now_ms() < deadline)
        run_once(100);
    if (count_closed() < nconns) {
        printf("FAILED: %d clients did not reach CLOSED after stop\n", nconns - count_closed());
        ok = 0;
    }
    nconns = 0; /* the signal handler must not see freed clients */
    zws_group_free(group); /* and every client in it */
    free(conns);
    return ok ? 0 : 1;
}
