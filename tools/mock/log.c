#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int g_log_level = LOG_INFO;

void log_msg(int level, const char *fmt, ...)
{
    if (level > g_log_level)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    char line[1024];
    int n = snprintf(line, sizeof line, "%02d:%02d:%02d.%03ld zoomws-mock: ",
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per line so concurrent test output stays readable. */
    fputs(line, stderr);
    fputc('\n', stderr);
}
