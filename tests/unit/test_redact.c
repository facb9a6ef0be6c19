/* log.c redact__line: secrets and access tokens never reach a log line. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static void redact(char *line, size_t cap, const char *s1, const char *s2)
{
    const char *secrets[] = {s1, s2};
    redact__line(line, cap, secrets, 2);
}

static void check(const char *in, const char *s1, const char *s2, const char *want)
{
    char line[512];
    snprintf(line, sizeof line, "%s", in);
    redact(line, sizeof line, s1, s2);
    if (strcmp(line, want))
        print_error("redact(\"%s\") = \"%s\", want \"%s\"\n", in, line, want);
    assert_string_equal(line, want);
}

static void test_access_token_param(void **state)
{
    (void)state;
    check("access_token=abc&x", NULL, NULL, "access_token=***&x");
    check("GET /ws?subscriptionId=s&access_token=eyJhbGciOi.x.y HTTP/1.1", NULL, NULL,
          "GET /ws?subscriptionId=s&access_token=*** HTTP/1.1");
    check("access_token=abcdefgh", NULL, NULL, "access_token=***");
    check("url \"wss://h/ws?access_token=zzzzz\" failed", NULL, NULL,
          "url \"wss://h/ws?access_token=***\" failed");
    check("a access_token=x1 b access_token=y2222&c access_token=z3333333\n", NULL, NULL,
          "a access_token=*** b access_token=***&c access_token=***\n");
    check("access_token=a'b", NULL, NULL, "access_token=***'b");
    check("access_token=a\tb", NULL, NULL, "access_token=***\tb");
    /* short values are masked too (the line grows when there is room) */
    check("access_token=a", NULL, NULL, "access_token=***");
    check("access_token=ab&", NULL, NULL, "access_token=***&");
    /* empty values and already-masked values stay */
    check("access_token=&x", NULL, NULL, "access_token=&x");
    check("access_token=***&x", NULL, NULL, "access_token=***&x");
    check("access_token=", NULL, NULL, "access_token=");
    /* no parameter: untouched */
    check("nothing to see", NULL, NULL, "nothing to see");
    check("access_token:abc", NULL, NULL, "access_token:abc");
    check("", NULL, NULL, "");
}

static void test_secrets_anywhere(void **state)
{
    (void)state;
    const char *sec = "s3cr3tValue", *tok = "eyJ0eXAi.payload.sig";
    check("client secret s3cr3tValue leaked", sec, tok, "client secret *** leaked");
    check("s3cr3tValue", sec, tok, "***");
    check("xs3cr3tValuex", sec, tok, "x***x");
    check("s3cr3tValues3cr3tValue and s3cr3tValue", sec, tok, "****** and ***");
    check("Authorization: Bearer eyJ0eXAi.payload.sig", sec, tok, "Authorization: Bearer ***");
    check("{\"access_token\":\"eyJ0eXAi.payload.sig\",\"expires_in\":3600}", sec, tok,
          "{\"access_token\":\"***\",\"expires_in\":3600}");
    check("https://zoom.us/x?client_secret=s3cr3tValue&y=1", sec, tok,
          "https://zoom.us/x?client_secret=***&y=1");
    check("wss://ws.zoom.us/ws?subscriptionId=a&access_token=eyJ0eXAi.payload.sig", sec, tok,
          "wss://ws.zoom.us/ws?subscriptionId=a&access_token=***");
    /* both secrets in one line */
    check("eyJ0eXAi.payload.sig/s3cr3tValue", sec, tok, "***/***");
    /* a partial secret is not a secret */
    check("s3cr3tValu", sec, tok, "s3cr3tValu");
    /* case matters */
    check("S3CR3TVALUE", sec, tok, "S3CR3TVALUE");
}

static void test_short_secrets_ignored(void **state)
{
    (void)state;
    check("abc is in the text: abc", "abc", "", "abc is in the text: abc");
    check("a", "a", "ab", "a");
    check("abcd is four", "abcd", NULL, "*** is four");
    /* NULL and empty entries are skipped */
    char line[64] = "hello world";
    redact__line(line, sizeof line, NULL, 0);
    assert_string_equal(line, "hello world");
}

