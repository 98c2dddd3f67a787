"""genui.sanitize: hand-written URL vectors, the policy, reporting, pydantic types, prop names."""

from __future__ import annotations

import dataclasses
import json
import tracemalloc
import unicodedata
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from genui.sanitize import (
    DEFAULT_URL_POLICY,
    MAX_PROP_NAME_LENGTH,
    PROP_REASONS,
    URL_ATTRIBUTES,
    URL_REASONS,
    CssToken,
    ImageUrl,
    SafeUrl,
    SanitizeEvent,
    SanitizeReport,
    UrlContext,
    UrlField,
    UrlPolicy,
    UrlVerdict,
    check_srcset,
    check_url,
    forbidden_prop_reason,
    is_css_token,
    is_url_attribute,
    sanitize_srcset,
    sanitize_url,
    url_fields,
    validation_context,
)
from genui.validate import validate

PNG = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
SVG = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="

# ---------------------------------------------------------------------------------------
# Script schemes, however they are spelled
# ---------------------------------------------------------------------------------------

OBFUSCATED_SCRIPT = {
    "plain": "javascript:alert(1)",
    "mixed case": "JaVaScRiPt:alert(1)",
    "tab inside scheme": "java\tscript:alert(1)",
    "newline inside scheme": "java\nscript:alert(1)",
    "carriage return inside scheme": "java\rscript:alert(1)",
    "tab before colon": "javascript\t:alert(1)",
    "leading spaces and controls": "  \x01\x02\x1f javascript:alert(1)",
    "trailing controls": "javascript:alert(1)\x00\x1f ",
    "NUL before": "\x00javascript:alert(1)",
    "NUL inside scheme": "java\x00script:alert(1)",
    "other C0 inside scheme": "java\x0bscript:alert(1)",
    "hex entity": "&#x6A;avascript:alert(1)",
    "hex entity without semicolon": "&#x6Aavascript:alert(1)",
    "decimal entities, zero padded": "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099"
    "&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    "named colon": "javascript&colon;alert(1)",
    "named colon, upper case": "javascript&COLON;alert(1)",
    "named tab": "java&Tab;script:alert(1)",
    "named newline": "java&NewLine;script:alert(1)",
    "decimal colon": "javascript&#58;alert(1)",
    "hex colon no semicolon": "javascript&#x3A;alert(1)",
    "double-encoded entity": "javascript&amp;colon;alert(1)",
    "double-encoded numeric": "&amp;#106;avascript:alert(1)",
    "percent-encoded scheme": "%6A%61vascript:alert(1)",
    "percent-encoded colon": "javascript%3Aalert(1)",
    "percent-encoded entity": "javascript%26colon;alert(1)",
    "NUL inside an entity": "javasc&#\x00x09;ript:alert(1)",
    "zero-width inside scheme": "java\u200bscript:alert(1)",
    "BOM before": "\ufeffjavascript:alert(1)",
    "no-break space before": "\u00a0javascript:alert(1)",
    "fullwidth scheme letters": "\uff4aavascript:alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "vbscript upper": "VBSCRIPT:msgbox(1)",
    "livescript": "livescript:alert(1)",
    "data text/html": "data:text/html,<script>alert(1)</script>",
    "data text/html base64": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data svg inline": "data:image/svg+xml,<svg onload=alert(1)>",
    "file": "file:///etc/passwd",
    "about": "about:blank",
    "view-source": "view-source:https://example.com/",
    "unknown scheme": "evilNewProtocol:abc",
    "underscore almost-scheme": "not_javascript:alert(1)",
    "backslash almost-scheme": "\\j\\av\\a\\s\\cript:alert()",
}


@pytest.mark.parametrize("context", ["href", "img"])
@pytest.mark.parametrize("url", OBFUSCATED_SCRIPT.values(), ids=OBFUSCATED_SCRIPT.keys())
def test_script_and_unknown_schemes_are_rejected_in_every_spelling(
    url: str, context: UrlContext
) -> None:
    verdict = check_url(url, context=context)
    assert verdict.url is None
    if url.startswith("data:") and context == "img":
        assert verdict.reason == "invalid_data_url"
    else:
        assert verdict.reason == "unsafe_url_scheme"
    assert sanitize_url(url, context=context) is None


