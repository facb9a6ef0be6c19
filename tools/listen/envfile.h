/* .env files for zoomws-listen: KEY=VALUE lines, read the way dotenv does. */
#ifndef ZOOMWS_LISTEN_ENVFILE_H
#define ZOOMWS_LISTEN_ENVFILE_H

#include <stdbool.h>
#include <stddef.h>

enum envfile_line {
    ENVFILE_ERROR = -1, /* syntax error: *why says what */
    ENVFILE_BLANK = 0,  /* empty line or comment */
    ENVFILE_ASSIGN = 1  /* *key and *value are set */
};

/*
 * Parses one line in place (NUL-terminated, without its line terminator).
 * Accepts `KEY=VALUE`, an optional `export ` prefix, blanks around `=`, values
 * in single quotes (literal), double quotes (\" \\ \n \r \t unescaped) or bare
 * (a ` #` starts a comment; trailing blanks are dropped). Pure: touches only
 * line, so it is testable without the process environment. On ENVFILE_ASSIGN,
 * *key and *value point into line; on ENVFILE_ERROR, *why is a static message
 * that never quotes the line (it may hold a secret).
 */
int envfile_parse_line(char *line, char **key, char **value, const char **why);

/*
 * Reads the file at path and sets each variable that is not already set in
 * the environment (already-set variables win, as with dotenv). Refuses a file
 * that group or others may access (mode & 077), as ssh does for keys, unless
 * allow_insecure. Returns 0, or -1 with a message in err (no values in it).
 */
int envfile_load(const char *path, bool allow_insecure, char *err, size_t errsz);

#endif
