/* A validating JSON scanner that builds no tree. The receive path uses it to
 * find a few top-level fields without paying for jansson's allocations; it
 * accepts and rejects what json_loadb(..., 0, ...) does (differentially fuzzed),
 * with one deliberate exception: jansson 2.14 skips a NUL byte after a number
 * or literal ("[1\0]"), which the scanner refuses. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const char *jscan__ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    return p;
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

/* Length of a valid UTF-8 sequence at p (its first byte >= 0x80), or 0. */
static size_t utf8_seq(const char *p, const char *end)
{
    size_t avail = (size_t)(end - p);
    size_t n = avail < 4 ? avail : 4;
    for (size_t k = 2; k <= n; k++)
        if (utf8__valid((const unsigned char *)p, k))
            return k;
    return 0;
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

const char *jscan__string(const char *p, const char *end, bool *has_escape)
{
    *has_escape = false;
    if (p >= end || *p != '"')
        return NULL;
    p++;
    while (p < end) {
        while (p < end && plain[(unsigned char)*p]) /* the common case, tight */
            p++;
        if (p >= end)
            break;
        unsigned char ch = (unsigned char)*p;
        if (ch == '"')
            return p + 1;
        if (ch < 0x20)
            return NULL;
        if (ch < 0x80 && ch != '\\') {
            p++;
            continue;
        }
        if (ch >= 0x80) {
            size_t n = utf8_seq(p, end);
            if (!n)
                return NULL;
            p += n;
            continue;
        }
        *has_escape = true;
        if (++p >= end)
            return NULL;
        switch (*p) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        case 'u': {
            if (end - p < 5)
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
            }
            break;
        }
        default:
            return NULL;
        }
    }
    return NULL;
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
        p++; /* the backslash; the scanner has validated what follows */
        char ch = *p++;
        switch (ch) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp = (unsigned)hex4(p);
            p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo = (unsigned)hex4(p + 2);
                p += 6;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            o += put_utf8(o, cp);
            break;
        }
        default: *o++ = ch; break; /* " \ / */
        }
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

const char *jscan__value(const char *p, const char *end, int depth)
{
    bool esc;
    if (depth >= JSCAN_MAX_DEPTH)
        return NULL; /* jansson counts every value, scalars too, against its limit */
    p = jscan__ws(p, end);
    if (p >= end)
        return NULL;
    switch (*p) {
    case '"':
        return jscan__string(p, end, &esc);
    case 't': return literal(p, end, "true", 4);
    case 'f': return literal(p, end, "false", 5);
    case 'n': return literal(p, end, "null", 4);
    case '[':
        p = jscan__ws(p + 1, end);
        if (p < end && *p == ']')
            return p + 1;
        for (;;) {
            if (!(p = jscan__value(p, end, depth + 1)))
                return NULL;
            p = jscan__ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == ']')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    case '{':
        p = jscan__ws(p + 1, end);
        if (p < end && *p == '}')
            return p + 1;
        for (;;) {
            p = jscan__ws(p, end);
            if (!(p = jscan__string(p, end, &esc)))
                return NULL;
            p = jscan__ws(p, end);
            if (p >= end || *p++ != ':')
                return NULL;
            if (!(p = jscan__value(p, end, depth + 1)))
                return NULL;
            p = jscan__ws(p, end);
            if (p >= end)
                return NULL;
            if (*p == '}')
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    default:
        return number(p, end);
    }
}

/* Bytes that end a number or literal inside validated JSON. */
static const bool stop[256] = {
    ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1, [','] = 1, [':'] = 1,
    [' '] = 1, ['\n'] = 1, ['\r'] = 1, ['\t'] = 1,
};

/* Skips one value of JSON already validated: no checks, just structure, with
 * memchr doing the long runs (string bodies). */
static const char *skip(const char *p, const char *end)
{
    int depth = 0;
    p = jscan__ws(p, end);
    do {
        if (p >= end)
            return NULL;
        switch (*p) {
        case '"':
            for (p++;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q)
                    return NULL;
                size_t bs = 0; /* an odd run of backslashes escapes the quote */
                while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
                    bs++;
                p = q + 1;
                if (bs % 2 == 0)
                    break;
            }
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

bool jscan__key_equals(const char *k, const char *kend, bool esc, const char *name, size_t n)
{
    if (!esc)
        return (size_t)(kend - k - 2) == n && !memcmp(k + 1, name, n);
    char buf[256];
    if ((size_t)(kend - k) > 6 * n + 2 || 6 * n + 2 > sizeof buf)
        return false; /* even all-\\u escapes would be shorter */
    zbuf tmp = {buf, 0, sizeof buf};
    jscan__unescape(k + 1, kend - 1, &tmp); /* fits: unescaping never grows */
    return tmp.len == n && !memcmp(buf, name, n);
}

const char *jscan__member(const char *p, const char *end, const char *name, size_t n,
                          const char **vend)
{
    const char *found = NULL;
    p = jscan__ws(p, end);
    if (p >= end || *p != '{')
        return NULL;
    p = jscan__ws(p + 1, end);
    if (p < end && *p == '}')
        return NULL;
    for (;;) {
        bool esc;
        const char *k = jscan__ws(p, end), *kend, *v;
        if (!(kend = jscan__string(k, end, &esc)))
            return NULL;
        p = jscan__ws(kend, end);
        if (p >= end || *p++ != ':')
            return NULL;
        v = jscan__ws(p, end);
        if (!(p = skip(v, end)))
            return NULL;
        if (jscan__key_equals(k, kend, esc, name, n)) { /* the last duplicate wins, as in jansson */
            found = v;
            *vend = p;
        }
        p = jscan__ws(p, end);
        if (p >= end || *p == '}')
            return found;
        if (*p++ != ',')
            return NULL;
    }
}

const char *jscan__element(const char *p, const char *end, size_t index, const char **vend)
{
    p = jscan__ws(p, end);
    if (p >= end || *p != '[')
        return NULL;
    p = jscan__ws(p + 1, end);
    if (p < end && *p == ']')
        return NULL;
    for (size_t i = 0;; i++) {
        const char *v = jscan__ws(p, end);
        if (!(p = skip(v, end)))
            return NULL;
        if (i == index) {
            *vend = p;
            return v;
        }
        p = jscan__ws(p, end);
        if (p >= end || *p++ != ',')
            return NULL;
    }
}

bool jscan__int_value(const char *v, const char *vend, int64_t *out)
{
    if (v >= vend || *v != '"')
        return jscan__int(v, vend, out);
    char digits[64]; /* a string holding an integer (Zoom's field types drift) */
    zbuf tmp = {digits, 0, sizeof digits};
    if ((size_t)(vend - v) > sizeof digits || jscan__unescape(v + 1, vend - 1, &tmp) < 0)
        return false;
    return jscan__int(digits, digits + tmp.len, out);
}