KEPT = {
    "https": ("https://good.example/", "https://good.example/"),
    "http with port and colon in path": ("http://a.example:8080/x:y", "http://a.example:8080/x:y"),
    "mailto": ("mailto:a@example.com?subject=hi", "mailto:a@example.com?subject=hi"),
    "tel": ("tel:+1-555-0100", "tel:+1-555-0100"),
    "ftp": ("FTP://files.example/", "FTP://files.example/"),
    "absolute path": ("/docs/page", "/docs/page"),
    "relative path": ("docs/page.html", "docs/page.html"),
    "dot path with scheme-like segment": ("./javascript:alert(1)", "./javascript:alert(1)"),
    "query only": ("?q=javascript:alert(1)", "?q=javascript:alert(1)"),
    "fragment only": ("#javascript:alert(1)", "#javascript:alert(1)"),
    "empty": ("", ""),
    "whitespace only": (" \t\n", ""),
    "protocol-relative": ("//cdn.example/x.js", "//cdn.example/x.js"),
    "surrounding whitespace stripped": ("  https://a.example/  \n", "https://a.example/"),
    "tab and newline removed": ("ht\ttp://a.exa\nmple/", "http://a.example/"),
    "controls in path percent-encoded": ("/a\x01b\x7fc", "/a%01b%7Fc"),
    "entity text kept literally": ("/?a=1&amp;b=2", "/?a=1&amp;b=2"),
    "unicode path kept": ("/лот/ü", "/лот/ü"),
}


@pytest.mark.parametrize(("url", "expected"), KEPT.values(), ids=KEPT.keys())
def test_ordinary_links_are_kept_browser_normalized(url: str, expected: str) -> None:
    assert sanitize_url(url) == expected


def test_the_emitted_url_is_the_literal_not_the_entity_decoded_one() -> None:
    url = "https://example.com&NewLine;&NewLine;/something"
    assert sanitize_url(url) == url


def test_non_strings_are_rejected_without_raising() -> None:
    for value in (None, 1, 1.5, b"https://a.example/", ["https://a"], {"href": "x"}, object()):
        assert sanitize_url(value) is None
        assert check_url(value) == UrlVerdict(None, "invalid_url")


def test_str_subclasses_are_checked_as_plain_strings() -> None:
    class Sneaky(str):
        def __str__(self) -> str:
            return "https://safe.example/"

        def strip(self, chars: str | None = None) -> str:
            return "https://safe.example/"

    assert sanitize_url(Sneaky("javascript:alert(1)")) is None
    result = sanitize_url(Sneaky("https://a.example/"))
    assert result == "https://a.example/"
    assert type(result) is str


def test_lone_surrogates_are_rejected() -> None:
    assert check_url("https://a.example/\ud800") == UrlVerdict(None, "invalid_url")


def test_an_unknown_context_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="context"):
        check_url("https://a.example/", context="script")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_url("https://a.example/", policy="strict")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Contexts: links vs images
# ---------------------------------------------------------------------------------------


def test_base64_raster_data_images_are_kept_only_in_the_image_context() -> None:
    assert sanitize_url(PNG, context="img") == PNG
    # data: in a link is a phishing vector and browsers block top-level data: navigation.
    assert check_url(PNG, context="href") == UrlVerdict(None, "unsafe_url_scheme")


@pytest.mark.parametrize("kind", ["png", "jpeg", "gif", "webp", "avif", "bmp", "x-icon", "PNG"])
def test_each_raster_type_is_accepted_as_a_data_image(kind: str) -> None:
    assert sanitize_url(f"data:image/{kind};base64,AAAA", context="img") is not None


def test_svg_data_images_follow_the_policy_switch() -> None:
    assert sanitize_url(SVG, context="img") == SVG
    assert sanitize_url(SVG, context="href") is None
    no_svg = UrlPolicy(allow_svg_data_images=False)
    assert check_url(SVG, context="img", policy=no_svg) == UrlVerdict(None, "invalid_data_url")


