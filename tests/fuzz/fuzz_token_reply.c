/* token__parse_reply: the first two bytes choose the HTTP status (0..599),
 * the rest is the body of the token endpoint's reply. */
#include "fuzz_common.h"

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long status = (long)(((unsigned)data[0] << 8 | data[1]) % 600);
    char *body = fuzz_exact_copy(data + 2, size - 2);
    token_reply r;
    memset(&r, 0x5a, sizeof r); /* garbage in: the parser must reset everything */
    token__parse_reply(status, body, size - 2, &r);
    FUZZ_CHECK(memchr(r.message, '\0', sizeof r.message), "message not NUL-terminated");
    FUZZ_CHECK(r.error == 0 || r.error == ZWS_E_TOKEN || r.error == ZWS_E_AUTH ||
                   r.error == ZWS_E_HTTP || r.error == ZWS_E_NOMEM,
               "error %d", r.error);
    if (r.error == 0) {
        FUZZ_CHECK(status == 200, "success with HTTP %ld", status);
        FUZZ_CHECK(r.access_token && *r.access_token, "success without a token");
        FUZZ_CHECK(r.expires_in_s > 0, "expires_in_s %lld", (long long)r.expires_in_s);
        FUZZ_CHECK(!strstr(r.message, r.access_token), "the token is in the message");
    } else {
        FUZZ_CHECK(r.access_token == NULL, "a token with error %d", r.error);
        FUZZ_CHECK(r.message[0] || r.error == ZWS_E_NOMEM, "error %d without a message", r.error);
        if (status == 200 || status == 408 || status == 429 || status >= 500 || status < 100)
            FUZZ_CHECK(r.error == ZWS_E_TOKEN, "transient status %ld gave %d", status, r.error);
        else
            FUZZ_CHECK(r.error == ZWS_E_AUTH || r.error == ZWS_E_HTTP, "status %ld gave %d", status,
                       r.error);
    }
    secret__free(r.access_token);
    free(body);
    return 0;
}
