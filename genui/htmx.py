"""Stream a spec to htmx's SSE extension: the same updates, applied with no genui.js.

htmx 2 with htmx-ext-sse 2 swaps the data of a named SSE event into the element that
listens for it (``sse-swap``). An :class:`HtmxContainer` is that element: its
:meth:`~HtmxContainer.markup` connects (``hx-ext="sse" sse-connect=URL``), listens for
:data:`UPDATE_EVENT` and :data:`ERROR_EVENT`, swaps nothing itself (``hx-swap="none"``) and
closes the ``EventSource`` on :data:`END_EVENT` (``sse-close``). Every event's data is
made of out-of-band swaps (``hx-swap-oob="STYLE:SELECTOR"``), one or more per update, whose
selectors are scoped to the container's id:

``append``
    ``beforeend`` into the container;
``after``
    ``afterend`` the element whose ``data-genui-path`` is the target;
``reset``
    ``innerHTML`` of the container;
``replace``
    a marker is put ``afterend`` the target, the target is deleted, the new HTML goes
    ``beforebegin`` the marker and the marker is deleted (htmx's ``outerHTML`` would keep
    the wrapper the HTML travels in; this way the HTML may be any number of nodes);
``insert``
    ``beforeend`` into the children slot: the target's element reached by ``at``, each
    index a child combinator and ``:nth-child(index + 1)`` (which counts element children
    only, as genui.js's ``element.children[index]`` does; ``at == ""``: the target itself);
``remove``
    ``delete`` of the target.

These are :data:`HTMX_OPS`: make a stream for htmx with ``SpecStream(ops=HTMX_OPS)`` (a
:class:`~genui.runs.StreamRun` with ``stream=SpecStream(ops=HTMX_OPS)``). ``shell`` is not
one of them: it moves the old slot's nodes into the new element, and no htmx swap moves a
node. Every oob swap inserts the HTML it carries or deletes its target; the one thing htmx
moves is an ``hx-preserve`` element, found by its ``id``, and neither the slot's nodes nor
its text leaves have one. A shell cannot be rebuilt as a ``replace`` either: it does not
carry the children's HTML. Such a stream sends ``replace`` for a parent whose props
changed instead (its children are sent again). An op outside :data:`HTMX_OPS` raises
:class:`UnsupportedOpError` (from :meth:`~HtmxContainer.event`,
:meth:`~HtmxContainer.convert` and, for a stream made with other ops,
:meth:`~HtmxContainer.resume_events` before it sends anything).

A failed stream sends :data:`ERROR_EVENT` (genui's alert, appended to the container or put
into an error slot of your own) and then :data:`END_EVENT`, so the page keeps its last good
HTML and does not reconnect. Each event keeps its stream version as ``id``: a dropped
connection reconnects with ``Last-Event-ID`` and misses nothing.

The HTML of an update is parsed as the content of a ``<div>``: fine for every built-in
component; an app template whose outer element is a table part (``<tr>``, ``<td>``) or an
``<option>`` needs genui.js, which parses it in a ``<template>``.

Drive it from a :class:`~genui.runs.StreamRun` (:meth:`HtmxContainer.events` converts the
run's genui events), from a :class:`~genui.SpecStream` (:meth:`HtmxContainer.event` for each
batch, :meth:`HtmxContainer.resume_events` on connect), or convert any genui SSE frame
(:meth:`HtmxContainer.convert`).
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, AsyncIterable, Iterator, Sequence
from typing import Any

from markupsafe import Markup

from genui.errors import GenerativeUIError
from genui.htmltext import escape_html, replace_invalid_characters
from genui.sse import error_event, resume_events
from genui.stream import BASIC_OPS, SpecStream, Update

__all__ = [
    "END_EVENT",
    "ERROR_EVENT",
    "HTMX_OPS",
    "UPDATE_EVENT",
    "HtmxContainer",
    "UnsupportedOpError",
    "attribute_selector",
]

HTMX_OPS: frozenset[str] = BASIC_OPS | {"insert", "remove"}
"""The update ops :class:`HtmxContainer` maps to htmx's swaps: all but ``shell``.

Stream for htmx with ``SpecStream(ops=HTMX_OPS)``: children after a text leaf or into an
empty parent are ``insert``ed, children dropped from the end ``remove``d, and a parent
whose props changed is re-sent with ``replace`` (no htmx swap moves its children).
"""

UPDATE_EVENT = "genui-oob"
"""The SSE event of a batch of updates (its data: ``hx-swap-oob`` elements)."""
ERROR_EVENT = "genui-oob-error"
"""The SSE event of a failed stream (its data: the alert, as an ``hx-swap-oob`` element)."""
END_EVENT = "genui-oob-end"
"""The SSE event that ends a stream (``sse-close``: the ``EventSource`` stops)."""

_MARK = "data-genui-mark"
"""The attribute of the marker a ``replace`` puts in place of the element it replaces."""
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""What ends a line in an SSE stream (and nothing else: not U+2028, not a form feed)."""
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_PLAIN = re.compile(r"[A-Za-z0-9_-]")
_GENUI_EVENTS = frozenset({"genui", "genui-end", "genui-error"})
_AT = re.compile(r"[0-9]{1,15}(?:\.[0-9]{1,15})*")
"""A children slot's ``at``: element-child indices joined by ``.`` (ASCII digits only)."""


