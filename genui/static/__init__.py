"""genui's static assets: one stylesheet and one small progressive-enhancement script.

Serve the directory (:data:`STATIC_DIR`) at a URL of your choice, or read the
files with :func:`stylesheet` / :func:`script` to inline or hash them.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

__all__ = ["STATIC_DIR", "script", "stylesheet"]

STATIC_DIR = Path(str(files("genui.static")))
"""Directory holding ``genui.css`` and ``genui.js``."""


@cache
def stylesheet() -> str:
    """The text of ``genui.css`` (light and dark themes via custom properties)."""
    return (STATIC_DIR / "genui.css").read_text(encoding="utf-8")


@cache
def script() -> str:
    """The text of ``genui.js`` (CSP-safe: no inline handlers, attached by data attributes)."""
    return (STATIC_DIR / "genui.js").read_text(encoding="utf-8")
