"""Two app processes and one Redis: a reconnect that lands on the other worker loses nothing.

Each app (``tests/multiworker_app.py``) runs under uvicorn in a process of its own. Runs start
on worker A; a client reads part of a run's SSE stream from A, leaves, and reconnects to B
with ``Last-Event-ID``. It must end with exactly the events one connection to A gets. When
Redis restarts mid-run, the reconnect ends with the whole answer or with a ``genui-error``
event, never with an answer silently missing a part.
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from genui.render import render
from genui.sse import ERROR_TITLE
from tests.dom import normalized
from tests.multiworker_app import SPEC, serve
from tests.redis_server import RedisServer, running_redis
from tests.test_runs import Event, dom_of, last_id, parse_frame

FINAL = ("genui-end", "genui-error")


@dataclass
class Workers:
    """One Redis and two app processes on it."""

    redis: RedisServer
    a: str
    b: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def workers() -> Iterator[Workers]:
    with (
        running_redis() as redis,
        serve(_free_port(), redis.url) as a,
        serve(_free_port(), redis.url) as b,
    ):
        yield Workers(redis, a, b)


def start_run(base: str, *, pause: float) -> str:
    run_id = secrets.token_urlsafe(8)
    response = httpx.post(f"{base}/runs/{run_id}", params={"size": 8, "pause": pause})
    assert response.status_code == 204
    return run_id


def read(
    base: str, run_id: str, last_event_id: str | None = None, limit: int = 0
) -> tuple[list[Event], str]:
    """The events (without keep-alives) one connection gets, and the worker that sent them.

    Reads at most ``limit`` genui events, then leaves; a connection that breaks ends the list.
    """
    headers = {"Last-Event-ID": last_event_id} if last_event_id is not None else {}
    events: list[Event] = []
    with httpx.stream("GET", f"{base}/stream/{run_id}", headers=headers, timeout=10) as response:
        assert response.status_code == 200
        worker = response.headers["x-worker"]
        lines: list[str] = []
        try:
            for line in response.iter_lines():
                if line:
                    lines.append(line)
                    continue
                event = parse_frame("\n".join(lines) + "\n\n") if lines else None
                lines = []
                if event is None or event.name == "comment":
                    continue
                events.append(event)
                if event.name in FINAL or (
                    limit and sum(e.name == "genui" for e in events) >= limit
                ):
                    break
        except httpx.TransportError:
            pass  # the connection broke: a browser would reconnect
    return events, worker


def test_a_reconnect_to_the_other_worker_gets_exactly_the_rest(workers: Workers) -> None:
    whole, _ = read(workers.a, start_run(workers.a, pause=0.002))
    assert whole[-1].name == "genui-end"
    half = sum(event.name == "genui" for event in whole) // 2
    assert half >= 3

    run_id = start_run(workers.a, pause=0.002)
    first, worker_a = read(workers.a, run_id, limit=half)
    rest, worker_b = read(workers.b, run_id, last_id(first))

    assert worker_a != worker_b  # two processes
    assert len(first) == half
    assert first + rest == whole  # the same ids, names and data: none lost, none twice
    assert dom_of(first + rest).html() == normalized(render(SPEC))


def test_a_first_connection_to_the_other_worker_mid_run_gets_the_whole_answer(
    workers: Workers,
) -> None:
    run_id = start_run(workers.a, pause=0.002)
    read(workers.a, run_id, limit=2)
    late, _ = read(workers.b, run_id)
    assert late[-1].name == "genui-end"
    assert dom_of(late).html() == normalized(render(SPEC))


def test_after_a_redis_restart_the_reconnect_ends_whole_or_with_an_error_event(
    workers: Workers,
) -> None:
    run_id = start_run(workers.a, pause=0.01)
    seen, _ = read(workers.a, run_id, limit=3)
    workers.redis.restart()  # every key is lost
    events = list(seen)
    for attempt in range(10):
        base = workers.b if attempt % 2 == 0 else workers.a
        more, _ = read(base, run_id, last_id(events))
        events += more
        if events[-1].name in FINAL:
            break
    final = events[-1]
    assert final.name in FINAL, "the client never learnt how the run ended"
    dom = dom_of(events)  # every update applies: none targets what a gap left out
    if final.name == "genui-end":
        assert dom.html() == normalized(render(SPEC))
    else:
        assert final.data["code"] in {"run_not_found", "log_unavailable"}
        assert ERROR_TITLE in dom.html()