INVALID_DATA_IMAGES = {
    "not base64": "data:image/png,AAAA",
    "svg not base64": "data:image/svg+xml,<svg onload=alert(1)>",
    "parameters": "data:image/png;charset=utf-8;base64,AAAA",
    "no media type": "data:;base64,AAAA",
    "text/html": "data:text/html;base64,PHNjcmlwdD4=",
    "video": "data:video/webm;base64,AAAA",
    "tiff": "data:image/tiff;base64,AAAA",
    "empty payload": "data:image/png;base64,",
    "url-safe alphabet": "data:image/png;base64,AA-_",
    "space in payload": "data:image/png;base64,AA AA",
    "no-break space in payload": "data:image/png;base64,AA\u00a0AA",
    "bad length": "data:image/png;base64,AAAAA",
    "bad padding": "data:image/png;base64,AAAAA=",
    "too much padding": "data:image/png;base64,AA===",
    "padding inside": "data:image/png;base64,AA=A",
    "entity in payload": "data:image/png;base64,AA&#65;A",
}


@pytest.mark.parametrize("url", INVALID_DATA_IMAGES.values(), ids=INVALID_DATA_IMAGES.keys())
def test_malformed_or_non_image_data_urls_are_rejected_as_images(url: str) -> None:
    assert check_url(url, context="img") == UrlVerdict(None, "invalid_data_url")


def test_unpadded_base64_is_accepted_like_browsers_do() -> None:
    assert sanitize_url("data:image/png;base64,AAAAAA", context="img") is not None
    assert sanitize_url("data:image/png;base64,AAAAAA==", context="img") is not None


def test_data_images_can_be_switched_off() -> None:
    policy = UrlPolicy(allow_data_images=False)
    assert check_url(PNG, context="img", policy=policy) == UrlVerdict(None, "unsafe_url_scheme")


def test_blob_urls_are_images_not_links() -> None:
    blob = "blob:https://app.example/6f1c4a50-3f59-4b8e-9a0f-3e5c2d1b0a99"
    assert sanitize_url(blob, context="img") == blob
    assert check_url(blob, context="href") == UrlVerdict(None, "unsafe_url_scheme")


# ---------------------------------------------------------------------------------------
# srcset
# ---------------------------------------------------------------------------------------

SRCSETS = {
    "densities": ("a.png 1x, b.png 2x", "a.png 1x, b.png 2x"),
    "widths, no spaces": ("/a.png 480w,/b.png 800w", "/a.png 480w, /b.png 800w"),
    "single url": ("  a.png  ", "a.png"),
    "data image": (f"{PNG} 1x, /b.png 2x", f"{PNG} 1x, /b.png 2x"),
    "fractional density": ("a.png 1.5x", "a.png 1.5x"),
    "comma inside a url": ("a.png,b.png", "a.png,b.png"),
    "script candidate": ("/a.png 1x, javascript:alert(1) 2x", None),
    "entity-encoded script candidate": ("a.png, &#106;avascript&#58;x 2x", None),
    "two descriptors": ("a.png 1x 2x", None),
    "unknown descriptor": ("a.png 10h", None),
    "parenthesized descriptor": ("a.png (x, y) 2x", None),
    "empty": ("", None),
    "only commas": (" , ,", None),
    "control exposes a comma": ("\x01,//evil.example 1x", None),
    "non-string": (["a.png"], None),
}


@pytest.mark.parametrize(("value", "expected"), SRCSETS.values(), ids=SRCSETS.keys())
def test_srcset_candidates_are_checked_one_by_one(value: str, expected: str | None) -> None:
    assert sanitize_srcset(value) == expected


def test_srcset_candidates_follow_the_image_host_allowlist() -> None:
    policy = UrlPolicy.strict_images(hosts=["good.example"])
    assert sanitize_srcset("https://good.example/a.png 2x", policy=policy) is not None
    verdict = check_srcset("/a.png 1x, https://evil.example/b.png 2x", policy=policy)
    assert verdict == UrlVerdict(None, "disallowed_host")


# ---------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------

STRICT = UrlPolicy.strict_images(hosts=["good.example", "*.cdn.example", "127.0.0.1"])

