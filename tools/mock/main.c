/* zoomws-mock: a local simulator of Zoom's WebSocket event subscriptions.
 * One single-threaded epoll loop serves HTTPS (OAuth token + control
 * endpoints) and WSS on one port. See tools/mock/README.md. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>
#include <openssl/ssl.h>

#include "certs.h"
#include "config.h"
#include "conn.h"
#include "events.h"
#include "log.h"
#include "oauth.h"
#include "playback.h"

struct config g_cfg = {
    .bind_addr = "127.0.0.1",
    .port = 0,
    .ca_out = "./zoomws-mock-ca.pem",
    .account_id = "mock-account",
    .client_id = "mock-client",
    .client_secret = "mock-secret",
    .subscription = "mock-subscription",
    .token_ttl_s = 3600,
    .idle_timeout_ms = 60000,
    .rate = 1,
    .count = -1,
    .fail_frame = "Invalid Token",
    .drop_after = -1,
};

/* epoll tags of the signalfd and the playback timerfd; the listener uses
 * CONN_LISTEN_TAG. */
static char g_signal_tag, g_timer_tag;

/* --rate N: a CLOCK_MONOTONIC timerfd (absolute, ns) wakes us at the next
 * event's due time, so each event leaves on time instead of on epoll's ms
 * ticks. It is armed periodic with the event interval: when the schedule
 * falls on whole nanoseconds (10,000/s: 100,000 ns) it then needs no
 * timerfd_settime per event, which costs a VM exit or two on a VM. */
static int g_timer_fd = -1;
static uint64_t g_timer_next = UINT64_MAX; /* ns of its next expiry; MAX = disarmed */
static uint64_t g_timer_period;            /* ns */

/* Rounds of generate-then-flush per loop iteration before we poll again,
 * so a fast reader cannot starve the other sockets. */
#define PLAYBACK_ROUNDS 64

static void usage(FILE *f)
{
    fputs("usage: zoomws-mock [options]\n"
          "  --bind ADDR              listen address (127.0.0.1)\n"
          "  --port N                 listen port, 0 = ephemeral (0)\n"
          "  --ca-out FILE            where to write the CA certificate (./zoomws-mock-ca.pem)\n"
          "  --account-id S           (mock-account)\n"
          "  --client-id S            (mock-client)\n"
          "  --client-secret S        (mock-secret)\n"
          "  --subscription S         (mock-subscription)\n"
          "  --token-ttl SEC          token lifetime (3600)\n"
          "  --idle-timeout MS        close WS after this long without input, 0 = never (60000)\n"
          "  --events FILE            JSON lines of inner events (default: built-in samples)\n"
          "  --rate N                 events per second, 0 = as fast as drained (1)\n"
          "  --count N                events to play (file: its line count; built-ins: unlimited)\n"
          "  --loop                   cycle the --events file\n"
          "  --close-at-token-expiry  close connections (1000 \"token expired\") when the token expires\n"
          "  --replace                a new connection closes the open one (1000 \"connection replaced\")\n"
          "  --fail-frame TEXT        failure content for a bad token (Invalid Token)\n"
          "  --drop-after N           TCP-drop the first connection that has been sent N events\n"
          "  --cert-expired           serve a certificate that expired yesterday\n"
          "  --cert-host NAME         serve a certificate for DNS:NAME only (host-name mismatch)\n"
          "  --tls-max 1.1            a legacy server: TLS 1.0/1.1 only\n"
          "  --stamp                  replace each \"sent_us\":1000000000000000 in events with the\n"
          "                           wall-clock microseconds at which it is handed to TLS\n"
          "  -q, --quiet / -v, --verbose   stderr log level\n",
          f);
}

