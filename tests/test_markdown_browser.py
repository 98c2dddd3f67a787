"""The Markdown component in a real browser: the XSS corpus and DOMPurify fixtures, in Chromium.

Every payload and fixture goes through ``Markdown.text`` in each placement of
tests/test_markdown.py (raw, link and image destinations, autolinks, reference definitions,
code, tables, emphasis); the fragments are loaded in batches into headless Chromium by the
oracle in tests/browser/, which records anything that executes. A few raw autofire payloads
are loaded first in the same browser and must be seen executing (the oracle is alive).
"""

from __future__ import annotations

import pytest

from tests.browser import BrowserOracle
from tests.figures import record_figure
from tests.support import load_corpus
from tests.test_markdown import FIXTURES, PAYLOADS, PLACEMENTS, RENDERER

pytestmark = pytest.mark.browser

AUTOFIRE: list[str] = [
    item["payload"] for item in load_corpus("xss_payloads_autofire_chromium.json")["items"]
]


def _fragment(item: str) -> str:
    spec = {
        "root": [
            {"component": "Markdown", "props": {"text": place(item)}}
            for place in PLACEMENTS.values()
        ]
    }
    return str(RENDERER.render(spec))


def test_the_oracle_sees_raw_autofire_payloads(browser_oracle: BrowserOracle) -> None:
    sample = AUTOFIRE[::50]
    result = browser_oracle.run_pages([f"<!doctype html><body>{p}</body>" for p in sample])
    assert len(result.executed) >= len(sample) - 1, result.summary()


@pytest.mark.parametrize(
    ("name", "items"), [("XSS corpus", PAYLOADS), ("DOMPurify fixtures", FIXTURES)]
)
def test_markdown_output_never_executes_in_chromium(
    browser_oracle: BrowserOracle, name: str, items: list[str]
) -> None:
    fragments = [_fragment(item) for item in items]
    result = browser_oracle.screen(fragments, batch_size=128)
    record_figure(
        f"browser: {name} as Markdown text ({len(PLACEMENTS)} placements)",
        f"{len(fragments)} fragments, {result.documents} pages, {len(result.executed)} executed",
    )
    assert result.clean, result.summary()
