"""A StreamRun that fails mid-stream, in headless Chromium under a strict CSP.

The agent's output breaks after one good node: the page must keep that node, show the
error alert, clear ``aria-busy``, mark the container ``data-genui-error`` and never connect
again (the stream asks for a 50 ms reconnect delay, so a page that kept reconnecting would
do so many times while the test watches).
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