static bool parse_ll(const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_args(int argc, char **argv)
{
    enum {
        O_BIND = 256, O_PORT, O_CA, O_ACCOUNT, O_CLIENT, O_SECRET, O_SUB, O_TTL, O_IDLE,
        O_EVENTS, O_RATE, O_COUNT, O_LOOP, O_CLOSE_EXP, O_REPLACE, O_FAIL, O_DROP,
        O_CERT_EXPIRED, O_CERT_HOST, O_TLS_MAX, O_STAMP
    };
    static const struct option opts[] = {
        {"bind", required_argument, NULL, O_BIND},
        {"port", required_argument, NULL, O_PORT},
        {"ca-out", required_argument, NULL, O_CA},
        {"account-id", required_argument, NULL, O_ACCOUNT},
        {"client-id", required_argument, NULL, O_CLIENT},
        {"client-secret", required_argument, NULL, O_SECRET},
        {"subscription", required_argument, NULL, O_SUB},
        {"token-ttl", required_argument, NULL, O_TTL},
        {"idle-timeout", required_argument, NULL, O_IDLE},
        {"events", required_argument, NULL, O_EVENTS},
        {"rate", required_argument, NULL, O_RATE},
        {"count", required_argument, NULL, O_COUNT},
        {"loop", no_argument, NULL, O_LOOP},
        {"close-at-token-expiry", no_argument, NULL, O_CLOSE_EXP},
        {"replace", no_argument, NULL, O_REPLACE},
        {"fail-frame", required_argument, NULL, O_FAIL},
        {"drop-after", required_argument, NULL, O_DROP},
        {"cert-expired", no_argument, NULL, O_CERT_EXPIRED},
        {"cert-host", required_argument, NULL, O_CERT_HOST},
        {"tls-max", required_argument, NULL, O_TLS_MAX},
        {"stamp", no_argument, NULL, O_STAMP},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int opt;
    long long v;
    while ((opt = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
        switch (opt) {
        case O_BIND: g_cfg.bind_addr = optarg; break;
        case O_PORT:
            if (!parse_ll(optarg, 0, 65535, &v))
                goto bad;
            g_cfg.port = (int)v;
            break;
        case O_CA: g_cfg.ca_out = optarg; break;
        case O_ACCOUNT: g_cfg.account_id = optarg; break;
        case O_CLIENT: g_cfg.client_id = optarg; break;
        case O_SECRET: g_cfg.client_secret = optarg; break;
        case O_SUB: g_cfg.subscription = optarg; break;
        case O_TTL:
            if (!parse_ll(optarg, 1, 100000000, &v))
                goto bad;
            g_cfg.token_ttl_s = (long)v;
            break;
        case O_IDLE:
            if (!parse_ll(optarg, 0, 1000000000, &v))
                goto bad;
            g_cfg.idle_timeout_ms = (long)v;
            break;
        case O_EVENTS: g_cfg.events_file = optarg; break;
        case O_RATE: {
            char *end;
            double d = strtod(optarg, &end);
            if (!*optarg || *end || !(d >= 0) || d > 1e9)
                goto bad;
            g_cfg.rate = d;
            break;
        }
        case O_COUNT:
            if (!parse_ll(optarg, 0, INT64_MAX, &v))
                goto bad;
            g_cfg.count = v;
            break;
        case O_LOOP: g_cfg.loop = true; break;
        case O_CLOSE_EXP: g_cfg.close_at_token_expiry = true; break;
        case O_REPLACE: g_cfg.replace = true; break;
        case O_FAIL: g_cfg.fail_frame = optarg; break;
        case O_DROP:
            if (!parse_ll(optarg, 0, INT64_MAX, &v))
                goto bad;
            g_cfg.drop_after = v;
            break;
        case O_CERT_EXPIRED: g_cfg.cert_expired = true; break;
        case O_STAMP: g_cfg.stamp = true; break;
        case O_CERT_HOST: g_cfg.cert_host = optarg; break;
        case O_TLS_MAX:
            if (strcmp(optarg, "1.1") != 0)
                goto bad;
            g_cfg.tls_max = 11;
            break;
        case 'q': g_log_level = LOG_ERR; break;
        case 'v': g_log_level = LOG_DEBUG; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return false;
        }
        continue;
    bad:
        fprintf(stderr, "zoomws-mock: bad value for --%s: %s\n", opts[opt - O_BIND].name, optarg);
        return false;
    }
    if (optind < argc) {
        fprintf(stderr, "zoomws-mock: unexpected argument: %s\n", argv[optind]);
        return false;
    }
    return true;
}

/* Tests open hundreds of sockets; the default soft limit is often 1024. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int listen_on(const char *addr, int port, int *bound_port)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    int rc = getaddrinfo(addr, portstr, &hints, &res);
    if (rc != 0) {
        log_err("cannot resolve %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, 4096) != 0) {
        log_err("cannot listen on %s:%d: %s", addr, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                                 : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static void arm_playback_timer(void)
{
    uint64_t due = playback_next_due_ns();
    if (due == g_timer_next)
        return; /* already set to fire then */
    struct itimerspec its = {{0, 0}, {0, 0}}; /* all zero disarms */
    uint64_t period = 0;
    if (due != UINT64_MAX) {
        /* Periodic from one a day to 50,000/s; outside that range,
         * one-shot and re-armed after every wake-up. */
        double p = 1e9 / g_cfg.rate;
        period = p >= 20e3 && p <= 86400e9 ? (uint64_t)(p + 0.5) : 0;
        its.it_value.tv_sec = (time_t)(due / 1000000000u);
        its.it_value.tv_nsec = (long)(due % 1000000000u);
        its.it_interval.tv_sec = (time_t)(period / 1000000000u);
        its.it_interval.tv_nsec = (long)(period % 1000000000u);
    }
    if (timerfd_settime(g_timer_fd, TFD_TIMER_ABSTIME, &its, NULL) == 0) {
        g_timer_next = due;
        g_timer_period = period;
    } else {
        log_err("timerfd_settime: %s", strerror(errno));
    }
}

static void on_playback_timer(void)
{
    uint64_t ticks = 0;
    if (read(g_timer_fd, &ticks, sizeof ticks) != (ssize_t)sizeof ticks) {
        if (errno != EAGAIN)
            log_err("timerfd read: %s", strerror(errno));
        return;
    }
    if (g_timer_next != UINT64_MAX)
        g_timer_next = g_timer_period ? g_timer_next + ticks * g_timer_period : UINT64_MAX;
}

static int epoll_timeout(uint64_t now, bool busy)
{
    if (busy)
        return 0;
    uint64_t next = conn_next_deadline();
    if (next == UINT64_MAX)
        return -1;
    if (next <= now)
        return 0;
    return next - now > 60000 ? 60000 : (int)(next - now);
}

static void run(int epfd, int sig_fd)
{
    struct epoll_event evs[256];
    bool busy = false, stop = false;
    while (!stop) {
        int n = epoll_wait(epfd, evs, 256, epoll_timeout(mono_ms(), busy));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            log_err("epoll_wait: %s", strerror(errno));
            return;
        }
        for (int i = 0; i < n; i++) {
            void *tag = evs[i].data.ptr;
            if (tag == CONN_LISTEN_TAG) {
                conn_accept_all();
            } else if (tag == &g_timer_tag) {
                on_playback_timer();
            } else if (tag == &g_signal_tag) {
                struct signalfd_siginfo si;
                if (read(sig_fd, &si, sizeof si) == (ssize_t)sizeof si)
                    log_info("signal %u, shutting down", si.ssi_signo);
                stop = true;
            } else {
                conn_on_event(tag, evs[i].events);
            }
        }
        uint64_t now = mono_ms();
        busy = false;
        /* Flush before generating: draining a connection is what makes room
         * for the next batch, and nothing else would wake us for it. */
        conn_flush_dirty();
        for (int round = 0; round < PLAYBACK_ROUNDS; round++) {
            bool more = playback_run();
            conn_flush_dirty();
            if (!more)
                break;
            busy = round == PLAYBACK_ROUNDS - 1;
        }
        conn_housekeeping(now);
        conn_flush_dirty();
        conn_reap();
        arm_playback_timer();
    }
}

int main(int argc, char **argv)
{
    if (!parse_args(argc, argv))
        return 2;
    raise_fd_limit();
    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

    int rc = 1, port = 0, listen_fd = -1, epfd = -1;
    SSL_CTX *ssl_ctx = NULL;
    if (sig_fd < 0 || !events_init())
        goto out;
    listen_fd = listen_on(g_cfg.bind_addr, g_cfg.port, &port);
    if (listen_fd < 0)
        goto out;
    ssl_ctx = certs_make_server_ctx(g_cfg.ca_out);
    if (!ssl_ctx)
        goto out;
    epfd = epoll_create1(EPOLL_CLOEXEC);
    g_timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = CONN_LISTEN_TAG};
    struct epoll_event sev = {.events = EPOLLIN, .data.ptr = &g_signal_tag};
    struct epoll_event tev = {.events = EPOLLIN, .data.ptr = &g_timer_tag};
    if (epfd < 0 || g_timer_fd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, listen_fd, &lev) != 0 ||
        epoll_ctl(epfd, EPOLL_CTL_ADD, sig_fd, &sev) != 0 ||
        epoll_ctl(epfd, EPOLL_CTL_ADD, g_timer_fd, &tev) != 0) {
        log_err("epoll setup: %s", strerror(errno));
        goto out;
    }
    conn_setup(ssl_ctx, epfd, listen_fd);

    printf("READY port=%d ca=%s\n", port, g_cfg.ca_out);
    fflush(stdout);
    log_info("listening on %s:%d (subscription %s, account %s, client %s)", g_cfg.bind_addr, port,
             g_cfg.subscription, g_cfg.account_id, g_cfg.client_id);

    run(epfd, sig_fd);
    conn_shutdown_all();
    rc = 0;
out:
    SSL_CTX_free(ssl_ctx);
    events_free();
    oauth_free();
    if (g_timer_fd >= 0)
        close(g_timer_fd);
    if (epfd >= 0)
        close(epfd);
    if (listen_fd >= 0)
        close(listen_fd);
    if (sig_fd >= 0)
        close(sig_fd);
    return rc;
}
