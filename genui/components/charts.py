"""Charts drawn on the server as SVG: bar, line and area, and the sparkline of a Stat.

Everything is computed here, without dependencies and deterministically: the value axis
gets "nice" ticks (1, 2 or 5 times a power of ten) whatever the magnitudes, from
subnormal to the largest float, without overflow or NaN. The SVG carries no script, no
``foreignObject``, no ``href`` and no inline style: colours come from CSS classes that read
the ``--genui-chart-1..8`` custom properties (light and dark in genui.css). Every text is
escaped. The chart is ``role="img"`` named by its ``<title>``, described by its
``<desc>``, and its data follows in a ``<details>`` table for screen readers.

The data limits (:attr:`~genui.Limits.max_chart_series`, :attr:`~genui.Limits.max_chart_points`)
are read from the validation context (:data:`~genui.limits.CONTEXT_LIMITS`); the JSON
Schema states their defaults.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Final, Literal, TypeAlias

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from genui.components.base import PropsModel
from genui.htmltext import escape_html, format_number
from genui.limits import CONTEXT_LIMITS, DEFAULT_LIMITS, Limits
from genui.registry import Component
from genui.writing import Element

__all__ = [
    "CHART",
    "PALETTE_SIZE",
    "ChartKind",
    "ChartProps",
    "ChartSeries",
    "Point",
    "check_points",
    "sparkline_svg",
]

ChartKind = Literal["bar", "line", "area"]
"""How a Chart draws its series: grouped bars, lines, or lines with the area below filled."""
Point: TypeAlias = int | float | None
"""One value of a series; null leaves a gap (no bar, a break in the line)."""

PALETTE_SIZE: Final = 8
"""Colours in the chart palette (``--genui-chart-1`` to ``-8``); series beyond reuse them."""

_WIDTH: Final = 640
_HEIGHT: Final = 320
_LEFT: Final = 64
_RIGHT: Final = 16
_TOP: Final = 16
_BOTTOM: Final = 36
_AXIS_TITLE: Final = 20
"""Room an axis title takes (below the x labels, left of the y ticks)."""
_TICKS: Final = 5
"""Ticks the value axis aims at."""
_MAX_X_LABELS: Final = 8
"""Most category labels written under the axis; more are thinned to every n-th."""
_LABEL_CHARS: Final = 14
"""Longest category label written in the SVG (the data table has them whole)."""
_MARKERS_UP_TO: Final = 24
"""Lines with at most this many points get a dot at every point."""


def _limits(info: ValidationInfo) -> Limits:
    context = info.context
    limits = context.get(CONTEXT_LIMITS) if isinstance(context, dict) else None
    return limits if isinstance(limits, Limits) else DEFAULT_LIMITS


def _check_count(count: int, most: int, what: str, limit: str) -> None:
    """Refuse ``count`` items over ``most``, the :class:`~genui.Limits` field ``limit``."""
    if count > most:
        raise PydanticCustomError(
            "too_long",
            "more than {most} {what} (Limits.{limit})",
            {"most": most, "what": what, "limit": limit},
        )


def check_points(values: list[Point], info: ValidationInfo) -> list[Point]:
    """Refuse more points than :attr:`~genui.Limits.max_chart_points` (``too_long``)."""
    _check_count(len(values), _limits(info).max_chart_points, "points", "max_chart_points")
    return values


_POINTS_SCHEMA: Final = {"maxItems": DEFAULT_LIMITS.max_chart_points}
_SERIES_SCHEMA: Final = {"maxItems": DEFAULT_LIMITS.max_chart_series}


class ChartSeries(PropsModel):
    """One named series of a Chart: a value per label."""

    name: str
    """What the series measures, shown in the legend and the data table, e.g. `Revenue`."""
    values: Annotated[list[Point], Field(json_schema_extra=_POINTS_SCHEMA)]
    """One number per label, in the same order; null for a missing value."""

    _check_values = field_validator("values")(check_points)


class ChartProps(PropsModel):
    """A bar, line or area chart of one or more series over categories."""

    title: str
    """What the chart shows; its heading and accessible name."""
    kind: ChartKind = "bar"
    """`bar` (grouped bars), `line` or `area` (a line with the area below it filled)."""
    labels: Annotated[list[str], Field(min_length=1, json_schema_extra=_POINTS_SCHEMA)]
    """The categories along the horizontal axis, left to right, e.g. months."""
    series: Annotated[list[ChartSeries], Field(min_length=1, json_schema_extra=_SERIES_SCHEMA)]
    """The data: each series has a name and one value per label. A series shorter than
    the labels has gaps at the end; values past the last label get unlabelled categories.
    Several series get a legend."""
    description: str | None = None
    """A sentence on what the chart shows (its accessible description); by default one
    is written from the data."""
    x_label: str | None = None
    """Title of the horizontal axis, e.g. `Month`."""
    y_label: str | None = None
    """Title of the vertical axis, e.g. `Revenue (USD)`."""

    @property
    def categories(self) -> list[str]:
        """The labels, padded with empty ones to the longest series."""
        longest = max(len(one.values) for one in self.series)
        return self.labels + [""] * (longest - len(self.labels))

    def value(self, series: ChartSeries, index: int) -> Point:
        """The value of ``series`` at category ``index`` (None past its end)."""
        return series.values[index] if index < len(series.values) else None

    @field_validator("labels")
    @classmethod
    def _check_labels(cls, labels: list[str], info: ValidationInfo) -> list[str]:
        _check_count(len(labels), _limits(info).max_chart_points, "labels", "max_chart_points")
        return labels

    @field_validator("series")
    @classmethod
    def _check_series(cls, series: list[ChartSeries], info: ValidationInfo) -> list[ChartSeries]:
        _check_count(len(series), _limits(info).max_chart_series, "series", "max_chart_series")
        return series


# --------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------


def _coordinate(value: float) -> str:
    """A coordinate rounded to 2 decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _exponent(value: float) -> int:
    """The power of ten of ``value``'s leading digit (``value`` finite and non-zero)."""
    return Decimal(repr(abs(value))).adjusted()


