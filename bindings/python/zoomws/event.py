"""Event and Status: plain Python copies of the records the library lends to
callbacks, so they stay valid after the callback returns."""
from __future__ import annotations

import datetime
import json as _json
from typing import Any, Optional

from .constants import Error, State

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def from_epoch_ms(ms: int) -> datetime.datetime:
    """A timezone-aware UTC datetime for milliseconds since the Unix epoch."""
    return _EPOCH + datetime.timedelta(milliseconds=ms)


_MISSING = object()


class Event:
    """One Zoom event, e.g. meeting.participant_joined.

    name:    the event name ("meeting.started")
    ts_ms:   event_ts, milliseconds since the Unix epoch (0 if absent)
    ts:      event_ts as a timezone-aware UTC datetime (None if absent)
    json:    the event exactly as Zoom sent it (str), as a webhook carries it
    data:    the whole event, parsed (dict), on first access, then cached
    payload: data["payload"] (a dict; {} when the event has none)

    Each handler receives its own Event; it may be kept after the handler
    returns.
    """

    __slots__ = ("name", "ts_ms", "json", "_data")

    def __init__(self, name: str, ts_ms: int, json: str):
        self.name = name
        self.ts_ms = ts_ms
        self.json = json
        self._data = None

    @property
    def ts(self) -> Optional[datetime.datetime]:
        return from_epoch_ms(self.ts_ms) if self.ts_ms else None

    @property
    def data(self) -> Any:
        if self._data is None:
            self._data = _json.loads(self.json)
        return self._data

    @property
    def payload(self) -> Any:
        data = self.data
        payload = data.get("payload") if isinstance(data, dict) else None
        return {} if payload is None else payload

    def get(self, path: str, default: Any = None) -> Any:
        """A value by dotted path from the event root, like the C getters:
        event.get("payload.object.topic"), array elements by index
        ("payload.object.recording_files.0.file_type"). default if absent."""
        node = self.data
        for key in path.split("."):
            if isinstance(node, dict):
                node = node.get(key, _MISSING)
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return default
            if node is _MISSING:
                return default
        return node

    def __repr__(self) -> str:
        return "<zoomws.Event %s ts=%s %d bytes>" % (
            self.name, self.ts.isoformat() if self.ts_ms else None, len(self.json))


class Status:
    """A state transition, as reported to state callbacks (client.on_state).

    state, previous:  State members (entered, left)
    error:            the Error that caused it (Error.OK if none)
    message:          detail about the error ("" if none; secrets redacted)
    permanent:        True if no retry will follow
    close_code:       WebSocket close code from the server (0 if none; 1006: abrupt drop)
    close_reason:     close reason from the server ("" if none)
    retry_ms:         in BACKOFF, the delay before the next attempt
    attempt:          the attempt number of this (re)connection, 1 for the first
    lost_at_ms, lost_at: when an open connection was lost (ms / UTC datetime; 0 / None)
    gap_ms:           on OPEN after a loss, how long events were lost for (0 otherwise)
    """

    __slots__ = ("state", "previous", "error", "message", "permanent", "close_code",
                 "close_reason", "retry_ms", "attempt", "lost_at_ms", "gap_ms")

    def __init__(self, state, previous, error=0, message="", permanent=False, close_code=0,
                 close_reason="", retry_ms=0, attempt=0, lost_at_ms=0, gap_ms=0):
        self.state = _enum(State, state)
        self.previous = _enum(State, previous)
        self.error = _enum(Error, error)
        self.message = message
        self.permanent = bool(permanent)
        self.close_code = close_code
        self.close_reason = close_reason
        self.retry_ms = retry_ms
        self.attempt = attempt
        self.lost_at_ms = lost_at_ms
        self.gap_ms = gap_ms

    @property
    def lost_at(self) -> Optional[datetime.datetime]:
        return from_epoch_ms(self.lost_at_ms) if self.lost_at_ms else None

    def __repr__(self) -> str:
        parts = ["%s -> %s" % (getattr(self.previous, "name", self.previous),
                               getattr(self.state, "name", self.state))]
        if self.error:
            parts.append("error=%s%s" % (getattr(self.error, "name", self.error),
                                         " (permanent)" if self.permanent else ""))
        if self.message:
            parts.append("message=%r" % self.message)
        if self.close_code:
            parts.append("close=%d %r" % (self.close_code, self.close_reason))
        if self.state == State.BACKOFF:
            parts.append("retry_ms=%d" % self.retry_ms)
        if self.gap_ms:
            parts.append("gap_ms=%d" % self.gap_ms)
        return "<zoomws.Status %s>" % " ".join(parts)


def _enum(cls, value):
    try:
        return cls(value)
    except ValueError:
        return value
