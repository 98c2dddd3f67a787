"""One Chromium page on the demo server, recording what must not happen (and the posts).

Every request leaving the demo's origin is blocked and recorded, dialogs are dismissed and
recorded, console lines and the status of POSTs are kept; :meth:`Session.assert_clean` then
says the page stayed on the demo, opened no dialog and logged no error.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tests.server.demo import DemoServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page, Response, Route


@dataclass
class Session:
    """The page and what it did."""

    page: Page
    ignored_errors: tuple[str, ...] = ()
    """Console errors containing one of these are expected (e.g. a refused POST's 4xx)."""
    blocked: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    posts: list[int] = field(default_factory=list)
    """The status of every recorded POST, in order."""

    def log(self) -> dict[str, Any]:
        """``window.__demo``: what an init script of the test recorded in the page."""
        result: dict[str, Any] = self.page.evaluate("() => window.__demo")
        return result

    def assert_clean(self) -> None:
        """Nothing left the demo's origin, no dialog opened, no unexpected console error."""
        assert self.blocked == [], self.blocked
        assert self.dialogs == [], self.dialogs
        errors = [
            line
            for line in self.console
            if line.startswith("error") and not any(i in line for i in self.ignored_errors)
        ]
        assert errors == [], self.console


@contextmanager
def session(
    chromium: Browser,
    demo: DemoServer,
    *,
    width: int,
    javascript: bool = False,
    init_script: str | None = None,
    posts_to: str | None = None,
    ignored_errors: tuple[str, ...] = (),
) -> Iterator[Session]:
    """A page ``width`` px wide; ``init_script`` runs first when JavaScript is on;
    ``posts_to`` (a path) records only the POSTs to it, else every POST."""
    context = chromium.new_context(
        java_script_enabled=javascript,
        viewport={"width": width, "height": 900},
        service_workers="block",
    )
    if javascript and init_script is not None:
        context.add_init_script(init_script)
    page = context.new_page()
    state = Session(page, ignored_errors)

    def outside(route: Route) -> None:
        state.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    context.route(lambda url: not url.startswith(demo.url + "/"), outside)

    def on_dialog(dialog: Dialog) -> None:
        state.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_response(response: Response) -> None:
        request = response.request
        if request.method == "POST" and (posts_to is None or request.url == demo.url + posts_to):
            state.posts.append(response.status)

    page.on("console", lambda message: state.console.append(f"{message.type}: {message.text}"))
    page.on("dialog", on_dialog)
    page.on("response", on_response)
    try:
        yield state
    finally:
        context.close()