IMAGE_HOST_CASES = {
    "allowed host": ("https://good.example/a.png", True),
    "upper case and trailing dot": ("https://GOOD.Example./a.png", True),
    "percent-encoded host": ("https://%67ood.example/a.png", True),
    "explicit port": ("https://good.example:443/a.png", True),
    "userinfo then allowed host": ("https://user@good.example/a.png", True),
    "subdomain by wildcard": ("https://img.cdn.example/a.png", True),
    "IPv4 written in hex": ("https://0x7f.1/a.png", True),
    "relative": ("/static/a.png", True),
    "raster data image": (PNG, True),
    "other host": ("https://evil.example/a.png", False),
    "http is not https": ("http://good.example/a.png", False),
    "allowed host as userinfo": ("https://good.example@evil.example/a.png", False),
    "backslash ends the authority": ("https://evil.example\\@good.example/a.png", False),
    "fragment ends the authority": ("https://evil.example#@good.example/", False),
    "suffix is not a subdomain": ("https://evilgood.example/a.png", False),
    "wildcard does not match apex": ("https://cdn.example/a.png", False),
    "wildcard suffix trick": ("https://img.cdn.example.evil.example/a.png", False),
    "protocol-relative": ("//good.example/a.png", False),  # could resolve to http:
    "backslashes are slashes": ("https:\\\\evil.example/a.png", False),
    "no slashes at all": ("https:evil.example/a.png", False),
    "cyrillic lookalike": ("https://g\u043e\u043ed.example/a.png", False),
    "fullwidth letters": ("https://\uff47ood.example/a.png", False),
    "non-numeric port": ("https://good.example:x/a.png", False),
    "forbidden host character": ("https://good.example%2f.evil/a.png", False),
    "entity-encoded other host": ("&#47;&#47;evil.example/a.png", False),
    "percent-encoded path to other host": ("/%2F%2Fevil.example/a.png", False),
    "svg data image": (SVG, False),
    "blob": ("blob:https://good.example/x", False),
}


@pytest.mark.parametrize(("url", "kept"), IMAGE_HOST_CASES.values(), ids=IMAGE_HOST_CASES.keys())
def test_image_host_allowlist_sees_the_host_a_browser_would_contact(url: str, kept: bool) -> None:
    assert (sanitize_url(url, context="img", policy=STRICT) is not None) == kept


def test_image_host_allowlist_does_not_restrict_links() -> None:
    assert sanitize_url("https://evil.example/", policy=STRICT) is not None


LINKS = UrlPolicy(link_hosts=frozenset({"good.example"}))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://good.example/x", None),
        ("//good.example/x", None),
        ("\\\\good.example/x", None),
        ("//evil.example/x", "disallowed_host"),
        ("\\\\evil.example/x", "disallowed_host"),
        ("/\\evil.example/x", "disallowed_host"),
        ("\\/evil.example/x", "disallowed_host"),
        ("/\t/evil.example/x", "disallowed_host"),
        ("http:evil.example", "disallowed_host"),
        ("http:/\\evil.example", "disallowed_host"),
        ("ftp://evil.example/", "disallowed_host"),
        ("mailto:x@evil.example", None),  # no host to contact
        ("/local", None),
    ],
)
def test_link_host_allowlist_covers_network_path_references(url: str, reason: str | None) -> None:
    assert check_url(url, policy=LINKS).reason == reason


def test_protocol_relative_links_are_allowed_without_an_allowlist() -> None:
    assert sanitize_url("//evil.com") == "//evil.com"
    assert sanitize_url("//evil.com", context="img") == "//evil.com"


def test_https_only_rejects_http_and_protocol_relative_urls() -> None:
    policy = UrlPolicy.https_only()
    assert sanitize_url("https://a.example/", policy=policy) is not None
    assert sanitize_url("http://a.example/", policy=policy) is None
    assert sanitize_url("//a.example/", policy=policy) is None
    assert sanitize_url("http://a.example/i.png", context="img", policy=policy) is None
    assert sanitize_url("mailto:a@example.com", context="img", policy=policy) is None
    assert sanitize_url("/relative", policy=policy) == "/relative"


def test_relative_urls_can_be_switched_off() -> None:
    policy = UrlPolicy(allow_relative=False)
    for url in ("/a", "a", "?q", "#f", ""):
        assert check_url(url, policy=policy) == UrlVerdict(None, "relative_url")
    assert sanitize_url("https://a.example/", policy=policy) is not None


