/* Time. Tests of the state machine replace the sources to run it on a clock
 * they move by hand; the library itself always uses the system clocks. */
#include <time.h>

#include "internal.h"

int64_t (*clock__mono_source)(void);
int64_t (*clock__wall_source)(void);

static int64_t read_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock__mono_ms(void)
{
    return clock__mono_source ? clock__mono_source() : read_clock(CLOCK_MONOTONIC);
}

int64_t clock__wall_ms(void)
{
    return clock__wall_source ? clock__wall_source() : read_clock(CLOCK_REALTIME);
}
