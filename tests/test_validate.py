"""genui.validate: every problem at once, with its path, code and a hint that names the fix.

The table holds broken specs, each with the exact (path, code) of every error it must give
and a word the hint must contain. Each case runs in every input form — Python data and JSON
text; the bare spec, render_gui tool arguments ``{"spec": ...}`` and an assistant-ui message
part — and, where the spec is made of well-formed nodes, in the flat ``$type`` node shape
too (paths then point into the flat nodes).
"""

# ruff: noqa: E501  (the table of cases reads best one case a line)

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import genui
from genui import GenerativeUIValidationError, Limits, Renderer, ValidationResult, validate

Case = tuple[str, Any, list[tuple[str, str]], str]


def _node(name: str, props: Any = None, **members: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"component": name}
    if props is not None:
        node["props"] = props
    node.update(members)
    return node


def _spec(*nodes: Any) -> dict[str, Any]:
    return {"root": list(nodes)}


CASES: list[Case] = [
    ("unknown component", _spec(_node("Crad", {"title": "x"})), [("/root/0/component", "unknown_component")], "Card"),
    ("unknown name lists the allowed ones", _spec(_node("Weather")), [("/root/0/component", "unknown_component")], "Heading"),
    ("prototype-like name", _spec(_node("constructor")), [("/root/0/component", "unknown_component")], "use one of"),
    ("invalid name", _spec(_node("1x")), [("/root/0/component", "invalid_name")], "Card"),
    ("name not a string", _spec({"component": 7}), [("/root/0/component", "type_mismatch")], "component"),
    ("no name", _spec({"props": {"text": "x"}}), [("/root/0/component", "missing_field")], "component"),
    ("heading level out of range", _spec(_node("Heading", {"level": 9, "text": "x"})), [("/root/0/props/level", "invalid_value")], "<= 6"),
    ("heading level as a string", _spec(_node("Heading", {"level": "2", "text": "x"})), [("/root/0/props/level", "type_mismatch")], "integer"),
    ("enum value", _spec(_node("Alert", {"tone": "purple"})), [("/root/0/props/tone", "invalid_value")], '"warning"'),
    ("stack gap", _spec(_node("Stack", {"gap": "huge"})), [("/root/0/props/gap", "invalid_value")], '"md"'),
    ("grid columns", _spec(_node("Grid", {"columns": 99})), [("/root/0/props/columns", "invalid_value")], "<= 6"),
    ("pattern", _spec(_node("Code", {"code": "x", "language": "<script>"})), [("/root/0/props/language", "pattern_mismatch")], "matching"),
    ("nested prop value", _spec(_node("Table", {"columns": ["a"], "rows": [["x", {"y": 1}]]})), [("/root/0/props/rows/0/1", "type_mismatch")], "list of list"),
    ("missing required prop", _spec(_node("Stat", {"label": "x"})), [("/root/0/props/value", "missing_field")], "add 'value'"),
    ("unknown prop", _spec(_node("Text", {"text": "a", "colour": "red"})), [("/root/0/props/colour", "extra_field")], "tone"),
    ("javascript link", _spec(_node("Link", {"href": "javascript:alert(1)", "text": "t"})), [("/root/0/props/href", "unsafe_url")], "https:"),
    ("obfuscated javascript", _spec(_node("Link", {"href": "java\tscript&colon;alert(1)", "text": "t"})), [("/root/0/props/href", "unsafe_url")], "https:"),
    ("vbscript button", _spec(_node("Button", {"label": "x", "href": "vbscript:msgbox(1)"})), [("/root/0/props/href", "unsafe_url")], "mailto:"),
    ("html data image", _spec(_node("Image", {"image": "data:text/html,<script>x</script>", "alt": "a"})), [("/root/0/props/image", "unsafe_url")], "data:image"),
    ("event handler", _spec(_node("Text", {"text": "a", "onclick": "alert(1)"})), [("/root/0/props/onclick", "event_handler")], "remove 'onclick'"),
    ("disguised event handler", _spec(_node("Text", {"text": "a", "ONMOUSEOVER": "x"})), [("/root/0/props/ONMOUSEOVER", "event_handler")], "remove"),
    ("style", _spec(_node("Text", {"text": "a", "style": "color:red"})), [("/root/0/props/style", "style")], "remove 'style'"),
    ("raw html", _spec(_node("Text", {"text": "a", "innerHTML": "<b>"})), [("/root/0/props/innerHTML", "raw_html")], "remove"),
    ("srcdoc", _spec(_node("Text", {"text": "a", "srcdoc": "x"})), [("/root/0/props/srcdoc", "raw_html")], "remove"),
    ("props not an object", _spec(_node("Text", [1])), [("/root/0/props", "type_mismatch")], "props"),
    ("unexpected node member", _spec(_node("Text", {"text": "a"}, colour="red")), [("/root/0/colour", "extra_field")], "remove"),
    ("a prop beside props", _spec(_node("Text", {"tone": "info"}, text="a")), [("/root/0/text", "extra_field")], "into 'props'"),
    ("key not a string", _spec(_node("Text", {"text": "a"}, key=[1])), [("/root/0/key", "type_mismatch")], "string"),
    ("list item at the root", _spec(_node("ListItem", {"text": "a"})), [("/root/0", "children_not_allowed")], "List"),
    ("card inside text", _spec(_node("Text", None, children=[_node("Card")])), [("/root/0/children/0", "children_not_allowed")], "move a Card"),
    ("text inside a list", _spec(_node("List", None, children=["x"])), [("/root/0/children/0", "children_not_allowed")], "ListItem"),
    ("boolean node", _spec(True), [("/root/0", "type_mismatch")], "string, a number"),
    ("null node", _spec(None), [("/root/0", "type_mismatch")], "string, a number"),
    ("integer too large", _spec(2**70), [("/root/0", "number_too_large")], "64 bits"),
    ("no root", {"nodes": []}, [("/root", "missing_field")], '"root"'),
    ("unexpected spec member", {"root": [], "theme": "dark"}, [("/theme", "extra_field")], "only 'root'"),
    ("several problems in one node", _spec(_node("Heading", {"level": 0, "text": "x", "onclick": "y", "id": 3})), [("/root/0/props/onclick", "event_handler"), ("/root/0/props/level", "invalid_value"), ("/root/0/props/id", "extra_field")], "remove"),
    ("reserved flat key", {"root": [{"$type": "Text", "text": "a", "$x": 1}]}, [("/root/0/$x", "reserved_key")], "$type"),
    ("flat action without actions", {"root": [{"$type": "Button", "label": "a", "$action": {"type": "go"}}]}, [("/root/0/$action/type", "unknown_action")], "remove"),
    ("not finite", _spec(_node("Text", None, children=[math.nan])), [("/root/0/children/0", "not_finite")], "finite"),
]  # fmt: skip

