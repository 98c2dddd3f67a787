"""A real-browser XSS oracle for the test-suite: headless Debian Chromium, no network.

Why a browser: the browser-free checks (html5lib round-trips, URL scheme normalization) say what
*should* happen; this module asks Chromium what *does* happen when it parses our HTML. It loads
each document on a fake origin (``http://genui.test``) and records every sign that script ran:

* hooked ``alert`` / ``confirm`` / ``prompt`` / ``print`` calls. The hooks are installed with
  ``add_init_script`` in every frame before any page script, never block (so several tabs can
  be in flight, and autofocus keeps working), and report through a ``console.debug`` captured
  at start-up, which a payload cannot silence by replacing globals later;
* native dialogs that still appear (e.g. through a frame the hooks missed): recorded, dismissed;
* ``document.title`` being set, or the title differing from the parsed one when the page is left;
* ``document.write`` / ``writeln`` / ``open`` calls;
* top-level navigations away from the document (requests, meta refresh, error pages), popups.

Every request other than the document itself (and assets registered with
:meth:`BrowserOracle.serve`) is aborted and recorded, so tests can also assert that a URL was
never fetched. Chromium additionally runs with ``--host-resolver-rules=MAP * ~NOTFOUND``, so
anything that slipped past request interception (DNS prefetch, WebSockets) cannot resolve a
host either; WebSockets are routed too and closed.

Use the session fixture ``browser_oracle`` (``tests/conftest.py``), or :func:`shared_oracle`
outside fixtures, instead of launching your own browser: a launch costs about a second, and
Playwright's sync API allows only one instance per thread anyway.

* :meth:`BrowserOracle.run_pages` - one top-level document per item, results per document.
  This is the faithful mode; use it for positive controls and for anything that must be
  attributable exactly. Throughput: 7-13 documents a second on two (busy) cores.
* :meth:`BrowserOracle.screen` - many fragments per document with parser-state guards, and
  any flagged batch re-run one fragment per document. Use it for large sets that are expected
  to be inert (escaped or sanitized output): it is an order of magnitude faster and still
  attributes every execution to a single fragment.
* :meth:`BrowserOracle.open` - a live ``Page`` for custom checks (keyboard, focus, CSP);
  :meth:`BrowserOracle.screenshot_html` - PNG screenshots, light or dark.

The modules, one concept each: ``chromium`` (which browser, which switches), ``hooks`` (the
init script that detects execution), ``routing`` (the fake origin; blocking and recording
requests), ``results`` (what was found), ``screening`` (batches and bisection for
:meth:`BrowserOracle.screen`), ``watchdog`` (stalls), ``oracle`` (the browser, its tabs and
runs), ``pages`` (document wrappers) and ``session`` (the process-wide oracle). Import from
``tests.browser``.
"""

from tests.browser.chromium import (
    CHROMIUM_ARGS,
    COMMON_CHROMIUM_ARGS,
    BrowserUnavailableError,
    chromium_path,
)
from tests.browser.oracle import BrowserOracle
from tests.browser.pages import page_html
from tests.browser.results import (
    BlockedRequest,
    DocumentResult,
    OracleResult,
    ScreenResult,
    Signal,
)
from tests.browser.routing import ORIGIN
from tests.browser.session import screenshot_html, shared_oracle
from tests.browser.watchdog import OracleStalledError

__all__ = [
    "CHROMIUM_ARGS",
    "COMMON_CHROMIUM_ARGS",
    "ORIGIN",
    "BlockedRequest",
    "BrowserOracle",
    "BrowserUnavailableError",
    "DocumentResult",
    "OracleResult",
    "OracleStalledError",
    "ScreenResult",
    "Signal",
    "chromium_path",
    "page_html",
    "screenshot_html",
    "shared_oracle",
]
