"""The security wall in a real browser: genui's output for the whole XSS corpus, in Chromium.

Each payload is rendered through genui in several positions (text, props, URL props, keys,
component names; the Link and Button URL props also through ``state``) and the fragments
are loaded into headless Chromium by the oracle in tests/browser/, which hooks
alert/confirm/prompt/print, dialogs, title changes, document.write and navigations, and
blocks and records every request. A positive control runs first in the same browser: the
payloads known to fire in Chromium, inserted raw, must be detected, so a broken oracle
cannot pass silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from genui import GenerativeUIError, Renderer
from tests.browser import BrowserOracle
from tests.figures import record_figure
from tests.support import load_corpus

pytestmark = pytest.mark.browser

PAYLOADS: list[str] = load_corpus("xss_payloads.json")
AUTOFIRE: list[str] = [
    item["payload"] for item in load_corpus("xss_payloads_autofire_chromium.json")["items"]
]
RENDERER = Renderer(on_invalid_props="drop", fallback="default")

PLACEMENTS: dict[str, Callable[[str], Any]] = {
    "text child": lambda p: {"component": "Text", "children": [p]},
    "card title, description and key": lambda p: {
        "component": "Card",
        "key": p,
        "props": {"title": p, "description": p},
    },
    "link href and text": lambda p: {"component": "Link", "props": {"href": p, "text": p}},
    "button href and label": lambda p: {"component": "Button", "props": {"href": p, "label": p}},
    "image source, alt and filename": lambda p: {
        "component": "Image",
        "props": {"image": p, "alt": p[:1000], "filename": p[:500]},
    },
    "table cell and caption": lambda p: {
        "component": "Table",
        "props": {"columns": ["c"], "rows": [[p]], "caption": p},
    },
    "component name": lambda p: {"component": p, "props": {"title": p}, "children": [p]},
}

BOUND_PLACEMENTS: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "link href and text via $state": (
        "link href and text",
        lambda p: {
            "state": {"p": p},
            "root": {
                "component": "Link",
                "props": {"href": {"$state": "/p"}, "text": {"$state": "/p"}},
            },
        },
    ),
    "button href and label via a repeat's $item": (
        "button href and label",
        lambda p: {
            "state": {"items": [{"p": p}]},
            "root": {
                "component": "Button",
                "repeat": {"$state": "/items"},
                "props": {"href": {"$item": "/p"}, "label": {"$item": "/p"}},
            },
        },
    ),
}
"""The URL placements again, the payload delivered through state: (the inline placement the
resolved spec is, the bound spec)."""


def _fragment(spec_root: Any, spec: dict[str, Any] | None = None) -> str | None:
    """The fragment Chromium loads; the same spec as JSON text must give the very same bytes.

    (So what the browser proves holds for both input forms, as the browser-free wall runs
    every test from data and from text.) ``spec``, when given, is the whole spec (with
    state), else the spec is ``{"root": spec_root}``.
    """
    spec = spec if spec is not None else {"root": spec_root}
    try:
        html = str(RENDERER.render(spec))
    except GenerativeUIError:
        with pytest.raises(GenerativeUIError):
            RENDERER.render(json.dumps(spec))
        return None  # refused outright (e.g. an invalid component name): nothing to load
    assert str(RENDERER.render(json.dumps(spec))) == html
    return html


def test_the_oracle_still_detects_raw_autofire_payloads(browser_oracle: BrowserOracle) -> None:
    # A liveness check in this session (the full 248-payload control is in
    # test_browser_oracle): raw autofire payloads must be seen executing.
    sample = AUTOFIRE[::12]
    result = browser_oracle.run_pages([f"<!doctype html><body>{p}</body>" for p in sample])
    detected = len(result.executed)
    record_figure("browser liveness: raw autofire payloads detected", f"{detected}/{len(sample)}")
    assert detected >= len(sample) - 1, result.summary()


@pytest.mark.parametrize("placement", list(PLACEMENTS))
def test_genui_output_for_the_whole_corpus_never_executes_in_chromium(
    browser_oracle: BrowserOracle, placement: str
) -> None:
    make = PLACEMENTS[placement]
    # A complete Image carries an autofocus close button in its zoom popover, which makes the
    # oracle load each Image fragment as a page of its own; every 10th payload keeps that
    # placement to well under a minute (all 2,541 go through the browser-free wall in
    # test_security).
    payloads = PAYLOADS[::10] if placement.startswith("image") else PAYLOADS
    fragments = [fragment for p in payloads if (fragment := _fragment(make(p))) is not None]
    result = browser_oracle.screen(fragments, batch_size=64)
    record_figure(
        f"browser: corpus as {placement}",
        f"{len(fragments)} fragments, {result.documents} pages, {len(result.executed)} executed",
    )
    assert result.clean, result.summary()
    assert len(fragments) > 0


@pytest.mark.parametrize("placement", list(BOUND_PLACEMENTS))
def test_genui_output_for_the_corpus_through_state_never_executes_in_chromium(
    browser_oracle: BrowserOracle, placement: str
) -> None:
    """Each payload reaches the URL prop (and the text beside it) through state; the resolved
    spec is the inline placement's, so its fragment must be that one's, byte for byte.

    (Every payload, for Link and Button: about 8 s in Chromium. Image, whose fragments each
    need a page of their own, is left to the browser-free wall: through state it would
    cost another 20 s.)
    """
    inline, make = BOUND_PLACEMENTS[placement]
    fragments = []
    for payload in PAYLOADS:
        spec = make(payload)
        literal = PLACEMENTS[inline](payload)
        if "repeat" in spec["root"]:  # a repeating root node is a list of roots
            literal = [literal]
        fragment = _fragment(None, spec)
        assert fragment == _fragment(literal), payload
        if fragment is not None:
            fragments.append(fragment)
    result = browser_oracle.screen(fragments, batch_size=64)
    record_figure(
        f"browser: corpus as {placement}",
        f"{len(fragments)} fragments, {result.documents} pages, {len(result.executed)} executed",
    )
    assert result.clean, result.summary()
    assert len(fragments) == len(PAYLOADS)
