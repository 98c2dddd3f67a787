"""The limit check with the JSON text at hand agrees with the full scan (genui.limits).

``check_limits(value, limits, text=...)`` proves the per-scalar limits from bounds read off
the text and then walks only the containers; whenever a bound fails or a limit is exceeded,
the full scan runs. These tests hold it to the full scan: same verdict, same first error
(path, code and message), on hand-picked cases for every error code and on generated input.
"""

from __future__ import annotations

import functools
import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.corpus import spec_text
from genui import (
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIValidationError,
    Limits,
    SpecStream,
    apply_patch,
    parse_message_part,
    parse_render_gui_result,
    parse_spec,
    validate,
)
from genui.errors import ErrorDetail
from genui.limits import DEFAULT_LIMITS, MAX_INTEGER, _scalars_within_limits, check_limits
from genui.spec import decode_json
from tests import examples
from tests.builders import chain, node

Outcome = tuple[ErrorDetail, ...] | None
"""What a check gave: None when it passed, else the error details in order."""


def outcome(check: Any, *args: Any, **kwargs: Any) -> Outcome:
    try:
        check(*args, **kwargs)
    except GenerativeUIValidationError as error:
        return error.errors
    return None


def assert_text_check_agrees(text: str, limits: Limits, prefix: tuple[str | int, ...] = ()) -> None:
    """The check given the text and the full scan of the decoded value agree exactly."""
    value = decode_json(text)
    full = outcome(check_limits, value, limits, prefix=prefix)
    assert outcome(check_limits, value, limits, prefix=prefix, text=text) == full
    assert outcome(check_limits, value, limits, prefix=prefix, text=text.encode()) == full
    if not isinstance(value, str):  # (parse_spec reads a str as JSON text)
        parsed = outcome(parse_spec, value, limits=limits)
        assert outcome(parse_spec, text, limits=limits) == parsed
        assert outcome(parse_spec, text.encode(), limits=limits) == parsed


# --- every error code, through the text and through the decoded value ------------------------

SMALL = Limits(max_depth=3, max_json_depth=6, max_nodes=5, max_props_per_node=3)
"""Small limits on structure only: the text bounds still prove the scalar limits."""

CASES = [
    # (limits, spec, code, path, whether the text bounds prove the scalar limits)
    (SMALL, {"root": node(props={"a": [[[[1]]]]})}, "too_deep", "/root/props/a/0/0/0", True),
    (SMALL, {"root": [[[[[[[1]]]]]]]}, "too_deep", "/root/0/0/0/0/0", True),
    (SMALL, {"root": [{"x": [[[[[1]]]]]}]}, "too_deep", "/root/0/x/0/0/0", True),
    (
        Limits(max_depth=3),
        {"root": chain(4)},
        "too_deep",
        "/root/children/0/children/0/children/0",
        True,
    ),
    (SMALL, {"root": node(children=node(children=node(children=node())))}, "too_deep", None, True),
    (SMALL, {"root": node(props=dict.fromkeys("abcd", 1))}, "too_many_props", "/root/props", True),
    (SMALL, {"root": ["a", "b", node(children=["c", "d", "e"])]}, "too_many_nodes", None, True),
    (SMALL, {"root": [None] * 6}, "too_many_nodes", "/root/5", True),
    (SMALL, {"root": node(children=[node(children=None)] * 5)}, "too_many_nodes", None, True),
    (SMALL, {"root": node(key={"a": [[[[1]]]]})}, "too_deep", "/root/key/a/0/0/0", True),
    (Limits(max_json_depth=2), {"root": node(children=["a"])}, "too_deep", "/root/children", True),
    (Limits(max_json_depth=2), {"root": [node()]}, "too_deep", "/root/0", True),
    (Limits(max_json_depth=2), {"root": node(props={"a": 1})}, "too_deep", "/root/props", True),
    (Limits(max_nodes=1), {"root": node(children="a")}, "too_many_nodes", "/root/children", True),
    (
        Limits(max_nodes=1),
        {"root": node(children=node())},
        "too_many_nodes",
        "/root/children",
        True,
    ),
    (Limits(max_string_length=10), {"root": "x" * 11}, "too_long", "/root", False),
    (Limits(max_string_length=10), {"root": node(props={"k" * 11: 1})}, "too_long", None, False),
    (DEFAULT_LIMITS, {"root": MAX_INTEGER + 1}, "number_too_large", "/root", False),
    (DEFAULT_LIMITS, {"root": [1, -MAX_INTEGER - 1]}, "number_too_large", "/root/1", False),
    (
        Limits(max_values=5),
        {"root": node(props={"rows": list(range(10))})},
        "too_many_values",
        None,
        False,
    ),
    (Limits(max_values=1), {"root": "a string"}, "too_many_values", "/root", False),
]


