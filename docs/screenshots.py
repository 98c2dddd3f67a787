"""Take the docs' screenshots with headless Chromium (``/usr/bin/chromium`` unless ``CHROMIUM``).

* ``components``: every built-in component's ``example`` node rendered with
  ``Renderer().render_page``, light and dark: ``docs/img/components-{light,dark}.png``;
* ``demo``: the demo server's index page at phone width, after every stream ended:
  ``docs/img/demo-390.png`` (the 1200 px ``demo.png`` comes from
  ``python -m examples.server.screenshot``);
* ``getting-started``: the ``myapp.py`` of docs/getting-started.md, run as the doc
  shows it, at 390 and 1280 px: ``docs/img/getting-started-{390,1280}.png``;
* ``playground``: the demo's ``/playground`` with JavaScript off, its default example
  submitted, at 1280 and 390 px: ``docs/img/playground.png``, ``docs/img/playground-390.png``;
* ``charts``: a page of Charts (bar, line, area, a Stat sparkline) at 390 and 1280 px,
  light and dark (``prefers-color-scheme`` emulated):
  ``docs/img/charts-{light,dark}-{390,1280}.png``;
* ``booking``: the demo's booking scenario (a Form bound to a declared action) as the page
  first shows it, JavaScript off, at 390 and 1280 px: ``docs/img/booking-{390,1280}.png``;
* ``watchlist``: the demo's watchlist scenario (a Table and Stats bound to state) after
  "Refresh prices" was pressed twice (genui.js applying the state patch's updates), at 390
  and 1280 px: ``docs/img/state-{390,1280}.png``.

::

    .venv/bin/python docs/screenshots.py [components] [demo] [getting-started] [playground] \
        [booking] [charts] [watchlist]

With no argument it takes all of them. Image URLs in the component examples are
answered locally with a small SVG chart, so the script needs no network.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Route, sync_playwright

from genui.components import BUILTIN_COMPONENTS
from genui.render import Renderer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "img"
PHONE = 390
DESKTOP = 1280
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
        if component.example is None or not component.standalone:
            continue  # ListItem is shown inside the List example, the fields in the Form's
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


def chart_gallery() -> dict[str, Any]:
    """The page of charts the ``charts`` target and tests/test_charts_browser.py show."""
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return {
        "root": [
            {
                "component": "Chart",
                "props": {
                    "title": "Revenue by quarter",
                    "kind": "bar",
                    "labels": ["Q1", "Q2", "Q3", "Q4"],
                    "series": [
                        {"name": "2025", "values": [42_000, 51_500, 48_200, 63_900]},
                        {"name": "2026", "values": [47_800, 58_100, None, 71_250]},
                        {"name": "Target", "values": [45_000, 55_000, 60_000, 65_000]},
                    ],
                    "x_label": "Quarter",
                    "y_label": "USD",
                },
            },
            {
                "component": "Chart",
                "props": {
                    "title": "Daily active users",
                    "kind": "line",
                    "labels": months,
                    "series": [
                        {
                            "name": "Web",
                            "values": [
                                820,
                                932,
                                901,
                                934,
                                1290,
                                1330,
                                1320,
                                1400,
                                None,
                                1510,
                                1620,
                                1580,
                            ],
                        },
                        {
                            "name": "App",
                            "values": [
                                320,
                                410,
                                530,
                                610,
                                700,
                                690,
                                760,
                                880,
                                950,
                                990,
                                1100,
                                1240,
                            ],
                        },
                    ],
                },
            },
            {
                "component": "Chart",
                "props": {
                    "title": "Net cash flow",
                    "kind": "area",
                    "labels": months,
                    "series": [
                        {
                            "name": "Cash flow",
                            "values": [
                                1.2,
                                0.8,
                                -0.4,
                                -1.1,
                                0.3,
                                1.9,
                                2.4,
                                1.1,
                                -0.2,
                                0.6,
                                1.5,
                                2.8,
                            ],
                        },
                    ],
                    "y_label": "M EUR",
                },
            },
            {
                "component": "Grid",
                "props": {"columns": 2},
                "children": [
                    {
                        "component": "Stat",
                        "props": {
                            "label": "Revenue",
                            "value": "$71,250",
                            "delta": "+11%",
                            "trend": "up",
                            "sparkline": [42, 51.5, 48.2, 63.9, 47.8, 58.1, 66, 71.25],
                        },
                    },
                    {
                        "component": "Stat",
                        "props": {
                            "label": "Churn",
                            "value": "2.1%",
                            "delta": "-0.4 pt",
                            "trend": "down",
                            "sparkline": [3.1, 2.9, 2.8, 2.7, 2.5, 2.5, 2.3, 2.1],
                        },
                    },
                ],
            },
        ]
    }


def charts(browser: Browser) -> None:
    """The chart gallery at phone and desktop width, in the light and the dark scheme."""
    html = str(Renderer().render_page(chart_gallery(), title="genui charts"))
    for scheme in ("light", "dark"):
        for width in (PHONE, DESKTOP):
            context = browser.new_context(
                viewport={"width": width, "height": 800},
                color_scheme=scheme,  # type: ignore[arg-type]
            )
            page = context.new_page()
            page.set_content(html, wait_until="load")
            _save(page, OUT / f"charts-{scheme}-{width}.png")
            context.close()


def components(browser: Browser) -> None:
    """The component gallery, light and dark."""
    renderer = Renderer()
    spec = gallery()

    def serve_chart(route: Route) -> None:
        route.fulfill(status=200, content_type="image/svg+xml", body=CHART_SVG)

    for theme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 960, "height": 800})
        page.route("https://example.com/**", serve_chart)
        html = renderer.render_page(spec, title="genui components", theme=theme)
        page.set_content(str(html), wait_until="load")
        _save(page, OUT / f"components-{theme}.png")


def demo(browser: Browser) -> None:
    """The demo's index page at phone width, every stream ended and every image loaded."""
    _importable_examples()
    from examples.server.app import create_app
    from examples.server.background import serve_in_thread
    from examples.server.screenshot import ALL_ENDED

    with serve_in_thread(create_app(speed=0.2)) as url:
        page = browser.new_page(viewport={"width": PHONE, "height": 844})
        page.goto(url + "/")
        page.wait_for_function(ALL_ENDED, timeout=30_000)
        page.wait_for_function(
            "() => [...document.querySelectorAll('img.genui-image__img')]"
            ".every((img) => img.complete && img.naturalWidth)"
        )
        _save(page, OUT / f"demo-{PHONE}.png")


