"""Chart and Stat.sparkline: safe SVG whatever the text, always rendered within the limits."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui import GenerativeUIValidationError, Limits, Renderer, validate
from genui.components.charts import PALETTE_SIZE, ChartKind
from tests.html_parsing import elements, parse_errors

CORPUS = Path(__file__).resolve().parent / "corpora" / "xss_payloads.json"
PAYLOADS: list[str] = json.loads(CORPUS.read_text(encoding="utf-8"))
KINDS: tuple[ChartKind, ...] = ("bar", "line", "area")
RENDERER = Renderer()
LIMITS = Limits()

FORBIDDEN_ELEMENTS = frozenset({"script", "style", "foreignobject", "iframe", "object", "embed"})
URL_ATTRIBUTES = frozenset({"href", "xlink:href", "src", "action", "formaction", "srcset"})


def chart(**props: Any) -> dict[str, Any]:
    """A Chart node: a bar chart of one series over two labels unless ``props`` say more."""
    base: dict[str, Any] = {
        "title": "Sales",
        "labels": ["Q1", "Q2"],
        "series": [{"name": "2026", "values": [1, 2]}],
    }
    return {"component": "Chart", "props": {**base, **props}}


def render(node: dict[str, Any], renderer: Renderer = RENDERER) -> str:
    return str(renderer.render({"root": node}))


def violations(html: str) -> list[str]:
    """What in ``html`` could run or load anything: script-like elements, event or URL
    attributes, inline styles, ``url(`` references."""
    found = []
    for element in elements(html):
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"<{tag}>")
        for name, value in element.attrib.items():
            attribute = (name[1] if isinstance(name, tuple) else str(name)).lower()
            attribute = attribute.rsplit("}", 1)[-1]
            if attribute.startswith("on") or attribute in URL_ATTRIBUTES or attribute == "style":
                found.append(f"{tag}[{attribute}]")
            if "url(" in value.replace(" ", "").lower():
                found.append(f"{tag}[{attribute}]=url(")
    return found


def hostile_chart(payload: str, kind: ChartKind) -> dict[str, Any]:
    """A chart with ``payload`` in every text prop: title, description, labels, series names
    and axis titles."""
    return chart(
        kind=kind,
        title=payload,
        description=payload,
        labels=[payload, "b", payload],
        series=[{"name": payload, "values": [1, None, -2]}, {"name": "x", "values": [3, 4, 5]}],
        x_label=payload,
        y_label=payload,
    )


def test_no_chart_carries_script_events_foreign_objects_or_references() -> None:
    """Every corpus payload in every text prop, the kinds in turn: nothing that can run or
    load, the payload escaped in the SVG and the data table, no parse error."""
    checked = 0
    for index, payload in enumerate(PAYLOADS):
        html = render(hostile_chart(payload, KINDS[index % len(KINDS)]))
        assert violations(html) == [], payload
        checked += 1
    assert checked == len(PAYLOADS) > 2_000


@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_chart_of_each_kind_parses_cleanly(kind: ChartKind) -> None:
    payload = "<script>alert(1)</script>\"'&</title></svg><img src=x onerror=alert(1)>"
    html = render(hostile_chart(payload, kind))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert parse_errors(html) == []
    assert violations(html) == []


def test_the_svg_is_an_image_named_by_its_first_children_without_ids() -> None:
    html = render(chart(description="Sales doubled."))
    svg = re.search(r"<svg[^>]*>", html)
    assert svg is not None
    assert 'role="img"' in svg.group(0)
    assert "id=" not in html
    assert "aria-labelledby" not in html
    after = html[svg.end() :]
    assert after.startswith("<title>Sales</title><desc>Sales doubled.</desc>")
    assert "<details" in html and "<table" in html


@pytest.mark.parametrize(
    "values",
    [
        [5, 5, 5],
        [0, 0, 0],
        [-3, -1, -2],
        [None, None, None],
        [1e308, -1.7976931348623157e308, 5e-324],
        [5e-324, 1e-320, 0],
        [2**63 - 1, -(2**63 - 1), 0],
        [1e-9, 2e-9, 3e-9],
        [None, 1, None],
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_edge_values_draw_finite_coordinates(values: list[Any], kind: ChartKind) -> None:
    html = render(
        chart(kind=kind, labels=["a", "b", "c"], series=[{"name": "s", "values": values}])
    )
    assert "nan" not in html.lower().replace("genui", "")
    assert "inf" not in html.lower()
    for number in re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', html):
        assert math.isfinite(float(number)) and -1 <= float(number) <= 700, number
    assert parse_errors(html) == []


def test_a_single_point_is_a_dot_and_nulls_break_the_line() -> None:
    single = render(chart(kind="line", labels=["only"], series=[{"name": "s", "values": [3]}]))
    assert single.count("<circle") == 1
    broken = render(
        chart(
            kind="line",
            labels=[str(index) for index in range(30)],
            series=[{"name": "s", "values": [*range(10), None, *range(19)]}],
        )
    )
    assert broken.count('class="genui-chart__line"') == 2


def test_many_labels_are_thinned_and_long_ones_shortened() -> None:
    labels = [f"category number {index}" for index in range(100)]
    html = render(chart(labels=labels, series=[{"name": "s", "values": list(range(100))}]))
    ticks = re.search(r'<g class="genui-chart__ticks">(.*?)</g>', html, re.S)
    assert ticks is not None
    written = re.findall(r'text-anchor="middle">([^<]*)</text>', ticks.group(1))
    assert 0 < len(written) <= 10
    assert all(len(label) <= 14 for label in written)
    assert html.count('<th scope="row">') == 100


def test_ticks_are_nice_and_compact() -> None:
    html = render(chart(series=[{"name": "s", "values": [0, 1_234_567]}]))
    ticks = re.findall(r'text-anchor="end">([^<]*)</text>', html)
    assert ticks == ["0", "500k", "1M", "1.5M"]


def test_series_get_palette_classes_and_a_legend_only_when_several() -> None:
    one = render(chart())
    assert "genui-chart__legend" not in one
    many = render(
        chart(series=[{"name": f"s{index}", "values": [1, 2]} for index in range(PALETTE_SIZE + 1)])
    )
    assert "genui-chart__legend" in many
    assert many.count("genui-chart--c1") == 4  # series 1 and 9: their group and legend item


def test_a_short_series_ends_in_gaps_and_a_long_one_adds_categories() -> None:
    html = render(
        chart(
            labels=["a", "b"],
            series=[{"name": "s", "values": [1]}, {"name": "t", "values": [1, 2, 3]}],
        )
    )
    assert html.count('<th scope="row">') == 3
    assert '<tr><th scope="row"></th><td class="genui-table__num"></td>' in html


@pytest.mark.parametrize(
    ("props", "pointer", "limit"),
    [
        (
            {"series": [{"name": "s", "values": [1]}] * 13, "labels": ["a"]},
            "/root/props/series",
            12,
        ),
        (
            {"labels": ["a"] * 501, "series": [{"name": "s", "values": [1]}]},
            "/root/props/labels",
            500,
        ),
        (
            {"labels": ["a"], "series": [{"name": "s", "values": [1] * 501}]},
            "/root/props/series/0/values",
            500,
        ),
    ],
)
def test_over_the_limits_is_a_typed_error_with_its_path_and_hint(
    props: dict[str, Any], pointer: str, limit: int
) -> None:
    result = validate({"root": chart(**props)})
    error = next(detail for detail in result.errors if detail.path == pointer)
    assert error.code == "too_long"
    assert str(limit) in error.message
    assert error.hint


def test_the_limits_come_from_the_renderer() -> None:
    small = Limits(max_chart_series=1, max_chart_points=2)
    spec = {"root": chart(labels=["a", "b", "c"], series=[{"name": "s", "values": [1, 2, 3]}])}
    assert validate(spec, limits=small).errors
    with pytest.raises(GenerativeUIValidationError):
        Renderer(limits=small).render(spec)
    assert not validate(spec).errors
    wide = Limits(max_chart_points=600)
    big = {"root": chart(labels=["a"] * 600, series=[{"name": "s", "values": [1] * 600}])}
    assert not validate(big, limits=wide).errors
    assert validate(big).errors


def test_the_catalog_schema_states_the_default_limits() -> None:
    from genui.components.charts import ChartProps

    schema = ChartProps.model_json_schema()
    assert schema["properties"]["series"]["maxItems"] == LIMITS.max_chart_series
    assert schema["properties"]["labels"]["maxItems"] == LIMITS.max_chart_points
    assert schema["$defs"]["ChartSeries"]["properties"]["values"]["maxItems"] == (
        LIMITS.max_chart_points
    )


def test_a_sparkline_is_decorative_and_within_limits() -> None:
    html = render(
        {"component": "Stat", "props": {"label": "R", "value": 3, "sparkline": [1, 3, 2]}}
    )
    assert '<svg class="genui-sparkline' in html and 'aria-hidden="true"' in html
    assert violations(html) == [] and parse_errors(html) == []
    over = validate(
        {"root": {"component": "Stat", "props": {"label": "R", "value": 1, "sparkline": [1] * 501}}}
    )
    assert next((d.path, d.code) for d in over.errors) == ("/root/props/sparkline", "too_long")


NUMBERS = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63 - 1), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
)


@st.composite
def charts_within_limits(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(min_value=1, max_value=LIMITS.max_chart_points))
    names = st.text(max_size=20)
    series = draw(
        st.lists(
            st.builds(
                lambda name, values: {"name": name, "values": values},
                names,
                st.lists(NUMBERS, min_size=0, max_size=count),
            ),
            min_size=1,
            max_size=LIMITS.max_chart_series,
        )
    )
    return chart(
        kind=draw(st.sampled_from(KINDS)),
        title=draw(names),
        labels=draw(st.lists(names, min_size=count, max_size=count)),
        series=series,
    )


@settings(max_examples=60, deadline=None)
@given(charts_within_limits())
def test_random_data_within_the_limits_always_renders(node: dict[str, Any]) -> None:
    html = render(node)
    assert 'role="img"' in html
    for number in re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', html):
        assert math.isfinite(float(number))


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5))
def test_random_data_over_a_limit_is_a_typed_error(extra_series: int, extra_points: int) -> None:
    small = Limits(max_chart_series=2, max_chart_points=3)
    series = [{"name": "s", "values": [1]}] * (2 + extra_series)
    result = validate({"root": chart(labels=["a"], series=series)}, limits=small)
    assert next((d.path, d.code) for d in result.errors) == ("/root/props/series", "too_long")
    labels = ["a"] * (3 + extra_points)
    result = validate({"root": chart(labels=labels)}, limits=small)
    assert next((d.path, d.code) for d in result.errors) == ("/root/props/labels", "too_long")
