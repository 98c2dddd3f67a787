"""The built-in component library: a props model and an HTML writer per component.

A user of the engine, not part of it: each component module declares its props model and
the writer of its element (see :mod:`genui.writing`) and imports only the engine's core
(:mod:`genui.registry`, :mod:`genui.sanitize`, :mod:`genui.htmltext`). The engine imports
this package for one thing, its default allowlist, :func:`default_registry`.
"""

from __future__ import annotations

from functools import cache

from genui.components.actions import BUTTON, LINK
from genui.components.charts import CHART
from genui.components.data import LIST, LIST_ITEM, PROGRESS, STAT, TABLE
from genui.components.forms import CHECKBOX, FORM, RADIO_GROUP, SELECT, TEXT_AREA, TEXT_INPUT
from genui.components.image import IMAGE
from genui.components.layout import CARD, DIVIDER, GRID, STACK
from genui.components.text import ALERT, BADGE, CODE, HEADING, TEXT
from genui.registry import Component, Registry

__all__ = ["BUILTIN_COMPONENTS", "default_registry"]

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
    FORM,
    TEXT_INPUT,
    TEXT_AREA,
    SELECT,
    CHECKBOX,
    RADIO_GROUP,
    STAT,
    LIST,
    LIST_ITEM,
    TABLE,
    CHART,
    PROGRESS,
    IMAGE,
)
"""Every built-in component, in documentation order."""


@cache
def default_registry() -> Registry:
    """The built-in components (built once, shared, immutable)."""
    return Registry(BUILTIN_COMPONENTS)
