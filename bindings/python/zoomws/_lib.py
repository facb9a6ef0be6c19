"""Loading libzoomws and declaring the C prototypes the package uses.

The library is found, in this order, at the path given to load_library(), at
the path in the environment variable ZOOMWS_LIBRARY, or by the system loader
under its SONAME (libzoomws.so.<ABI_VERSION_MAJOR>). Its run-time major version
must equal ABI_VERSION_MAJOR: within a major version the ABI only grows, so any
0.x library works with this package.
"""
from __future__ import annotations

import ctypes
import os
import threading
from ctypes import CFUNCTYPE, c_char_p, c_int, c_int64, c_size_t, c_uint, c_void_p

from .errors import LibraryError, LibraryVersionError

#: ZWS_VERSION_MAJOR of the include/zoomws.h this package was written against.
#: The tests check that it still matches the header.
ABI_VERSION_MAJOR = 1

#: The library's SONAME, as the system loader knows it.
SONAME = "libzoomws.so.%d" % ABI_VERSION_MAJOR

# Callback types (zws_event_cb, zws_state_cb, zws_log_cb). Handles are passed
# as c_void_p: they arrive in Python as int (or None for NULL).
EVENT_CB = CFUNCTYPE(None, c_void_p, c_void_p, c_void_p)
STATE_CB = CFUNCTYPE(None, c_void_p, c_void_p, c_void_p)
LOG_CB = CFUNCTYPE(None, c_void_p, c_int, c_char_p, c_void_p)
TOKEN_CB = CFUNCTYPE(None, c_void_p, c_void_p)

# name: (restype, argtypes). Every function the package calls is declared here.
_PROTOTYPES = {
    "zws_version": (c_char_p, []),
    "zws_version_number": (c_uint, []),
    "zws_strerror": (c_char_p, [c_int]),
    "zws_state_name": (c_char_p, [c_int]),
    "zws_status_state": (c_int, [c_void_p]),
    "zws_status_previous": (c_int, [c_void_p]),
    "zws_status_error": (c_int, [c_void_p]),
    "zws_status_message": (c_char_p, [c_void_p]),
    "zws_status_permanent": (c_int, [c_void_p]),
    "zws_status_close_code": (c_int, [c_void_p]),
    "zws_status_close_reason": (c_char_p, [c_void_p]),
    "zws_status_retry_ms": (c_int64, [c_void_p]),
    "zws_status_attempt": (c_int, [c_void_p]),
    "zws_status_lost_at_ms": (c_int64, [c_void_p]),
    "zws_status_gap_ms": (c_int64, [c_void_p]),
    "zws_client_new": (c_void_p, []),
    "zws_client_free": (None, [c_void_p]),
    "zws_client_set_str": (c_int, [c_void_p, c_int, c_char_p]),
    "zws_client_set_int": (c_int, [c_void_p, c_int, c_int64]),
    "zws_client_config_from_env": (c_int, [c_void_p]),
    "zws_client_set_log_cb": (c_int, [c_void_p, LOG_CB, c_void_p]),
    "zws_client_set_state_cb": (c_int, [c_void_p, STATE_CB, c_void_p]),
    "zws_client_on": (c_int, [c_void_p, c_char_p, EVENT_CB, c_void_p]),
    "zws_client_off": (c_int, [c_void_p, c_int]),
    "zws_client_connect": (c_int, [c_void_p]),
    "zws_client_get_fd": (c_int, [c_void_p]),
    "zws_client_dispatch": (c_int, [c_void_p]),
    "zws_client_stop": (None, [c_void_p]),
    "zws_client_state": (c_int, [c_void_p]),
    "zws_client_last_error": (c_char_p, [c_void_p]),
    "zws_event_name": (c_char_p, [c_void_p]),
    "zws_event_ts": (c_int64, [c_void_p]),
    # returned as an address: the text is copied with string_at(ptr, len)
    "zws_event_json": (c_void_p, [c_void_p]),
    "zws_event_json_len": (c_size_t, [c_void_p]),
}

