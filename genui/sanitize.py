r"""URL and attribute policy: what an untrusted spec may put into a URL or name as a prop.

Threat model. The spec comes from an AI agent, and whoever can reach the agent's input
(a web page it read, a document, a user) may be steering it. Jinja2 autoescape already
stops a value from breaking out of its attribute, so what is left for an attacker is the
*meaning* of an attribute value: a ``javascript:`` (or ``vbscript:``, ``data:text/html``)
URL runs script when a link is followed, a link can point a person at a phishing host,
and an image URL is a request the page makes on the reader's behalf (tracking, or worse
when the host is not trusted). Props named like event handlers (``onclick``), ``style``,
``srcdoc`` or ``dangerouslySetInnerHTML`` must never reach a template, whatever model a
component declares.

The URL decision follows how browsers parse a URL (the WHATWG URL standard), and then
adds strictness where a browser and some other consumer could disagree:

* leading and trailing C0 controls and spaces are stripped, ASCII tab/LF/CR removed
  anywhere, and the scheme compared case-insensitively (ASCII only) -- as browsers do;
* the decision is also made on every form the value takes when HTML character references
  (``&colon;``, ``&#x6A``, ``&Tab;``, and named ones in any case) or percent-escapes are
  decoded, or controls and zero-width characters dropped, repeatedly: a value passes only if
  *every* form passes, so a consumer that decodes twice (or leniently) gains nothing;
* a ``:`` before the first ``/``, ``?`` or ``#`` whose prefix is not a well-formed scheme
  (``java\x00script:``, ``%6Aavascript:``, ``not_javascript:``) is rejected, although a
  browser would read it as a harmless relative path: nobody writes such URLs on purpose;
* ``//host``, ``\\host`` and ``/\host`` are network-path references to another host, and
  ``http:host`` may mean ``http://host``; host allowlists see the host a browser would use;
* ``data:`` is accepted only as a strict base64 ``data:image/<type>`` in the image context;
* ``srcset`` values are split like the HTML parser splits them and checked per candidate.

The URL that is emitted is the browser-normalized one (stripped, tab/LF/CR removed, any
remaining control or noncharacter percent-encoded, as a URL parser would), never the
entity-decoded one: the template escapes it, so the browser sees exactly what was checked.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from html.entities import html5 as html5_entities
from typing import Annotated, Any, Final, Literal, NamedTuple, get_args, get_origin
from urllib.parse import unquote

from pydantic import (
    AfterValidator,
    BaseModel,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic import Strict as _Strict
from pydantic_core import PydanticCustomError

from genui.limits import CONTEXT_LIMITS, DEFAULT_LIMITS, Limits

__all__ = [
    "CONTEXT_PATH",
    "CONTEXT_POLICY",
    "CONTEXT_REPORT",
    "CONTEXT_STRICT",
    "DEFAULT_URL_POLICY",
    "MAX_PROP_NAME_LENGTH",
    "PROP_REASONS",
    "URL_ATTRIBUTES",
    "URL_REASONS",
    "CssToken",
    "ImageUrl",
    "SafeUrl",
    "SanitizeEvent",
    "SanitizeReport",
    "UrlContext",
    "UrlField",
    "UrlPolicy",
    "UrlVerdict",
    "check_srcset",
    "check_url",
    "forbidden_prop_reason",
    "is_css_token",
    "is_url_attribute",
    "sanitize_srcset",
    "sanitize_url",
    "screen_url",
    "url_fields",
    "validation_context",
]

UrlContext = Literal["href", "img"]
"""Where a URL is used: ``"href"`` for things a person navigates to (links, and by extension
``action``/``formaction``/``cite``/``ping``), ``"img"`` for things the page loads as an image
(``src``, ``srcset`` candidates, ``poster``)."""

URL_REASONS: Final[frozenset[str]] = frozenset(
    {
        "unsafe_url_scheme",
        "disallowed_host",
        "url_too_long",
        "invalid_data_url",
        "relative_url",
        "invalid_url",
    }
)
"""Reason codes :func:`check_url` can give for rejecting a URL.

* ``unsafe_url_scheme`` -- the scheme is not allowed in this context (``javascript:``,
  ``data:`` in a link, ``blob:`` in a link...), or the value has a ``:`` before any ``/``,
  ``?``, ``#`` without a well-formed scheme in front of it (``java\\x00script:``).
* ``disallowed_host`` -- a host allowlist applies and the host is not on it (or cannot be
  parsed, or is not ASCII: write internationalized hosts in their ``xn--`` form).
* ``url_too_long`` -- longer than the policy's limit.
* ``invalid_data_url`` -- a ``data:`` URL in the image context that is not exactly
  ``data:image/<allowed type>;base64,<base64>``.
