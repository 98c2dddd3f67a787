"""What the oracle found: per document, per run of documents, per screening of fragments."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["BlockedRequest", "DocumentResult", "OracleResult", "ScreenResult", "Signal"]


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
