"""genui.htmx in headless Chromium: htmx 2 and htmx-ext-sse (tests/vendor/htmx/), no genui.js.

* A spec streamed node by node by a :class:`~genui.runs.StreamRun` (reset, appends, afters,
  replaces), whose first connection is cut half-way: the page reconnects with
  ``Last-Event-ID``, gets exactly what it missed, and ends showing what ``render`` writes for
  the final spec; no script in the agent's text runs.
* Updates aimed at hostile paths (quotes, brackets, backslashes, line breaks,
  ``</script>``) change exactly their elements, as genui.js's model says.
* A failed run shows genui's alert and the page never connects again.
* A stream made with :data:`~genui.htmx.HTMX_OPS` (children inserted into a Card after a
  text leaf, children removed, the Card's title changed with its children kept: a
  ``replace``, as htmx has no ``shell``) ends showing what ``render`` writes; inserts into
  a slot (``:nth-child``) and removes at hostile paths change exactly their elements.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from examples.server.background import serve_in_thread
from genui import Renderer, SpecStream, Update
from genui.htmltext import escape_html
from genui.htmx import HTMX_OPS, HtmxContainer
from genui.runs import StreamRun
from genui.sse import ERROR_TITLE
from genui.static import STATIC_DIR
from tests.dom import Container, normalized

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

VENDOR = Path(__file__).resolve().parent / "vendor" / "htmx"
TIMEOUT_MS = 10_000
WATCH_MS = 1_000
"""How long a test watches for reconnects after the end (20 times the retry delay)."""
RECORD_CLOSE = """
window.genuiClosed = [];
document.addEventListener("htmx:sseClose", (e) => window.genuiClosed.push(e.detail.type));
"""
"""Test instrumentation only: what htmx says when it closes an ``EventSource``."""
SETTLED = """(id) => window.genuiClosed.length > 0 && !document.querySelector(
    ".htmx-added, .htmx-settling, .htmx-swapping, [data-genui-mark]")"""

HOSTILE_TEXT = '</script><script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
SPEC: dict[str, Any] = {
    "root": [
        {"component": "Heading", "props": {"level": 2, "text": "Results"}},
        {
            "component": "Card",
            "key": '"]</script>\\',
            "props": {"title": HOSTILE_TEXT},
            "children": [
                {"component": "Text", "props": {"text": "line one\r\nline two\rthree"}},
                {
                    "component": "List",
                    "children": [
                        {"component": "ListItem", "props": {"text": f"item {n}"}} for n in range(3)
                    ],
                },
            ],
        },
    ]
}
PATCHES: list[list[dict[str, Any]]] = [
    [{"op": "replace", "path": "/root/0/props/text", "value": "Results, updated"}],
    [
        {
            "op": "add",
            "path": "/root/1/children/1/children/-",
            "value": {"component": "ListItem", "props": {"text": HOSTILE_TEXT}},
        }
    ],
    [{"op": "add", "path": "/root/-", "value": {"component": "Text", "props": {"text": "end"}}}],
]
"""Sent while the page is disconnected: a replace, an after, an append."""
CHUNK = 11


def _final_spec() -> Any:
    stream = SpecStream(ops=HTMX_OPS)
    stream.feed(json.dumps(SPEC))
    for patch in PATCHES:
        stream.apply(patch)
    stream.close()
    return stream.spec


def _ops() -> set[str]:
    """The ops the run sends (its stream is deterministic): every one of them."""
    stream, ops = SpecStream(ops=HTMX_OPS), set[str]()
    text = json.dumps(SPEC)
    for start in range(0, len(text), CHUNK):
        ops.update(update.op for update in stream.feed(text[start : start + CHUNK]))
    for patch in PATCHES:
        ops.update(update.op for update in stream.apply(patch))
    return ops


def _cut_version() -> int:
    """The version once all the text is shown: where the first connection is cut."""
    stream = SpecStream(ops=HTMX_OPS)
    text = json.dumps(SPEC)
    for start in range(0, len(text), CHUNK):
        stream.feed(text[start : start + CHUNK])
    return stream.version


async def agent() -> AsyncIterator[Any]:
    text = json.dumps(SPEC)
    for start in range(0, len(text), CHUNK):
        await asyncio.sleep(0.002)
        yield text[start : start + CHUNK]
    for patch in PATCHES:
        await asyncio.sleep(0.01)
        yield patch


async def broken_agent() -> AsyncIterator[str]:
    yield '{"root": [{"component": "Text", "props": {"text": "First result"}}, '
    yield '{"component": "Text", "props": {"text": 7}}]}'


def _hostile_paths() -> list[str]:
    return ['a"]', "b'] , *", "c\\", "d\nline", "e\r\nf", "</script>", "<hx-x>", "/>", "g:h,i", ""]


def _hostile_updates() -> tuple[str, list[Update]]:
    """A page of elements at hostile paths, and updates aimed at each."""
    page = "".join(
        f'<p data-genui-path="{escape_html(path)}">old {index}</p>'
        f'<p data-genui-path="{escape_html(path + "x")}">decoy</p>'
        for index, path in enumerate(_hostile_paths())
    )
    updates = [Update("reset", "", Markup(page))]
    for index, path in enumerate(_hostile_paths()):
        new = (
            f'<p data-genui-path="{escape_html(path)}">new {index} '
            f'<b data-genui-path="b{index}">slot</b> <b data-genui-path="c{index}">2</b></p>'
        )
        updates.append(Update("replace", path, Markup(new)))
        updates.append(Update("after", path, Markup(f'<i data-genui-path="i{index}">{index}</i>')))
        into = Markup(f'<u data-genui-path="u{index}">in</u> text')
        updates.append(Update("insert", path, into, "1" if index % 2 else ""))
        if index % 3 == 0:
            updates.append(Update("remove", path + "x", Markup()))
    return page, updates


def _expected_hostile_dom() -> str:
    page, updates = _hostile_updates()
    model = Container(page)
    for update in updates[1:]:
        model.apply(update._replace(target=re.sub(r"\r\n|\r", "\n", update.target)))
    return model.html()


OPS_SPEC: dict[str, Any] = {
    "root": [
        {
            "component": "Card",
            "key": '"]</script>\\',
            "props": {"title": HOSTILE_TEXT},
            "children": ["a text leaf\r\n"],
        },
        {"component": "Stack", "children": []},
        {"component": "Card", "props": {"title": "Second"}, "children": ["leaf two"]},
    ]
}


def _child(parent: int, text: str) -> list[dict[str, Any]]:
    value = {"component": "Text", "props": {"text": f"{text} {HOSTILE_TEXT}"}}
    return [{"op": "add", "path": f"/root/{parent}/children/-", "value": value}]


OPS_PATCHES: list[list[dict[str, Any]]] = [
    _child(0, "first"),
    _child(0, "second"),
    [{"op": "replace", "path": "/root/0/props/title", "value": "Porto"}],
    _child(2, "third"),
    _child(2, "fourth"),
    [
        {
            "op": "add",
            "path": "/root/1/children/-",
            "value": {"component": "Badge", "props": {"label": "b"}},
        }
    ],
    [{"op": "remove", "path": "/root/0/children/2"}],
    [{"op": "remove", "path": "/root/2/children/2"}],
]
"""Children after a text leaf and into an empty Stack, a Card's title changed with its
children kept, children dropped from the end."""


def _ops_stream(container: HtmxContainer) -> tuple[str, list[str], Any]:
    """The events of :data:`OPS_SPEC` and its patches, the ops sent and the final spec."""
    stream, ops = SpecStream(ops=HTMX_OPS), list[str]()
    frames = ["retry: 50\n\n"]
    for patch in [[{"op": "add", "path": "", "value": OPS_SPEC}], *OPS_PATCHES]:
        updates = stream.apply(patch)
        ops.extend(update.op for update in updates)
        frames.append(container.event(updates, stream.version))
    frames.append(container.end_event(stream.version))
    return "".join(frames), ops, stream.spec


class Served(NamedTuple):
    url: str
    connections: dict[str, list[str | None]]
    """Per stream, the ``Last-Event-ID`` of each connection."""


def _page(container: HtmxContainer, url: str) -> Response:
    body = (
        '<!doctype html><link rel="stylesheet" href="/static/genui.css">'
        '<script src="/vendor/htmx.js"></script><script src="/vendor/sse.js"></script>'
        f'<body><main>{container.markup(url)}</main><aside id="errors"></aside></body>'
    )
    return HTMLResponse(body)


def make_app(connections: dict[str, list[str | None]]) -> Starlette:
    run = StreamRun(agent, stream=SpecStream(ops=HTMX_OPS), idle_timeout=None)
    broken = StreamRun(broken_agent, stream=SpecStream(ops=HTMX_OPS), idle_timeout=None)
    answer, failing = HtmxContainer("answer"), HtmxContainer("failing", error_slot="errors")
    hostile = HtmxContainer('x"] [y')
    with_ops = HtmxContainer("ops:a > b")
    cut = _cut_version()

    async def stream(request: Request) -> Response:
        last = request.headers.get("last-event-id")
        connections.setdefault("stream", []).append(last)

        async def events() -> AsyncIterator[str]:
            yield "retry: 50\n\n"
            async with contextlib.aclosing(answer.events(run.events(last))) as frames:
                async for frame in frames:
                    yield frame
                    if last is None and f"id: {cut}\n" in frame:
                        return  # the connection drops here; the page reconnects

        return StreamingResponse(events(), media_type="text/event-stream")

    async def broken_stream(request: Request) -> Response:
        last = request.headers.get("last-event-id")
        connections.setdefault("broken", []).append(last)

        async def events() -> AsyncIterator[str]:
            yield "retry: 50\n\n"
            async for frame in failing.events(broken.events(last)):
                yield frame

        return StreamingResponse(events(), media_type="text/event-stream")

    async def hostile_stream(request: Request) -> Response:
        connections.setdefault("hostile", []).append(request.headers.get("last-event-id"))
        _, updates = _hostile_updates()
        frames = [hostile.event([update], version) for version, update in enumerate(updates, 1)]
        body = "retry: 50\n\n" + "".join(frames) + hostile.end_event(len(updates))
        return Response(body, media_type="text/event-stream")

    async def ops_stream(request: Request) -> Response:
        connections.setdefault("ops", []).append(request.headers.get("last-event-id"))
        body, _, _ = _ops_stream(with_ops)
        return Response(body, media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/", lambda request: _page(answer, "/stream")),
            Route("/broken", lambda request: _page(failing, "/broken/stream")),
            Route("/hostile", lambda request: _page(hostile, "/hostile/stream")),
            Route("/ops", lambda request: _page(with_ops, "/ops/stream")),
            Route("/stream", stream),
            Route("/broken/stream", broken_stream),
            Route("/hostile/stream", hostile_stream),
            Route("/ops/stream", ops_stream),
            Mount("/vendor", StaticFiles(directory=VENDOR)),
            Mount("/static", StaticFiles(directory=STATIC_DIR)),
        ]
    )


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    connections: dict[str, list[str | None]] = {}
    with serve_in_thread(make_app(connections)) as url:
        yield Served(url, connections)


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context()
    try:
        tab = context.new_page()
        tab.add_init_script(RECORD_CLOSE)
        yield tab
    finally:
        context.close()


def _shown(page: Page, element_id: str) -> str:
    page.wait_for_function(SETTLED, arg=element_id, timeout=TIMEOUT_MS)
    html: str = page.evaluate("(id) => document.getElementById(id).innerHTML", element_id)
    return normalized(html)


def test_a_run_streamed_through_htmx_resumes_and_ends_as_its_render(
    page: Page, served: Served
) -> None:
    assert {"reset", "append", "after", "replace"} <= _ops() <= HTMX_OPS
    page.goto(served.url + "/")
    shown = _shown(page, "answer")
    assert shown == normalized(Renderer().render(_final_spec()))
    assert served.connections["stream"] == [None, str(_cut_version())]  # resumed, not reset
    page.wait_for_timeout(WATCH_MS)
    assert served.connections["stream"] == [None, str(_cut_version())]  # and then closed
    assert page.evaluate("window.genuiClosed") == ["message"]
    assert page.evaluate("window.pwned") is None
    assert HOSTILE_TEXT in page.locator("#answer").inner_text()


def test_updates_at_hostile_paths_change_exactly_their_elements(page: Page, served: Served) -> None:
    page.goto(served.url + "/hostile")
    assert _shown(page, 'x"] [y') == normalized(_expected_hostile_dom())
    assert "decoy" in page.content()
    assert served.connections["hostile"] == [None]


def test_a_stream_with_htmx_ops_inserts_removes_and_ends_as_its_render(
    page: Page, served: Served
) -> None:
    _, ops, spec = _ops_stream(HtmxContainer("ops:a > b"))
    expected = ["reset", "insert", "after", "replace", "insert", "after", "insert", "remove"]
    assert ops == [*expected, "remove"]
    page.goto(served.url + "/ops")
    assert _shown(page, "ops:a > b") == normalized(Renderer().render(spec))
    assert served.connections["ops"] == [None]
    assert page.evaluate("window.pwned") is None


def test_a_failed_run_shows_its_alert_and_never_reconnects(page: Page, served: Served) -> None:
    page.goto(served.url + "/broken")
    page.wait_for_function(SETTLED, arg="failing", timeout=TIMEOUT_MS)
    assert page.locator("#failing .genui-text").inner_text() == "First result"
    alert = page.locator('#errors [role="alert"]')
    assert alert.count() == 1 and ERROR_TITLE in alert.inner_text()
    page.wait_for_timeout(WATCH_MS)
    assert served.connections["broken"] == [None]  # one connection: no reconnect loop
    assert page.evaluate("window.genuiClosed") == ["message"]
