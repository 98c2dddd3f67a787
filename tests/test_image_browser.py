"""The Image component in headless Chromium: keyboard zoom, actions, and screenshots.

Uses the session-wide ``browser_oracle`` (tests/browser/): Debian's Chromium, every request
routed and blocked (nothing leaves the machine; images are ``data:`` URLs), skipped when
Chromium is missing unless ``CI=true``.

Screenshots of every state, light and dark, cropped to the component, go to
``test-artifacts/image/``. With ``GENUI_UPDATE_DOCS=1`` they are also copied to ``docs/img/``
for ``docs/image.md``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from genui.components import default_registry
from genui.components.image import ImageActions, image_component
from genui.render import Renderer
from genui.static import script
from tests.browser import ORIGIN, BrowserOracle
from tests.image_support import data_url, png_bytes

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts" / "image"
DOCS_IMG = REPO / "docs" / "img"
UPDATE_DOCS = os.environ.get("GENUI_UPDATE_DOCS") == "1"

FINAL = data_url(png_bytes(480, 300))
PREVIEW = data_url(png_bytes(480, 300, progress=0.55))
ACTIONS = ImageActions(regenerate_url="/images/regenerate", regenerate_event="genui:regenerate")
RENDERER = Renderer(default_registry().extend(image_component(ACTIONS), replace=True))
PLAIN = Renderer()

STATES: dict[str, dict[str, Any]] = {
    "running": {"status": {"type": "running"}},
    "preview": {"image": PREVIEW, "status": {"type": "running", "progress": 0.55}},
    "complete": {"image": FINAL, "alt": "A sun over green hills", "filename": "hills.png"},
    "content-filter": {
        "image": FINAL,
        "status": {"type": "incomplete", "reason": "content-filter"},
    },
    "error": {
        "image": FINAL,
        "status": {"type": "incomplete", "reason": "error", "error": "The service is down."},
    },
}
"""The states shown in docs/image.md, one screenshot per state and theme."""


def page_for(
    oracle: BrowserOracle,
    props: dict[str, Any],
    *,
    theme: str = "light",
    renderer: Renderer = RENDERER,
    with_script: bool = True,
) -> str:
    script_href = oracle.serve("/static/genui.js", script(), "text/javascript")
    spec = {"root": {"component": "Image", "key": "gen-1", "props": props}}
    return str(
        renderer.render_page(
            spec,
            title="image",
            theme=theme,  # type: ignore[arg-type]
            script_href=script_href if with_script else None,
        )
    )


def assert_quiet(oracle: BrowserOracle, page: Any) -> None:
    result = oracle.result_for(page)
    assert result.requests == [] and result.errors == [] and not result.executed


# ----------------------------------------------------------------------------------------
# screenshots
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("state", list(STATES))
def test_each_state_renders_and_is_screenshotted(
    browser_oracle: BrowserOracle, state: str, theme: str
) -> None:
    html = page_for(browser_oracle, STATES[state], theme=theme)
    name = f"image-{state}-{theme}.png"
    target = ARTIFACTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with browser_oracle.open(html, width=480, height=420, dark=theme == "dark") as page:
        figure = page.locator("figure.genui-image")
        assert figure.is_visible()
        if state in ("running", "preview"):
            assert page.get_by_role("status").inner_text() == "Generating image…"
        if state == "running":
            assert page.locator(".genui-image__spinner").is_visible()
            assert page.locator("img").count() == 0
        if state == "preview":
            assert page.locator("progress").get_attribute("value") == "55"
            assert page.evaluate("document.querySelector('img').naturalWidth") == 480
        if state == "complete":
            assert page.evaluate("document.querySelector('img').naturalWidth") == 480
            assert page.get_by_role("button", name="Enlarge image: A sun over green hills")
        if state in ("content-filter", "error"):
            assert page.locator("img").count() == 0
            assert "Image could not be generated" in figure.inner_text()
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (background == "rgb(15, 18, 23)") == (theme == "dark")
        figure.screenshot(path=str(target), animations="disabled")
        assert_quiet(browser_oracle, page)
    assert target.read_bytes().startswith(b"\x89PNG")
    if UPDATE_DOCS:
        shutil.copyfile(target, DOCS_IMG / name)
    assert (DOCS_IMG / name).exists(), "run with GENUI_UPDATE_DOCS=1 to add the screenshot"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_zoom_dialog_is_screenshotted_open(browser_oracle: BrowserOracle, theme: str) -> None:
    html = page_for(browser_oracle, STATES["complete"], theme=theme)
    name = f"image-zoom-{theme}.png"
    target = ARTIFACTS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with browser_oracle.open(html, width=640, height=420, dark=theme == "dark") as page:
        page.locator(".genui-image__zoom").click()
        assert page.get_by_role("dialog", name="A sun over green hills").is_visible()
        page.screenshot(path=str(target), animations="disabled")
    if UPDATE_DOCS:
        shutil.copyfile(target, DOCS_IMG / name)
    assert (DOCS_IMG / name).exists(), "run with GENUI_UPDATE_DOCS=1 to add the screenshot"


# ----------------------------------------------------------------------------------------
# keyboard and actions
# ----------------------------------------------------------------------------------------

_OPEN = "document.querySelector('dialog.genui-image__dialog').matches(':popover-open')"
_FOCUSED = "document.activeElement.className"


@pytest.mark.parametrize("with_script", [True, False], ids=["script", "no-script"])
def test_zoom_opens_with_enter_and_space_and_closes_with_escape(
    browser_oracle: BrowserOracle, with_script: bool
) -> None:
    html = page_for(browser_oracle, STATES["complete"], with_script=with_script)
    with browser_oracle.open(html) as page:
        # the autofocus inside the closed dialog does not take the page's focus
        assert page.evaluate("document.activeElement === document.body")
        page.keyboard.press("Tab")
        assert page.evaluate(_FOCUSED) == "genui-image__zoom"
        dialog = page.get_by_role("dialog", name="A sun over green hills")
        for key in ("Enter", "Space"):
            assert not page.evaluate(_OPEN) and not dialog.is_visible()
            page.keyboard.press(key)
            assert page.evaluate(_OPEN) and dialog.is_visible(), key
            assert page.evaluate(_FOCUSED) == "genui-image__close"  # focus moved in
            page.keyboard.press("Escape")
            assert not page.evaluate(_OPEN) and not dialog.is_visible(), key
            assert page.evaluate(_FOCUSED) == "genui-image__zoom"  # and back
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")  # on the focused Close button
        assert not page.evaluate(_OPEN)
        assert_quiet(browser_oracle, page)


def test_the_download_link_carries_the_file_name(browser_oracle: BrowserOracle) -> None:
    for props, name in (
        (STATES["complete"], "hills.png"),
        ({"image": FINAL}, "image.png"),
        ({"image": FINAL, "filename": "../../etc/cron.d/x.png"}, "x.png"),
    ):
        with browser_oracle.open(page_for(browser_oracle, props)) as page:
            link = page.locator("a[download]")
            assert link.get_attribute("download") == name
            assert link.get_attribute("href") == FINAL
            assert page.evaluate("document.querySelector('a[download]').download") == name
            assert link.is_visible()


HTML_BYTES = b"<!doctype html><script>alert(document.domain)</script>"


def test_chromium_saves_a_download_under_the_type_of_its_bytes_never_the_agent_s(
    browser_oracle: BrowserOracle,
) -> None:
    """The agent names the file; the bytes type it (invoice.html of PNG bytes is a .png)."""
    for filename, saved in (
        ("invoice.html", "invoice.png"),
        ("chart.svg", "chart.png"),
        ("setup.exe", "setup.png"),
        ("report.final.htm", "report.final.png"),
        ("hills.png", "hills.png"),
    ):
        with browser_oracle.open(
            page_for(browser_oracle, {"image": FINAL, "filename": filename})
        ) as page:
            with page.expect_download() as download:
                page.locator("a[download]").click()
            assert download.value.suggested_filename == saved, filename
    # bytes that are no raster image, whatever the URL declares: no download link at all
    for declared in ("image/png", "image/svg+xml", "text/html"):
        props = {"image": data_url(HTML_BYTES, declared), "filename": "invoice.html"}
        with browser_oracle.open(page_for(browser_oracle, props)) as page:
            assert page.locator("a[download]").count() == 0, declared
            assert_quiet(browser_oracle, page)


def test_copy_is_hidden_without_the_script_and_offered_with_it(
    browser_oracle: BrowserOracle,
) -> None:
    for with_script in (False, True):
        html = page_for(browser_oracle, STATES["complete"], with_script=with_script)
        with browser_oracle.open(html) as page:
            assert page.locator(".genui-image__copy").is_visible() == with_script


def test_regenerate_submits_the_form_without_the_script(browser_oracle: BrowserOracle) -> None:
    html = page_for(browser_oracle, STATES["error"], with_script=False)
    with browser_oracle.open(html) as page:
        page.get_by_role("button", name="Regenerate").click()
        page.wait_for_timeout(200)
        posts = [r for r in browser_oracle.result_for(page).requests if r.method == "POST"]
        assert [r.url for r in posts] == [f"{ORIGIN}/images/regenerate"]


def test_regenerate_emits_the_configured_event_which_can_cancel_the_submission(
    browser_oracle: BrowserOracle,
) -> None:
    html = page_for(browser_oracle, STATES["error"])
    with browser_oracle.open(html) as page:
        page.evaluate(
            """() => document.addEventListener("genui:regenerate", (event) => {
                 window.regenerated = event.detail;
                 event.preventDefault();
               })"""
        )
        page.get_by_role("button", name="Regenerate").click()
        page.wait_for_timeout(100)
        assert page.evaluate("window.regenerated") == {
            "path": "/root",
            "key": "gen-1",
            "action": "regenerate",
        }
        assert_quiet(browser_oracle, page)


def test_event_only_regenerate_appears_only_with_the_script(browser_oracle: BrowserOracle) -> None:
    renderer = Renderer(
        default_registry().extend(
            image_component(ImageActions(regenerate_event="genui:regenerate")), replace=True
        )
    )
    for with_script in (False, True):
        html = page_for(browser_oracle, STATES["error"], renderer=renderer, with_script=with_script)
        with browser_oracle.open(html) as page:
            button = page.locator("button[data-genui-event]")
            assert button.is_visible() == with_script
            assert page.locator("form").count() == 0


def test_the_plain_renderer_offers_no_regenerate(browser_oracle: BrowserOracle) -> None:
    with browser_oracle.open(page_for(browser_oracle, STATES["error"], renderer=PLAIN)) as page:
        assert page.get_by_role("button", name="Regenerate").count() == 0
        assert "The service is down." in page.locator("figure").inner_text()
