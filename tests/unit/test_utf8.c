/* utf8.c: RFC 3629 validation for text frames (RFC 6455 §8.1). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

/* Checks a copy of exactly len bytes on the heap, so valgrind sees over-reads. */
static bool valid_exact(const char *s, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, s, len);
    bool ok = utf8__valid(copy, len);
    free(copy);
    return ok;
}
#define VALID(lit) assert_true(valid_exact((lit), sizeof(lit) - 1))
#define INVALID(lit) assert_false(valid_exact((lit), sizeof(lit) - 1))

static void test_valid(void **state)
{
    (void)state;
    assert_true(utf8__valid((const unsigned char *)"", 0));
    assert_true(utf8__valid(NULL, 0));
    VALID("hello, world");
    VALID("\x00");                 /* NUL is valid UTF-8 */
    VALID("caf\xc3\xa9");          /* 2 bytes */
    VALID("\xe2\x82\xac");         /* 3 bytes: € */
    VALID("\xf0\x9f\x98\x80");     /* 4 bytes: 😀 */
    VALID("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80z");
    /* boundaries */
    VALID("\x7f");                 /* U+007F */
    VALID("\xc2\x80");             /* U+0080 */
    VALID("\xdf\xbf");             /* U+07FF */
    VALID("\xe0\xa0\x80");         /* U+0800 */
    VALID("\xed\x9f\xbf");         /* U+D7FF */
    VALID("\xee\x80\x80");         /* U+E000 */
    VALID("\xef\xbf\xbf");         /* U+FFFF */
    VALID("\xf0\x90\x80\x80");     /* U+10000 */
    VALID("\xf4\x8f\xbf\xbf");     /* U+10FFFF */
    VALID("\xef\xbb\xbf");         /* BOM */
}

static void test_invalid(void **state)
{
    (void)state;
    /* overlongs */
    INVALID("\xc0\xaf");
    INVALID("\xc0\x80");
    INVALID("\xc1\xbf");
    INVALID("\xe0\x80\xaf");
    INVALID("\xe0\x9f\xbf");
    INVALID("\xf0\x80\x80\xaf");
    INVALID("\xf0\x8f\xbf\xbf");
    /* surrogates */
    INVALID("\xed\xa0\x80");
    INVALID("\xed\xaf\xbf");
    INVALID("\xed\xb0\x80");
    INVALID("\xed\xbf\xbf");
    INVALID("\xed\xa0\xbd\xed\xb8\x80"); /* CESU-8 pair */
    /* above U+10FFFF */
    INVALID("\xf4\x90\x80\x80");
    INVALID("\xf7\xbf\xbf\xbf");
    /* lone continuation bytes */
    INVALID("\x80");
    INVALID("\xbf");
    INVALID("a\x80z");
    INVALID("\xc3\xa9\xa9");
    /* truncated at the end */
    INVALID("\xc3");
    INVALID("\xe2\x82");
    INVALID("\xe2");
    INVALID("\xf0\x9f\x98");
    INVALID("\xf0\x9f");
    INVALID("\xf0");
    INVALID("abc\xc3");
    /* truncated in the middle: a non-continuation where one is needed */
    INVALID("\xc3" "a");
    INVALID("\xe2\x82" "a");
    INVALID("\xf0\x9f\x98" "a");
    INVALID("\xe2\xc3\xa9");
    /* bytes that never appear */
    INVALID("\xf5\x80\x80\x80");
    INVALID("\xf8\x88\x80\x80\x80");
    INVALID("\xfc\x84\x80\x80\x80\x80");
    INVALID("\xfe");
    INVALID("\xff");
}

static void test_every_lead_byte(void **state)
{
    (void)state;
    /* each lead byte followed by the smallest valid continuations for it */
    for (int c = 0x80; c <= 0xff; c++) {
        unsigned char s[4] = {(unsigned char)c, 0, 0, 0};
        size_t n;
        bool want;
        if (c < 0xc2) {
            n = 2, want = false, s[1] = 0x80;
        } else if (c <= 0xdf) {
            n = 2, want = true, s[1] = 0x80;
        } else if (c <= 0xef) {
            n = 3, want = true, s[1] = c == 0xe0 ? 0xa0 : 0x80, s[2] = 0x80;
        } else if (c <= 0xf4) {
            n = 4, want = true, s[1] = c == 0xf0 ? 0x90 : 0x80, s[2] = 0x80, s[3] = 0x80;
        } else {
            n = 4, want = false, s[1] = s[2] = s[3] = 0x80;
        }
        if (utf8__valid(s, n) != want)
            fail_msg("lead byte 0x%02X: expected %s", c, want ? "valid" : "invalid");
        /* without its last byte, never valid */
        assert_false(utf8__valid(s, n - 1));
    }
}

