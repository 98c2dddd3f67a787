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
"""

from __future__ import annotations

import atexit
import contextlib
import html as html_module
import itertools
import json
import os
import re
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Frame,
        Page,
        Playwright,
        Route,
        WebSocketRoute,
    )

__all__ = [
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

#: The fake origin every document is served from. Nothing on it exists except what we serve.
ORIGIN = "http://genui.test"

#: Paths of documents the oracle serves; relative URLs inside payloads resolve next to them.
_DOC_PREFIX = "/__genui_oracle__/"

#: Stop reporting (and throw) after this many hooked calls in one document: breaks
#: ``for(;;)alert(1)`` loops, which would otherwise never end because the hooks never block.
_MAX_CALLS_PER_DOCUMENT = 16

_DEBIAN_CHROMIUM = "/usr/bin/chromium"

#: Playwright adds its own switches (``--disable-features=HttpsUpgrades,...`` among them).
#: Do not pass another ``--disable-features`` here: Chromium keeps only the last occurrence,
#: and disabling ``RenderDocument`` (faster navigations) made autofocus unreliable with
#: several tabs in flight.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

# The init script. Runs in every frame before any page script. Reports go out through a
# captured native ``console.debug`` with a marker prefix: the DevTools protocol delivers it
# without help from any page global, without a round-trip, and a payload that later replaces
# ``console``, ``JSON`` or ``Reflect`` cannot silence it.
_MARK = "\u2063genui-oracle\u2063"
_INIT_SCRIPT = r"""
(() => {
  const MARK = %(mark)s, MAX = %(max)d;
  const apply = Reflect.apply, define = Object.defineProperty, String_ = String;
  const getDesc = Object.getOwnPropertyDescriptor, stringify = JSON.stringify;
  const con = console, debug = console.debug;
  let docId = "";
  try { docId = String_(location.href); } catch (e) {}
  if (window !== window.top) {
    try { const p = window.parent.__genuiOracleDoc; if (typeof p === "string") docId = p; }
    catch (e) {}
  }
  try { define(window, "__genuiOracleDoc", {value: docId, writable: false, configurable: false}); }
  catch (e) {}
  const emit = (kind, text) => {
    try { apply(debug, con, [MARK + apply(stringify, null, [[docId, kind, text]])]); } catch (e) {}
  };
  let calls = 0;
  const send = (kind, detail) => {
    calls += 1;
    if (calls > MAX) throw new Error("genui oracle: too many calls");
    let text = "";
    try { text = String_(detail).slice(0, 200); } catch (e) { text = "<unprintable>"; }
    emit(kind, text);
  };
  for (const name of ["alert", "confirm", "prompt", "print"]) {
    const replacement = {[name](...args) {
      send(name, args.length ? args[0] : "");
      return name === "prompt" ? null : name === "confirm" ? false : undefined;
    }}[name];
    try { window[name] = replacement; } catch (e) {}
  }
  const proto = Document.prototype;
  for (const name of ["write", "writeln", "open"]) {
    const native = proto[name];
    const replacement = {[name](...args) {
      send("document." + name, args.length ? args[0] : "");
      return apply(native, this, args);
    }}[name];
    try { proto[name] = replacement; } catch (e) {}
  }
  const titleDesc = getDesc(proto, "title");
  if (titleDesc && titleDesc.set) {
    const nativeSet = titleDesc.set, nativeGet = titleDesc.get;
    define(proto, "title", {
      configurable: true, enumerable: titleDesc.enumerable, get: nativeGet,
      set(value) { send("document.title", value); return apply(nativeSet, this, [value]); },
    });
    const doc = document;
    let parsedTitle = null, titleReported = false;
    const readTitle = () => {
      try { return apply(nativeGet, doc, []); } catch (e) { return null; }
    };
    const checkTitle = () => {
      if (parsedTitle === null || titleReported) return;
      const now = readTitle();
      if (now !== null && now !== parsedTitle) {
        titleReported = true;
        const text = String_(parsedTitle).slice(0, 90) + " -> " + String_(now).slice(0, 90);
        emit("title-changed", text);
      }
    };
    const setTimeout_ = window.setTimeout;
    doc.addEventListener("DOMContentLoaded", () => { parsedTitle = readTitle(); }, true);
    window.addEventListener("load", () => { apply(setTimeout_, window, [checkTitle, 0]); }, true);
    window.addEventListener("pagehide", checkTitle, true);
  }
  // Batched documents (BrowserOracle.screen) end every fragment with a separator; count the
  // ones the parser made direct <template> children of <body>, and the autofocus elements.
  const SEP = "template[data-genui-oracle-sep]", querySelectorAll = proto.querySelectorAll;
  const Template = HTMLTemplateElement;
  document.addEventListener("DOMContentLoaded", () => {
    const all = apply(querySelectorAll, document, [SEP]);
    if (!all.length) return;
    let good = 0;
    for (const el of all) {
      if (el instanceof Template && el.parentNode === document.body) good += 1;
    }
    emit("separators", String_(good));
    // Only the first autofocus candidate gets focus: several in one batch could mask each other.
    emit("autofocus", String_(apply(querySelectorAll, document, ["[autofocus]"]).length));
  }, true);
})();
"""


class BrowserUnavailableError(RuntimeError):
    """Chromium or Playwright is missing, so the oracle cannot start."""


class OracleStalledError(RuntimeError):
    """A run made no progress for too long; the oracle killed its own Chromium."""


class _Watchdog:
    """Kills this oracle's own Chromium when a run stops making progress.

    A browser call that never returns would hang the whole session, and CI with it. The
    browser carries a unique switch on its command line; the watchdog finds that process in
    ``/proc`` and kills it by PID, the blocked Playwright call fails, and the run raises
    :class:`OracleStalledError` instead of hanging.
    """

    def __init__(self, marker: str, stall_seconds: Callable[[], float]) -> None:
        self.marker = marker
        self.stall_seconds = stall_seconds
        self.fired = False
        self._busy = False
        self._last = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        """Record progress."""
        self._last = time.monotonic()

    def __enter__(self) -> _Watchdog:
        self.tick()
        self._busy = True
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="genui-oracle-watchdog")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._busy = False

    def stop(self) -> None:
        """End the watchdog thread."""
        self._stop.set()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            if self._busy and time.monotonic() - self._last > self.stall_seconds():
                self.fired = True
                self._busy = False
                for pid in self._browser_pids():
                    with contextlib.suppress(OSError):
                        os.kill(pid, signal.SIGKILL)

    def _browser_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if self.marker.encode() in args and not any(a.startswith(b"--type=") for a in args):
                pids.append(int(entry.name))
        return pids


def chromium_path() -> str | None:
    """Return the Chromium executable to use, or ``None`` when there is none.

    ``GENUI_CHROMIUM`` wins when set (and must point at an executable); otherwise Debian's
    ``/usr/bin/chromium``, then ``chromium`` / ``chromium-browser`` on ``PATH``. Playwright's
    own downloaded browsers are deliberately not used: CI installs Debian's package.
    """
    override = os.environ.get("GENUI_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    if os.access(_DEBIAN_CHROMIUM, os.X_OK):
        return _DEBIAN_CHROMIUM
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def page_html(body: str, *, title: str = "genui oracle", head: str = "") -> str:
    """Wrap a body fragment in a minimal UTF-8 HTML document (the fragment is not escaped)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_module.escape(title)}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


