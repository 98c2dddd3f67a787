"""Property-based tests of genui.sanitize: never raises, idempotent, nothing unsafe gets out.

The oracle tests use ``ada-url`` (a WHATWG URL parser, the one Node and others embed) when it
is installed; they are skipped otherwise.
"""

from __future__ import annotations

import html
import importlib.util
import re
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from genui.sanitize import (
    DEFAULT_URL_POLICY,
    PROP_REASONS,
    UrlContext,
    UrlPolicy,
    check_url,
    forbidden_prop_reason,
    is_url_attribute,
    sanitize_srcset,
    sanitize_url,
)
from tests import examples
from tests.hostile import SCRIPT_URLS

CONTEXTS: tuple[UrlContext, ...] = ("href", "img")
POLICIES = {
    "default": DEFAULT_URL_POLICY,
    "https_only": UrlPolicy.https_only(),
    "strict_images": UrlPolicy.strict_images(hosts=["good.example", "*.cdn.example"]),
    "link_hosts": UrlPolicy(link_hosts=frozenset({"good.example", "*.cdn.example"})),
    "no_relative": UrlPolicy(allow_relative=False),
}
contexts = st.sampled_from(CONTEXTS)
policies = st.sampled_from(sorted(POLICIES))

PIECES = [
    "javascript",
    "JaVaScRiPt",
    "vbscript",
    "data",
    "http",
    "https",
    "mailto",
    "tel",
    "ftp",
    "blob",
    "file",
    ":",
    "//",
    "/",
    "\\",
    "?",
    "#",
    "@",
    ".",
    "&",
    ";",
    "%",
    "&#",
    "x",
    "6A",
    "58",
    "3A",
    "&colon;",
    "&Tab;",
    "&NewLine;",
    "&amp;",
    "&#x3a",
    "%3A",
    "%0A",
    "%25",
    "%2e",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x01",
    "\x1f",
    " ",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "\u3002",
    "image/png",
    "image/svg+xml",
    "text/html",
    ";base64,",
    "AAAA",
    "==",
    ",",
    "alert(1)",
    "good.example",
    "evil.example",
    "a.cdn.example",
    "cdn.example",
    "0x7f",
    "127.0.0.1",
    "[::1]",
    ":443",
    ":x",
    "xn--bcher-kva",
    "\uff47",
    "\u00df",
    "\u0430",
]
url_like = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(string.printable + "\x00\x01\u00a0"), max_size=60),
)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.binary(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.builds(object),
)

# ---------------------------------------------------------------------------------------
# An independent, deliberately simple model of what a browser does with an attribute value
# ---------------------------------------------------------------------------------------

_C0_SPACE = "".join(chr(c) for c in range(0x21))
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def browser_normalize(url: str) -> str:
    return re.sub("[\t\n\r]", "", url.strip(_C0_SPACE))


def scheme_of(url: str) -> str | None:
    match = _SCHEME.match(browser_normalize(url))
    return match.group(1).lower() if match else None


def decoded_forms(url: str) -> list[str]:
    """The literal value, and as an HTML parser would decode it (NUL becomes U+FFFD), twice."""
    once = html.unescape(url.replace("\x00", "\ufffd"))
    return [url, once, html.unescape(once)]


def allowed_schemes(policy: UrlPolicy, context: UrlContext) -> frozenset[str]:
    return policy.link_schemes if context == "href" else policy.image_schemes


def assert_scheme_allowed(url: str, policy: UrlPolicy, context: UrlContext) -> None:
    for form in decoded_forms(url):
        scheme = scheme_of(form)
        if scheme is None:
            continue
        if scheme == "data":
            assert context == "img", url
            assert re.match(r"data:image/[a-z0-9.+-]+;base64,", browser_normalize(form), re.I)
        else:
            assert scheme in allowed_schemes(policy, context), (url, form, scheme)


# ---------------------------------------------------------------------------------------
# Never raises, idempotent, allowed scheme
# ---------------------------------------------------------------------------------------


