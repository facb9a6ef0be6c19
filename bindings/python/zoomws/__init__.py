"""zoomws: Python bindings (ctypes) for libzoomws, which keeps an application
connected to Zoom's WebSocket event subscriptions.

    import zoomws

    client = zoomws.Client.from_env()        # ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID, ...

    @client.on("meeting.participant_joined")
    def joined(event):
        print(event.payload["object"]["participant"]["user_name"], "joined")

    client.run()                              # Ctrl-C closes cleanly and returns

The shared library is found through load_library(): an explicit path, the
ZOOMWS_LIBRARY environment variable, or the system loader (libzoomws.so.1).
"""
from . import _lib
from ._lib import ABI_VERSION_MAJOR, SONAME, Library, load_library
from .client import Client
from .constants import Error, LogLevel, Option, State
from .errors import (AuthError, ConfigError, InvalidArgumentError, LibraryError,
                     LibraryVersionError, NetworkError, NotFoundError, ProtocolError,
                     RefusedError, StateError, SystemCallError, TLSError, TLSVerifyError,
                     TokenError, ZoomWSError)
from .event import Event, Status

__version__ = "1.1.0"

__all__ = [
    "ABI_VERSION_MAJOR", "SONAME", "Library", "load_library", "library_version",
    "Client", "Event", "Status", "State", "Error", "LogLevel", "Option",
    "ZoomWSError", "AuthError", "ConfigError", "InvalidArgumentError", "LibraryError",
    "LibraryVersionError", "NetworkError", "NotFoundError", "ProtocolError", "RefusedError",
    "StateError", "SystemCallError", "TLSError", "TLSVerifyError", "TokenError",
]


def library_version() -> str:
    """The run-time version of the default libzoomws, "MAJOR.MINOR.PATCH"
    (loading it if needed)."""
    return _lib.default_library().version
