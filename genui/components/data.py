"""Data components: statistics, lists, tables and progress."""

from __future__ import annotations

from typing import Annotated, Final, Literal, TypeAlias

from pydantic import Field, field_validator

from genui.components.base import PropsModel
from genui.components.charts import check_points, sparkline_svg
from genui.htmltext import escape_html, format_number
from genui.limits import DEFAULT_LIMITS
from genui.registry import Component
from genui.writing import Element

__all__ = [
    "LIST",
    "LIST_ITEM",
    "MAX_TABLE_CELLS",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_ROWS",
    "PROGRESS",
    "STAT",
    "TABLE",
    "Cell",
    "ListItemProps",
    "ListProps",
    "ProgressProps",
    "StatProps",
    "TableProps",
    "Trend",
]

MAX_TABLE_COLUMNS = 100
"""Most columns, and most cells in one row, a Table accepts."""
MAX_TABLE_ROWS = 1_000
"""Most rows a Table accepts."""
MAX_TABLE_CELLS = MAX_TABLE_COLUMNS * MAX_TABLE_ROWS
"""Most cells a Table can hold (100,000). Every limit is in the JSON Schema, so a spec
that satisfies the schema always renders."""

Trend = Literal["up", "down", "flat"]
"""Direction a statistic moved."""
Cell: TypeAlias = str | int | float | bool | None
"""One table cell: text, a number, a boolean (shown Yes/No) or null (shown empty)."""


class StatProps(PropsModel):
    """A key figure with its label and an optional change."""

    label: str
    """What the figure measures, e.g. `Revenue`."""
    value: str | int | float
    """The figure. Numbers are printed as given (`1234.5`); pass a string for
    formatted values such as `"$1.2M"` or `"98%"`."""
    delta: str | None = None
    """The change to show beside it, e.g. `"+12% vs last month"`."""
    trend: Trend | None = None
    """Which way the figure moved; colours the delta (up green, down red) and adds an arrow."""
    sparkline: (
        Annotated[
            list[int | float],
            Field(min_length=1, json_schema_extra={"maxItems": DEFAULT_LIMITS.max_chart_points}),
        ]
        | None
    ) = None
    """Recent values, oldest first, drawn as a small line under the figure (decorative:
    the figure and delta stay the text)."""

    _check_sparkline = field_validator("sparkline")(check_points)


_ARROWS: Final = {
    "up": '<span class="genui-stat__arrow" aria-hidden="true">&#9650;</span>',
    "down": '<span class="genui-stat__arrow" aria-hidden="true">&#9660;</span>',
    "flat": '<span class="genui-stat__arrow" aria-hidden="true">&#9654;</span>',
}

_TREND_WORDS: Final = {"up": "up", "down": "down", "flat": "no change"}


