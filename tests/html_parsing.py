"""genui's output as an HTML5 parser (html5lib, the algorithm browsers run) reads it."""

from __future__ import annotations

from typing import Any

import html5lib

__all__ = ["attributes", "elements", "parse_errors"]


def parse_errors(fragment: str) -> list[Any]:
    """The parse errors html5lib reports for ``fragment`` (none for well-formed output)."""
    parser = html5lib.HTMLParser(strict=False)
    parser.parseFragment(fragment)
    return list(parser.errors)


def elements(fragment: str) -> list[Any]:
    """Every element of ``fragment``, in document order (not the fragment root)."""
    tree = html5lib.parseFragment(fragment, namespaceHTMLElements=False)
    return [e for e in tree.iter() if isinstance(e.tag, str) and e is not tree]


def attributes(fragment: str) -> list[tuple[str, str, str]]:
    """Every (element, attribute, value) in the fragment, as an HTML5 parser sees them."""
    return [
        (e.tag, str(name), value) for e in elements(fragment) for name, value in e.attrib.items()
    ]
