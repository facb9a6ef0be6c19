/* A validating JSON scanner that builds no tree. The receive path uses it to
 * find a few top-level fields without paying for jansson's allocations; it
 * accepts and rejects what json_loadb(..., 0, ...) does (differentially fuzzed),
 * with one deliberate exception: jansson 2.14 skips a NUL byte after a number
 * or literal ("[1\0]"), which the scanner refuses. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
/* SSE2 is part of x86-64; elsewhere (or built with ZWS_PORTABLE_SCAN, as a
 * test does) the scanner steps through eight bytes at a time in plain C. */
#if defined(__SSE2__) && !defined(ZWS_PORTABLE_SCAN)
#define JSCAN_SSE2 1
#include <emmintrin.h>
/* Where the CPU has SSSE3 (checked at run time: the x86-64 baseline is SSE2),
 * string decoding drops a block's backslashes with one shuffle; built with
 * ZWS_NO_SSSE3 (as a test does), it never does. */
#if !defined(ZWS_NO_SSSE3) && (defined(__GNUC__) || defined(__clang__))
#define JSCAN_SSSE3 1
#include <tmmintrin.h>
#include "jscan_compact.h"
#endif
#endif

#include "internal.h"

/* Past any blanks; inline, as it runs between every two tokens (and compact
 * JSON, Zoom's, has none: one comparison). */
static inline const char *ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= ' ' &&
           (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
}

const char *jscan__ws(const char *p, const char *end)
{
    return ws(p, end);
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int ch = (unsigned char)p[i], d;
        if (ch >= '0' && ch <= '9') d = ch - '0';
        else if (ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
        else if (ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
        else return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Bytes that need no attention inside a string: printable ASCII but '"' and '\\'. */
static const bool plain[256] = {
#define R8(x) x, x, x, x, x, x, x, x
    R8(0), R8(0), R8(0), R8(0),                         /* 0x00-0x1f: control */
    1, 1, 0, 1, 1, 1, 1, 1, R8(1), R8(1), R8(1),        /* 0x20-0x3f, '"' */
    R8(1), R8(1), R8(1), 1, 1, 1, 1, 0, 1, 1, 1,        /* 0x40-0x5f, '\\' */
    R8(1), R8(1), R8(1), R8(1),                         /* 0x60-0x7f */
#undef R8
};

/* What a two-character escape stands for ('\\n' is a newline), or 0 for
 * \\u and invalid escapes: the quotes of a double-encoded event make these
 * the common case, so they skip escape(). */
static const char short_escape[256] = {
    ['"'] = '"', ['\\'] = '\\', ['/'] = '/', ['b'] = '\b', ['f'] = '\f', ['n'] = '\n',
    ['r'] = '\r', ['t'] = '\t',
};

#ifdef JSCAN_SSE2
/* A bit for each of the 16 bytes at p that is not plain. */
static inline unsigned specials16(__m128i v)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    /* signed: bytes >= 0x80 are negative, so "< 0x20" also catches them */
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                               _mm_cmplt_epi8(v, space));
    return (unsigned)_mm_movemask_epi8(hit);
}
#endif

/* The first byte at or after p that is not plain (or end): string bodies are
 * most of an event's bytes, so they are crossed 16 (SSE2) or 8 bytes a step. */
static inline const char *span(const char *p, const char *end)
{
#ifdef JSCAN_SSE2
    while (end - p >= 16) {
        unsigned mask = specials16(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    while (end - p >= 8) {
        uint64_t w, q, b;
        memcpy(&w, p, 8);
        q = w ^ (ones * '"');
        b = w ^ (ones * '\\');
        /* "has a byte < 0x20, == '"', == '\\' or >= 0x80"; false positives only
         * beside a true one, and the byte loop below decides anyway */
        if ((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) | w) & highs)
            break;
        p += 8;
    }
#endif
    while (p < end && plain[(unsigned char)*p])
        p++;
    return p;
}

/* After a backslash at p[-1]: the end of a valid escape, or NULL; *cp gets the
 * code point it stands for. */
static const char *escape(const char *p, const char *end, unsigned *cp)
{
    if (p >= end)
        return NULL;
    if (short_escape[(unsigned char)*p]) {
        *cp = (unsigned char)short_escape[(unsigned char)*p];
        return p + 1;
    }
    if (*p != 'u' || end - p < 5)
        return NULL;
    int u = hex4(p + 1);
    if (u <= 0) /* invalid, or \u0000 which jansson refuses by default */
        return NULL;
    p += 5;
    if (u >= 0xDC00 && u <= 0xDFFF)
        return NULL; /* lone low surrogate */
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
            return NULL;
        int lo = hex4(p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF)
            return NULL;
        p += 6;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    *cp = (unsigned)u;
    return p;
}

static inline const char *scan_string(const char *p, const char *end, bool *has_escape)
{
    *has_escape = false;
    if (p >= end || *p != '"')
        return NULL;
    p++;
    for (;;) {
        p = span(p, end);
        if (p >= end)
            return NULL;
        unsigned char ch = (unsigned char)*p;
        if (ch == '"')
            return p + 1;
        if (ch >= 0x80) {
            size_t n = utf8__seq((const unsigned char *)p, (size_t)(end - p));
            if (!n)
                return NULL;
            p += n;
        } else if (ch == '\\') {
            unsigned cp;
            *has_escape = true;
            if (end - p >= 2 && short_escape[(unsigned char)p[1]])
                p += 2;
            else if (!(p = escape(p + 1, end, &cp)))
                return NULL;
        } else {
            return NULL; /* a control character */
        }
    }
}

const char *jscan__string(const char *p, const char *end, bool *has_escape)
{
    return scan_string(p, end, has_escape);
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xC0 | (cp >> 6)); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12)); o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18)); o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

