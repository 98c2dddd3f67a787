"""Session-wide fixtures and hooks for genui's test-suite.

Sections: end-of-session figures, the headless-browser oracle. Add new fixtures in a section
of their own; keep heavyweight helpers in their own ``tests/<name>.py`` module.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser import (
    COMMON_CHROMIUM_ARGS,
    BrowserOracle,
    BrowserUnavailableError,
    chromium_path,
    shared_oracle,
)
from tests.figures import figures
from tests.input_forms import spec_form

if TYPE_CHECKING:
    from playwright.sync_api import Browser

__all__ = ["spec_form"]

# -- figures (tests/figures.py) ------------------------------------------------------------


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print every figure tests recorded with ``record_figure``."""
    recorded = figures()
    if recorded:
        terminalreporter.section("genui figures")
        for figure in recorded:
            terminalreporter.write_line(str(figure))


# -- headless Chromium (tests/browser/) ---------------------------------------------------


def running_in_ci() -> bool:
    """CI sets ``CI=true``; there a missing browser is a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the browser oracle ``browser`` (so ``-m "not browser"`` works)."""
    for item in items:
        if "browser_oracle" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_oracle() -> Iterator[BrowserOracle]:
    """One headless Chromium for the whole session (see ``tests/browser/``).

    Skips when Chromium or Playwright is missing, except under ``CI=true``, where it fails.
    """
    try:
        oracle = shared_oracle()
    except BrowserUnavailableError as exc:
        if running_in_ci():
            pytest.fail(
                f"browser tests are required in CI but {exc} "
                "(.ci/run installs Debian's chromium when run as root)",
                pytrace=False,
            )
        pytest.skip(f"headless Chromium unavailable: {exc}")
    try:
        yield oracle
    finally:
        oracle.close()


@pytest.fixture(scope="module")
def chromium(browser_oracle: BrowserOracle) -> Iterator[Browser]:
    """A Chromium with normal networking on loopback (the oracle's own blocks every host).

    Launched through the session's Playwright: one sync Playwright per process.
    """
    browser_type = browser_oracle.context.browser.browser_type  # type: ignore[union-attr]
    browser = browser_type.launch(
        executable_path=chromium_path(), headless=True, args=list(COMMON_CHROMIUM_ARGS)
    )
    try:
        yield browser
    finally:
        browser.close()
