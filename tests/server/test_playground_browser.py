"""The playground in headless Chromium with JavaScript off: fill the form, submit, read the page.

The demo server runs on a free loopback port (the ``demo`` fixture); every request to another
origin is aborted and recorded. With JavaScript disabled the page must still work end to end:
the textarea is filled, the form posted, and the answer shows the errors table and the cleaned
render. At 390 px nothing scrolls sideways. Screenshots go to ``test-artifacts/playground/``
(gitignored) for humans.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from examples.server.playground import EXAMPLES
from genui import validate
from tests.server.browser_session import session
from tests.server.demo import DemoServer
from tests.support import REPO_ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO_ROOT / "test-artifacts" / "playground"
TIMEOUT_MS = 20_000

# Flat and legacy nodes mixed, three problems, one of them a long unbroken payload.
SPEC: dict[str, Any] = {
    "root": {
        "$type": "Card",
        "title": "Filled in by the test",
        "colour": "teal",
        "children": [
            {"component": "Text", "props": {"text": "A legacy node.", "tone": "loud"}},
            {"$type": "Badge", "label": "A flat node", "tone": "success"},
            {
                "$type": "Link",
                "text": "A long payload",
                "href": "javascript:" + "x" * 300,
            },
        ],
    }
}

MEASURE = """() => {
    const root = document.documentElement;
    return {
        scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
        bodyScrollWidth: document.body.scrollWidth,
        wide: [...document.querySelectorAll("main *")]
            .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
            .map((el) => el.tagName + "." + el.className),
        cellsOverflowing: [...document.querySelectorAll(".pg-table td")]
            .filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent),
    };
}"""


def submit(page: Page) -> None:
    """Press the form's button and wait for the answer page (a real navigation)."""
    with page.expect_navigation(timeout=TIMEOUT_MS):
        page.get_by_role("button", name="Check the spec").click()
    page.wait_for_selector("#pg-summary", timeout=TIMEOUT_MS)


def error_rows(page: Page) -> list[list[str]]:
    rows: list[list[str]] = page.eval_on_selector_all(
        "#pg-errors tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent.trim()))",
    )
    return rows


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_without_javascript_a_typed_spec_gets_its_errors_and_cleaned_render(
    chromium: Browser, demo: DemoServer
) -> None:
    text = json.dumps(SPEC, indent=2)
    expected = validate(text)
    assert len(expected.errors) == 3
    with session(chromium, demo, width=1280) as s:
        page = s.page
        page.goto(demo.url + "/playground")
        assert page.evaluate("() => typeof window.genui") == "undefined"  # genui.js never ran
        page.get_by_label("Spec JSON").fill(text)
        submit(page)
        assert s.posts == [200]
        assert page.input_value("textarea[name=spec]") == text
        summary = page.text_content("#pg-summary")
        assert summary is not None and summary.split()[:2] == ["3", "problems"]
        table = page.get_by_role("table").first
        assert table.is_visible()
        rows = error_rows(page)
        assert [row[:2] for row in rows] == [[e.path, e.code] for e in expected.errors]
        assert [row[3] for row in rows] == [e.hint for e in expected.errors]
        render = page.locator("#pg-render")
        assert render.is_visible()
        assert render.locator(".genui-card__title").text_content() == "Filled in by the test"
        assert render.locator(".genui-badge").text_content() == "A flat node"
        assert render.locator("a[href^='javascript']").count() == 0
        assert page.locator("#pg-legacy").is_visible()
        screenshot(page, "typed-1280")
        s.assert_clean()


def test_at_390_px_nothing_scrolls_sideways(chromium: Browser, demo: DemoServer) -> None:
    with session(chromium, demo, width=390) as s:
        page = s.page
        page.goto(demo.url + "/playground")
        with page.expect_navigation(timeout=TIMEOUT_MS):
            examples = page.get_by_role("navigation", name="Examples")
            examples.get_by_role("link", name=EXAMPLES["hostile"].label).click()
        assert page.input_value("textarea[name=spec]") == EXAMPLES["hostile"].text
        submit(page)
        text = json.dumps(SPEC, indent=2)
        for name, facts in (("hostile", page.evaluate(MEASURE)), ("typed", None)):
            if facts is None:
                page.get_by_label("Spec JSON").fill(text)
                submit(page)
                facts = page.evaluate(MEASURE)
            screenshot(page, f"{name}-390")
            assert facts["clientWidth"] == 390
            assert facts["scrollWidth"] <= facts["clientWidth"], facts
            assert facts["bodyScrollWidth"] <= facts["clientWidth"], facts
            assert facts["wide"] == [], facts["wide"]
            assert facts["cellsOverflowing"] == [], facts["cellsOverflowing"]
            assert page.locator("#pg-errors").is_visible()
            assert page.locator("#pg-render").is_visible()
        assert s.posts == [200, 200]
        s.assert_clean()


def test_with_javascript_on_the_page_breaks_no_csp_rule(
    chromium: Browser, demo: DemoServer
) -> None:
    with session(chromium, demo, width=1280, javascript=True) as s:
        page = s.page
        page.add_init_script(
            "window.__violations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI), true);"
            "for (const n of ['alert', 'confirm', 'prompt']) window[n] = () => {"
            " window.__violations.push('called ' + n); };"
        )
        page.goto(demo.url + "/playground?example=hostile")
        submit(page)
        assert page.locator("#pg-errors").is_visible()
        assert page.evaluate("() => window.__violations") == []
        s.assert_clean()