* ``relative_url`` -- relative URLs are switched off by the policy.
* ``invalid_url`` -- not a string, contains a lone surrogate, or is encoded too many times over.
"""

PROP_REASONS: Final[frozenset[str]] = frozenset(
    {
        "event_handler",
        "raw_html",
        "style",
        "forbidden_attribute",
        "forbidden_prop",
        "unknown_prop",
        "invalid_prop",
        "children_not_allowed",
        "unknown_component",
    }
)
"""Reason codes for props and nodes. :func:`forbidden_prop_reason` returns the first five;
``unknown_prop`` (not declared by the component's model) and ``invalid_prop`` (fails the
model) are recorded by the renderer when it drops props, ``children_not_allowed`` when it
drops children outside a component's content model, and ``unknown_component`` when a
fallback stands in for a name the registry does not have."""

CONTEXT_POLICY: Final = "genui_url_policy"
"""Pydantic validation-context key holding the :class:`UrlPolicy` to apply."""
CONTEXT_REPORT: Final = "genui_report"
"""Pydantic validation-context key holding the :class:`SanitizeReport` that collects events."""
CONTEXT_PATH: Final = "genui_path"
"""Pydantic validation-context key holding the JSON Pointer of the node being validated."""
CONTEXT_STRICT: Final = "genui_strict"
"""Pydantic validation-context key: when true, an unsafe URL is a validation error."""

# --------------------------------------------------------------------------------------
# The policy
# --------------------------------------------------------------------------------------

_SCHEME_SYNTAX = re.compile(r"[a-z][a-z0-9+.\-]*", re.ASCII)
_SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha", "data"})
_RASTER_TYPES = frozenset({"png", "jpeg", "gif", "webp", "avif", "bmp", "x-icon"})
_HOST_ENTRY = re.compile(r"(?:\*\.)?[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*\.?|\[[0-9a-f:.]+\]", re.ASCII)


def _scheme_set(name: str, schemes: Iterable[str]) -> frozenset[str]:
    if isinstance(schemes, str):
        raise TypeError(f"UrlPolicy.{name} must be a collection of schemes, not a string")
    result: set[str] = set()
    for scheme in schemes:
        lowered = str(scheme).strip().lower().removesuffix(":")
        if not _SCHEME_SYNTAX.fullmatch(lowered):
            raise ValueError(f"UrlPolicy.{name}: {scheme!r} is not a URL scheme")
        if lowered in _SCRIPT_SCHEMES or lowered.endswith("script"):
            raise ValueError(
                f"UrlPolicy.{name}: {lowered!r} can never be allowed"
                + (" (use allow_data_images for data: images)" if lowered == "data" else "")
            )
        result.add(lowered)
    return frozenset(result)


def _host_set(name: str, hosts: Iterable[str] | None) -> frozenset[str] | None:
    if hosts is None:
        return None
    if isinstance(hosts, str):
        raise TypeError(f"UrlPolicy.{name} must be a collection of hosts, not a string")
    result: set[str] = set()
    for entry in hosts:
        text = str(entry).strip().lower()
        if not text.isascii() or not _HOST_ENTRY.fullmatch(text):
            raise ValueError(
                f"UrlPolicy.{name}: {entry!r} is not a host name (give bare ASCII hosts such as"
                " 'cdn.example.com' or '*.example.com'; internationalized names in xn-- form)"
            )
        wildcard = text.startswith("*.")
        canonical = _canonical_host(text[2:] if wildcard else text)
        if canonical is None or (wildcard and canonical.startswith("[")):
            raise ValueError(f"UrlPolicy.{name}: {entry!r} is not a valid host")
        canonical = canonical.removesuffix(".")
        result.add("*." + canonical if wildcard else canonical)
    return frozenset(result)


@dataclass(frozen=True, slots=True)
class UrlPolicy:
    """Which URLs may be emitted, per context. Immutable; build variants with the constructors.

    Scheme names are given without the colon and compared case-insensitively. Script
    schemes (``javascript``, ``vbscript``...) and ``data`` cannot be put into the scheme sets:
    ``data:`` images have their own switches below, and nothing allows ``data:`` in a link.
    """

    link_schemes: frozenset[str] = frozenset({"http", "https", "mailto", "tel", "ftp"})
    """Schemes a link (``href`` context) may use. ``ftp`` is in the default because every
    reference sanitizer keeps it and navigating to it cannot run script."""
    image_schemes: frozenset[str] = frozenset({"http", "https", "blob", "ftp", "mailto", "tel"})
    """Schemes an image (``img`` context) may be loaded from. ``ftp``, ``mailto`` and ``tel``
    are in the default only so that a URL that is fine as a link is not dropped as an image:
    a browser never loads or runs anything from them in ``<img src>`` (the fetch is a network
    error). :meth:`strict_images` and :meth:`https_only` leave them out. ``blob:`` URLs name
    an object the page itself created; they make no request and no host list applies."""
    allow_relative: bool = True
    """Accept relative references (``/a``, ``a/b``, ``?q``, ``#frag``, and the empty string),
    which stay on the page's own origin. Network-path references (``//host/x``) are not
    relative in this sense: they are accepted when both ``http`` and ``https`` are allowed
    in the context, and checked against the host allowlist."""
    link_hosts: frozenset[str] | None = None
    """When set, absolute ``http``/``https``/``ftp`` links and ``//host`` references must name
    one of these hosts (ASCII, case-insensitive; ``*.example.com`` matches any subdomain of
    ``example.com`` but not ``example.com`` itself). ``None`` means any host."""
    image_hosts: frozenset[str] | None = None
    """Like :attr:`link_hosts`, for images. Relative image URLs remain allowed (same origin)
    unless :attr:`allow_relative` is false."""
    allow_data_images: bool = True
    """Accept ``data:image/<type>;base64,...`` in the image context (never in links)."""
    data_image_types: frozenset[str] = _RASTER_TYPES
    """Raster ``image/`` subtypes a ``data:`` image may declare."""
    allow_svg_data_images: bool = True
    """Also accept base64 ``data:image/svg+xml`` images. ``<img>`` renders SVG as an image
    with scripts disabled, so this is safe for images; it is never accepted in links."""
    max_length: int = 8 * 1024
    """Longest URL accepted (after normalization), except ``data:`` images."""
    max_data_url_length: int = 20 * 1024 * 1024
    """Longest ``data:`` image URL accepted in the image context."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "link_schemes", _scheme_set("link_schemes", self.link_schemes))
        object.__setattr__(self, "image_schemes", _scheme_set("image_schemes", self.image_schemes))
        object.__setattr__(self, "link_hosts", _host_set("link_hosts", self.link_hosts))
        object.__setattr__(self, "image_hosts", _host_set("image_hosts", self.image_hosts))
        if isinstance(self.data_image_types, str):
            raise TypeError("UrlPolicy.data_image_types must be a collection, not a string")
        types = frozenset(str(kind).strip().lower() for kind in self.data_image_types)
        for kind in types:
            if not re.fullmatch(r"[a-z0-9][a-z0-9.+\-]*", kind, re.ASCII) or "svg" in kind:
                raise ValueError(
                    f"UrlPolicy.data_image_types: {kind!r} is not a raster image subtype"
                    " (SVG is governed by allow_svg_data_images)"
                )
        object.__setattr__(self, "data_image_types", types)
        for name in ("max_length", "max_data_url_length"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"UrlPolicy.{name} must be a positive int, got {value!r}")

    @classmethod
    def https_only(cls, *, allow_data_images: bool = True) -> UrlPolicy:
        """Links over ``https:`` (plus ``mailto:``/``tel:``), images over ``https:`` only.

        Protocol-relative ``//host`` references are rejected too, since on a page served over
        ``http:`` they would resolve to ``http:``. Relative URLs stay allowed.
        """
        return cls(
            link_schemes=frozenset({"https", "mailto", "tel"}),
            image_schemes=frozenset({"https"}),
            allow_data_images=allow_data_images,
        )

    @classmethod
    def strict_images(
        cls,
        *,
        hosts: Iterable[str],
        allow_data_images: bool = True,
        allow_relative: bool = True,
    ) -> UrlPolicy:
        """Images only from ``https://`` on the given hosts (or same-origin relative URLs).

        Base64 raster ``data:`` images stay allowed unless ``allow_data_images`` is false (they
        make no request); SVG ``data:`` images and ``blob:`` URLs are not. Links keep the
        default policy.
        """
        return cls(
            image_schemes=frozenset({"https"}),
            image_hosts=frozenset(hosts),
            allow_data_images=allow_data_images,
            allow_svg_data_images=False,
            allow_relative=allow_relative,
        )


# --------------------------------------------------------------------------------------
# Parsing helpers (WHATWG-style)
# --------------------------------------------------------------------------------------

_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_AND_NEWLINES = {0x09: None, 0x0A: None, 0x0D: None}
_SCHEME_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):", re.ASCII)
_NEEDS_ESCAPE = re.compile(
    "[\x00-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
    + "]"
)
_DATA_IMAGE_HEAD = re.compile(r"data:image/([a-z0-9.+\-]+);base64,", re.ASCII | re.IGNORECASE)
_BASE64_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_DATA_PREFIX = re.compile(r"data:", re.ASCII | re.IGNORECASE)
_SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
_FORBIDDEN_HOST_CHARS = frozenset(
    "\x00\t\n\r #/:<>?@[\\]^|%\x7f" + "".join(chr(code) for code in range(0x20))
)
_MAX_FORMS = 128
_FORM_CHARS_PER_CHAR = 16
_FORM_CHARS_FLOOR = 64 * 1024
"""The decoded forms of a URL hold at most ``16 * len(url) + 64 Ki`` characters together: a
10 MB image URL encoded many ways over is refused instead of kept 128 times (2.5 GB)."""


