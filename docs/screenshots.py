"""Screenshot a gallery of genui's built-in components, light and dark.

Renders every component's ``example`` node with ``Renderer().render_page`` and
saves ``docs/img/components-light.png`` and ``docs/img/components-dark.png``
using headless Chromium (``/usr/bin/chromium`` unless ``CHROMIUM`` is set)::

    .venv/bin/python docs/screenshots.py

Image URLs in the examples are answered locally with a small SVG chart, so the
script needs no network.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Route, sync_playwright

from genui.components import BUILTIN_COMPONENTS
from genui.render import Renderer

HERE = Path(__file__).resolve().parent
OUT = HERE / "img"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

CHART_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="220" viewBox="0 0 640 220">
<rect width="640" height="220" fill="#eef2ff"/>
<g fill="#2563eb">
<rect x="60" y="130" width="120" height="70" rx="6"/>
<rect x="260" y="80" width="120" height="120" rx="6"/>
<rect x="460" y="30" width="120" height="170" rx="6"/>
</g>
<g font-family="sans-serif" font-size="16" fill="#1e293b" text-anchor="middle">
<text x="120" y="120">Jul</text><text x="320" y="70">Aug</text><text x="520" y="22">Sep</text>
</g>
</svg>"""


def gallery() -> dict[str, Any]:
    """A spec showing each built-in example in a titled card, two per row."""
    cards: list[dict[str, Any]] = []
    for component in BUILTIN_COMPONENTS:
        if component.example is None or component.name == "ListItem":
            continue  # ListItem is shown inside the List example
        cards.append(
            {
                "component": "Card",
                "props": {"title": component.name},
                "children": [dict(component.example)],
            }
        )
    return {
        "root": [
            {"component": "Heading", "props": {"level": 1, "text": "genui components"}},
            {"component": "Grid", "props": {"columns": 2}, "children": cards},
            {"component": "Heading", "props": {"level": 2, "text": "Variants"}},
            {"component": "Grid", "props": {"columns": 2}, "children": VARIANTS},
        ]
    }


def _card(title: str, *children: Any) -> dict[str, Any]:
    return {"component": "Card", "props": {"title": title}, "children": list(children)}


def _stack(*children: Any, direction: str = "horizontal") -> dict[str, Any]:
    props = {"direction": direction, "gap": "sm"}
    if direction == "horizontal":
        props["align"] = "center"
    return {"component": "Stack", "props": props, "children": list(children)}


VARIANTS: list[dict[str, Any]] = [
    _card(
        "Button variants",
        _stack(
            *(
                {"component": "Button", "props": {"label": v.title(), "href": "#", "variant": v}}
                for v in ("primary", "secondary", "ghost", "danger")
            ),
            {"component": "Button", "props": {"label": "No href (disabled)"}},
        ),
    ),
    _card(
        "Badge tones",
        _stack(
            *(
                {"component": "Badge", "props": {"label": t.title(), "tone": t}}
                for t in ("default", "muted", "info", "success", "warning", "danger")
            )
        ),
    ),
    _card(
        "Alert tones",
        _stack(
            *(
                {"component": "Alert", "props": {"tone": t, "title": t.title()}, "children": [m]}
                for t, m in (
                    ("info", "A new version is available."),
                    ("success", "Payment received."),
                    ("danger", "The card was declined."),
                )
            ),
            direction="vertical",
        ),
    ),
    _card(
        "Stats, text tones, unsafe image",
        {
            "component": "Grid",
            "props": {"columns": 2, "gap": "sm"},
            "children": [
                {
                    "component": "Stat",
                    "props": {"label": "Errors", "value": 3, "delta": "-40%", "trend": "down"},
                },
                {
                    "component": "Stat",
                    "props": {"label": "Uptime", "value": 99.98, "trend": "flat"},
                },
            ],
        },
        {"component": "Text", "props": {"text": "Danger text", "tone": "danger"}},
        {"component": "Image", "props": {"image": "javascript:alert(1)", "alt": "A chart"}},
    ),
]


def main() -> int:
    """Write the light and dark screenshots; return a process exit code."""
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}; set CHROMIUM", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    renderer = Renderer()
    spec = gallery()

    def serve_chart(route: Route) -> None:
        route.fulfill(status=200, content_type="image/svg+xml", body=CHART_SVG)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for theme in ("light", "dark"):
                page = browser.new_page(viewport={"width": 960, "height": 800})
                page.route("https://example.com/**", serve_chart)
                html = renderer.render_page(spec, title="genui components", theme=theme)
                page.set_content(str(html), wait_until="load")
                target = OUT / f"components-{theme}.png"
                page.screenshot(path=str(target), full_page=True)
                page.close()
                print(f"wrote {target.relative_to(HERE.parent)}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