@dataclass(frozen=True)
class Signal:
    """One piece of evidence that script ran: a hooked call or a native dialog."""

    kind: str
    """``alert``, ``confirm``, ``prompt``, ``print``, ``document.write``, ``document.title``,
    ``title-changed``, or ``dialog:<type>`` for a native dialog."""
    detail: str
    """The first argument (truncated), the dialog message, or ``old -> new`` title."""


@dataclass(frozen=True)
class BlockedRequest:
    """A request the document made, which the oracle aborted instead of sending."""

    url: str
    resource_type: str
    """Playwright's resource type: ``image``, ``script``, ``document``, ``websocket`` ..."""
    method: str
    navigation: bool
    """True for frame navigations (``location=...``, ``<iframe src>``, form submissions)."""
    main_frame: bool
    """True when the request came from (or navigates) the top-level frame."""

    @property
    def top_navigation(self) -> bool:
        """Whether this request would have replaced the top-level document."""
        return self.navigation and self.main_frame


@dataclass
class DocumentResult:
    """What one document did in the browser."""

    index: int
    """Position in the input sequence."""
    url: str
    """Where the oracle served it (unique per document)."""
    signals: list[Signal] = field(default_factory=list)
    requests: list[BlockedRequest] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)
    """URLs the top-level frame tried to leave for: blocked navigation requests, and pages
    it ended up on without a request (``about:blank#blocked``, error pages)."""
    errors: list[str] = field(default_factory=list)
    """Uncaught exceptions in the page (a syntax error in an executed script shows up here)."""
    console: list[str] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    """URLs of windows the document opened (closed immediately)."""
    attempts: int = 1
    """2 when the first attempt did not load (the result is from the second attempt)."""
    load_timed_out: bool = False
    """The ``load`` event did not come in time (hung script, document left open by write)."""
    crashed: bool = False
    separators: int | None = None
    """For batched documents: separators the parser kept as direct children of ``<body>``."""
    autofocus_elements: int | None = None
    """For batched documents: elements with an ``autofocus`` attribute."""

    @property
    def executed(self) -> bool:
        """Script ran or the page left itself: hooked calls, dialogs, title changes, top-level
        navigations (including meta refresh) and popups all count."""
        return bool(self.signals or self.navigations or self.popups)

    def requested(self, predicate: str | Callable[[str], bool]) -> list[BlockedRequest]:
        """Blocked requests whose URL equals ``predicate`` (or satisfies it, if callable)."""
        if isinstance(predicate, str):
            target = predicate
            return [r for r in self.requests if r.url == target]
        return [r for r in self.requests if predicate(r.url)]

    def describe(self) -> str:
        """One line for assertion messages."""
        parts = [f"#{self.index}"]
        parts += [f"{s.kind}({s.detail!r})" for s in self.signals[:4]]
        parts += [f"navigate({url})" for url in self.navigations[:2]]
        parts += [f"popup({u})" for u in self.popups[:2]]
        if self.load_timed_out:
            parts.append("load-timeout")
        if self.crashed:
            parts.append("crashed")
        return " ".join(parts)


