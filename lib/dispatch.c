/* The handler table: pattern matching and running handlers in registration
 * order. Handlers may add or remove handlers while running. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int dispatch__add(handler_table *t, const char *pattern, zws_event_cb cb, void *user)
{
    if (!pattern || !*pattern || !cb)
        return ZWS_E_INVALID;
    size_t len = strlen(pattern);
    const char *star = strchr(pattern, '*');
    if (star && star != pattern + len - 1)
        return ZWS_E_INVALID; /* only a trailing '*' is a wildcard */
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        handler *items = realloc(t->items, cap * sizeof *items);
        if (!items)
            return ZWS_E_NOMEM;
        t->items = items;
        t->cap = cap;
    }
    handler *h = &t->items[t->count];
    memset(h, 0, sizeof *h);
    if (!(h->pattern = strdup(pattern)))
        return ZWS_E_NOMEM;
    if (len == 1 && star) {
        h->kind = MATCH_ALL;
    } else if (star) {
        h->kind = MATCH_PREFIX;
        h->pattern[len - 1] = '\0';
        len--;
    } else {
        h->kind = MATCH_EXACT;
    }
    h->pattern_len = len;
    h->cb = cb;
    h->user = user;
    if (t->next_id == 0 || t->next_id == INT32_MAX)
        t->next_id = 1;
    h->id = t->next_id++;
    t->count++;
    return h->id;
}

static void compact(handler_table *t)
{
    size_t j = 0;
    for (size_t i = 0; i < t->count; i++) {
        if (t->items[i].removed)
            free(t->items[i].pattern);
        else
            t->items[j++] = t->items[i];
    }
    t->count = j;
}

int dispatch__remove(handler_table *t, int id)
{
    for (size_t i = 0; i < t->count; i++) {
        if (t->items[i].id == id && !t->items[i].removed) {
            t->items[i].removed = true;
            if (t->depth == 0)
                compact(t);
            return 0;
        }
    }
    return ZWS_E_NOT_FOUND;
}

bool dispatch__matches(const handler *h, const char *name, size_t name_len)
{
    switch (h->kind) {
    case MATCH_ALL:
        return true;
    case MATCH_PREFIX:
        return name_len >= h->pattern_len && !memcmp(name, h->pattern, h->pattern_len);
    default:
        return name_len == h->pattern_len && !memcmp(name, h->pattern, name_len);
    }
}

void dispatch__run(handler_table *t, zws_client *c, const zws_event *ev)
{
    size_t name_len = strlen(ev->name);
    size_t n = t->count; /* handlers added now see the next event */
    t->depth++;
    for (size_t i = 0; i < n; i++) {
        handler *h = &t->items[i]; /* re-read: a handler may have grown the table */
        if (!h->removed && dispatch__matches(h, ev->name, name_len))
            h->cb(c, ev, h->user);
    }
    if (--t->depth == 0)
        compact(t);
}

void dispatch__free(handler_table *t)
{
    for (size_t i = 0; i < t->count; i++)
        free(t->items[i].pattern);
    free(t->items);
    memset(t, 0, sizeof *t);
}
