/* token.c (pure part): classifying the token endpoint's replies; the form body. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

#define TOKEN "eyJhbGciOiJIUzUxMiJ9.eyJ2ZXIiOjl9.SECRETSIGNATURE"

static void reply(long status, const char *body, token_reply *out)
{
    memset(out, 0x5a, sizeof *out); /* garbage in: the parser must reset everything */
    token__parse_reply(status, body, body ? strlen(body) : 0, out);
}

static void no_token_in_message(const token_reply *r)
{
    assert_null(strstr(r->message, TOKEN));
    assert_null(strstr(r->message, "SECRETSIGNATURE"));
    assert_true(strlen(r->message) < sizeof r->message);
}

static void test_success(void **state)
{
    (void)state;
    token_reply r;
    reply(200, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"bearer\",\"expires_in\":1799,"
               "\"scope\":\"user:read:admin\",\"api_url\":\"https://api.zoom.us\"}", &r);
    assert_int_equal(r.error, 0);
    assert_non_null(r.access_token);
    assert_string_equal(r.access_token, TOKEN);
    assert_int_equal(r.expires_in_s, 1799);
    no_token_in_message(&r);
    secret__free(r.access_token);
}

static void test_success_default_expiry(void **state)
{
    (void)state;
    token_reply r;
    reply(200, "{\"access_token\":\"" TOKEN "\",\"token_type\":\"bearer\"}", &r);
    assert_int_equal(r.error, 0);
    assert_string_equal(r.access_token, TOKEN);
    assert_int_equal(r.expires_in_s, 3600);
    secret__free(r.access_token);

    /* unusable expires_in values fall back to the default too */
    static const char *const bad_exp[] = {"0", "-5", "\"3600\"", "null", "1.5e3", "true"};
    for (size_t i = 0; i < sizeof bad_exp / sizeof bad_exp[0]; i++) {
        char body[256];
        snprintf(body, sizeof body, "{\"access_token\":\"abc\",\"expires_in\":%s}", bad_exp[i]);
        reply(200, body, &r);
        assert_int_equal(r.error, 0);
        assert_string_equal(r.access_token, "abc");
        assert_int_equal(r.expires_in_s, 3600);
        secret__free(r.access_token);
    }
    /* a large, valid expires_in is kept */
    reply(200, "{\"access_token\":\"abc\",\"expires_in\":86400}", &r);
    assert_int_equal(r.expires_in_s, 86400);
    secret__free(r.access_token);
}

static void test_success_status_bad_body(void **state)
{
    (void)state;
    token_reply r;
    static const char *const bodies[] = {
        "not json",
        "",
        "[]",
        "{\"access_token\":\"" TOKEN "\"", /* truncated */
        "{\"token_type\":\"bearer\",\"expires_in\":3600}",
        "{\"access_token\":\"\",\"expires_in\":3600}",
        "{\"access_token\":null}",
        "{\"access_token\":12345}",
        "<html>Service Unavailable</html>",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        reply(200, bodies[i], &r);
        if (r.error != ZWS_E_TOKEN)
            print_error("body %zu: error %d\n", i, r.error);
        assert_int_equal(r.error, ZWS_E_TOKEN); /* transient: try again */
        assert_null(r.access_token);
        assert_true(r.message[0] != '\0');
        no_token_in_message(&r);
    }
    /* a NULL body */
    memset(&r, 0x5a, sizeof r);
    token__parse_reply(200, NULL, 0, &r);
    assert_int_equal(r.error, ZWS_E_TOKEN);
    assert_null(r.access_token);
}

static void test_invalid_client(void **state)
{
    (void)state;
    token_reply r;
    reply(400, "{\"reason\":\"Invalid client_id or client_secret\",\"error\":\"invalid_client\"}", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_null(r.access_token);
    assert_non_null(strstr(r.message, "invalid_client"));
    assert_non_null(strstr(r.message, "Invalid client_id or client_secret"));
    assert_non_null(strstr(r.message, "400"));

    reply(400, "{\"reason\":\"Account does not exist\",\"error\":\"invalid_request\"}", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_non_null(strstr(r.message, "invalid_request"));
    assert_non_null(strstr(r.message, "Account does not exist"));

    /* RFC 6749 error_description instead of Zoom's reason */
    reply(401, "{\"error\":\"invalid_client\",\"error_description\":\"bad secret\"}", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_non_null(strstr(r.message, "invalid_client"));
    assert_non_null(strstr(r.message, "bad secret"));

    /* an error without a reason */
    reply(400, "{\"error\":\"unsupported_grant_type\"}", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_non_null(strstr(r.message, "unsupported_grant_type"));
}

static void test_unauthorized_without_json(void **state)
{
    (void)state;
    token_reply r;
    reply(401, "Unauthorized", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_null(r.access_token);
    assert_non_null(strstr(r.message, "401"));
    reply(401, "", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    reply(403, "<html>Forbidden</html>", &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
}

static void test_other_4xx_permanent_http(void **state)
{
    (void)state;
    token_reply r;
    reply(404, "<html>Not Found</html>", &r);
    assert_int_equal(r.error, ZWS_E_HTTP);
    assert_null(r.access_token);
    assert_non_null(strstr(r.message, "404"));
    reply(405, "", &r);
    assert_int_equal(r.error, ZWS_E_HTTP);
    reply(302, "", &r);
    assert_int_equal(r.error, ZWS_E_HTTP);
}

static void test_transient(void **state)
{
    (void)state;
    token_reply r;
    static const long statuses[] = {429, 500, 502, 503, 504, 408};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        reply(statuses[i], "<html>try later</html>", &r);
        assert_int_equal(r.error, ZWS_E_TOKEN);
        assert_null(r.access_token);
        char code[8];
        snprintf(code, sizeof code, "%ld", statuses[i]);
        assert_non_null(strstr(r.message, code));
    }
    reply(429, "{\"error\":\"too_many_requests\",\"reason\":\"Too many requests\"}", &r);
    assert_int_equal(r.error, ZWS_E_TOKEN);
    assert_non_null(strstr(r.message, "Too many requests"));
    reply(503, "{\"error\":\"invalid_client\"}", &r); /* 5xx stays transient */
    assert_int_equal(r.error, ZWS_E_TOKEN);
    /* no HTTP status at all (transfer failed) */
    reply(0, "", &r);
    assert_int_equal(r.error, ZWS_E_TOKEN);
}

static void test_message_never_holds_token(void **state)
{
    (void)state;
    token_reply r;
    /* replies that carry a token alongside an error status */
    static const long statuses[] = {200, 400, 401, 404, 429, 500};
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        reply(statuses[i], "{\"access_token\":\"" TOKEN "\",\"error\":\"x\",\"reason\":\"y\"}", &r);
        no_token_in_message(&r);
        if (statuses[i] == 200) {
            assert_int_equal(r.error, 0);
            secret__free(r.access_token);
        } else {
            assert_null(r.access_token);
            assert_true(r.error < 0);
        }
    }
    /* a very long reason is truncated, never overflows */
    char body[2048];
    char reason[1500];
    memset(reason, 'r', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    snprintf(body, sizeof body, "{\"error\":\"invalid_client\",\"reason\":\"%s\"}", reason);
    reply(400, body, &r);
    assert_int_equal(r.error, ZWS_E_AUTH);
    assert_int_equal(strlen(r.message), sizeof r.message - 1);
}

static void test_form(void **state)
{
    (void)state;
    zbuf b = {0};
    assert_int_equal(token__form(&b, "AbC-12_x.~"), 0);
    assert_string_equal(b.data, "grant_type=account_credentials&account_id=AbC-12_x.~");
    assert_int_equal(b.len, strlen(b.data));
    /* reserved characters are encoded, and the buffer is replaced, not appended */
    assert_int_equal(token__form(&b, "a b&c=d+e/f"), 0);
    assert_string_equal(b.data, "grant_type=account_credentials&account_id=a%20b%26c%3Dd%2Be%2Ff");
    assert_int_equal(token__form(&b, NULL), 0);
    assert_string_equal(b.data, "grant_type=client_credentials");
    assert_int_equal(b.len, strlen("grant_type=client_credentials"));
    assert_int_equal(token__form(&b, ""), 0);
    assert_string_equal(b.data, "grant_type=client_credentials");
    zbuf__free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success),
        cmocka_unit_test(test_success_default_expiry),
        cmocka_unit_test(test_success_status_bad_body),
        cmocka_unit_test(test_invalid_client),
        cmocka_unit_test(test_unauthorized_without_json),
        cmocka_unit_test(test_other_4xx_permanent_http),
        cmocka_unit_test(test_transient),
        cmocka_unit_test(test_message_never_holds_token),
        cmocka_unit_test(test_form),
    };
    return cmocka_run_group_tests_name("token_reply", tests, NULL, NULL);
}
