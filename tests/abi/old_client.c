/* A program built against the released header (abi/zoomws-<major>.0.h), run
 * against the library built from today's source: the ABI promise in action.
 * Reads ZOOM_* from the environment, waits for 3 events, stops, exits 0. */
#include <poll.h>
#include <stdio.h>
#include <zoomws.h>

static int events;
static void on_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)user;
    if (zws_event_name(ev)[0] && ++events == 3)
        zws_client_stop(c);
}

int main(void)
{
    if (zws_version_number() >> 16 != ZWS_VERSION_MAJOR) {
        fprintf(stderr, "old_client: major version changed under us\n");
        return 1;
    }
    zws_client *c = zws_client_new();
    if (!c || zws_client_config_from_env(c) < 0 || zws_client_on(c, "*", on_event, NULL) <= 0 ||
        zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 1000) < 0)
        return 1;
    int rc = zws_client_run(c);
    printf("old_client: built for %d.%d.%d, running on %s: %d events, run() = %d\n",
           ZWS_VERSION_MAJOR, ZWS_VERSION_MINOR, ZWS_VERSION_PATCH, zws_version(), events, rc);
    zws_client_free(c);
    return rc == 0 && events >= 3 ? 0 : 1;
}