def _browser_normalize(text: str) -> str:
    """Strip C0 controls and spaces at both ends and drop tab/LF/CR, as URL parsers do."""
    return text.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINES)


def _percent_decode(text: str) -> str:
    """Decode ``%XX`` escapes as UTF-8 (invalid sequences become U+FFFD)."""
    return unquote(text, errors="replace")


def _build_folded_entities() -> dict[str, str]:
    folded: dict[str, str] = {}
    for name, value in sorted(html5_entities.items()):
        if name.endswith(";") and (name.islower() or name.lower() not in folded):
            folded[name.lower()] = value
    return folded


_FOLDED_ENTITIES: Final = _build_folded_entities()
_NAMED_REFERENCE = re.compile(r"&([A-Za-z][A-Za-z0-9]{0,31};)")
_INVISIBLE = dict.fromkeys(
    [*range(0x20), 0x7F, 0xAD, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F)]
)
_INVISIBLE.update(dict.fromkeys([*range(0x2060, 0x2065), 0xFEFF]))


def _unescape_any_case(text: str) -> str:
    """Decode named references case-insensitively (``&COLON;``), as some sanitizers do."""
    if "&" not in text:
        return text
    return _NAMED_REFERENCE.sub(
        lambda match: _FOLDED_ENTITIES.get(match.group(1).lower(), match.group()), text
    )


def _drop_invisible(text: str) -> str:
    """Remove controls and zero-width characters anywhere, as lenient parsers have done."""
    if text.isascii() and text.isprintable():
        return text
    return text.translate(_INVISIBLE)


_DECODERS: Final = (html.unescape, _percent_decode, _unescape_any_case, _drop_invisible)


