"""Layout in headless Chromium at phone (390 px) and desktop (1280 px) width.

Pages: the demo's index page, the hostile scenario (its SanitizeReport table next to the
output) and the app of docs/getting-started.md, run as the doc shows it. Each is loaded after
every stream ended and every image loaded (DOM states, never sleeps), then measured:

* the page never scrolls sideways (``scrollWidth <= clientWidth``);
* every column of the report table is at least 40 px wide, and no cell overflows;
* genui's output is set in genui's sans-serif font, not the browser's default serif, and
  the page around it is styled by ``genui-page`` / ``genui-root`` (body margin 0, a gap
  between components).

A full-page screenshot of each goes to ``test-artifacts/layout/`` (gitignored) for humans.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from examples.server.app import create_app
from examples.server.background import serve_in_thread
from examples.server.scenarios import SCENARIOS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "layout"
GETTING_STARTED = ROOT / "docs" / "getting-started.md"

# Normal networking on loopback (the oracle's own browser resolves no host at all).
TIMEOUT_MS = 30_000
WIDTHS = {390: 844, 1280: 800}
MIN_COLUMN_PX = 40

ENDED = """() => [...document.querySelectorAll("[data-genui-stream]")].every(
    (el) => el.hasAttribute("data-genui-version") && !el.hasAttribute("aria-busy"))"""

# Images are lazy: scroll each shown one into view so it loads, then wait until all have
# (or failed). Images not rendered (the Image component's closed zoom view) never load.
LOAD_IMAGES = """() => {
    for (const img of document.querySelectorAll("img")) {
        if (img.checkVisibility()) img.scrollIntoView();
    }
    window.scrollTo(0, 0);
}"""
IMAGES_LOADED = """() => [...document.querySelectorAll("img")]
    .every((img) => !img.checkVisibility() || (img.complete && img.naturalWidth > 0))"""

MEASURE = """() => {
    const root = document.documentElement;
    const unquote = (s) => s.replace(/["']/g, "").split(",").map((f) => f.trim());
    const fonts = [...document.querySelectorAll("[data-genui-path]")].map((el) => ({
        cls: el.className, family: unquote(getComputedStyle(el).fontFamily)}));
    const tables = [...document.querySelectorAll(".demo-report .genui-table")].map((wrap) => ({
        columns: [...wrap.querySelectorAll("thead th")]
            .map((th) => th.getBoundingClientRect().width),
        wrapScroll: wrap.scrollWidth, wrapClient: wrap.clientWidth,
        cellsOverflowing: [...wrap.querySelectorAll("td")]
            .filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent),
    }));
    const body = getComputedStyle(document.body);
    return {
        scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
        bodyScrollWidth: document.body.scrollWidth,
        bodyMargin: body.margin, bodyClass: document.body.className,
        bodyFont: unquote(body.fontFamily),
        genuiFont: unquote(getComputedStyle(root).getPropertyValue("--genui-font")),
        fonts, tables,
    };
}"""

# The getting-started page: the genui-root container and the gaps between its children.
ROOT_BOX = """() => {
    const root = document.querySelector(".genui-root");
    if (!root) return null;
    const style = getComputedStyle(root);
    const kids = [...root.children].map((el) => el.getBoundingClientRect());
    const gaps = kids.slice(1).map((box, i) => box.top - kids[i].bottom);
    const box = root.getBoundingClientRect();
    return {display: style.display, rowGap: style.rowGap, paddingLeft: style.paddingLeft,
            left: box.left, right: document.documentElement.clientWidth - box.right,
            children: kids.length, gaps};
}"""


# -- servers and browser ---------------------------------------------------------------------


def getting_started_app(directory: Path) -> Any:
    """The ``myapp.py`` block of docs/getting-started.md, saved in ``directory``: its ``app``."""
    text = GETTING_STARTED.read_text(encoding="utf-8")
    found = re.search(r"<!-- file: myapp\.py -->\s*```python\n(.*?)\n```", text, flags=re.S)
    assert found is not None, "docs/getting-started.md lost its <!-- file: myapp.py --> block"
    path = directory / "myapp.py"
    path.write_text(found.group(1) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("genui_docs_myapp", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="module")
def urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """URL of each page under test: the demo (fast pacing) and the getting-started app."""
    docs_app = getting_started_app(tmp_path_factory.mktemp("getting-started"))
    with serve_in_thread(create_app(speed=0.02)) as demo, serve_in_thread(docs_app) as app:
        yield {
            "index": demo + "/",
            "hostile": demo + "/scenarios/hostile",
            "getting-started": app + "/",
        }


@contextmanager
def settled_page(chromium: Browser, url: str, width: int) -> Iterator[Page]:
    """``url`` at ``width``, once every stream has ended and every image has loaded."""
    context = chromium.new_context(
        viewport={"width": width, "height": WIDTHS[width]}, service_workers="block"
    )
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_selector("[data-genui-stream][data-genui-version]", timeout=TIMEOUT_MS)
        page.wait_for_function(ENDED, timeout=TIMEOUT_MS)
        page.evaluate(LOAD_IMAGES)
        page.wait_for_function(IMAGES_LOADED, timeout=TIMEOUT_MS)
        yield page
    finally:
        context.close()


@pytest.fixture(scope="module")
def default_font(chromium: Browser) -> list[str]:
    """The font family Chromium uses for unstyled text (its serif default)."""
    page = chromium.new_page()
    try:
        page.set_content("<!doctype html><p>text</p>")
        family: str = page.evaluate(
            "() => getComputedStyle(document.querySelector('p')).fontFamily"
        )
    finally:
        page.close()
    return [f.strip().strip("\"'") for f in family.split(",")]


# -- the tests -------------------------------------------------------------------------------

PAGES = ["index", "hostile", "getting-started"]


@pytest.mark.parametrize("width", list(WIDTHS), ids=lambda w: f"{w}px")
@pytest.mark.parametrize("name", PAGES)
def test_page_holds_up_at_phone_and_desktop_width(
    chromium: Browser, urls: dict[str, str], default_font: list[str], name: str, width: int
) -> None:
    with settled_page(chromium, urls[name], width) as page:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        facts: dict[str, Any] = page.evaluate(MEASURE)
        root_box: dict[str, Any] | None = page.evaluate(ROOT_BOX)

    # No sideways scroll.
    assert facts["clientWidth"] == width
    assert facts["scrollWidth"] <= facts["clientWidth"], facts["scrollWidth"]
    assert facts["bodyScrollWidth"] <= facts["clientWidth"], facts["bodyScrollWidth"]

    # Each report table: no collapsed column, long values wrap inside their cells (the index
    # shows one per scenario with a report, the hostile page its own).
    if name != "getting-started":
        reports = sum(scenario.show_report for scenario in SCENARIOS.values())
        assert len(facts["tables"]) == (reports if name == "index" else 1)
        for table in facts["tables"]:
            assert len(table["columns"]) == 4
            assert min(table["columns"]) >= MIN_COLUMN_PX, table["columns"]
            assert table["wrapScroll"] <= table["wrapClient"], table
            assert table["cellsOverflowing"] == []

    # genui's output in genui's font, the page styled by genui-page.
    assert "genui-page" in facts["bodyClass"].split()
    assert facts["bodyMargin"] == "0px"
    assert facts["genuiFont"][-1] == "sans-serif"
    assert facts["bodyFont"] == facts["genuiFont"]
    assert facts["fonts"], "no genui output on the page"
    for font in facts["fonts"]:
        assert font["family"] != default_font, font
        assert font["family"][-1] in {"sans-serif", "monospace"}, font
    assert any(font["family"] == facts["genuiFont"] for font in facts["fonts"])

    # The getting-started page: the fragment sits in genui-root, spaced and padded.
    if name == "getting-started":
        assert root_box is not None, "no .genui-root on the getting-started page"
        assert root_box["display"] == "flex"
        assert root_box["children"] == 2  # the Heading and the Stat
        assert root_box["rowGap"] != "normal" and float(root_box["rowGap"][:-2]) > 0
        assert all(gap >= float(root_box["rowGap"][:-2]) - 0.5 for gap in root_box["gaps"])
        assert float(root_box["paddingLeft"][:-2]) > 0
        assert abs(root_box["left"] - root_box["right"]) <= 1  # centered
