"""Characters that may not appear in an HTML document, and their replacement.

The HTML standard makes controls (other than tab, line feed, form feed and
carriage return), noncharacters and lone surrogates parse errors; NUL is
turned into U+FFFD by parsers anyway, and lone surrogates cannot be encoded
as UTF-8 at all. genui replaces every one of them with U+FFFD in all text it
writes (text leaves, props, keys), so its output always parses cleanly and
always encodes.
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup, escape

__all__ = [
    "REPLACEMENT_CHARACTER",
    "escape_text",
    "finalize",
    "replace_invalid_characters",
]

REPLACEMENT_CHARACTER = "\ufffd"
"""What each disallowed character becomes."""

_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_INVALID = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ud800-\udfff" + re.escape(_NONCHARACTERS) + "]"
)


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