def _decision_forms(literal: str) -> list[str] | None:
    r"""Return the literal and every distinct form reached by decoding it, repeatedly.

    The decoders are: HTML character references (as browsers decode them, and also with
    names matched case-insensitively), percent-escapes, and removal of controls and
    zero-width characters (``javasc&#\x00x09;ript:`` is ``javascript:`` to a parser that
    drops NUL before decoding).

    Each decoding step shortens a string it changes, so this terminates; the count and
    the characters kept are capped anyway (``_MAX_FORMS``, ``_FORM_CHARS_PER_CHAR``), and
    ``None`` means "encoded too many ways over".
    """
    forms = [literal]
    seen = {literal}
    budget = _FORM_CHARS_PER_CHAR * len(literal) + _FORM_CHARS_FLOOR - len(literal)
    index = 0
    while index < len(forms):
        current = forms[index]
        index += 1
        for decoder in _DECODERS:
            decoded = decoder(current)
            if decoded == current:
                continue
            normalized = _browser_normalize(decoded)
            if normalized not in seen:
                budget -= len(normalized)
                if len(forms) >= _MAX_FORMS or budget < 0:
                    return None
                seen.add(normalized)
                forms.append(normalized)
    return forms


def _ipv4_number(part: str) -> int | None:
    radix = 10
    if part[:2] in ("0x", "0X"):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if part == "":
        return 0
    digits = {10: "0123456789", 8: "01234567", 16: "0123456789abcdefABCDEF"}[radix]
    if any(char not in digits for char in part):
        return None
    part = part.lstrip("0") or "0"
    if len(part) > 16:  # far beyond 2**32: a browser fails on it too
        return None
    return int(part, radix)


def _ends_in_number(host: str) -> bool:
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    if last and all(char in "0123456789" for char in last):
        return True
    return last[:2] in ("0x", "0X") and all(char in "0123456789abcdefABCDEF" for char in last[2:])


def _parse_ipv4(host: str) -> str | None:
    """WHATWG IPv4 parser (decimal, octal, hex, 1-4 parts); canonical dotted quad or None."""
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4 or any(part == "" for part in parts):
        return None
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(number > 255 for number in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    address = numbers[-1]
    for position, number in enumerate(numbers[:-1]):
        address += number * 256 ** (3 - position)
    return ".".join(str((address >> shift) & 0xFF) for shift in (24, 16, 8, 0))


def _canonical_host(raw: str) -> str | None:
    """Return the ASCII host a browser would contact for ``raw`` (None: failure/not ASCII)."""
    if raw.startswith("["):
        if not re.fullmatch(r"\[[0-9A-Fa-f:.]+\]", raw):
            return None
        return raw.lower()
    decoded = _percent_decode(raw)
    if not decoded or not decoded.isascii() or any(c in _FORBIDDEN_HOST_CHARS for c in decoded):
        return None
    host = decoded.lower()
    if _ends_in_number(host):
        return _parse_ipv4(host)
    return host


def _authority_host(after_scheme: str) -> str | None:
    r"""Return the host of a special URL given what follows ``scheme:`` (or a ``//`` reference).

    Like a browser: any run of ``/`` and ``\`` is skipped, the authority ends at ``/``,
    ``\``, ``?`` or ``#``, userinfo ends at its last ``@``, and the port must be digits.
    """
    text = after_scheme.lstrip("/\\")
    end = len(text)
    for position, char in enumerate(text):
        if char in "/\\?#":
            end = position
            break
    hostport = text[:end].rpartition("@")[2]
    if hostport.startswith("["):
        host, bracket, port = hostport.partition("]")
        host += bracket
        if port and not port.startswith(":"):
            return None
        port = port[1:]
    else:
        host, _, port = hostport.partition(":")
    if port and not (port.isascii() and port.isdigit() and len(port.lstrip("0")) <= 5):
        return None
    if port and int(port.lstrip("0") or "0") > 65535:
        return None
    return _canonical_host(host)


def _host_allowed(host: str | None, allowed: frozenset[str]) -> bool:
    if host is None:
        return False
    host = host.removesuffix(".")
    if host in allowed:
        return True
    return any(
        entry.startswith("*.") and host.endswith(entry[1:]) and len(host) > len(entry) - 1
        for entry in allowed
    )


def _check_data_url(form: str, context: UrlContext, policy: UrlPolicy) -> str | None:
    if context != "img" or not policy.allow_data_images:
        return "unsafe_url_scheme"
    match = _DATA_IMAGE_HEAD.match(form)
    if match is None:
        return "invalid_data_url"
    subtype, payload = match.group(1).lower(), form[match.end() :]
    if subtype == "svg+xml":
        if not policy.allow_svg_data_images:
            return "invalid_data_url"
    elif subtype not in policy.data_image_types:
        return "invalid_data_url"
    # What a browser's forgiving-base64 decoder accepts (whitespace aside): padding, if
    # present, completes a multiple of four; without it, a length of 4n+1 cannot decode.
    data = payload.rstrip("=")
    padding = len(payload) - len(data)
    if not data or padding > 2 or (len(payload) % 4 != 0 if padding else len(data) % 4 == 1):
        return "invalid_data_url"
    if not data.isascii() or data.encode("ascii").translate(None, _BASE64_ALPHABET):
        return "invalid_data_url"
    return None


def _check_form(form: str, context: UrlContext, policy: UrlPolicy) -> str | None:
    """Reason to reject one (already normalized) form of the URL, or None."""
    schemes = policy.link_schemes if context == "href" else policy.image_schemes
    hosts = policy.link_hosts if context == "href" else policy.image_hosts
    match = _SCHEME_PREFIX.match(form)
    if match is not None:
        scheme = match.group(1).lower()
        if scheme == "data":
            return _check_data_url(form, context, policy)
        if scheme not in schemes:
            return "unsafe_url_scheme"
        # ``http:host`` and ``http:\\host`` also reach ``host`` (unless the page has the same
        # scheme, in which case they are same-origin paths): check the host either way.
        if (
            hosts is not None
            and scheme in _SPECIAL_SCHEMES
            and not _host_allowed(_authority_host(form[match.end() :]), hosts)
        ):
            return "disallowed_host"
        return None
    if form[:2] in ("//", "\\\\", "/\\", "\\/"):
        # A network-path reference: another host, over whatever scheme the page has.
        if not {"http", "https"} <= schemes:
            return "unsafe_url_scheme"
        if hosts is not None and not _host_allowed(_authority_host(form), hosts):
            return "disallowed_host"
        return None
    colon = form.find(":")
    if colon != -1:
        delimiters = [index for index in map(form.find, "/?#") if index != -1]
        if not delimiters or colon < min(delimiters):
            return "unsafe_url_scheme"  # something that is almost a scheme
    if not policy.allow_relative:
        return "relative_url"
    return None


def _escape_controls(text: str) -> str:
    if text.isascii() and text.isprintable():
        return text
    return _NEEDS_ESCAPE.sub(
        lambda match: "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8")), text
    )


