/* libevent: a persistent read event on the client's fd. Prints each event's name
 * until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc libevent.c $(pkg-config --cflags --libs zoomws libevent) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <event2/event.h>
#include <zoomws.h>

#include "example.h"

static int result; /* the last dispatch's: a permanent error, or 0 */

static void on_readable(evutil_socket_t fd, short what, void *watcher)
{
    (void)fd, (void)what;
    result = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    if (zws_client_state(client) == ZWS_STATE_CLOSED)
        event_del(watcher); /* event_base_dispatch returns: no event is left */
}

int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    struct event_base *base = event_base_new();
    if (!base)
        return fprintf(stderr, "error: event_base_new failed\n"), 1;
    int fd = zws_client_get_fd(client); /* 1. the fd */
    struct event *watcher =
        event_new(base, fd, EV_READ | EV_PERSIST, on_readable, event_self_cbarg());
    if (!watcher || event_add(watcher, NULL) < 0) /* 2. watch it */
        return fprintf(stderr, "error: cannot watch the client's fd\n"), 1;
    event_base_dispatch(base);
    event_free(watcher);
    event_base_free(base);

    if (result < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return result < 0;
}
