"""Action components: links and buttons that navigate."""

from __future__ import annotations

from genui.components.base import PropsModel
from genui.registry import Component
from genui.sanitize import SafeUrl

__all__ = ["LINK", "LinkProps"]


class LinkProps(PropsModel):
    """A hyperlink. An unsafe or missing ``href`` renders the text without a link."""

    href: SafeUrl = None
    """Where the link goes (http, https, mailto, tel or relative by default)."""
    text: str | None = None
    """Link text; if absent, string children are the text."""


LINK = Component(
    "Link",
    LinkProps,
    "genui/link.html",
    text_prop="text",
    description="A hyperlink; external links open safely (rel=noopener noreferrer).",
    example={"component": "Link", "props": {"href": "https://example.com", "text": "Docs"}},
)