# --------------------------------------------------------------------------------------
# Public URL API
# --------------------------------------------------------------------------------------

DEFAULT_URL_POLICY: Final = UrlPolicy()
"""The policy used when none is given: see the defaults of :class:`UrlPolicy`."""


class UrlVerdict(NamedTuple):
    """Outcome of :func:`check_url`: exactly one of the two fields is None."""

    url: str | None
    """The URL to emit (browser-normalized), or None when it must not be emitted."""
    reason: str | None
    """Why it was rejected (one of :data:`URL_REASONS`), or None when accepted."""


def _reject(reason: str) -> UrlVerdict:
    return UrlVerdict(None, reason)


def check_url(
    url: object, *, context: UrlContext = "href", policy: UrlPolicy | None = None
) -> UrlVerdict:
    """Decide whether ``url`` may be emitted in ``context`` under ``policy``, and why not.

    Never raises because of ``url``: anything that is not a string is rejected with
    ``invalid_url``. Raises :class:`ValueError` for an unknown ``context`` and
    :class:`TypeError` for a ``policy`` that is not a :class:`UrlPolicy` (programming errors).
    """
    if context not in ("href", "img"):
        raise ValueError(f"unknown URL context {context!r} (expected 'href' or 'img')")
    if policy is None:
        policy = DEFAULT_URL_POLICY
    elif not isinstance(policy, UrlPolicy):
        raise TypeError(f"policy must be a UrlPolicy, got {type(policy).__name__}")
    if not isinstance(url, str):
        return _reject("invalid_url")
    try:
        return _check_text(str.__str__(url), context, policy)
    except Exception:  # fail closed: a bug here must not let a URL through
        return _reject("invalid_url")


def _check_text(text: str, context: UrlContext, policy: UrlPolicy) -> UrlVerdict:
    if len(text) > max(policy.max_length, policy.max_data_url_length):
        return _reject("url_too_long")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no browser-equivalent string exists
        return _reject("invalid_url")
    literal = _browser_normalize(text)
    is_data_image = (
        context == "img" and policy.allow_data_images and _DATA_PREFIX.match(literal) is not None
    )
    if len(literal) > (policy.max_data_url_length if is_data_image else policy.max_length):
        return _reject("url_too_long")
    # Browsers decode character references in the attribute *before* the URL parser
    # drops tabs and newlines, so decode the raw text too: "&#x3a\t\ta" is ":" + "a",
    # while the tab-stripped "&#x3aa" would be U+03AA.
    forms = _decision_forms(literal)
    raw_forms = _decision_forms(text) if text != literal else [text]
    if forms is None or raw_forms is None:
        return _reject("invalid_url")
    for form in (*forms, *raw_forms[1:]):  # raw_forms[0] is the undecoded text itself
        reason = _check_form(form, context, policy)
        if reason is not None:
            return _reject(reason)
    return UrlVerdict(_escape_controls(literal), None)


def sanitize_url(
    url: object, *, context: UrlContext = "href", policy: UrlPolicy | None = None
) -> str | None:
    """Return the URL to emit for ``url`` in ``context``, or None when it must not be emitted.

    The result is browser-normalized (no leading/trailing controls or spaces, no tab/LF/CR,
    other controls percent-encoded) but otherwise as given -- it is not entity-decoded, so
    it must still go through HTML escaping like any other attribute value. Sanitizing the
    result again returns it unchanged. See :func:`check_url` for the reason of a rejection.
    """
    return check_url(url, context=context, policy=policy).url


_HTML_SPACE = " \t\n\x0c\r"
_SRCSET_DESCRIPTOR = re.compile(r"[1-9][0-9]{0,5}w|(?:[0-9]{1,3}(?:\.[0-9]{1,3})?|\.[0-9]{1,3})x")
_MAX_SRCSET_CANDIDATES = 32