# ---------------------------------------------------------------------------------------
# Lengths
# ---------------------------------------------------------------------------------------


def test_long_links_are_rejected() -> None:
    url = "https://a.example/" + "a" * 9000
    assert check_url(url) == UrlVerdict(None, "url_too_long")
    assert sanitize_url(url, policy=UrlPolicy(max_length=10_000)) == url


def test_data_images_get_their_own_limit_but_not_in_links() -> None:
    big = "data:image/png;base64," + "A" * 100_000
    assert sanitize_url(big, context="img") == big
    assert check_url(big, context="href") == UrlVerdict(None, "url_too_long")
    small = UrlPolicy(max_data_url_length=1000)
    assert check_url(big, context="img", policy=small) == UrlVerdict(None, "url_too_long")


def test_enormous_input_is_rejected_before_any_work() -> None:
    assert check_url(" " * (21 * 1024 * 1024)).reason == "url_too_long"


def test_layer_upon_layer_of_encoding_is_not_worth_decoding() -> None:
    # Twelve layers of entity-encoding next to twelve of percent-encoding: the decoders can
    # interleave in 169 ways, past the bound on forms. Nobody writes such a URL.
    url = "/&" + "amp;" * 12 + "lt;%" + "25" * 12 + "41"
    assert check_url(url) == UrlVerdict(None, "invalid_url")
    assert sanitize_url("/&" + "amp;" * 3 + "lt;%" + "25" * 3 + "41") is not None


# ---------------------------------------------------------------------------------------
# The policy object
# ---------------------------------------------------------------------------------------


def test_the_default_policy_allows_what_the_docs_say() -> None:
    policy = DEFAULT_URL_POLICY
    assert policy.link_schemes == {"http", "https", "mailto", "tel", "ftp"}
    assert {"http", "https", "blob"} <= policy.image_schemes
    assert policy.allow_relative and policy.allow_data_images and policy.allow_svg_data_images
    assert policy.link_hosts is None and policy.image_hosts is None
    assert policy.data_image_types == {"png", "jpeg", "gif", "webp", "avif", "bmp", "x-icon"}
    assert policy.max_length == 8192
    assert policy.max_data_url_length == 20 * 1024 * 1024


def test_policies_are_frozen_slotted_and_hashable() -> None:
    policy = UrlPolicy()
    with pytest.raises(dataclasses.FrozenInstanceError):
        policy.allow_relative = False  # type: ignore[misc]
    assert not hasattr(policy, "__dict__")
    assert hash(policy) == hash(UrlPolicy())
    assert policy == DEFAULT_URL_POLICY


def test_policy_inputs_are_normalized() -> None:
    policy = UrlPolicy(
        link_schemes={"HTTPS", "mailto:"},  # type: ignore[arg-type]
        image_hosts=["CDN.Example.", "0x7F.1", "*.Img.Example"],  # type: ignore[arg-type]
    )
    assert policy.link_schemes == {"https", "mailto"}
    assert isinstance(policy.link_schemes, frozenset)
    assert policy.image_hosts == frozenset({"cdn.example", "127.0.0.1", "*.img.example"})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"link_schemes": frozenset({"javascript"})},
        {"image_schemes": frozenset({"data"})},
        {"link_schemes": frozenset({"vbscript"})},
        {"link_schemes": frozenset({"not a scheme"})},
        {"link_schemes": "https"},
        {"image_hosts": frozenset({"https://cdn.example"})},
        {"image_hosts": frozenset({"cdn.example:443"})},
        {"image_hosts": frozenset({"bücher.example"})},
        {"image_hosts": frozenset({"1.2.3.4.5"})},
        {"image_hosts": "cdn.example"},
        {"data_image_types": frozenset({"svg+xml"})},
        {"max_length": 0},
        {"max_data_url_length": True},
    ],
)
def test_policies_that_cannot_be_meant_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        UrlPolicy(**kwargs)  # type: ignore[arg-type]


def test_strict_images_constructor() -> None:
    policy = UrlPolicy.strict_images(hosts={"cdn.example"})
    assert policy.image_schemes == {"https"}
    assert policy.image_hosts == frozenset({"cdn.example"})
    assert not policy.allow_svg_data_images
    assert policy.link_schemes == DEFAULT_URL_POLICY.link_schemes


