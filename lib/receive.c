/* From a text message to the application's handlers: the envelope decides
 * the connection's fate (build_connection), heartbeats are noted, messages
 * become events. Malformed or unknown frames are logged and ignored: Zoom never
 * replays events, so dropping the connection over one would lose more. */
#include <string.h>

#include "internal.h"

static void on_build_connection(zws_client *c, const envelope *env)
{
    if (env->success == 1) {
        if (c->state == ZWS_STATE_UPGRADING)
            client__on_open(c);
        return;
    }
    const char *why = env->content ? env->content : "(no reason given)";
    if (envelope__is_token_failure(env->content)) {
        client__error(c, ZWS_E_TOKEN_REJECTED, "Zoom refused the access token: %s", why);
        c->deferred_err = ZWS_E_TOKEN_REJECTED;
    } else {
        client__error(c, ZWS_E_REFUSED, "Zoom refused the connection: %s", why);
        c->deferred_err = ZWS_E_REFUSED;
    }
}

static void on_message(zws_client *c, const envelope *env)
{
    inner_event inner;
    if (!env->content || envelope__event(env->content, env->content_len, &inner, &c->name_buf,
                                        &c->event.tape) < 0) {
        log__emit(c, ZWS_LOG_WARN, "ignored a message whose content is not an event object");
        return;
    }
    if (c->stopping) { /* the application asked to stop: no more callbacks */
        c->discarded_after_stop++;
        return;
    }
    if (c->state == ZWS_STATE_UPGRADING) /* events prove the subscription is live */
        client__on_open(c);
    zws_event *ev = &c->event;
    ev->name = inner.name;
    ev->ts = inner.ts;
    ev->json = env->content;
    ev->json_len = env->content_len;
    dispatch__run(&c->handlers, c, ev);
    event__reset(ev);
}

void client__on_frame(zws_client *c, const char *msg, size_t len)
{
    envelope env;
    int rc = envelope__parse(msg, len, &env, &c->content_buf);
    if (rc < 0) {
        log__emit(c, ZWS_LOG_WARN, "ignored a frame that is not a JSON object (%zu bytes)", len);
        return;
    }
    switch (env.module) {
    case MODULE_BUILD_CONNECTION:
        on_build_connection(c, &env);
        break;
    case MODULE_HEARTBEAT:
        log__emit(c, ZWS_LOG_DEBUG, "heartbeat answered");
        break;
    case MODULE_MESSAGE:
        on_message(c, &env);
        break;
    default:
        log__emit(c, ZWS_LOG_DEBUG, "ignored a frame of an unknown module");
        break;
    }
}
