"""RFC 6901 JSON Pointers: build them for error paths and parse them for patches.

A pointer is a string such as ``/root/0/children/2/props``. Every error genui
raises carries one, so an agent can be told exactly which value to repair.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ["ARRAY_INDEX", "escape_token", "format_pointer", "parse_pointer", "unescape_token"]

ARRAY_INDEX: Final = re.compile(r"0|[1-9][0-9]*")
"""An array index token (``fullmatch``): ASCII digits without a leading zero, as RFC 6901
says (``str.isdigit`` would also take ``"²"``, which ``int`` refuses)."""


def escape_token(token: str | int) -> str:
    """Escape one reference token (``~`` becomes ``~0``, ``/`` becomes ``~1``)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_token(token: str) -> str:
    """Undo :func:`escape_token` (``~1`` first, then ``~0``, as RFC 6901 requires)."""
    return token.replace("~1", "/").replace("~0", "~")


def format_pointer(parts: Iterable[str | int]) -> str:
    """Join path parts into a JSON Pointer; the empty path is the whole document ``""``."""
    return "".join("/" + escape_token(part) for part in parts)


def parse_pointer(pointer: str) -> list[str]:
    """Split a JSON Pointer into unescaped reference tokens.

    Raises :class:`ValueError` when the pointer is not empty and does not start
    with ``/``, or when it contains a ``~`` not followed by ``0`` or ``1``.
    """
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON Pointer must be empty or start with '/': {pointer!r}")
    tokens = pointer[1:].split("/")
    for token in tokens:
        index = token.find("~")
        while index != -1:
            if index + 1 >= len(token) or token[index + 1] not in "01":
                raise ValueError(f"invalid '~' escape in JSON Pointer: {pointer!r}")
            index = token.find("~", index + 2)
    return [unescape_token(token) for token in tokens]
