/* The listener's .env line parser (tools/listen/envfile.c) on arbitrary file
 * contents, split into lines the way envfile_load does (at '\n', one trailing
 * '\r' dropped, NUL bytes refused before parsing). Each line is parsed in a
 * heap block of exactly its length + 1, so ASan sees any overrun. */
#include <ctype.h>

#include "fuzz_common.h"

#include "envfile.h"

static bool inside(const char *p, const char *block, size_t len)
{
    return p >= block && p < block + len;
}

static void parse_line(const char *text, size_t n)
{
    char *line = malloc(n + 1);
    if (!line)
        abort();
    memcpy(line, text, n);
    line[n] = '\0';
    char *key = (char *)1, *value = (char *)1;
    const char *why = (const char *)1;
    int rc = envfile_parse_line(line, &key, &value, &why);
    FUZZ_CHECK(rc == ENVFILE_ERROR || rc == ENVFILE_BLANK || rc == ENVFILE_ASSIGN, "rc %d", rc);
    if (rc == ENVFILE_ASSIGN) {
        FUZZ_CHECK(!why, "why set on success");
        FUZZ_CHECK(inside(key, line, n + 1) && inside(value, line, n + 1), "key/value outside");
        size_t kl = strlen(key);
        FUZZ_CHECK(kl > 0 && key + kl < line + n + 1, "key length");
        FUZZ_CHECK(isalpha((unsigned char)key[0]) || key[0] == '_', "key starts with 0x%02x",
                   (unsigned char)key[0]);
        for (size_t i = 0; i < kl; i++)
            FUZZ_CHECK(isalnum((unsigned char)key[i]) || key[i] == '_', "key byte 0x%02x",
                       (unsigned char)key[i]);
        size_t vl = strlen(value);
        FUZZ_CHECK(value + vl < line + n + 1, "value runs past the line");
        FUZZ_CHECK(value >= key + kl + 1, "value overlaps the key");
        /* setenv would refuse a name with '=': the key never holds one */
        FUZZ_CHECK(!strchr(key, '='), "key holds '='");
    } else if (rc == ENVFILE_ERROR) {
        FUZZ_CHECK(why && *why, "error without a reason");
        /* the reason is a static message: it never quotes the line (secrets) */
        FUZZ_CHECK(!inside(why, line, n + 1), "reason points into the line");
    } else {
        FUZZ_CHECK(!key && !value && !why, "blank line with outputs set");
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size))
        return 0; /* envfile_load refuses the file before parsing */
    const char *p = (const char *)data, *end = p + size;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        size_t n = (size_t)(e - p);
        if (n && p[n - 1] == '\r')
            n--;
        parse_line(p, n);
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}
