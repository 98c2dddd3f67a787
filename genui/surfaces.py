"""Surfaces backed by streams: what an :class:`~genui.ActionGate` checks and updates.

A *surface* is one place a spec is shown — a chat message, a panel — with an id the
application chooses. :class:`StreamSurfaces` keeps the :class:`~genui.SpecStream` of each
(in memory, bounded): the gate asks it what a surface shows now (to refuse ``stale``
envelopes), and an action's :class:`~genui.ActionReply` is applied to the stream, which
sends the browser only what changed.
"""

from __future__ import annotations

from collections import OrderedDict

from genui.actions import ActionReply
from genui.spec import GenerativeUISpec
from genui.stream import SpecStream, Update

__all__ = ["StreamSurfaces", "apply_reply"]


class StreamSurfaces:
    """Streams by surface id, the oldest forgotten beyond ``max_surfaces``.

    Implements the gate's :class:`~genui.gate.Surfaces` protocol. Each stream must have
    been created with its surface (``SpecStream(..., surface=gate.surface(id))``).
    """

    def __init__(self, max_surfaces: int = 10_000) -> None:
        if max_surfaces < 1:
            raise ValueError("max_surfaces must be positive")
        self.max_surfaces = max_surfaces
        self._streams: OrderedDict[str, SpecStream] = OrderedDict()

    def __len__(self) -> int:
        return len(self._streams)

    def add(self, stream: SpecStream) -> SpecStream:
        """Keep ``stream`` under its surface's id (replacing any stream of that id)."""
        if stream.surface is None:
            raise ValueError("the stream has no action surface: SpecStream(surface=...)")
        self._streams[stream.surface.id] = stream
        self._streams.move_to_end(stream.surface.id)
        while len(self._streams) > self.max_surfaces:
            self._streams.popitem(last=False)
        return stream

    def get(self, surface: str) -> SpecStream | None:
        """The stream of ``surface``, if it is kept."""
        return self._streams.get(surface)

    def remove(self, surface: str) -> None:
        """Forget ``surface``: its envelopes are ``stale`` from now on."""
        self._streams.pop(surface, None)

    def current(self, surface: str) -> GenerativeUISpec | None:
        """The clean spec ``surface`` shows now (``None``: no such surface)."""
        stream = self._streams.get(surface)
        return stream.clean_spec if stream is not None else None

    def apply(self, surface: str, reply: ActionReply) -> list[Update]:
        """Apply a handler's reply to ``surface``'s stream: its new spec or its patches.

        Returns the updates for the page (empty when the reply changes nothing or the
        surface is gone). An invalid spec or patch raises and leaves the stream as it was.
        """
        stream = self._streams.get(surface)
        return apply_reply(stream, reply) if stream is not None else []


def apply_reply(stream: SpecStream, reply: ActionReply) -> list[Update]:
    """Apply a handler's reply to ``stream``: its new spec, or its patches (or nothing).

    For an app keeping its streams its own way (a ``surfaces`` of its own for the gate).
    An invalid spec or patch raises :class:`~genui.GenerativeUIPatchError` and leaves the
    stream as it was.
    """
    if reply.spec is not None:
        return stream.replace(reply.spec)
    if reply.patches is not None:
        return stream.apply(reply.patches)
    return []
