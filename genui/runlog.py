"""Where a :class:`~genui.runs.StreamRun` keeps its SSE events: in memory, or shared.

A run's *log* is its append-only list of SSE frames, each with the stream version it brings
the page to, a byte budget (the oldest frames are dropped first), the run's final frame
(``genui-end`` or ``genui-error``) and a *snapshot*: a ``reset`` frame with the current HTML,
for a reader whose ``Last-Event-ID`` fell out of the budget. A :class:`RunLog` stores such
logs by run id. The worker that owns a run's agent writes it (:meth:`RunLog.create`,
:meth:`RunLog.append`, :meth:`RunLog.finish`); any worker reads it (:meth:`RunLog.read`) and
:func:`follow` turns those reads into the SSE text of one connection: what it missed, the new
events as they come, then the final event.

:class:`MemoryRunLog` (the default) keeps logs in this process: a reconnect must reach the
same process. :class:`genui.redis_store.RedisRunLog` keeps them in Redis, so a reconnect may
land on any worker.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol, runtime_checkable

from genui.errors import GenerativeUIError
from genui.sse import error_event, parse_last_event_id

__all__ = [
    "KEEPALIVE",
    "MemoryRunLog",
    "RunEvent",
    "RunLog",
    "RunLogError",
    "RunRead",
    "Snapshot",
    "follow",
]

KEEPALIVE = ": keepalive\n\n"
"""The SSE comment :func:`follow` sends after ``heartbeat`` seconds of silence."""

DEFAULT_TTL = 3600.0
"""Default seconds a log is kept after its last write."""


class RunEvent(NamedTuple):
    """One logged SSE frame and the stream version it brings the page to (its ``id``)."""

    version: int
    frame: str


Snapshot = Callable[[], RunEvent]
"""Returns the run's current HTML as a ``reset`` frame (:func:`genui.sse.sse_event`)."""


class RunRead(NamedTuple):
    """What one :meth:`RunLog.read` found for a reader."""

    found: bool
    """Whether the run's log exists (``False``: unknown, expired or lost)."""
    frames: Sequence[str]
    """Frames to send, in order (a ``reset`` first when the reader had to start over)."""
    version: int
    """The version the reader is at once it has been sent ``frames`` (its next cursor)."""
    final: str | None
    """The final frame, once the run has ended and ``frames`` reach its end."""


class RunLogError(GenerativeUIError):
    """The log could not be read or written (its store is unreachable)."""


@runtime_checkable
class RunLog(Protocol):
    """A store of run logs, keyed by run id: one writer per run, any number of readers."""

    async def create(
        self, run_id: str, version: int, snapshot: Snapshot, *, max_bytes: int
    ) -> None:
        """Start the (empty) log of ``run_id``, whose stream is at ``version`` now.

        ``snapshot`` gives the current HTML whenever the store needs it; ``max_bytes``
        bounds the frames kept (the newest one always stays). An earlier log of the same
        id is replaced.
        """
        ...

    async def append(self, run_id: str, event: RunEvent) -> None:
        """Log ``event`` (its version above every logged one), then trim to the budget."""
        ...

    async def finish(self, run_id: str, frame: str, version: int) -> None:
        """Mark the run ended: every reader gets ``frame`` (at ``version``) after the last one."""
        ...

    async def read(self, run_id: str, after: int | None, *, timeout: float) -> RunRead:
        """What a reader at version ``after`` (``None``: a first connection) must be sent.

        Returns at once when there is something; otherwise waits up to ``timeout`` seconds
        for a new event or the end, and returns an empty read if none came.
        """
        ...


