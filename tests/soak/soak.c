/* Soak: one client for SOAK_MINUTES under random drops, token expiries and
 * bursts. Prints RSS and open fds every minute; passes when both stay flat
 * and every event the simulator sent was delivered exactly once. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f && fscanf(f, "%ld %ld", &pages, &resident) != 2)
        resident = 0;
    if (f)
        fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    while (d && readdir(d))
        n++;
    if (d)
        closedir(d);
    return n;
}

static void burst(mock *m, int n)
{
    size_t cap = (size_t)n * 120 + 1, len = 0;
    char *body = malloc(cap);
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(body + len, cap - len,
                                "{\"event\":\"meeting.updated\",\"event_ts\":%lld,\"payload\":"
                                "{\"object\":{\"id\":%d,\"topic\":\"burst\"}}}\n",
                                (long long)now_ms(), i);
    mock_control(m, "POST", "/_mock/events", body);
    free(body);
}

int main(void)
{
    int minutes = getenv("SOAK_MINUTES") ? atoi(getenv("SOAK_MINUTES")) : 30;
    srand((unsigned)getpid());
    mock m;
    if (!mock_start(&m, "--rate", "200", "--token-ttl", "120", NULL))
        return 1;
    zws_client *c = client_for(&m);
    zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, 5000);
    event_log events = {0};
    transition_log *states = calloc(1, sizeof *states);
    zws_client_on(c, "*", record_event, &events);
    zws_client_connect(c);
    long rss_first = 0;
    int fds_first = 0, drops = 0, expiries = 0, bursts = 0;
    bool ok = true;
    printf("minute  rss_kib  fds  events  drops  expiries  bursts  state\n");
    for (int minute = 1; minute <= minutes; minute++) {
        int64_t end = now_ms() + 60000;
        while (now_ms() < end) {
            run_for(c, 500 + rand() % 4000);
            switch (rand() % 6) {
            case 0: mock_control(&m, "POST", "/_mock/drop", NULL); drops++; break;
            case 1:
                mock_control(&m, "POST", "/_mock/expire-tokens", NULL);
                mock_control(&m, "POST", "/_mock/drop", NULL);
                expiries++;
                break;
            case 2: burst(&m, 500); bursts++; break;
            default: break;
            }
        }
        long rss = rss_kib();
        int fds = open_fds();
        if (minute == 2) { /* after warm-up */
            rss_first = rss;
            fds_first = fds;
        }
        printf("%6d  %7ld  %3d  %6d  %5d  %8d  %6d  %s\n", minute, rss, fds, events.count, drops,
               expiries, bursts, zws_state_name(zws_client_state(c)));
        fflush(stdout);
    }
    /* let the last burst drain, then compare with what the simulator sent */
    mock_control(&m, "POST", "/_mock/pause", NULL);
    wait_state open = {c, ZWS_STATE_OPEN};
    run_until(c, is_state, &open, 10000);
    run_for(c, 2000);
    int64_t sent = mock_stat(&m, "events_sent");
    long rss_end = rss_kib();
    int fds_end = open_fds();
    printf("events sent %lld, delivered %d; rss %ld -> %ld KiB; fds %d -> %d\n", (long long)sent,
           events.count, rss_first, rss_end, fds_first, fds_end);
    if (sent != events.count) {
        printf("FAIL: events lost or duplicated\n");
        ok = false;
    }
    if (minutes >= 2 && (fds_end != fds_first || rss_end > rss_first + rss_first / 10 + 1024)) {
        printf("FAIL: memory or descriptors grew\n");
        ok = false;
    }
    zws_client_free(c);
    free(states);
    mock_stop(&m);
    printf("soak: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
