/* Counters reported by GET /_mock/stats. */
#ifndef MOCK_STATS_H
#define MOCK_STATS_H

#include <stdint.h>

#include "util.h"

struct stats {
    uint64_t token_requests, tokens_issued, token_failures;
    uint64_t ws_upgrades, ws_open, build_ok, build_fail;
    uint64_t heartbeats, other_client_frames, pongs;
    uint64_t events_sent, events_lost, events_played;
    uint64_t closes_received;
    int last_close_code;
    uint64_t last_heartbeat_ms; /* epoch ms of the last heartbeat, 0 = none */
};

extern struct stats g_stats;

void stats_render(struct buf *out);

#endif