#ifdef JSCAN_SSSE3
/* A 16-byte block whose only specials are \" escapes (the quotes of a
 * double-encoded event), decoded without a branch per escape: its
 * backslashes dropped by one shuffle, each 8-byte half packed to the front of
 * its own half and stored where the previous one ends. An escape in the last
 * byte takes its quote from the next block. False, with nothing consumed, for
 * any other block. Stores up to 17 bytes at *o (see the caller's margin). */
__attribute__((target("ssse3,popcnt"))) static inline bool unescape_quotes16(const char **pp,
                                                                             char **po)
{
    const char *p = *pp;
    char *o = *po;
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i next = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    unsigned bs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
    unsigned quote_next = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(next, _mm_set1_epi8('"')));
    /* every backslash escapes a quote; nothing else is special */
    if ((bs & ~quote_next) | (specials16(v) & ~(bs | bs << 1)))
        return false;
    unsigned lo = bs & 0xFF, hi = bs >> 8;
    __m128i shuffle = _mm_set_epi64x((long long)(jscan_compact[hi] + 0x0808080808080808ULL),
                                     (long long)jscan_compact[lo]);
    __m128i packed = _mm_shuffle_epi8(v, shuffle);
    _mm_storel_epi64((__m128i *)(void *)o, packed);
    _mm_storel_epi64((__m128i *)(void *)(o + 8 - __builtin_popcount(lo)),
                     _mm_srli_si128(packed, 8));
    o += 16 - __builtin_popcount(bs);
    unsigned last = bs >> 15; /* 1: the quote of an escape in the last byte is p[16] */
    *o = '"';
    *po = o + last;
    *pp = p + 16 + last;
    return true;
}
#endif

