"""Filters genui's Jinja2 environment replaces: the safe way is the default way in templates.

An application's component template that writes a dict prop as attributes with Jinja's own
``|xmlattr`` writes whatever keys the agent chose: ``{"onfocus": "...", "autofocus": true}``
runs script on load, ``{"href": "javascript:..."}`` on a click. genui's ``xmlattr`` has the
same signature and output for ordinary attributes, and leaves out what must never reach a
browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from genui.htmltext import escape_html
from genui.sanitize import (
    UrlContext,
    forbidden_prop_reason,
    is_url_attribute,
    sanitize_srcset,
    sanitize_url,
)

__all__ = ["xmlattr"]

_SRCSETS = frozenset({"srcset", "imagesrcset"})
_IMAGE_SOURCES = frozenset({"src", "poster", "lowsrc", "dynsrc"})


def xmlattr(attributes: Mapping[str, Any], autospace: bool = True) -> Markup:
    """Write ``attributes`` as ``name="value"`` pairs, escaped, like Jinja's ``xmlattr``.

    ``None`` and undefined values are left out, as Jinja does; so is every name that is
    never allowed as a prop (:func:`genui.sanitize.forbidden_prop_reason`: event handlers,
    ``style``, ``srcdoc``, framework directives, names no attribute can have), and every
    URL attribute (``href``, ``src``, …) whose value :func:`genui.sanitize.sanitize_url`
    refuses (image attributes checked as images). ``autospace`` puts a space in front.
    """
    if not isinstance(attributes, Mapping):
        return Markup("")
    pairs: list[str] = []
    for name, value in attributes.items():
        if value is None or isinstance(value, Undefined) or not isinstance(name, str):
            continue
        if forbidden_prop_reason(name) is not None:
            continue
        text = str(value)
        if is_url_attribute(name):
            lowered = name.lower()
            if lowered in _SRCSETS:
                safe = sanitize_srcset(text)
            else:
                context: UrlContext = "img" if lowered in _IMAGE_SOURCES else "href"
                safe = sanitize_url(text, context=context)
            if safe is None:
                continue
            text = safe
        pairs.append(f'{escape_html(name)}="{escape_html(text)}"')
    written = " ".join(pairs)
    return Markup((" " if autospace and written else "") + written)  # noqa: S704 - escaped
