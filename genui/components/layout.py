"""Layout components: containers that arrange their children."""

from __future__ import annotations

from genui.components.base import PropsModel
from genui.registry import Component

__all__ = ["CARD", "CardProps"]


class CardProps(PropsModel):
    """A bordered surface grouping related content under an optional title."""

    title: str | None = None
    """Heading shown at the top of the card."""
    description: str | None = None
    """Secondary text under the title."""


CARD = Component(
    "Card",
    CardProps,
    "genui/card.html",
    description="A bordered surface grouping related content under an optional title.",
    example={
        "component": "Card",
        "props": {"title": "Order #1042", "description": "Shipped on 3 May"},
        "children": [{"component": "Text", "props": {"text": "Arrives Friday."}}],
    },
)
