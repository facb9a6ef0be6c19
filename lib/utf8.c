/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, max U+10FFFF), for
 * RFC 6455's rule that invalid text frames fail the connection with 1007. */
#include "internal.h"

size_t utf8__seq(const unsigned char *s, size_t len)
{
    unsigned char c = s[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else {
        return 0;
    }
    if (n >= len)
        return 0; /* truncated sequence */
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k <= n; k++)
        if ((s[k] & 0xC0) != 0x80)
            return 0;
    return n + 1;
}

bool utf8__valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII runs (all of a typical Zoom frame): 32 bytes a step, then 8;
         * eight-byte loads at any alignment, the high bits tested at once */
        while (i + 32 <= len) {
            uint64_t a, b, c, d;
            __builtin_memcpy(&a, s + i, 8);
            __builtin_memcpy(&b, s + i + 8, 8);
            __builtin_memcpy(&c, s + i + 16, 8);
            __builtin_memcpy(&d, s + i + 24, 8);
            if ((a | b | c | d) & 0x8080808080808080ULL)
                break;
            i += 32;
        }
        while (i + 8 <= len) {
            uint64_t a;
            __builtin_memcpy(&a, s + i, 8);
            if (a & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        while (i < len && s[i] < 0x80)
            i++;
        if (i >= len)
            break;
        size_t n = utf8__seq(s + i, len - i);
        if (!n)
            return false;
        i += n;
    }
    return true;
}