# Functions added after the first 0.x release: declared when the library
# exports them (Library.has()); the methods using them say what is missing.
_OPTIONAL_PROTOTYPES = {
    "zws_client_set_token_provider": (c_int, [c_void_p, TOKEN_CB, c_void_p]),
    "zws_client_provide_token": (c_int, [c_void_p, c_char_p, c_int64]),
    "zws_client_token_failed": (c_int, [c_void_p, c_char_p, c_int]),
    "zws_client_invalidate_token": (c_int, [c_void_p]),
}


class Library:
    """One loaded libzoomws: its path, version, and the declared functions
    as attributes (lib.zws_client_new(), ...)."""

    def __init__(self, path: str):
        try:
            cdll = ctypes.CDLL(path)
        except OSError as e:
            raise LibraryError(
                "cannot load libzoomws from %r: %s (install the library, or set "
                "ZOOMWS_LIBRARY to the path of %s)" % (path, e, SONAME)) from e
        for name, (restype, argtypes) in _PROTOTYPES.items():
            try:
                fn = getattr(cdll, name)
            except AttributeError as e:
                raise LibraryError("%s does not export %s: not a compatible libzoomws"
                                   % (path, name)) from e
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name, fn)
        self._optional = set()
        for name, (restype, argtypes) in _OPTIONAL_PROTOTYPES.items():
            fn = getattr(cdll, name, None)
            if fn is not None:
                fn.restype = restype
                fn.argtypes = argtypes
                setattr(self, name, fn)
                self._optional.add(name)
        self.path = path
        self._cdll = cdll
        self.version_number = int(self.zws_version_number())
        self.version = self.zws_version().decode("ascii", "replace")
        major = self.version_number >> 16
        if major != ABI_VERSION_MAJOR:
            raise LibraryVersionError(
                "%s is libzoomws %s (major version %d), but this zoomws package "
                "supports major version %d only; install a matching library or "
                "package" % (path, self.version, major, ABI_VERSION_MAJOR))

    def has(self, name: str) -> bool:
        """Whether this library has an optional function (zws_client_set_token_provider...)."""
        return name in _PROTOTYPES or name in self._optional

    def need(self, name: str):
        """The optional function, or LibraryError naming what is missing."""
        if name not in self._optional:
            raise LibraryError("%s (libzoomws %s) has no %s: a newer libzoomws is needed"
                               % (self.path, self.version, name))
        return getattr(self, name)

    def strerror(self, code: int) -> str:
        return self.zws_strerror(code).decode("utf-8", "replace")

    def __repr__(self) -> str:
        return "<zoomws.Library %s from %r>" % (self.version, self.path)


_lock = threading.Lock()
_default = None  # the Library used by clients created without library=
_loaded = {}  # path -> Library


def load_library(path=None) -> Library:
    """Loads libzoomws and makes it the default for new clients.

    path: a file name or path (os.PathLike accepted). Without one, the
    environment variable ZOOMWS_LIBRARY, then the system loader (SONAME).
    Raises LibraryError if it cannot be loaded, LibraryVersionError if its
    major version is not ABI_VERSION_MAJOR.
    """
    global _default
    if path is None:
        path = os.environ.get("ZOOMWS_LIBRARY") or SONAME
    lib = _load(path)
    with _lock:
        _default = lib
    return lib


def _load(path) -> Library:
    path = os.fspath(path)
    with _lock:
        lib = _loaded.get(path)
        if lib is None:
            lib = _loaded[path] = Library(path)
        return lib


def default_library() -> Library:
    """The default Library, loading it on first use."""
    lib = _default
    return lib if lib is not None else load_library()


def as_library(library) -> Library:
    """library= argument of Client: None (the default), a Library, or a path."""
    if library is None:
        return default_library()
    if isinstance(library, Library):
        return library
    return _load(library)
