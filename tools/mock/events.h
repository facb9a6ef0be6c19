/* Event sources: an --events JSON-lines file (sent verbatim) or the built-in
 * samples. Envelopes are built once (file) or from pre-escaped templates
 * (built-ins) so the send path never touches a JSON library. */
#ifndef MOCK_EVENTS_H
#define MOCK_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Loads the file or compiles the built-in templates; false on error. */
bool events_init(void);
void events_free(void);

/* Events in one playback, or -1 for unlimited. */
int64_t events_total(void);

/* The message envelope of sequence number seq; valid until the next call. */
void events_get(uint64_t seq, const char **env, size_t *len);

/* Wraps one inner event JSON text into a message envelope. */
void events_envelope(const char *inner, size_t n, struct buf *out);

#endif
