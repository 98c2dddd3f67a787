"""genui.js streaming in headless Chromium under a strict CSP.

A StreamRun that fails mid-stream: the agent's output breaks after one good node: the page
must keep that node, show the error alert, clear ``aria-busy``, mark the container
``data-genui-error`` and never connect again (the stream asks for a 50 ms reconnect delay,
so a page that kept reconnecting would do so many times while the test watches).

Every update op (``insert``, ``remove`` and ``shell`` too) applied by genui.js turns the
page into the stream's HTML at every step.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from examples.server.background import serve_in_thread
from genui.runs import StreamRun
from genui.sse import ERROR_TITLE
from genui.static import STATIC_DIR
from genui.stream import ALL_OPS, SpecStream

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'"
TIMEOUT_MS = 10_000
WATCH_MS = 1_000
"""How long the test watches for reconnects after the error (20 times the retry delay)."""

GOOD = '{"root": [{"component": "Text", "props": {"text": "First result"}}, '
BAD = '{"component": "Text", "props": {"text": 7}}]}'


async def broken_agent() -> AsyncIterator[str]:
    for chunk in (GOOD, BAD):
        yield chunk


def make_app(connections: list[str | None]) -> Starlette:
    run = StreamRun(broken_agent, idle_timeout=None)

    async def page(request: Request) -> Response:
        body = (
            '<!doctype html><link rel="stylesheet" href="/static/genui.css">'
            '<main class="genui-root" data-genui-stream="/stream"></main>'
            '<script src="/static/genui.js" defer></script>'
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": CSP})

    async def still(request: Request) -> Response:
        body = (
            '<!doctype html><main class="genui-root" id="page"></main>'
            '<script src="/static/genui.js"></script>'
        )
        return HTMLResponse(body, headers={"Content-Security-Policy": CSP})

    async def stream(request: Request) -> Response:
        last = request.headers.get("last-event-id")
        connections.append(last)

        async def events() -> AsyncIterator[str]:
            yield "retry: 50\n\n"
            async for frame in run.events(last):
                yield frame

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(
        routes=[
            Route("/", page),
            Route("/still", still),
            Route("/stream", stream),
            Mount("/static", StaticFiles(directory=STATIC_DIR)),
        ]
    )


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, list[str | None]]]:
    connections: list[str | None] = []
    with serve_in_thread(make_app(connections)) as url:
        yield url, connections


def test_a_broken_stream_shows_its_error_and_stops_reconnecting(
    chromium: Browser, served: tuple[str, list[str | None]]
) -> None:
    url, connections = served
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))
        page.goto(url + "/")
        page.wait_for_selector("[data-genui-error]", timeout=TIMEOUT_MS)
        container = page.locator("[data-genui-stream]")
        assert container.get_attribute("data-genui-error") == "type_mismatch"
        assert container.get_attribute("aria-busy") is None
        assert page.locator(".genui-text").first.inner_text() == "First result"
        alert = page.locator('[role="alert"]')
        assert alert.count() == 1 and ERROR_TITLE in alert.inner_text()
        page.wait_for_timeout(WATCH_MS)
        assert connections == [None], connections  # one connection: no reconnect loop
        assert not [text for text in errors if "Content Security Policy" in text], errors
    finally:
        context.close()


APPLY = """([updates, expected]) => {
  const page = document.getElementById("page");
  updates.forEach((update) => window.genui.applyUpdate(page, update));
  const want = document.createElement("main");
  want.innerHTML = expected;  /* the test's own HTML: what a whole render shows */
  const got = page.cloneNode(true);
  got.normalize();
  want.normalize();
  return got.innerHTML === want.innerHTML && got.childNodes.length === want.childNodes.length
    && Array.from(got.childNodes).every((node, i) => node.isEqualNode(want.childNodes[i]));
}"""

TEXT = {"component": "Text", "props": {"text": "x"}}
STEPS: list[list[dict[str, object]]] = [
    [{"op": "add", "path": "/root", "value": []}],
    [{"op": "add", "path": "/root/-", "value": {"component": "Stack", "children": []}}],
    [{"op": "add", "path": "/root/0/children/-", "value": "first"}],  # insert: empty parent
    [{"op": "add", "path": "/root/0/children/-", "value": "second"}],  # insert: after a leaf
    [{"op": "add", "path": "/root/-", "value": {"component": "Card", "props": {"title": "A"}}}],
    [{"op": "add", "path": "/root/1/children", "value": ["text"]}],
    [{"op": "add", "path": "/root/1/children/-", "value": TEXT}],  # insert into the body
    [{"op": "add", "path": "/root/1/children/-", "value": TEXT}],  # after
    [{"op": "replace", "path": "/root/1/props/title", "value": "B"}],  # shell
    [{"op": "remove", "path": "/root/1/children/2"}],  # remove
    [{"op": "add", "path": "/root/-", "value": TEXT}],  # append
    [{"op": "remove", "path": "/root/2"}],  # remove a root
    [{"op": "add", "path": "/root/0/props", "value": {"gap": "lg"}}],  # shell
    [{"op": "replace", "path": "/root/1/children/0", "value": "changed"}],  # replace
]


def test_genui_js_applies_every_update_op_as_the_test_dom_does(
    chromium: Browser, served: tuple[str, list[str | None]]
) -> None:
    url, _ = served
    context = chromium.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda message: errors.append(message.text))
        page.goto(url + "/still")
        stream, ops = SpecStream(ops=ALL_OPS), set()
        for patch in STEPS:
            updates = [update.to_dict() for update in stream.apply(patch)]
            ops |= {update["op"] for update in updates}
            assert page.evaluate(APPLY, [updates, str(stream.html())]), (patch, updates)
        assert ops == ALL_OPS, ops
        assert not errors, errors
    finally:
        context.close()
