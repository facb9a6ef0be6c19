/* Injected faults of the WebSocket endpoint and the TLS layer, armed through
 * POST /_mock/fail-upgrade and consumed by the next connections. */
#ifndef MOCK_FAULTS_H
#define MOCK_FAULTS_H

#include <stdint.h>

enum upgrade_fault {
    FAULT_NONE = 0,
    FAULT_STATUS,      /* answer the upgrade with an HTTP error status */
    FAULT_BAD_ACCEPT,  /* 101 with a wrong Sec-WebSocket-Accept */
    FAULT_STALL,       /* read the upgrade request, never answer */
    FAULT_CLOSE,       /* close the connection instead of answering */
    FAULT_TLS_CLOSE    /* close the next connections during the TLS handshake */
};

void faults_arm(enum upgrade_fault fault, int status, uint64_t count);
/* Takes one armed upgrade fault (not FAULT_TLS_CLOSE), or FAULT_NONE. */
enum upgrade_fault faults_take_upgrade(int *status);
/* True (once per armed count) when this new connection must die in its TLS handshake. */
int faults_take_tls_close(void);

#endif