@pytest.mark.parametrize(("limits", "spec", "code", "path", "proved"), CASES)
def test_every_limit_gives_the_full_scans_error_from_text_too(
    limits: Limits, spec: Any, code: str, path: str | None, proved: bool
) -> None:
    text = json.dumps(spec)
    assert _scalars_within_limits(text, limits) is proved
    errors = outcome(parse_spec, text, limits=limits)
    assert errors is not None
    assert errors[0].code == code
    if path is not None:
        assert errors[0].path == path
    assert_text_check_agrees(text, limits)
    assert_text_check_agrees(json.dumps(spec, indent=2), limits)


def test_every_limit_error_code_is_covered() -> None:
    codes = {case[2] for case in CASES}
    assert codes == {
        "too_deep",
        "too_long",
        "number_too_large",
        "too_many_values",
        "too_many_nodes",
        "too_many_props",
    }


@pytest.mark.parametrize(
    ("spec", "limits"),
    [
        ({"root": chain(3)}, Limits(max_depth=3)),
        ({"root": node(props={key: [[[1]]] for key in "abc"})}, SMALL),
        ({"root": [MAX_INTEGER, -MAX_INTEGER, 10**18]}, DEFAULT_LIMITS),
        ({"root": "1234567890123456789012 is only text"}, DEFAULT_LIMITS),
        ({"root": "a string longer than max_values, with few values"}, Limits(max_values=5)),
        ({"root": "a string"}, Limits(max_values=2)),
        ({"root": node(children="a")}, Limits(max_nodes=2)),
        ({"root": node(props={"text": "ten chars!"})}, Limits(max_string_length=10)),
    ],
)
def test_specs_at_the_limits_pass_both_ways(spec: Any, limits: Limits) -> None:
    text = json.dumps(spec)
    check_limits(decode_json(text), limits, text=text)
    assert parse_spec(text, limits=limits) == parse_spec(spec, limits=limits)


@pytest.mark.parametrize(
    ("text", "limits", "code"),
    [
        ('"abcd"', Limits(max_string_length=3), "too_long"),
        ('"abcd"', Limits(max_string_length=4), None),
        ("9223372036854775807", DEFAULT_LIMITS, None),
        ("9223372036854775808", DEFAULT_LIMITS, "number_too_large"),
        ("-9223372036854775808", DEFAULT_LIMITS, "number_too_large"),
        ("[1, 2]", Limits(max_values=2), "too_many_values"),
        ("[1, 2]", Limits(max_values=3), None),
    ],
)
def test_bounds_are_tight_on_bare_values(text: str, limits: Limits, code: str | None) -> None:
    errors = outcome(check_limits, decode_json(text), limits, text=text)
    assert errors == outcome(check_limits, decode_json(text), limits)
    assert (errors[0].code if errors else None) == code


def test_errors_inside_envelopes_keep_their_prefix() -> None:
    part = {"type": "generative-ui", "spec": {"root": node(props=dict.fromkeys("abcd", 1))}}
    for parse in (parse_message_part, parse_render_gui_result):
        envelope = part if parse is parse_message_part else {"spec": part["spec"]}
        errors = outcome(parse, json.dumps(envelope), limits=SMALL)
        assert errors == outcome(parse, envelope, limits=SMALL)
        assert errors is not None
        assert errors[0].path == "/spec/root/props"
    nested = {"spec": json.dumps(part["spec"])}  # a spec given as JSON text inside the result
    errors = outcome(parse_render_gui_result, json.dumps(nested), limits=SMALL)
    assert errors is not None
    assert (errors[0].path, errors[0].code) == ("/spec/root/props", "too_many_props")


