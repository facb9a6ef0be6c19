/* GLib: g_unix_fd_add watches the client's fd in a GMainLoop. Prints each event's name
 * until Ctrl-C, SIGTERM, --events N events or --seconds S.
 * Build: cc glib.c $(pkg-config --cflags --libs zoomws glib-2.0) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib.h>
#include <zoomws.h>

#include "example.h"

static int result; /* the last dispatch's: a permanent error, or 0 */

static gboolean on_readable(gint fd, GIOCondition condition, gpointer loop)
{
    (void)fd, (void)condition;
    result = zws_client_dispatch(client); /* 3. do the ready work, run the callbacks */
    if (zws_client_state(client) != ZWS_STATE_CLOSED)
        return G_SOURCE_CONTINUE;
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

int main(int argc, char **argv)
{
    example_start(argc, argv); /* arguments, signals, the client: see example.h */

    GMainLoop *loop = g_main_loop_new(NULL, FALSE);
    int fd = zws_client_get_fd(client);           /* 1. the fd */
    g_unix_fd_add(fd, G_IO_IN, on_readable, loop); /* 2. watch it */
    g_main_loop_run(loop);
    g_main_loop_unref(loop);

    if (result < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return result < 0;
}
