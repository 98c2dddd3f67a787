"""Request routing and recording: the fake origin, and nothing else reachable.

Every request other than a document the oracle serves (and assets registered with
:meth:`Router.serve`) is aborted and recorded as a :class:`BlockedRequest`, on the document
that made it, so tests can also assert that a URL was never fetched. WebSockets are routed too
and closed. The hooks' console reports are filed on their document here as well.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tests.browser.hooks import parse_report
from tests.browser.results import BlockedRequest, DocumentResult, Signal

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route, WebSocketRoute

__all__ = ["DOC_PREFIX", "ORIGIN", "Router", "ServedDocument"]

#: The fake origin every document is served from. Nothing on it exists except what we serve.
ORIGIN = "http://genui.test"

#: Paths of documents the oracle serves; relative URLs inside payloads resolve next to them.
DOC_PREFIX = "/__genui_oracle__/"


@dataclass
class ServedDocument:
    """Book-keeping for one served document."""

    result: DocumentResult
    html: str
    headers: dict[str, str]


class Router:
    """Serves documents and assets on :data:`ORIGIN`; aborts and records every other request.

    The handlers run inside Playwright's dispatch and must not raise.
    """

    def __init__(self) -> None:
        self.docs: dict[str, ServedDocument] = {}
        self.pending: dict[str, ServedDocument] = {}  # served at most once, then removed
        self.current: dict[Page, ServedDocument] = {}
        self.assets: dict[str, tuple[bytes, str]] = {}
        self._counter = itertools.count()
        self.unattributed: list[BlockedRequest] = []
        """Blocked requests that could not be tied to a document (workers, closed tabs)."""

    # -- documents and assets ----------------------------------------------------------------

    def new_doc(self, html: str, headers: Mapping[str, str] | None, index: int) -> ServedDocument:
        """Register a document under a fresh URL; it is served once, to a top-level tab."""
        url = f"{ORIGIN}{DOC_PREFIX}{next(self._counter)}"
        doc = ServedDocument(DocumentResult(index=index, url=url), html, dict(headers or {}))
        self.docs[url] = doc
        self.pending[url] = doc
        return doc

    def forget(self, doc: ServedDocument) -> None:
        """Stop serving ``doc`` and attributing reports to it."""
        self.docs.pop(doc.result.url, None)
        self.pending.pop(doc.result.url, None)

    def doc_for_page(self, page: Page | None) -> ServedDocument | None:
        """The document currently shown in ``page``, if the oracle served it."""
        return self.current.get(page) if page is not None else None

    def serve(self, path: str, body: bytes | str, content_type: str) -> str:
        """Serve a static asset on the test origin; returns its URL (see BrowserOracle.serve)."""
        if not path.startswith("/"):
            path = "/" + path
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.assets[ORIGIN + path] = (data, content_type)
        return ORIGIN + path

    # -- hook reports ------------------------------------------------------------------------

    def on_report(self, page: Page, text: str) -> None:
        """File one report of the init script (see ``tests/browser/hooks.py``)."""
        report = parse_report(text)
        if report is None:
            return
        doc_id, kind, detail = report
        doc = self.docs.get(doc_id) or self.doc_for_page(page)
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

    # -- requests ----------------------------------------------------------------------------

    def on_route(self, route: Route) -> None:
        """Fulfil a document or asset request; abort and record any other."""
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
        if navigation and main_frame and url in self.pending and page is not None:
            served = self.pending.pop(url)
            self.current[page] = served
            headers = {"content-type": "text/html; charset=utf-8", **served.headers}
            route.fulfill(status=200, headers=headers, body=served.html.encode("utf-8"))
            return
        asset = self.assets.get(url)
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
        doc = self.doc_for_page(page)
        if doc is not None:
            doc.result.requests.append(blocked)
            if blocked.top_navigation:
                doc.result.navigations.append(url)
        else:
            self.unattributed.append(blocked)
        route.abort("blockedbyclient")

    def on_websocket(self, ws: WebSocketRoute) -> None:
        """Record and close a WebSocket."""
        # No connect_to_server(): the socket is mocked and never reaches the network.
        self.unattributed.append(BlockedRequest(ws.url, "websocket", "GET", False, False))
        with contextlib.suppress(Exception):
            ws.close()
