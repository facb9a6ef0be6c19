/* libev: an ev_io watcher on the client's fd. Prints each event's name
 * until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc libev.c $(pkg-config --cflags --libs zoomws) -lev (Debian ships no libev.pc) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>
#include <zoomws.h>

#include "example.h"

static int result; /* the last dispatch's: a permanent error, or 0 */

static void on_readable(struct ev_loop *loop, ev_io *watcher, int revents)
{
    (void)revents;
    result = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    if (zws_client_state(client) == ZWS_STATE_CLOSED)
        ev_io_stop(loop, watcher); /* ev_run returns: no watcher is active */
}

int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    struct ev_loop *loop = EV_DEFAULT;
    ev_io watcher;
    ev_io_init(&watcher, on_readable, zws_client_get_fd(client), EV_READ); /* 1. the fd */
    ev_io_start(loop, &watcher);                                           /* 2. watch it */
    ev_run(loop, 0);
    ev_loop_destroy(loop);

    if (result < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return result < 0;
}
