/* The single global event sequence: starts with the first good connection,
 * fans each event out to every open connection, and counts an event as lost
 * when nobody is connected (like Zoom, nothing is replayed). */
#ifndef MOCK_PLAYBACK_H
#define MOCK_PLAYBACK_H

#include <stdbool.h>
#include <stdint.h>

void playback_on_connect(void);

/* Emits what is due now. With --rate 0 that is as much as the slowest open
 * connection has room for; returns true if calling again after a flush may
 * emit more. */
bool playback_run(uint64_t now);

/* Monotonic ms of the next timed emission, UINT64_MAX if none. */
uint64_t playback_next_due(void);

void playback_pause(void);
void playback_resume(void);
bool playback_started(void);
bool playback_paused(void);
bool playback_done(void);

#endif
