/* Shared helpers of the libFuzzer targets (tests/fuzz/fuzz_*.c). */
#ifndef ZWS_FUZZ_COMMON_H
#define ZWS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Prints a byte string as a C literal (for the report of a disagreement). */
static inline void fuzz_show(const char *label, const void *buf, size_t len)
{
    const unsigned char *s = buf;
    fprintf(stderr, "%s (%zu bytes): \"", label, len);
    for (size_t i = 0; i < len && i < 600; i++) {
        unsigned char c = s[i];
        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02X\"\"", c); /* "" ends the escape: "\x01" "a" */
    }
    fprintf(stderr, "%s\"\n", len > 600 ? "..." : "");
}

/* A failed property: say which, then crash so libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...)                                                   \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "FUZZ PROPERTY FAILED at %s:%d: %s\n  ", __FILE__,   \
                    __LINE__, #cond);                                           \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            __builtin_trap();                                                   \
        }                                                                       \
    } while (0)

/* A heap copy of exactly len bytes (no NUL after it): ASan sees any overread. */
static inline char *fuzz_exact_copy(const uint8_t *data, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, data, len);
    return copy;
}

/* A NUL-terminated heap copy that stops at the first NUL of the input. */
static inline char *fuzz_cstring(const uint8_t *data, size_t len)
{
    const uint8_t *nul = memchr(data, 0, len);
    size_t n = nul ? (size_t)(nul - data) : len;
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    return s;
}

/*
 * Known, reported and not yet fixed disagreements can be masked for long
 * exploratory runs, so that the fuzzer looks for new ones:
 *   ZWS_FUZZ_MASK=handshake-limit,event-ts-escaped build/fuzz/fuzz_...
 * Nothing is masked by default (run-smoke.sh and the regression replay).
 */
static inline bool fuzz_masked(const char *name)
{
    const char *m = getenv("ZWS_FUZZ_MASK");
    size_t n = strlen(name);
    while (m && *m) {
        size_t k = strcspn(m, ",");
        if (k == n && !strncmp(m, name, n))
            return true;
        m += k + (m[k] == ',');
    }
    return false;
}

#endif