def _scaled(value: float, exponent: int) -> float:
    """``value / 10**exponent``, in two steps so that neither factor overflows."""
    half = exponent // 2
    return value / 10.0**half / 10.0 ** (exponent - half)


_SUFFIXES: Final = ((12, "T"), (9, "B"), (6, "M"), (3, "k"))


def _tick_text(mantissa: Decimal, exponent: int) -> str:
    """``mantissa * 10**exponent`` compactly: ``0``, ``2.5``, ``40k``, ``1.2M``, ``3e-9``."""
    value = mantissa.scaleb(exponent)
    if value.is_zero():
        return "0"
    size = value.adjusted()
    if -4 <= size < 3:
        return _plain(value)
    for power, suffix in _SUFFIXES:
        if power <= size < power + 3:
            return _plain(value.scaleb(-power)) + suffix
    return f"{_plain(value.scaleb(-size))}e{size}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class _Axis:
    """The value axis: a domain with nice ticks, kept as ``mantissa * 10**exponent``."""

    __slots__ = ("_low", "_span", "exponent", "high", "low", "step")

    def __init__(self, values: Sequence[float], *, with_zero: bool) -> None:
        low = min(values)
        high = max(values)
        if with_zero:
            low, high = min(low, 0.0), max(high, 0.0)
        biggest = max(abs(low), abs(high))
        self.exponent = 0 if biggest == 0 else _exponent(biggest)
        low_n = _scaled(low, self.exponent)
        high_n = _scaled(high, self.exponent)  # both within about [-10, 10]
        if high_n - low_n < 1e-9:  # one value, or all equal: give them room
            if high_n == 0:
                low_n, high_n = (0.0, 1.0) if with_zero else (-1.0, 1.0)
            else:
                low_n, high_n = low_n - abs(low_n) / 2, high_n + abs(high_n) / 2
        raw = (high_n - low_n) / (_TICKS - 1)
        power = math.floor(math.log10(raw))
        base = raw / 10.0**power
        factor = next(step for step in (1, 2, 2.5, 5, 10) if base <= step * (1 + 1e-9))
        step = Decimal(repr(factor)).scaleb(power)
        self.step = step
        self.low = (Decimal(repr(low_n)) / step).to_integral_value(rounding="ROUND_FLOOR") * step
        self.high = (Decimal(repr(high_n)) / step).to_integral_value(
            rounding="ROUND_CEILING"
        ) * step
        self._low = float(self.low)
        self._span = float(self.high) - self._low

    def ticks(self) -> list[Decimal]:
        """Tick values (mantissas), from low to high."""
        count = int((self.high - self.low) / self.step)
        return [self.low + self.step * index for index in range(count + 1)]

    def fraction(self, value: float) -> float:
        """Where ``value`` sits between the domain's low (0) and high (1) end."""
        return (_scaled(value, self.exponent) - self._low) / self._span

    def tick_fraction(self, tick: Decimal) -> float:
        """Where one tick sits between the domain's low (0) and high (1) end."""
        return float((tick - self.low) / (self.high - self.low))

    def text(self, tick: Decimal) -> str:
        """The label of one tick."""
        return _tick_text(tick, self.exponent)


# --------------------------------------------------------------------------------------
# Drawing
# --------------------------------------------------------------------------------------


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "\u2026"


