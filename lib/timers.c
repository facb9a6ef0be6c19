/* The client's deadlines, and the heap of clients by their earliest one. One
 * timerfd is armed for the top of the heap, so a loop costs one timer
 * descriptor however many clients and timers it runs. */
#include <stdlib.h>

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

/* ------------------------------------------------------ the clients' heap */

static void place(timer_heap *h, size_t i, zws_client *c)
{
    h->v[i] = c;
    c->heap_pos = i;
}

static void sift_up(timer_heap *h, size_t i)
{
    zws_client *c = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->v[parent]->heap_due <= c->heap_due)
            break;
        place(h, i, h->v[parent]);
        i = parent;
    }
    place(h, i, c);
}

static void sift_down(timer_heap *h, size_t i)
{
    zws_client *c = h->v[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && h->v[child + 1]->heap_due < h->v[child]->heap_due)
            child++;
        if (c->heap_due <= h->v[child]->heap_due)
            break;
        place(h, i, h->v[child]);
        i = child;
    }
    place(h, i, c);
}

int timers__heap_reserve(timer_heap *h, size_t cap)
{
    if (cap <= h->cap)
        return 0;
    zws_client **v = realloc(h->v, cap * sizeof *v);
    if (!v)
        return ZWS_E_NOMEM;
    h->v = v;
    h->cap = cap;
    return 0;
}

void timers__heap_set(timer_heap *h, zws_client *c, int64_t due)
{
    size_t i = c->heap_pos;
    if (due < 0) {
        if (i == SIZE_MAX)
            return;
        c->heap_pos = SIZE_MAX;
        zws_client *last = h->v[--h->len];
        if (i == h->len)
            return;
        place(h, i, last); /* the last one fills the hole, then finds its place */
        sift_up(h, i);
        sift_down(h, last->heap_pos);
        return;
    }
    if (i == SIZE_MAX) {
        /* reserved when the client joined its loop; growing here is a fallback */
        if (h->len == h->cap && timers__heap_reserve(h, h->cap * 2 + 8) < 0)
            return;
        i = h->len++;
        h->v[i] = c;
    }
    c->heap_due = due;
    sift_up(h, i);
    sift_down(h, c->heap_pos);
}

void timers__heap_free(timer_heap *h)
{
    free(h->v);
    h->v = NULL;
    h->len = h->cap = 0;
}