def getting_started_app(directory: Path) -> Any:
    """Save the ``myapp.py`` block of getting-started.md in ``directory``; return its ``app``."""
    text = (HERE / "getting-started.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- file: myapp\.py -->\s*```python\n(.*?)\n```", text, flags=re.S)
    if found is None:
        raise SystemExit("no <!-- file: myapp.py --> block in docs/getting-started.md")
    path = directory / "myapp.py"
    path.write_text(found.group(1) + "\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("myapp", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


def getting_started(browser: Browser) -> None:
    """What a reader of getting-started.md sees, at phone and desktop width."""
    _importable_examples()
    from examples.server.background import serve_in_thread

    with tempfile.TemporaryDirectory() as directory:
        app = getting_started_app(Path(directory))
        with serve_in_thread(app) as url:
            for width in (PHONE, DESKTOP):
                page = browser.new_page(viewport={"width": width, "height": 320})
                page.goto(url + "/")
                page.wait_for_function(
                    "() => { const el = document.querySelector('[data-genui-stream]');"
                    " return el.hasAttribute('data-genui-version')"
                    " && !el.hasAttribute('aria-busy') }",
                    timeout=30_000,
                )
                _save(page, OUT / f"getting-started-{width}.png")


def playground(browser: Browser) -> None:
    """The playground's answer to its default example (a plain form post, JavaScript off)."""
    _importable_examples()
    from examples.server.app import create_app
    from examples.server.background import serve_in_thread

    with serve_in_thread(create_app(speed=0)) as url:
        for width, name in ((DESKTOP, "playground.png"), (PHONE, "playground-390.png")):
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": width, "height": 800}
            )
            page = context.new_page()
            page.goto(url + "/playground")
            with page.expect_navigation():
                page.click("button[type=submit]")
            page.wait_for_selector("#pg-summary")
            _save(page, OUT / name)
            context.close()


def booking(browser: Browser) -> None:
    """The booking form as the server renders it (it works without JavaScript)."""
    _importable_examples()
    from examples.server.app import create_app
    from examples.server.background import serve_in_thread

    with serve_in_thread(create_app(speed=0)) as url:
        for width in (PHONE, DESKTOP):
            context = browser.new_context(
                java_script_enabled=False, viewport={"width": width, "height": 800}
            )
            page = context.new_page()
            page.goto(url + "/scenarios/booking")
            page.wait_for_selector("form.genui-form")
            _save(page, OUT / f"booking-{width}.png")
            context.close()


def watchlist(browser: Browser) -> None:
    """The watchlist after two refreshes: one price moved, then a position added."""
    _importable_examples()
    from examples.server.app import create_app
    from examples.server.background import serve_in_thread

    with serve_in_thread(create_app(speed=0)) as url:
        for width in (PHONE, DESKTOP):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto(url + "/scenarios/watchlist")
            panel = page.locator("#watchlist .demo-stream")
            for shows in ("$17,602.00", "Umbrella"):
                panel.get_by_role("button", name="Refresh prices").click()
                panel.get_by_text(shows).first.wait_for()
            _save(page, OUT / f"state-{width}.png")


def _importable_examples() -> None:
    if str(ROOT) not in sys.path:  # run as a script: make the `examples` package importable
        sys.path.insert(0, str(ROOT))


def _save(page: Any, target: Path) -> None:
    page.screenshot(path=str(target), full_page=True, animations="disabled")
    page.close()
    print(f"wrote {target.relative_to(ROOT)}")


SHOTS = {
    "components": components,
    "demo": demo,
    "getting-started": getting_started,
    "playground": playground,
    "booking": booking,
    "charts": charts,
    "watchlist": watchlist,
}


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots named in ``argv`` (all by default); return a process exit code."""
    names = list(sys.argv[1:] if argv is None else argv) or list(SHOTS)
    unknown = [name for name in names if name not in SHOTS]
    if unknown:
        print(f"unknown screenshot(s) {unknown}; choose from {list(SHOTS)}", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}; set CHROMIUM", file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name in names:
                SHOTS[name](browser)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
