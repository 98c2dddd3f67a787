"""The RunLog contract, for MemoryRunLog and RedisRunLog alike, and follow() across workers.

Each test runs against both stores. A Redis "worker" is a RedisRunLog on a client of its
own: a reader on another worker shares nothing with the writer but the Redis server.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest

from genui.render import render
from genui.runlog import KEEPALIVE, MemoryRunLog, RunEvent, RunLog, RunLogError, follow
from genui.runs import StreamRun
from genui.sse import sse_event
from genui.stream import SpecStream
from tests.dom import normalized
from tests.redis_server import RedisServer, running_redis
from tests.test_runs import SPEC, Event, chunks_of, dom_of, last_id, parse_frame, run_async


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


class Backend:
    """Makes the logs of one test: "workers" that share one store."""

    def __init__(self, url: str | None) -> None:
        self.url = url
        self.prefix = f"test-{secrets.token_hex(4)}:"
        self._memory = MemoryRunLog()
        self._clients: list[Any] = []

    def worker(self, **options: Any) -> RunLog:
        """The log as one worker sees it (a new Redis client each time)."""
        if self.url is None:
            return self._memory
        from genui.redis_store import RedisRunLog

        log = RedisRunLog.from_url(self.url, prefix=self.prefix, block=0.2, **options)
        self._clients.append(log.client)
        return log

    async def close(self) -> None:
        for client in self._clients:
            await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        return Backend(None)
    server: RedisServer = request.getfixturevalue("redis_server")
    return Backend(server.url)


def frame(version: int) -> RunEvent:
    updates = [{"op": "append", "target": "", "html": f"<p>{version}</p>"}]
    data = json.dumps({"version": version, "updates": updates})
    return RunEvent(version, f"id: {version}\nevent: genui\ndata: {data}\n\n")


def no_snapshot() -> RunEvent:
    raise AssertionError("no snapshot was needed")


async def read_all(frames: AsyncGenerator[str, None], limit: int = 0) -> list[Event]:
    """The events of one connection (at most ``limit`` genui events, then it leaves)."""
    events: list[Event] = []
    async for text in frames:
        events.append(parse_frame(text))
        if limit and sum(event.name == "genui" for event in events) >= limit:
            break
    await frames.aclose()
    return events


def scenario(backend: Backend, body: Any) -> Any:
    async def run() -> Any:
        try:
            return await body()
        finally:
            await backend.close()

    return run_async(run)


def test_a_reader_gets_the_frames_after_its_version_then_the_end(backend: Backend) -> None:
    async def body() -> list[Any]:
        writer, reader = backend.worker(), backend.worker()
        assert isinstance(writer, RunLog)
        await writer.create("r", 0, no_snapshot, max_bytes=10_000)
        for version in (1, 2, 3):
            await writer.append("r", frame(version))
        middle = await reader.read("r", 1, timeout=1)
        await writer.finish("r", "id: 3\nevent: genui-end\ndata: {}\n\n", 3)
        ended = await reader.read("r", 3, timeout=1)
        return [middle, ended]

    middle, ended = scenario(backend, body)
    assert middle.found and list(middle.frames) == [frame(2).frame, frame(3).frame]
    assert middle.version == 3 and middle.final is None
    assert list(ended.frames) == []
    assert ended.final is not None and "genui-end" in ended.final


def test_a_waiting_reader_wakes_for_a_new_frame_or_times_out_empty(backend: Backend) -> None:
    async def body() -> list[Any]:
        writer, reader = backend.worker(), backend.worker()
        await writer.create("r", 0, no_snapshot, max_bytes=10_000)
        await writer.append("r", frame(1))
        quiet = await reader.read("r", 1, timeout=0.05)
        waiting = asyncio.create_task(reader.read("r", 1, timeout=10))
        await asyncio.sleep(0.05)
        await writer.append("r", frame(2))
        return [quiet, await waiting]

    quiet, woken = scenario(backend, body)
    assert quiet.found and list(quiet.frames) == [] and quiet.final is None and quiet.version == 1
    assert list(woken.frames) == [frame(2).frame] and woken.version == 2


def test_an_unknown_run_is_not_found_and_follow_says_so(backend: Backend) -> None:
    async def body() -> list[Any]:
        reader = backend.worker()
        read = await reader.read("missing", None, timeout=0.05)
        return [read, await read_all(follow(reader, "missing", "4", heartbeat=0.05))]

    read, events = scenario(backend, body)
    assert not read.found
    assert [event.name for event in events] == ["genui-error"]
    assert events[0].data["code"] == "run_not_found" and events[0].id == 4


def test_a_reader_older_than_the_budget_gets_the_snapshot_then_the_rest(backend: Backend) -> None:
    stream = SpecStream()

    def snapshot() -> RunEvent:
        return RunEvent(stream.version, sse_event([stream.reset_update()], stream.version))

    text = json.dumps(SPEC)

    async def body() -> list[list[Event]]:
        writer, reader = backend.worker(), backend.worker()
        await writer.create("r", 0, snapshot, max_bytes=1_000)
        for start in range(0, len(text), 8):
            updates = stream.feed(text[start : start + 8])
            if updates:
                await writer.append(
                    "r", RunEvent(stream.version, sse_event(updates, stream.version))
                )
        await writer.finish("r", "id: 99\nevent: genui-end\ndata: {}\n\n", stream.version)
        old = await read_all(follow(reader, "r", "1", heartbeat=1))
        newest = await read_all(follow(reader, "r", str(stream.version - 1), heartbeat=1))
        return [old, newest]

    old, newest = scenario(backend, body)
    assert [update["op"] for update in old[0].data["updates"]] == ["reset"]
    assert dom_of(old).html() == normalized(render(SPEC))
    assert [event.name for event in newest] == ["genui", "genui-end"]  # the newest stays
    assert newest[0].id == old[-2].id


def test_a_new_log_of_the_same_id_replaces_the_old(backend: Backend) -> None:
    async def body() -> Any:
        writer, reader = backend.worker(), backend.worker()
        await writer.create("r", 0, no_snapshot, max_bytes=10_000)
        await writer.append("r", frame(1))
        await writer.finish("r", "id: 1\nevent: genui-end\ndata: {}\n\n", 1)
        await writer.create("r", 0, no_snapshot, max_bytes=10_000)
        await writer.append("r", frame(1))
        return await reader.read("r", 0, timeout=0.05)

    again = scenario(backend, body)
    assert list(again.frames) == [frame(1).frame] and again.final is None


def test_a_run_followed_from_another_worker_ends_in_the_dom_of_one_connection(
    backend: Backend,
) -> None:
    text = json.dumps(SPEC)

    async def body() -> list[list[Event]]:
        owner, other = backend.worker(), backend.worker()
        run = StreamRun(chunks_of(text, 8, pause=0.002), log=owner, idle_timeout=None)
        whole = await read_all(run.events())
        first = await read_all(follow(other, run.run_id, None, heartbeat=1), limit=3)
        rest = await read_all(follow(other, run.run_id, last_id(first), heartbeat=1))
        late = await read_all(follow(other, run.run_id, None, heartbeat=1))
        return [whole, first, rest, late]

    whole, first, rest, late = scenario(backend, body)
    expected = normalized(render(SPEC))
    assert dom_of(whole).html() == expected and whole[-1].name == "genui-end"
    assert dom_of(rest, dom_of(first)).html() == expected
    ids = [event.id for event in first + rest if event.name == "genui"]
    assert len(ids) == len(set(ids))
    assert dom_of(late).html() == expected and late[-1].name == "genui-end"


def test_follow_sends_keepalives_while_the_agent_is_silent(backend: Backend) -> None:
    async def body() -> list[Event]:
        writer, reader = backend.worker(), backend.worker()
        await writer.create("r", 0, no_snapshot, max_bytes=10_000)
        events = follow(reader, "r", "0", heartbeat=0.02)
        first = parse_frame(await anext(events))
        await writer.append("r", frame(1))
        await writer.finish("r", "id: 1\nevent: genui-end\ndata: {}\n\n", 1)
        return [first, *await read_all(events)]

    events = scenario(backend, body)
    assert events[0].name == "comment" and events[0].data == KEEPALIVE
    assert [event.name for event in events if event.name != "comment"] == ["genui", "genui-end"]


def test_the_memory_log_forgets_runs_untouched_for_its_ttl() -> None:
    now = [0.0]
    log = MemoryRunLog(ttl=10, clock=lambda: now[0])

    async def body() -> None:
        await log.create("old", 0, no_snapshot, max_bytes=100)
        now[0] = 11.0
        await log.create("new", 0, no_snapshot, max_bytes=100)
        with pytest.raises(RunLogError):
            await log.append("old", frame(1))

    run_async(body)
    assert len(log) == 1


def test_redis_keys_expire_after_the_ttl(redis_server: RedisServer) -> None:
    from genui.redis_store import RedisRunLog

    async def body() -> list[Any]:
        log = RedisRunLog.from_url(redis_server.url, prefix="ttl:", ttl=0.2)
        try:
            await log.create("r", 0, no_snapshot, max_bytes=100)
            await log.append("r", frame(1))
            ttls = [await log.client.pttl(key) for key in ("ttl:{r}:log", "ttl:{r}:meta")]
            for _ in range(100):
                gone = await log.read("r", 0, timeout=0.01)
                if not gone.found:
                    break
                await asyncio.sleep(0.02)
            return [ttls, gone]
        finally:
            await log.client.aclose()

    ttls, gone = run_async(body)
    assert all(0 < ttl <= 200 for ttl in ttls) and not gone.found


def test_an_unreachable_redis_is_a_log_unavailable_error_event() -> None:
    pytest.importorskip("redis")
    from genui.redis_store import RedisRunLog

    async def body() -> list[Event]:
        log = RedisRunLog.from_url("redis://127.0.0.1:1/0")
        try:
            return await read_all(follow(log, "r", "3", heartbeat=0.05))
        finally:
            await log.client.aclose()

    events = run_async(body)
    assert [event.name for event in events] == ["genui-error"]
    assert events[0].data["code"] == "log_unavailable" and events[0].id == 3


def test_a_run_cancelled_before_it_started_logs_only_its_error_event(backend: Backend) -> None:
    run = StreamRun(chunks_of(json.dumps(SPEC), 8), log=backend.worker())
    run.cancel()  # no event loop yet: the run ends at once, its first reader logs it

    async def body() -> list[list[Event]]:
        own = await read_all(run.events())
        other = await read_all(follow(backend.worker(), run.run_id, None, heartbeat=1))
        return [own, other]

    own, other = scenario(backend, body)
    assert run.done and run.error is not None and run.error.code == "cancelled"
    for events in (own, other):
        assert [event.name for event in events] == ["genui-error"]
        assert events[0].data["code"] == "cancelled"


def test_a_run_whose_log_cannot_be_created_ends_with_log_unavailable() -> None:
    pytest.importorskip("redis")
    from genui.redis_store import RedisRunLog

    async def body() -> tuple[StreamRun, list[Event]]:
        log = RedisRunLog.from_url("redis://127.0.0.1:1/0")
        run = StreamRun(chunks_of(json.dumps(SPEC), 8), log=log)
        try:
            return run, await read_all(run.events())
        finally:
            await log.client.aclose()

    run, events = run_async(body)
    assert run.done and run.error is not None and run.error.code == "log_unavailable"
    assert [event.name for event in events] == ["genui-error"]
