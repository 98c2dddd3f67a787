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

The events are written to a :class:`~genui.runlog.RunLog` (``log``; by default a
:class:`~genui.runlog.MemoryRunLog` of the run's own) under the run's ``run_id``. With a
shared log (:class:`genui.redis_store.RedisRunLog`) any worker serves a connection with
:func:`genui.runlog.follow` from the log alone, while the run itself (its agent's task) lives
in the process and event loop that started it. Use one run per agent response; keep them in
a mapping of your own, keyed by an id the page's ``data-genui-stream`` URL carries.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncGenerator, AsyncIterable, Callable
from typing import Any

from genui.errors import GenerativeUIError
from genui.runlog import MemoryRunLog, RunEvent, RunLog, RunLogError, follow
from genui.sse import end_event, error_event, sse_event
from genui.stream import SpecStream, Update

__all__ = ["AgentOutput", "StreamRun"]

AgentOutput = AsyncIterable[Any]
"""What an agent yields: text chunks (``str``/``bytes``) and patches (``list``/``dict``)."""

DEFAULT_LOG_BYTES = 8 * 1024 * 1024
"""Default budget of logged events kept for reconnects (8 MiB of SSE text)."""


class StreamRun:
    """An agent's streamed response: its task, its stream, its event log, its subscribers.

    * ``agent``: the agent's output, or a callable returning it (called once, by
      :meth:`start`).
    * ``stream``: the :class:`~genui.SpecStream` to drive (default: a new one).
    * ``log_bytes``: most bytes of events kept for reconnects.
    * ``heartbeat``: seconds of silence before a keep-alive comment.
    * ``idle_timeout``: seconds a run without subscribers keeps running (``None``: always
      runs to the end). Only this process's subscribers count: with readers on other
      workers (a shared ``log``), use ``None``.
    * ``log``: where the events are written (default: a :class:`~genui.runlog.MemoryRunLog`
      of its own).
    * ``run_id``: the run's key in ``log`` (default: a new random id).
    """

    def __init__(
        self,
        agent: AgentOutput | Callable[[], AgentOutput],
        *,
        stream: SpecStream | None = None,
        log_bytes: int = DEFAULT_LOG_BYTES,
        heartbeat: float = 15.0,
        idle_timeout: float | None = 30.0,
        log: RunLog | None = None,
        run_id: str | None = None,
    ) -> None:
        self.stream = stream if stream is not None else SpecStream()
        """The stream the agent's output drives."""
        self.log_bytes = log_bytes
        self.heartbeat = heartbeat
        self.idle_timeout = idle_timeout
        self.log: RunLog = log if log is not None else MemoryRunLog()
        """Where the run's events are written, for any reader."""
        self.run_id = run_id if run_id is not None else secrets.token_urlsafe(16)
        """The run's key in :attr:`log`."""
        self._agent = agent
        self._ready = asyncio.Event()
        """Set once the log exists (readers wait for it)."""
        self._ended = asyncio.Event()
        self._final: str | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle: asyncio.TimerHandle | None = None
        self.subscribers = 0
        """Connections subscribed now (in this process)."""
        self.error: GenerativeUIError | None = None
        """What ended the run early, if anything (an agent's exception becomes one)."""

    # -- state ---------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        """Whether the run has ended (completed, failed or cancelled)."""
        return self._final is not None

    def start(self) -> None:
        """Start the agent's task (once; :meth:`events` starts it too)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._drive())

    def cancel(self) -> None:
        """Stop the agent: subscribers are sent an error event (``cancelled``)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        elif self._task is None and self._final is None:
            self.error = GenerativeUIError("the run was cancelled", code="cancelled")
            self._final = error_event(self.error, self.stream.version)
            self._ended.set()
            with contextlib.suppress(RuntimeError):  # no event loop: the first reader logs it
                self.start()

    async def ready(self) -> None:
        """Start the run and wait until its log exists: from then on any worker can follow it.

        Await it before sending the page whose stream may be served by another worker.
        """
        self.start()
        await self._ready.wait()

    async def wait(self) -> None:
        """Wait until the run has ended."""
        self.start()
        await self._ended.wait()

    # -- the agent's side ----------------------------------------------------------------

    async def _drive(self) -> None:
        try:
            await self.log.create(
                self.run_id, self.stream.version, self._snapshot, max_bytes=self.log_bytes
            )
        except RunLogError as exc:
            self.error = exc
            self._final = error_event(exc, self.stream.version)
            self._ended.set()
            return
        finally:
            self._ready.set()
        if self._final is not None:  # cancelled before it started: only log the end
            await self._finish(self._final)
            return
        agent = self._agent() if callable(self._agent) else self._agent
        try:
            async for item in agent:
                await self._publish(self._take(item))
            await self._publish(self.stream.close())
        except asyncio.CancelledError:
            await self._fail(GenerativeUIError("the run was cancelled", code="cancelled"))
            raise
        except GenerativeUIError as exc:
            await self._fail(exc)
        except Exception as exc:  # the agent's own code failed: say so, do not hang the page
            message = f"the agent failed: {type(exc).__name__}"  # not its text: it may hold secrets
            await self._fail(GenerativeUIError(message, code="agent_failed"))
        else:
            await self._finish(end_event(self.stream.version))

    def _take(self, item: Any) -> list[Update]:
        if isinstance(item, str | bytes | bytearray):
            return self.stream.feed(bytes(item) if isinstance(item, bytearray) else item)
        if isinstance(item, list | dict):
            return self.stream.apply(item)
        raise GenerativeUIError(
            f"an agent yields text or patches, not {type(item).__name__}", code="agent_failed"
        )

    def _snapshot(self) -> RunEvent:
        version = self.stream.version
        return RunEvent(version, sse_event([self.stream.reset_update()], version))

    async def _publish(self, updates: list[Update]) -> None:
        if updates:
            version = self.stream.version
            await self.log.append(self.run_id, RunEvent(version, sse_event(updates, version)))

    async def _fail(self, error: GenerativeUIError) -> None:
        if self._final is None:
            self.error = error
            await self._finish(error_event(error, self.stream.version))

    async def _finish(self, frame: str) -> None:
        self._final = frame
        self._ended.set()
        with contextlib.suppress(RunLogError):  # its readers are told by their own reads
            await self.log.finish(self.run_id, frame, self.stream.version)

    # -- the subscribers' side -----------------------------------------------------------

    async def events(self, last_event_id: str | None = None) -> AsyncGenerator[str, None]:
        """The SSE text for one connection, from ``Last-Event-ID`` (its header) to the end.

        Starts the run if needed. The iterator ends after the final event (``genui-end``
        or ``genui-error``); closing it early (the client left) unsubscribes. It is
        :func:`genui.runlog.follow` on the run's log, counted as a subscriber.
        """
        if last_event_id is None and self.stream.version == 0:
            last_event_id = "0"  # nothing shown yet: every event, however late it reads them
        self.start()
        self.subscribers += 1
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        try:
            await self._ready.wait()
            frames = follow(self.log, self.run_id, last_event_id, heartbeat=self.heartbeat)
            async with contextlib.aclosing(frames):
                async for frame in frames:
                    yield frame
        finally:
            self.subscribers -= 1
            if self.subscribers == 0:
                self._left()

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
