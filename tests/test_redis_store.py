"""What only the Redis stores do: the budget in the stream, a lost log started again, nonces."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui.gate import ActionGate
from genui.nonces import NonceStore
from genui.redis_store import RedisNonceStore, RedisRunLog
from genui.runlog import RunEvent, RunLogError, RunRead, follow
from genui.runs import StreamRun
from genui.testing import specs
from genui.writing import ENVELOPE_FIELD
from tests import examples
from tests.dom import Container, normalized
from tests.redis_server import RedisServer, running_redis
from tests.test_gate import ACTIONS, KEY, TTL, Setup, _envelope, _refused
from tests.test_runlog import frame, no_snapshot, read_all
from tests.test_runs import chunks_of, dom_of, last_id, run_async


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with running_redis() as server:
        yield server


def test_the_stream_keeps_at_most_the_budget_and_always_the_newest(
    redis_server: RedisServer,
) -> None:
    size = len(frame(10).frame)

    async def body() -> list[Any]:
        log = RedisRunLog.from_url(redis_server.url, prefix="budget:")
        current = [0]

        def snapshot() -> RunEvent:
            return RunEvent(current[0], f"id: {current[0]}\nevent: genui\ndata: reset\n\n")

        try:
            await log.create("r", 0, snapshot, max_bytes=size * 4)
            lengths = []
            for version in range(10, 40):
                current[0] = version
                await log.append("r", frame(version))
                entries: Any = await log.client.xrange("budget:{r}:log")
                lengths.append(sum(len(fields[b"f"]) for _, fields in entries))
            old = await log.read("r", 11, timeout=0)
            return [lengths, old]
        finally:
            await log.client.aclose()

    lengths, old = run_async(body)
    assert max(lengths) <= size * 4 and min(lengths) >= size
    reset, *rest = old.frames  # the snapshot of the last trim, then what came after it
    assert reset.startswith("id: ") and reset.endswith("data: reset\n\n")
    assert rest and rest[-1] == frame(39).frame and old.version == 39
    assert int(reset.split()[1]) + len(rest) == 39


def test_a_log_lost_by_a_restart_starts_again_from_a_snapshot(redis_server: RedisServer) -> None:
    async def body() -> list[Any]:
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        def worker() -> Any:  # a retry that reconnects after the restart
            retry = Retry(ExponentialBackoff(cap=0.2, base=0.01), retries=5)
            client = redis.asyncio.Redis.from_url(redis_server.url, retry=retry)
            return RedisRunLog(client, prefix="lost:")

        writer, reader = worker(), worker()
        try:
            await writer.create("r", 0, lambda: RunEvent(4, "reset at 4"), max_bytes=10_000)
            for version in (1, 2, 3):
                await writer.append("r", frame(version))
            redis_server.restart()
            lost = await reader.read("r", 2, timeout=0)
            await writer.append("r", frame(4))  # finds the log gone: starts it again
            resumed = await reader.read("r", 2, timeout=0)
            current = await reader.read("r", 4, timeout=0)
            return [lost, resumed, current]
        finally:
            await writer.client.aclose()
            await reader.client.aclose()

    lost, resumed, current = run_async(body)
    assert not lost.found
    assert list(resumed.frames) == ["reset at 4"] and resumed.version == 4
    assert current == RunRead(True, [], 4, None)


def test_an_unreachable_redis_fails_the_write_with_log_unavailable() -> None:
    pytest.importorskip("redis")

    async def body() -> str:
        log = RedisRunLog.from_url("redis://127.0.0.1:1/0")
        try:
            await log.create("r", 0, no_snapshot, max_bytes=100)
        except RunLogError as error:
            return error.code
        finally:
            await log.client.aclose()
        return "no error"

    assert run_async(body) == "log_unavailable"


def test_a_nonce_is_claimed_once_across_clients(redis_server: RedisServer) -> None:
    first = RedisNonceStore.from_url(redis_server.url)
    second = RedisNonceStore.from_url(redis_server.url)
    try:
        assert isinstance(first, NonceStore) and isinstance(second, RedisNonceStore)
        assert not second.used("n1")
        assert first.claim("n1", time.time() + 60)
        assert second.used("n1") and not second.claim("n1", time.time() + 60)
        assert not first.used("n2")
        ttl = first.client.pttl("genui:nonce:n1")
        assert 0 < ttl <= 60_000
    finally:
        first.client.close()
        second.client.close()


def test_a_nonce_past_its_expiry_is_still_held_a_second() -> None:
    calls: list[tuple[Any, ...]] = []

    class Client:
        def set(self, key: str, value: bytes, *, nx: bool, px: int) -> bool:
            calls.append((key, nx, px))
            return True

    store = RedisNonceStore(Client(), prefix="p:")  # type: ignore[arg-type]
    assert store.claim("n", time.time() - 5)
    assert calls == [("p:n", True, 1000)]


def test_follow_waits_in_steps_of_block_for_a_long_heartbeat(redis_server: RedisServer) -> None:
    async def body() -> RunRead:
        log = RedisRunLog.from_url(redis_server.url, prefix="steps:", block=0.01)
        try:
            await log.create("r", 0, no_snapshot, max_bytes=1_000)
            waiting = asyncio.create_task(log.read("r", 0, timeout=30))
            await asyncio.sleep(0.1)  # several XREAD BLOCK steps go by
            await log.append("r", frame(1))
            return await waiting
        finally:
            await log.client.aclose()

    woken = run_async(body)
    assert list(woken.frames) == [frame(1).frame]


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_a_missing_redis_server_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: type[BaseException]
) -> None:
    monkeypatch.setenv("GENUI_REDIS_SERVER", "/nonexistent/redis-server")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="redis-server is not installed"), running_redis():
        pass


@settings(max_examples=examples(10), deadline=None)
@given(
    specs(),
    st.integers(min_value=1, max_value=40),
    st.lists(st.integers(min_value=1, max_value=6), max_size=4),
    st.sampled_from([200, 2_000, 8 * 1024 * 1024]),
)
def test_any_disconnects_across_workers_end_in_the_dom_of_one_connection(
    redis_server: RedisServer, spec: dict[str, Any], size: int, stays: list[int], budget: int
) -> None:
    text = json.dumps(spec)

    async def body() -> tuple[Container, Container, StreamRun]:
        owner = RedisRunLog.from_url(redis_server.url, prefix="any:")
        other = RedisRunLog.from_url(redis_server.url, prefix="any:")
        try:
            whole = dom_of(await read_all(StreamRun(chunks_of(text, size)).events()))
            run = StreamRun(chunks_of(text, size), log=owner, log_bytes=budget, idle_timeout=None)
            await run.ready()
            dom, seen = Container(), None
            for index, stay in enumerate(stays):
                log = owner if index % 2 else other  # alternate between the two workers
                events = await read_all(follow(log, run.run_id, seen, heartbeat=1), limit=stay)
                dom_of(events, dom)
                seen = last_id(events) or seen
            dom_of(await read_all(follow(other, run.run_id, seen, heartbeat=1)), dom)
            await run.wait()
            return whole, dom, run
        finally:
            await owner.client.aclose()
            await other.client.aclose()

    whole, resumed, run = run_async(body)
    assert resumed.html() == whole.html()
    if run.error is None:
        assert resumed.html() == normalized(str(run.stream.html()))


def test_an_envelope_used_on_one_worker_is_a_replay_on_another(redis_server: RedisServer) -> None:
    first, second = (RedisNonceStore.from_url(redis_server.url, prefix="gate:") for _ in "ab")
    worker = Setup()
    worker.gate.nonces = first
    other = ActionGate(
        ACTIONS, KEY, surfaces=worker.shown, ttl=TTL, clock=worker.clock, nonces=second
    )
    try:
        envelope = _envelope(worker)
        assert other.verify([(ENVELOPE_FIELD, envelope)]).name == "book_table"
        _refused("replayed", [(ENVELOPE_FIELD, envelope)], worker.gate)
    finally:
        first.client.close()
        second.client.close()
