"""The browser oracle: headless Chromium with the hooks, on the fake origin, with no network.

:class:`BrowserOracle` owns one Chromium and its tabs, loads documents through them (several
in flight, with retries and a stall watchdog) and collects what each one did; the package
docstring (``tests/browser/__init__.py``) says what counts as script having run.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.chromium import CHROMIUM_ARGS, BrowserUnavailableError, chromium_path
from tests.browser.hooks import MARK, init_script
from tests.browser.pages import page_html
from tests.browser.results import BlockedRequest, DocumentResult, OracleResult, ScreenResult, Signal
from tests.browser.routing import Router, ServedDocument
from tests.browser.screening import screen_fragments
from tests.browser.watchdog import OracleStalledError, Watchdog

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Dialog,
        Frame,
        Page,
        Playwright,
    )

__all__ = ["BrowserOracle"]


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
        self._watchdog = Watchdog(self._marker, lambda: self.stall_seconds)
        self.settle_ms = settle_ms
        self.load_timeout_ms = load_timeout_ms
        self.parallel = max(1, parallel)
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None
        self._router = Router()
        self._own_pages: set[Page] = set()
        self._pool: list[Page] = []  # idle tabs on about:blank, reused across runs
        self._load_seen: dict[Page, float] = {}

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
        self._watchdog = Watchdog(self._marker, lambda: self.stall_seconds)
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
            context.add_init_script(init_script())
            context.route("**/*", self._router.on_route)
            context.route_web_socket("**/*", self._router.on_websocket)
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
        self._router.current.clear()

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
        return self._router.serve(path, body, content_type)

    @property
    def unattributed(self) -> list[BlockedRequest]:
        """Blocked requests that could not be tied to a document (workers, closed tabs)."""
        return self._router.unattributed

    # -- tabs (their event handlers run inside Playwright's dispatch, must not raise) --------

    def _new_doc(self, html: str, headers: Mapping[str, str] | None, index: int) -> ServedDocument:
        return self._router.new_doc(html, headers, index)

    def _doc_for_page(self, page: Page | None) -> ServedDocument | None:
        return self._router.doc_for_page(page)

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
            if text.startswith(MARK):
                self._router.on_report(page, text)
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
        self._router.current.pop(page, None)
        self._load_seen.pop(page, None)
        with contextlib.suppress(Exception):
            page.close()

    # -- running documents -------------------------------------------------------------------

    def _start(self, page: Page, doc: ServedDocument) -> bool:
        """Navigate ``page`` to ``doc``; False when the tab had to be given up."""
        self._watchdog.tick()
        self._load_seen.pop(page, None)
        try:
            page.goto(doc.result.url, wait_until="commit", timeout=self.load_timeout_ms)
        except Exception:
            doc.result.load_timed_out = True
            return False
        return True

    def _finish(self, page: Page, doc: ServedDocument) -> bool:
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

    def _run(self, docs: Sequence[ServedDocument]) -> None:
        """Load every document and collect its signals; survive one Chromium stall.

        A Chromium wedged by machine load (seen on a busy 2-core CI machine) is killed by
        the watchdog; the documents then run once more, fresh, in a relaunched browser. A
        second stall is reported as :class:`OracleStalledError`.
        """
        try:
            self._run_watched(docs)
        except OracleStalledError:
            for doc in docs:
                self._router.forget(doc)
            fresh = [self._new_doc(doc.html, doc.headers, doc.result.index) for doc in docs]
            self._run_watched(fresh)
            for doc, again in zip(docs, fresh, strict=True):
                again.result.attempts = doc.result.attempts + 1
                doc.result = again.result

    def _run_watched(self, docs: Sequence[ServedDocument]) -> None:
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

    def _run_attempts(self, docs: Sequence[ServedDocument]) -> None:
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

    def _run_once(self, docs: Sequence[ServedDocument]) -> None:
        """Load every document, ``self.parallel`` tabs at a time, and collect the signals."""
        slots: list[tuple[Page, ServedDocument | None]] = [
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
            self._router.current.pop(page, None)  # reports still arrive, keyed by document URL
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
            self._router.forget(doc)

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

        def load(pages: Sequence[tuple[str, int]]) -> list[DocumentResult]:
            docs = [self._new_doc(html, headers, index) for html, index in pages]
            self._run(docs)
            return [doc.result for doc in docs]

        return screen_fragments(
            fragments, load=load, wrap=wrap, batch_size=batch_size, flag_request=flag_request
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
            self._router.forget(doc)

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
