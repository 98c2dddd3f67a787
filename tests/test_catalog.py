"""The registry described for an LLM: schema, tool definition, prompt."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given

from genui.catalog import json_schema, prompt, render_gui_tool
from genui.cli import main
from genui.components import default_registry
from genui.testing import specs


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
