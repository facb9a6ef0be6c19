"""The Client: one connection to a Zoom WebSocket event subscription."""
from __future__ import annotations

import asyncio
import ctypes
import inspect
import itertools
import logging
import os
import select
import threading
import time
import weakref
from typing import Any, Callable, Dict, List, Optional, Union

from . import _lib
from .constants import Error, LogLevel, Option, State
from .errors import (AuthError, InvalidArgumentError, NotFoundError, StateError,
                     ZoomWSError, make_error)
from .event import Event, Status

__all__ = ["Client"]

log = logging.getLogger("zoomws")

#: run() in the main thread wakes this often (ms) even when idle, so that a
#: signal delivered to another thread still reaches Python's handlers soon.
SIGNAL_CHECK_MS = 200

# Option names accepted by Client(...), Client.from_env(...) and configure().
_OPTIONS = {o.name.lower(): o for o in Option}
_SECRET_OPTIONS = (Option.CLIENT_SECRET, Option.PROXY)  # a proxy URL may hold a password

# ------------------------------------------------------------ C callbacks
#
# Three module-level trampolines serve every client: they live as long as the
# module, so no ctypes callback object can be collected while the library
# holds its pointer. They find the Client by the zws_client pointer the
# library passes (a weak reference: a dropped Client is freed normally), and
# the event trampoline finds the handler by the user pointer, a per-client
# key. Nothing raised in Python ever unwinds into C.

_clients: Dict[int, "weakref.ref[Client]"] = {}


def _client_for(ptr: Optional[int]) -> Optional["Client"]:
    ref = _clients.get(ptr) if ptr else None
    return ref() if ref is not None else None


def _unexpected(client: Optional["Client"], exc: BaseException) -> None:
    try:
        if client is not None:
            client._swallow(exc, None)
        else:
            log.error("zoomws: unexpected error in a library callback",
                      exc_info=(type(exc), exc, exc.__traceback__))
    except BaseException:  # pragma: no cover - nothing left to do safely
        pass


def _event_trampoline(cptr, ev, user):
    client = None
    try:
        client = _client_for(cptr)
        if client is not None:
            client._on_event(ev, user)
    except BaseException as e:
        _unexpected(client, e)


def _state_trampoline(cptr, st, user):
    client = None
    try:
        client = _client_for(cptr)
        if client is not None:
            client._on_status(st)
    except BaseException as e:
        _unexpected(client, e)


_LOG_LEVELS = {int(lv): lv.logging_level for lv in LogLevel}


def _log_trampoline(cptr, level, line, user):
    try:
        log.log(_LOG_LEVELS.get(level, logging.INFO), "%s",
                (line or b"").decode("utf-8", "replace"))
    except BaseException as e:
        _unexpected(_client_for(cptr), e)


def _token_trampoline(cptr, user):
    client = None
    try:
        client = _client_for(cptr)
        if client is not None:
            client._on_token_request()
    except BaseException as e:
        _unexpected(client, e)


_EVENT_CB = _lib.EVENT_CB(_event_trampoline)
_STATE_CB = _lib.STATE_CB(_state_trampoline)
_LOG_CB = _lib.LOG_CB(_log_trampoline)
_TOKEN_CB = _lib.TOKEN_CB(_token_trampoline)


class _Handler:
    __slots__ = ("id", "pattern", "fn")

    def __init__(self, id: int, pattern: str, fn: Callable):
        self.id, self.pattern, self.fn = id, pattern, fn


def _text(b: Optional[bytes]) -> str:
    return b.decode("utf-8", "replace") if b else ""