IDS = [case[0] for case in CASES]


def _flat_node(value: Any) -> Any:
    """A legacy node in the flat shape (None when it has no flat equivalent)."""
    if not isinstance(value, dict):
        return value
    if set(value) - {"component", "props", "children", "key"}:
        return None
    props = value.get("props", {})
    if not isinstance(props, dict) or "component" not in value:
        return None
    flat: dict[str, Any] = {"$type": value["component"], **props}
    if "children" in value:
        children = [_flat_node(child) for child in value["children"]]
        if any(child is None for child in children):
            return None
        flat["children"] = children
    if "key" in value:
        flat["$key"] = value["key"]
    return flat


def _flat_spec(spec: Any) -> Any:
    if not isinstance(spec, dict) or set(spec) != {"root"} or not isinstance(spec["root"], list):
        return None
    nodes = [_flat_node(item) for item in spec["root"]]
    if any(node is None for node in nodes):
        return None
    return {"root": nodes}


def _flat_path(path: str) -> str:
    """Where a legacy error path points in the flat node."""
    path = path.replace("/props/", "/").removesuffix("/props")
    if path.endswith("/component"):
        return path.removesuffix("/component") + "/$type"
    if path.endswith("/key"):
        return path.removesuffix("/key") + "/$key"
    return path


Form = tuple[str, Callable[[Any], Any], str]
FORMS: list[Form] = [
    ("data", lambda spec: spec, ""),
    ("text", json.dumps, ""),
    ("bytes", lambda spec: json.dumps(spec).encode(), ""),
    ("tool arguments", lambda spec: {"spec": spec}, "/spec"),
    ("tool arguments with text", lambda spec: {"spec": json.dumps(spec)}, "/spec"),
    ("message part", lambda spec: {"type": "generative-ui", "spec": spec}, "/spec"),
    (
        "message part text",
        lambda spec: json.dumps({"type": "generative-ui", "spec": spec}),
        "/spec",
    ),
]


def _inputs(
    spec: Any, expected: list[tuple[str, str]]
) -> Iterator[tuple[str, Any, list[tuple[str, str]]]]:
    """Every input form of ``spec``, flat shape included where it exists, with its paths."""
    shapes = [("legacy", spec, expected)]
    flat = _flat_spec(spec)
    if flat is not None and not math.isinf(len(expected)):
        shapes.append(("flat", flat, [(_flat_path(path), code) for path, code in expected]))
    for shape, data, paths in shapes:
        for form, wrap, prefix in FORMS:
            if form != "data" and not _json_ready(data):
                continue
            yield f"{shape}/{form}", wrap(data), [(prefix + path, code) for path, code in paths]


