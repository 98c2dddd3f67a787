"""Surfaces backed by streams: what an :class:`~genui.ActionGate` checks and updates.

A *surface* is one place a spec is shown — a chat message, a panel — with an id the
application chooses. :class:`StreamSurfaces` keeps the :class:`~genui.SpecStream` of each
(in memory, bounded): the gate asks it what a surface shows now (to refuse ``stale``
envelopes), and an action's :class:`~genui.ActionReply` is applied to the stream, which
sends the browser only what changed.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from genui.actions import ActionEvent, ActionReply
from genui.patch import is_merge_patch, parse_patch_ops
from genui.spec import GenerativeUISpec
from genui.state import writeback_ops
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

    def apply(
        self, surface: str, reply: ActionReply, event: ActionEvent[Any, Any] | None = None
    ) -> list[Update]:
        """Apply a handler's reply to ``surface``'s stream: its new spec or its patches.

        With the ``event`` it answers, inputs bound to state are written back first (see
        :func:`apply_reply`). Returns the updates for the page (empty when the reply
        changes nothing or the surface is gone). An invalid spec or patch raises and
        leaves the stream as it was.
        """
        stream = self._streams.get(surface)
        return apply_reply(stream, reply, event) if stream is not None else []


def apply_reply(
    stream: SpecStream, reply: ActionReply, event: ActionEvent[Any, Any] | None = None
) -> list[Update]:
    """Apply a handler's reply to ``stream``: its new spec, or its patches (or nothing).

    For an app keeping its streams its own way (a ``surfaces`` of its own for the gate).
    With the ``event`` the reply answers, the submitted inputs whose fields are bound to
    state (``"value": {"$state": "/booking/email"}``) are written back to it — the values
    the action's inputs model validated — in the same patch as the reply's JSON Patch
    (before a merge patch, which is applied after them). A reply with a new spec writes
    nothing back. An invalid spec or patch raises :class:`~genui.GenerativeUIPatchError`
    and leaves the stream as it was.
    """
    if reply.spec is not None:
        return stream.replace(reply.spec)
    written = _writeback(stream, event)
    if reply.patches is not None and not is_merge_patch(reply.patches):
        ops = parse_patch_ops(reply.patches)
        return stream.apply(written + ops) if written or ops else []
    updates = stream.apply(written) if written else []
    if reply.patches is not None:
        updates += stream.apply(reply.patches)
    return updates


def _writeback(stream: SpecStream, event: ActionEvent[Any, Any] | None) -> list[dict[str, Any]]:
    """The ops writing ``event``'s validated inputs to the state its fields are bound to."""
    if event is None or event.inputs is None:
        return []
    fields = stream.bound_fields(event.source.path)
    if not fields:
        return []
    return writeback_ops(fields, event.inputs.model_dump(mode="json", exclude_unset=True))
