"""The built-in component library: a props model and an HTML writer per component."""

from __future__ import annotations

from genui.components.actions import BUTTON, LINK
from genui.components.data import LIST, LIST_ITEM, PROGRESS, STAT, TABLE
from genui.components.image import IMAGE
from genui.components.layout import CARD, DIVIDER, GRID, STACK
from genui.components.text import ALERT, BADGE, CODE, HEADING, TEXT
from genui.registry import Component

__all__ = ["BUILTIN_COMPONENTS"]

BUILTIN_COMPONENTS: tuple[Component, ...] = (
    CARD,
    STACK,
    GRID,
    DIVIDER,
    HEADING,
    TEXT,
    CODE,
    BADGE,
    ALERT,
    LINK,
    BUTTON,
    STAT,
    LIST,
    LIST_ITEM,
    TABLE,
    PROGRESS,
    IMAGE,
)
"""Every built-in component, in documentation order."""
