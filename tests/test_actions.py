"""genui.actions: the allowlist an app declares, and how validate() checks action bindings.

Every binding case runs in every input form (Python data, JSON text and bytes, render_gui
tool arguments, an assistant-ui message part), in the shape it is written in: the legacy
``props.action`` and the flat ``$action`` give their errors at their own paths.
"""

# ruff: noqa: E501  (the table of cases reads best one case a line)

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from genui import (
    Action,
    ActionEvent,
    ActionRef,
    ActionReply,
    Actions,
    Renderer,
    ValidationResult,
    validate,
)
from genui.actions import MAX_PARAMS_BYTES
from genui.spec import GenerativeUINode, GenerativeUISpec
from tests.strategies import json_values


class BookParams(BaseModel):
    """What the agent binds."""

    model_config = ConfigDict(extra="forbid")

    restaurant: str = Field(min_length=1)
    party_max: int = 8


class BookInputs(BaseModel):
    """What the person may type (nothing required: a Button has no fields)."""

    model_config = ConfigDict(extra="forbid")

    note: str = ""


class Typed(BaseModel):
    """Params with a member named ``type``."""

    model_config = ConfigDict(extra="forbid")

    type: str


def _handler(event: ActionEvent[Any, Any]) -> None:
    return None


def _actions() -> Actions:
    actions = Actions()
    actions.add(Action("book_table", _handler, BookParams, BookInputs, "Book a table"))
    actions.add(Action("cancel", _handler, description="Cancel"))
    return actions


ACTIONS = _actions()


# -- declaring actions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["", "1book", "_book", "book table", "book/table", "réserver", "b" * 65, "book\n"]
)
def test_an_action_name_must_be_a_short_ascii_identifier(name: str) -> None:
    with pytest.raises(ValueError, match="action name"):
        Action(name, _handler)


@pytest.mark.parametrize("name", ["b", "book_table", "orders.cancel", "a-b", "B" * 64])
def test_good_action_names_are_accepted(name: str) -> None:
    assert Action(name, _handler).name == name


def test_a_name_is_declared_once() -> None:
    actions = Actions()
    actions.add(Action("book", _handler))
    with pytest.raises(ValueError, match="declared already"):
        actions.add(Action("book", _handler))

    with pytest.raises(ValueError, match="declared already"):

        @actions.action()
        def book(event: ActionEvent[Any, Any]) -> None: ...


@pytest.mark.parametrize("extra", [None, "ignore", "allow"])
def test_the_inputs_model_must_forbid_undeclared_fields(extra: str | None) -> None:
    config = ConfigDict() if extra is None else ConfigDict(extra=extra)  # type: ignore[typeddict-item]
    loose = type("Loose", (BaseModel,), {"__annotations__": {"note": str}, "model_config": config})
    with pytest.raises(ValueError, match="extra='forbid'"):
        Action("book", _handler, inputs=loose)


def test_a_field_cannot_be_both_a_param_and_an_input() -> None:
    class Inputs(BaseModel):
        model_config = ConfigDict(extra="forbid")
        restaurant: str = ""

    with pytest.raises(ValueError, match="restaurant"):
        Action("book", _handler, BookParams, Inputs)


def test_models_must_be_pydantic_models_and_the_handler_callable() -> None:
    with pytest.raises(TypeError, match="pydantic"):
        Action("book", _handler, dict)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="pydantic"):
        Action("book", _handler, inputs=BookInputs())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="callable"):
        Action("book", "not a function")  # type: ignore[arg-type]


def test_the_decorator_names_and_describes_the_action_from_the_function() -> None:
    actions = Actions()

    @actions.action(params=BookParams, inputs=BookInputs, label="Book")
    async def book_table(event: ActionEvent[BookParams, BookInputs]) -> ActionReply:
        """Book a table at the restaurant."""
        return ActionReply()

    @actions.action("orders.cancel", description="Cancel an order")
    def cancel(event: ActionEvent[Any, None]) -> None: ...

    assert list(actions) == ["book_table", "orders.cancel"]
    book = actions["book_table"]
    assert book.handler is book_table and book.is_async and book.label == "Book"
    assert book.description == "Book a table at the restaurant."
    assert book.input_names() == {"note"}
    assert not actions["orders.cancel"].is_async
    assert actions["orders.cancel"].input_names() == frozenset()


def test_the_allowlist_is_an_exact_lookup() -> None:
    assert len(ACTIONS) == 2 and "book_table" in ACTIONS
    for name in ["Book_table", "book_table ", "__class__", "keys", "get", 1, None, ("book_table",)]:
        assert name not in ACTIONS
        assert ACTIONS.get(name) is None
    with pytest.raises(KeyError):
        ACTIONS["nope"]
    assert repr(ACTIONS) == "Actions(['book_table', 'cancel'])"
    assert _actions() != ACTIONS and ACTIONS == ACTIONS and hash(ACTIONS) == hash(ACTIONS)


