/* The HTTP upgrade exchange over the transport: send the request (which
 * carries the token, so its buffer is wiped once sent), read until the
 * response head is complete, then hand the rest of the bytes to the framing. */
#include <string.h>

#include "internal.h"

void client__on_upgrading(zws_client *c)
{
    int rc = handshake__new_key(c->ws_key);
    if (rc == 0)
        rc = handshake__request(&c->hs_out, &c->url, c->subscription, c->token, c->ws_key);
    if (rc < 0) {
        client__error(c, rc, "cannot build the upgrade request");
        client__fail(c, rc, false, 0, NULL);
        return;
    }
    c->hs_sent = 0;
    c->hs_in.len = 0;
    log__emit(c, ZWS_LOG_DEBUG, "upgrading: GET %s", c->url.path);
}

void client__upgrade_io(zws_client *c)
{
    while (c->hs_sent < c->hs_out.len) {
        ssize_t n = transport__write(c, c->hs_out.data + c->hs_sent, c->hs_out.len - c->hs_sent);
        if (n < 0) {
            client__error(c, ZWS_E_CLOSED, "connection lost while sending the upgrade request");
            client__fail(c, ZWS_E_CLOSED, false, 1006, NULL);
            return;
        }
        if (n == 0)
            return;
        c->hs_sent += (size_t)n;
        if (c->hs_sent == c->hs_out.len)
            zbuf__wipe(&c->hs_out);
    }
    for (;;) {
        char buf[4096];
        ssize_t n = transport__read(c, buf, sizeof buf);
        if (n == 0)
            return;
        if (n < 0) {
            client__error(c, ZWS_E_HANDSHAKE, "%s:%d closed the connection during the upgrade",
                          c->url.host, c->url.port);
            client__fail(c, ZWS_E_HANDSHAKE, false, 1006, NULL);
            return;
        }
        if (zbuf__append(&c->hs_in, buf, (size_t)n) < 0) {
            client__fail(c, ZWS_E_NOMEM, false, 0, NULL);
            return;
        }
        char accept[29], err[160];
        int status;
        size_t used;
        handshake__accept_for(c->ws_key, accept);
        int rc = handshake__parse(c->hs_in.data, c->hs_in.len, accept, &status, &used, err,
                                  sizeof err);
        if (rc == 1)
            continue;
        if (rc < 0) {
            client__error(c, rc, "WebSocket upgrade with %s:%d failed: %s", c->url.host,
                          c->url.port, err);
            client__fail(c, rc, false, 0, NULL);
            return;
        }
        rc = ws__start(c, c->hs_in.data + used, c->hs_in.len - used);
        zbuf__free(&c->hs_in);
        if (rc < 0) {
            client__fail(c, rc, false, 0, NULL);
            return;
        }
        log__emit(c, ZWS_LOG_DEBUG, "upgraded; waiting for build_connection");
        ws__io(c, true); /* frames may have arrived with the response */
        return;
    }
}