@dataclass
class OracleResult:
    """Results of :meth:`BrowserOracle.run_pages`, one :class:`DocumentResult` per input."""

    documents: list[DocumentResult]
    seconds: float

    @property
    def executed(self) -> list[DocumentResult]:
        """Documents in which script ran (see :attr:`DocumentResult.executed`)."""
        return [d for d in self.documents if d.executed]

    @property
    def pages_per_second(self) -> float:
        """Throughput of this run."""
        return len(self.documents) / self.seconds if self.seconds > 0 else float("inf")

    def requested(self, predicate: str | Callable[[str], bool]) -> list[DocumentResult]:
        """Documents that (tried to) fetch a URL equal to or matching ``predicate``."""
        return [d for d in self.documents if d.requested(predicate)]

    def summary(self) -> str:
        """A short human-readable report, including the first few executing documents."""
        head = (
            f"{len(self.documents)} documents, {len(self.executed)} executed, "
            f"{sum(len(d.requests) for d in self.documents)} requests blocked, "
            f"{self.seconds:.1f}s ({self.pages_per_second:.1f}/s)"
        )
        return "\n".join([head, *(d.describe() for d in self.executed[:10])])


@dataclass
class ScreenResult:
    """Results of :meth:`BrowserOracle.screen`."""

    fragments: int
    executed: dict[int, DocumentResult]
    """Fragment index -> its own document's result, for every fragment that executed alone."""
    flagged: dict[int, DocumentResult]
    """Fragment index -> result, for fragments whose own document matched ``flag_request``
    (or executed)."""
    unexplained: list[list[int]]
    """Batches that executed although none of their fragments did alone: an interaction."""
    documents: int
    """Documents loaded in total (batches plus single-fragment re-runs)."""
    isolated: int
    """Fragments that ended up in a document of their own (risky for batching, or bisected
    out of a flagged batch)."""
    seconds: float

    @property
    def clean(self) -> bool:
        """Nothing executed, nothing flagged, no unexplained batch."""
        return not (self.executed or self.flagged or self.unexplained)

    @property
    def fragments_per_second(self) -> float:
        """Throughput of this run, in fragments."""
        return self.fragments / self.seconds if self.seconds > 0 else float("inf")

    def summary(self) -> str:
        """A short human-readable report, including the first few offenders."""
        head = (
            f"{self.fragments} fragments in {self.documents} documents "
            f"({self.isolated} run alone), {len(self.executed)} executed, "
            f"{len(self.flagged)} flagged, {len(self.unexplained)} unexplained batches, "
            f"{self.seconds:.1f}s ({self.fragments_per_second:.0f} fragments/s)"
        )
        lines = [head]
        lines += [r.describe() for r in list(self.executed.values())[:10]]
        lines += [f"unexplained batch {b[:8]}..." for b in self.unexplained[:3]]
        return "\n".join(lines)