class Client:
    """A connection to one Zoom WebSocket event subscription.

    Client(account_id=..., client_id=..., client_secret=..., subscription=...,
           oauth_url=None, ws_url=None, ca_file=None, heartbeat_ms=None,
           *, library=None, **options)

    Arguments left None keep the library's defaults (Zoom's production URLs,
    the system CA store, 30 s heartbeats). Other options, by the lower-case
    name of their ZWS_OPT_*: liveness_ms, token_margin_ms, reconnect_base_ms,
    reconnect_max_ms, connect_timeout_ms, http_timeout_ms, max_message_bytes,
    auto_reconnect (bool), log_level (a LogLevel; by default derived from the
    level of the "zoomws" logger when connecting), and with a libzoomws that
    has them: ca_path, client_cert, client_key, pinned_pubkey, proxy,
    no_proxy, tls_min_version (12 or 13), insecure_skip_verify (testing
    only). subscription may also be
    the whole endpoint URL the Marketplace shows. library: a Library or a
    path; default: zoomws.load_library().

    Handlers, state callbacks and the error hook run on the thread that calls
    run(), dispatch() or connect(), never concurrently. Only stop() may be
    called from another thread or from a signal handler.
    """

    def __init__(self, account_id: Optional[str] = None, client_id: Optional[str] = None,
                 client_secret: Optional[str] = None, subscription: Optional[str] = None,
                 oauth_url: Optional[str] = None, ws_url: Optional[str] = None,
                 ca_file: Union[str, os.PathLike, None] = None,
                 heartbeat_ms: Optional[int] = None, *, library=None, **options: Any):
        self._ptr: Optional[int] = None
        self._lib = _lib.as_library(library)
        for name in options:
            if name not in _OPTIONS:
                raise TypeError("Client() got an unknown option %r (known: %s)"
                                % (name, ", ".join(sorted(_OPTIONS))))
        ptr = self._lib.zws_client_new()
        if not ptr:
            raise MemoryError("zws_client_new failed")
        self._ptr = ptr
        self._handlers: Dict[int, _Handler] = {}  # key (user pointer) -> handler
        self._keys_by_id: Dict[int, int] = {}     # handler id -> key
        self._next_key = itertools.count(1)
        self._state_fns: List[Callable[[Status], Any]] = []
        self._error_hook: Optional[Callable[[BaseException, Any], Any]] = None
        self._token_provider: Optional[Callable[[], Any]] = None
        self._deferred: Optional[BaseException] = None
        self._depth = 0  # > 0 while the library may call back into Python
        self._log_level_set = False
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._waiter: Optional[asyncio.Future] = None
        self._tasks: set = set()
        self.status: Optional[Status] = None  #: the last state transition seen
        _clients[ptr] = weakref.ref(self)
        self._lib.zws_client_set_log_cb(ptr, _LOG_CB, None)
        self._lib.zws_client_set_state_cb(ptr, _STATE_CB, None)
        self._sync_log_level()
        self.configure(account_id=account_id, client_id=client_id,
                       client_secret=client_secret, subscription=subscription,
                       oauth_url=oauth_url, ws_url=ws_url, ca_file=ca_file,
                       heartbeat_ms=heartbeat_ms, **options)

    @classmethod
    def from_env(cls, *, library=None, **options: Any) -> "Client":
        """A client configured from ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID,
        ZOOM_CLIENT_SECRET, ZOOM_SUBSCRIPTION_ID (id or endpoint URL),
        ZOOM_OAUTH_URL, ZOOM_WS_URL and ZOOM_CA_FILE (unset variables keep the
        defaults), then from the options given here, which win."""
        client = cls(library=library)
        try:
            client._call(client._lib.zws_client_config_from_env)
            client.configure(**options)
        except BaseException:
            client.close()
            raise
        return client

    # ------------------------------------------------------------ options

    def configure(self, **options: Any) -> None:
        """Sets options by name (see the class documentation); None leaves
        an option unchanged. Changes apply to the next connection attempt.
        Raises TypeError for an unknown name, InvalidArgumentError for a
        value the library refuses."""
        for name, value in options.items():
            option = _OPTIONS.get(name)
            if option is None:
                raise TypeError("unknown option %r (known: %s)"
                                % (name, ", ".join(sorted(_OPTIONS))))
            if value is not None:
                self.set_option(option, value)

    def set_option(self, option: Union[Option, str], value: Any) -> None:
        """Sets one option: an Option member or its lower-case name. For a
        string option, None or "" restores the default."""
        ptr = self._handle()
        if isinstance(option, str):
            if option not in _OPTIONS:
                raise TypeError("unknown option %r" % option)
            option = _OPTIONS[option]
        option = Option(option)
        if option.is_string:
            if value is None:
                raw = None
            elif isinstance(value, (str, os.PathLike)):
                raw = os.fsencode(value) if option.is_path else str(value).encode()
            else:
                raise TypeError("option %s takes a string, not %s"
                                % (option.name.lower(), type(value).__name__))
            if raw is not None and b"\0" in raw:
                raise InvalidArgumentError(Error.INVALID, "option %s contains a NUL character"
                                           % option.name.lower())
            rc = self._lib.zws_client_set_str(ptr, option, raw)
        else:
            if option == Option.LOG_LEVEL:
                self._log_level_set = True
            if not isinstance(value, int):  # bool is an int: auto_reconnect=True
                raise TypeError("option %s takes an integer, not %s"
                                % (option.name.lower(), type(value).__name__))
            rc = self._lib.zws_client_set_int(ptr, option, int(value))
        if rc < 0:
            shown = "***" if option in _SECRET_OPTIONS else repr(value)
            raise make_error(rc, "invalid value for option %s: %s" % (option.name.lower(), shown),
                             self._lib.strerror(rc))

    def _sync_log_level(self) -> None:
        if not self._log_level_set:
            level = LogLevel.from_logging(log.getEffectiveLevel())
            self._lib.zws_client_set_int(self._handle(), Option.LOG_LEVEL, int(level))

    # ------------------------------------------------------------ handlers

    def on(self, pattern: str, fn: Optional[Callable[[Event], Any]] = None):
        """Registers fn(event) for events matching pattern: an exact name
        ("meeting.started"), a prefix wildcard ("meeting.*") or "*". Handlers
        run in registration order. Usable as a decorator (@client.on("x"));
        returns fn. A handler may be a coroutine function under run_async()."""
        if fn is None:
            return lambda f: self.on(pattern, f)
        self.add_handler(pattern, fn)
        return fn

    def add_handler(self, pattern: str, fn: Callable[[Event], Any]) -> int:
        """Like on(), but returns the handler id (for off())."""
        ptr = self._handle()
        if not callable(fn):
            raise TypeError("handler must be callable")
        raw = pattern.encode("utf-8")
        key = next(self._next_key)
        rc = self._lib.zws_client_on(ptr, raw, _EVENT_CB, key)
        if rc < 0:
            raise make_error(rc, "invalid event pattern %r (an exact name, a prefix "
                                 "ending in '*', or '*')" % pattern, self._lib.strerror(rc))
        self._handlers[key] = _Handler(rc, pattern, fn)
        self._keys_by_id[rc] = key
        return rc

    def off(self, fn_or_id: Union[Callable, int]) -> int:
        """Unregisters a handler by id, or every registration of a function.
        Safe from a handler. Returns how many were removed; raises
        NotFoundError if none."""
        ptr = self._handle()
        if isinstance(fn_or_id, int):
            ids = [fn_or_id] if fn_or_id in self._keys_by_id else []
        else:
            ids = [h.id for h in self._handlers.values() if h.fn == fn_or_id]
        if not ids:
            raise NotFoundError(Error.NOT_FOUND, "no such handler: %r" % (fn_or_id,),
                                self._lib.strerror(Error.NOT_FOUND))
        for hid in ids:
            self._lib.zws_client_off(ptr, hid)
            self._handlers.pop(self._keys_by_id.pop(hid), None)
        return len(ids)

    def on_state(self, fn: Callable[[Status], Any]):
        """Registers fn(status) for every state transition (a Status).
        Usable as a decorator; returns fn."""
        if not callable(fn):
            raise TypeError("state callback must be callable")
        self._state_fns.append(fn)
        return fn

    def off_state(self, fn: Callable[[Status], Any]) -> None:
        """Unregisters a state callback (ValueError if not registered)."""
        self._state_fns.remove(fn)

    def on_error(self, fn: Optional[Callable[[BaseException, Any], Any]]):
        """Sets the hook fn(exception, event_or_status) called when a handler
        or state callback raises; None restores the default, logging the
        traceback to the "zoomws" logger at ERROR. Returns fn."""
        if fn is not None and not callable(fn):
            raise TypeError("error hook must be callable")
        self._error_hook = fn
        return fn

    # ------------------------------------------------------------ tokens

    def set_token_provider(self, fn: Optional[Callable[[], Any]]):
        """Replaces the built-in Server-to-Server OAuth request with fn(),
        called whenever the client needs an access token (None restores the
        built-in request). fn may return (token, lifetime_s) to answer at
        once; or a coroutine (under run_async()) returning that; or None and
        answer later with provide_token() / token_failed(), on the thread
        that drives the client. An exception raised by fn (or its coroutine)
        reports a failure: permanent (the client closes with AuthError) if it
        is an AuthError, else retried with backoff. Without an answer within
        http_timeout_ms, the attempt times out and is retried. Returns fn
        (usable as a decorator). Needs a libzoomws with token providers."""
        set_provider = self._lib.need("zws_client_set_token_provider")
        if fn is not None and not callable(fn):
            raise TypeError("token provider must be callable")
        self._token_provider = fn
        rc = set_provider(self._handle(), _TOKEN_CB if fn is not None else _lib.TOKEN_CB(), None)
        if rc < 0:
            raise make_error(rc, "cannot set the token provider", self._lib.strerror(rc))
        return fn

    def provide_token(self, token: str, lifetime_s: float) -> None:
        """Supplies an access token valid for lifetime_s seconds (the answer
        of a token provider, or a fresh token at any time)."""
        if not isinstance(token, str) or not token or "\0" in token:
            raise InvalidArgumentError(Error.INVALID, "the token must be a non-empty string")
        self._external(self._lib.need("zws_client_provide_token"), token.encode(),
                       int(lifetime_s))

    def token_failed(self, message: str = "", permanent: bool = False) -> None:
        """Reports that the token provider could not get a token: permanent
        closes the client (AuthError), otherwise the attempt is retried with
        backoff. StateError if no token was being asked for."""
        self._external(self._lib.need("zws_client_token_failed"),
                       str(message).replace("\0", " ").encode("utf-8", "replace"),
                       1 if permanent else 0)

    def invalidate_token(self) -> None:
        """Forgets the cached token: the next connection attempt gets a new
        one. The open connection is kept."""
        self._external(self._lib.need("zws_client_invalidate_token"))

    def _external(self, fn, *args) -> None:
        """A call that may change the state outside dispatch."""
        try:
            self._call(fn, *args)
        finally:
            if not self._depth:
                self._resolve_waiter()

    def _on_token_request(self) -> None:
        fn = self._token_provider
        if fn is None:
            return
        try:
            result = fn()
        except Exception as e:
            self._provider_failed(e)
            return
        self._provider_answer(result)

    def _provider_answer(self, result: Any) -> None:
        if result is None:
            return  # the provider answers later
        if inspect.isawaitable(result):
            if self._loop is None:
                if inspect.iscoroutine(result):
                    result.close()
                self._provider_failed(TypeError(
                    "a coroutine token provider needs the client to run under run_async()"))
                return
            task = asyncio.ensure_future(result, loop=self._loop)
            self._tasks.add(task)

            def done(t):
                self._tasks.discard(t)
                try:
                    if t.cancelled():
                        self._provider_failed(asyncio.CancelledError("token provider cancelled"))
                    elif t.exception() is not None:
                        self._provider_failed(t.exception())
                    else:
                        self._provider_answer(t.result())
                except Exception as e:  # e.g. the client was closed meanwhile
                    self._swallow(e, None)
            task.add_done_callback(done)
            return
        try:
            token, lifetime_s = result
        except (TypeError, ValueError):
            self._provider_failed(TypeError("a token provider returns (token, lifetime_s) "
                                            "or None, not %r" % (type(result).__name__,)))
            return
        self.provide_token(token, lifetime_s)

    def _provider_failed(self, exc: BaseException) -> None:
        if self._ptr is None:
            return
        self.token_failed("%s: %s" % (type(exc).__name__, exc), isinstance(exc, AuthError))

    # ------------------------------------------------------------ running

    def connect(self) -> None:
        """Starts connecting, without blocking (for your own event loop: then
        wait for fileno() to be readable and call dispatch()). Raises
        ConfigError if credentials or the subscription are missing,
        StateError if already started."""
        self._check_driver("connect")
        self._sync_log_level()
        self._call(self._lib.zws_client_connect)

    def fileno(self) -> int:
        """The client's pollable file descriptor, stable for its lifetime."""
        return self._lib.zws_client_get_fd(self._handle())

    def dispatch(self) -> None:
        """Does the ready work without blocking and calls the callbacks; call
        it whenever fileno() is readable. Raises the matching ZoomWSError
        (e.g. AuthError, TLSVerifyError) when a permanent failure closed the
        client in this call. KeyboardInterrupt or SystemExit raised in a
        handler is re-raised here, after the library has returned."""
        self._check_driver("dispatch")
        self._dispatch()

    def _dispatch(self) -> None:
        self._call(self._lib.zws_client_dispatch)

    def run(self, *, raise_on_interrupt: bool = False) -> None:
        """Connects (if not started) and dispatches until the client is
        CLOSED: after stop(), or after a permanent failure, which is raised
        (AuthError, TLSVerifyError, ...). Transient failures are retried
        for ever, reported to state callbacks.

        Ctrl-C (KeyboardInterrupt, in the poll or in a handler) closes the
        connection gracefully (close code 1000), then run() returns normally,
        or re-raises the KeyboardInterrupt if raise_on_interrupt is true. Any
        other exception out of a signal handler (e.g. SystemExit from
        sys.exit in a SIGTERM handler), or SystemExit from a handler, also
        closes gracefully, then is re-raised. A second interrupt during the
        close handshake (at most 5 s) is raised at once.
        """
        self._check_driver("run")
        poller = select.poll()
        poller.register(self.fileno(), select.POLLIN)
        in_main = threading.current_thread() is threading.main_thread()
        timeout = SIGNAL_CHECK_MS if in_main else None
        caught: Optional[BaseException] = None
        failure: Optional[ZoomWSError] = None
        start = self.state in (State.IDLE, State.CLOSED)
        while True:
            try:
                if start:
                    start = False
                    self.connect()  # raises ConfigError (still IDLE) at once
                if self.state == State.CLOSED:
                    break
                if poller.poll(timeout):
                    self._dispatch()
            except ZoomWSError as e:
                if self.state != State.CLOSED:
                    raise
                failure = e
                break
            except BaseException as e:
                if caught is not None:
                    raise  # interrupted again while closing: give up at once
                caught = e
                log.debug("run() interrupted by %s: closing", type(e).__name__)
                self.stop()
        if caught is not None:
            if isinstance(caught, KeyboardInterrupt) and not raise_on_interrupt:
                return
            raise caught
        if failure is None:  # e.g. a token provider refused outside dispatch
            failure = self._permanent_failure()
        if failure is not None:
            raise failure

    async def run_async(self) -> None:
        """The asyncio version of run(): watches fileno() with
        loop.add_reader (no thread) until the client is CLOSED. Returns after
        stop(); raises a permanent failure. Cancelling it (task.cancel(), or
        Ctrl-C under asyncio.run) closes the connection gracefully, then
        re-raises CancelledError. Coroutine handlers (and coroutine token
        providers) are scheduled as tasks on the loop; exceptions of handler
        tasks go to the error hook."""
        self._check_driver("run_async")
        loop = asyncio.get_running_loop()
        if self._loop is not None:
            raise StateError(Error.STATE, "run_async() is already running")
        self._loop = loop
        self._waiter = loop.create_future()
        fd = None
        try:
            if self.state in (State.IDLE, State.CLOSED):
                self.connect()
            fd = self.fileno()
            loop.add_reader(fd, self._on_readable)
            self._resolve_waiter()
            try:
                await self._waiter
            except asyncio.CancelledError:
                if self._ptr is not None and self.state != State.CLOSED:
                    log.debug("run_async() cancelled: closing")
                    self._waiter = loop.create_future()
                    self.stop()
                    try:
                        await self._waiter  # a second cancel abandons the close
                    except ZoomWSError:
                        pass
                raise
        finally:
            if fd is not None and self._ptr is not None:
                loop.remove_reader(fd)
            self._loop = None
            self._waiter = None

    def _on_readable(self) -> None:
        waiter = self._waiter
        try:
            if self._ptr is None:
                raise StateError(Error.STATE, "the client was closed")
            self._dispatch()
        except (KeyboardInterrupt, SystemExit):
            raise  # asyncio lets these through to whoever runs the loop
        except BaseException as e:
            if waiter is not None and not waiter.done():
                waiter.set_exception(e)
            return
        self._resolve_waiter()

    def _resolve_waiter(self) -> None:
        """Ends run_async() once the client is CLOSED (with the permanent
        failure, if that is why)."""
        waiter = self._waiter
        if waiter is None or waiter.done() or self.state != State.CLOSED:
            return
        failure = self._permanent_failure()
        if failure is not None:
            waiter.set_exception(failure)
        else:
            waiter.set_result(None)

    def _permanent_failure(self) -> Optional[ZoomWSError]:
        st = self.status
        if st is None or st.state != State.CLOSED or not st.permanent or not st.error:
            return None
        return make_error(st.error, st.message or self.last_error, self._lib.strerror(st.error))

    def stop(self) -> None:
        """Requests a graceful stop: close code 1000, then CLOSED, and run()
        or run_async() returns. Safe from any thread and from signal
        handlers; takes effect in the next dispatch, and no handler is called
        after that. As in C, a stop requested while the client is IDLE or
        CLOSED is kept: the next run() ends at once (a signal during set-up
        is not lost)."""
        ptr = self._ptr
        if ptr is not None:
            self._lib.zws_client_stop(ptr)

    @property
    def state(self) -> State:
        """The current State (CLOSED once the client is closed)."""
        if self._ptr is None:
            return State.CLOSED
        value = self._lib.zws_client_state(self._ptr)
        try:
            return State(value)
        except ValueError:  # pragma: no cover - a newer library's state
            return value

    @property
    def last_error(self) -> str:
        """The library's message about the last error, with detail ("" if
        none). Secrets are redacted."""
        if self._ptr is None:
            return ""
        return _text(self._lib.zws_client_last_error(self._ptr))

    @property
    def library(self) -> "_lib.Library":
        return self._lib

    def close(self, timeout: float = 5.0) -> None:
        """Closes the connection and frees the client. If it is connected
        and timeout > 0, first stops gracefully (close code 1000), waiting
        up to timeout seconds; otherwise closes at once. Idempotent. Not
        from one of the client's own callbacks (use stop() there)."""
        if self._ptr is None:
            return
        if self._depth:
            raise StateError(Error.STATE, "close() cannot be called from the client's own "
                                          "callbacks; call stop() instead")
        try:
            if timeout and timeout > 0 and self._loop is None and \
                    self.state not in (State.IDLE, State.CLOSED):
                self.stop()
                self._pump_until_closed(timeout)
        finally:
            self._free()

    def _pump_until_closed(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        poller = select.poll()
        poller.register(self.fileno(), select.POLLIN)
        while self.state != State.CLOSED:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            if poller.poll(min(left, SIGNAL_CHECK_MS / 1000.0) * 1000):
                try:
                    self._dispatch()
                except ZoomWSError:
                    pass

    def _free(self) -> None:
        ptr, self._ptr = self._ptr, None
        if ptr is None:
            return
        loop, waiter = self._loop, self._waiter
        if loop is not None:
            try:
                loop.remove_reader(self._lib.zws_client_get_fd(ptr))
            except Exception:  # pragma: no cover - the loop is gone
                pass
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        self._lib.zws_client_free(ptr)
        _clients.pop(ptr, None)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            if self._ptr is not None:
                self._free()  # no graceful close from a finalizer
        except Exception:
            pass

    def __repr__(self) -> str:
        if self._ptr is None:
            return "<zoomws.Client closed>"
        return "<zoomws.Client %s fd=%d>" % (self.state.name, self.fileno())

    # ------------------------------------------------------------ internals

    def _handle(self) -> int:
        if self._ptr is None:
            raise StateError(Error.STATE, "the client is closed")
        return self._ptr

    def _check_driver(self, what: str) -> None:
        self._handle()
        if self._depth:
            raise StateError(Error.STATE, "%s() cannot be called from the client's own "
                                          "callbacks" % what)

    def _call(self, fn, *args) -> None:
        """Calls a C function that may call back into Python, then (unless
        nested in a callback) raises what the callbacks deferred, then the
        function's error."""
        ptr = self._handle()
        self._depth += 1
        try:
            rc = fn(ptr, *args)
        finally:
            self._depth -= 1
        if not self._depth:
            deferred, self._deferred = self._deferred, None
            if deferred is not None:
                raise deferred
        if rc < 0:
            raise make_error(rc, self.last_error, self._lib.strerror(rc))

    def _on_event(self, ev: int, key: int) -> None:
        handler = self._handlers.get(key)
        if handler is None:
            return
        lib = self._lib
        raw = ctypes.string_at(lib.zws_event_json(ev), lib.zws_event_json_len(ev))
        event = Event(_text(lib.zws_event_name(ev)), lib.zws_event_ts(ev),
                      raw.decode("utf-8", "replace"))
        self._invoke(handler.fn, event)

    def _on_status(self, st: int) -> None:
        lib = self._lib
        status = Status(
            state=lib.zws_status_state(st), previous=lib.zws_status_previous(st),
            error=lib.zws_status_error(st), message=_text(lib.zws_status_message(st)),
            permanent=lib.zws_status_permanent(st), close_code=lib.zws_status_close_code(st),
            close_reason=_text(lib.zws_status_close_reason(st)),
            retry_ms=lib.zws_status_retry_ms(st), attempt=lib.zws_status_attempt(st),
            lost_at_ms=lib.zws_status_lost_at_ms(st), gap_ms=lib.zws_status_gap_ms(st))
        self.status = status
        for fn in list(self._state_fns):
            self._invoke(fn, status)

    def _invoke(self, fn: Callable, arg: Any) -> None:
        try:
            result = fn(arg)
            if inspect.isawaitable(result):
                self._schedule(result, arg)
        except BaseException as e:
            self._swallow(e, arg)

    def _schedule(self, awaitable, arg: Any) -> None:
        if self._loop is None:
            if inspect.iscoroutine(awaitable):
                awaitable.close()
            raise TypeError("a coroutine handler needs the client to run under run_async()")
        task = asyncio.ensure_future(awaitable, loop=self._loop)
        self._tasks.add(task)

        def done(t):
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                self._swallow(t.exception(), arg)
        task.add_done_callback(done)

    def _swallow(self, exc: BaseException, arg: Any) -> None:
        """An exception out of a callback: KeyboardInterrupt, SystemExit and
        the like are raised again once the library has returned; errors go
        to the error hook, or to the log."""
        if not isinstance(exc, Exception):
            if self._deferred is None:
                self._deferred = exc
            return
        hook = self._error_hook
        if hook is not None:
            try:
                hook(exc, arg)
            except Exception:  # its traceback includes exc (as __context__)
                log.error("zoomws: the on_error hook raised", exc_info=True)
            except BaseException as e:
                self._swallow(e, arg)
            return
        what = ("%s event" % arg.name) if isinstance(arg, Event) else \
            ("state callback" if isinstance(arg, Status) else "callback")
        log.error("zoomws: exception in a handler for %s", what,
                  exc_info=(type(exc), exc, exc.__traceback__))
