/* Growable buffers and secret-wiping frees: the small shared helpers. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "internal.h"

int zbuf__reserve(zbuf *b, size_t cap)
{
    if (cap <= b->cap)
        return 0;
    size_t n = b->cap ? b->cap : 256;
    while (n < cap)
        n *= 2;
    char *p = realloc(b->data, n);
    if (!p)
        return ZWS_E_NOMEM;
    b->data = p;
    b->cap = n;
    return 0;
}

int zbuf__append(zbuf *b, const void *data, size_t len)
{
    /* keep room for a NUL so the content can be handed out as a C string */
    if (zbuf__reserve(b, b->len + len + 1) < 0)
        return ZWS_E_NOMEM;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

void zbuf__wipe(zbuf *b)
{
    if (b->data)
        OPENSSL_cleanse(b->data, b->cap);
    zbuf__free(b);
}

void zbuf__free(zbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void secret__free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

char *str__dup(const char *s)
{
    return s ? strdup(s) : NULL;
}