/* jscan__string_decode, built twice on x86-64: with and without SSSE3. */
static inline __attribute__((always_inline)) const char *
decode_string(const char *p, const char *end, zbuf *out, bool *nomem, const bool ssse3)
{
    (void)ssse3;
    *nomem = false;
    out->len = 0;
    if (p >= end || *p != '"')
        return NULL;
    p++;
    /* decoding never grows the text; the 16-byte stores below stay inside that */
    if (zbuf__reserve(out, (size_t)(end - p) + 1) < 0) {
        *nomem = true;
        return NULL;
    }
    char *o = out->data;
    for (;;) {
        /* a run of plain bytes: copied 16 at a time, kept up to the first special */
#ifdef JSCAN_SSE2
        /* 16 bytes a step, copied whole; the short escapes inside a block
         * (\" every few bytes in a double-encoded event) are all handled from
         * its one mask: each re-copies the rest of the block one byte to the
         * left, from an address the mask alone gives, so the escapes do not
         * wait on each other's loads. 34 bytes ahead keep those copies inside
         * the input (and, as decoding never grows, inside out). */
        while (end - p >= 34) {
#ifdef JSCAN_SSSE3
            if (ssse3 && unescape_quotes16(&p, &o))
                continue;
#endif
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            _mm_storeu_si128((__m128i *)(void *)o, v);
            unsigned mask = specials16(v), k = 0, next = 16;
            size_t shift = 0; /* escapes decoded in this block so far */
            char e;
            for (; mask; mask &= ~(3u << k)) { /* the escape and what it escapes */
                k = (unsigned)__builtin_ctz(mask);
                if (p[k] != '\\' || !(e = short_escape[(unsigned char)p[k + 1]]))
                    break;
                char *at = o + k - shift++;
                *at = e;
                _mm_storeu_si128((__m128i *)(void *)(at + 1),
                                 _mm_loadu_si128((const __m128i *)(const void *)(p + k + 2)));
                next = k + 2 > 16 ? k + 2 : 16;
            }
            if (mask) { /* a special of another kind at k */
                o += k - shift, p += k;
                goto special;
            }
            o += next - shift, p += next;
        }
        while (p < end && plain[(unsigned char)*p])
            *o++ = *p++;
#else
        const char *q = span(p, end);
        memmove(o, p, (size_t)(q - p));
        o += q - p, p = q;
#endif
        if (p >= end)
            return NULL;
#ifdef JSCAN_SSE2
    special:;
#endif
        unsigned char ch = (unsigned char)*p;
        if (ch == '\\') {
            char e = end - p >= 2 ? short_escape[(unsigned char)p[1]] : 0;
            unsigned cp;
            if (e) {
                *o++ = e, p += 2;
            } else if ((p = escape(p + 1, end, &cp))) {
                o += put_utf8(o, cp);
            } else {
                return NULL;
            }
        } else if (ch == '"') {
            out->len = (size_t)(o - out->data);
            *o = '\0';
            return p + 1;
        } else if (ch >= 0x80) {
            size_t n = utf8__seq((const unsigned char *)p, (size_t)(end - p));
            if (!n)
                return NULL;
            memcpy(o, p, n);
            o += n, p += n;
        } else {
            return NULL; /* a control character */
        }
    }
}

#ifdef JSCAN_SSSE3
__attribute__((target("ssse3,popcnt"))) static const char *
decode_string_ssse3(const char *p, const char *end, zbuf *out, bool *nomem)
{
    return decode_string(p, end, out, nomem, true);
}
#endif

const char *jscan__string_decode(const char *p, const char *end, zbuf *out, bool *nomem)
{
#ifdef JSCAN_SSSE3
    if (__builtin_cpu_supports("ssse3") && __builtin_cpu_supports("popcnt"))
        return decode_string_ssse3(p, end, out, nomem);
#endif
    return decode_string(p, end, out, nomem, false);
}

int jscan__unescape(const char *p, const char *end, zbuf *out)
{
    out->len = 0;
    /* unescaping never grows the text */
    if (zbuf__reserve(out, (size_t)(end - p) + 1) < 0)
        return ZWS_E_NOMEM;
    char *o = out->data;
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        size_t run = bs ? (size_t)(bs - p) : (size_t)(end - p);
        memcpy(o, p, run);
        o += run;
        p += run;
        if (!bs)
            break;
        unsigned cp; /* the scanner has validated what follows the backslash */
        if (!(p = escape(p + 1, end, &cp)))
            return ZWS_E_PROTOCOL;
        o += put_utf8(o, cp);
    }
    out->len = (size_t)(o - out->data);
    *o = '\0';
    return 0;
}

