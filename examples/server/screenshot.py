"""Take the README's screenshot of the demo page: ``python -m examples.server.screenshot [PATH]``.

Starts the demo on a free loopback port, loads ``/`` in headless Chromium (Debian's
``/usr/bin/chromium``, or ``GENUI_CHROMIUM``), waits until every panel's stream has ended
and saves a full-page PNG (default ``docs/img/demo.png``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from examples.server.app import create_app
from examples.server.background import serve_in_thread

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
ALL_ENDED = """() => [...document.querySelectorAll("[data-genui-stream]")].every(
    (el) => el.hasAttribute("data-genui-version") && !el.hasAttribute("aria-busy"))"""


def take(path: Path, *, width: int = 1200, dark: bool = False) -> Path:
    """Save the screenshot to ``path`` and return it."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("GENUI_CHROMIUM", "/usr/bin/chromium")
    path.parent.mkdir(parents=True, exist_ok=True)
    with serve_in_thread(create_app(speed=0.2)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            page = browser.new_page(
                viewport={"width": width, "height": 900},
                color_scheme="dark" if dark else "light",
            )
            page.goto(url + "/")
            page.wait_for_function(ALL_ENDED, timeout=30_000)
            page.wait_for_function(
                "() => [...document.querySelectorAll('img.genui-image__img')]"
                ".every((img) => img.complete && img.naturalWidth)"
            )
            page.screenshot(path=str(path), full_page=True, animations="disabled")
        finally:
            browser.close()
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img/demo.png")
    print(take(target, dark="--dark" in sys.argv))
