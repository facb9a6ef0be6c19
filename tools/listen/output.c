/* One event per line on a (fully buffered) stream. */
#include "output.h"

int output_event_line(FILE *out, const char *json, size_t len)
{
    const char *p = json, *end = json + len;
    while (p < end) {
        const char *q = p;
        while (q < end && *q != '\n' && *q != '\r')
            q++;
        size_t n = (size_t)(q - p);
        if (n && fwrite(p, 1, n, out) != n)
            return -1;
        if (q == end)
            break;
        if (putc(' ', out) == EOF)
            return -1;
        p = q + 1;
    }
    return putc('\n', out) == EOF ? -1 : 0;
}
