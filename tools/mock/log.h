/* stderr logging with three levels; secrets and tokens are never passed here. */
#ifndef MOCK_LOG_H
#define MOCK_LOG_H

enum log_level { LOG_ERR = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

extern int g_log_level;

void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
