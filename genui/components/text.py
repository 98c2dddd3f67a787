"""Text components: headings, paragraphs and other runs of text."""

from __future__ import annotations

from typing import Literal

from genui.components.base import PropsModel
from genui.registry import Component

__all__ = ["TEXT", "TextProps", "Tone"]

Tone = Literal["default", "muted", "info", "success", "warning", "danger"]
"""Colour intent shared by text-like components."""


class TextProps(PropsModel):
    """A paragraph of plain text."""

    text: str | None = None
    """The text; if absent, string children are the text."""
    tone: Tone = "default"
    """Colour intent."""


TEXT = Component(
    "Text",
    TextProps,
    "genui/text.html",
    text_prop="text",
    description="A paragraph of plain text (no markup is interpreted).",
    example={"component": "Text", "props": {"text": "Your order has shipped.", "tone": "muted"}},
)