@dataclass
class _Doc:
    """Book-keeping for one served document."""

    result: DocumentResult
    html: str
    headers: dict[str, str]


# A fragment is run alone instead of batched when it could change how *other* fragments in
# the same document behave without anything to notice at run time: <body>/<html> attributes
# are merged only when not already present, and a refresh leaves the page. (Several
# autofocus elements in one batch are noticed at run time, and the batch is split.)
_BATCH_RISK = re.compile(
    r"<(?:body|html|head|frameset)\b|<meta\b[^>]*http-equiv",
    re.IGNORECASE,
)

_SEPARATOR = '<template data-genui-oracle-sep="{n}"></template>'


class BrowserOracle:
    """Headless Chromium with hooks, a fake origin and no network. A context manager.

    Parameters:
        executable: Chromium to launch (default :func:`chromium_path`).
        settle_ms: How long to keep a document after its ``load`` event (timers, autofocus).
        load_timeout_ms: Give up waiting for ``load`` after this long (the document is then
            recorded with ``load_timed_out``, its tab replaced, and it is run once more).
        parallel: Documents in flight at once (tabs) in :meth:`run_pages`.
        stall_seconds: Kill Chromium and raise :class:`OracleStalledError` when a run makes
            no progress for this long, rather than hang the test session.
    """

    def __init__(
        self,
        executable: str | None = None,
        *,
        settle_ms: int = 60,
        load_timeout_ms: int = 3000,
        parallel: int = 2,
        stall_seconds: float = 60.0,
    ) -> None:
        self.executable = executable or chromium_path()
        self.stall_seconds = stall_seconds
        self._marker = ""
        self._watchdog = _Watchdog(self._marker, lambda: self.stall_seconds)
        self.settle_ms = settle_ms
        self.load_timeout_ms = load_timeout_ms
        self.parallel = max(1, parallel)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._docs: dict[str, _Doc] = {}
        self._pending: dict[str, _Doc] = {}  # served at most once, then removed
        self._current: dict[Page, _Doc] = {}
        self._own_pages: set[Page] = set()
        self._pool: list[Page] = []  # idle tabs on about:blank, reused across runs
        self._assets: dict[str, tuple[bytes, str]] = {}
        self._load_seen: dict[Page, float] = {}
        self._counter = itertools.count()
        self.unattributed: list[BlockedRequest] = []
        """Blocked requests that could not be tied to a document (workers, closed tabs)."""

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> BrowserOracle:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium (raises :class:`BrowserUnavailableError` when it cannot)."""
        if self._context is not None:
            return
        if not self.executable:
            raise BrowserUnavailableError(
                "Chromium not found: install Debian's `chromium` package "
                "(or set GENUI_CHROMIUM to a Chromium executable)"
            )
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:  # pragma: no cover - dev extra missing
            raise BrowserUnavailableError(f"playwright is not installed: {exc}") from exc
        # A fresh marker per launch: the watchdog kills exactly this browser process.
        self._marker = f"--genui-oracle-instance={uuid.uuid4().hex}"
        self._watchdog = _Watchdog(self._marker, lambda: self.stall_seconds)
        try:
            self._playwright = sync_playwright().start()
        except Exception as exc:  # e.g. a second sync Playwright in this thread
            raise BrowserUnavailableError(f"could not start Playwright: {exc}") from exc
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable,
                headless=True,
                args=[*CHROMIUM_ARGS, self._marker],
                handle_sigint=False,
            )
            context = self._browser.new_context(
                service_workers="block",
                accept_downloads=False,
                viewport={"width": 800, "height": 600},
            )
            context.add_init_script(
                _INIT_SCRIPT % {"mark": json.dumps(_MARK), "max": _MAX_CALLS_PER_DOCUMENT}
            )
            context.route("**/*", self._on_route)
            context.route_web_socket("**/*", self._on_websocket)
            context.on("page", self._on_page)
            self._context = context
        except Exception as exc:
            self.close()
            raise BrowserUnavailableError(f"could not launch {self.executable}: {exc}") from exc

    def close(self) -> None:
        """Close the browser and stop Playwright (idempotent)."""
        self._watchdog.stop()
        with contextlib.suppress(Exception):
            if self._browser is not None:
                self._browser.close()
        with contextlib.suppress(Exception):
            if self._playwright is not None:
                self._playwright.stop()
        self._browser = self._context = self._playwright = None
        self._pool.clear()
        self._own_pages.clear()
        self._current.clear()

    @property
    def context(self) -> BrowserContext:
        """The Playwright browser context (started on first use)."""
        if self._context is None:
            self.start()
        assert self._context is not None
        return self._context

    def serve(self, path: str, body: bytes | str, content_type: str) -> str:
        """Serve a static asset (stylesheet, script) on the test origin; returns its URL.

        Assets are not recorded as blocked requests. Use them for genui's own CSS/JS in
        screenshots and keyboard tests, never to make a payload's request succeed.
        """
        if not path.startswith("/"):
            path = "/" + path
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._assets[ORIGIN + path] = (data, content_type)
        return ORIGIN + path

    # -- event handlers (run inside Playwright's dispatch, must not raise) -------------------

    def _new_doc(self, html: str, headers: Mapping[str, str] | None, index: int) -> _Doc:
        url = f"{ORIGIN}{_DOC_PREFIX}{next(self._counter)}"
        doc = _Doc(DocumentResult(index=index, url=url), html, dict(headers or {}))
        self._docs[url] = doc
        self._pending[url] = doc
        return doc

    def _doc_for_page(self, page: Page | None) -> _Doc | None:
        return self._current.get(page) if page is not None else None

    def _on_report(self, page: Page, text: str) -> None:
        try:
            doc_id, kind, detail = json.loads(text[len(_MARK) :])
        except (ValueError, TypeError):
            return
        doc = self._docs.get(str(doc_id)) or self._doc_for_page(page)
        if doc is None:
            return
        if kind == "separators":
            with contextlib.suppress(ValueError):
                doc.result.separators = int(detail)
            return
        if kind == "autofocus":
            with contextlib.suppress(ValueError):
                doc.result.autofocus_elements = int(detail)
            return
        doc.result.signals.append(Signal(kind, detail))

    def _on_route(self, route: Route) -> None:
        try:
            self._handle_route(route)
        except Exception:  # a closing tab; never let a handler error escape into Playwright
            with contextlib.suppress(Exception):
                route.abort()

    def _handle_route(self, route: Route) -> None:
        request = route.request
        url = request.url
        try:
            frame = request.frame
            page: Page | None = frame.page
            main_frame = frame.parent_frame is None
        except Exception:
            page, main_frame = None, False
        navigation = request.is_navigation_request()
        if navigation and main_frame and url in self._pending and page is not None:
            doc = self._pending.pop(url)
            self._current[page] = doc
            headers = {"content-type": "text/html; charset=utf-8", **doc.headers}
            route.fulfill(status=200, headers=headers, body=doc.html.encode("utf-8"))
            return
        asset = self._assets.get(url)
        if asset is not None and not navigation:
            route.fulfill(status=200, headers={"content-type": asset[1]}, body=asset[0])
            return
        if url == ORIGIN + "/favicon.ico":
            route.abort()
            return
        blocked = BlockedRequest(
            url=url,
            resource_type=request.resource_type,
            method=request.method,
            navigation=navigation,
            main_frame=main_frame,
        )
        doc = self._doc_for_page(page)
        if doc is not None:
            doc.result.requests.append(blocked)
            if blocked.top_navigation:
                doc.result.navigations.append(url)
        else:
            self.unattributed.append(blocked)
        route.abort("blockedbyclient")

    def _on_websocket(self, ws: WebSocketRoute) -> None:
        # No connect_to_server(): the socket is mocked and never reaches the network.
        self.unattributed.append(BlockedRequest(ws.url, "websocket", "GET", False, False))
        with contextlib.suppress(Exception):
            ws.close()

    def _on_page(self, page: Page) -> None:
        # Tabs the oracle creates have no opener; anything with one is a popup.
        opener = None
        with contextlib.suppress(Exception):
            opener = page.opener()
        if opener is None or page in self._own_pages:
            return
        doc = self._doc_for_page(opener)
        if doc is not None:
            doc.result.popups.append(page.url)
        with contextlib.suppress(Exception):
            page.close()

    def _new_page(self) -> Page:
        page = self.context.new_page()
        self._own_pages.add(page)

        def on_dialog(dialog: Dialog) -> None:
            doc = self._doc_for_page(page)
            if doc is not None:
                doc.result.signals.append(Signal(f"dialog:{dialog.type}", dialog.message[:200]))
            with contextlib.suppress(Exception):
                dialog.dismiss()

        def on_error(error: Exception) -> None:
            doc = self._doc_for_page(page)
            if doc is not None:
                doc.result.errors.append(str(error)[:300])

        def on_console(message: ConsoleMessage) -> None:
            text = message.text
            if text.startswith(_MARK):
                self._on_report(page, text)
                return
            doc = self._doc_for_page(page)
            if doc is not None and len(doc.result.console) < 20:
                doc.result.console.append(f"{message.type}: {message.text[:200]}")

        def on_crash(_: Page) -> None:
            doc = self._doc_for_page(page)
            if doc is not None:
                doc.result.crashed = True

        def on_load(_: Page) -> None:
            self._load_seen[page] = time.monotonic()

        def on_navigated(frame: Frame) -> None:
            # Catches top-level navigations that make no request: meta refresh to a blocked
            # javascript: URL lands on about:blank#blocked, document.open, and the like.
            doc = self._doc_for_page(page)
            if doc is None or frame.parent_frame is not None:
                return
            if frame.url.split("#", 1)[0] != doc.result.url:
                doc.result.navigations.append(frame.url)

        page.on("dialog", on_dialog)
        page.on("pageerror", on_error)
        page.on("console", on_console)
        page.on("crash", on_crash)
        page.on("load", on_load)
        page.on("framenavigated", on_navigated)
        return page

    def _take_page(self) -> Page:
        while self._pool:
            page = self._pool.pop()
            if not page.is_closed():
                return page
        return self._new_page()

    def _discard_page(self, page: Page) -> None:
        self._own_pages.discard(page)
        self._current.pop(page, None)
        self._load_seen.pop(page, None)
        with contextlib.suppress(Exception):
            page.close()

    # -- running documents -------------------------------------------------------------------

    def _start(self, page: Page, doc: _Doc) -> bool:
        """Navigate ``page`` to ``doc``; False when the tab had to be given up."""
        self._watchdog.tick()
        self._load_seen.pop(page, None)
        try:
            page.goto(doc.result.url, wait_until="commit", timeout=self.load_timeout_ms)
        except Exception:
            doc.result.load_timed_out = True
            return False
        return True

    def _finish(self, page: Page, doc: _Doc) -> bool:
        """Wait for ``load`` plus the settle time; False when the tab must be replaced."""
        healthy = True
        try:
            page.wait_for_load_state("load", timeout=self.load_timeout_ms)
        except Exception:
            doc.result.load_timed_out = True
            healthy = False
        if healthy and not doc.result.crashed:
            seen = self._load_seen.get(page, time.monotonic())
            remaining = self.settle_ms - (time.monotonic() - seen) * 1000
            if remaining > 1:
                page.wait_for_timeout(remaining)
        return healthy and not doc.result.crashed and not page.is_closed()

    def _run(self, docs: Sequence[_Doc]) -> None:
        """Load every document and collect its signals; survive one Chromium stall.

        A Chromium wedged by machine load (seen on a busy 2-core CI machine) is killed by
        the watchdog; the documents then run once more, fresh, in a relaunched browser. A
        second stall is reported as :class:`OracleStalledError`.
        """
        try:
            self._run_watched(docs)
        except OracleStalledError:
            for doc in docs:
                self._docs.pop(doc.result.url, None)
                self._pending.pop(doc.result.url, None)
            fresh = [self._new_doc(doc.html, doc.headers, doc.result.index) for doc in docs]
            self._run_watched(fresh)
            for doc, again in zip(docs, fresh, strict=True):
                again.result.attempts = doc.result.attempts + 1
                doc.result = again.result

    def _run_watched(self, docs: Sequence[_Doc]) -> None:
        """Load every document and collect its signals, under the stall watchdog."""
        self.start()  # launching is not progress-tracked
        try:
            with self._watchdog:
                self._run_attempts(docs)
        except Exception as exc:
            if not self._watchdog.fired:
                raise
            error: Exception | None = exc
        else:
            if not self._watchdog.fired:
                return
            error = None
        self.close()
        raise OracleStalledError(
            f"no progress for {self.stall_seconds:.0f}s; killed this oracle's Chromium "
            "(the next run starts a new one)"
        ) from error

    def _run_attempts(self, docs: Sequence[_Doc]) -> None:
        """Run every document; run again, alone, the ones that did not load.

        A document that navigated its tab away is followed by a fresh tab, but a navigation
        it starts after its settle time can still spoil the next document in that tab; such
        a document then fails to load and is run again in a fresh tab, with a fresh result.
        Documents that hang by themselves simply time out twice.
        """
        self._run_once(docs)
        retry = [doc for doc in docs if doc.result.load_timed_out or doc.result.crashed]
        if not retry:
            return
        fresh = [self._new_doc(doc.html, doc.headers, doc.result.index) for doc in retry]
        parallel, self.parallel = self.parallel, 1
        try:
            self._run_once(fresh)
        finally:
            self.parallel = parallel
        for doc, again in zip(retry, fresh, strict=True):
            again.result.attempts = doc.result.attempts + 1
            doc.result = again.result

    def _run_once(self, docs: Sequence[_Doc]) -> None:
        """Load every document, ``self.parallel`` tabs at a time, and collect the signals."""
        slots: list[tuple[Page, _Doc | None]] = [
            (self._take_page(), None) for _ in range(min(self.parallel, max(1, len(docs))))
        ]

        def settle(i: int) -> None:
            page, doc = slots[i]
            if doc is None:
                return
            # A tab whose document left (or tried to) gets replaced: an error page reloads
            # itself, and a late meta refresh would land on the next document.
            if not self._finish(page, doc) or doc.result.navigations or doc.result.popups:
                self._discard_page(page)
                page = self._take_page()
            slots[i] = (page, None)

        for n, doc in enumerate(docs):
            i = n % len(slots)
            settle(i)
            page = slots[i][0]
            if not self._start(page, doc):
                self._discard_page(page)
                page = self._take_page()
            slots[i] = (page, doc)
        for i in range(len(slots)):
            settle(i)
        # Leave every document so its pagehide title check reports, then let reports drain.
        parked = []
        for page, _ in slots:
            self._current.pop(page, None)  # reports still arrive, keyed by document URL
            try:
                page.goto("about:blank", timeout=self.load_timeout_ms)
                parked.append(page)
            except Exception:
                self._discard_page(page)
        if parked:
            with contextlib.suppress(Exception):
                parked[0].wait_for_timeout(5)
        self._pool.extend(parked)
        for doc in docs:
            self._docs.pop(doc.result.url, None)
            self._pending.pop(doc.result.url, None)

    def run_pages(
        self, pages: Iterable[str], *, headers: Mapping[str, str] | None = None
    ) -> OracleResult:
        """Load each HTML document as its own top-level page; report what each one did.

        ``headers`` are added to every document response (e.g. a Content-Security-Policy).
        """
        started = time.monotonic()
        docs = [self._new_doc(html, headers, i) for i, html in enumerate(pages)]
        self._run(docs)
        return OracleResult([d.result for d in docs], time.monotonic() - started)

    def run_page(self, html: str, *, headers: Mapping[str, str] | None = None) -> DocumentResult:
        """Load a single document (see :meth:`run_pages`)."""
        return self.run_pages([html], headers=headers).documents[0]

    def screen(
        self,
        fragments: Sequence[str],
        *,
        wrap: Callable[[str], str] = page_html,
        batch_size: int = 64,
        flag_request: Callable[[BlockedRequest], bool] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> ScreenResult:
        """Check many body fragments that are expected to be inert, quickly and attributably.

        Fragments are concatenated ``batch_size`` to a document (``wrap`` turns the joined
        body into a document), each followed by a ``<template>`` separator. A batch is
        trusted only if it shows no execution signal, no request matching ``flag_request``,
        at most one autofocus element, and the parser kept every separator as a direct
        ``<body>`` child - so no fragment left the parser inside a comment, raw-text element,
        table or foreign content where it could hide the next fragment. Any other batch is
        split in halves and run again, down to single fragments; a fragment that could affect
        its neighbours unnoticed (``<body>``/``<html>`` attributes, meta refresh) is run
        alone from the start. A single fragment is loaded as ``wrap(fragment)`` exactly, one
        document, like :meth:`run_pages`: every reported execution belongs to one fragment.
        """
        started = time.monotonic()
        risky = {i for i, f in enumerate(fragments) if _BATCH_RISK.search(f)}
        batchable = [i for i in range(len(fragments)) if i not in risky]
        step = max(1, batch_size)
        batches = [batchable[k : k + step] for k in range(0, len(batchable), step)]
        queue: list[list[int]] = [*batches, *([i] for i in sorted(risky))]

        def flagged_by_request(result: DocumentResult) -> bool:
            return flag_request is not None and any(flag_request(r) for r in result.requests)

        executed: dict[int, DocumentResult] = {}
        flagged: dict[int, DocumentResult] = {}
        first_level: dict[int, DocumentResult] = {}
        documents = isolated = 0
        level = 0
        while queue:
            docs = []
            for group in queue:
                if len(group) == 1:
                    body = fragments[group[0]]
                else:
                    body = "".join(fragments[i] + _SEPARATOR.format(n=i) for i in group)
                docs.append(self._new_doc(wrap(body), headers, group[0]))
            self._run(docs)
            documents += len(docs)
            next_queue: list[list[int]] = []
            for group, doc in zip(queue, docs, strict=True):
                r = doc.result
                if level == 0 and len(group) > 1:
                    first_level[group[0]] = r
                if len(group) == 1:
                    isolated += 1
                    if r.executed:
                        executed[group[0]] = r
                    if r.executed or flagged_by_request(r):
                        flagged[group[0]] = r
                elif (
                    r.executed
                    or r.load_timed_out
                    or r.crashed
                    or r.separators != len(group)
                    or (r.autofocus_elements or 0) > 1
                    or flagged_by_request(r)
                ):
                    half = (len(group) + 1) // 2
                    next_queue += [group[:half], group[half:]]
            queue = next_queue
            level += 1
        unexplained = [
            group
            for group in batches
            if (first_level[group[0]].executed or flagged_by_request(first_level[group[0]]))
            and not any(i in flagged for i in group)
        ]
        return ScreenResult(
            fragments=len(fragments),
            executed=executed,
            flagged=flagged,
            unexplained=unexplained,
            documents=documents,
            isolated=isolated,
            seconds=time.monotonic() - started,
        )

    # -- live pages and screenshots ----------------------------------------------------------

    @contextlib.contextmanager
    def open(
        self,
        html: str,
        *,
        width: int = 800,
        height: int = 600,
        dark: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[Page]:
        """Load ``html`` in a fresh tab and yield the Playwright ``Page`` (closed afterwards).

        Hooks and request blocking apply as everywhere else; :meth:`result_for` gives the
        signals collected so far. ``dark`` emulates ``prefers-color-scheme: dark``.
        """
        doc = self._new_doc(html, headers, 0)
        page = self._new_page()
        try:
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(color_scheme="dark" if dark else "light")
            page.goto(doc.result.url, wait_until="load", timeout=max(self.load_timeout_ms, 10_000))
            yield page
        finally:
            self._discard_page(page)
            self._docs.pop(doc.result.url, None)
            self._pending.pop(doc.result.url, None)

    def result_for(self, page: Page) -> DocumentResult:
        """Signals, blocked requests and errors of the document currently shown in ``page``."""
        doc = self._doc_for_page(page)
        if doc is None:
            raise KeyError("page was not opened by this oracle")
        return doc.result

    def screenshot_html(
        self,
        html: str,
        path: Path | str,
        *,
        width: int = 720,
        dark: bool = False,
        selector: str | None = None,
    ) -> Path:
        """Render ``html`` and save a PNG of the full page (or of ``selector``) to ``path``."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        with self.open(html, width=width, height=100, dark=dark) as page:
            if selector is not None:
                page.locator(selector).first.screenshot(path=str(target), animations="disabled")
            else:
                page.screenshot(path=str(target), full_page=True, animations="disabled")
        return target


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
