"""Hostile strings the tests feed genui: what attackers actually send, and names that look
like members of the objects genui looks things up in."""

from __future__ import annotations

__all__ = ["HOSTILE_FRAGMENTS", "HOSTILE_URLS", "PROTOTYPE_LIKE", "SCRIPT_URLS"]

#: Pieces of attacks on text, templates, JSON Pointer and the parser; mixed into random text
#: by ``tests.strategies.hostile_text``.
HOSTILE_FRAGMENTS = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "{{ 7*7 }}",
    "{% raw %}",
    "__proto__",
    "constructor",
    "\x00",
    "\u2028",
    "\ud7ff",
    "]]>",
    "<!--",
    "&amp;",
    "~1/~0",
]

#: Component names that are prototype, dunder or registry-method names, or near misses of a
#: real name: every one is just an unknown component.
PROTOTYPE_LIKE = [
    "constructor",
    "__proto__",
    "__class__",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "get",
    "items",
    "keys",
    "values",
    "mro",
    "__init__",
    "__getitem__",
    "_components",
    "extend",
    "only",
    "without",
    "card",
    "CARD",
    "Car",
    "Card ",
    "Card.",
    "Card\x00",
]

#: Script URLs in obfuscated spellings (case, whitespace, entities) and script-bearing schemes:
#: every URL prop must drop them.
HOSTILE_URLS = [
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
]

#: Script URLs in plain spelling, the seeds ``test_sanitize_properties`` obfuscates.
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
]
