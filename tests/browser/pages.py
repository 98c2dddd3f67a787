"""Documents for the browser: a body fragment wrapped in a minimal HTML page."""

from __future__ import annotations

import html as html_module

__all__ = ["page_html"]


def page_html(body: str, *, title: str = "genui oracle", head: str = "") -> str:
    """Wrap a body fragment in a minimal UTF-8 HTML document (the fragment is not escaped)."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html_module.escape(title)}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )
