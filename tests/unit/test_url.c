/* url.c: parsing ws/wss/http/https URLs, percent-encoding, query parameters. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static zws_url parse_ok(const char *text)
{
    zws_url u;
    int rc = url__parse(text, &u);
    if (rc != 0)
        print_error("url__parse(\"%s\") = %d, expected 0\n", text, rc);
    assert_int_equal(rc, 0);
    return u;
}

static void test_schemes_and_default_ports(void **state)
{
    (void)state;
    zws_url u = parse_ok("wss://ws.zoom.us/ws");
    assert_true(u.tls);
    assert_string_equal(u.host, "ws.zoom.us");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/ws");

    u = parse_ok("https://zoom.us/oauth/token");
    assert_true(u.tls);
    assert_string_equal(u.host, "zoom.us");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/oauth/token");

    u = parse_ok("ws://localhost/x");
    assert_false(u.tls);
    assert_string_equal(u.host, "localhost");
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/x");

    u = parse_ok("http://example.com");
    assert_false(u.tls);
    assert_string_equal(u.host, "example.com");
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/");

    /* schemes are case-insensitive */
    u = parse_ok("WSS://Host.Example/");
    assert_true(u.tls);
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/");
}

static void test_explicit_port(void **state)
{
    (void)state;
    zws_url u = parse_ok("wss://127.0.0.1:8443/ws");
    assert_true(u.tls);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.path, "/ws");

    u = parse_ok("http://h:1");
    assert_int_equal(u.port, 1);
    assert_string_equal(u.path, "/");

    u = parse_ok("ws://h:65535/");
    assert_int_equal(u.port, 65535);

    u = parse_ok("https://h:443?a=b");
    assert_int_equal(u.port, 443);
    assert_string_equal(u.path, "/?a=b");
}

static void test_ipv6(void **state)
{
    (void)state;
    zws_url u = parse_ok("wss://[::1]:8443/ws?subscriptionId=abc");
    assert_true(u.tls);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 8443);
    assert_string_equal(u.path, "/ws?subscriptionId=abc");

    u = parse_ok("ws://[2001:db8::7]/");
    assert_string_equal(u.host, "2001:db8::7");
    assert_int_equal(u.port, 80);
    assert_string_equal(u.path, "/");

    zws_url bad;
    assert_int_equal(url__parse("wss://[::1/ws", &bad), ZWS_E_INVALID);     /* no ']' */
    assert_int_equal(url__parse("wss://[::1]x/ws", &bad), ZWS_E_INVALID);   /* junk after ']' */
    assert_int_equal(url__parse("wss://[]:443/", &bad), ZWS_E_INVALID);     /* empty host */
    assert_int_equal(url__parse("wss://[::1]:/", &bad), ZWS_E_INVALID);     /* empty port */
}

static void test_path_and_query_kept(void **state)
{
    (void)state;
    zws_url u = parse_ok("wss://ws.zoom.us/ws?subscriptionId=AbC-123_x&foo=bar%20baz");
    assert_string_equal(u.path, "/ws?subscriptionId=AbC-123_x&foo=bar%20baz");

    u = parse_ok("wss://host?x");
    assert_string_equal(u.host, "host");
    assert_string_equal(u.path, "/?x");

    u = parse_ok("wss://host:9000?x=1&y=2");
    assert_int_equal(u.port, 9000);
    assert_string_equal(u.path, "/?x=1&y=2");

    /* the fragment is not sent */
    u = parse_ok("wss://host/a/b?c=d#frag");
    assert_string_equal(u.path, "/a/b?c=d");
    u = parse_ok("wss://host#frag");
    assert_string_equal(u.host, "host");
    assert_string_equal(u.path, "/");
}

