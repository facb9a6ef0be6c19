/* .env loading: a pure line parser plus a loader that checks the file's mode
 * and never overrides the real environment. */
#include "envfile.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Larger than any sane .env; a bound keeps a wrong path (a log, a device) harmless. */
#define ENVFILE_MAX_BYTES (1024 * 1024)

static char *skip_blanks(char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* After a closing quote only blanks or a comment may follow. */
static int check_after_quote(char *rest, const char **why)
{
    rest = skip_blanks(rest);
    if (*rest && *rest != '#') {
        *why = "unexpected text after the closing quote";
        return ENVFILE_ERROR;
    }
    return ENVFILE_ASSIGN;
}

static int parse_single(char *v, char **value, const char **why)
{
    char *close = strchr(v, '\'');
    if (!close) {
        *why = "unterminated single quote (multi-line values are not supported)";
        return ENVFILE_ERROR;
    }
    *close = '\0';
    *value = v;
    return check_after_quote(close + 1, why);
}

static int parse_double(char *v, char **value, const char **why)
{
    char *r = v, *w = v;
    while (*r && *r != '"') {
        if (*r == '\\' && r[1]) {
            char e = r[1];
            r += 2;
            switch (e) {
            case 'n': *w++ = '\n'; break;
            case 'r': *w++ = '\r'; break;
            case 't': *w++ = '\t'; break;
            case '"': *w++ = '"'; break;
            case '\\': *w++ = '\\'; break;
            default: /* unknown escape: keep it as written */
                *w++ = '\\';
                *w++ = e;
                break;
            }
        } else {
            *w++ = *r++;
        }
    }
    if (*r != '"') {
        *why = "unterminated double quote (multi-line values are not supported)";
        return ENVFILE_ERROR;
    }
    char *rest = r + 1; /* read before the terminator below may overwrite r */
    *w = '\0';
    *value = v;
    return check_after_quote(rest, why);
}

static int parse_bare(char *v, bool blank_before, char **value)
{
    char *end = v + strlen(v);
    for (char *p = v; *p; p++) {
        bool after_blank = p == v ? blank_before : (p[-1] == ' ' || p[-1] == '\t');
        if (*p == '#' && after_blank) {
            end = p;
            break;
        }
    }
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    *end = '\0';
    *value = v;
    return ENVFILE_ASSIGN;
}

int envfile_parse_line(char *line, char **key, char **value, const char **why)
{
    *key = *value = NULL;
    *why = NULL;
    char *p = skip_blanks(line);
    if (*p == '\0' || *p == '#')
        return ENVFILE_BLANK;
    if (!strncmp(p, "export", 6) && (p[6] == ' ' || p[6] == '\t'))
        p = skip_blanks(p + 6);
    char *k = p;
    if (!(isalpha((unsigned char)*p) || *p == '_')) {
        *why = "expected KEY=VALUE with KEY made of letters, digits and '_'";
        return ENVFILE_ERROR;
    }
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    char *kend = p;
    p = skip_blanks(p);
    if (*p != '=') {
        *why = "expected KEY=VALUE with KEY made of letters, digits and '_'";
        return ENVFILE_ERROR;
    }
    *kend = '\0';
    char *v = skip_blanks(p + 1);
    *key = k;
    if (*v == '\'')
        return parse_single(v + 1, value, why);
    if (*v == '"')
        return parse_double(v + 1, value, why);
    return parse_bare(v, v > p + 1, value);
}

/* Reads the whole file into one buffer we control, so it can be wiped. */
static char *slurp(int fd, size_t *len, char *err, size_t errsz, const char *path)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    if (!buf) {
        snprintf(err, errsz, "%s: out of memory", path);
        return NULL;
    }
    for (;;) {
        if (n == cap) {
            if (cap >= ENVFILE_MAX_BYTES) {
                snprintf(err, errsz, "%s: larger than %d bytes; is this really a .env file?", path,
                         ENVFILE_MAX_BYTES);
                goto fail;
            }
            char *bigger = malloc(cap * 2 + 1);
            if (!bigger) {
                snprintf(err, errsz, "%s: out of memory", path);
                goto fail;
            }
            memcpy(bigger, buf, n);
            explicit_bzero(buf, n); /* realloc would leave the old copy behind */
            free(buf);
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errsz, "%s: %s", path, strerror(errno));
            goto fail;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
fail:
    explicit_bzero(buf, n);
    free(buf);
    return NULL;
}

int envfile_load(const char *path, bool allow_insecure, char *err, size_t errsz)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) { /* fstat, not stat: checks the file actually read */
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errsz, "%s: is a directory", path);
        close(fd);
        return -1;
    }
    if ((st.st_mode & 077) && !allow_insecure) {
        snprintf(err, errsz,
                 "%s is accessible by group/others (mode %04o) and holds secrets: "
                 "run `chmod 600 %s`, or pass --insecure-env-file",
                 path, (unsigned)(st.st_mode & 07777), path);
        close(fd);
        return -1;
    }
    size_t len = 0;
    char *buf = slurp(fd, &len, err, errsz, path);
    close(fd);
    if (!buf)
        return -1;
    if (memchr(buf, '\0', len)) {
        snprintf(err, errsz, "%s: contains NUL bytes; not a text .env file", path);
        explicit_bzero(buf, len);
        free(buf);
        return -1;
    }

    int rc = 0;
    unsigned lineno = 0;
    for (char *line = buf; line && rc == 0;) {
        lineno++;
        char *nl = strchr(line, '\n');
        char *next = NULL;
        if (nl) {
            *nl = '\0';
            next = nl + 1;
        }
        size_t ll = strlen(line);
        if (ll && line[ll - 1] == '\r') /* CRLF files from Windows editors */
            line[ll - 1] = '\0';
        char *key, *value;
        const char *why;
        switch (envfile_parse_line(line, &key, &value, &why)) {
        case ENVFILE_ERROR:
            snprintf(err, errsz, "%s:%u: %s", path, lineno, why);
            rc = -1;
            break;
        case ENVFILE_ASSIGN:
            if (setenv(key, value, 0) < 0) { /* 0: the real environment wins */
                snprintf(err, errsz, "%s:%u: cannot set %s: %s", path, lineno, key,
                         strerror(errno));
                rc = -1;
            }
            break;
        default:
            break;
        }
        line = next;
    }
    explicit_bzero(buf, len);
    free(buf);
    return rc;
}