def check_srcset(value: object, *, policy: UrlPolicy | None = None) -> UrlVerdict:
    """Check a ``srcset`` value candidate by candidate (image context); see :func:`check_url`.

    Candidates are split the way the HTML ``srcset`` parser splits them. Each URL must pass
    :func:`check_url` in the ``img`` context and each may carry at most one width (``480w``)
    or density (``2x``) descriptor. Any bad candidate rejects the whole value, with that
    candidate's reason (``invalid_url`` for a malformed descriptor or list). The value
    emitted is rebuilt from the checked URLs as ``"url 1x, url 2x"``.
    """
    if policy is None:
        policy = DEFAULT_URL_POLICY
    if not isinstance(value, str):
        return _reject("invalid_url")
    if len(value) > max(policy.max_length, policy.max_data_url_length):
        return _reject("url_too_long")
    candidates: list[str] = []
    position, end = 0, len(value)
    while True:
        while position < end and (value[position] in _HTML_SPACE or value[position] == ","):
            position += 1
        if position >= end:
            break
        start = position
        while position < end and value[position] not in _HTML_SPACE:
            position += 1
        url = value[start:position]
        descriptors: list[str] = []
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth, token = 0, ""
            while position < end:
                char = value[position]
                position += 1
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth -= 1
                elif char == "," and depth <= 0:
                    break
                if char in _HTML_SPACE and depth <= 0:
                    if token:
                        descriptors.append(token)
                    token = ""
                else:
                    token += char
            if token:
                descriptors.append(token)
        if len(descriptors) > 1 or not all(map(_SRCSET_DESCRIPTOR.fullmatch, descriptors)):
            return _reject("invalid_url")
        verdict = check_url(url, context="img", policy=policy)
        if verdict.url is None:
            return verdict
        # Normalization may expose a comma at either end ("\x01,//evil.example"): the browser
        # would then split the candidate differently from what was checked.
        if not verdict.url or {verdict.url[0], verdict.url[-1]} & set(_HTML_SPACE + ","):
            return _reject("invalid_url")
        candidates.append(" ".join([verdict.url, *descriptors]))
        if len(candidates) > _MAX_SRCSET_CANDIDATES:
            return _reject("invalid_url")
    if not candidates:
        return _reject("invalid_url")
    return UrlVerdict(", ".join(candidates), None)


def sanitize_srcset(value: object, *, policy: UrlPolicy | None = None) -> str | None:
    """Return a ``srcset`` value to emit, or None; see :func:`check_srcset`."""
    return check_srcset(value, policy=policy).url


# --------------------------------------------------------------------------------------
# Reporting
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SanitizeEvent:
    """One value that sanitization dropped, and why."""

    path: str
    """JSON Pointer of the spec node whose prop was dropped (``""`` is the root)."""
    prop: str
    """Name of the prop (the model field) that held the value."""
    reason: str
    """Stable code: one of :data:`URL_REASONS` or :data:`PROP_REASONS`."""
    detail: str = ""
    """Human-readable explanation, suitable for showing to the agent that produced the spec."""

    def to_dict(self) -> dict[str, str]:
        """Return the event as a plain JSON-ready dict."""
        return asdict(self)


