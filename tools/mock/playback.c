#include "playback.h"

#include <stddef.h>

#include "config.h"
#include "conn.h"
#include "events.h"
#include "log.h"
#include "stats.h"
#include "ws.h"

static bool g_started, g_paused, g_done;
/* The --rate schedule, CLOCK_MONOTONIC ns: the k-th event after base
 * (k = 0, 1, ...) is due at base + (k + 1) / rate seconds. Rebased on
 * resume so a pause does not turn into a burst. */
static uint64_t g_base_ns, g_emitted_since_base;
static uint64_t g_seq;

static uint64_t due_ns(uint64_t k)
{
    double t = (double)(k + 1) * 1e9 / g_cfg.rate;
    /* Beyond ~280 years: never (and no overflow for tiny rates). */
    return t >= 9e18 ? UINT64_MAX : g_base_ns + (uint64_t)t;
}

bool playback_started(void) { return g_started; }
bool playback_paused(void) { return g_paused; }
bool playback_done(void) { return g_done; }

void playback_on_connect(void)
{
    if (g_started)
        return;
    g_started = true;
    g_base_ns = mono_ns();
    g_emitted_since_base = 0;
    if (events_total() == 0)
        g_done = true;
    if (g_cfg.rate > 0)
        log_info("playback started at %g events/s", g_cfg.rate);
    else
        log_info("playback started (as fast as connections drain)");
}

static void emit_one(void)
{
    const char *env;
    size_t len;
    events_get(g_seq, &env, &len);
    size_t receivers = 0;
    for (struct conn *c = g_conns; c; c = c->next) {
        if (ws_is_open(c)) {
            ws_send_event(c, env, len);
            receivers++;
        }
    }
    g_seq++;
    g_stats.events_played++;
    if (receivers == 0)
        g_stats.events_lost++;
    int64_t total = events_total();
    if (total >= 0 && g_seq >= (uint64_t)total) {
        g_done = true;
        log_info("playback done: %llu played, %llu lost", (unsigned long long)g_stats.events_played,
                 (unsigned long long)g_stats.events_lost);
    }
}

bool playback_run(void)
{
    if (!g_started || g_paused || g_done)
        return false;
    if (g_cfg.rate > 0) {
        /* The clock runs whether or not anyone listens. Each event is
         * flushed on its own, so it leaves in its own SSL_write (and gets
         * its own --stamp) at its due time; when we are behind, everything
         * due by now goes out back to back. Connections whose socket is
         * full are left to the main loop's flush (and EPOLLOUT). */
        uint64_t now = mono_ns();
        while (!g_done && due_ns(g_emitted_since_base) <= now) {
            emit_one();
            g_emitted_since_base++;
            conn_flush_ready();
        }
        return false;
    }
    /* Rate 0: advance only as far as the slowest open connection has room;
     * with nobody connected, wait instead of losing events. */
    size_t room = SIZE_MAX, open = 0;
    for (struct conn *c = g_conns; c; c = c->next) {
        if (ws_is_open(c)) {
            open++;
            size_t r = ws_queue_room(c);
            if (r < room)
                room = r;
        }
    }
    if (open == 0 || room == 0)
        return false;
    /* Stop as soon as a receiver leaves (e.g. --drop-after): the rest of
     * the batch would otherwise count as lost. */
    uint64_t open_before = g_stats.ws_open;
    for (size_t i = 0; i < room && !g_done && g_stats.ws_open == open_before; i++)
        emit_one();
    return !g_done;
}

uint64_t playback_next_due_ns(void)
{
    if (!g_started || g_paused || g_done || g_cfg.rate <= 0)
        return UINT64_MAX;
    return due_ns(g_emitted_since_base);
}

void playback_pause(void)
{
    if (!g_paused)
        log_info("playback paused");
    g_paused = true;
}

void playback_resume(void)
{
    if (!g_paused)
        return;
    g_paused = false;
    g_base_ns = mono_ns();
    g_emitted_since_base = 0;
    log_info("playback resumed");
}
