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

static zws_client *client;
static long max_events, seen;
static int result; /* the last dispatch's: a permanent error, or 0 */

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
