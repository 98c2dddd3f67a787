"""The registry described for an LLM: schema, tool definition, prompt."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from pydantic import BaseModel, ConfigDict, Field

from genui import Action, Actions, validate
from genui.catalog import json_schema, prompt, render_gui_tool
from genui.cli import main
from genui.components import default_registry
from genui.testing import from_schema, specs
from tests import examples
from tests.test_state import LITERAL_EQUIVALENTS


@pytest.mark.parametrize("strict", [False, True])
def test_catalog_schema_is_valid_draft_2020_12(strict: bool) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(strict=strict))


def test_catalog_schema_lists_exactly_the_registry_names() -> None:
    schema = json_schema(default_registry().only("Card", "Text"))
    names = {
        d["properties"]["component"]["const"]
        for k, d in schema["$defs"].items()
        if k.endswith("Node") and "properties" in d
    }
    assert names == {"Card", "Text"}


def _keywords(schema: Any) -> set[str]:
    """Every keyword used in schema positions (not property names)."""
    found: set[str] = set()
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found |= _keywords(sub)
            elif key in ("items", "additionalProperties", "anyOf", "oneOf"):
                found |= _keywords(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _keywords(value)
    return found


_ANNOTATIONS = {"$schema", "$defs", "title", "description", "default", "examples", "discriminator"}
"""Keywords that validate nothing (``discriminator`` is OpenAPI's, which pydantic writes)."""


@pytest.mark.parametrize("strict", [False, True])
def test_every_keyword_of_the_catalog_schema_is_a_json_schema_keyword(strict: bool) -> None:
    """A constraint pydantic cannot translate (``gt`` on a union) is written under its own
    name, which JSON Schema ignores: the model would be told less than the props model
    checks, and specs drawn from the schema would fail validation."""
    known = set(jsonschema.Draft202012Validator.VALIDATORS) | _ANNOTATIONS
    assert _keywords(json_schema(strict=strict)) - known == set()


def test_strict_schema_uses_no_keywords_openai_rejects() -> None:
    assert not _keywords(json_schema(strict=True)) & {"oneOf", "default", "format", "title"} - {
        "title"
    }


def _objects(schema: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(schema, dict):
        if schema.get("type") == "object" or (
            "properties" in schema and isinstance(schema["properties"], dict)
        ):
            found.append(schema)
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for sub in value.values():
                    found.extend(_objects(sub))
            elif key in ("items", "additionalProperties", "anyOf", "oneOf"):
                found.extend(_objects(value))
    elif isinstance(schema, list):
        for value in schema:
            found.extend(_objects(value))
    return found


def test_strict_schema_follows_openai_strict_mode_rules() -> None:
    schema = json_schema(strict=True)
    for obj in _objects(schema):
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])


def test_catalog_schema_rejects_unknown_components_and_props() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    assert validator.is_valid({"root": {"component": "Card", "props": {"title": "t"}}})
    assert not validator.is_valid({"root": {"component": "Nope"}})
    assert not validator.is_valid({"root": {"component": "Card", "props": {"onclick": "x"}}})
    assert not validator.is_valid({"root": {"component": "Text", "props": {"tone": "loud"}}})


