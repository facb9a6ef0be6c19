/* The single global event sequence: starts with the first good connection,
 * fans each event out to every open connection, and counts an event as lost
 * when nobody is connected (like Zoom, nothing is replayed). */
#ifndef MOCK_PLAYBACK_H
#define MOCK_PLAYBACK_H

#include <stdbool.h>
#include <stdint.h>

void playback_on_connect(void);

/* Emits what is due now. With --rate N, every event whose scheduled time
 * has come, each flushed on its own; with --rate 0, as much as the slowest
 * open connection has room for. Returns true if calling again after a flush
 * may emit more. */
bool playback_run(void);

/* CLOCK_MONOTONIC ns of the next timed emission (--rate N), UINT64_MAX if
 * none; the main loop arms a timerfd for it. */
uint64_t playback_next_due_ns(void);

void playback_pause(void);
void playback_resume(void);
bool playback_started(void);
bool playback_paused(void);
bool playback_done(void);

#endif
