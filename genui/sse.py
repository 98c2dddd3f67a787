"""Server-Sent Events framing for :class:`~genui.SpecStream` updates.

Each batch of updates becomes one event: ``id`` is the stream version (so a
reconnecting ``EventSource`` sends it back as ``Last-Event-ID``), ``event`` is
``genui`` and ``data`` is one line of JSON ``{"version", "updates": [...]}``.
``genui.js`` applies them; the end of a stream is an ``genui-end`` event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from genui.stream import SpecStream, Update

__all__ = ["end_event", "parse_last_event_id", "parse_version", "resume_events", "sse_event"]


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
