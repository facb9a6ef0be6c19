/* Error strings, state names and the run-time version. */
#include "internal.h"

#define STR2(x) #x
#define STR(x) STR2(x)

const char *zws_version(void)
{
    return STR(ZWS_VERSION_MAJOR) "." STR(ZWS_VERSION_MINOR) "." STR(ZWS_VERSION_PATCH);
}

unsigned zws_version_number(void)
{
    return ZWS_VERSION_NUMBER;
}

const char *zws_strerror(int code)
{
    switch (code) {
    case ZWS_OK: return "success";
    case ZWS_E_INVALID: return "invalid argument";
    case ZWS_E_STATE: return "operation not allowed in the current state";
    case ZWS_E_CONFIG: return "missing or inconsistent configuration";
    case ZWS_E_NOT_FOUND: return "not found";
    case ZWS_E_TYPE: return "value has another type";
    case ZWS_E_NOMEM: return "out of memory";
    case ZWS_E_SYSTEM: return "system call failed";
    case ZWS_E_RESOLVE: return "host name could not be resolved";
    case ZWS_E_CONNECT: return "TCP connection failed";
    case ZWS_E_TLS: return "TLS failure";
    case ZWS_E_TLS_VERIFY: return "TLS certificate verification failed";
    case ZWS_E_TIMEOUT: return "timed out";
    case ZWS_E_CLOSED: return "connection closed";
    case ZWS_E_HTTP: return "unexpected HTTP status";
    case ZWS_E_HANDSHAKE: return "invalid WebSocket handshake";
    case ZWS_E_PROTOCOL: return "WebSocket protocol error";
    case ZWS_E_TOO_BIG: return "message too big";
    case ZWS_E_TOKEN: return "token request failed";
    case ZWS_E_AUTH: return "credentials refused";
    case ZWS_E_TOKEN_REJECTED: return "access token rejected by Zoom";
    case ZWS_E_REFUSED: return "connection refused by Zoom";
    case ZWS_E_REPLACED: return "connection replaced by another one on the same subscription";
    default: return "unknown error";
    }
}

const char *zws_state_name(int state)
{
    static const char *const names[] = {"IDLE", "AUTHENTICATING", "CONNECTING", "TLS_HANDSHAKE",
                                        "UPGRADING", "OPEN", "CLOSING", "BACKOFF", "CLOSED"};
    if (state < 0 || state >= (int)(sizeof names / sizeof names[0]))
        return "UNKNOWN";
    return names[state];
}
