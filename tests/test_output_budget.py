"""Limits.max_output_chars: a render stops at the node that crosses it, on every path.

The charges of :class:`genui.render.OutputBudget` add up to the output's length exactly, so
a limit of that length passes and one less refuses, at the same node whether the spec came
as data or as JSON text (the one-pass path), from a cache, or through a stream.
"""

from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from jinja2 import DictLoader
from pydantic import BaseModel, ConfigDict

from genui import (
    Component,
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
    Limits,
    RenderCache,
    Renderer,
    SpecStream,
    default_registry,
    validate,
)
from genui.errors import MESSAGE_DETAILS, ErrorDetail

SPEC: dict[str, Any] = {
    "root": [
        "a <root> leaf",
        {
            "component": "Stack",
            "key": 'k"',
            "children": [
                {"component": "Text", "props": {"text": "<b>hi</b>"}},
                {"component": "Card", "props": {"title": "T"}, "children": ["x" * 40, 12.5]},
                {"component": "Table", "props": {"columns": ["a", "b"], "rows": [["1"], []]}},
            ],
        },
        7,
    ]
}


def _render(spec: Any, limit: int, form: str) -> tuple[str | None, str | None]:
    """(html, None) or (None, the refused node's path)."""
    renderer = Renderer(limits=Limits(max_output_chars=limit))
    try:
        return renderer.render(json.dumps(spec) if form == "text" else spec), None
    except GenerativeUIRenderError as error:
        assert error.code == "output_too_large"
        assert [detail.code for detail in error.errors] == ["output_too_large"]
        return None, error.path


@pytest.mark.parametrize("form", ["data", "text"])
def test_the_limit_is_the_output_length_exactly(form: str) -> None:
    full = Renderer().render(SPEC)
    html, _ = _render(SPEC, len(full), form)
    assert html == full
    html, path = _render(SPEC, len(full) - 1, form)
    assert html is None
    assert path == "/root/2"  # the last thing written crosses it


def test_data_and_text_are_refused_at_the_same_node() -> None:
    full = len(Renderer().render(SPEC))
    for limit in range(0, full, 7):
        assert _render(SPEC, limit, "data")[1] == _render(SPEC, limit, "text")[1], limit


def test_a_cached_render_charges_the_cached_subtrees() -> None:
    full = len(Renderer().render(SPEC))
    renderer = Renderer(limits=Limits(max_output_chars=full - 1))
    cache = RenderCache()
    wide = Renderer()
    assert wide.render_with_report(SPEC, cache=cache).html  # fills the cache
    with pytest.raises(GenerativeUIRenderError) as raised:
        renderer.render_with_report(SPEC, cache=cache)
    assert raised.value.code == "output_too_large"


class _TwiceProps(BaseModel):
    """A container whose (app) template writes its children twice."""

    model_config = ConfigDict(extra="forbid")


def _doubling_renderer(limit: int) -> Renderer:
    twice = Component("Twice", _TwiceProps, "twice.html", children="any")
    registry = default_registry().extend(twice)
    template = "<div{{ node.attrs() }}>{{ children }}{{ children }}</div>"
    return Renderer(
        registry,
        loaders=[DictLoader({"twice.html": template})],
        limits=Limits(max_output_chars=limit),
    )


def test_a_template_that_doubles_its_children_is_stopped_early() -> None:
    spec: Any = "x" * 1_000
    for _ in range(30):  # 2**30 copies of the leaf (a TB), were it written out
        spec = {"component": "Twice", "children": [spec]}
    renderer = _doubling_renderer(1_000_000)
    tracemalloc.start()
    try:
        with pytest.raises(GenerativeUIRenderError) as raised:
            renderer.render({"root": spec})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert raised.value.code == "output_too_large"
    assert peak < 16 * 1_000_000  # a few copies of the limit, not 2**40 of the leaf


def test_a_stream_refuses_a_patch_whose_page_is_too_long_and_stays_as_it_was() -> None:
    stream = SpecStream(renderer=Renderer(limits=Limits(max_output_chars=2_000)))
    stream.apply([{"op": "add", "path": "/root", "value": ["start"]}])
    before = (stream.version, stream.html())
    with pytest.raises(GenerativeUIError) as raised:
        stream.apply([{"op": "add", "path": "/root/-", "value": "<" * 600}])
    codes = [detail.code for detail in getattr(raised.value, "errors", (raised.value,))]
    assert "output_too_large" in codes or raised.value.code == "output_too_large", raised.value
    assert isinstance(raised.value, GenerativeUIPatchError | GenerativeUIRenderError)
    assert (stream.version, stream.html()) == before


def test_the_default_is_far_above_what_a_spec_within_the_input_limit_writes_normally() -> None:
    limits = Limits()
    assert limits.max_output_chars >= 4 * limits.max_input_bytes


def test_a_message_lists_the_first_problems_and_counts_the_rest() -> None:
    details = [ErrorDetail(f"/root/{index}", "unknown_prop", "no such") for index in range(500)]
    error = GenerativeUIValidationError(details)
    lines = str(error).splitlines()
    assert len(lines) == 1 + MESSAGE_DETAILS + 1
    assert lines[0] == "invalid generative UI spec (500 errors):"
    assert lines[-1] == f"  ... and {500 - MESSAGE_DETAILS} more (see .errors)"
    assert len(error.errors) == 500
    few = GenerativeUIValidationError(details[:MESSAGE_DETAILS])
    assert len(str(few).splitlines()) == 1 + MESSAGE_DETAILS  # no "more" line


def test_a_spec_of_many_bad_nodes_raises_a_short_message() -> None:
    spec = {"root": [{"component": "Text", "props": {"text": "t", "bad": 1}}] * 5_000}
    result = validate(spec)
    assert len(result.errors) == 5_000
    with pytest.raises(GenerativeUIValidationError) as raised:
        Renderer().render(spec)
    assert len(str(raised.value)) < 8_000  # 20 problems with their hints
    assert len(raised.value.errors) == 5_000