@given(specs())
def test_generated_specs_validate_against_the_catalog_schema(spec: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator(json_schema()).validate(spec)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_render_gui_tool_wraps_the_schema_as_tool_input(provider: str) -> None:
    tool = render_gui_tool(provider=provider)  # type: ignore[arg-type]
    parameters = tool["function"]["parameters"] if provider == "openai" else tool["input_schema"]
    jsonschema.Draft202012Validator.check_schema(parameters)
    validator = jsonschema.Draft202012Validator(parameters)
    assert (
        validator.is_valid(
            {
                "spec": {
                    "root": {
                        "component": "Card",
                        "props": {"title": "t", "description": None},
                        "children": None,
                        "key": None,
                    }
                }
            }
        )
        is (provider == "openai")
        or provider == "anthropic"
    )
    assert not validator.is_valid({"spec": {"root": {"component": "Nope"}}})
    if provider == "openai":
        assert tool["function"]["strict"] is True and tool["function"]["name"] == "render_gui"


def test_prompt_lists_every_component_with_its_props_and_an_example() -> None:
    text = prompt()
    for name, component in default_registry().items():
        assert f"## {name}" in text
        for prop in component.props_model.model_fields:
            assert f"- {prop}:" in text
        if component.example is not None:
            assert json.dumps(component.example, ensure_ascii=False) in text


def test_examples_in_the_catalog_render() -> None:
    from genui.render import render

    registry = default_registry()
    for component in registry.values():
        if component.example is None:
            continue
        example = dict(component.example)
        if not component.standalone:  # shown inside a parent that takes it
            parent = next(
                name
                for name, other in registry.items()
                if isinstance(other.children, frozenset) and component.name in other.children
            )
            example = {"component": parent, "children": [example]}
        render({"root": example})


def test_cli_prints_the_registry_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--registry", "default"]) == 0
    assert json.loads(capsys.readouterr().out) == json_schema()
    assert main(["schema", "--registry", "nope"]) == 2


# -- actions -------------------------------------------------------------------------------


class _BookParams(BaseModel):
    restaurant: str = Field(description="The restaurant's id")
    seats: int = 2


class _BookInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    party_size: int = Field(default=2, ge=1, description="How many people")


def _declared() -> Actions:
    actions = Actions()
    actions.add(Action("book_table", print, _BookParams, _BookInputs, "Book a table."))
    actions.add(Action("cancel", print))
    return actions


def _button(action: Any) -> dict[str, Any]:
    return {"root": {"component": "Button", "props": {"label": "Go", "action": action}}}


def _bindings(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for name, d in schema["$defs"].items() if name.rsplit(".", 1)[-1] == "ActionRef"]


@pytest.mark.parametrize("strict", [False, True])
def test_the_schema_with_actions_is_valid_and_names_only_declared_actions(strict: bool) -> None:
    schema = json_schema(strict=strict, actions=_declared())
    jsonschema.Draft202012Validator.check_schema(schema)
    for binding in _bindings(schema):
        names = [option["properties"]["name"]["enum"] for option in binding["anyOf"]]
        assert names == [["book_table"], ["cancel"]]
    if strict:
        for obj in _objects(schema):
            assert obj["additionalProperties"] is False
            assert sorted(obj["required"]) == sorted(obj["properties"])


def test_the_schema_with_actions_accepts_exactly_the_bindings_validate_accepts() -> None:
    actions = _declared()
    validator = jsonschema.Draft202012Validator(json_schema(actions=actions))
    for action, valid in [
        ({"name": "book_table", "params": {"restaurant": "lou"}}, True),
        ({"name": "book_table", "params": {"restaurant": "lou", "seats": 4}}, True),
        ({"name": "cancel"}, True),
        ({"name": "book_table"}, False),
        ({"name": "book_table", "params": {"restaurant": 3}}, False),
        ({"name": "book_tabel", "params": {"restaurant": "lou"}}, False),
        ({"name": "cancel", "params": {"x": 1}}, False),
    ]:
        assert validator.is_valid(_button(action)) is valid, action
        assert validate(_button(action), actions=actions).ok is valid, action


@pytest.mark.parametrize("strict", [False, True])
def test_specs_drawn_from_the_schema_with_actions_validate(strict: bool) -> None:
    """What a model constrained by the schema writes validates: in strict mode that
    includes ``null`` for every optional param, which means "not given".

    Whether a form's field names are its action's inputs is a rule across nodes that
    the schema does not express (the prompt says it; validate reports it with a hint).
    """
    actions = _declared()
    schema = json_schema(strict=strict, actions=actions)
    across_nodes = {"unknown_input", "missing_input"}

    @settings(max_examples=examples(60), deadline=None)
    @given(from_schema(schema))
    def check(spec: dict[str, Any]) -> None:
        result = validate(spec, actions=actions)
        assert {error.code for error in result.errors} <= across_nodes, result.errors

    check()


def test_a_null_param_means_not_given() -> None:
    actions = _declared()
    result = validate(
        _button({"name": "book_table", "params": {"restaurant": "lou", "seats": None}}),
        actions=actions,
    )
    assert result.ok, result.errors
    nothing = validate(_button({"name": "cancel", "params": None}), actions=actions)
    assert nothing.ok, nothing.errors  # a null params: none (a strict schema allows it)


def test_without_actions_the_schema_is_unchanged() -> None:
    assert json_schema(actions=Actions()) == json_schema()
    assert prompt(actions=Actions()) == prompt()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_the_tool_with_actions_constrains_and_lists_them(provider: str) -> None:
    tool = render_gui_tool(provider=provider, actions=_declared())  # type: ignore[arg-type]
    body = tool["function"] if provider == "openai" else tool
    parameters = body["parameters"] if provider == "openai" else body["input_schema"]
    jsonschema.Draft202012Validator.check_schema(parameters)
    assert "book_table(restaurant, seats): Book a table" in body["description"]
    assert "cancel()" in body["description"]
    assert _bindings(parameters)


def test_the_prompt_lists_every_action_with_params_and_inputs() -> None:
    text = prompt(actions=_declared())
    assert "Actions:" in text and '"$action": {"type": <action>' in text
    assert "## action book_table — Book a table." in text
    assert "- param restaurant: string, required. The restaurant's id" in text
    assert "- param seats: integer" in text
    assert "- input party_size: integer (>= 1). How many people" in text
    assert "## action cancel\n- (no params)" in text


# -- state and bindings ---------------------------------------------------------------------


def test_the_bindings_schema_accepts_every_bound_spec_the_validator_accepts() -> None:
    schema = json_schema(bindings=True)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    plain = jsonschema.Draft202012Validator(json_schema())
    for name, spec, literal in LITERAL_EQUIVALENTS:
        if "action" in name:
            continue  # the schema without actions has no action prop
        assert validate(spec).ok, name
        assert not list(validator.iter_errors(spec)), name
        assert list(plain.iter_errors(spec)), name  # without bindings, state is refused
        assert not list(validator.iter_errors(literal)), name


def test_the_bindings_schema_refuses_what_is_not_a_binding_or_condition() -> None:
    validator = jsonschema.Draft202012Validator(json_schema(bindings=True))
    text = {"component": "Text", "props": {"text": "x"}}
    for bad in (
        {**text, "repeat": [1, 2]},
        {**text, "visible": {"matches": ["a", "b"]}},
        {**text, "visible": {"eq": [1]}},
        {"component": "Text", "props": {"text": {"$state": "no-slash"}}},
        {"component": "Text", "props": {"text": {"$index": 1}}},
    ):
        assert list(validator.iter_errors({"state": {}, "root": bad})), bad


def test_bindings_do_not_combine_with_strict_mode() -> None:
    with pytest.raises(ValueError, match="strict"):
        json_schema(strict=True, bindings=True)
    tool = render_gui_tool(strict=False, bindings=True)
    assert "state" in tool["function"]["parameters"]["properties"]["spec"]["properties"]


def test_the_prompt_describes_state_repeat_and_visible_only_when_asked() -> None:
    text = prompt(bindings=True)
    for word in ('"$state"', '"repeat"', '"$item"', '"$index"', '"visible"', '"eq"', "truthy"):
        assert word in text
    assert "$state" not in prompt()
