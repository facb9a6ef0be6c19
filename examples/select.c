/* select(2): for loops built on fd_sets (the fd must be below FD_SETSIZE, 1024;
 * prefer poll or epoll in a process with many descriptors). Prints each
 * event's name until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc select.c $(pkg-config --cflags --libs zoomws) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include <zoomws.h>

static zws_client *client;
static long max_events, seen;

/* zws_client_stop is async-signal-safe: a plain handler works with any loop. */
static void on_signal(int sig) { (void)sig; zws_client_stop(client); }

static void on_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)user;
    printf("%s\n", zws_event_name(ev));
    fflush(stdout);
    if (++seen == max_events)
        zws_client_stop(c);
}

int main(int argc, char **argv)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGALRM, on_signal);
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 < argc && !strcmp(argv[i], "--events"))
            max_events = atol(argv[i + 1]);
        else if (i + 1 < argc && !strcmp(argv[i], "--seconds"))
            alarm((unsigned)atoi(argv[i + 1]));
        else
            return fprintf(stderr, "usage: %s [--events N] [--seconds S]\n", argv[0]), 2;
    }
    client = zws_client_new();
    if (!client || zws_client_config_from_env(client) < 0 ||
        zws_client_on(client, "*", on_event, NULL) < 0 || zws_client_connect(client) < 0)
        return fprintf(stderr, "error: %s\n", zws_client_last_error(client)), 2;

    int fd = zws_client_get_fd(client); /* 1. the fd */
    if (fd >= FD_SETSIZE)
        return fprintf(stderr, "error: fd %d is too large for select\n", fd), 1;
    int rc = 0;
    while (zws_client_state(client) != ZWS_STATE_CLOSED) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        if (select(fd + 1, &readable, NULL, NULL, NULL) < 0 && errno != EINTR) /* 2. wait */
            return perror("select"), 1;
        rc = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    }
    if (rc < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return rc < 0;
}
