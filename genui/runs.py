"""One agent response, streamed to any number of browsers, resumable, ending cleanly.

A :class:`StreamRun` owns what a streaming endpoint must not tie to one connection: the
agent's task, its :class:`~genui.SpecStream`, and an append-only log of the SSE events the
stream produced. Each connection *subscribes* (:meth:`StreamRun.events`) and is sent what
it missed, then every new event, then the end:

* a reconnect with ``Last-Event-ID`` gets exactly the events after that id — none lost,
  none twice — or, when those fell out of the log's byte budget, one ``reset`` with the
  current HTML followed by the live events;
* when the agent's output can no longer be shown (invalid JSON, an invalid node, an
  exception in the agent's code) the run ends with a ``genui-error`` event
  (:func:`genui.sse.error_event`): the page keeps the last good HTML, shows an alert and
  stops reconnecting;
* a comment line is sent every ``heartbeat`` seconds of silence, so proxies keep the
  connection open;
* when the last subscriber leaves, the agent's task is cancelled after ``idle_timeout``
  seconds unless someone subscribes again (``None``: let it finish).

The agent is an async iterable (or a callable returning one) of text chunks (``str`` or
``bytes``: :meth:`SpecStream.feed`) and patches (a list of JSON Patch ops or a merge-patch
dict: :meth:`SpecStream.apply`). Memory is bounded: the stream's own state, plus at most
``log_bytes`` of logged events (the oldest are dropped first; the final event always stays).

Runs live in one process and one event loop. Use one run per agent response; keep them in
a mapping of your own, keyed by an id the page's ``data-genui-stream`` URL carries.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any, NamedTuple

from genui.errors import GenerativeUIError
from genui.sse import end_event, error_event, parse_last_event_id, sse_event
from genui.stream import SpecStream, Update

__all__ = ["AgentOutput", "StreamRun"]

AgentOutput = AsyncIterable[Any]
"""What an agent yields: text chunks (``str``/``bytes``) and patches (``list``/``dict``)."""

DEFAULT_LOG_BYTES = 8 * 1024 * 1024
"""Default budget of logged events kept for reconnects (8 MiB of SSE text)."""


class _Logged(NamedTuple):
    version: int
    frame: str


class StreamRun:
    """An agent's streamed response: its task, its stream, its event log, its subscribers.

    * ``agent``: the agent's output, or a callable returning it (called once, by
      :meth:`start`).
    * ``stream``: the :class:`~genui.SpecStream` to drive (default: a new one).
    * ``log_bytes``: most bytes of events kept for reconnects.
    * ``heartbeat``: seconds of silence before a keep-alive comment.
    * ``idle_timeout``: seconds a run without subscribers keeps running (``None``: always
      runs to the end).
    """

    def __init__(
        self,
        agent: AgentOutput | Callable[[], AgentOutput],
        *,
        stream: SpecStream | None = None,
        log_bytes: int = DEFAULT_LOG_BYTES,
        heartbeat: float = 15.0,
        idle_timeout: float | None = 30.0,
    ) -> None:
        self.stream = stream if stream is not None else SpecStream()
        """The stream the agent's output drives."""
        self.log_bytes = log_bytes
        self.heartbeat = heartbeat
        self.idle_timeout = idle_timeout
        self._agent = agent
        self._log: deque[_Logged] = deque()
        self._log_size = 0
        self._first = 0
        """Sequence number of the log's first entry (entries dropped before it)."""
        self._dropped_through = 0
        """Version of the last entry dropped from the log (0: none dropped)."""
        self._changed = asyncio.Event()
        self._final: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle: asyncio.TimerHandle | None = None
        self.subscribers = 0
        """Connections subscribed now."""
        self.error: GenerativeUIError | None = None
        """What ended the run early, if anything (an agent's exception becomes one)."""

    # -- state ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Whether the run has ended (completed, failed or cancelled)."""
        return self._final is not None

    def start(self) -> None:
        """Start the agent's task (once; :meth:`events` starts it too)."""
        if self._task is None and self._final is None:
            self._task = asyncio.get_running_loop().create_task(self._drive())

    def cancel(self) -> None:
        """Stop the agent: subscribers are sent an error event (``cancelled``)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        elif self._task is None and self._final is None:
            self._fail(GenerativeUIError("the run was cancelled", code="cancelled"))

    async def wait(self) -> None:
        """Wait until the run has ended."""
        self.start()
        while self._final is None:
            await self._changed.wait()

    # -- the agent's side ----------------------------------------------------------------

    async def _drive(self) -> None:
        agent = self._agent() if callable(self._agent) else self._agent
        try:
            async for item in agent:
                self._publish(self._take(item))
            self._publish(self.stream.close())
        except asyncio.CancelledError:
            self._fail(GenerativeUIError("the run was cancelled", code="cancelled"))
            raise
        except GenerativeUIError as exc:
            self._fail(exc)
        except Exception as exc:  # the agent's own code failed: say so, do not hang the page
            message = f"the agent failed: {type(exc).__name__}"  # not its text: it may hold secrets
            self._fail(GenerativeUIError(message, code="agent_failed"))
        else:
            self._finish(end_event(self.stream.version))

    def _take(self, item: Any) -> list[Update]:
        if isinstance(item, str | bytes | bytearray):
            return self.stream.feed(bytes(item) if isinstance(item, bytearray) else item)
        if isinstance(item, list | dict):
            return self.stream.apply(item)
        raise GenerativeUIError(
            f"an agent yields text or patches, not {type(item).__name__}", code="agent_failed"
        )

    def _publish(self, updates: list[Update]) -> None:
        if updates:
            self._append(_Logged(self.stream.version, sse_event(updates, self.stream.version)))

    def _fail(self, error: GenerativeUIError) -> None:
        if self._final is None:
            self.error = error
            self._finish(error_event(error, self.stream.version))

    def _finish(self, frame: str) -> None:
        self._final = frame
        self._wake()

    def _append(self, entry: _Logged) -> None:
        self._log.append(entry)
        self._log_size += len(entry.frame)
        while self._log_size > self.log_bytes and len(self._log) > 1:
            dropped = self._log.popleft()
            self._log_size -= len(dropped.frame)
            self._first += 1
            self._dropped_through = dropped.version
        self._wake()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    # -- the subscribers' side -----------------------------------------------------------

    async def events(self, last_event_id: str | None = None) -> AsyncIterator[str]:
        """The SSE text for one connection, from ``Last-Event-ID`` (its header) to the end.

        Starts the run if needed. The iterator ends after the final event (``genui-end``
        or ``genui-error``); closing it early (the client left) unsubscribes.
        """
        self.start()
        self.subscribers += 1
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        try:
            cursor, catch_up = self._resume_point(parse_last_event_id(last_event_id))
            if catch_up is not None:
                yield catch_up
            while True:
                end = self._first + len(self._log)
                if cursor < self._first:  # fell out of the budget while this one was slow
                    yield self._reset()
                    cursor = end
                while cursor < end:
                    yield self._log[cursor - self._first].frame
                    cursor += 1
                if self._final is not None:
                    yield self._final
                    return
                changed = self._changed
                try:
                    await asyncio.wait_for(changed.wait(), self.heartbeat)
                except TimeoutError:
                    yield ": keepalive\n\n"
        finally:
            self.subscribers -= 1
            if self.subscribers == 0:
                self._left()

    def _resume_point(self, version: int | None) -> tuple[int, str | None]:
        """Where a client at ``version`` continues in the log, and what it needs first."""
        end = self._first + len(self._log)
        if version is None or version > self.stream.version:
            return end, self._reset() if self.stream.version else None
        if version == self.stream.version:
            return end, None
        if version < self._dropped_through:  # some of what it missed is no longer kept
            return end, self._reset()
        for index, entry in enumerate(self._log):
            if entry.version > version:
                return self._first + index, None
        return end, None

    def _reset(self) -> str:
        return sse_event([self.stream.reset_update()], self.stream.version)

    def _left(self) -> None:
        if self.idle_timeout is None or self._final is not None or self._task is None:
            return
        loop = asyncio.get_running_loop()
        self._idle = loop.call_later(self.idle_timeout, self.cancel)

    async def aclose(self) -> None:
        """Cancel the run and wait for its task to end."""
        self.cancel()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
