/* The event line writer of zoomws-listen. */
#ifndef ZOOMWS_LISTEN_OUTPUT_H
#define ZOOMWS_LISTEN_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes json (len bytes) followed by '\n' as exactly one line: raw CR and LF
 * bytes become spaces. That is lossless for JSON, whose strings cannot hold
 * raw CR/LF, so outside strings they are insignificant whitespace. Returns 0,
 * or -1 with errno set (EPIPE when the reader went away).
 */
int output_event_line(FILE *out, const char *json, size_t len);

#endif
