"""Redis for many workers: runs' event logs (:class:`RedisRunLog`) and nonces.

Needs the ``redis`` extra (``pip install 'genui[redis]'``, redis-py 5 or later); ``import
genui`` does not import this module, and this module imports nothing of redis-py until a
store is made.

:class:`RedisRunLog` is a :class:`~genui.runlog.RunLog` on a redis-py asyncio client: the
worker that runs an agent writes its :class:`~genui.runs.StreamRun`'s events there, and
any worker serves a reconnect with :func:`genui.runlog.follow`. Per run there are two keys,
with one hash tag (a Redis Cluster keeps them on one node): ``<prefix>{<run id>}:log``, a
Redis Stream of the SSE frames (entry id ``<version>-0``, read with ``XREAD BLOCK``; the
final frame is entry ``<version>-1``), and ``<prefix>{<run id>}:meta``, a hash with the
newest version, the last version trimmed away, the final frame and the snapshot (a
``reset`` frame with the HTML, written when frames are trimmed). Every write sets both keys
to expire ``ttl`` seconds later. Scripts do each write and each read atomically.

The byte budget is kept by the writer: once the frames pass ``max_bytes``, the oldest are
trimmed (``XTRIM MINID``) until three quarters of it remain, and a snapshot of the current
HTML is stored in the same script, so a reader whose ``Last-Event-ID`` was trimmed gets a
``reset``. If Redis loses a run's keys (a restart without persistence), the writer's next
write starts the log again from a snapshot: readers then get a ``reset``, or a
``genui-error`` (``run_not_found``) if they read before it; an unreachable Redis is a
:class:`~genui.runlog.RunLogError` (``log_unavailable``), which :func:`~genui.runlog.follow`
sends as a ``genui-error``.

:class:`RedisNonceStore` is a :class:`~genui.NonceStore` on a synchronous redis-py client
(``SET NX`` with an expiry), so that a form's envelope is accepted once across all workers.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup

from genui.runlog import DEFAULT_TTL, RunEvent, RunLogError, RunRead, Snapshot
from genui.sse import sse_event
from genui.stream import Update

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = ["RedisNonceStore", "RedisRunLog"]

T = TypeVar("T")

EMPTY_RESET = sse_event([Update("reset", "", Markup(""))], 0)
"""The snapshot of a log that starts at version 0: an empty container."""

_READ_COUNT = 512
"""Most frames one read script returns."""

_CREATE = """
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('HSET', KEYS[2], 'head', ARGV[1], 'dropped', ARGV[1], 'snap_version', ARGV[1],
  'snap', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""

_APPEND = """
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
redis.call('XADD', KEYS[1], ARGV[1] .. '-0', 'f', ARGV[2])
redis.call('HSET', KEYS[2], 'head', ARGV[1])
if ARGV[4] ~= '0' then
  redis.call('XTRIM', KEYS[1], 'MINID', (tonumber(ARGV[4]) + 1) .. '-0')
  redis.call('HSET', KEYS[2], 'dropped', ARGV[4], 'snap_version', ARGV[5], 'snap', ARGV[6])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""

_FINISH = """
local head = redis.call('HGET', KEYS[2], 'head')
if not head then return 0 end
redis.call('XADD', KEYS[1], ARGV[1] .. '-1', 'end', '1')
redis.call('HSET', KEYS[2], 'final', ARGV[2], 'head', math.max(tonumber(head), tonumber(ARGV[1])))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
"""

_READ = """
local meta = redis.call('HMGET', KEYS[2], 'head', 'dropped', 'snap_version', 'snap', 'final')
if not meta[1] then return {0} end
local head, dropped = tonumber(meta[1]), tonumber(meta[2])
local after = tonumber(ARGV[1])
if after == nil and dropped == 0 then after = 0 end
local out = {1, 0, ''}
local cursor
if after == nil or after > head or after < dropped then
  cursor = tonumber(meta[3])
  out[#out + 1] = meta[4]
else
  cursor = after
end
local count = tonumber(ARGV[2])
local entries = redis.call('XRANGE', KEYS[1], '(' .. cursor .. '-0', '+', 'COUNT', count)
for _, entry in ipairs(entries) do
  if entry[2][1] == 'f' then
    out[#out + 1] = entry[2][2]
    cursor = tonumber(string.match(entry[1], '^(%d+)'))
  end
end
out[2] = cursor
if #entries < count and meta[5] then out[3] = meta[5] end
return out
"""


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


@dataclass
class _Writer:
    """What the writing worker keeps of one run: its snapshot and its frames' sizes."""

    snapshot: Snapshot
    max_bytes: int
    sizes: deque[tuple[int, int]] = field(default_factory=deque)
    total: int = 0

    def add(self, version: int, size: int) -> int:
        """Count a new frame; the version trimmed through (0: none trimmed)."""
        self.sizes.append((version, size))
        self.total += size
        if self.total <= self.max_bytes:
            return 0
        through = 0
        while self.total > self.max_bytes * 3 // 4 and len(self.sizes) > 1:
            through, dropped = self.sizes.popleft()
            self.total -= dropped
        return through


class RedisRunLog:
    """A :class:`~genui.runlog.RunLog` in Redis, shared by every worker (see the module).

    * ``client``: a ``redis.asyncio.Redis`` (either ``decode_responses``); its
      ``socket_timeout`` must be longer than ``block``.
    * ``prefix``: the start of every key.
    * ``ttl``: seconds the keys of a run live after its last write.
    * ``block``: longest ``XREAD BLOCK``, in seconds (a read waits in steps of it).
    """

    def __init__(
        self,
        client: redis.asyncio.Redis,
        *,
        prefix: str = "genui:run:",
        ttl: float = DEFAULT_TTL,
        block: float = 1.0,
    ) -> None:
        from redis.exceptions import RedisError

        self.client = client
        self.prefix = prefix
        self.ttl = ttl
        self.block = block
        self._errors: tuple[type[BaseException], ...] = (RedisError, OSError)
        self._create = client.register_script(_CREATE)
        self._append = client.register_script(_APPEND)
        self._finish = client.register_script(_FINISH)
        self._read = client.register_script(_READ)
        self._writers: dict[str, _Writer] = {}

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisRunLog:
        """A log on a new ``redis.asyncio`` client for ``url`` (``redis://host:port/db``)."""
        import redis.asyncio

        return cls(redis.asyncio.Redis.from_url(url), **options)

    def _keys(self, run_id: str) -> list[str]:
        tagged = f"{self.prefix}{{{run_id}}}"
        return [f"{tagged}:log", f"{tagged}:meta"]

    async def _call(self, call: Awaitable[T]) -> T:
        try:
            return await call
        except self._errors as exc:
            raise RunLogError(
                "the answer's event log is unreachable", code="log_unavailable"
            ) from exc

    def _ttl_ms(self) -> int:
        return max(1, math.ceil(self.ttl * 1000))

    async def create(
        self, run_id: str, version: int, snapshot: Snapshot, *, max_bytes: int
    ) -> None:
        """Start the log of ``run_id`` (replacing an earlier one) from ``version``."""
        self._writers[run_id] = _Writer(snapshot, max_bytes)
        frame = snapshot().frame if version else EMPTY_RESET
        args: list[str | int] = [version, frame, self._ttl_ms()]
        await self._call(self._create(keys=self._keys(run_id), args=args))

    def _writer(self, run_id: str) -> _Writer:
        writer = self._writers.get(run_id)
        if writer is None:
            raise RunLogError(f"run {run_id!r} is not written here", code="run_not_found")
        return writer

    async def _restart(self, run_id: str, writer: _Writer) -> None:
        """Start a lost log again from the current HTML (what came before is gone)."""
        current = writer.snapshot()
        writer.sizes.clear()
        writer.total = 0
        args: list[str | int] = [current.version, current.frame, self._ttl_ms()]
        await self._call(self._create(keys=self._keys(run_id), args=args))

    async def append(self, run_id: str, event: RunEvent) -> None:
        """``XADD`` the frame; trim and store a snapshot when it passes the budget."""
        writer = self._writer(run_id)
        through = writer.add(event.version, len(event.frame))
        snap = writer.snapshot() if through else RunEvent(0, "")
        args: list[str | int] = [event.version, event.frame, self._ttl_ms(), through]
        args += [snap.version, snap.frame]
        if not await self._call(self._append(keys=self._keys(run_id), args=args)):
            await self._restart(run_id, writer)

    async def finish(self, run_id: str, frame: str, version: int) -> None:
        """Store the final frame (waking every reader); the writer forgets the run."""
        writer = self._writer(run_id)
        del self._writers[run_id]
        keys = self._keys(run_id)
        args: list[str | int] = [version, frame, self._ttl_ms()]
        if not await self._call(self._finish(keys=keys, args=args)):
            await self._restart(run_id, writer)
            await self._call(self._finish(keys=keys, args=args))

    async def _read_once(self, run_id: str, after: int | None) -> RunRead:
        keys = self._keys(run_id)
        args: list[str | int] = ["" if after is None else after, _READ_COUNT]
        reply = await self._call(self._read(keys=keys, args=args))
        if not reply or int(reply[0]) == 0:
            return RunRead(False, (), after or 0, None)
        final = _text(reply[2])
        frames = [_text(frame) for frame in reply[3:]]
        return RunRead(True, frames, int(reply[1]), final or None)

    async def read(self, run_id: str, after: int | None, *, timeout: float) -> RunRead:
        """The frames after ``after``; else ``XREAD BLOCK`` for up to ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            found = await self._read_once(run_id, after)
            remaining = deadline - loop.time()
            if found.frames or found.final is not None or not found.found or remaining <= 0:
                return found
            wait_ms = max(1, math.ceil(min(remaining, self.block) * 1000))
            streams: dict[Any, Any] = {self._keys(run_id)[0]: f"{found.version}-0"}
            await self._call(self.client.xread(streams, count=1, block=wait_ms))
            after = found.version


class RedisNonceStore:
    """A :class:`~genui.NonceStore` in Redis: one key per claimed nonce, expiring with it.

    ``client`` is a synchronous ``redis.Redis`` (an :class:`~genui.ActionGate` calls its store
    synchronously); ``prefix`` starts every key.
    """

    def __init__(self, client: redis.Redis, *, prefix: str = "genui:nonce:") -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisNonceStore:
        """A store on a new ``redis.Redis`` client for ``url``."""
        import redis

        return cls(redis.Redis.from_url(url), **options)

    def used(self, nonce: str) -> bool:
        """Whether ``nonce`` was claimed and its key has not expired."""
        return bool(self.client.exists(self.prefix + nonce))

    def claim(self, nonce: str, expires: float) -> bool:
        """``SET NX`` the nonce's key until ``expires`` (at least a second from now)."""
        ttl_ms = max(1000, math.ceil((expires - time.time()) * 1000))
        return bool(self.client.set(self.prefix + nonce, b"1", nx=True, px=ttl_ms))
