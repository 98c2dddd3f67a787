"""The built-in component library: a props model and a template per component."""

from __future__ import annotations

from genui.components.actions import LINK
from genui.components.layout import CARD
from genui.components.text import TEXT
from genui.registry import Component

__all__ = ["BUILTIN_COMPONENTS"]

BUILTIN_COMPONENTS: tuple[Component, ...] = (CARD, TEXT, LINK)
"""Every built-in component, in documentation order."""
