/* What every event-loop example shares, whatever the loop: the arguments
 * (--events N, --seconds S), the signals, and a client that prints each
 * event's name. Each example file then shows only its loop's three steps. */
#ifndef ZOOMWS_EXAMPLE_H
#define ZOOMWS_EXAMPLE_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Parses the arguments, installs the signal handlers, creates the client from
 * the ZOOM_* environment and starts connecting; exits with 2 on an error. */
static void example_start(int argc, char **argv)
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
            fprintf(stderr, "usage: %s [--events N] [--seconds S]\n", argv[0]), exit(2);
    }
    client = zws_client_new();
    if (!client || zws_client_config_from_env(client) < 0 ||
        zws_client_on(client, "*", on_event, NULL) < 0 || zws_client_connect(client) < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client)), exit(2);
}

#endif