static void test_invalid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "ws.zoom.us/ws",            /* no scheme */
        "ftp://host/",              /* unknown scheme */
        "wss:/host/",
        "wss//host/",
        "wss://",                   /* empty host */
        "wss:///ws",
        "wss://:443/ws",
        "wss://host:0/",            /* port 0 */
        "wss://host:70000/",        /* port out of range */
        "wss://host:65536/",
        "wss://host:abc/",          /* not a number */
        "wss://host:12a/",
        "wss://host:-1/",
        "wss://host:/",             /* empty port */
        "wss://host:99999999999999999999/", /* would overflow a long */
        "wss://user@host/",         /* credentials */
        "wss://user:pass@host/",
        "wss://ho st/",             /* spaces */
        "wss://host/a b",
        "wss://host/?q=a b",
        " wss://host/",
        "wss://host/\t",
        "wss://host/\x7f",
        "wss://ho\"st/",
        "wss://ho%41st/",
        "wss://h\xc3\xa9/",         /* non-ASCII host */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zws_url u;
        int rc = url__parse(bad[i], &u);
        if (rc != ZWS_E_INVALID)
            print_error("url__parse(\"%s\") = %d, expected ZWS_E_INVALID\n", bad[i], rc);
        assert_int_equal(rc, ZWS_E_INVALID);
    }
    zws_url u;
    assert_int_equal(url__parse(NULL, &u), ZWS_E_INVALID);
    assert_int_equal(url__parse("wss://host/", NULL), ZWS_E_INVALID);
}

static void test_too_long(void **state)
{
    (void)state;
    char text[2048];
    /* host of 255 chars fits, 256 does not */
    strcpy(text, "wss://");
    memset(text + 6, 'a', 255);
    strcpy(text + 6 + 255, "/x");
    zws_url u = parse_ok(text);
    assert_int_equal(strlen(u.host), 255);
    memset(text + 6, 'a', 256);
    strcpy(text + 6 + 256, "/x");
    assert_int_equal(url__parse(text, &u), ZWS_E_INVALID);

    /* a path that does not fit the 1024-byte buffer is refused, never truncated */
    strcpy(text, "wss://h/");
    memset(text + 8, 'p', 1500);
    text[8 + 1500] = '\0';
    assert_int_equal(url__parse(text, &u), ZWS_E_INVALID);
    /* the largest path that fits */
    strcpy(text, "wss://h/");
    memset(text + 8, 'p', 1021);
    text[8 + 1021] = '\0';
    u = parse_ok(text);
    assert_int_equal(strlen(u.path), 1022);
}

