"""Behaviour of the spec models and parsers (genui.spec, genui.limits)."""

from __future__ import annotations

import json
import math
import time
import tracemalloc
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genui import (
    DEFAULT_LIMITS,
    GenerativeUINode,
    GenerativeUISpec,
    GenerativeUIValidationError,
    Limits,
    parse_message_part,
    parse_render_gui_result,
    parse_spec,
    validate,
)
from tests.builders import chain, node
from tests.strategies import hostile_text, json_values, spec_shaped

# --- valid input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"root": "plain text"},
        {"root": 42},
        {"root": 3.5},
        {"root": node()},
        {"root": [node(), "text", 7]},
        {"root": []},
        {"root": node("Card", props={"title": "x", "nested": {"a": [1, None, True]}})},
        {"root": node("Card", key="any string / with ~ and <tags>")},
        {"root": node("ui.Card-v2_b")},
    ],
    ids=lambda data: json.dumps(data)[:60],
)
def test_valid_specs_parse_into_typed_models(data: dict[str, Any]) -> None:
    spec = parse_spec(data)
    assert isinstance(spec, GenerativeUISpec)
    assert parse_spec(json.dumps(data)) == spec
    assert parse_spec(json.dumps(data).encode()) == spec


def test_a_spec_is_returned_unchanged_when_already_parsed() -> None:
    spec = parse_spec({"root": "x"})
    assert parse_spec(spec) is spec


def test_children_given_as_a_single_node_become_a_one_item_list() -> None:
    spec = parse_spec({"root": node("Card", children=node("Text"))})
    root = spec.roots[0]
    assert isinstance(root, GenerativeUINode)
    assert len(root.children) == 1
    assert isinstance(root.children[0], GenerativeUINode)


def test_children_given_as_a_string_become_a_one_item_list() -> None:
    root = parse_spec({"root": node("Card", children="hello")}).roots[0]
    assert isinstance(root, GenerativeUINode)
    assert root.children == ["hello"]


def test_null_props_children_and_key_mean_absent() -> None:
    root = parse_spec({"root": node("Card", props=None, children=None, key=None)}).roots[0]
    assert isinstance(root, GenerativeUINode)
    assert (root.props, root.children, root.key) == ({}, [], None)


def test_models_are_frozen() -> None:
    root = parse_spec({"root": node("Card")}).roots[0]
    assert isinstance(root, GenerativeUINode)
    with pytest.raises(Exception, match="frozen"):
        root.component = "Other"  # type: ignore[misc]


# --- every error points at the offending value ------------------------------------------

BROKEN = [
    ({}, "/root", "missing_field"),
    ({"root": "x", "version": 2}, "/version", "extra_field"),
    ({"root": None}, "/root", "type_mismatch"),
    ({"root": True}, "/root", "type_mismatch"),
    ({"root": [node(), False]}, "/root/1", "type_mismatch"),
    ({"root": {"props": {}}}, "/root/component", "missing_field"),
    ({"root": node("")}, "/root/component", "invalid_name"),
    ({"root": node("__proto__")}, "/root/component", "invalid_name"),
    ({"root": node("1Card")}, "/root/component", "invalid_name"),
    ({"root": node("Card Title")}, "/root/component", "invalid_name"),
    ({"root": node("Cärd")}, "/root/component", "invalid_name"),
    ({"root": node("A" * 200)}, "/root/component", "invalid_name"),
    ({"root": node(7)}, "/root/component", "type_mismatch"),
    ({"root": node(onclick="x")}, "/root/onclick", "extra_field"),
    ({"root": node(props=[])}, "/root/props", "type_mismatch"),
    ({"root": node(props="title")}, "/root/props", "type_mismatch"),
    ({"root": node(key=5)}, "/root/key", "type_mismatch"),
    (
        {"root": [node(), node(children=[node(), node(props=3)])]},
        "/root/1/children/1/props",
        "type_mismatch",
    ),
    ({"root": node(children=[1, {"x": 1}])}, "/root/children/1/component", "missing_field"),
    ({"root": node(children=node(props=1))}, "/root/children/props", "type_mismatch"),
    ({"root": node(children=[[node()]])}, "/root/children/0", "type_mismatch"),
    ({"root": node(props={"a": {"b": [0, float("nan")]}})}, "/root/props/a/b/1", "not_finite"),
    ({"root": float("inf")}, "/root", "type_mismatch"),
    ({"root": node(props={"a": object()})}, "/root/props/a", "type_mismatch"),
]


@pytest.mark.parametrize(
    ("data", "path", "code"), BROKEN, ids=[f"{p or '/'} {c}" for _, p, c in BROKEN]
)
def test_each_error_names_the_path_and_code_of_the_offending_value(
    data: Any, path: str, code: str
) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(data)
    assert (path, code) in [(e.path, e.code) for e in info.value.errors], info.value.errors


