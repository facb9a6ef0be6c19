/* Event accessors. The jansson tree is built only when a handler asks for it,
 * then cached for the other handlers of the same event. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void event__reset(zws_event *ev)
{
    if (ev->tree) {
        json_decref(ev->tree);
        ev->tree = NULL;
    }
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

static json_t *lookup(const zws_event *ev, const char *path)
{
    if (!ev || !path || !*path)
        return NULL;
    json_t *node = tree(ev);
    while (node && *path) {
        size_t n = strcspn(path, ".");
        char key[256];
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        if (json_is_object(node)) {
            node = json_object_get(node, key);
        } else if (json_is_array(node)) {
            char *endp;
            unsigned long idx = strtoul(key, &endp, 10);
            node = (n && *endp == '\0') ? json_array_get(node, idx) : NULL;
        } else {
            return NULL;
        }
        path += n;
        if (*path == '.')
            path++;
    }
    return node;
}

const char *zws_event_get_str(const zws_event *ev, const char *path)
{
    json_t *v = lookup(ev, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int zws_event_get_int(const zws_event *ev, const char *path, int64_t *out)
{
    if (!ev || !path || !out)
        return ZWS_E_INVALID;
    json_t *v = lookup(ev, path);
    if (!v)
        return ZWS_E_NOT_FOUND;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_string(v)) { /* field types drift: ids come as strings too */
        const char *s = json_string_value(v);
        if (jscan__int(s, s + strlen(s), out))
            return 0;
    }
    return ZWS_E_TYPE;
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
