"""Exceptions: one class per family of ZWS_E_* codes.

Every error the library reports is a ZoomWSError carrying the code (an Error
member), the library's detailed message (zws_client_last_error, secrets
redacted) and the code's static description (zws_strerror).
"""
from __future__ import annotations

from .constants import Error


class LibraryError(ImportError):
    """libzoomws could not be loaded, or is not a compatible build."""


class LibraryVersionError(LibraryError):
    """The loaded libzoomws has another major version than this package."""


class ZoomWSError(Exception):
    """A libzoomws error: ZoomWSError(code, message).

    code: the Error member (or the raw int for a code this package does not
    know); message: the detail; description: zws_strerror(code).
    """

    def __init__(self, code: int, message: str = "", description: str = ""):
        try:
            code = Error(code)
        except ValueError:
            pass
        super().__init__(code, message)
        self.code = code
        self.message = message or description or str(code)
        self.description = description

    @property
    def permanent(self) -> bool:
        """True for the codes the library never retries (bad credentials, an
        untrusted certificate)."""
        return self.code in (Error.AUTH, Error.TLS_VERIFY)

    def __str__(self) -> str:
        name = self.code.name if isinstance(self.code, Error) else str(self.code)
        if self.description and self.description != self.message:
            return "%s (%s: %s)" % (self.message, name, self.description)
        return "%s (%s)" % (self.message, name)


class InvalidArgumentError(ZoomWSError, ValueError):
    """ZWS_E_INVALID: an argument is malformed or out of range."""


class StateError(ZoomWSError):
    """ZWS_E_STATE: not allowed in the client's current state."""


class ConfigError(ZoomWSError):
    """ZWS_E_CONFIG: a required option is missing or inconsistent."""


class NotFoundError(ZoomWSError, LookupError):
    """ZWS_E_NOT_FOUND: no such handler."""


class SystemCallError(ZoomWSError, OSError):
    """ZWS_E_NOMEM / ZWS_E_SYSTEM: out of memory or a system call failed."""


class NetworkError(ZoomWSError, ConnectionError):
    """ZWS_E_RESOLVE, _CONNECT, _TIMEOUT, _CLOSED, _REPLACED: the network
    failed, or the server closed the connection."""


class TLSError(NetworkError):
    """ZWS_E_TLS: the TLS handshake or TLS I/O failed."""


class TLSVerifyError(TLSError):
    """ZWS_E_TLS_VERIFY: the server's certificate failed verification (permanent)."""


class ProtocolError(ZoomWSError):
    """ZWS_E_HTTP, _HANDSHAKE, _PROTOCOL, _TOO_BIG: unexpected HTTP or WebSocket."""


class TokenError(ZoomWSError):
    """ZWS_E_TOKEN / ZWS_E_TOKEN_REJECTED: the token endpoint failed
    transiently, or Zoom refused the access token."""


class AuthError(ZoomWSError):
    """ZWS_E_AUTH: the credentials were refused (permanent)."""


class RefusedError(ZoomWSError):
    """ZWS_E_REFUSED: Zoom refused the connection (e.g. unknown subscription)."""


_CLASSES = {
    Error.INVALID: InvalidArgumentError,
    Error.STATE: StateError,
    Error.CONFIG: ConfigError,
    Error.NOT_FOUND: NotFoundError,
    Error.TYPE: InvalidArgumentError,
    Error.NOMEM: SystemCallError,
    Error.SYSTEM: SystemCallError,
    Error.RESOLVE: NetworkError,
    Error.CONNECT: NetworkError,
    Error.TLS: TLSError,
    Error.TLS_VERIFY: TLSVerifyError,
    Error.TIMEOUT: NetworkError,
    Error.CLOSED: NetworkError,
    Error.HTTP: ProtocolError,
    Error.HANDSHAKE: ProtocolError,
    Error.PROTOCOL: ProtocolError,
    Error.TOO_BIG: ProtocolError,
    Error.TOKEN: TokenError,
    Error.AUTH: AuthError,
    Error.TOKEN_REJECTED: TokenError,
    Error.REFUSED: RefusedError,
    Error.REPLACED: NetworkError,
}


def error_class(code: int) -> type:
    """The ZoomWSError subclass for a ZWS_E_* code."""
    return _CLASSES.get(code, ZoomWSError)


def make_error(code: int, message: str = "", description: str = "") -> ZoomWSError:
    """An instance of the matching subclass."""
    return error_class(code)(code, message, description)