class SanitizeReport:
    """Collects :class:`SanitizeEvent` s while a spec is validated or rendered.

    Not thread-safe: use one report per validation/render.
    """

    __slots__ = ("_events",)

    def __init__(self, events: Iterable[SanitizeEvent] = ()) -> None:
        self._events: list[SanitizeEvent] = list(events)

    def __repr__(self) -> str:
        return f"SanitizeReport({self._events!r})"

    def add(self, path: str, prop: str, reason: str, detail: str = "") -> SanitizeEvent:
        """Record one dropped value and return the event."""
        event = SanitizeEvent(path=path, prop=prop, reason=reason, detail=detail)
        self._events.append(event)
        return event

    def append(self, event: SanitizeEvent) -> None:
        """Record an already-built event."""
        self._events.append(event)

    def extend(self, events: Iterable[SanitizeEvent]) -> None:
        """Record several events (e.g. another report's)."""
        self._events.extend(events)

    @property
    def events(self) -> tuple[SanitizeEvent, ...]:
        """Every event so far, in the order recorded."""
        return tuple(self._events)

    def events_since(self, start: int) -> tuple[SanitizeEvent, ...]:
        """The events recorded after the first ``start`` (cheap: copies only those)."""
        return tuple(self._events[start:])

    def __len__(self) -> int:
        return len(self._events)

    def __bool__(self) -> bool:
        return bool(self._events)

    def __iter__(self) -> Iterator[SanitizeEvent]:
        return iter(tuple(self._events))

    def to_list(self) -> list[dict[str, str]]:
        """Return the events as a JSON-ready list of dicts."""
        return [event.to_dict() for event in self._events]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"count", "by_reason", "events"}``, JSON-ready."""
        by_reason: dict[str, int] = {}
        for event in self._events:
            by_reason[event.reason] = by_reason.get(event.reason, 0) + 1
        return {"count": len(self._events), "by_reason": by_reason, "events": self.to_list()}


def validation_context(
    *,
    policy: UrlPolicy | None = None,
    report: SanitizeReport | None = None,
    path: str = "",
    strict: bool = False,
    limits: Limits | None = None,
) -> dict[str, Any]:
    """Build the pydantic ``context=`` mapping that :data:`SafeUrl`/:data:`ImageUrl` read.

    ``limits`` bound props that carry data (a Chart's points), under
    :data:`~genui.limits.CONTEXT_LIMITS`.
    """
    return {
        CONTEXT_POLICY: policy if policy is not None else DEFAULT_URL_POLICY,
        CONTEXT_REPORT: report,
        CONTEXT_PATH: path,
        CONTEXT_STRICT: strict,
        CONTEXT_LIMITS: limits if limits is not None else DEFAULT_LIMITS,
    }


# --------------------------------------------------------------------------------------
# Pydantic integration
# --------------------------------------------------------------------------------------

_REASON_TEXT: Final[Mapping[str, str]] = {
    "unsafe_url_scheme": "URL scheme is not allowed here",
    "disallowed_host": "URL host is not on the allowlist",
    "url_too_long": "URL is too long",
    "invalid_data_url": "data: URL is not an allowed base64 image",
    "relative_url": "relative URLs are not allowed here",
    "invalid_url": "not a usable URL",
}


def _snippet(value: str, limit: int = 80) -> str:
    shown = value if len(value) <= limit else value[:limit] + "..."
    return repr(shown)


@dataclass(frozen=True, slots=True)
class UrlField:
    """Marker in ``Annotated`` metadata: this field holds a URL checked in ``context``.

    Found by :func:`url_fields`; renderers and tests use it to know which props are URLs.
    """

    context: UrlContext = "href"
    """The context the URL is checked (and must be rendered) in."""


def screen_url(value: str, context: UrlContext, validation: object, prop: str) -> str | None:
    """Check one URL found while validating a prop, the way :data:`SafeUrl` does.

    ``validation`` is pydantic's ``info.context`` (see :func:`validation_context`): the policy
    comes from it, a refused URL is reported there under ``prop`` and becomes None, or is a
    ``unsafe_url`` validation error when the context is strict. Returns the URL to keep.
    Props that hold URLs inside other text (such as Markdown) call this for each one, so
    every URL in a spec meets the one policy.
    """
    ctx = validation if isinstance(validation, Mapping) else {}
    policy = ctx.get(CONTEXT_POLICY)
    if policy is not None and not isinstance(policy, UrlPolicy):
        raise TypeError(f"{CONTEXT_POLICY} must be a UrlPolicy, got {type(policy).__name__}")
    verdict = check_url(value, context=context, policy=policy)
    if verdict.url is not None:
        return verdict.url
    reason = verdict.reason or "invalid_url"
    detail = f"{_REASON_TEXT.get(reason, reason)} ({context} context): {_snippet(value)}"
    if ctx.get(CONTEXT_STRICT):
        raise PydanticCustomError(
            "unsafe_url", "{detail} [{reason}]", {"reason": reason, "detail": detail}
        )
    report = ctx.get(CONTEXT_REPORT)
    if isinstance(report, SanitizeReport):
        path = ctx.get(CONTEXT_PATH)
        report.add(path if isinstance(path, str) else "", prop, reason, detail)
    return None


def _url_validator(context: UrlContext) -> AfterValidator:
    def validate(value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        return screen_url(value, context, info.context, info.field_name or "")

    validate.__name__ = f"check_{context}_url"
    return AfterValidator(validate)


_URL_JSON_SCHEMA: Final = WithJsonSchema({"type": "string", "format": "uri-reference"})

SafeUrl = Annotated[
    str | None, _Strict(), UrlField("href"), _url_validator("href"), _URL_JSON_SCHEMA
]
"""A link URL prop (``href`` context). Unsafe values become None and are reported, or are a
validation error when the context says ``genui_strict``; non-strings are a type error."""

ImageUrl = Annotated[
    str | None, _Strict(), UrlField("img"), _url_validator("img"), _URL_JSON_SCHEMA
]
"""An image URL prop (``img`` context); otherwise like :data:`SafeUrl`."""


def _find_url_field(
    annotation: object, metadata: Iterable[object], depth: int = 0
) -> UrlField | None:
    for item in metadata:
        if isinstance(item, UrlField):
            return item
    if depth > 8:
        return None
    if get_origin(annotation) is Annotated:
        args = get_args(annotation)
        return _find_url_field(args[0], args[1:], depth + 1)
    for arg in get_args(annotation):
        found = _find_url_field(arg, (), depth + 1)
        if found is not None:
            return found
    return None


def url_fields(model: type[BaseModel]) -> dict[str, UrlField]:
    """Map each URL field of ``model`` to its :class:`UrlField` marker.

    Fields count whether the URL type is used directly, as ``SafeUrl | None`` or inside a
    container such as ``list[ImageUrl]``.
    """
    result: dict[str, UrlField] = {}
    for name, info in model.model_fields.items():
        found = _find_url_field(info.annotation, info.metadata)
        if found is not None:
            result[name] = found
    return result


# --------------------------------------------------------------------------------------
# Prop and attribute names
# --------------------------------------------------------------------------------------

URL_ATTRIBUTES: Final[frozenset[str]] = frozenset(
    {
        # docs/security.md, guarantee 4: attributes a browser reads as URLs
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
        # other attributes browsers (or legacy browsers) resolve as URLs
        "imagesrcset",
        "longdesc",
        "lowsrc",
        "dynsrc",
        "codebase",
        "classid",
        "archive",
        "manifest",
        "icon",
        "usemap",
        "profile",
    }
)
"""HTML/SVG attribute names whose value a browser treats as a URL (lower-case)."""

_RAW_HTML_NAMES = frozenset(
    {
        "dangerouslysetinnerhtml",
        "innerhtml",
        "outerhtml",
        "srcdoc",
        "vhtml",
        "xhtml",
        "rawhtml",
        "unsafehtml",
        "unsafeinnerhtml",
        "insertadjacenthtml",
    }
)
_FORBIDDEN_ATTRIBUTES = frozenset({"action", "formaction", "http-equiv", "httpequiv", "xml:base"})
_PROTOTYPE_NAMES = frozenset({"__proto__", "constructor", "prototype"})
_DIRECTIVE_PREFIX = re.compile(r"(?:data-)?(?:hx|x|v|ng)[-:]")
_EVENT_NAME = re.compile(r"on(?:[^\W\d_]|[-_:.])")
_ASCII_LOWER = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}
MAX_PROP_NAME_LENGTH: Final = 256
"""Longest prop name looked at; a longer one is ``forbidden_prop`` before any normalization
(NFKC can make a name 18 times longer)."""
_NOT_IN_ATTRIBUTE_NAME = re.compile(r"[\s\"'<>/=\x00-\x1f\x7f-\x9f]")


def _is_invisible(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs")


def _name_forms(name: str) -> list[str]:
    start, end = 0, len(name)
    while start < end and _is_invisible(name[start]):
        start += 1
    while end > start and _is_invisible(name[end - 1]):
        end -= 1
    trimmed = name[start:end]
    folded = unicodedata.normalize("NFKC", trimmed).casefold()
    squashed = "".join(char for char in folded if not _is_invisible(char))
    return list(dict.fromkeys((trimmed.lower(), folded, squashed)))


def _name_reason(form: str) -> str | None:
    if re.sub(r"[-_:.]", "", form) in _RAW_HTML_NAMES:
        return "raw_html"
    if form == "style":
        return "style"
    bare = _DIRECTIVE_PREFIX.sub("", form, count=1) if _DIRECTIVE_PREFIX.match(form) else form
    if _EVENT_NAME.match(bare) or form.startswith(("@", "(")):
        return "event_handler"
    if form in _FORBIDDEN_ATTRIBUTES or _DIRECTIVE_PREFIX.match(form):
        return "forbidden_attribute"
    if form.startswith((":", "#", "*", "[", "xmlns")):
        return "forbidden_attribute"
    if form in _PROTOTYPE_NAMES or form.startswith("__"):
        return "forbidden_prop"
    return None


def forbidden_prop_reason(name: str) -> str | None:
    r"""Return why a prop called ``name`` must never pass, whatever the model, or None.

    The name is looked at with surrounding whitespace/control/format characters removed,
    lower-cased, and also NFKC-normalized, case-folded and with invisible characters
    removed inside (fullwidth ``ON``, ``on\u200bclick``, a long-s ``style`` are caught). Codes:

    * ``event_handler`` -- ``on`` + a letter or separator (``onclick``, ``onClick``,
      ``on:click``), framework event bindings (``@click``, ``(click)``, ``v-on:``,
      ``x-on:``, ``hx-on:``, ``hx-on-...``);
    * ``raw_html`` -- ``dangerouslySetInnerHTML``, ``innerHTML``, ``outerHTML``, ``srcdoc``,
      ``v-html``, ``x-html`` and similar;
    * ``style`` -- ``style``;
    * ``forbidden_attribute`` -- ``action``, ``formaction``, ``http-equiv``, ``xml:base``,
      ``xmlns*``, and framework directives (``hx-*``, ``x-*``, ``v-*``, ``ng-*``, ``:attr``,
      ``[attr]``, ``*ngIf``, ``#ref``) that make a page run code or requests;
    * ``forbidden_prop`` -- ``__proto__``, ``constructor``, ``prototype``, dunder names, an
      empty name, one containing characters that cannot appear in an attribute name, or one
      longer than :data:`MAX_PROP_NAME_LENGTH` characters (refused as it is: the cost of
      the check is bounded by that length, whatever the input).
    """
    if not isinstance(name, str) or len(name) > MAX_PROP_NAME_LENGTH:
        return "forbidden_prop"
    forms = _name_forms(name)
    for form in forms:
        reason = _name_reason(form)
        if reason is not None:
            return reason
    if not forms[0] or _NOT_IN_ATTRIBUTE_NAME.search(name.strip()):
        return "forbidden_prop"
    return None


def is_url_attribute(attr: str) -> bool:
    """Whether a browser treats the value of attribute ``attr`` as a URL (see URL_ATTRIBUTES).

    HTML attribute names are ASCII case-insensitive, so the comparison is too.
    """
    if not isinstance(attr, str):
        return False
    return attr.strip(_C0_AND_SPACE).translate(_ASCII_LOWER) in URL_ATTRIBUTES


# --------------------------------------------------------------------------------------
# CSS class-like tokens
# --------------------------------------------------------------------------------------

_CSS_TOKEN = re.compile(r"[A-Za-z0-9_\-]{1,64}", re.ASCII)

CssToken = Annotated[str, _Strict(), StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
"""A prop that ends up in a ``class`` attribute or a CSS custom-property name:
1-64 ASCII letters, digits, ``_`` or ``-``."""


def is_css_token(value: object) -> bool:
    """Whether ``value`` is a string usable as a :data:`CssToken`."""
    return isinstance(value, str) and _CSS_TOKEN.fullmatch(value) is not None