@dataclass
class _Log:
    """One run's log in :class:`MemoryRunLog`."""

    snapshot: Snapshot
    max_bytes: int
    head: int
    """Highest version logged (or the stream's version when the log began)."""
    dropped: int
    """Versions up to this one are not in the log (dropped, or before the log began)."""
    touched: float
    entries: deque[RunEvent] = field(default_factory=deque)
    size: int = 0
    final: str | None = None
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def wake(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    def catch_up(self, after: int | None) -> tuple[list[str], int]:
        """The frames a reader at ``after`` misses, and the version they bring it to."""
        if after is None or after > self.head:
            if not self.head:
                return [], self.head
            return self._reset()
        if after < self.dropped:  # some of what it missed is no longer kept
            return self._reset()
        missed: list[str] = []
        for entry in reversed(self.entries):
            if entry.version <= after:
                break
            missed.append(entry.frame)
        missed.reverse()
        return missed, self.entries[-1].version if missed else after

    def _reset(self) -> tuple[list[str], int]:
        current = self.snapshot()
        return [current.frame], current.version


class MemoryRunLog:
    """An in-process :class:`RunLog`: readers must reach the process that runs the agent.

    Logs untouched for ``ttl`` seconds are forgotten when a new one is created (``clock``:
    where the time comes from). Its snapshot is taken only when a reader needs one.
    """

    def __init__(
        self, *, ttl: float = DEFAULT_TTL, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._logs: dict[str, _Log] = {}

    def __len__(self) -> int:
        return len(self._logs)

    async def create(
        self, run_id: str, version: int, snapshot: Snapshot, *, max_bytes: int
    ) -> None:
        """Start the log of ``run_id`` (forgetting logs older than ``ttl``)."""
        now = self._clock()
        for stale in [key for key, log in self._logs.items() if now - log.touched > self.ttl]:
            del self._logs[stale]
        self._logs[run_id] = _Log(snapshot, max_bytes, version, version, now)

    def _log(self, run_id: str) -> _Log:
        log = self._logs.get(run_id)
        if log is None:
            raise RunLogError(f"no run {run_id!r} is logged", code="run_not_found")
        log.touched = self._clock()
        return log

    async def append(self, run_id: str, event: RunEvent) -> None:
        """Log ``event`` and drop the oldest frames over the budget."""
        log = self._log(run_id)
        log.entries.append(event)
        log.size += len(event.frame)
        log.head = event.version
        while log.size > log.max_bytes and len(log.entries) > 1:
            dropped = log.entries.popleft()
            log.size -= len(dropped.frame)
            log.dropped = dropped.version
        log.wake()

    async def finish(self, run_id: str, frame: str, version: int) -> None:
        """Record the final frame and wake every reader."""
        log = self._log(run_id)
        log.final = frame
        log.head = max(log.head, version)
        log.wake()

    async def read(self, run_id: str, after: int | None, *, timeout: float) -> RunRead:
        """The frames after ``after``, waiting up to ``timeout`` seconds for new ones."""
        log = self._logs.get(run_id)
        if log is None:
            return RunRead(False, (), after or 0, None)
        frames, version = log.catch_up(after)
        if not frames and log.final is None:
            changed = log.changed
            try:
                await asyncio.wait_for(changed.wait(), timeout)
            except TimeoutError:
                return RunRead(True, (), version, None)
            frames, version = log.catch_up(version)
        return RunRead(True, frames, version, log.final)


_LOST = "this answer is no longer available"


async def follow(
    log: RunLog, run_id: str, last_event_id: str | None = None, *, heartbeat: float = 15.0
) -> AsyncGenerator[str, None]:
    """The SSE text of one connection to ``run_id``, read from ``log`` alone.

    Any worker can serve it: the frames after ``last_event_id`` (the header's value; a
    ``reset`` with the current HTML when those are no longer kept, or for a first connection
    mid-run), then each new frame, then the final one; a ``: keepalive`` comment after
    ``heartbeat`` seconds of silence. A run that is unknown, expired or lost, or a log that
    cannot be read, ends the connection with a ``genui-error`` event (``run_not_found`` or
    the store's code), so the page never silently misses a part of the answer.
    """
    cursor = parse_last_event_id(last_event_id)
    while True:
        try:
            found = await log.read(run_id, cursor, timeout=heartbeat)
        except RunLogError as error:
            yield error_event(error, cursor or 0)
            return
        if not found.found:
            yield error_event(_LOST, cursor or 0, code="run_not_found")
            return
        for frame in found.frames:
            yield frame
        cursor = found.version
        if found.final is not None:
            yield found.final
            return
        if not found.frames:
            yield KEEPALIVE