static void test_capacity_full_buffer(void **state)
{
    (void)state;
    /* the buffer is completely full (strlen == cap - 1) and guarded by canaries */
    struct { char line[24]; char canary[16]; } b;
    memset(b.canary, 'C', sizeof b.canary);
    const char *in = "xx access_token=ab&yyyy"; /* 23 chars */
    assert_int_equal(strlen(in), sizeof b.line - 1);
    memcpy(b.line, in, sizeof b.line);
    redact__line(b.line, sizeof b.line, NULL, 0);
    for (size_t i = 0; i < sizeof b.canary; i++)
        assert_int_equal(b.canary[i], 'C');
    assert_true(strlen(b.line) < sizeof b.line);
    assert_null(strstr(b.line, "=ab"));
    assert_non_null(strstr(b.line, "access_token=**"));

    /* one-character value at the very end of a full buffer */
    struct { char line[16]; char canary[16]; } c;
    memset(c.canary, 'C', sizeof c.canary);
    memcpy(c.line, "access_token=Z", 15); /* 14 chars + NUL, cap 16: no room for 2 more */
    redact__line(c.line, 15, NULL, 0);
    for (size_t i = 0; i < sizeof c.canary; i++)
        assert_int_equal(c.canary[i], 'C');
    assert_true(strlen(c.line) <= 14);
    assert_null(strchr(c.line, 'Z'));

    /* many short values in a full buffer */
    struct { char line[64]; char canary[16]; } d;
    memset(d.canary, 'C', sizeof d.canary);
    const char *many = "access_token=a&access_token=b&access_token=c&access_token=d&zz";
    size_t n = strlen(many);
    assert_true(n < sizeof d.line);
    memcpy(d.line, many, n + 1);
    redact__line(d.line, n + 1, NULL, 0);
    for (size_t i = 0; i < sizeof d.canary; i++)
        assert_int_equal(d.canary[i], 'C');
    assert_true(strlen(d.line) <= n);
    assert_null(strstr(d.line, "=a"));
    assert_null(strstr(d.line, "=b"));
    assert_null(strstr(d.line, "=c"));
    assert_null(strstr(d.line, "=d"));
}

static void test_capacity_secret_shrinks(void **state)
{
    (void)state;
    /* a full buffer with secrets: masking always shrinks, never overflows */
    struct { char line[40]; char canary[16]; } b;
    memset(b.canary, 'C', sizeof b.canary);
    const char *in = "k=SECRETSECRET;t=TOKENTOKEN;end.....";
    size_t n = strlen(in);
    memcpy(b.line, in, n + 1);
    redact(b.line, n + 1, "SECRETSECRET", "TOKENTOKEN");
    for (size_t i = 0; i < sizeof b.canary; i++)
        assert_int_equal(b.canary[i], 'C');
    assert_string_equal(b.line, "k=***;t=***;end.....");
}

static uint64_t rng = 0x243F6A8885A308D3ULL;
static uint32_t rnd32(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void test_random_positions(void **state)
{
    (void)state;
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                " =&?/:.\"'-_";
    for (int r = 0; r < 20000; r++) {
        char secret[40], token[60];
        size_t sl = 4 + rnd32() % 30, tl = 4 + rnd32() % 50;
        for (size_t i = 0; i < sl; i++)
            secret[i] = alpha[rnd32() % 62];
        secret[sl] = '\0';
        for (size_t i = 0; i < tl; i++)
            token[i] = alpha[rnd32() % 62];
        token[tl] = '\0';

        size_t cap = 16 + rnd32() % 240;
        char buf[512];
        size_t len = 0;
        while (len + 1 < cap) {
            unsigned what = rnd32() % 6;
            const char *piece = what == 0 ? secret : what == 1 ? token
                                : what == 2 ? "access_token=" : NULL;
            if (piece) {
                size_t pl = strlen(piece);
                if (len + pl + 1 > cap)
                    pl = cap - 1 - len; /* truncated, as vsnprintf would */
                memcpy(buf + len, piece, pl);
                len += pl;
            } else {
                buf[len++] = alpha[rnd32() % (sizeof alpha - 1)];
            }
        }
        buf[len] = '\0';
        memset(buf + cap, 'C', 32);
        char before[512];
        memcpy(before, buf, len + 1);

        redact(buf, cap, secret, token);

        for (int i = 0; i < 32; i++)
            if (buf[cap + i] != 'C')
                fail_msg("wrote past cap %zu on \"%s\"", cap, before);
        size_t out = strlen(buf);
        assert_true(out < cap);
        if (strstr(buf, secret) || strstr(buf, token))
            fail_msg("secret left in \"%s\" (from \"%s\", secret \"%s\", token \"%s\")", buf,
                     before, secret, token);
        /* every access_token= value is entirely masked */
        for (const char *p = strstr(buf, "access_token="); p; p = strstr(p + 1, "access_token=")) {
            const char *v = p + 13;
            size_t vl = strcspn(v, "& \t\r\n\"'");
            if (strspn(v, "*") < vl)
                fail_msg("access_token value not masked in \"%s\" (from \"%s\")", buf, before);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_access_token_param),
        cmocka_unit_test(test_secrets_anywhere),
        cmocka_unit_test(test_short_secrets_ignored),
        cmocka_unit_test(test_capacity_full_buffer),
        cmocka_unit_test(test_capacity_secret_shrinks),
        cmocka_unit_test(test_random_positions),
    };
    return cmocka_run_group_tests_name("redact", tests, NULL, NULL);
}
