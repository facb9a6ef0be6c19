/* The tape of a validated document (see jscan_tape in internal.h): the
 * scanner (jscan.c) appends a node as each value starts and completes it as
 * the value ends; lookups here go from a node to its children by `next`
 * links, reading no JSON but the keys they compare. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void jtape__reset(jscan_tape *t, const char *base, size_t len)
{
    t->base = base;
    t->n = 0;
    t->full = len >= UINT32_MAX; /* offsets are 32-bit: such a document gets no tape */
}

void jtape__free(jscan_tape *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

bool jtape__covers(const jscan_tape *t, const char *json)
{
    return t->n && !t->full && t->base == json;
}

size_t jtape__member(const jscan_tape *t, size_t node, const char *name, size_t n)
{
    if (t->base[t->v[node].start] != '{')
        return SIZE_MAX;
    size_t found = SIZE_MAX;
    for (size_t c = node + 1; c < t->v[node].next; c = t->v[c].next) {
        const struct jscan_node *m = &t->v[c];
        if (jscan__key_equals(t->base + m->key, t->base + m->key_end, m->key_esc, name, n))
            found = c; /* the last duplicate wins, as in jansson */
    }
    return found;
}

size_t jtape__element(const jscan_tape *t, size_t node, size_t index)
{
    if (t->base[t->v[node].start] != '[')
        return SIZE_MAX;
    size_t c = node + 1;
    for (size_t i = 0; c < t->v[node].next; c = t->v[c].next, i++)
        if (i == index)
            return c;
    return SIZE_MAX;
}
