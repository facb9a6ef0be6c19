/* envelope__parse on arbitrary frames, then envelope__event on the decoded
 * content and envelope__is_token_failure, as the receive path does. The
 * scratch buffers are reused between inputs, as on the hot path. */
#include "fuzz_common.h"

#include "internal.h"

static zbuf scratch, name_buf;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_exact_copy(data, size);
    envelope env;
    memset(&env, 0x5a, sizeof env);
    int rc = envelope__parse(buf, size, &env, &scratch);
    free(buf); /* the content must live in scratch, not in the frame */
    FUZZ_CHECK(rc == 0 || rc == ZWS_E_PROTOCOL, "envelope__parse returned %d", rc);
    if (rc < 0)
        return 0;
    FUZZ_CHECK(env.module >= MODULE_UNKNOWN && env.module <= MODULE_MESSAGE, "module %d",
               (int)env.module);
    FUZZ_CHECK(env.success >= -1 && env.success <= 1, "success %d", env.success);
    if (!env.content) {
        FUZZ_CHECK(env.content_len == 0 && !env.content_is_object, "no content but len/object");
        return 0;
    }
    FUZZ_CHECK(env.content == scratch.data && env.content_len == scratch.len,
               "content is not the scratch buffer");
    FUZZ_CHECK(env.content[env.content_len] == '\0', "content not NUL-terminated");
    /* jansson (the reference) refuses \u0000 and raw control bytes, so a
     * decoded string content never holds a NUL: it is a C string too */
    FUZZ_CHECK(strlen(env.content) == env.content_len, "content holds a NUL byte");
    FUZZ_CHECK(utf8__valid((const unsigned char *)env.content, env.content_len),
               "decoded content is not UTF-8");
    (void)envelope__is_token_failure(env.content);

    /* the inner event, read from an exact copy of the decoded content */
    char *content = fuzz_exact_copy((const uint8_t *)env.content, env.content_len);
    inner_event ev;
    memset(&ev, 0x5a, sizeof ev);
    rc = envelope__event(content, env.content_len, &ev, &name_buf, NULL);
    free(content);
    FUZZ_CHECK(rc == 0 || rc == ZWS_E_PROTOCOL, "envelope__event returned %d", rc);
    if (rc == 0) {
        FUZZ_CHECK(ev.name == name_buf.data && ev.name_len == name_buf.len, "name not in name_buf");
        FUZZ_CHECK(strlen(ev.name) == ev.name_len, "event name holds a NUL or is unterminated");
        FUZZ_CHECK(utf8__valid((const unsigned char *)ev.name, ev.name_len), "name not UTF-8");
    }
    return 0;
}
