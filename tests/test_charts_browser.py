"""Charts in headless Chromium at 390 and 1280 px, in the light and the dark scheme.

The page of docs/screenshots.py's ``charts`` target: it never scrolls sideways, every chart's
SVG has a size, and series are filled with the palette colour of the emulated scheme (the
``--genui-chart-N`` custom properties of genui.css). Screenshots go to
``test-artifacts/charts/`` (gitignored).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from genui import Renderer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "charts"
PALETTES = {
    "light": {1: "rgb(37, 99, 235)", 2: "rgb(217, 119, 6)", 3: "rgb(5, 150, 105)"},
    "dark": {1: "rgb(107, 155, 255)", 2: "rgb(245, 165, 36)", 3: "rgb(52, 211, 153)"},
}
"""The first palette colours genui.css sets for each scheme."""

MEASURE = """() => {
    const root = document.documentElement;
    const svgs = [...document.querySelectorAll("svg")].map((svg) => {
        const box = svg.getBoundingClientRect();
        return {width: box.width, height: box.height, right: box.right};
    });
    const fills = [...document.querySelectorAll(".genui-chart__series")]
        .filter((g) => g.querySelector("rect"))
        .map((g) => [g.getAttribute("class"), getComputedStyle(g.querySelector("rect")).fill]);
    const lines = [...document.querySelectorAll(".genui-chart__line")]
        .map((path) => getComputedStyle(path).stroke);
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, svgs, fills, lines};
}"""


def chart_gallery() -> dict[str, Any]:
    """The gallery of docs/screenshots.py (one page for the docs and this test)."""
    path = ROOT / "docs" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("genui_docs_screenshots", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    gallery: dict[str, Any] = module.chart_gallery()
    return gallery


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_fit_have_a_size_and_take_the_scheme_s_palette(
    chromium: Browser, scheme: str, width: int
) -> None:
    html = str(Renderer().render_page(chart_gallery(), title="charts"))
    context = chromium.new_context(
        viewport={"width": width, "height": 800},
        color_scheme=scheme,  # type: ignore[arg-type]
    )
    try:
        page = context.new_page()
        page.set_content(html, wait_until="load")
        measured = page.evaluate(MEASURE)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"charts-{scheme}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert measured["scrollWidth"] <= measured["clientWidth"]
    assert len(measured["svgs"]) == 5  # three charts, two sparklines
    for svg in measured["svgs"]:
        assert svg["width"] > 0 and svg["height"] > 0
        assert svg["right"] <= width
    palette = PALETTES[scheme]
    fills = {cls.rsplit("--c", 1)[-1]: fill for cls, fill in measured["fills"]}
    assert fills == {str(number): colour for number, colour in palette.items()}
    assert palette[1] in measured["lines"] and palette[2] in measured["lines"]
