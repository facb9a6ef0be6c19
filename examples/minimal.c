/* The smallest useful listener: credentials from the environment, one handler,
 * run until Ctrl-C. Build: cc minimal.c $(pkg-config --cflags --libs zoomws) */
#include <signal.h>
#include <stdio.h>
#include <zoomws.h>

static zws_client *client;

static void on_signal(int sig) { (void)sig; zws_client_stop(client); }

static void on_joined(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)user;
    const char *who = zws_event_get_str(ev, "payload.object.participant.user_name");
    printf("%s joined \"%s\"\n", who ? who : "someone",
           zws_event_get_str(ev, "payload.object.topic"));
    fflush(stdout);
}

int main(void)
{
    client = zws_client_new();
    if (!client || zws_client_config_from_env(client) < 0)
        return 2;
    zws_client_on(client, "meeting.participant_joined", on_joined, NULL);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    int rc = zws_client_run(client); /* reconnects by itself; returns after stop */
    if (rc < 0)
        fprintf(stderr, "error: %s\n", zws_client_last_error(client));
    zws_client_free(client);
    return rc < 0;
}
