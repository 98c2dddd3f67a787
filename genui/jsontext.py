r"""The rules for untrusted JSON text, in one place.

Every entry point that takes JSON text — :func:`genui.validate`, :func:`genui.parse_spec`,
rendering, patches given as text, and the streaming parser of :class:`genui.SpecStream` —
follows these rules, so the same text is accepted or refused the same way everywhere:

* **Size**: at most :attr:`~genui.Limits.max_input_bytes` UTF-8 bytes, checked first.
* **Encoding**: bytes must be UTF-8 (a leading byte-order mark is dropped); an escaped lone
  surrogate (``"\ud800"``) is refused, since it is not a character and cannot be written as
  UTF-8 — decoders that replace it would each show something else.
* **Grammar**: RFC 8259 JSON: only JSON whitespace; no ``NaN``/``Infinity``; nothing after
  the value; every number finite as a double (``1e400`` is refused, not turned into
  infinity).
* **Duplicate member names** are refused (``duplicate_key``): parsers disagree on which of
  two members wins, and a backend must never validate one value while a client reads another.
* **Depth**: text nested deeper than :data:`~genui.limits.JSON_DECODER_MAX_DEPTH` is refused
  without recursing into it (``too_deep``).

Integer range, string length, value and node counts are the spec's limits
(:mod:`genui.limits`), checked on the decoded value. Cost is linear in the text: the decoder
is pydantic-core's (jiter); duplicates are ruled out by counting (a member is ``"name":``,
so when the text has as many ``":`` as the decoded objects have keys, no name repeats), and
only text that the count cannot clear is decoded a second time to find the duplicate.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

import pydantic_core

from genui.errors import ErrorDetail, GenerativeUIValidationError
from genui.limits import DEFAULT_LIMITS, JSON_DECODER_MAX_DEPTH, Limits

__all__ = [
    "LONE_SURROGATE",
    "RAW_CONTROL",
    "decode_json",
    "json_type",
    "loads",
    "lone_surrogate",
]

_SPACED_MEMBER: Final = re.compile(r'"[ \t\r\n]+:')
"""A member name followed by whitespace before its colon (the count cannot clear it)."""
_DIGITS_AS_ZERO: Final = bytes.maketrans(b"123456789", b"000000000")
_OVERFLOW_MARKS: Final = (
    *(b"0" + e + sign + b"000" for e in (b"e", b"E") for sign in (b"", b"+", b"-")),
    b"0" * 309,
)
"""Where a number may overflow a double, in the text with every digit written as ``0``: a
three-digit exponent, or 309 digits in a row (the largest finite double has 309 before the
point)."""
_NON_FINITE: Final = re.compile(r"(?<![\w\"])-?(?:NaN|Infinity)(?![\w\"])")
"""A NaN or Infinity literal (outside a string, most likely), to name it in the error."""
RAW_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Characters JSON text never holds raw (RFC 8259): controls other than tab, LF and CR. The
decoder here refuses them; the streaming parser, whose yajl takes form feed and vertical tab
as whitespace, checks each chunk with this."""
LONE_SURROGATE: Final = re.compile(
    r"(?<!\\)(?:\\\\)*\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)((?:\\\\)*)\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
"""An escaped high surrogate not followed by a low one, or a low one without a high one."""


def _error(code: str, message: str) -> GenerativeUIValidationError:
    return GenerativeUIValidationError.single("", code, message)


def lone_surrogate(text: str) -> bool:
    """Whether JSON ``text`` escapes a lone surrogate (a high one with no low one after it)."""
    return "\\u" in text and LONE_SURROGATE.search(text) is not None


def decode_json(data: str | bytes | bytearray, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Decode untrusted JSON text by the rules above; the size limit is checked first.

    Raises :class:`~genui.GenerativeUIValidationError` (``too_large``, ``invalid_json``,
    ``duplicate_key``, ``too_deep``).

    >>> decode_json('{"root": [1, "a"]}')
    {'root': [1, 'a']}
    >>> decode_json('{"a": 1, "a": 2}')
    Traceback (most recent call last):
    ...
    genui.errors.GenerativeUIValidationError: invalid JSON (1 error):
    ...
    """
    if isinstance(data, str):
        size = len(data) if len(data) * 4 <= limits.max_input_bytes else _utf8_size(data)
    else:
        size = len(data)
    if size > limits.max_input_bytes:
        raise _error("too_large", f"input is {size} bytes; the limit is {limits.max_input_bytes}")
    if isinstance(data, str):
        text = data
    else:
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _error(
                "invalid_json", f"input is not valid UTF-8: {exc.reason} at byte {exc.start}"
            ) from None
    if not text.strip(" \t\r\n"):
        raise _error("invalid_json", "input is empty")
    return loads(text)


def loads(text: str) -> Any:
    """Decode JSON ``text`` (already within its size limit) by the rules above."""
    try:
        value = pydantic_core.from_json(text, allow_inf_nan=False, cache_strings="keys")
    except ValueError as exc:
        message = str(exc)
        if "recursion limit" in message:
            raise _error("too_deep", f"JSON nested deeper than {JSON_DECODER_MAX_DEPTH}") from None
        if "surrogate" in message:
            raise _error("invalid_json", f"invalid JSON: a lone surrogate ({message})") from None
        if _NON_FINITE.search(text) is not None:
            message += " (NaN and Infinity are not JSON numbers)"
        raise _error("invalid_json", f"invalid JSON: {message}") from None
    if _may_overflow(text) and not _all_finite(value):
        raise _error("invalid_json", "invalid JSON: a number is out of range")
    if "{" in text and _may_repeat_names(text, value):
        _find_duplicate(text)
    return value


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _key_count(value: Any) -> int:
    """How many members the objects in decoded JSON ``value`` have, all together."""
    keys = 0
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        if type(item) is dict:
            keys += len(item)
            item = item.values()
        for child in item:
            kind = type(child)
            if kind is dict or kind is list:
                push(child)
    return keys


def _may_repeat_names(text: str, value: Any) -> bool:
    """Whether counting cannot rule out a repeated member name (see the module docstring)."""
    if _SPACED_MEMBER.search(text) is not None:
        return True
    return _key_count(value) != text.count('":')


def _find_duplicate(text: str) -> None:
    """Decode ``text`` again, member by member; raise at the first repeated name."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    detail = ErrorDetail(
                        "",
                        "duplicate_key",
                        f"duplicate member name {key[:80]!r}",
                        "give each member of an object once",
                    )
                    raise GenerativeUIValidationError([detail], title="invalid JSON")
                seen.add(key)
        return result

    try:
        json.loads(text, object_pairs_hook=unique)
    except GenerativeUIValidationError:
        raise
    except (ValueError, RecursionError):  # pragma: no cover - from_json accepted the text
        return


def _may_overflow(text: str) -> bool:
    marked = text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)  # C speed
    return any(mark in marked for mark in _OVERFLOW_MARKS)


def _all_finite(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is float:
            if not math.isfinite(item):
                return False
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return True


def json_type(value: Any) -> str:
    """A JSON value's type in words, for messages: ``null``, ``a boolean``, ``an object``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"