def test_check_reports_each_problem_relative_to_the_binding() -> None:
    def codes(ref: ActionRef) -> list[tuple[tuple[str | int, ...], str]]:
        return [(problem.loc, problem.code) for problem in ACTIONS.check(ref)]

    assert codes(ActionRef(name="book_table", params={"restaurant": "Lou"})) == []
    assert codes(ActionRef(name="book_tabel")) == [(("name",), "unknown_action")]
    assert codes(ActionRef(name="book_table", params={"restaurant": "", "x": 1})) == [
        (("params", "restaurant"), "invalid_action_params"),
        (("params", "x"), "invalid_action_params"),
    ]
    big: dict[str, Any] = {"restaurant": "x" * MAX_PARAMS_BYTES}
    assert codes(ActionRef(name="book_table", params=big)) == [
        (("params",), "action_params_too_large")
    ]


def test_describe_lists_name_description_params_schema_and_inputs() -> None:
    described = {entry["name"]: entry for entry in ACTIONS.describe()}
    assert list(described) == ["book_table", "cancel"]
    book = described["book_table"]
    assert book["description"] == "Book a table"
    assert book["params"] == BookParams.model_json_schema()
    assert book["inputs"] == BookInputs.model_json_schema()
    assert "inputs" not in described["cancel"]


def test_a_reply_has_a_spec_or_patches_and_redirects_only_on_this_site() -> None:
    ActionReply(spec={"root": []}, message="ok", redirect="/orders/42?x=1")
    with pytest.raises(ValueError, match="not both"):
        ActionReply(spec={"root": []}, patches=[])
    for target in ["https://evil.example", "//evil.example", "orders", "/a\\b", "/a\nb", "/a b"]:
        with pytest.raises(ValueError, match="redirect"):
            ActionReply(redirect=target)


# -- validating bindings: the table --------------------------------------------------------


def _legacy(binding: Any, **props: Any) -> Any:
    return {
        "root": [{"component": "Button", "props": {"label": "Book", **props, "action": binding}}]
    }


def _flat(binding: Any, component: str = "Button", **props: Any) -> Any:
    named = {"label": "Book"} if component == "Button" else {}
    return {"root": [{"$type": component, **named, **props, "$action": binding}]}


Case = tuple[str, Any, list[tuple[str, str]], str]
CASES: list[Case] = [
    ("unknown name", _legacy({"name": "book_tabel", "params": {"restaurant": "Lou"}}), [("/root/0/props/action/name", "unknown_action")], "book_table"),
    ("unknown name, flat", _flat({"type": "book_tabel", "restaurant": "Lou"}), [("/root/0/$action/type", "unknown_action")], "book_table"),
    ("prototype-like name", _legacy({"name": "constructor"}), [("/root/0/props/action/name", "unknown_action")], "book_table"),
    ("prototype-like name, flat", _flat({"type": "__proto__"}), [("/root/0/$action/type", "unknown_action")], "book_table"),
    ("param of the wrong type", _legacy({"name": "book_table", "params": {"restaurant": 3}}), [("/root/0/props/action/params/restaurant", "invalid_action_params")], "schema"),
    ("param of the wrong type, flat", _flat({"type": "book_table", "restaurant": 3}), [("/root/0/$action/restaurant", "invalid_action_params")], "schema"),
    ("missing param", _legacy({"name": "book_table"}), [("/root/0/props/action/params/restaurant", "invalid_action_params")], "schema"),
    ("missing param, flat", _flat({"type": "book_table"}), [("/root/0/$action/restaurant", "invalid_action_params")], "schema"),
    ("two bad params", _legacy({"name": "book_table", "params": {"restaurant": "", "party_max": "eight", "x": 1}}), [("/root/0/props/action/params/restaurant", "invalid_action_params"), ("/root/0/props/action/params/party_max", "invalid_action_params"), ("/root/0/props/action/params/x", "invalid_action_params")], "schema"),
    ("two bad params, flat", _flat({"type": "book_table", "restaurant": "", "party_max": "eight", "x": 1}), [("/root/0/$action/restaurant", "invalid_action_params"), ("/root/0/$action/party_max", "invalid_action_params"), ("/root/0/$action/x", "invalid_action_params")], "schema"),
    ("params too large", _legacy({"name": "book_table", "params": {"restaurant": "x" * MAX_PARAMS_BYTES}}), [("/root/0/props/action/params", "action_params_too_large")], "4096"),
    ("params too large, flat", _flat({"type": "book_table", "restaurant": "x" * MAX_PARAMS_BYTES}), [("/root/0/$action", "action_params_too_large")], "4096"),
    ("action on a component without one", _flat({"type": "cancel"}, "Text", text="x"), [("/root/0/$action", "action_not_supported")], "Button"),
    ("both shapes on one node", _flat({"type": "cancel"}, action={"name": "cancel"}), [("/root/0/$action", "duplicate_action")], "one"),
    ("flat action without a type", _flat({"restaurant": "Lou"}), [("/root/0/$action/type", "missing_field")], "book_table"),
    ("flat action not an object", _flat(["cancel"]), [("/root/0/$action", "type_mismatch")], "$action"),
]  # fmt: skip