class UnsupportedOpError(ValueError):
    """An update whose op htmx's swaps cannot apply: ``shell``, or no update op at all.

    ``op`` is the op refused. Make the stream with ``SpecStream(ops=HTMX_OPS)``.
    """

    def __init__(self, op: object) -> None:
        self.op = op
        if op == "shell":
            message = (
                "htmx cannot apply a 'shell' update (no swap moves the old children):"
                " make the stream with SpecStream(ops=genui.htmx.HTMX_OPS)"
            )
        else:
            message = f"not an update op: {op!r}"
        super().__init__(message)


def _slot_selector(at: object) -> str:
    """The selector steps from an element to its children slot ``at`` (``""``: none).

    Each index ``i`` is `` > :nth-child(i + 1)``: the ``i``-th element child, as
    genui.js's ``slotOf`` reads ``element.children[i]`` (text nodes are not counted).
    """
    if at == "":
        return ""
    if not isinstance(at, str) or not _AT.fullmatch(at):
        raise ValueError(f"not a children slot (element-child indices joined by '.'): {at!r}")
    return "".join(f" > :nth-child({int(index) + 1})" for index in at.split("."))


def _dom_value(text: str) -> str:
    """The value an attribute written with genui's escaping has in the browser's DOM.

    genui writes disallowed characters as U+FFFD, and an HTML parser reads CR and CRLF
    as a line feed.
    """
    return _LINE_BREAK.sub("\n", replace_invalid_characters(text))


def _css_string(text: str) -> str:
    """``text`` as a quoted CSS string: every character but ``[A-Za-z0-9_-]`` hex-escaped.

    The result holds no quote, comma, colon, ``<``, ``/`` or line break, so neither CSS
    nor htmx's own splitting of a selector (on ``,``, ``<`` … ``/>``, and its first ``:``)
    can read it any other way. The space after each escape ends it.
    """
    out = [char if _PLAIN.fullmatch(char) else f"\\{ord(char):x} " for char in _dom_value(text)]
    return '"' + "".join(out) + '"'