def _json_ready(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _found(result: ValidationResult) -> list[tuple[str, str]]:
    return [(error.path, error.code) for error in result.errors]


@pytest.mark.parametrize(("name", "spec", "expected", "hint"), CASES, ids=IDS)
def test_each_broken_spec_gives_exactly_its_errors_with_a_hint_naming_the_fix(
    name: str, spec: Any, expected: list[tuple[str, str]], hint: str
) -> None:
    for form, data, paths in _inputs(spec, expected):
        result = validate(data)
        assert not result.ok, form
        assert sorted(_found(result)) == sorted(paths), form
        assert any(hint in error.hint for error in result.errors), (form, result.errors)
        assert all(error.hint for error in result.errors), (form, result.errors)


def test_the_table_covers_at_least_thirty_broken_specs() -> None:
    assert len(CASES) >= 30
    assert len({code for _, _, expected, _ in CASES for _, code in expected}) >= 15


LIMIT_CODES = {"number_too_large"}
"""Limits are checked before anything else: a spec over one has no clean spec at all."""
NODE_CASES = [
    case for case in CASES if "root" in case[1] and not {code for _, code in case[2]} & LIMIT_CODES
]


def test_n_problems_in_n_nodes_give_n_errors_at_once_with_the_right_paths() -> None:
    nodes: list[Any] = []
    expected: list[tuple[str, str]] = []
    for _, spec, errors, _ in NODE_CASES:
        if set(spec) != {"root"}:
            continue
        index = len(nodes)
        nodes.append(spec["root"][0])
        expected.extend(
            (path.replace("/root/0", f"/root/{index}", 1), code) for path, code in errors
        )
    assert len(nodes) >= 30
    for form, data, paths in _inputs({"root": nodes}, expected):
        result = validate(data)
        assert sorted(_found(result)) == sorted(paths), form
        assert len(result.errors) == len(expected)


@pytest.mark.parametrize(("name", "spec", "expected", "hint"), CASES, ids=IDS)
def test_the_clean_spec_is_valid_and_renders_strictly(
    name: str, spec: Any, expected: list[tuple[str, str]], hint: str
) -> None:
    result = validate(spec)
    codes = {code for _, code in expected}
    assert (result.spec is None) == (name == "no root" or bool(codes & LIMIT_CODES))
    if result.spec is None:
        return
    again = validate(result.spec)
    assert again.ok, again.errors
    assert again.spec == result.spec
    Renderer(strict=True).render(result.spec)
    assert Renderer(on_invalid_props="drop").render(spec) == Renderer(strict=True).render(
        result.spec
    )


def test_what_cleaning_removed_is_reported_and_the_rest_is_kept() -> None:
    spec = _spec(
        _node("Link", {"href": "javascript:alert(1)", "text": "Track"}),
        _node("Text", {"text": "kept", "onclick": "x"}),
        _node("Crad"),
        "a leaf",
    )
    result = validate(spec)
    assert result.spec is not None
    assert result.spec.model_dump(mode="json", exclude_defaults=True) == {
        "root": [
            {"component": "Link", "props": {"text": "Track"}},
            {"component": "Text", "props": {"text": "kept"}},
            "a leaf",
        ]
    }
    assert [(event.path, event.prop, event.reason) for event in result.report] == [
        ("/root/0", "href", "unsafe_url_scheme"),
        ("/root/1", "onclick", "event_handler"),
        ("/root/2", "component", "unknown_component"),
    ]


def test_a_valid_spec_is_ok_and_delivered_as_sent_in_both_shapes() -> None:
    spec = {
        "root": [
            {"component": "Card", "props": {"title": "Hi", "description": None}, "key": "c",
             "children": [{"component": "Text", "props": {"text": "x"}}, "leaf", 3]},
        ]
    }  # fmt: skip
    for form, data, _ in _inputs(spec, []):
        result = validate(data)
        assert result.ok, form
        assert result.spec is not None
        assert result.spec.to_flat() == {
            "root": [
                {"$type": "Card", "title": "Hi", "$key": "c",
                 "children": [{"$type": "Text", "text": "x"}, "leaf", 3]},
            ]
        }, form  # fmt: skip
        legacy = result.spec.model_dump(mode="json", exclude_defaults=True)
        assert validate(legacy).spec == validate(result.spec.to_flat()).spec == result.spec


def test_flat_nodes_read_dollar_key_and_report_other_dollar_keys() -> None:
    result = validate({"root": {"$type": "Text", "text": "a", "$key": 7, "$weird": 1}})
    assert _found(result) == [("/root/$weird", "reserved_key")]
    assert result.spec is not None
    assert result.spec.to_flat() == {"root": {"$type": "Text", "text": "a", "$key": "7"}}


def test_an_action_is_an_error_while_the_app_declares_none() -> None:
    result = validate({"root": {"$type": "Button", "label": "Go", "$action": {"type": "x"}}})
    assert _found(result) == [("/root/$action/type", "unknown_action")]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ("{", "invalid_json"),
        ("", "invalid_json"),
        ("[1, 2]", "type_mismatch"),
        ('{"spec": 3}', "type_mismatch"),
        ('{"type": "other", "spec": {"root": []}}', "invalid_value"),
        ('{"spec": {"root": []}, "extra": 1}', "extra_field"),
    ],
)
def test_envelope_and_text_problems_are_errors_too(data: str, code: str) -> None:
    result = validate(data)
    assert code in [error.code for error in result.errors]
    assert all(error.hint for error in result.errors)


