/* The client's deadlines. One timerfd is armed for the earliest of them, so a
 * client costs one timer descriptor however many timers it runs. */
#include "internal.h"

void timers__init(timers *t)
{
    for (int i = 0; i < TIMER_COUNT; i++)
        t->due[i] = -1;
}

void timers__set(timers *t, enum timer_id id, int64_t due_ms)
{
    t->due[id] = due_ms < 0 ? 0 : due_ms;
}

void timers__cancel(timers *t, enum timer_id id)
{
    t->due[id] = -1;
}

int64_t timers__next(const timers *t)
{
    int64_t next = -1;
    for (int i = 0; i < TIMER_COUNT; i++)
        if (t->due[i] >= 0 && (next < 0 || t->due[i] < next))
            next = t->due[i];
    return next;
}

int timers__pop_due(timers *t, int64_t now)
{
    for (int i = 0; i < TIMER_COUNT; i++) {
        if (t->due[i] >= 0 && t->due[i] <= now) {
            t->due[i] = -1;
            return i;
        }
    }
    return -1;
}