@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
@given(url=url_like, context=contexts, policy_name=policies)
@example(url="javascript:alert(1)", context="href", policy_name="default")
@example(
    url="www.example.com/\u200d\x00\x1f\x00\x1f\ufefffoo", context="img", policy_name="default"
)
def test_sanitize_url_never_raises_and_what_it_keeps_is_safe_and_stable(
    url: str, context: UrlContext, policy_name: str
) -> None:
    policy = POLICIES[policy_name]
    verdict = check_url(url, context=context, policy=policy)
    assert (verdict.url is None) != (verdict.reason is None)
    result = verdict.url
    if result is None:
        return
    assert_scheme_allowed(result, policy, context)
    assert result == browser_normalize(result)
    assert not re.search("[\x00-\x1f\x7f-\x9f]", result)
    # idempotent: the emitted URL passes again, unchanged
    assert sanitize_url(result, context=context, policy=policy) == result


@given(value=anything, context=contexts)
def test_anything_that_is_not_a_string_is_rejected_without_raising(
    value: object, context: UrlContext
) -> None:
    assert sanitize_url(value, context=context) is None


@given(url=url_like, padding=st.text(alphabet=_C0_SPACE, max_size=4), context=contexts)
def test_surrounding_controls_and_spaces_never_change_the_verdict(
    url: str, padding: str, context: UrlContext
) -> None:
    padded = padding + url + padding[::-1]
    assert sanitize_url(padded, context=context) == sanitize_url(url, context=context)


@given(
    candidates=st.lists(
        st.tuples(url_like, st.sampled_from(["", "1x", "2x", "480w", "1.5x", "x", "2y"])),
        min_size=1,
        max_size=4,
    ),
    separator=st.sampled_from([",", ", ", " ,", "\n,\t", ",,"]),
    policy_name=policies,
)
def test_srcset_output_is_stable_and_every_candidate_is_a_safe_image_url(
    candidates: list[tuple[str, str]], separator: str, policy_name: str
) -> None:
    policy = POLICIES[policy_name]
    value = separator.join(f"{url} {descriptor}" for url, descriptor in candidates)
    result = sanitize_srcset(value, policy=policy)
    if result is None:
        return
    assert sanitize_srcset(result, policy=policy) == result
    for candidate in result.split(", "):
        url = candidate.split(" ")[0]
        assert sanitize_url(url, context="img", policy=policy) == url


# ---------------------------------------------------------------------------------------
# Obfuscated script URLs are always rejected
# ---------------------------------------------------------------------------------------

INSERTABLE = "\t\n\r\x00\x01\x08\x0b\x0c\x0e\x1b\x1f "
NAMED = {":": "&colon;", "(": "&lpar;", ")": "&rpar;", "\t": "&Tab;", "\n": "&NewLine;"}


@st.composite
def obfuscated_script_urls(draw: Any) -> str:
    chars = list(draw(st.sampled_from(SCRIPT_URLS)))
    for _ in range(draw(st.integers(0, 4))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INSERTABLE)))
    out: list[str] = []
    for index, char in enumerate(chars):
        following = chars[index + 1] if index + 1 < len(chars) else ""
        how = draw(st.sampled_from(["literal", "literal", "dec", "hex", "named", "pct", "double"]))
        zeros = "0" * draw(st.integers(0, 4))
        if how == "dec":
            semi = ";" if following.isdigit() or draw(st.booleans()) else ""
            out.append(f"&#{zeros}{ord(char)}{semi}")
        elif how == "hex":
            digits = format(ord(char), draw(st.sampled_from(["x", "X"])))
            semi = ";" if following in string.hexdigits or draw(st.booleans()) else ""
            out.append(f"&#{draw(st.sampled_from('xX'))}{zeros}{digits}{semi}")
        elif how == "named" and char in NAMED:
            out.append(NAMED[char])
        elif how == "pct" and ord(char) < 0x80:
            out.append(f"%{ord(char):02X}")
        elif how == "double":
            prefix = draw(st.sampled_from(["&amp;", "%26", "&#38;"]))
            out.append(f"{prefix}#{ord(char)};")
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=examples(300))
@given(url=obfuscated_script_urls(), context=contexts)
@example(url="java&#x09;script&#x3A;alert(1)", context="href")
@example(url="&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1)", context="img")
def test_script_urls_with_inserted_controls_and_character_references_are_always_rejected(
    url: str, context: UrlContext
) -> None:
    assert sanitize_url(url, context=context) is None