def test_the_first_problem_of_a_list_is_reported_and_validate_reports_all() -> None:
    data = {"root": [node("_bad"), node(props=1), True]}
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(data)
    assert {e.path for e in info.value.errors} == {"/root/0/component"}
    assert {e.path for e in validate(data).errors} >= {
        "/root/0/component",
        "/root/1/props",
        "/root/2",
    }
    nested = {"root": {"component": "Card", "props": 1, "children": [True, node("_bad")]}}
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(nested)
    assert {e.path for e in info.value.errors} == {"/root/props", "/root/children/0"}


def test_many_bad_siblings_cost_one_error_not_one_each() -> None:
    deep: Any = {"component": "Stack", "children": [{"$type": "Divider"}] * 20_000}
    for _ in range(DEFAULT_LIMITS.max_depth - 2):
        deep = {"component": "Stack", "children": [deep]}
    text = json.dumps({"root": deep})
    tracemalloc.start()
    try:
        with pytest.raises(GenerativeUIValidationError) as info:
            parse_spec(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(info.value.errors) <= 2  # the first child's two problems (40,000 before)
    assert peak < 40 * len(text)


def test_error_string_lists_every_detail_readably() -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec({"root": {"component": "_bad", "props": 1}})
    text = str(info.value)
    assert "2 errors" in text
    assert "/root/component" in text
    assert "/root/props" in text


def test_errors_serialize_to_json_for_http_422_bodies() -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec({"root": True})
    body = json.loads(json.dumps(info.value.to_dict()))
    assert body["errors"][0] == {
        "path": "/root",
        "code": "type_mismatch",
        "message": info.value.errors[0].message,
        "hint": info.value.errors[0].hint,
    }


def test_validation_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        parse_spec("{")


# --- JSON text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ['{"root": NaN}', '{"root": Infinity}', '{"root": -Infinity}', '{"root": 1e999}']
)
def test_non_standard_json_numbers_are_rejected(text: str) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(text)
    assert info.value.errors[0].code in {"invalid_json", "not_finite", "type_mismatch"}


@pytest.mark.parametrize(
    "text", ["", "   ", "{", '{"root": "x"} trailing', "{'root': 1}", '"\\ud800"', b"\xff\xfe"]
)
def test_malformed_json_is_an_invalid_json_error(text: str | bytes) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(text)
    assert info.value.errors[0].code == "invalid_json"
    assert info.value.errors[0].path == ""


def test_utf8_bom_is_accepted_in_bytes() -> None:
    assert parse_spec(b'\xef\xbb\xbf{"root": "x"}').root == "x"


# --- limits ---------------------------------------------------------------------------------


def test_a_100000_deep_json_text_is_rejected_fast_as_too_deep() -> None:
    text = '{"root": ' + "[" * 100_000 + "]" * 100_000 + "}"
    started = time.perf_counter()
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(text)
    assert info.value.errors[0].code == "too_deep"
    assert time.perf_counter() - started < 5  # generous: a hang, not a benchmark


def test_a_100000_deep_decoded_spec_is_rejected_without_recursion_error() -> None:
    data: dict[str, Any] = {"root": None}
    holder: dict[str, Any] = data
    slot = "root"
    for _ in range(100_000):
        child: dict[str, Any] = {"component": "Stack", "children": []}
        holder[slot] = child if slot == "root" else [child]
        holder, slot = child, "children"
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(data)
    assert info.value.errors[0].code == "too_deep"
    assert info.value.errors[0].path.startswith("/root/children/0/children/0")


def test_node_depth_limit_counts_component_nesting() -> None:
    deepest = DEFAULT_LIMITS.max_depth
    parse_spec({"root": chain(deepest)})
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec({"root": chain(deepest + 1)})
    assert info.value.errors[0].code == "too_deep"
    assert parse_spec({"root": chain(10)}, limits=Limits(max_depth=10))
    with pytest.raises(GenerativeUIValidationError):
        parse_spec({"root": chain(11)}, limits=Limits(max_depth=10))


