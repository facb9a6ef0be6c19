/* Command-line configuration, filled once by main.c and read everywhere. */
#ifndef MOCK_CONFIG_H
#define MOCK_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct config {
    const char *bind_addr;
    int port;
    const char *ca_out;
    const char *account_id;
    const char *client_id;
    const char *client_secret;
    const char *subscription;
    long token_ttl_s;
    long idle_timeout_ms;    /* 0 disables */
    const char *events_file; /* NULL: built-in samples */
    double rate;             /* events per second, 0 = as fast as drained */
    int64_t count;           /* -1: default (file once / unlimited built-ins) */
    bool loop;
    bool close_at_token_expiry;
    bool replace;
    const char *fail_frame;
    int64_t drop_after;      /* -1 disables */
    /* certificate faults, for clients' verification tests */
    bool cert_expired;       /* server certificate expired yesterday */
    const char *cert_host;   /* server certificate names only this DNS host */
    int tls_max;             /* 0: no maximum; 11: TLS 1.0/1.1 only (a legacy server) */
    bool stamp;              /* latency benchmarks: stamp "sent_us" placeholders at send time */
};

extern struct config g_cfg;

#endif