@given(
    url=st.sampled_from(SCRIPT_URLS),
    positions=st.lists(st.tuples(st.integers(0, 12), st.sampled_from("\t\n\r")), max_size=6),
    upper=st.lists(st.booleans(), min_size=12, max_size=12),
)
def test_tab_newline_and_case_games_never_get_a_script_scheme_through(
    url: str, positions: list[tuple[int, str]], upper: list[bool]
) -> None:
    head, _, tail = url.partition(":")
    chars = [c.upper() if flip else c for c, flip in zip(head, upper, strict=False)]
    chars += list(head[len(chars) :])
    for position, char in positions:
        chars.insert(min(position, len(chars)), char)
    for context in CONTEXTS:
        assert sanitize_url("".join(chars) + ":" + tail, context=context) is None


# ---------------------------------------------------------------------------------------
# WHATWG oracle (ada-url)
# ---------------------------------------------------------------------------------------

BASES = ("https://page.example/dir/doc.html", "http://page.example/dir/doc.html")
needs_ada = pytest.mark.skipif(
    importlib.util.find_spec("ada_url") is None, reason="ada-url (WHATWG oracle) not installed"
)


def ada_parse(url: str, base: str) -> Any:
    import ada_url

    try:
        return ada_url.URL(url, base)
    except ValueError:  # the browser fails to parse it: nothing is loaded or followed
        return None


@needs_ada
@settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])
@given(url=url_like, context=contexts, policy_name=policies)
@example(url="http:evil.example", context="href", policy_name="link_hosts")
@example(url="https:\\\\evil.example@good.example", context="img", policy_name="strict_images")
def test_a_whatwg_parser_resolves_every_kept_url_to_an_allowed_scheme_and_host(
    url: str, context: UrlContext, policy_name: str
) -> None:
    policy = POLICIES[policy_name]
    result = sanitize_url(url, context=context, policy=policy)
    assume(result is not None)
    assert result is not None
    hosts = policy.link_hosts if context == "href" else policy.image_hosts
    for form in decoded_forms(result):
        for base in BASES:
            parsed = ada_parse(form, base)
            if parsed is None:
                continue
            protocol = parsed.protocol.rstrip(":")
            if form is result and protocol not in ("http", "https"):
                assert protocol in allowed_schemes(policy, context) or (
                    protocol == "data" and context == "img"
                ), (result, base, parsed.href)
            if (
                form is result
                and protocol in ("http", "https")
                and parsed.hostname != "page.example"
            ):
                assert protocol in allowed_schemes(policy, context), (result, base, parsed.href)
            if hosts is not None and protocol in ("http", "https", "ftp"):
                host = parsed.hostname.removesuffix(".")
                assert (
                    host == "page.example"
                    or host in hosts
                    or any(h.startswith("*.") and host.endswith(h[1:]) for h in hosts)
                ), (form, base, parsed.href)
            if protocol in ("javascript", "vbscript"):
                pytest.fail(f"{result!r} resolves to {parsed.href!r}")
            if protocol == "data":
                assert context == "img"


@needs_ada
def test_the_oracle_agrees_with_the_hand_written_host_cases() -> None:
    import ada_url

    assert ada_url.URL("https:\\\\evil.example/x", BASES[0]).hostname == "evil.example"
    assert ada_url.URL("http:evil.example", BASES[0]).hostname == "evil.example"
    assert ada_url.URL("https://%67ood.example/", BASES[0]).hostname == "good.example"
    assert ada_url.URL("https://0x7f.1/", BASES[0]).hostname == "127.0.0.1"


# ---------------------------------------------------------------------------------------
# Prop names
# ---------------------------------------------------------------------------------------


@given(name=st.text(max_size=30))
def test_prop_name_checks_never_raise_and_give_known_reasons(name: str) -> None:
    reason = forbidden_prop_reason(name)
    assert reason is None or reason in PROP_REASONS
    assert isinstance(is_url_attribute(name), bool)


@given(
    event=st.text(alphabet=string.ascii_letters, min_size=1, max_size=12),
    case=st.lists(st.booleans(), min_size=2, max_size=2),
    before=st.text(alphabet=" \t\n\x00\x1f\u00a0\u200b\ufeff", max_size=3),
    after=st.text(alphabet=" \t\n\x00\x1f\u00a0\u200b\ufeff", max_size=3),
)
def test_event_handler_names_are_caught_in_any_case_and_padding(
    event: str, case: list[bool], before: str, after: str
) -> None:
    on = "".join(c.upper() if flip else c for c, flip in zip("on", case, strict=True))
    assert forbidden_prop_reason(before + on + event + after) == "event_handler"