def test_typical_specs_are_checked_without_the_full_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    def full_scan(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the full scan ran")

    text = spec_text(200)
    monkeypatch.setattr("genui.limits._scan", full_scan)
    assert parse_spec(text).roots
    assert parse_spec(text.encode()).roots


# --- generated input: the text check agrees with the full scan --------------------------------


def _either(*options: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """One of ``options``, each as likely (``a | b`` flattens unions, weighting their members)."""
    return st.sampled_from(options).flatmap(lambda option: option)


_BOUNDARY_INTEGERS = st.sampled_from(
    [MAX_INTEGER, -MAX_INTEGER, MAX_INTEGER + 1, -MAX_INTEGER - 1, 10**18, -(10**19), 10**40]
)
_INTEGERS = st.integers(0, 9).flatmap(  # one integer in ten at or past the 64-bit bounds
    lambda roll: _BOUNDARY_INTEGERS if roll == 0 else st.integers(-(2**53), 2**53)
)
_STRINGS = st.text(max_size=14) | st.sampled_from(
    ["root", "children", "props", "component", "12345678901234567890", "[[{{,,:"]
)
_SCALARS = _either(
    st.none(), st.booleans(), _INTEGERS, st.floats(allow_nan=False, allow_infinity=False), _STRINGS
)
_KEYS = _STRINGS | st.sampled_from(["root", "children", "props", "component", "key"])


def _wrapped(value: Any, levels: int, as_list: bool) -> Any:
    for _ in range(levels):
        value = [value] if as_list else {"k": value}
    return value


def _json(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    values = st.recursive(
        _SCALARS,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(_KEYS, inner, max_size=5),
        max_leaves=max_leaves,
    )
    return values | st.builds(_wrapped, values, st.integers(0, 9), st.booleans())


_LEAVES = _either(_SCALARS, _json(3))
"""What sits in a node slot when it is not a component: scalars and plain JSON."""


@functools.cache
def _nodes(depth: int) -> st.SearchStrategy[Any]:
    """Component-shaped objects, with more of them in ``children`` ``depth`` levels down."""
    props = (
        st.dictionaries(_KEYS, _json(4), max_size=6)
        | st.dictionaries(st.text(max_size=3), _SCALARS, min_size=2, max_size=7)
        | _json(4)
    )
    optional = {"props": props, "key": _SCALARS | _json(3), "extra": _json(3)}
    fields = {"component": st.sampled_from(["Text", "Stack"]) | _SCALARS}
    if depth == 0:
        return st.fixed_dictionaries(fields, optional={**optional, "children": _SCALARS})
    inner = _nodes(depth - 1)
    slot = _either(inner, _LEAVES)
    children = _either(st.lists(slot, min_size=1, max_size=4), inner, st.lists(_LEAVES))
    return st.fixed_dictionaries({**fields, "children": children}, optional=optional)


def _specs() -> st.SearchStrategy[Any]:
    """Specs with every kind of content in every position, and other JSON."""
    nodes = st.integers(0, 5).flatmap(_nodes)
    slot = _either(nodes, st.builds(chain, st.integers(0, 6)), _LEAVES)
    specs = st.fixed_dictionaries(
        {"root": _either(slot, st.lists(slot, max_size=5))},
        optional={"extra": _json(4), "children": nodes},
    )
    wide = st.lists(st.integers(0, 6), max_size=6).map(
        lambda widths: {"root": [node(props=dict.fromkeys(map(str, range(w)))) for w in widths]}
    )
    return _either(specs, specs, wide, nodes, _json())


def _small(default: int, low: int, high: int) -> st.SearchStrategy[int]:
    return st.just(default) | st.integers(low, high)


_STRUCTURE_LIMITS = {
    "max_depth": _small(64, 0, 5),
    "max_json_depth": _small(192, 0, 9),
    "max_nodes": _small(50_000, 0, 8),
    "max_props_per_node": _small(256, 0, 4),
}
_LIMITS = st.builds(Limits, **_STRUCTURE_LIMITS) | st.builds(
    Limits,
    max_values=_small(2_000_000, 0, 40),
    max_string_length=_small(10 * 1024 * 1024, 0, 16),
    **_STRUCTURE_LIMITS,
)
"""Small limits, often on structure alone (the text bounds then hold and the walk decides)."""


@settings(max_examples=examples(500))
@given(_specs(), _LIMITS, st.sampled_from([None, 0, 2]), st.booleans())
def test_the_text_check_agrees_with_the_full_scan(
    spec: Any, limits: Limits, indent: int | None, ascii_only: bool
) -> None:
    text = json.dumps(spec, indent=indent, ensure_ascii=ascii_only)
    assert_text_check_agrees(text, limits)
    assert_text_check_agrees(text, limits, prefix=("spec",))
    part = json.dumps({"type": "generative-ui", "spec": spec})
    assert outcome(parse_message_part, part, limits=limits) == outcome(
        parse_message_part, decode_json(part), limits=limits
    )


_FIELDS = (
    "max_depth",
    "max_json_depth",
    "max_nodes",
    "max_values",
    "max_string_length",
    "max_props_per_node",
)


def _threshold(value: Any, field: str) -> int:
    """The smallest setting of ``field`` (the others at their defaults) the full scan passes."""
    low, high = 0, getattr(DEFAULT_LIMITS, field)
    while low < high:
        middle = (low + high) // 2
        if outcome(check_limits, value, replace(DEFAULT_LIMITS, **{field: middle})) is None:
            high = middle
        else:
            low = middle + 1
    return low


def _node_specs() -> st.SearchStrategy[Any]:
    """Specs whose root holds components (and leaves)."""
    nodes = st.integers(0, 5).flatmap(_nodes)
    return st.fixed_dictionaries(
        {"root": _either(nodes, st.lists(_either(nodes, _LEAVES), max_size=5))}
    )


@settings(max_examples=examples(300))
@given(
    _either(_node_specs(), _specs()),
    st.lists(st.booleans(), min_size=len(_FIELDS), max_size=len(_FIELDS)),
)
def test_the_text_check_agrees_with_the_full_scan_at_the_limits(
    spec: Any, pinned: list[bool]
) -> None:
    """Limits set to exactly what the spec needs (those ``pinned``), then each one one less."""
    text = json.dumps(spec)
    assert_text_check_agrees(text, DEFAULT_LIMITS)
    value = decode_json(text)
    if outcome(check_limits, value) is not None:
        return  # over a limit no setting changes (an integer)
    needed = {field: _threshold(value, field) for field in _FIELDS}
    at_limits = {field: needed[field] for field, pin in zip(_FIELDS, pinned, strict=True) if pin}
    assert_text_check_agrees(text, replace(DEFAULT_LIMITS, **at_limits))
    for field in _FIELDS:
        if needed[field] > 0:
            over = replace(DEFAULT_LIMITS, **{**at_limits, field: needed[field] - 1})
            assert_text_check_agrees(text, over)


# -- the total of text: what copies could build ----------------------------------------------

TEXT_LIMITS = Limits(max_total_chars=10_000)
LEAF = "x" * 1_000


def _copies(count: int) -> list[dict[str, Any]]:
    """A patch: one long text leaf, then ``count`` copies of it (each costs 1 op)."""
    ops: list[dict[str, Any]] = [{"op": "add", "path": "/root", "value": [LEAF]}]
    ops += [{"op": "copy", "from": "/root/0", "path": "/root/-"}] * count
    return ops


def test_validate_counts_every_shared_string_against_the_total() -> None:
    shared = {"root": [LEAF] * 10}  # the same str object ten times: 10,000 characters
    assert validate(shared, limits=TEXT_LIMITS).ok
    over = validate({"root": [LEAF] * 11}, limits=TEXT_LIMITS)
    assert [(e.code, e.path) for e in over.errors] == [("too_much_text", "/root/10")]
    assert over.errors[0].hint.startswith("keep all text under 10000 characters")
    keys = validate({"root": {"component": "Text", "props": {"text": "t", "k" * 9_999: 1}}})
    assert [e.code for e in keys.errors] == ["forbidden_prop"]  # the name, not the total
    assert not validate(
        {"root": {"component": "Text", "props": {"text": "t", "k" * 200: 1}}},
        limits=Limits(max_total_chars=150),
    ).ok


@pytest.mark.parametrize("count", [9, 10, 20, 40])
def test_a_stream_refuses_copies_past_the_total_and_stays_as_it_was(count: int) -> None:
    stream = SpecStream(limits=TEXT_LIMITS)
    stream.apply([{"op": "add", "path": "/root", "value": ["start"]}])
    before = (stream.version, stream.html())
    if count < 10:  # 1 + 9 copies: exactly 10,000 characters
        stream.apply(_copies(count))
        assert len(stream.html()) == 10_000
        return
    with pytest.raises(GenerativeUIPatchError) as raised:
        stream.apply(_copies(count))
    assert raised.value.code == "invalid_spec"
    assert [e.code for e in raised.value.errors] == ["too_much_text"]
    assert (stream.version, stream.html()) == before


def test_apply_patch_refuses_copies_past_the_total() -> None:
    spec = parse_spec({"root": ["start"]})
    with pytest.raises(GenerativeUIError) as raised:
        apply_patch(spec, _copies(10), limits=TEXT_LIMITS)
    details = getattr(raised.value, "errors", ())
    assert "too_much_text" in [e.code for e in details], raised.value
