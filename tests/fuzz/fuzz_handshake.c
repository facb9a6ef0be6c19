/* handshake__parse on arbitrary server bytes: the whole buffer, then every
 * prefix (as the bytes would accumulate in hs_in), checking the contract
 * "1 = need more bytes": an answer other than 1 is final, so once a prefix
 * gets one, every longer buffer must get the same one. */
#include "fuzz_common.h"

#include "internal.h"

/* RFC 6455's example: key "dGhlIHNhbXBsZSBub25jZQ==" */
static const char ACCEPT[] = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
#define MAX_RESPONSE_HEAD 16384 /* lib/handshake.c */

typedef struct {
    int rc, status;
    size_t consumed;
    char err[160];
} answer;

static void parse(const char *buf, size_t len, answer *a)
{
    memset(a->err, 'x', sizeof a->err); /* must be rewritten on errors */
    a->status = -7;
    a->consumed = (size_t)-7;
    a->rc = handshake__parse(buf, len, ACCEPT, &a->status, &a->consumed, a->err, sizeof a->err);
    FUZZ_CHECK(a->rc == 1 || a->rc == 0 || a->rc == ZWS_E_HANDSHAKE || a->rc == ZWS_E_HTTP,
               "unexpected rc %d", a->rc);
    if (a->rc == 1) {
        FUZZ_CHECK(a->consumed == 0 && a->status == 0, "need-more with output set");
        return;
    }
    if (a->rc == 0) {
        FUZZ_CHECK(a->status == 101, "success with status %d", a->status);
        FUZZ_CHECK(a->consumed >= 4 && a->consumed <= len, "consumed %zu of %zu", a->consumed,
                   len);
        FUZZ_CHECK(!memcmp(buf + a->consumed - 4, "\r\n\r\n", 4), "head does not end in CRLFCRLF");
        FUZZ_CHECK(!memmem(buf, a->consumed - 2, "\r\n\r\n", 4), "consumed past the first CRLFCRLF");
        return;
    }
    FUZZ_CHECK(memchr(a->err, '\0', sizeof a->err) && a->err[0], "error without a reason");
    if (a->rc == ZWS_E_HTTP)
        FUZZ_CHECK(a->status >= 100 && a->status <= 999 && a->status != 101, "HTTP error status %d",
                   a->status);
    else
        FUZZ_CHECK(a->status == 0 || a->status == 101, "handshake error with status %d", a->status);
}

static bool same(const answer *a, const answer *b)
{
    return a->rc == b->rc && a->status == b->status &&
           (a->rc != 0 || a->consumed == b->consumed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_exact_copy(data, size);
    answer full;
    parse(buf, size, &full);

    /* Every prefix for short inputs; for long ones a stride plus the lengths
     * where the answer can change: around the first CRLFCRLF and the limit. */
    size_t stride = size <= 2048 ? 1 : size / 256;
    const char *term = memmem(buf, size, "\r\n\r\n", 4);
    size_t he = term ? (size_t)(term - buf) + 4 : (size_t)-1;
    for (size_t k = 0; k < size; k++) {
        bool near = (he != (size_t)-1 && k + 6 >= he && k <= he + 2) ||
                    (k + 2 >= MAX_RESPONSE_HEAD && k <= MAX_RESPONSE_HEAD + 2);
        if (k % stride && !near)
            continue;
        char *prefix = fuzz_exact_copy(data, k);
        answer part;
        parse(prefix, k, &part);
        free(prefix);
        if (part.rc == 1)
            continue;
        if (!same(&part, &full) && !(fuzz_masked("handshake-limit") && part.rc < 0 &&
                                     k > MAX_RESPONSE_HEAD)) {
            fuzz_show("response", buf, size);
            FUZZ_CHECK(same(&part, &full),
                       "the first %zu bytes gave rc %d status %d (%s), all %zu bytes give rc %d "
                       "status %d (%s): a final answer changed with more bytes",
                       k, part.rc, part.status, part.rc < 0 ? part.err : "ok", size, full.rc,
                       full.status, full.rc < 0 ? full.err : "ok");
        }
    }

    /* The response head must stay bounded whatever the chunking (the bound
     * MAX_RESPONSE_HEAD exists so a hostile server cannot make us buffer more). */
    if (full.rc == 0 && !fuzz_masked("handshake-limit")) {
        if (full.consumed > MAX_RESPONSE_HEAD + 4)
            fuzz_show("response", buf, size > 200 ? 200 : size);
        FUZZ_CHECK(full.consumed <= MAX_RESPONSE_HEAD + 4,
                   "accepted a %zu-byte response head (limit %d)", full.consumed,
                   MAX_RESPONSE_HEAD);
    }
    free(buf);
    return 0;
}