bool jscan__int(const char *p, const char *end, int64_t *out)
{
    bool neg = false;
    if (p < end && *p == '-')
        neg = true, p++;
    if (p >= end)
        return false;
    uint64_t limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
    if (end - p <= 18) { /* cannot overflow: no division per digit */
        for (; p < end; p++) {
            if (*p < '0' || *p > '9')
                return false;
            v = v * 10 + (unsigned)(*p - '0');
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return true;
    }
    for (; p < end; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (limit - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return true;
}

static const char *number(const char *p, const char *end)
{
    const char *start = p;
    bool real = false;
    if (p < end && *p == '-')
        p++;
    if (p >= end)
        return NULL;
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        real = true;
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        real = true;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || *p < '0' || *p > '9')
            return NULL;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (!real) {
        int64_t v;
        return jscan__int(start, p, &v) ? p : NULL; /* jansson refuses integers beyond int64 */
    }
    char tmp[64], *copy = tmp;
    size_t n = (size_t)(p - start);
    if (n >= sizeof tmp && !(copy = malloc(n + 1)))
        return NULL;
    memcpy(copy, start, n);
    copy[n] = '\0';
    errno = 0;
    double d = strtod(copy, NULL);
    bool overflow = isinf(d) && errno == ERANGE; /* jansson: "real number overflow" */
    if (copy != tmp)
        free(copy);
    return overflow ? NULL : p;
}

static const char *literal(const char *p, const char *end, const char *word, size_t n)
{
    return ((size_t)(end - p) >= n && !memcmp(p, word, n)) ? p + n : NULL;
}

/* Writing the tape (see jtape.c for reading it): a node as each value
 * starts, completed as it ends; inline, as it runs once per value. */
static inline size_t tape_open(jscan_tape *t, const char *p, const jscan_key *key)
{
    if (!t || t->full)
        return SIZE_MAX;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct jscan_node *v = cap <= JSCAN_TAPE_MAX ? realloc(t->v, cap * sizeof *v) : NULL;
        if (!v) { /* no tape: lookups scan, slower but right */
            t->full = true;
            return SIZE_MAX;
        }
        t->v = v;
        t->cap = cap;
    }
    struct jscan_node *node = &t->v[t->n];
    node->start = (uint32_t)(p - t->base);
    node->end = 0;
    node->key = key ? (uint32_t)(key->k - t->base) : 0;
    node->key_end = key ? (uint32_t)(key->kend - t->base) : 0;
    node->key_esc = key && key->esc;
    return t->n++;
}

static inline const char *tape_close(jscan_tape *t, size_t node, const char *value_end)
{
    if (node != SIZE_MAX && value_end && !t->full) {
        t->v[node].end = (uint32_t)(value_end - t->base);
        t->v[node].next = (uint32_t)t->n;
    }
    return value_end;
}

size_t jscan__tape_open(jscan_tape *t, const char *p, const jscan_key *key)
{
    return tape_open(t, p, key);
}

const char *jscan__tape_close(jscan_tape *t, size_t node, const char *value_end)
{
    return tape_close(t, node, value_end);
}

const char *jscan__value_taped(const char *p, const char *end, int depth, jscan_tape *t,
                               const jscan_key *key)
{
    bool esc;
    size_t node;
    if (depth >= JSCAN_MAX_DEPTH)
        return NULL; /* jansson counts every value, scalars too, against its limit */
    p = ws(p, end);
    if (p >= end)
        return NULL;
    node = tape_open(t, p, key);
    switch (*p) {
    case '"':
        return tape_close(t, node, scan_string(p, end, &esc));
    case 't': return tape_close(t, node, literal(p, end, "true", 4));
    case 'f': return tape_close(t, node, literal(p, end, "false", 5));
    case 'n': return tape_close(t, node, literal(p, end, "null", 4));
    case '[':
        p = ws(p + 1, end);
        if (p < end && *p == ']')
            return tape_close(t, node, p + 1);
        for (;;) {
            if (!(p = jscan__value_taped(p, end, depth + 1, t, NULL)))
                return NULL;
            p = ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == ']')
                return tape_close(t, node, p + 1);
            if (*p++ != ',')
                return NULL;
        }
    case '{':
        p = ws(p + 1, end);
        if (p < end && *p == '}')
            return tape_close(t, node, p + 1);
        for (;;) {
            jscan_key member;
            member.k = ws(p, end);
            if (!(member.kend = scan_string(member.k, end, &member.esc)))
                return NULL;
            p = ws(member.kend, end);
            if (p >= end || *p++ != ':')
                return NULL;
            if (!(p = jscan__value_taped(p, end, depth + 1, t, &member)))
                return NULL;
            p = ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == '}')
                return tape_close(t, node, p + 1);
            if (*p++ != ',')
                return NULL;
        }
    default:
        return tape_close(t, node, number(p, end));
    }
}

const char *jscan__value(const char *p, const char *end, int depth)
{
    return jscan__value_taped(p, end, depth, NULL, NULL);
}

