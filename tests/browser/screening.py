"""Screening many fragments expected to be inert: batches, bisected down to one when flagged.

See :meth:`tests.browser.BrowserOracle.screen`, which runs :func:`screen_fragments` on its
own Chromium.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence

from tests.browser.hooks import SEPARATOR
from tests.browser.results import BlockedRequest, DocumentResult, ScreenResult

__all__ = ["BATCH_RISK", "LoadDocuments", "screen_fragments"]

#: Loads ``(html, index)`` documents, each as its own top-level page, and returns their results
#: in the same order.
LoadDocuments = Callable[[Sequence[tuple[str, int]]], list[DocumentResult]]

# A fragment is run alone instead of batched when it could change how *other* fragments in
# the same document behave without anything to notice at run time: <body>/<html> attributes
# are merged only when not already present, and a refresh leaves the page. (Several
# autofocus elements in one batch are noticed at run time, and the batch is split.)
BATCH_RISK = re.compile(
    r"<(?:body|html|head|frameset)\b|<meta\b[^>]*http-equiv",
    re.IGNORECASE,
)


def screen_fragments(
    fragments: Sequence[str],
    *,
    load: LoadDocuments,
    wrap: Callable[[str], str],
    batch_size: int = 64,
    flag_request: Callable[[BlockedRequest], bool] | None = None,
) -> ScreenResult:
    """Screen ``fragments`` in batches; bisect every suspicious batch down to single fragments.

    ``load`` runs the documents (one top-level page each) and returns their results. The
    rules - what makes a batch trusted, which fragments run alone from the start - are in
    the docstring of ``BrowserOracle.screen``.
    """
    started = time.monotonic()
    risky = {i for i, f in enumerate(fragments) if BATCH_RISK.search(f)}
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
        pages = []
        for group in queue:
            if len(group) == 1:
                body = fragments[group[0]]
            else:
                body = "".join(fragments[i] + SEPARATOR.format(n=i) for i in group)
            pages.append((wrap(body), group[0]))
        results = load(pages)
        documents += len(results)
        next_queue: list[list[int]] = []
        for group, r in zip(queue, results, strict=True):
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
