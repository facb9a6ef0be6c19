#include "stats.h"

#include <inttypes.h>

#include "playback.h"

struct stats g_stats;

void stats_render(struct buf *out)
{
    const struct stats *s = &g_stats;
    buf_printf(out,
               "{\"token_requests\":%" PRIu64 ",\"tokens_issued\":%" PRIu64
               ",\"token_failures\":%" PRIu64 ",\"ws_upgrades\":%" PRIu64
               ",\"ws_open\":%" PRIu64 ",\"build_ok\":%" PRIu64 ",\"build_fail\":%" PRIu64
               ",\"heartbeats\":%" PRIu64 ",\"other_client_frames\":%" PRIu64
               ",\"pongs\":%" PRIu64 ",\"events_sent\":%" PRIu64 ",\"events_lost\":%" PRIu64
               ",\"events_played\":%" PRIu64 ",\"playback_done\":%s"
               ",\"playback_started\":%s,\"playback_paused\":%s"
               ",\"closes_received\":%" PRIu64 ",\"last_close_code\":%d"
               ",\"last_heartbeat_ms\":%" PRIu64 "}",
               s->token_requests, s->tokens_issued, s->token_failures, s->ws_upgrades,
               s->ws_open, s->build_ok, s->build_fail, s->heartbeats, s->other_client_frames,
               s->pongs, s->events_sent, s->events_lost, s->events_played,
               playback_done() ? "true" : "false", playback_started() ? "true" : "false",
               playback_paused() ? "true" : "false", s->closes_received, s->last_close_code,
               s->last_heartbeat_ms);
}
