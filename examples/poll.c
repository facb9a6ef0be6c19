/* poll(2): the plainest event loop. Prints each event's name until Ctrl-C,
 * SIGTERM, --events N events or --seconds S. Build:
 *   cc poll.c $(pkg-config --cflags --libs zoomws) */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zoomws.h>

#include "example.h"


int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    struct pollfd pfd = {.fd = zws_client_get_fd(client), .events = POLLIN}; /* 1. the fd */
    int rc = 0;
    while (zws_client_state(client) != ZWS_STATE_CLOSED) {
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) /* 2. wait until readable (no timeout) */
            return perror("poll"), 1;
        rc = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    }
    if (rc < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return rc < 0;
}