def _stat(element: Element[StatProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    trend = props.trend
    trend_class = "" if trend is None else f" genui-stat--{trend}"
    value = props.value
    shown = escape_html(value) if isinstance(value, str) else format_number(value)
    html = (
        f'<dl class="{cls}{trend_class}"{ident}>\n'
        f'<dt class="genui-stat__label">{escape_html(props.label)}</dt>\n'
        f'<dd class="genui-stat__value">{shown}</dd>\n'
    )
    if props.delta is not None or trend is not None:
        html += '<dd class="genui-stat__delta">'
        if trend is not None:
            html += _ARROWS[trend]
        if props.delta is not None:
            html += escape_html(props.delta)
        if trend is not None:
            html += f'<span class="genui-visually-hidden"> ({_TREND_WORDS[trend]})</span>'
        html += "</dd>\n"
    if props.sparkline is not None:
        html += f'<dd class="genui-stat__sparkline">{sparkline_svg(props.sparkline)}</dd>\n'
    return html + "</dl>"


STAT = Component(
    "Stat",
    StatProps,
    "genui/stat.html",
    writer=_stat,
    children="none",
    description=(
        "A single key figure (KPI) with a label and an optional change (delta) and trend."
        " Put several in a Grid for a dashboard row."
    ),
    example={
        "component": "Stat",
        "props": {"label": "Revenue", "value": "$48,200", "delta": "+12%", "trend": "up"},
    },
)


class ListProps(PropsModel):
    """A bulleted or numbered list; its children should be ListItem nodes."""

    ordered: bool = False
    """Number the items (`<ol>`) instead of bulleting them (`<ul>`)."""


def _list(element: Element[ListProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    children = element.children
    if props.ordered:
        return f'<ol class="{cls} genui-list--ordered"{ident}>{children}</ol>'
    return f'<ul class="{cls}"{ident}>{children}</ul>'


LIST = Component(
    "List",
    ListProps,
    "genui/list.html",
    writer=_list,
    children={"ListItem"},
    description=(
        "A bulleted list, or numbered when ordered is true. Its children must be ListItem"
        " nodes (put any other content inside a ListItem)."
    ),
    example={
        "component": "List",
        "props": {"ordered": True},
        "children": [
            {"component": "ListItem", "props": {"text": "Preheat the oven to 200 °C"}},
            {"component": "ListItem", "props": {"text": "Bake for 25 minutes"}},
        ],
    },
)


class ListItemProps(PropsModel):
    """One item of a List."""

    text: str | None = None
    """The item text; if absent, the children (text or components) are the item."""


def _list_item(element: Element[ListItemProps]) -> str:
    ident = element.identity_attrs()
    cls = element.css_class
    content = element.content
    return f'<li class="{cls}"{ident}>{content}</li>'


LIST_ITEM = Component(
    "ListItem",
    ListItemProps,
    "genui/list_item.html",
    writer=_list_item,
    text_prop="text",
    standalone=False,
    description="One item of a List: a text prop, or children for richer content.",
    example={"component": "ListItem", "props": {"text": "Free returns within 30 days"}},
)


class TableProps(PropsModel):
    """A table of plain values with a header row."""

    columns: Annotated[list[str], Field(max_length=MAX_TABLE_COLUMNS)] = []
    """Column headings, left to right. May be empty for a table without a header row."""
    rows: Annotated[
        list[Annotated[list[Cell], Field(max_length=MAX_TABLE_COLUMNS)]],
        Field(max_length=MAX_TABLE_ROWS),
    ] = []
    """Rows of cells, each cell text, a number, a boolean (shown Yes/No) or null (empty).
    Rows shorter than the widest row (or than `columns`) end with one empty cell spanning
    the missing columns."""
    caption: str | None = None
    """A title for the table, shown above it and used as its accessible name."""

    @property
    def width(self) -> int:
        """Number of cells per rendered row: the columns or the widest row, if wider."""
        return max([len(self.columns), *(len(row) for row in self.rows)])

    @property
    def numeric_columns(self) -> frozenset[int]:
        """Indexes of columns whose cells are all numbers or empty (right-aligned)."""
        numeric: set[int] = set()
        mixed: set[int] = set()
        for row in self.rows:
            for index, cell in enumerate(row):
                if cell is None:
                    continue
                if isinstance(cell, int | float) and not isinstance(cell, bool):
                    numeric.add(index)
                else:
                    mixed.add(index)
        return frozenset(numeric - mixed)


def _cell(cell: str | int | float | bool | None) -> str:
    if cell is None:
        return ""
    if cell is True or cell is False:
        return "Yes" if cell else "No"
    if isinstance(cell, str):
        return escape_html(cell)
    return format_number(cell)


def _padding(missing: int) -> str:
    """The empty cell that fills a short row to the table's width.

    One cell spanning the missing columns, so a row costs the same whatever the widest row
    (``[]`` under a 100-column row was 100 cells: 300 times its JSON).
    """
    if missing <= 0:
        return ""
    return "<td></td>" if missing == 1 else f'<td colspan="{missing}"></td>'


def _table(element: Element[TableProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    numeric = props.numeric_columns
    width = props.width
    caption = props.caption
    if caption is None:
        parts = [f'<div class="{cls}"{ident} role="region" tabindex="0" aria-label="Table">\n']
        parts.append('<table class="genui-table__table">\n')
    else:
        label = f"{element.dom_id}-caption"
        parts = [
            f'<div class="{cls}"{ident} role="region" tabindex="0" aria-labelledby="{label}">\n',
            '<table class="genui-table__table">\n',
            f'<caption class="genui-table__caption" id="{label}">{escape_html(caption)}</caption>',
        ]
    columns = props.columns
    if columns:
        parts.append("<thead><tr>")
        for index, column in enumerate(columns):
            number_class = ' class="genui-table__num"' if index in numeric else ""
            parts.append(f'<th scope="col"{number_class}>{escape_html(column)}</th>')
        parts.append(_padding(width - len(columns)))
        parts.append("</tr></thead>\n")
    parts.append("<tbody>\n")
    # One part per row, not per cell: a part costs its string object (about 50 bytes) on
    # top of its text, more than a one-character cell's whole HTML
    for row in props.rows:
        cells = "".join(
            [
                f'<td class="genui-table__num">{_cell(cell)}</td>'
                if index in numeric
                else f"<td>{_cell(cell)}</td>"
                for index, cell in enumerate(row)
            ]
        )
        parts.append(f"<tr>{cells}{_padding(width - len(row))}</tr>\n")
    parts.append("</tbody>\n</table>\n</div>")
    return "".join(parts)


TABLE = Component(
    "Table",
    TableProps,
    "genui/table.html",
    writer=_table,
    children="none",
    description=(
        "A table of plain values: column headings and rows of cells (text, numbers,"
        " booleans or null). Numbers are right-aligned. Wide tables scroll sideways."
    ),
    example={
        "component": "Table",
        "props": {
            "caption": "Top products",
            "columns": ["Product", "Units", "In stock"],
            "rows": [["Desk lamp", 1204, True], ["Notebook", 860.5, False], ["Pen", None]],
        },
    },
)


class ProgressProps(PropsModel):
    """A progress bar: how far ``value`` has come out of ``max``."""

    value: Annotated[float, Field(ge=0)]
    """Amount done, from 0 to `max`; values above `max` show as complete."""
    max: Annotated[float, Field(gt=0)] = 100
    """The amount that means complete (default 100, so `value` is a percentage)."""
    label: str | None = None
    """What is progressing, shown above the bar and used as its accessible name."""

    @property
    def bounded_value(self) -> float:
        """``value`` clamped to ``max``."""
        return min(self.value, self.max)

    @property
    def percent(self) -> int:
        """The bounded value as a whole percentage of ``max`` (0-100)."""
        return round(self.bounded_value / self.max * 100)


def _progress(element: Element[ProgressProps]) -> str:
    props = element.props
    ident = element.identity_attrs()
    cls = element.css_class
    bar = f"{element.dom_id}-bar"
    percent = props.percent
    label = props.label
    header = (
        ""
        if label is None
        else f'<label class="genui-progress__label" for="{bar}">{escape_html(label)}</label>'
    )
    unnamed = ' aria-label="Progress"' if label is None else ""
    return (
        f'<div class="{cls}"{ident}>\n'
        f'<div class="genui-progress__header">{header}'
        f'<span class="genui-progress__percent" aria-hidden="true">{percent}%</span></div>\n'
        f'<progress class="genui-progress__bar" id="{bar}"'
        f' value="{format_number(props.bounded_value)}" max="{format_number(props.max)}"'
        f"{unnamed}>{percent}%</progress>\n</div>"
    )


PROGRESS = Component(
    "Progress",
    ProgressProps,
    "genui/progress.html",
    writer=_progress,
    children="none",
    description=(
        "A horizontal progress bar with an optional label and the percentage done;"
        " value counts up to max (default 100)."
    ),
    example={"component": "Progress", "props": {"label": "Upload", "value": 42}},
)
