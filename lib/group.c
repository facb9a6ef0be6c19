/* zws_group: many clients on one loop (loop.c), so that a client costs its
 * socket and no epoll set, timerfd or eventfd of its own. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "internal.h"

struct zws_group {
    zws_loop loop;
};

zws_group *zws_group_new(void)
{
    zws_group *g = malloc(sizeof *g);
    if (g && loop__open(&g->loop, true) < 0) {
        free(g);
        g = NULL;
    }
    return g;
}

int zws_group_add(zws_group *g, zws_client *c)
{
    if (!g || !c)
        return ZWS_E_INVALID;
    /* a running client has sockets and transfers registered in its own set */
    if (c->loop->grouped || c->in_dispatch ||
        (c->state != ZWS_STATE_IDLE && c->state != ZWS_STATE_CLOSED) || c->fd >= 0 ||
        c->token_easy || c->connect_easy || c->tunnel_easy)
        return ZWS_E_STATE;
    return loop__move(c, &g->loop);
}

int zws_group_get_fd(const zws_group *g)
{
    return g ? g->loop.epfd : ZWS_E_INVALID;
}

int zws_group_dispatch(zws_group *g)
{
    if (!g)
        return ZWS_E_INVALID;
    if (g->loop.dispatching)
        return ZWS_E_STATE; /* not from inside a callback */
    return loop__dispatch(&g->loop);
}

static bool any_running(const zws_loop *l)
{
    for (uint32_t i = 0; i < l->nslots; i++) {
        const zws_client *c = l->slots[i];
        if (c && c->state != ZWS_STATE_IDLE && c->state != ZWS_STATE_CLOSED)
            return true;
    }
    return false;
}

int zws_group_run(zws_group *g)
{
    if (!g)
        return ZWS_E_INVALID;
    zws_loop *l = &g->loop;
    if (l->dispatching)
        return ZWS_E_STATE;
    for (uint32_t i = 0; i < l->nslots; i++)
        if (l->slots[i] && l->slots[i]->state == ZWS_STATE_IDLE)
            zws_client_connect(l->slots[i]); /* a failure is that client's (last error, log) */
    l->settled = true;
    for (;;) {
        /* whether any client still runs changes only when one closes or leaves */
        if (l->settled) {
            l->settled = false;
            if (!any_running(l))
                return 0;
        }
        struct pollfd pfd = {.fd = l->epfd, .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
            return ZWS_E_SYSTEM;
        int rc = loop__dispatch(l);
        if (rc < 0)
            return rc;
    }
}

void zws_group_free(zws_group *g)
{
    if (!g)
        return;
    for (uint32_t i = 0; i < g->loop.nslots; i++)
        zws_client_free(g->loop.slots[i]); /* NULL (a free slot) is ignored */
    loop__close(&g->loop);
    free(g);
}