/* Every 1..4 byte sequence, compared with a reference decoder. */
static bool reference_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i], cp, n;
        if (c < 0x80) { i++; continue; }
        if ((c & 0xe0) == 0xc0) n = 1, cp = c & 0x1f;
        else if ((c & 0xf0) == 0xe0) n = 2, cp = c & 0x0f;
        else if ((c & 0xf8) == 0xf0) n = 3, cp = c & 0x07;
        else return false;
        if (i + n >= len)
            return false;
        for (unsigned k = 1; k <= n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n + 1;
    }
    return true;
}

static void test_exhaustive_short(void **state)
{
    (void)state;
    /* all 2-byte strings, and 3-byte strings with interesting bytes */
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++) {
            unsigned char s[2] = {(unsigned char)a, (unsigned char)b};
            if (utf8__valid(s, 2) != reference_valid(s, 2))
                fail_msg("%02X %02X", a, b);
        }
    static const unsigned char picks[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                          0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee,
                                          0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    size_t np = sizeof picks;
    for (size_t a = 0; a < np; a++)
        for (size_t b = 0; b < np; b++)
            for (size_t c = 0; c < np; c++)
                for (size_t d = 0; d < np; d++) {
                    unsigned char s[4] = {picks[a], picks[b], picks[c], picks[d]};
                    for (size_t n = 3; n <= 4; n++)
                        if (utf8__valid(s, n) != reference_valid(s, n))
                            fail_msg("%02X %02X %02X %02X (len %zu)", s[0], s[1], s[2], s[3], n);
                }
}

static void test_fast_path_offsets(void **state)
{
    (void)state;
    /* long ASCII runs crossing the 32- and 8-byte fast paths, with a bad byte at each offset */
    unsigned char buf[96];
    static const unsigned char bad[][4] = {{0x80}, {0xff}, {0xc0, 0xaf}, {0xed, 0xa0, 0x80},
                                           {0xc3}, {0xe2, 0x82}};
    static const size_t badlen[] = {1, 1, 2, 3, 1, 2};
    for (size_t len = 18; len <= 72; len++) {
        memset(buf, 'a', sizeof buf);
        assert_true(utf8__valid(buf, len));
        for (size_t off = 0; off < len; off++) {
            for (size_t k = 0; k < sizeof badlen / sizeof badlen[0]; k++) {
                memset(buf, 'a', sizeof buf);
                memcpy(buf + off, bad[k], badlen[k]);
                if (utf8__valid(buf, len))
                    fail_msg("bad sequence %zu at offset %zu of %zu accepted", k, off, len);
            }
            /* and a valid multi-byte sequence at the same offset is fine */
            memset(buf, 'a', sizeof buf);
            memcpy(buf + off, "\xf0\x9f\x98\x80", 4);
            assert_true(utf8__valid(buf, len) == (off + 4 <= len));
            memset(buf, 'a', sizeof buf);
            memcpy(buf + off, "\xc3\xa9", 2);
            assert_true(utf8__valid(buf, len) == (off + 2 <= len));
        }
        /* a bad byte at the very last position, after a long ASCII run */
        memset(buf, 'a', sizeof buf);
        buf[len - 1] = 0x80;
        assert_false(utf8__valid(buf, len));
        buf[len - 1] = 0xc3;
        assert_false(utf8__valid(buf, len));
        /* a truncated sequence cut by len even though the next byte would complete it */
        memset(buf, 'a', sizeof buf);
        memcpy(buf + len - 1, "\xc3\xa9", 2);
        assert_false(utf8__valid(buf, len));
        assert_true(utf8__valid(buf, len + 1));
    }
}

static void test_fast_path_unaligned(void **state)
{
    (void)state;
    /* the same checks from every start alignment */
    unsigned char big[96];
    for (size_t start = 0; start < 8; start++) {
        memset(big, 'x', sizeof big);
        assert_true(utf8__valid(big + start, 80));
        big[start + 79] = 0xbf;
        assert_false(utf8__valid(big + start, 80));
        assert_true(utf8__valid(big + start, 79));
        big[start + 79] = 'x';
        big[start + 40] = 0xe2, big[start + 41] = 0x82, big[start + 42] = 0xac;
        assert_true(utf8__valid(big + start, 80));
        big[start + 42] = 'x';
        assert_false(utf8__valid(big + start, 80));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_every_lead_byte),
        cmocka_unit_test(test_exhaustive_short),
        cmocka_unit_test(test_fast_path_offsets),
        cmocka_unit_test(test_fast_path_unaligned),
    };
    return cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
}