def test_limits_are_errors_with_a_hint_and_leave_no_spec() -> None:
    deep: Any = "leaf"
    for _ in range(70):
        deep = {"component": "Stack", "children": [deep]}
    result = validate({"root": deep})
    assert result.spec is None
    assert [error.code for error in result.errors] == ["too_deep"]
    small = validate(_spec(*["x"] * 4), limits=Limits(max_nodes=3))
    assert small.spec is None
    assert [error.code for error in small.errors] == ["too_many_nodes"]
    assert "3" in small.errors[0].hint


def test_a_spec_model_built_in_python_is_held_to_the_limits_too() -> None:
    spec = genui.GenerativeUISpec.model_validate(_spec(*["x"] * 5))
    assert [error.code for error in validate(spec, limits=Limits(max_nodes=3)).errors] == [
        "too_many_nodes"
    ]


def test_strict_rendering_raises_every_error_at_once() -> None:
    spec = _spec(
        _node("Heading", {"level": 9, "text": "x"}),
        _node("Link", {"href": "javascript:x", "text": "t"}),
        _node("Text", {"text": "a", "colour": "red"}),
    )
    with pytest.raises(GenerativeUIValidationError) as info:
        Renderer(strict=True).render(spec)
    assert len(info.value.errors) == 3
    with pytest.raises(GenerativeUIValidationError) as info:
        genui.render(json.dumps(spec))
    assert [error.code for error in info.value.errors] == ["invalid_value", "extra_field"]


def test_the_repair_prompt_lists_every_error_with_path_and_hint() -> None:
    result = validate(_spec(_node("Crad"), _node("Heading", {"level": 9, "text": "x"})))
    prompt = result.repair_prompt()
    assert prompt.splitlines()[0].startswith("The UI spec has 2 problems.")
    assert "/root/0/component" in prompt and "did you mean 'Card'?" in prompt
    assert "/root/1/props/level" in prompt and "<= 6" in prompt
    assert validate(_spec("ok")).repair_prompt() == "The UI spec is valid."


def test_to_dict_is_a_json_body_with_every_error() -> None:
    result = validate(_spec(_node("Crad")))
    body = json.loads(json.dumps(result.to_dict()))
    assert body["ok"] is False
    assert body["errors"][0]["path"] == "/root/0/component"
    assert body["errors"][0]["hint"]
    assert body["report"][0]["reason"] == "unknown_component"


def test_hostile_objects_never_escape_as_exceptions() -> None:
    class Hostile(dict[str, Any]):
        def items(self) -> Any:
            raise RuntimeError("boom")

    for value in (Hostile(root=[]), object(), {"root": [object()]}, {"root": {1: 2}}):
        result = validate(value)
        assert not result.ok


def test_raise_for_errors_raises_every_error_or_nothing() -> None:
    validate(_spec("fine")).raise_for_errors()
    with pytest.raises(GenerativeUIValidationError) as info:
        validate(
            _spec(_node("Crad"), _node("Heading", {"level": 9, "text": "x"}))
        ).raise_for_errors()
    assert [error.code for error in info.value.errors] == ["unknown_component", "invalid_value"]


def test_render_node_writes_one_node_as_the_whole_render_does() -> None:
    spec = _spec(
        _node(
            "List",
            None,
            children=[_node("ListItem", {"text": "a"}), _node("ListItem", {"text": "b"})],
        )
    )
    renderer = Renderer()
    whole = str(renderer.render(spec))
    item = str(renderer.render_node(spec["root"][0]["children"][1], "/root/0/children/1"))
    assert item in whole
    assert 'data-genui-path="/root/0/children/1"' in item