/* Past the validated string at p (its opening quote): no checks, just the
 * closing quote, with escapes stepped over. */
static const char *skip_string(const char *p, const char *end, bool *esc)
{
    *esc = false;
    for (p++;;) {
        p = span(p, end);
        if (p >= end)
            return NULL;
        if (*p == '"')
            return p + 1;
        if (*p == '\\') {
            *esc = true;
            p += 2;
        } else {
            p++; /* UTF-8 or a control byte: validated already */
        }
    }
}

/* Bytes that end a number or literal inside validated JSON. */
static const bool stop[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1, [','] = 1, [':'] = 1,
    [' '] = 1, ['\n'] = 1, ['\r'] = 1, ['\t'] = 1,
};

/* Skips one value of JSON already validated: no checks, just structure. */
static const char *skip(const char *p, const char *end)
{
    int depth = 0;
    bool esc;
    p = ws(p, end);
    do {
        if (p >= end)
            return NULL;
        switch (*p) {
        case '"':
            if (!(p = skip_string(p, end, &esc)))
                return NULL;
            break;
        case '{': case '[':
            depth++, p++;
            break;
        case '}': case ']':
            depth--, p++;
            break;
        case ',': case ':': case ' ': case '\n': case '\r': case '\t':
            p++;
            break;
        default: /* a number or literal */
            while (p < end && !stop[(unsigned char)*p])
                p++;
            break;
        }
    } while (depth > 0);
    return p;
}

bool jscan__key_equals_escaped(const char *k, const char *kend, const char *name, size_t n)
{
    const char *p = k + 1, *end = kend - 1, *want = name, *want_end = name + n;
    while (p < end) { /* decode and compare as we go: keys may be of any length */
        char tmp[4];
        size_t len = 1;
        if (*p == '\\') {
            unsigned cp;
            if (!(p = escape(p + 1, end, &cp)))
                return false;
            len = put_utf8(tmp, cp);
        } else {
            tmp[0] = *p++;
        }
        if ((size_t)(want_end - want) < len || memcmp(want, tmp, len))
            return false;
        want += len;
    }
    return want == want_end;
}

const char *jscan__member(const char *p, const char *end, const char *name, size_t n,
                          const char **vend)
{
    const char *found = NULL;
    p = ws(p, end);
    if (p >= end || *p != '{')
        return NULL;
    p = ws(p + 1, end);
    if (p < end && *p == '}')
        return NULL;
    for (;;) {
        bool esc;
        const char *k = ws(p, end), *kend, *v;
        if (k >= end || *k != '"' || !(kend = skip_string(k, end, &esc)))
            return NULL;
        p = ws(kend, end);
        if (p >= end || *p++ != ':')
            return NULL;
        v = ws(p, end);
        if (!(p = skip(v, end)))
            return NULL;
        if (jscan__key_equals(k, kend, esc, name, n)) { /* the last duplicate wins, as in jansson */
            found = v;
            *vend = p;
        }
        p = ws(p, end);
        if (p >= end || *p == '}')
            return found;
        if (*p++ != ',')
            return NULL;
    }
}

const char *jscan__element(const char *p, const char *end, size_t index, const char **vend)
{
    p = ws(p, end);
    if (p >= end || *p != '[')
        return NULL;
    p = ws(p + 1, end);
    if (p < end && *p == ']')
        return NULL;
    for (size_t i = 0;; i++) {
        const char *v = ws(p, end);
        if (!(p = skip(v, end)))
            return NULL;
        if (i == index) {
            *vend = p;
            return v;
        }
        p = ws(p, end);
        if (p >= end || *p++ != ',')
            return NULL;
    }
}

bool jscan__int_value(const char *v, const char *vend, int64_t *out)
{
    if (v >= vend || *v != '"')
        return jscan__int(v, vend, out);
    if (!memchr(v + 1, '\\', (size_t)(vend - v - 2)))
        return jscan__int(v + 1, vend - 1, out); /* any length: leading zeros are fine */
    char digits[64]; /* a string holding an integer (Zoom's field types drift) */
    zbuf tmp = {digits, 0, sizeof digits};
    if ((size_t)(vend - v) > sizeof digits || jscan__unescape(v + 1, vend - 1, &tmp) < 0)
        return false;
    return jscan__int(digits, digits + tmp.len, out);
}
