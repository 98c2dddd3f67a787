"""StreamRun: one agent response, any number of connections, resumes, errors, cancelling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st

from genui.render import render
from genui.runs import StreamRun
from genui.sse import ERROR_TITLE
from genui.testing import specs
from tests import examples
from tests.dom import Container, normalized

T = TypeVar("T")

SPEC: dict[str, Any] = {
    "root": [
        {"component": "Heading", "props": {"level": 2, "text": "Results"}},
        {
            "component": "List",
            "children": [
                {"component": "ListItem", "props": {"text": f"Item {index}"}} for index in range(12)
            ],
        },
    ]
}


class Event(NamedTuple):
    """One parsed SSE event (a comment line is an event named ``comment``)."""

    id: int | None
    name: str
    data: Any


def parse_frame(frame: str) -> Event:
    if frame.startswith(":"):
        return Event(None, "comment", frame)
    fields = dict(line.split(": ", 1) for line in frame.strip("\n").split("\n"))
    event_id = int(fields["id"]) if "id" in fields else None
    return Event(event_id, fields["event"], json.loads(fields["data"]))


def apply_event(dom: Container, event: Event) -> None:
    """Apply one event to ``dom`` as genui.js does."""
    if event.name == "genui":
        for update in event.data["updates"]:
            dom.apply(update)
    elif event.name == "genui-error":
        dom.apply({"op": "append", "target": "", "html": event.data["html"]})


def run_async(make: Callable[[], Awaitable[T]]) -> T:
    """Run a scenario in a fresh event loop, in a thread (a browser test's loop may be running)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(_with_timeout(make))).result()


async def _with_timeout(make: Callable[[], Awaitable[T]]) -> T:
    return await asyncio.wait_for(make(), 20)


def chunks_of(text: str, size: int, pause: float = 0.0) -> Callable[[], AsyncIterator[str]]:
    async def agent() -> AsyncIterator[str]:
        for start in range(0, len(text), size):
            if pause:
                await asyncio.sleep(pause)
            else:
                await asyncio.sleep(0)
            yield text[start : start + size]

    return agent


async def read(run: StreamRun, last_event_id: str | None = None, limit: int = 0) -> list[Event]:
    """The events one connection gets (at most ``limit`` genui events, then it leaves)."""
    events: list[Event] = []
    stream = run.events(last_event_id)
    assert isinstance(stream, AsyncGenerator)
    try:
        async for frame in stream:
            event = parse_frame(frame)
            events.append(event)
            if limit and sum(e.name == "genui" for e in events) >= limit:
                break
    finally:
        await stream.aclose()
    return events


def last_id(events: list[Event]) -> str | None:
    ids = [event.id for event in events if event.id is not None]
    return str(ids[-1]) if ids else None


def dom_of(events: list[Event], dom: Container | None = None) -> Container:
    dom = dom if dom is not None else Container()
    for event in events:
        apply_event(dom, event)
    return dom


def test_one_connection_gets_every_batch_then_the_end() -> None:
    text = json.dumps(SPEC)

    async def scenario() -> tuple[StreamRun, list[Event]]:
        run = StreamRun(chunks_of(text, 16))
        return run, await read(run)

    run, events = run_async(scenario)
    assert events[-1].name == "genui-end" and run.done and run.error is None
    versions = [event.id or 0 for event in events if event.name == "genui"]
    assert versions == sorted(set(versions))
    assert dom_of(events).html() == normalized(render(SPEC))


def test_a_reconnect_resumes_after_its_last_event_without_loss_or_duplicates() -> None:
    text = json.dumps(SPEC)

    async def scenario() -> tuple[list[Event], list[Event]]:
        run = StreamRun(chunks_of(text, 8), idle_timeout=5)
        first = await read(run, limit=5)
        second = await read(run, last_id(first))
        return first, second

    first, second = run_async(scenario)
    first_ids = {event.id for event in first if event.name == "genui"}
    second_ids = {event.id for event in second if event.name == "genui"}
    assert first_ids and second_ids and not first_ids & second_ids
    assert all(event.data["updates"][0]["op"] != "reset" for event in second[:1])
    assert dom_of(second, dom_of(first)).html() == normalized(render(SPEC))


def test_a_reconnect_older_than_the_log_gets_one_reset_then_the_rest() -> None:
    text = json.dumps(SPEC)

    async def scenario() -> tuple[list[Event], list[Event]]:
        run = StreamRun(chunks_of(text, 8), log_bytes=600, idle_timeout=None)
        first = await read(run, limit=2)
        await run.wait()
        second = await read(run, last_id(first))
        return first, second

    first, second = run_async(scenario)
    assert [update["op"] for update in second[0].data["updates"]] == ["reset"]
    assert second[-1].name == "genui-end"
    assert dom_of(second, dom_of(first)).html() == normalized(render(SPEC))


def test_a_new_connection_mid_run_starts_from_the_current_html() -> None:
    text = json.dumps(SPEC)

    async def scenario() -> tuple[list[Event], list[Event]]:
        run = StreamRun(chunks_of(text, 8), idle_timeout=None)
        first = await read(run, limit=4)
        late = await read(run)
        return first, late

    _, late = run_async(scenario)
    assert late[0].data["updates"][0]["op"] == "reset"
    assert dom_of(late).html() == normalized(render(SPEC))


def test_output_that_turns_invalid_ends_with_an_error_event_and_keeps_the_good_html() -> None:
    good = '{"root": [{"component": "Text", "props": {"text": "kept"}}, '
    bad = '{"component": "Text", "props": {"text": 1}}]}'

    async def scenario() -> tuple[StreamRun, list[Event]]:
        run = StreamRun(chunks_of(good + bad, 10))
        return run, await read(run)

    run, events = run_async(scenario)
    final = events[-1]
    assert final.name == "genui-error" and final.id == run.stream.version
    assert final.data["code"] == "type_mismatch" and final.data["path"] == "/root/1/props/text"
    html = dom_of(events).html()
    assert "kept" in html and ERROR_TITLE in html and 'role="alert"' in html
    assert run.error is not None and run.done


def test_an_exception_in_the_agent_is_an_error_event_without_its_text() -> None:
    async def agent() -> AsyncIterator[str]:
        yield '{"root": "partial'
        raise RuntimeError("secret-token-123")

    async def scenario() -> list[Event]:
        return await read(StreamRun(agent))

    events = run_async(scenario)
    assert events[-1].name == "genui-error"
    assert events[-1].data["code"] == "agent_failed"
    assert "secret-token-123" not in json.dumps(events[-1].data)


def test_patches_and_text_both_drive_the_stream() -> None:
    async def agent() -> AsyncIterator[Any]:
        yield '{"root": {"component": "List", "children": []}}'
        for index in range(3):
            item = {"component": "ListItem", "props": {"text": f"Item {index}"}}
            yield [{"op": "add", "path": "/root/children/-", "value": item}]
        yield 42  # neither text nor a patch

    async def scenario() -> list[Event]:
        return await read(StreamRun(agent))

    events = run_async(scenario)
    ops = [update["op"] for event in events[:-1] for update in event.data["updates"]]
    assert ops == ["reset", "insert", "after", "after"]  # the first item into the empty List
    assert events[-1].name == "genui-error" and events[-1].data["code"] == "agent_failed"


def test_silence_gets_a_keepalive_comment() -> None:
    async def scenario() -> list[Event]:
        run = StreamRun(chunks_of('{"root": "a"}', 100, pause=0.2), heartbeat=0.05)
        return await read(run)

    events = run_async(scenario)
    assert any(event.name == "comment" for event in events)
    assert events[-1].name == "genui-end"


def test_the_agent_is_cancelled_when_the_last_subscriber_leaves() -> None:
    async def scenario(idle_timeout: float | None) -> StreamRun:
        run = StreamRun(chunks_of(json.dumps(SPEC), 4, pause=0.01), idle_timeout=idle_timeout)
        await read(run, limit=1)
        await asyncio.sleep(0.1)
        if idle_timeout is None:
            await run.wait()
        return run

    cancelled = run_async(lambda: scenario(0.01))
    assert cancelled.done and cancelled.error is not None and cancelled.error.code == "cancelled"
    finished = run_async(lambda: scenario(None))
    assert finished.done and finished.error is None


def test_a_subscriber_that_returns_in_time_keeps_the_run_alive() -> None:
    async def scenario() -> tuple[StreamRun, list[Event], list[Event]]:
        run = StreamRun(chunks_of(json.dumps(SPEC), 8, pause=0.005), idle_timeout=0.5)
        first = await read(run, limit=2)
        second = await read(run, last_id(first))
        return run, first, second

    run, first, second = run_async(scenario)
    assert run.error is None and second[-1].name == "genui-end"
    assert dom_of(second, dom_of(first)).html() == normalized(render(SPEC))


@settings(max_examples=examples(30), deadline=None)
@given(
    specs(),
    st.integers(min_value=1, max_value=40),
    st.lists(st.integers(min_value=1, max_value=6), max_size=4),
    st.sampled_from([200, 2_000, 8 * 1024 * 1024]),
)
def test_any_disconnects_end_in_the_dom_of_one_connection(
    spec: dict[str, Any], size: int, stays: list[int], log_bytes: int
) -> None:
    text = json.dumps(spec)

    async def scenario() -> tuple[Container, Container, StreamRun]:
        whole = dom_of(await read(StreamRun(chunks_of(text, size))))
        run = StreamRun(chunks_of(text, size), log_bytes=log_bytes, idle_timeout=None)
        dom, seen = Container(), None
        for stay in stays:
            events = await read(run, seen, limit=stay)
            dom_of(events, dom)
            seen = last_id(events) or seen
        dom_of(await read(run, seen), dom)
        return whole, dom, run

    whole, resumed, run = run_async(scenario)
    assert resumed.html() == whole.html()
    if run.error is None:
        assert resumed.html() == normalized(str(run.stream.html()))
