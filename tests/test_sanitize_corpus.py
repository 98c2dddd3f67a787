"""genui.sanitize against the external URL corpora vendored in tests/corpora.

* ``url_vectors.json``: every ``dangerous: true`` vector is rejected and every
  ``dangerous: false`` vector is kept, in both the link and the image context.
* ``url_vectors_all_with_verdicts.json``: whatever we keep, WHATWG URL parsers and Chromium
  resolve to an allowed scheme (or a relative URL), for the literal and the HTML-decoded form.
* ``url_upstream_test_vectors.json``: braintree, Angular and React expectations, with every
  place where we deliberately disagree listed and justified.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from genui.sanitize import DEFAULT_URL_POLICY, UrlContext, check_url, sanitize_url
from tests.support import load_corpus

CONTEXTS: tuple[UrlContext, ...] = ("href", "img")

URL_VECTORS: list[dict[str, Any]] = load_corpus("url_vectors.json")
ALL_VECTORS: list[dict[str, Any]] = load_corpus("url_vectors_all_with_verdicts.json")
UPSTREAM: dict[str, Any] = load_corpus("url_upstream_test_vectors.json")


def _vector_id(index: int, item: dict[str, Any]) -> str:
    text = item["input"] if isinstance(item.get("input"), str) else repr(item.get("input"))
    readable = re.sub(r"[^A-Za-z0-9:/.&#;_-]+", "~", text)[:40]
    return f"{index:03d}-{item.get('category', item.get('scheme_family', ''))}-{readable}"


DANGEROUS = [
    pytest.param(item["input"], id=_vector_id(i, item))
    for i, item in enumerate(URL_VECTORS)
    if item["dangerous"]
]
SAFE = [
    pytest.param(item["input"], id=_vector_id(i, item))
    for i, item in enumerate(URL_VECTORS)
    if not item["dangerous"]
]


def test_the_url_corpus_has_not_shrunk() -> None:
    counts = Counter(item["dangerous"] for item in URL_VECTORS)
    categories = Counter(item["category"] for item in URL_VECTORS)
    nul_led = sum(1 for item in URL_VECTORS if item["dangerous"] and "\x00" in item["input"])
    print(
        f"url_vectors.json: {len(URL_VECTORS)} vectors, {counts[True]} dangerous, "
        f"{counts[False]} safe; categories {dict(categories)}; {nul_led} dangerous with NUL"
    )
    assert len(URL_VECTORS) == 206
    assert counts[True] == 139
    assert counts[False] == 67
    entity_encoded = [item for item in URL_VECTORS if item["category"].endswith("/entity-encoded")]
    assert sum(1 for item in entity_encoded if item["dangerous"]) == 21
    assert nul_led == 3
    assert len(ALL_VECTORS) == 259
    assert len(DANGEROUS) == 139 and len(SAFE) == 67


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("url", DANGEROUS)
def test_every_dangerous_corpus_vector_is_rejected(url: str, context: UrlContext) -> None:
    verdict = check_url(url, context=context)
    assert verdict.url is None
    assert verdict.reason is not None


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("url", SAFE)
def test_every_safe_corpus_vector_is_kept(url: str, context: UrlContext) -> None:
    verdict = check_url(url, context=context)
    assert verdict.reason is None
    assert verdict.url is not None


def test_corpus_verdict_totals_match_in_both_contexts() -> None:
    for context in CONTEXTS:
        rejected = sum(
            1 for item in URL_VECTORS if sanitize_url(item["input"], context=context) is None
        )
        print(f"{context}: rejected {rejected} of {len(URL_VECTORS)}")
        assert rejected == 139


ALLOWED_PROTOCOLS = {
    "href": {f"{scheme}:" for scheme in DEFAULT_URL_POLICY.link_schemes} | {"relative"},
    "img": {f"{scheme}:" for scheme in DEFAULT_URL_POLICY.image_schemes} | {"relative"},
}
KEPT_CANDIDATES = {"href": 71, "img": 72}  # img also keeps Angular's base64 PNG data: URL


def _is_base64_image(url: str) -> bool:
    return re.match(r"data:image/[a-z0-9.+-]+;base64,", url, re.IGNORECASE) is not None


@pytest.mark.parametrize("context", CONTEXTS)
def test_whatever_is_kept_from_all_259_candidates_resolves_to_an_allowed_protocol(
    context: UrlContext,
) -> None:
    """Oracles recorded in the corpus: node's URL, ada-url and Chromium itself.

    The WHATWG fields resolve against an https base, so a relative URL shows as ``https:``.
    ``data:`` is allowed only for a base64 image in the image context.
    """
    allowed = ALLOWED_PROTOCOLS[context] | {"https:"}
    kept = 0
    for item in ALL_VECTORS:
        result = sanitize_url(item["input"], context=context)
        if result is None:
            continue
        kept += 1
        protocols = set(item["whatwg_protocol"].values()) | set(item["browser"].values())
        if context == "img" and _is_base64_image(result):
            protocols -= {"data:"}
        assert protocols <= allowed, (item["input"], protocols)
    print(f"{context}: kept {kept} of {len(ALL_VECTORS)} candidates")
    assert kept == KEPT_CANDIDATES[context]


@pytest.mark.parametrize("context", CONTEXTS)
def test_no_candidate_that_any_oracle_reads_as_script_or_data_survives(context: UrlContext) -> None:
    risky = {"javascript:", "vbscript:", "data:"}
    flagged = [
        item
        for item in ALL_VECTORS
        if risky & (set(item["whatwg_protocol"].values()) | set(item["browser"].values()))
    ]
    print(f"{len(flagged)} candidates resolve to javascript:/vbscript:/data: somewhere")
    assert len(flagged) == 144
    survivors = [
        item["input"]
        for item in flagged
        if sanitize_url(item["input"], context=context) is not None
    ]
    if context == "href":
        assert survivors == []
    else:  # only a well-formed base64 raster image
        assert survivors == ["data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/"]


# ---------------------------------------------------------------------------------------
# Upstream suites, as written
# ---------------------------------------------------------------------------------------

BRAINTREE_PAIRS: list[dict[str, Any]] = UPSTREAM["braintree/sanitize-url"]["pairs"]

# Where braintree and genui deliberately differ. Everything else must agree.
BRAINTREE_DISAGREEMENTS = {
    # braintree keeps any scheme it does not know; we allow a list of schemes.
    "com.braintreepayments.demo://example": "rejected: custom app scheme is not on the allowlist",
    # A ':' before any '/', '?' or '#' without a well-formed scheme in front: browsers read these
    # as relative paths, but nobody writes them on purpose and some consumers disagree.
    "\\j\\av\\a\\s\\cript:alert()": "rejected: backslashes and a colon look like a scheme",
    "not_javascript:alert(document.domain)": "rejected: '_' cannot be in a scheme, so ambiguous",
    "not_data:alert(document.domain)": "rejected: '_' cannot be in a scheme, so ambiguous",
    "not_vbscript:alert(document.domain)": "rejected: '_' cannot be in a scheme, so ambiguous",
    # braintree turns "" into about:blank; an empty href/src is the current document, harmless.
    "": "kept: the empty URL is a same-document reference",
}


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize(
    "pair",
    [pytest.param(pair, id=_vector_id(i, pair)) for i, pair in enumerate(BRAINTREE_PAIRS)],
)
def test_braintree_expectations_hold_except_documented_disagreements(
    pair: dict[str, Any], context: UrlContext
) -> None:
    url = pair["input"]
    blocked_upstream = pair["expected"] == "about:blank"
    ours = sanitize_url(url, context=context)
    if isinstance(url, str) and url in BRAINTREE_DISAGREEMENTS:
        assert (ours is None) == BRAINTREE_DISAGREEMENTS[url].startswith("rejected")
        assert (ours is None) != blocked_upstream
    else:
        assert (ours is None) == blocked_upstream


def test_braintree_pairs_are_all_there() -> None:
    blocked = sum(1 for pair in BRAINTREE_PAIRS if pair["expected"] == "about:blank")
    print(f"braintree: {len(BRAINTREE_PAIRS)} pairs, {blocked} expect about:blank")
    assert len(BRAINTREE_PAIRS) == 77
    inputs = {pair["input"] for pair in BRAINTREE_PAIRS}
    assert set(BRAINTREE_DISAGREEMENTS) <= inputs


ANGULAR = UPSTREAM["angular"]
ANGULAR_INVALID = ANGULAR["current"]["invalidUrls"] + ANGULAR["legacy"]["extra_invalidUrls"]
# Angular's current pattern blocks only javascript:, and its legacy one allowed data: video and
# audio. We allow a list of schemes, data: only as an image and only in the img context.
ANGULAR_VALID_WE_REJECT = {
    "unknown-scheme:abc": CONTEXTS,
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/": ("href",),
    "data:video/webm;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/": CONTEXTS,
    "data:audio/opus;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/": CONTEXTS,
}


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("url", ANGULAR_INVALID)
def test_angular_invalid_urls_are_rejected(url: str, context: UrlContext) -> None:
    assert sanitize_url(url, context=context) is None


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("url", ANGULAR["current"]["validUrls"])
def test_angular_valid_urls_are_kept_except_schemes_we_do_not_allow(
    url: str, context: UrlContext
) -> None:
    kept = sanitize_url(url, context=context) is not None
    assert kept == (context not in ANGULAR_VALID_WE_REJECT.get(url, ()))


def test_angular_lists_are_all_there() -> None:
    print(f"angular: {len(ANGULAR['current']['validUrls'])} valid, {len(ANGULAR_INVALID)} invalid")
    assert len(ANGULAR["current"]["validUrls"]) == 18
    assert len(ANGULAR_INVALID) == 17


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize(
    "case", UPSTREAM["react"]["cases"], ids=lambda case: repr(case["input"])[:40]
)
def test_react_untrusted_url_cases_agree(case: dict[str, str], context: UrlContext) -> None:
    blocked = sanitize_url(case["input"], context=context) is None
    assert blocked == (case["expected"] == "blocked")
