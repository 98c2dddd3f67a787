"""Server-Sent Events framing for :class:`~genui.SpecStream` updates.

Each batch of updates becomes one event: ``id`` is the stream version (so a
reconnecting ``EventSource`` sends it back as ``Last-Event-ID``), ``event`` is
``genui`` and ``data`` is one line of JSON ``{"version", "updates": [...]}``.
``genui.js`` applies them; the end of a stream is a ``genui-end`` event, and a stream
that failed ends with a ``genui-error`` event (``{"version", "code", "path", "message",
"html"}``: ``genui.js`` shows its ``html``, an alert, and stops reconnecting).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from genui.errors import GenerativeUIError
from genui.render import Renderer
from genui.stream import SpecStream, Update

__all__ = [
    "ERROR_TITLE",
    "end_event",
    "error_event",
    "parse_last_event_id",
    "parse_version",
    "resume_events",
    "sse_event",
]

ERROR_TITLE = "This answer stopped before it was complete"
"""The title of the alert a ``genui-error`` event shows."""
_MESSAGE_CHARS = 500
"""Longest message an error event carries (an error can quote the agent's output)."""


_ALERT_PATH = "/genui-error"
"""The alert's identity: not a path of any spec (those start at ``/root``)."""


@functools.cache
def _built_ins() -> Renderer:
    return Renderer()


def _write_alert(alert: dict[str, Any]) -> str:
    """The built-in Alert for ``alert``, at a path no update of the stream can target."""
    renderer = _built_ins()
    checked = renderer.check({"root": alert})
    assert checked.spec is not None and not isinstance(checked.spec.root, list)
    return renderer.write_node(checked.spec.root, _ALERT_PATH, checked)


def _frame(event: str, data: str, event_id: int | None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.append(f"data: {data}")  # JSON text never contains a raw newline
    return "\n".join(lines) + "\n\n"


def sse_event(updates: Sequence[Update], version: int) -> str:
    """One SSE event carrying a batch of updates at ``version``."""
    payload = {"version": version, "updates": [update.to_dict() for update in updates]}
    return _frame("genui", json.dumps(payload, ensure_ascii=False, separators=(",", ":")), version)


def end_event(version: int) -> str:
    """The event that tells the client the stream is finished (it stops reconnecting)."""
    return _frame("genui-end", json.dumps({"version": version}), version)


def error_event(error: GenerativeUIError | str, version: int, *, code: str | None = None) -> str:
    """The event that tells the client the stream failed: it shows an alert and stops.

    ``error`` is what stopped the stream (its ``code``, ``path`` and message are sent), or
    a message of your own (with ``code``, default ``"stream_failed"``); an error with
    several problems sends its first. The page keeps the
    last good HTML; ``genui.js`` appends the alert (``html``, rendered by genui: the message
    is escaped text), clears ``aria-busy``, marks the container ``data-genui-error`` and
    closes the ``EventSource`` so it does not reconnect.
    """
    if isinstance(error, GenerativeUIError):
        first = error.errors[0]  # the first problem: its own path, code and message
        message, path = first.message, first.path
        code = code or first.code
    else:
        message, path = error, ""
    code = code or "stream_failed"
    if len(message) > _MESSAGE_CHARS:
        message = message[: _MESSAGE_CHARS - 1] + "\u2026"
    alert = {
        "component": "Alert",
        "props": {"tone": "danger", "title": ERROR_TITLE},
        "children": [message],
    }
    payload = {
        "version": version,
        "code": code,
        "path": path,
        "message": message,
        "html": str(_write_alert(alert)),
    }
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return _frame("genui-error", data, version)


def parse_version(header: str | None) -> int | None:
    """A stream version a client sent in a header, or ``None`` if absent or malformed.

    At most 18 ASCII digits, spaces around allowed (``"²"`` or ``"١٢"`` are malformed,
    not an error).
    """
    if header is None:
        return None
    text = header.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        return None
    return int(text)


def parse_last_event_id(header: str | None) -> int | None:
    """The version in a ``Last-Event-ID`` header (:func:`parse_version`)."""
    return parse_version(header)


def resume_events(stream: SpecStream, last_event_id: str | None) -> Iterable[str]:
    """Events that bring a (re)connecting client up to date with ``stream``.

    With a known ``Last-Event-ID`` the missed batches are replayed; otherwise
    (first connection, unknown or too old an id) one ``reset`` brings the
    whole current HTML. Nothing is sent twice and nothing is lost.
    """
    version = parse_last_event_id(last_event_id)
    missed = stream.updates_since(version) if version is not None else None
    if missed is None:
        yield sse_event([stream.reset_update()], stream.version)
    elif missed:
        yield sse_event(missed, stream.version)
