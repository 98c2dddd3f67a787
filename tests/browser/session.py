"""The process-wide oracle, and screenshots through it."""

from __future__ import annotations

import atexit
from pathlib import Path

from tests.browser.oracle import BrowserOracle

__all__ = ["screenshot_html", "shared_oracle"]

_shared: BrowserOracle | None = None


def shared_oracle() -> BrowserOracle:
    """The process-wide oracle, started on first use and closed at exit.

    Playwright's sync API runs one instance per thread (a second ``sync_playwright()`` fails
    with "using Playwright Sync API inside the asyncio loop"), so everything in a test
    session - the ``browser_oracle`` fixture, :func:`screenshot_html` - shares this one.
    Raises :class:`BrowserUnavailableError` when Chromium cannot start.
    """
    global _shared
    if _shared is None:
        _shared = BrowserOracle()
        atexit.register(_shared.close)
    _shared.start()
    return _shared


def screenshot_html(
    html: str,
    path: Path | str,
    *,
    width: int = 720,
    dark: bool = False,
    selector: str | None = None,
    oracle: BrowserOracle | None = None,
) -> Path:
    """Save a PNG screenshot of ``html`` (using :func:`shared_oracle` unless given one)."""
    return (oracle or shared_oracle()).screenshot_html(
        html, path, width=width, dark=dark, selector=selector
    )