IDS = [case[0] for case in CASES]

FORMS: list[tuple[str, Callable[[Any], Any], str]] = [
    ("data", lambda spec: spec, ""),
    ("text", json.dumps, ""),
    ("bytes", lambda spec: json.dumps(spec).encode(), ""),
    ("tool arguments", lambda spec: {"spec": spec}, "/spec"),
    ("tool arguments with text", lambda spec: {"spec": json.dumps(spec)}, "/spec"),
    ("message part text", lambda spec: json.dumps({"type": "generative-ui", "spec": spec}), "/spec"),
]  # fmt: skip


def _forms(spec: Any) -> Iterator[tuple[str, Any, str]]:
    for form, wrap, prefix in FORMS:
        yield form, wrap(spec), prefix


def _only_node(spec: GenerativeUISpec) -> Any:
    """The one root node of ``spec``: its name and its props side by side."""
    (node,) = spec.roots
    assert isinstance(node, GenerativeUINode) and not node.children
    return {"$type": node.component, **node.props}


def _found(result: ValidationResult) -> list[tuple[str, str]]:
    return [(error.path, error.code) for error in result.errors]


@pytest.mark.parametrize(("name", "spec", "expected", "hint"), CASES, ids=IDS)
def test_each_bad_binding_gives_exactly_its_errors_with_a_hint(
    name: str, spec: Any, expected: list[tuple[str, str]], hint: str
) -> None:
    for form, data, prefix in _forms(spec):
        result = validate(data, actions=ACTIONS)
        assert not result.ok, form
        assert sorted(_found(result)) == sorted((prefix + p, c) for p, c in expected), form
        assert all(error.hint for error in result.errors), (form, result.errors)
        assert any(hint in error.hint for error in result.errors), (form, result.errors)


@pytest.mark.parametrize(("name", "spec", "expected", "hint"), CASES, ids=IDS)
def test_the_clean_spec_drops_only_the_binding(
    name: str, spec: Any, expected: list[tuple[str, str]], hint: str
) -> None:
    for form, data, _ in _forms(spec):
        result = validate(data, actions=ACTIONS)
        assert result.spec is not None, form
        node = _only_node(result.spec)
        given = spec["root"][0]
        kept = {"$type": "Button", **given.get("props", {})} if "props" in given else dict(given)
        kept.pop("$action", None)
        if expected != [("/root/0/$action", "duplicate_action")]:
            kept.pop("action", None)
        assert node == kept, form  # every other prop is kept
        assert any(event.prop in {"action", "$action"} for event in result.report), form
        again = validate(result.spec, actions=ACTIONS)
        assert again.ok and again.spec == result.spec, (form, again.errors)
        flat = validate(result.spec.to_flat(), actions=ACTIONS)
        assert flat.ok and flat.spec == result.spec, form


def test_a_binding_is_an_error_while_the_app_declares_no_actions() -> None:
    for spec in (_legacy({"name": "cancel"}), _flat({"type": "cancel"})):
        for form, data, _ in _forms(spec):
            result = validate(data)
            assert [code for _, code in _found(result)] == ["unknown_action"], form
            assert result.errors[0].hint, form


VALID = [
    _legacy({"name": "book_table", "params": {"restaurant": "Lou"}}, variant="primary"),
    _flat({"type": "book_table", "restaurant": "Lou", "party_max": 4}, variant="primary"),
    _legacy({"name": "cancel"}),
    _flat({"type": "cancel"}),
]


@pytest.mark.parametrize("spec", VALID)
def test_a_valid_binding_is_kept_in_both_shapes_and_in_every_form(spec: Any) -> None:
    results = [validate(data, actions=ACTIONS) for _, data, _ in _forms(spec)]
    assert all(result.ok for result in results), [result.errors for result in results]
    clean = results[0].spec
    assert clean is not None and all(result.spec == clean for result in results)
    node = _only_node(clean)
    assert node["action"]["name"] in {"book_table", "cancel"}
    flat = validate(clean.to_flat(), actions=ACTIONS)
    assert flat.ok and flat.spec == clean
    legacy = validate(clean.model_dump(mode="json", exclude_defaults=True), actions=ACTIONS)
    assert legacy.ok and legacy.spec == clean


