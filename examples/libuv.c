/* libuv: a uv_poll_t watches the client's fd. Prints each event's name
 * until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc libuv.c $(pkg-config --cflags --libs zoomws libuv) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include <zoomws.h>

#include "example.h"

static int result; /* the last dispatch's: a permanent error, or 0 */

static void on_readable(uv_poll_t *watcher, int status, int events)
{
    (void)status, (void)events;
    result = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    if (zws_client_state(client) == ZWS_STATE_CLOSED)
        uv_close((uv_handle_t *)watcher, NULL); /* uv_run returns: no handle is left */
}

int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    uv_loop_t *loop = uv_default_loop();
    uv_poll_t watcher;
    if (uv_poll_init(loop, &watcher, zws_client_get_fd(client)) < 0 || /* 1. the fd */
        uv_poll_start(&watcher, UV_READABLE, on_readable) < 0)           /* 2. watch it */
        return fprintf(stderr, "error: cannot watch the client's fd\n"), 1;
    uv_run(loop, UV_RUN_DEFAULT);
    uv_loop_close(loop);

    if (result < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return result < 0;
}