def _series_class(index: int) -> str:
    return f"genui-chart__series genui-chart--c{index % PALETTE_SIZE + 1}"


def _runs(points: Sequence[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """The unbroken runs of a line (nulls break it)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    return [run for run in runs if run]


def _path(run: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{_coordinate(x)} {_coordinate(y)}" for x, y in run)


def _plot(props: ChartProps) -> str:
    """The SVG body: grid and ticks, the series, the axes and their labels."""
    left = _LEFT + (_AXIS_TITLE if props.y_label else 0)
    bottom = _HEIGHT - _BOTTOM - (_AXIS_TITLE if props.x_label else 0)
    width = _WIDTH - _RIGHT - left
    height = bottom - _TOP
    numbers = [value for one in props.series for value in one.values if value is not None]
    axis = _Axis(numbers or [0.0], with_zero=props.kind != "line")
    parts: list[str] = ['<g class="genui-chart__grid">']
    for tick in axis.ticks():
        y = bottom - axis.tick_fraction(tick) * height
        parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{_coordinate(y)}" y2="{_coordinate(y)}"/>'
        )
    parts.append('</g>\n<g class="genui-chart__ticks">')
    for tick in axis.ticks():
        y = bottom - axis.tick_fraction(tick) * height
        parts.append(
            f'<text x="{left - 6}" y="{_coordinate(y + 4)}" text-anchor="end">'
            f"{escape_html(axis.text(tick))}</text>"
        )
    labels = props.categories
    count = len(labels)
    band = width / count
    every = math.ceil(count / _MAX_X_LABELS)
    for index in range(0, count, every):
        x = left + band * (index + 0.5)
        parts.append(
            f'<text x="{_coordinate(x)}" y="{bottom + 18}" text-anchor="middle">'
            f"{escape_html(_short(labels[index]))}</text>"
        )
    parts.append("</g>\n")

    def y_of(value: float) -> float:
        fraction = min(max(axis.fraction(value), 0.0), 1.0)
        return bottom - fraction * height

    baseline = y_of(0.0)
    for number, one in enumerate(props.series):
        parts.append(f'<g class="{_series_class(number)}">')
        if props.kind == "bar":
            gap = band * 0.2
            bar = (band - gap) / len(props.series)
            for index, value in enumerate(one.values):
                if value is None:
                    continue
                x = left + band * index + gap / 2 + bar * number
                y = y_of(value)
                top, size = min(y, baseline), abs(baseline - y)
                parts.append(
                    f'<rect x="{_coordinate(x)}" y="{_coordinate(top)}"'
                    f' width="{_coordinate(bar)}" height="{_coordinate(size)}"/>'
                )
        else:
            points = [
                None if value is None else (left + band * (index + 0.5), y_of(value))
                for index, value in enumerate(one.values)
            ]
            for run in _runs(points):
                if props.kind == "area" and len(run) > 1:
                    first, last = _coordinate(run[0][0]), _coordinate(run[-1][0])
                    parts.append(
                        f'<path class="genui-chart__area" d="{_path(run)}'
                        f'L{last} {_coordinate(baseline)}L{first} {_coordinate(baseline)}Z"/>'
                    )
                if len(run) > 1:
                    parts.append(f'<path class="genui-chart__line" d="{_path(run)}"/>')
                if len(run) == 1 or count <= _MARKERS_UP_TO:
                    parts.extend(
                        f'<circle class="genui-chart__dot" cx="{_coordinate(x)}"'
                        f' cy="{_coordinate(y)}" r="3"/>'
                        for x, y in run
                    )
        parts.append("</g>\n")
    parts.append(
        f'<g class="genui-chart__axis"><line x1="{left}" x2="{left + width}"'
        f' y1="{_coordinate(baseline)}" y2="{_coordinate(baseline)}"/>'
        f'<line x1="{left}" x2="{left}" y1="{_TOP}" y2="{bottom}"/></g>\n'
    )
    if props.x_label:
        parts.append(
            f'<text class="genui-chart__axis-title" x="{_coordinate(left + width / 2)}"'
            f' y="{_HEIGHT - 8}" text-anchor="middle">{escape_html(_short_title(props.x_label))}'
            "</text>\n"
        )
    if props.y_label:
        middle = _coordinate(_TOP + height / 2)
        parts.append(
            f'<text class="genui-chart__axis-title" x="14" y="{middle}" text-anchor="middle"'
            f' transform="rotate(-90 14 {middle})">{escape_html(_short_title(props.y_label))}'
            "</text>\n"
        )
    return "".join(parts)


def _short_title(text: str) -> str:
    """An axis title cut to what fits along an axis (the table keeps it whole)."""
    return text if len(text) <= 60 else text[:59] + "\u2026"


def _summary(props: ChartProps) -> str:
    """The default description: the kind, the series and each one's range."""
    kind = {"bar": "Bar chart", "line": "Line chart", "area": "Area chart"}[props.kind]
    count = len(props.categories)
    categories = "1 category" if count == 1 else f"{count} categories"
    parts = [f"{kind} of {len(props.series)} series over {categories}"]
    for one in props.series[:4]:
        numbers = [value for value in one.values if value is not None]
        if numbers:
            low, high = format_number(min(numbers)), format_number(max(numbers))
            parts.append(f"{one.name[:60]} from {low} to {high}")
    return ". ".join(parts) + "."


def _table(props: ChartProps) -> str:
    head = escape_html(props.x_label) if props.x_label else ""
    parts = [
        '<details class="genui-chart__data"><summary>Data table</summary>\n'
        '<div class="genui-chart__scroll"><table class="genui-table__table">'
    ]
    if props.y_label:
        parts.append(f'<caption class="genui-chart__unit">{escape_html(props.y_label)}</caption>')
    parts.append(f'<thead><tr><th scope="col">{head}</th>')
    parts.extend(
        f'<th scope="col" class="genui-table__num">{escape_html(one.name)}</th>'
        for one in props.series
    )
    parts.append("</tr></thead>\n<tbody>\n")
    for index, label in enumerate(props.categories):
        parts.append(f'<tr><th scope="row">{escape_html(label)}</th>')
        for one in props.series:
            value = props.value(one, index)
            shown = "" if value is None else format_number(value)
            parts.append(f'<td class="genui-table__num">{shown}</td>')
        parts.append("</tr>\n")
    parts.append("</tbody></table></div></details>")
    return "".join(parts)


def _legend(props: ChartProps) -> str:
    if len(props.series) < 2:
        return ""
    items = "".join(
        f'<li class="{_series_class(number)}"><span class="genui-chart__swatch"'
        f' aria-hidden="true"></span>{escape_html(one.name)}</li>'
        for number, one in enumerate(props.series)
    )
    return f'<ul class="genui-chart__legend">{items}</ul>\n'


def _chart(element: Element[ChartProps]) -> str:
    props = element.props
    description = props.description if props.description is not None else _summary(props)
    ident = element.identity_attrs()
    return (
        f'<figure class="{element.css_class} genui-chart--{props.kind}"{ident}>\n'
        f'<figcaption class="genui-chart__title">{escape_html(props.title)}</figcaption>\n'
        f'<svg class="genui-chart__svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img"'
        ' xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape_html(props.title)}</title><desc>{escape_html(description)}</desc>\n"
        f"{_plot(props)}</svg>\n{_legend(props)}{_table(props)}\n</figure>"
    )


CHART = Component(
    "Chart",
    ChartProps,
    "genui/chart.html",
    writer=_chart,
    children="none",
    description=(
        "A bar, line or area chart drawn as an image, with axes, a legend for several"
        " series and the data as a table. labels are the categories along the bottom; each"
        " series has a name and one number (or null) per label."
    ),
    example={
        "component": "Chart",
        "props": {
            "title": "Monthly revenue",
            "kind": "bar",
            "labels": ["Jan", "Feb", "Mar", "Apr"],
            "series": [
                {"name": "2025", "values": [12.5, 14, 13.2, 17]},
                {"name": "2026", "values": [14, 15.5, None, 19.8]},
            ],
            "y_label": "k USD",
        },
    },
)


# --------------------------------------------------------------------------------------
# Sparkline
# --------------------------------------------------------------------------------------

_SPARK_WIDTH: Final = 100
_SPARK_HEIGHT: Final = 24


def sparkline_svg(values: Sequence[int | float]) -> str:
    """A tiny decorative line of ``values`` (``aria-hidden``: the figure beside it is the text)."""
    if not values:
        return ""
    axis = _Axis(values, with_zero=False)
    last = max(len(values) - 1, 1)
    points = [
        (
            1 + (_SPARK_WIDTH - 2) * (index / last if len(values) > 1 else 0.5),
            _SPARK_HEIGHT - 2 - (_SPARK_HEIGHT - 4) * min(max(axis.fraction(value), 0.0), 1.0),
        )
        for index, value in enumerate(values)
    ]
    end_x, end_y = points[-1]
    line = f'<path class="genui-chart__line" d="{_path(points)}"/>' if len(points) > 1 else ""
    return (
        f'<svg class="genui-sparkline genui-chart--c1" viewBox="0 0 {_SPARK_WIDTH} {_SPARK_HEIGHT}"'
        ' aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'{line}<circle class="genui-chart__dot" cx="{_coordinate(end_x)}"'
        f' cy="{_coordinate(end_y)}" r="2"/></svg>'
    )
