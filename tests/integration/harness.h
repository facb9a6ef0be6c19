/* Integration-test harness: a live zoomws-mock subprocess on loopback, its
 * control endpoints, and helpers that drive a real client until a condition. */
#ifndef ZWS_TEST_HARNESS_H
#define ZWS_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "zoomws.h"

typedef struct mock {
    pid_t pid;
    int port;
    char dir[256];     /* temp dir holding the CA file */
    char ca[300];
    char oauth_url[128];
    char ws_url[128];
} mock;

/* Starts argv and returns its pid once it printed a first line (into line). */
pid_t spawn_ready(const char *const argv[], char *line, size_t linesz, int timeout_ms);
/* SIGTERM and reap. */
void stop_process(pid_t pid);

/* Starts zoomws-mock ($ZOOMWS_MOCK) with extra arguments (NULL-terminated). */
bool mock_start(mock *m, ...);
void mock_stop(mock *m);
/* POST (body may be NULL) or GET (method "GET") a control path; returns the HTTP status. */
long mock_control(mock *m, const char *method, const char *path, const char *body);
/* One integer field of GET /_mock/stats (-1 on failure). */
int64_t mock_stat(mock *m, const char *field);

/* A client configured for the mock with the default credentials. */
zws_client *client_for(mock *m);

/* Polls the client's fd and dispatches until done(user) or timeout_ms; returns done(). */
bool run_until(zws_client *c, bool (*done)(void *), void *user, int timeout_ms);
/* Dispatches for a fixed time. */
void run_for(zws_client *c, int ms);

/* Records every state transition with its status fields. */
#define MAX_TRANSITIONS 256
typedef struct transition {
    int state, previous, error, permanent, close_code, attempt;
    int64_t retry_ms, lost_at_ms, gap_ms;
    char message[256];
} transition;
typedef struct transition_log {
    int count;
    transition t[MAX_TRANSITIONS];
} transition_log;
void record_state(zws_client *c, const zws_status *st, void *user);
int count_state(const transition_log *log, int state);
/* client_for, with every state transition recorded into log. */
zws_client *client_logged(mock *m, transition_log *log);
/* zws_client_connect, then dispatch until OPEN (at most 10 s). */
bool connect_and_open(zws_client *c);
/* Dispatches until log holds n transitions into state (or timeout_ms). */
bool wait_for_count(zws_client *c, const transition_log *log, int state, int n, int timeout_ms);
/* Index of the last transition into state, or -1. */
int last_state(const transition_log *log, int state);

/* Records events: names, and the integer at payload.object.seq when present. */
typedef struct event_log {
    int count;
    int64_t seqs_in_order; /* events whose seq == previous seq + 1 */
    int64_t out_of_order;  /* events whose seq <= previous seq: duplicated or reordered */
    int64_t last_seq;
    char last_name[64];
    int64_t last_ts;
} event_log;
void record_event(zws_client *c, const zws_event *ev, void *user);

/* Condition helpers for run_until. */
typedef struct wait_state { zws_client *c; int state; } wait_state;
bool is_state(void *wait_state_ptr);
typedef struct wait_events { event_log *log; int count; } wait_events;
bool has_events(void *wait_events_ptr);

/* Writes n JSON-lines events (meeting.participant_joined with payload.object.seq = 1..n). */
bool write_events_file(const char *path, int n);

int64_t now_ms(void);

/* A fresh access token from the mock's token endpoint (for token providers). */
bool mock_fetch_token(mock *m, char *out, size_t outsz);
/* "sha256//BASE64" of the mock's server public key, read over a TLS handshake. */
bool mock_pubkey_pin(mock *m, char *out, size_t outsz);

/* Captures log lines into a buffer (for searching). */
typedef struct log_capture { char buf[1 << 17]; size_t len; } log_capture;
void capture_log(zws_client *c, int level, const char *line, void *user);

#endif
