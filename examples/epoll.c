/* epoll(7): the client's fd is itself an epoll set, and epoll sets nest. Prints
 * each event's name until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc epoll.c $(pkg-config --cflags --libs zoomws) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <zoomws.h>

#include "example.h"


int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    int ep = epoll_create1(EPOLL_CLOEXEC);
    /* 1. the fd, 2. watched for readability (level-triggered: the default) */
    struct epoll_event watch = {.events = EPOLLIN, .data.ptr = client};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, zws_client_get_fd(client), &watch) < 0)
        return perror("epoll"), 1;
    int rc = 0;
    while (zws_client_state(client) != ZWS_STATE_CLOSED) {
        struct epoll_event ready[8];
        int n = epoll_wait(ep, ready, 8, -1); /* no timeout: the fd carries the client's timers */
        if (n < 0 && errno != EINTR)
            return perror("epoll_wait"), 1;
        for (int i = 0; i < n; i++)
            rc = zws_client_dispatch(ready[i].data.ptr); /* 3. do the work, run callbacks */
    }
    if (rc < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    close(ep);
    zws_client_free(client);
    return rc < 0;
}