def test_to_flat_writes_a_binding_as_assistant_uis_dollar_action() -> None:
    clean = validate(VALID[0], actions=ACTIONS).spec
    assert clean is not None
    assert clean.to_flat() == {
        "root": [
            {
                "$type": "Button",
                "label": "Book",
                "variant": "primary",
                "$action": {"type": "book_table", "restaurant": "Lou"},
            }
        ]
    }


def test_to_flat_keeps_a_binding_with_a_type_param_as_the_action_prop() -> None:
    """``$action`` spells the name ``type``: a param of that name needs the prop."""
    actions = Actions()
    actions.add(Action("tag", _handler, params=Typed))
    spec = _legacy({"name": "tag", "params": {"type": "urgent"}})
    clean = validate(spec, actions=actions).spec
    assert clean is not None
    root = clean.to_flat()["root"]
    assert isinstance(root, list)
    (node,) = root
    assert isinstance(node, dict) and "$action" not in node
    assert node["action"] == {"name": "tag", "params": {"type": "urgent"}}
    assert validate(clean.to_flat(), actions=actions).spec == clean


def test_the_flat_and_legacy_shapes_bind_the_same_action() -> None:
    legacy = validate(VALID[0], actions=ACTIONS).spec
    flat = validate(
        _flat({"type": "book_table", "restaurant": "Lou"}, variant="primary"), actions=ACTIONS
    ).spec
    assert legacy == flat


def test_an_unbound_button_renders_disabled_and_a_bound_one_without_a_surface_too() -> None:
    renderer = Renderer(actions=ACTIONS, on_invalid_props="drop")
    for spec in (_legacy({"name": "nope"}), VALID[0]):
        html = str(renderer.render(spec))
        assert "disabled" in html and "<form" not in html


def test_the_clean_spec_of_a_button_whose_action_needs_an_input_is_valid() -> None:
    class Required(BaseModel):
        model_config = ConfigDict(extra="forbid")
        party_size: int

    actions = Actions()
    actions.add(Action("book", _handler, inputs=Required))
    result = validate(_legacy({"name": "book"}), actions=actions)
    assert _found(result) == [("/root/0", "missing_input")]
    assert result.spec is not None
    assert validate(result.spec, actions=actions).ok


# -- properties ----------------------------------------------------------------------------

LIMIT_CODES = {"number_too_large", "too_long", "too_deep", "too_many_props", "too_many_values"}


def _json_ready(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


_NAMES = st.sampled_from(["book_table", "cancel", "book_tabel", "constructor", "x.y-z"])
_PARAMS = st.dictionaries(
    st.sampled_from(["restaurant", "party_max", "x", "type"]) | st.text(max_size=6),
    st.sampled_from(["Lou", "", 3, 8, None, "x" * 50]) | json_values(4).filter(_json_ready),
    max_size=4,
)  # non-finite numbers: see the test below


@given(name=_NAMES, params=_PARAMS, flat=st.booleans(), as_text=st.booleans())
def test_any_binding_validates_to_a_clean_spec_that_is_valid_in_both_shapes(
    name: str, params: dict[str, Any], flat: bool, as_text: bool
) -> None:
    if flat:
        spec = _flat({**{k: v for k, v in params.items() if k != "type"}, "type": name})
    else:
        spec = _legacy({"name": name, "params": params})
    data = json.dumps(spec) if as_text and _json_ready(spec) else spec
    result = validate(data, actions=ACTIONS)
    if result.spec is None:  # over a limit (a huge integer, a long string): refused whole
        assert {error.code for error in result.errors} <= LIMIT_CODES, result.errors
        return
    base = "/root/0/$action" if flat else "/root/0/props/action"
    for error in result.errors:
        assert error.path.startswith(base), error
        assert error.hint, error
    again = validate(result.spec, actions=ACTIONS)
    assert again.ok and again.spec == result.spec, again.errors
    assert validate(result.spec.to_flat(), actions=ACTIONS).spec == result.spec
    node = _only_node(result.spec)
    assert ("action" in node) == result.ok
    if result.ok:
        assert node["action"] == spec_binding(spec)


def spec_binding(spec: Any) -> Any:
    """The ``action`` prop a one-button spec binds, in either shape (a flat binding
    without params reads as a binding with no ``params`` member)."""
    node = spec["root"][0]
    if "$action" not in node:
        return node["props"]["action"]
    params = {k: v for k, v in node["$action"].items() if k != "type"}
    name = node["$action"]["type"]
    return {"name": name, "params": params} if params else {"name": name}


def test_a_non_finite_param_in_a_flat_action_is_reported_where_it_is() -> None:
    result = validate(_flat({"type": "book_table", "restaurant": [float("inf")]}), actions=ACTIONS)
    assert [error.path for error in result.errors] == ["/root/0/$action/restaurant/0"]
