"""The C enums of include/zoomws.h as Python IntEnums."""
from __future__ import annotations

import enum
import logging


class State(enum.IntEnum):
    """enum zws_state: the client's connection state."""
    IDLE = 0            #: created, not connected yet
    AUTHENTICATING = 1  #: fetching an access token
    CONNECTING = 2      #: DNS and TCP connect
    TLS_HANDSHAKE = 3   #: TLS handshake with the WebSocket host
    UPGRADING = 4       #: HTTP upgrade, then waiting for build_connection
    OPEN = 5            #: build_connection succeeded: events flow
    CLOSING = 6         #: WebSocket close handshake in progress
    BACKOFF = 7         #: waiting before the next reconnect attempt
    CLOSED = 8          #: stopped, or failed permanently


class Error(enum.IntEnum):
    """enum zws_error: the library's negative return codes."""
    OK = 0
    INVALID = -100
    STATE = -101
    CONFIG = -102
    NOT_FOUND = -103
    TYPE = -104
    NOMEM = -200
    SYSTEM = -201
    RESOLVE = -300
    CONNECT = -301
    TLS = -302
    TLS_VERIFY = -303
    TIMEOUT = -304
    CLOSED = -305
    HTTP = -400
    HANDSHAKE = -401
    PROTOCOL = -402
    TOO_BIG = -403
    TOKEN = -500
    AUTH = -501
    TOKEN_REJECTED = -502
    REFUSED = -503
    REPLACED = -504


class LogLevel(enum.IntEnum):
    """enum zws_log_level."""
    ERROR = 0
    WARN = 1
    INFO = 2
    DEBUG = 3

    @property
    def logging_level(self) -> int:
        """The matching level of the logging module."""
        return _TO_LOGGING[self]

    @classmethod
    def from_logging(cls, level: int) -> "LogLevel":
        """The most verbose library level a logging level lets through."""
        if level <= logging.DEBUG:
            return cls.DEBUG
        if level <= logging.INFO:
            return cls.INFO
        if level <= logging.WARNING:
            return cls.WARN
        return cls.ERROR


_TO_LOGGING = {
    LogLevel.ERROR: logging.ERROR,
    LogLevel.WARN: logging.WARNING,
    LogLevel.INFO: logging.INFO,
    LogLevel.DEBUG: logging.DEBUG,
}


class Option(enum.IntEnum):
    """enum zws_option. String options are < 100, integer options >= 100.
    A library older than an option refuses it (InvalidArgumentError)."""
    ACCOUNT_ID = 1
    CLIENT_ID = 2
    CLIENT_SECRET = 3
    SUBSCRIPTION = 4
    OAUTH_URL = 5
    WS_URL = 6
    CA_FILE = 7
    CA_PATH = 8
    CLIENT_CERT = 9
    CLIENT_KEY = 10
    PINNED_PUBKEY = 11
    PROXY = 12
    NO_PROXY = 13
    HEARTBEAT_MS = 100
    LIVENESS_MS = 101
    TOKEN_MARGIN_MS = 102
    RECONNECT_BASE_MS = 103
    RECONNECT_MAX_MS = 104
    CONNECT_TIMEOUT_MS = 105
    HTTP_TIMEOUT_MS = 106
    MAX_MESSAGE_BYTES = 107
    AUTO_RECONNECT = 108
    LOG_LEVEL = 109
    TLS_MIN_VERSION = 110
    INSECURE_SKIP_VERIFY = 111

    @property
    def is_string(self) -> bool:
        return self < 100

    @property
    def is_path(self) -> bool:
        return self in (Option.CA_FILE, Option.CA_PATH, Option.CLIENT_CERT, Option.CLIENT_KEY)
