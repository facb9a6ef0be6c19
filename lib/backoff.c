/* Reconnect delay policy: first retry at once, then capped exponential backoff
 * with full jitter (so many clients dropped together do not return together). */
#include "internal.h"

int64_t backoff__delay_ms(int attempt, int64_t base_ms, int64_t cap_ms, uint32_t rnd)
{
    if (attempt <= 1 || base_ms <= 0 || cap_ms <= 0)
        return 0;
    int64_t ceiling = base_ms;
    for (int i = 2; i < attempt && ceiling < cap_ms; i++)
        ceiling *= 2;
    if (ceiling > cap_ms)
        ceiling = cap_ms;
    return (int64_t)(((uint64_t)rnd * (uint64_t)(ceiling + 1)) >> 32);
}