static void test_encode(void **state)
{
    (void)state;
    zbuf b = {0};
    assert_int_equal(url__encode(&b, "AZaz09-._~"), 0);
    assert_string_equal(b.data, "AZaz09-._~");
    b.len = 0;
    assert_int_equal(url__encode(&b, " !\"#$%&'()*+,/:;=?@[]"), 0);
    assert_string_equal(b.data, "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
    b.len = 0;
    assert_int_equal(url__encode(&b, "a.b+c/d=="), 0);
    assert_string_equal(b.data, "a.b%2Bc%2Fd%3D%3D");
    b.len = 0;
    assert_int_equal(url__encode(&b, "\xc3\xa9\x01\x7f\xff"), 0);
    assert_string_equal(b.data, "%C3%A9%01%7F%FF");
    b.len = 0;
    assert_int_equal(url__encode(&b, ""), 0);
    assert_int_equal(b.len, 0);
    /* appends */
    assert_int_equal(url__encode(&b, "x y"), 0);
    assert_int_equal(url__encode(&b, "&"), 0);
    assert_string_equal(b.data, "x%20y%26");
    zbuf__free(&b);
}

static void test_encode_roundtrip(void **state)
{
    (void)state;
    /* every byte 1..255, encoded then decoded by url__query_param */
    char raw[256];
    for (int i = 1; i < 256; i++)
        raw[i - 1] = (char)i;
    raw[255] = '\0';
    zbuf b = {0};
    assert_int_equal(zbuf__append(&b, "wss://h/ws?x=1&v=", 17), 0);
    assert_int_equal(url__encode(&b, raw), 0);
    assert_int_equal(zbuf__append(&b, "&y=2", 4), 0);
    char out[300];
    assert_int_equal(url__query_param(b.data, "v", out, sizeof out), 1);
    assert_int_equal(strlen(out), 255);
    assert_memory_equal(out, raw, 255);
    zbuf__free(&b);
}

static void test_query_param(void **state)
{
    (void)state;
    char out[64];
    const char *url = "wss://ws.zoom.us/ws?subscriptionId=abc%2Fdef&access_token=t+k%3d&x=";
    assert_int_equal(url__query_param(url, "subscriptionId", out, sizeof out), 1);
    assert_string_equal(out, "abc/def");
    assert_int_equal(url__query_param(url, "access_token", out, sizeof out), 1);
    assert_string_equal(out, "t k=");
    /* an empty value is found (empty string) */
    assert_int_equal(url__query_param(url, "x", out, sizeof out), 1);
    assert_string_equal(out, "");
    /* absent, prefix of a name, suffix of a name */
    assert_int_equal(url__query_param(url, "missing", out, sizeof out), 0);
    assert_int_equal(url__query_param(url, "subscription", out, sizeof out), 0);
    assert_int_equal(url__query_param(url, "Id", out, sizeof out), 0);
    assert_int_equal(url__query_param(url, "token", out, sizeof out), 0);
    /* a bare query string works too */
    assert_int_equal(url__query_param("a=1&b=%41%42", "b", out, sizeof out), 1);
    assert_string_equal(out, "AB");
    assert_int_equal(url__query_param("a=1&b=2", "a", out, sizeof out), 1);
    assert_string_equal(out, "1");
    /* the fragment is not part of the query */
    assert_int_equal(url__query_param("wss://h/?a=1#b=2", "b", out, sizeof out), 0);
    assert_int_equal(url__query_param("wss://h/?a=1#frag", "a", out, sizeof out), 1);
    assert_string_equal(out, "1");
    /* the first occurrence wins */
    assert_int_equal(url__query_param("wss://h/?a=1&a=2", "a", out, sizeof out), 1);
    assert_string_equal(out, "1");
    /* invalid %-escapes are kept literally */
    assert_int_equal(url__query_param("wss://h/?a=%zz%4", "a", out, sizeof out), 1);
    assert_string_equal(out, "%zz%4");
    /* lowercase hex */
    assert_int_equal(url__query_param("wss://h/?a=%c3%a9", "a", out, sizeof out), 1);
    assert_string_equal(out, "\xc3\xa9");
    /* no query at all */
    assert_int_equal(url__query_param("wss://h/ws", "a", out, sizeof out), 0);
    /* a name without '=' does not match */
    assert_int_equal(url__query_param("wss://h/?a&b=1", "a", out, sizeof out), 0);
}

static void test_query_param_buffer(void **state)
{
    (void)state;
    char out[8];
    /* 7 chars + NUL fits exactly */
    assert_int_equal(url__query_param("?v=1234567", "v", out, sizeof out), 1);
    assert_string_equal(out, "1234567");
    /* 8 chars do not */
    memset(out, 'Z', sizeof out);
    assert_true(url__query_param("?v=12345678", "v", out, sizeof out) < 0);
    /* decoded length counts, not encoded length: 8 encoded chars → "AB" */
    assert_int_equal(url__query_param("?v=%41%42", "v", out, 3), 1);
    assert_string_equal(out, "AB");
    assert_true(url__query_param("?v=%41%42", "v", out, 2) < 0);
    /* a canary after a small window is never written */
    char big[16];
    memset(big, 'Z', sizeof big);
    assert_true(url__query_param("?v=abcdefghijkl", "v", big, 4) < 0);
    for (size_t i = 4; i < sizeof big; i++)
        assert_int_equal(big[i], 'Z');
    /* bad arguments */
    assert_true(url__query_param("?v=1", "v", out, 0) < 0);
    assert_true(url__query_param(NULL, "v", out, sizeof out) < 0);
    assert_true(url__query_param("?v=1", NULL, out, sizeof out) < 0);
    assert_true(url__query_param("?v=1", "v", NULL, sizeof out) < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemes_and_default_ports),
        cmocka_unit_test(test_explicit_port),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_path_and_query_kept),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_encode),
        cmocka_unit_test(test_encode_roundtrip),
        cmocka_unit_test(test_query_param),
        cmocka_unit_test(test_query_param_buffer),
    };
    return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
