"""Layout components: containers that arrange their children."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from genui.components.base import PropsModel
from genui.htmltext import escape_html
from genui.registry import Component
from genui.writing import Element

__all__ = [
    "CARD",
    "DIVIDER",
    "GRID",
    "STACK",
    "Align",
    "CardProps",
    "DividerProps",
    "Gap",
    "GridProps",
    "StackProps",
]

Gap = Literal["none", "xs", "sm", "md", "lg"]
"""Space between children, on a fixed scale (a CSS class each, never an inline style)."""
Align = Literal["start", "center", "end", "stretch", "baseline"]
"""Cross-axis alignment of children in a stack."""


class CardProps(PropsModel):
    """A bordered surface grouping related content under an optional title."""

    title: str | None = None
    """Heading shown at the top of the card."""
    description: str | None = None
    """Secondary text under the title."""


def _card(element: Element[CardProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    children = element.children
    title = props.title
    if title is None:
        head = f'<section class="{cls}"{ident}>\n'
    else:
        label = f"{element.dom_id}-title"
        head = (
            f'<section class="{cls}"{ident} aria-labelledby="{label}">\n'
            f'<h3 class="genui-card__title" id="{label}">{escape_html(title)}</h3>'
        )
    if props.description is not None:
        head += f'<p class="genui-card__description">{escape_html(props.description)}</p>'
    if children:
        head += f'<div class="genui-card__body">{children}</div>'
    return head + "</section>"


CARD = Component(
    "Card",
    CardProps,
    "genui/card.html",
    writer=_card,
    description="A bordered surface grouping related content under an optional title.",
    example={
        "component": "Card",
        "props": {"title": "Order #1042", "description": "Shipped on 3 May"},
        "children": [{"component": "Text", "props": {"text": "Arrives Friday."}}],
    },
)


class StackProps(PropsModel):
    """Children laid out one after another, in a column or a row."""

    direction: Literal["vertical", "horizontal"] = "vertical"
    """`vertical` stacks children top to bottom; `horizontal` places them in a row that
    wraps when it runs out of room."""
    gap: Gap = "md"
    """Space between children."""
    align: Align | None = None
    """Cross-axis alignment of the children (default: stretch in a column, start in a row)."""


def _stack(element: Element[StackProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    children = element.children
    align = "" if props.align is None else f" genui-align-{props.align}"
    classes = f"{cls} genui-stack--{props.direction} genui-gap-{props.gap}{align}"
    return f'<div class="{classes}"{ident}>{children}</div>'


STACK = Component(
    "Stack",
    StackProps,
    "genui/stack.html",
    writer=_stack,
    description=(
        "Arranges children in a vertical column (default) or a wrapping horizontal row,"
        " with consistent spacing. Use it to group buttons, badges or stats."
    ),
    example={
        "component": "Stack",
        "props": {"direction": "horizontal", "gap": "sm", "align": "center"},
        "children": [
            {"component": "Badge", "props": {"label": "Paid", "tone": "success"}},
            {"component": "Badge", "props": {"label": "Express"}},
        ],
    },
)


class GridProps(PropsModel):
    """Children placed in equal-width columns that collapse on narrow screens."""

    columns: Annotated[int, Field(ge=1, le=6)] = 2
    """Number of columns on wide screens (1-6); narrow screens show fewer."""
    gap: Gap = "md"
    """Space between cells."""


def _grid(element: Element[GridProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    children = element.children
    classes = f"{cls} genui-grid--cols-{props.columns} genui-gap-{props.gap}"
    return f'<div class="{classes}"{ident}>{children}</div>'


GRID = Component(
    "Grid",
    GridProps,
    "genui/grid.html",
    writer=_grid,
    description=(
        "Places children in 1-6 equal-width columns, filling rows left to right;"
        " on narrow screens the grid collapses to fewer columns."
    ),
    example={
        "component": "Grid",
        "props": {"columns": 3},
        "children": [
            {"component": "Stat", "props": {"label": "Visitors", "value": 12840}},
            {"component": "Stat", "props": {"label": "Sign-ups", "value": 342}},
            {"component": "Stat", "props": {"label": "Churn", "value": "1.2%"}},
        ],
    },
)


class DividerProps(PropsModel):
    """A horizontal rule between sections; takes no props."""


def _divider(element: Element[DividerProps]) -> str:
    ident = element.identity_attrs()
    cls = element.css_class
    return f'<hr class="{cls}"{ident}>'


DIVIDER = Component(
    "Divider",
    DividerProps,
    "genui/divider.html",
    writer=_divider,
    children="none",
    description="A horizontal rule separating sections of content. Takes no props or children.",
    example={"component": "Divider"},
)
