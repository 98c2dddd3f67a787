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


# ----------------------------------------------------------------------------------------
# a data: URL is written once: genui.js gives it to the zoom, the download and the copy
# ----------------------------------------------------------------------------------------

FINAL_BYTES = png_bytes(480, 300)
_ZOOMED = "document.querySelector('img.genui-image__zoomed')"
_STUB_CLIPBOARD = """() => {
  window.copied = [];
  window.ClipboardItem = function (items) { this.items = items; };
  Object.defineProperty(navigator, "clipboard", {configurable: true, value: {
    write: async (items) => {
      for (const item of items) {
        for (const [type, blob] of Object.entries(item.items)) {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          window.copied.push({type, size: bytes.length, head: Array.from(bytes.slice(0, 8))});
        }
      }
    },
  }});
}"""
"""A recording clipboard (the page is not a secure context: it has none of its own)."""
_FETCH_HREF = """async () => {
  const link = document.querySelector("a[download]");
  const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
  return {size: bytes.length, sum: bytes.reduce((a, b) => (a * 31 + b) % 1000000007, 0)};
}"""


def _checksum(data: bytes) -> int:
    total = 0
    for byte in data:
        total = (total * 31 + byte) % 1_000_000_007
    return total


def test_a_data_url_image_is_sent_once_and_genui_js_gives_it_to_zoom_download_and_copy(
    browser_oracle: BrowserOracle,
) -> None:
    html = page_for(browser_oracle, STATES["complete"])
    assert html.count(FINAL) == 1
    with browser_oracle.open(html, width=640, height=420) as page:
        # the zoom shows the full image
        assert page.evaluate(f"{_ZOOMED}.getAttribute('src')") == FINAL
        page.locator(".genui-image__zoom").click()
        assert page.get_by_role("dialog", name="A sun over green hills").is_visible()
        page.wait_for_function(f"{_ZOOMED}.complete && {_ZOOMED}.naturalWidth > 0")
        assert page.evaluate(f"{_ZOOMED}.naturalWidth") == 480
        page.keyboard.press("Escape")
        # the download link, shown by genui.js, saves the image's bytes under its type
        link = page.locator("a[download]")
        assert link.is_visible() and link.get_attribute("href") == FINAL
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "hills.png"
        assert download.value.url == FINAL
        size_and_sum = page.evaluate(_FETCH_HREF)
        assert size_and_sum == {"size": len(FINAL_BYTES), "sum": _checksum(FINAL_BYTES)}
        # copy reads the thumbnail's image
        page.evaluate(_STUB_CLIPBOARD)
        copy = page.locator(".genui-image__copy")
        assert copy.is_visible()
        copy.click()
        page.wait_for_function("document.querySelector('.genui-image__copy').dataset.genuiCopied")
        assert page.evaluate("window.copied") == [
            {"type": "image/png", "size": len(FINAL_BYTES), "head": list(FINAL_BYTES[:8])}
        ]
        assert_quiet(browser_oracle, page)


def test_an_image_added_later_is_enhanced_by_genui_enhance(browser_oracle: BrowserOracle) -> None:
    fragment = str(RENDERER.render({"root": {"component": "Image", "props": {"image": FINAL}}}))
    html = page_for(browser_oracle, STATES["running"])
    with browser_oracle.open(html, width=640, height=420) as page:
        page.evaluate(
            """(html) => {
                 const box = document.createElement("div");
                 document.body.append(box);
                 window.genui.applyUpdate(box, {op: "reset", html});
                 window.genui.enhance(box);
               }""",
            fragment,
        )
        figure = page.locator("figure.genui-image--complete")
        assert figure.locator("a[download]").get_attribute("href") == FINAL
        assert figure.locator("a[download]").is_visible()
        assert figure.locator("img.genui-image__zoomed").get_attribute("src") == FINAL
        assert figure.locator(".genui-image__copy").is_visible()


def test_without_the_script_a_data_url_image_shows_and_zooms_with_no_dead_link(
    browser_oracle: BrowserOracle,
) -> None:
    html = page_for(browser_oracle, STATES["complete"], with_script=False)
    with browser_oracle.open(html, width=640, height=420) as page:
        assert page.evaluate("document.querySelector('img.genui-image__img').naturalWidth") == 480
        page.locator(".genui-image__zoom").click()
        assert page.get_by_role("dialog", name="A sun over green hills").is_visible()
        # the zoomed image needs genui.js: its alt text shows, nothing is requested
        assert page.evaluate(f"{_ZOOMED}.hasAttribute('src')") is False
        page.keyboard.press("Escape")
        link = page.locator("a[download]")
        assert link.count() == 1 and not link.is_visible()  # hidden: no link without href
        assert link.get_attribute("href") is None
        assert not page.locator(".genui-image__copy").is_visible()
        assert_quiet(browser_oracle, page)


def test_a_short_same_origin_url_keeps_zoom_and_download_without_the_script(
    browser_oracle: BrowserOracle,
) -> None:
    url = browser_oracle.serve("/img/hills.png", FINAL_BYTES, "image/png")
    props = {"image": url, "alt": "A sun over green hills", "filename": "hills.png"}
    html = page_for(browser_oracle, props, with_script=False)
    assert html.count(url) == 4  # thumbnail, zoom, download, copy: no script needed
    with browser_oracle.open(html, width=640, height=420) as page:
        page.locator(".genui-image__zoom").click()
        page.wait_for_function(f"{_ZOOMED}.complete && {_ZOOMED}.naturalWidth > 0")
        assert page.evaluate(f"{_ZOOMED}.naturalWidth") == 480
        page.keyboard.press("Escape")
        link = page.locator("a[download]")
        assert link.is_visible() and link.get_attribute("href") == url
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == "hills.png"


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