def attribute_selector(name: str, value: str) -> str:
    r"""A CSS selector for the elements whose attribute ``name`` genui wrote as ``value``.

    ``value`` may be any text (quotes, brackets, backslashes, line breaks, ``</script>``):
    it is matched as the browser holds the attribute (U+FFFD for what genui replaces, a
    line feed for CR and CRLF) and written so that it is safe inside ``hx-swap-oob``.
    ``name`` must be a lowercase attribute name.

    >>> attribute_selector("data-genui-path", '/root/0"]')
    '[data-genui-path="\\2f root\\2f 0\\22 \\5d "]'
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a lowercase attribute name: {name!r}")
    return f"[{name}={_css_string(value)}]"


def _frame(event: str, data: str, event_id: int) -> str:
    """One SSE event; each line of ``data`` gets its own ``data:`` field."""
    lines = [f"id: {event_id}", f"event: {event}"]
    lines.extend(f"data: {line}" for line in _LINE_BREAK.split(data))
    return "\n".join(lines) + "\n\n"


def _oob(style: str, selector: str, html: str = "") -> str:
    """An out-of-band swap of ``html`` (its content goes where ``selector`` points)."""
    return f'<div hx-swap-oob="{escape_html(f"{style}:{selector}")}">{html}</div>'


class HtmxContainer:
    """The element of a page that htmx fills from a genui stream, and its events.

    * ``element_id``: the container's ``id``, unique in the page (any text: it is escaped);
      every swap is scoped to it, so several streams can share a page.
    * ``error_slot``: the ``id`` of an element the error alert replaces the content of
      (``None``: the alert is appended to the container, after the last good HTML).
    """

    def __init__(self, element_id: str = "genui", *, error_slot: str | None = None) -> None:
        self.element_id = element_id
        self.error_slot = error_slot

    @staticmethod
    def stream(**options: Any) -> SpecStream:
        """A :class:`~genui.SpecStream` that sends only what htmx applies (:data:`HTMX_OPS`).

        ``options`` are :class:`~genui.SpecStream`'s (``renderer``, ``limits``, ...); give
        the stream to a run as ``StreamRun(agent, stream=container.stream())``.
        """
        return SpecStream(**options, ops=HTMX_OPS)

    @property
    def _scope(self) -> str:
        """The selector of the container: every swap's target is in it."""
        return attribute_selector("id", self.element_id)

    def markup(self, url: str, *, class_name: str = "genui-root") -> Markup:
        """The empty container: ``<div id=… hx-ext="sse" sse-connect="url" …></div>``.

        Load htmx and htmx-ext-sse in the page; no other script is needed.
        """
        return Markup(  # noqa: S704 - every value in it is escaped
            f'<div id="{escape_html(self.element_id)}" class="{escape_html(class_name)}"'
            f' hx-ext="sse" sse-connect="{escape_html(url)}"'
            f' sse-swap="{UPDATE_EVENT},{ERROR_EVENT}" sse-close="{END_EVENT}"'
            ' hx-swap="none"></div>'
        )

    def _target(self, path: str) -> str:
        return f"{self._scope} {attribute_selector('data-genui-path', path)}"

    def _swaps(self, op: str, target: str, html: str, at: object = "") -> str:
        """The ``hx-swap-oob`` elements that apply one update."""
        if op == "insert":
            return _oob("beforeend", self._target(target) + _slot_selector(at), html)
        if op == "remove":
            return _oob("delete", self._target(target))
        if op == "append":
            return _oob("beforeend", self._scope, html)
        if op == "reset":
            return _oob("innerHTML", self._scope, html)
        if op == "after":
            return _oob("afterend", self._target(target), html)
        if op == "replace":
            mark = f"{self._scope} [{_MARK}]"
            return (
                _oob("afterend", self._target(target), f"<i {_MARK} hidden></i>")
                + _oob("delete", self._target(target))
                + _oob("beforebegin", mark, html)
                + _oob("delete", mark)
            )
        raise UnsupportedOpError(op)

    def event(self, updates: Sequence[Update], version: int) -> str:
        """The :data:`UPDATE_EVENT` that applies a batch of updates, with ``id: version``.

        Raises :class:`UnsupportedOpError` for an op outside :data:`HTMX_OPS` (``shell``)
        and :class:`ValueError` for an ``insert`` whose ``at`` is not a children slot.
        """
        data = "".join(self._swaps(u.op, u.target, str(u.html), u.at) for u in updates)
        return _frame(UPDATE_EVENT, data, version)

    def end_event(self, version: int) -> str:
        """The :data:`END_EVENT`: htmx closes the ``EventSource``, so it does not reconnect."""
        return _frame(END_EVENT, str(version), version)

    def _error_events(self, alert: str, version: int) -> str:
        if self.error_slot is None:
            shown = _oob("beforeend", self._scope, alert)
        else:
            shown = _oob("innerHTML", attribute_selector("id", self.error_slot), alert)
        return _frame(ERROR_EVENT, shown, version) + self.end_event(version)

    def error_event(
        self, error: GenerativeUIError | str, version: int, *, code: str | None = None
    ) -> str:
        """The :data:`ERROR_EVENT` showing genui's alert for ``error``, then the end event.

        Arguments as for :func:`genui.sse.error_event` (whose alert it shows).
        """
        return self.convert(error_event(error, version, code=code))

    def convert(self, frame: str) -> str:
        """The htmx events for genui SSE text (:mod:`genui.sse`'s events, comments).

        ``genui`` becomes :data:`UPDATE_EVENT`, ``genui-end`` :data:`END_EVENT` and
        ``genui-error`` :data:`ERROR_EVENT` plus :data:`END_EVENT`, each with the same id;
        anything else (a ``: keepalive`` comment, a ``retry:``) is passed on as it is.
        An update's ``at`` is read for ``insert`` (absent: the target itself). A ``genui``
        event with an op outside :data:`HTMX_OPS` (a ``shell``, from a stream made with
        other ops) raises :class:`UnsupportedOpError`, and nothing of ``frame`` is returned.
        """
        out = []
        for block in frame.split("\n\n"):
            if not block:
                continue
            fields = {}
            for line in block.split("\n"):
                name, _, value = line.partition(": ")
                fields[name] = value
            event = fields.get("event")
            if event not in _GENUI_EVENTS:
                out.append(block + "\n\n")
                continue
            payload: Any = json.loads(fields["data"])
            version = int(payload["version"])
            if event == "genui":
                data = "".join(
                    self._swaps(item["op"], item["target"], item["html"], item.get("at", ""))
                    for item in payload["updates"]
                )
                out.append(_frame(UPDATE_EVENT, data, version))
            elif event == "genui-end":
                out.append(self.end_event(version))
            else:
                out.append(self._error_events(payload["html"], version))
        return "".join(out)

    async def events(self, frames: AsyncIterable[str]) -> AsyncGenerator[str, None]:
        """:meth:`convert` each frame, e.g. of :meth:`genui.runs.StreamRun.events`.

        Closing this iterator (the client left) closes ``frames``, so a run's subscription
        ends at once.
        """
        iterator = aiter(frames)
        try:
            async for frame in iterator:
                yield self.convert(frame)
        finally:
            close = getattr(iterator, "aclose", None)
            if close is not None:
                await close()

    def resume_events(self, stream: SpecStream, last_event_id: str | None) -> Iterator[str]:
        """What :func:`genui.sse.resume_events` sends a (re)connecting client, for htmx.

        A stream whose ops are not all in :data:`HTMX_OPS` raises
        :class:`UnsupportedOpError` at once, before anything is sent.
        """
        unsupported = sorted(stream.ops - HTMX_OPS)
        if unsupported:
            raise UnsupportedOpError(unsupported[0])
        for frame in resume_events(stream, last_event_id):
            yield self.convert(frame)
