/* Event accessors. Path getters scan the raw JSON (no tree: the common
 * "read one field" handler stays on the fast path); the jansson tree is built
 * only when a handler asks for the payload, then cached for the other
 * handlers of the same event. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct event_str {
    struct event_str *next;
    char data[];
};

void event__reset(zws_event *ev)
{
    if (ev->tree) {
        json_decref(ev->tree);
        ev->tree = NULL;
    }
    while (ev->strings) {
        struct event_str *next = ev->strings->next;
        free(ev->strings);
        ev->strings = next;
    }
    ev->inline_used = 0;
}

static json_t *tree(const zws_event *ev)
{
    zws_event *mut = (zws_event *)ev; /* the cache is invisible to the caller */
    if (!mut->tree)
        mut->tree = json_loadb(ev->json, ev->json_len, 0, NULL);
    return mut->tree;
}

const char *zws_event_name(const zws_event *ev) { return ev ? ev->name : NULL; }
int64_t zws_event_ts(const zws_event *ev) { return ev ? ev->ts : 0; }
const char *zws_event_json(const zws_event *ev) { return ev ? ev->json : NULL; }
size_t zws_event_json_len(const zws_event *ev) { return ev ? ev->json_len : 0; }

/* A dotted path segment of n bytes as an array index. */
static bool segment_index(const char *seg, size_t n, size_t *idx)
{
    *idx = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i] < '0' || seg[i] > '9' || *idx > SIZE_MAX / 10 - 1)
            return false;
        *idx = *idx * 10 + (size_t)(seg[i] - '0');
    }
    return n > 0;
}

/* lookup() through the tape the receive path recorded: no JSON is rescanned. */
static const char *lookup_taped(const zws_event *ev, const char *path, const char **vend)
{
    const jscan_tape *t = &ev->tape;
    size_t node = 0, idx;
    while (node != SIZE_MAX && *path) {
        size_t n = strcspn(path, ".");
        if (t->base[t->v[node].start] == '[')
            node = segment_index(path, n, &idx) ? jtape__element(t, node, idx) : SIZE_MAX;
        else
            node = jtape__member(t, node, path, n);
        path += n;
        if (*path == '.')
            path++;
    }
    if (node == SIZE_MAX)
        return NULL;
    *vend = t->base + t->v[node].end;
    return t->base + t->v[node].start;
}

/* The raw value at a dotted path ("payload.object.0.id"), or NULL. */
static const char *lookup(const zws_event *ev, const char *path, const char **vend)
{
    if (!ev || !path || !*path)
        return NULL;
    if (jtape__covers(&ev->tape, ev->json))
        return lookup_taped(ev, path, vend);
    const char *p = ev->json, *end = ev->json + ev->json_len;
    while (p && *path) {
        size_t n = strcspn(path, ".");
        p = jscan__ws(p, end);
        if (p < end && *p == '[') {
            size_t idx;
            p = segment_index(path, n, &idx) ? jscan__element(p, end, idx, vend) : NULL;
        } else {
            p = jscan__member(p, end, path, n, vend);
        }
        path += n;
        if (*path == '.')
            path++;
    }
    return p;
}

const char *zws_event_get_str(const zws_event *ev, const char *path)
{
    const char *vend, *v = lookup(ev, path, &vend);
    if (!v || *v != '"')
        return NULL;
    zws_event *mut = (zws_event *)ev; /* results live until the event ends */
    size_t need = (size_t)(vend - v) - 1; /* the body and a NUL: unescaping never grows */
    char *dst;
    if (need <= sizeof mut->inline_strs - mut->inline_used) {
        dst = mut->inline_strs + mut->inline_used;
        mut->inline_used += need;
    } else {
        struct event_str *s = malloc(sizeof *s + need);
        if (!s)
            return NULL;
        s->next = mut->strings;
        mut->strings = s;
        dst = s->data;
    }
    zbuf out = {dst, 0, need};
    if (jscan__unescape(v + 1, vend - 1, &out) < 0)
        return NULL; /* not reached: the value was validated */
    return dst;
}

int zws_event_get_int(const zws_event *ev, const char *path, int64_t *out)
{
    if (!ev || !path || !out)
        return ZWS_E_INVALID;
    const char *vend, *v = lookup(ev, path, &vend);
    if (!v)
        return ZWS_E_NOT_FOUND;
    /* field types drift: ids come as strings too */
    return jscan__int_value(v, vend, out) ? 0 : ZWS_E_TYPE;
}

void *zws_event_payload(const zws_event *ev)
{
    json_t *root = ev ? tree(ev) : NULL;
    return root ? json_object_get(root, "payload") : NULL;
}

zws_event *zws_event_copy(const zws_event *ev)
{
    if (!ev)
        return NULL;
    size_t nlen = strlen(ev->name);
    zws_event *copy = calloc(1, sizeof *copy);
    char *block = malloc(nlen + 1 + ev->json_len + 1);
    if (!copy || !block) {
        free(copy);
        free(block);
        return NULL;
    }
    memcpy(block, ev->name, nlen + 1);
    memcpy(block + nlen + 1, ev->json, ev->json_len);
    block[nlen + 1 + ev->json_len] = '\0';
    copy->owned = block;
    copy->name = block;
    copy->json = block + nlen + 1;
    copy->json_len = ev->json_len;
    copy->ts = ev->ts;
    return copy;
}

void zws_event_free(zws_event *ev)
{
    if (!ev || !ev->owned)
        return; /* borrowed events are not the caller's to free */
    event__reset(ev);
    free(ev->owned);
    free(ev);
}
