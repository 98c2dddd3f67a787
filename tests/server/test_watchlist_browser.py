"""The watchlist scenario in headless Chromium: "Refresh prices" answered by a state patch.

Every element of the panel's stream is marked before the click; genui.js applies the
action's answer in place (no navigation), and afterwards only the elements of the nodes
that read a changed value have lost their mark: the heading and the Positions stat are
the very same DOM elements, then the second refresh (a position added) swaps that stat too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from examples.server.runs import ACTION_ENDPOINT
from tests.server.browser_session import session
from tests.server.demo import DemoServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

STREAM = "#watchlist .demo-stream"
MARK = f"""() => {{
    window.__page = true;
    for (const el of document.querySelectorAll("{STREAM} [data-genui-path]")) {{
        el.dataset.mark = "kept";
    }}
}}"""
KEPT = f"""() => [...document.querySelectorAll("{STREAM} [data-genui-path]")]
    .filter((el) => el.dataset.mark === "kept")
    .map((el) => el.dataset.genuiPath)"""


def kept(page: Page) -> set[str]:
    """The node paths whose elements are still the ones :data:`MARK` marked."""
    paths: list[str] = page.evaluate(KEPT)
    return set(paths)


def refresh(page: Page, shows: str) -> None:
    """Mark the panel, press "Refresh prices", wait until ``shows`` is on the page."""
    page.evaluate(MARK)
    page.locator(STREAM).get_by_role("button", name="Refresh prices").click()
    page.locator(STREAM).get_by_text(shows).first.wait_for(timeout=20_000)


def test_refresh_swaps_only_the_nodes_that_read_what_changed(
    chromium: Browser, demo: DemoServer
) -> None:
    with session(chromium, demo, width=1280, javascript=True, posts_to=ACTION_ENDPOINT) as state:
        page = state.page
        page.goto(demo.url + "/scenarios/watchlist")
        assert page.locator(f"{STREAM} tbody tr").count() == 3

        refresh(page, "$17,602.00")
        assert kept(page) == {"/root/0", "/root/1", "/root/1/children/1"}
        assert page.locator(f"{STREAM} tbody tr").count() == 3

        refresh(page, "Umbrella")
        assert kept(page) == {"/root/0", "/root/1"}  # the Positions stat changed too
        assert page.locator(f"{STREAM} tbody tr").count() == 4
        assert page.locator(STREAM).get_by_text("Positions").is_visible()

        assert page.evaluate("() => window.__page") is True  # answered in place
        assert state.posts == [200, 200]
        state.assert_clean()