# ---------------------------------------------------------------------------------------
# Reporting
# ---------------------------------------------------------------------------------------


def test_reports_collect_events_in_order_and_serialize_to_json() -> None:
    report = SanitizeReport()
    assert not report and len(report) == 0
    first = report.add("/root/0", "href", "unsafe_url_scheme", "javascript: in a link")
    report.append(SanitizeEvent("/root/1", "style", "style"))
    report.extend([SanitizeEvent("/root/2", "src", "disallowed_host", "evil.example")])
    assert report and len(report) == 3
    assert report.events[0] is first
    assert [event.prop for event in report] == ["href", "style", "src"]
    assert report.to_list()[1] == {
        "path": "/root/1",
        "prop": "style",
        "reason": "style",
        "detail": "",
    }
    data = report.to_dict()
    assert data["count"] == 3
    assert data["by_reason"] == {"unsafe_url_scheme": 1, "style": 1, "disallowed_host": 1}
    assert json.loads(json.dumps(data)) == data
    assert isinstance(report.events, tuple)


def test_events_are_frozen() -> None:
    event = SanitizeEvent("/root", "href", "unsafe_url_scheme")
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.reason = "x"  # type: ignore[misc]


def test_reason_code_sets_are_stable() -> None:
    assert {
        "unsafe_url_scheme",
        "disallowed_host",
        "url_too_long",
        "invalid_data_url",
        "relative_url",
        "invalid_url",
    } == URL_REASONS
    assert {"event_handler", "raw_html", "style", "forbidden_prop", "unknown_prop"} <= PROP_REASONS


# ---------------------------------------------------------------------------------------
# Pydantic integration
# ---------------------------------------------------------------------------------------


class LinkCard(BaseModel):
    title: str
    href: SafeUrl = None
    image: ImageUrl = None
    backup: SafeUrl | None = None
    gallery: list[ImageUrl] = []


def test_url_fields_finds_every_url_typed_field() -> None:
    assert url_fields(LinkCard) == {
        "href": UrlField("href"),
        "image": UrlField("img"),
        "backup": UrlField("href"),
        "gallery": UrlField("img"),
    }


def test_url_fields_json_schema_is_a_uri_reference_string() -> None:
    props = LinkCard.model_json_schema()["properties"]
    assert props["href"]["type"] == "string" and props["href"]["format"] == "uri-reference"
    assert {"type": "string", "format": "uri-reference"} in props["backup"]["anyOf"]
    assert props["gallery"]["items"] == {"type": "string", "format": "uri-reference"}


def test_safe_urls_pass_through_normalized() -> None:
    card = LinkCard.model_validate(
        {"title": "t", "href": " https://a.example/ ", "image": PNG, "gallery": ["/a.png"]}
    )
    assert card.href == "https://a.example/"
    assert card.image == PNG
    assert card.gallery == ["/a.png"]


def test_unsafe_urls_become_none_and_are_reported_with_path_and_prop() -> None:
    report = SanitizeReport()
    card = LinkCard.model_validate(
        {"title": "t", "href": "javascript:alert(1)", "image": "data:text/html,x"},
        context=validation_context(report=report, path="/root/3"),
    )
    assert card.href is None and card.image is None
    assert [(e.path, e.prop, e.reason) for e in report] == [
        ("/root/3", "href", "unsafe_url_scheme"),
        ("/root/3", "image", "invalid_data_url"),
    ]
    assert "javascript:alert(1)" in report.events[0].detail


def test_without_a_context_unsafe_urls_still_become_none() -> None:
    card = LinkCard.model_validate({"title": "t", "href": "javascript:alert(1)"})
    assert card.href is None


def test_strict_mode_makes_an_unsafe_url_a_validation_error() -> None:
    with pytest.raises(ValidationError) as info:
        LinkCard.model_validate(
            {"title": "t", "href": "vbscript:x"}, context=validation_context(strict=True)
        )
    (error,) = info.value.errors()
    assert error["type"] == "unsafe_url"
    assert error["loc"] == ("href",)
    assert error["ctx"]["reason"] == "unsafe_url_scheme"


