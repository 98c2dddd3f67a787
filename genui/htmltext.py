"""Characters that may not appear in an HTML document, and their replacement.

The HTML standard makes controls (other than tab, line feed, form feed and
carriage return), noncharacters and lone surrogates parse errors; NUL is
turned into U+FFFD by parsers anyway, and lone surrogates cannot be encoded
as UTF-8 at all. genui replaces every one of them with U+FFFD in all text it
writes (text leaves, props, keys), so its output always parses cleanly and
always encodes.
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "REPLACEMENT_CHARACTER",
    "dom_id",
    "escape_html",
    "escape_text",
    "finalize",
    "format_number",
    "identity_attrs",
    "replace_invalid_characters",
]

REPLACEMENT_CHARACTER = "\ufffd"
"""What each disallowed character becomes."""

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_INVALID_RANGES = "\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff" + re.escape(
    _NONCHARACTERS
)
_INVALID = re.compile(f"[{_INVALID_RANGES}]")
# Any character escape_html may have to change: exact for ASCII text, a superset (every
# astral character) otherwise, so that the common case is one cheap scan.
_ASCII_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAYBE_SPECIAL = re.compile(
    "[&<>\"'\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\ud800-\udfff"
    "\U00010000-\U0010ffff]"
)
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9]")


def replace_invalid_characters(text: str) -> str:
    """Return ``text`` with every character HTML disallows replaced by U+FFFD."""
    if _INVALID.search(text) is None:
        return text
    return _INVALID.sub(REPLACEMENT_CHARACTER, text)


def escape_text(text: str) -> Markup:
    """Escape ``text`` for HTML text or a quoted attribute value.

    Disallowed characters become U+FFFD first. (A carriage return stays as it
    is: writing it as ``&#13;`` would be a parse error, so like every HTML
    document genui's output has CR and CRLF read as a line feed.)
    """
    return escape(replace_invalid_characters(text))


def finalize(value: Any) -> Any:
    """Jinja2 ``finalize`` hook: every plain string a template writes is cleaned first.

    Autoescaping then escapes it once, as it would any value.
    :class:`~markupsafe.Markup` (already-rendered children) passes through; it
    was cleaned and escaped when it was rendered.
    """
    if type(value) is str or (isinstance(value, str) and not isinstance(value, Markup)):
        return replace_invalid_characters(value)
    return value


def escape_html(text: str) -> str:
    """:func:`escape_text` as a plain ``str``, for code that wraps a whole fragment once.

    The same characters are replaced and escaped the same way as markupsafe does
    (``&amp; &lt; &gt; &#34; &#39;``); a string that needs neither is returned as it
    is, after one scan. Subclasses of ``str`` (such as ``Markup``) are treated as
    plain text.
    """
    if type(text) is not str:
        text = str.__str__(text)
    if (_ASCII_SPECIAL if text.isascii() else _MAYBE_SPECIAL).search(text) is None:
        return text
    return (
        replace_invalid_characters(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


def format_number(value: int | float) -> str:
    """Write a number leaf as JavaScript's ``String(number)`` does (``1.0`` → ``1``).

    The value is first the double ``JSON.parse`` would make of it (an integer beyond 2**53
    is rounded, as in the browser), then written per ECMAScript's Number::toString: the
    shortest digits that read back, positional from 1e-6 up to 1e21 (``0.00001``,
    ``1152921504606847000``), exponential outside it (``1e-7``, ``1.5e+21``).
    """
    try:
        number = float(value)
    except OverflowError:  # an integer no double holds: JSON.parse makes it Infinity
        number = math.inf if value > 0 else -math.inf
    if not math.isfinite(number):
        return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")
    if number == 0:
        return "0"  # and -0
    if number < 0:
        return "-" + format_number(-number)
    digits, point = _shortest_digits(number)
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return f"{digits[:point]}.{digits[point:]}"
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = f"e{'+' if point > 0 else '-'}{abs(point - 1)}"
    return (digits if count == 1 else f"{digits[0]}.{digits[1:]}") + exponent


def _shortest_digits(number: float) -> tuple[str, int]:
    """``(digits, point)`` of a positive finite double, ``number == 0.digits * 10**point``.

    The digits are the shortest that read back (Python's ``repr``), no zeros at either end.
    """
    mantissa, _, exponent = repr(number).partition("e")
    whole, _, fraction = mantissa.partition(".")
    significant = (whole + fraction).lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(whole + fraction) - len(significant))
    return significant.rstrip("0"), point


def dom_id(prefix: str, path: str) -> str:
    """An element id derived from a node's path, unique within a fragment, at most 23 long.

    Each pointer segment becomes one short token, the tokens joined by ``-``:
    ``root`` is ``r``, ``children`` is ``c``, an index stays as it is, and any
    other segment is ``_`` followed by its characters, every one that is not an
    ASCII letter or digit written ``_<hex>_``; distinct paths give distinct tokens.
    Tokens longer than 16 characters (a node deeper than four levels) are replaced
    by ``h`` and an 80-bit BLAKE2b digest of the path in base32, so an id costs the
    same however deep the node: pages of deep nodes would otherwise write their
    paths again in every id. No token starts with ``h``, and templates append
    ``-<word>`` suffixes (``-title``, ``-error``) that no token can end in.

    >>> dom_id("genui", "/root/0/children/12")
    'genui-r-0-c-12'
    >>> dom_id("genui", "/root/children/0/children/1/children/2/children/3")
    'genui-hs5n5od62fuqaz4cc'
    """
    tokens = []
    for segment in path.split("/")[1:]:
        if segment == "children":
            tokens.append("c")
        elif segment == "root":
            tokens.append("r")
        elif segment.isascii() and segment.isdigit():
            tokens.append(segment)
        else:
            tokens.append("_" + _ID_UNSAFE.sub(_encode_id_char, segment))
    joined = "-".join(tokens)
    if len(joined) <= _ID_TOKENS_MAX:
        return f"{prefix}-{joined}" if joined else prefix
    digest = hashlib.blake2b(path.encode("utf-8", "surrogatepass"), digest_size=10).digest()
    return f"{prefix}-h{base64.b32encode(digest).decode('ascii').lower()}"


_ID_TOKENS_MAX = 16
"""Longest token form of an id; deeper paths are written as a digest (see :func:`dom_id`)."""


def _encode_id_char(match: re.Match[str]) -> str:
    return f"_{ord(match.group()):x}_"


def identity_attrs(path: str, key: str | None) -> str:
    """`` data-genui-path="…"`` and, for a keyed node, `` data-genui-key="…"``, escaped.

    Every component's outer element carries them, so streaming updates can find it.
    """
    if key is None:
        return f' data-genui-path="{escape_html(path)}"'
    return f' data-genui-path="{escape_html(path)}" data-genui-key="{escape_html(key)}"'