def test_a_500000_node_spec_is_rejected_with_bounded_memory() -> None:
    text = json.dumps({"root": ["x"] * 500_000})
    tracemalloc.start()
    try:
        with pytest.raises(GenerativeUIValidationError) as info:
            parse_spec(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.errors[0].code == "too_many_nodes"
    assert peak < 200 * 1024 * 1024


def test_self_referencing_input_is_rejected_not_looped_on() -> None:
    data: dict[str, Any] = {"root": {"component": "Card", "props": {}}}
    data["root"]["props"]["self"] = data
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(data)
    assert info.value.errors[0].code == "too_deep"


@pytest.mark.parametrize(
    ("limits", "data", "code", "path"),
    [
        (Limits(max_string_length=10), {"root": "x" * 11}, "too_long", "/root"),
        (
            Limits(max_string_length=10),
            {"root": node(props={"k" * 11: 1})},
            "too_long",
            "/root/props",
        ),
        (
            Limits(max_props_per_node=2),
            {"root": node(props=dict.fromkeys("abc", 1))},
            "too_many_props",
            "/root/props",
        ),
        (
            Limits(max_nodes=3),
            {"root": [node(), node(), node(children=["a"])]},
            "too_many_nodes",
            None,
        ),
        (
            Limits(max_values=5),
            {"root": node(props={"rows": list(range(10))})},
            "too_many_values",
            None,
        ),
        (
            Limits(max_json_depth=4),
            {"root": node(props={"a": [[[1]]]})},
            "too_deep",
            "/root/props/a/0",
        ),
    ],
)
def test_each_limit_is_enforced_with_a_path(
    limits: Limits, data: Any, code: str, path: str | None
) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec(data, limits=limits)
    assert info.value.errors[0].code == code
    if path is not None:
        assert info.value.errors[0].path == path


def test_input_bytes_limit_is_checked_before_decoding() -> None:
    limits = Limits(max_input_bytes=100)
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_spec('{"root": "' + "é" * 60 + '"}', limits=limits)
    assert info.value.errors[0].code == "too_large"
    with pytest.raises(GenerativeUIValidationError):
        parse_spec(b"[" * 101, limits=limits)


@pytest.mark.parametrize("number", [2**63, -(2**63), -(2**63) - 1, 10**40])
def test_integers_must_fit_in_64_bits(number: int) -> None:
    assert parse_spec({"root": 2**63 - 1}).root == 2**63 - 1
    assert parse_spec({"root": -(2**63) + 1}).root == -(2**63) + 1
    for data in ({"root": number}, {"root": node(props={"n": [number]})}):
        with pytest.raises(GenerativeUIValidationError) as info:
            parse_spec(json.dumps(data))
        assert info.value.errors[0].code == "number_too_large"


def test_limits_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Limits().max_depth = 5  # type: ignore[misc]


# --- envelopes ------------------------------------------------------------------------------


def test_message_part_envelope_yields_its_spec() -> None:
    part = {"type": "generative-ui", "spec": {"root": node()}}
    assert parse_message_part(part) == parse_spec({"root": node()})
    assert parse_message_part(json.dumps(part)) == parse_spec({"root": node()})


@pytest.mark.parametrize(
    ("part", "path", "code"),
    [
        ({"type": "text", "spec": {"root": "x"}}, "/type", "invalid_value"),
        ({"spec": {"root": "x"}}, "/type", "missing_field"),
        ({"type": "generative-ui"}, "/spec", "missing_field"),
        ({"type": "generative-ui", "spec": {"root": "x"}, "x": 1}, "/x", "extra_field"),
        ({"type": "generative-ui", "spec": {"root": [True]}}, "/spec/root/0", "type_mismatch"),
        ([], "", "type_mismatch"),
    ],
)
def test_message_part_errors_point_into_the_part(part: Any, path: str, code: str) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_message_part(part)
    assert (path, code) in [(e.path, e.code) for e in info.value.errors]


@pytest.mark.parametrize(
    "result",
    [
        {"spec": {"root": "x"}},
        {"root": "x"},
        '{"spec": {"root": "x"}}',
        '{"root": "x"}',
        {"spec": '{"root": "x"}'},
    ],
)
def test_render_gui_tool_result_accepts_every_documented_form(result: Any) -> None:
    assert parse_render_gui_result(result).root == "x"


def test_render_gui_result_errors_point_into_the_result() -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        parse_render_gui_result({"spec": {"root": [node(props=1)]}})
    assert info.value.errors[0].path == "/spec/root/0/props"


# --- properties -----------------------------------------------------------------------------


def _only_result_or_validation_error(data: Any) -> None:
    try:
        spec = parse_spec(data)
    except GenerativeUIValidationError as error:
        assert error.errors
        for detail in error.errors:
            assert detail.path == "" or detail.path.startswith("/")
            assert detail.code
        return
    assert isinstance(spec, GenerativeUISpec)


@given(json_values())
def test_arbitrary_json_values_give_a_spec_or_a_validation_error(data: Any) -> None:
    _only_result_or_validation_error(data)
    _only_result_or_validation_error({"root": data})


@given(spec_shaped())
def test_spec_shaped_hostile_input_gives_a_spec_or_a_validation_error(data: Any) -> None:
    _only_result_or_validation_error(data)
    try:
        text = json.dumps(data)
    except (ValueError, TypeError):
        return
    _only_result_or_validation_error(text)


@given(st.text() | st.binary())
def test_arbitrary_text_and_bytes_give_a_spec_or_a_validation_error(data: str | bytes) -> None:
    _only_result_or_validation_error(data)


@given(hostile_text())
def test_hostile_strings_survive_as_text_leaves_exactly(text: str) -> None:
    spec = parse_spec({"root": [text, node(props={"t": text}, key=text)]})
    assert spec.roots[0] == text


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_numbers_are_accepted_only_when_finite(number: float) -> None:
    if math.isfinite(number):
        assert parse_spec({"root": number}).root == number
    else:
        with pytest.raises(GenerativeUIValidationError):
            parse_spec({"root": number})