def test_the_policy_comes_from_the_validation_context() -> None:
    report = SanitizeReport()
    context = validation_context(policy=UrlPolicy.https_only(), report=report, path="/root")
    card = LinkCard.model_validate({"title": "t", "href": "http://a.example/"}, context=context)
    assert card.href is None
    assert report.events[0].reason == "unsafe_url_scheme"
    plain = {"genui_url_policy": UrlPolicy.https_only()}  # the raw keys work too
    assert LinkCard.model_validate({"title": "t", "href": "http://a/"}, context=plain).href is None


def test_a_wrong_policy_object_in_the_context_is_a_programming_error() -> None:
    with pytest.raises(TypeError):
        LinkCard.model_validate(
            {"title": "t", "href": "https://a/"}, context={"genui_url_policy": "strict"}
        )


@pytest.mark.parametrize("value", [1, 2.5, b"https://a.example/", ["https://a.example/"], {}])
def test_non_string_urls_are_ordinary_type_errors(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        LinkCard.model_validate({"title": "t", "href": value})
    assert info.value.errors()[0]["type"] == "string_type"


def test_url_types_work_from_json_too() -> None:
    card = LinkCard.model_validate_json('{"title": "t", "href": "java\\tscript:x", "image": null}')
    assert card.href is None and card.image is None


# ---------------------------------------------------------------------------------------
# Prop and attribute names
# ---------------------------------------------------------------------------------------

FORBIDDEN_NAMES = {
    "onclick": "event_handler",
    "onClick": "event_handler",
    "ONLOAD": "event_handler",
    " onerror ": "event_handler",
    "\x00onclick\x1f": "event_handler",
    "on\u200bclick": "event_handler",
    "\uff2f\uff2eclick": "event_handler",  # fullwidth ON
    "on:click": "event_handler",
    "on_click": "event_handler",
    "@click": "event_handler",
    "(click)": "event_handler",
    "v-on:click": "event_handler",
    "x-on:click": "event_handler",
    "hx-on:click": "event_handler",
    "hx-on::after-request": "event_handler",
    "data-hx-on-click": "event_handler",
    "style": "style",
    "STYLE": "style",
    " style\t": "style",
    "\u017ftyle": "style",  # long s case-folds to s
    "dangerouslySetInnerHTML": "raw_html",
    "innerHTML": "raw_html",
    "inner_html": "raw_html",
    "outerHTML": "raw_html",
    "srcdoc": "raw_html",
    "srcDoc": "raw_html",
    "v-html": "raw_html",
    "x-html": "raw_html",
    "action": "forbidden_attribute",
    "formaction": "forbidden_attribute",
    "formAction": "forbidden_attribute",
    "http-equiv": "forbidden_attribute",
    "xmlns:xlink": "forbidden_attribute",
    "xml:base": "forbidden_attribute",
    ":href": "forbidden_attribute",
    "[href]": "forbidden_attribute",
    "*ngIf": "forbidden_attribute",
    "x-data": "forbidden_attribute",
    "hx-get": "forbidden_attribute",
    "ng-bind-html": "forbidden_attribute",
    "__proto__": "forbidden_prop",
    "constructor": "forbidden_prop",
    "prototype": "forbidden_prop",
    "__class__": "forbidden_prop",
    "": "forbidden_prop",
    "   ": "forbidden_prop",
    'title" x="': "forbidden_prop",
    "a b": "forbidden_prop",
    "a=b": "forbidden_prop",
    "a/b": "forbidden_prop",
}


@pytest.mark.parametrize(("name", "reason"), FORBIDDEN_NAMES.items(), ids=repr)
def test_forbidden_prop_names_are_caught_with_a_reason(name: str, reason: str) -> None:
    assert forbidden_prop_reason(name) == reason
    assert reason in PROP_REASONS


@pytest.mark.parametrize(
    "name",
    [
        "title",
        "label",
        "href",
        "src",
        "alt",
        "variant",
        "children",
        "content",
        "open",
        "color",
        "icon",
        "aria-label",
        "data-id",
        "xlabel",
        "button",
        "value",
        "items",
        "no",
    ],
)
def test_ordinary_prop_names_pass(name: str) -> None:
    assert forbidden_prop_reason(name) is None


def test_a_name_longer_than_the_cap_is_refused_without_being_normalized(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    normalize = unicodedata.normalize

    def recording(form: Any, text: str) -> str:
        seen.append(len(text))
        return normalize(form, text)

    monkeypatch.setattr(unicodedata, "normalize", recording)
    assert forbidden_prop_reason("a" * MAX_PROP_NAME_LENGTH) is None
    assert forbidden_prop_reason("a" * (MAX_PROP_NAME_LENGTH + 1)) == "forbidden_prop"
    assert forbidden_prop_reason("\ufdfa" * 1_000_000) == "forbidden_prop"  # NFKC: 18 chars each
    spec = {"root": {"component": "Text", "props": {"text": "x", "\ufdfa" * 100_000: 1}}}
    result = validate(spec)
    assert [error.code for error in result.errors] == ["forbidden_prop"]
    assert max(seen) <= MAX_PROP_NAME_LENGTH


@pytest.mark.parametrize("size", [200_000, 400_000])
def test_a_long_url_encoded_many_ways_over_costs_memory_linear_in_its_length(size: int) -> None:
    """Each decoding of ``%2525...41`` peels one layer: 127 forms as long as the URL.

    They used to be kept all (and the raw text's too), 128 copies of a 20 MB data URL; the
    forms' characters are now capped at 16 times the URL's (+ 64 Ki), so the peak is too.
    """
    group = "%" + "25" * 126 + "41"
    url = "data:image/png;base64," + group * (size // len(group))
    tracemalloc.start()
    try:
        verdict = check_url(url, context="img")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert verdict.reason == "invalid_url"
    assert peak < 24 * len(url) + 2_000_000


def test_a_long_plain_data_image_url_has_one_form_and_passes() -> None:
    url = "data:image/png;base64," + "QUFB" * 250_000
    assert check_url(url, context="img").url == url


def test_words_starting_with_on_are_treated_as_handlers_on_purpose() -> None:
    # "online" or "one" cannot be told apart from an event name by a rule; name such props
    # differently ("is_online", "first").
    assert forbidden_prop_reason("online") == "event_handler"


@pytest.mark.parametrize(
    "attr",
    [
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "poster",
        "xlink:href",
        "cite",
        "data",
        "ping",
        "background",
        "HREF",
        " Src ",
        "XLink:Href",
    ],
)
def test_url_attributes_are_recognized(attr: str) -> None:
    assert is_url_attribute(attr)


@pytest.mark.parametrize(
    "attr", ["title", "alt", "class", "id", "data-genui-path", "datasrc", "hreflang", "\u017frc"]
)
def test_other_attributes_are_not_url_attributes(attr: str) -> None:
    assert not is_url_attribute(attr)


def test_the_design_doc_url_attributes_are_all_listed() -> None:
    design = {
        "href",
        "src",
        "srcset",
        "action",
        "formaction",
        "poster",
        "xlink:href",
        "cite",
        "data",
        "ping",
        "background",
    }
    assert design <= URL_ATTRIBUTES


def test_css_tokens() -> None:
    class Box(BaseModel):
        tone: CssToken = "plain"

    assert Box(tone="info-2_b").tone == "info-2_b"
    for bad in ["", "a b", "x;color:red", "a" * 65, "ä", "a\n", "}"]:
        assert not is_css_token(bad)
        with pytest.raises(ValidationError):
            Box(tone=bad)
    assert is_css_token("a" * 64) and not is_css_token(3)


@pytest.mark.parametrize(
    "url",
    [
        "\t\tjavascript&#x3a\t\talert(1)",
        "javascript&#x3a\nalert(1)",
        "javascript&#58\r\nalert(1)",
        "java&#x73\tcript:alert(1)",
        "&#x6a\tavascript:alert(1)",
    ],
)
def test_references_are_decoded_before_tabs_and_newlines_are_dropped(url: str) -> None:
    # The HTML attribute parser decodes "&#x3a" before the URL parser strips the tabs:
    # decoding after stripping would read "&#x3aa" as U+03AA and miss the colon.
    assert sanitize_url(url) is None
    assert sanitize_url(url, context="img") is None
