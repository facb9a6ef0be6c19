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

#include "example.h"


int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

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
