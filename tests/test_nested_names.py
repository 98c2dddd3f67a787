"""Never-allowed keys inside free-form prop values are removed and reported at every depth.

Runs against both input forms (``spec_form``): JSON text takes the one-pass validator,
which must hand such props to the precise walk.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jinja2 import DictLoader
from pydantic import BaseModel, ConfigDict

from genui import Component, GenerativeUIValidationError, Renderer, default_registry, validate
from genui.nested_names import forbidden_keys, free_key_fields, raw_has_forbidden_key, without_keys

pytestmark = pytest.mark.usefixtures("spec_form")


class Inner(BaseModel):
    """Declared names: the app's, never checked (``only_one`` starts like an event name)."""

    model_config = ConfigDict(extra="forbid")
    only_one: int = 0


class Loose(BaseModel):
    """A nested model that keeps undeclared keys: those are the agent's."""

    model_config = ConfigDict(extra="allow")
    title: str = ""


class BoxProps(BaseModel):
    """An app component with free-form and declared nested props."""

    model_config = ConfigDict(extra="forbid")
    attrs: dict[str, Any] = {}
    inner: Inner = Inner()
    loose: Loose = Loose()
    rows: list[dict[str, str]] = []
    label: str = ""


BOX_TEMPLATE = "<div{{ node.attrs() }} {{ props.attrs|xmlattr }}>{{ props.label }}</div>"
REGISTRY = default_registry().extend(Component("Box", BoxProps, "box.html"))


def _validate(props: dict[str, Any], spec_form: str) -> Any:
    spec = {"root": {"component": "Box", "props": props}}
    return validate(json.dumps(spec) if spec_form == "text" else spec, registry=REGISTRY)


def test_the_fields_that_can_hold_free_keys_are_found_once_per_model() -> None:
    assert free_key_fields(BoxProps) == {"attrs", "loose", "rows"}
    for component in default_registry().values():
        assert free_key_fields(component.props_model) == frozenset(), component.name


def test_keys_are_removed_at_every_depth_and_each_is_reported(spec_form: str) -> None:
    props = {
        "attrs": {"onfocus": "alert(1)", "x": {"y": [{"OnClick": 1, "ok": 2}]}, "autofocus": True},
        "rows": [{"a": "b"}, {"style": "color:red", "c": "d"}],
        "loose": {"title": "t", "innerHTML": "<b>"},
        "label": "kept",
    }
    result = _validate(props, spec_form)
    assert [(error.path, error.code) for error in result.errors] == [
        ("/root/props/attrs/onfocus", "event_handler"),
        ("/root/props/attrs/x/y/0/OnClick", "event_handler"),
        ("/root/props/loose/innerHTML", "raw_html"),
        ("/root/props/rows/1/style", "style"),
    ]
    assert all(error.hint.startswith("remove ") for error in result.errors)
    assert result.spec is not None
    assert result.spec.root.props == {
        "attrs": {"x": {"y": [{"ok": 2}]}, "autofocus": True},
        "rows": [{"a": "b"}, {"c": "d"}],
        "loose": {"title": "t"},
        "label": "kept",
    }
    assert sorted((event.prop, event.reason) for event in result.report) == [
        ("attrs", "event_handler"),
        ("attrs", "event_handler"),
        ("loose", "raw_html"),
        ("rows", "style"),
    ]


def test_declared_nested_names_and_action_params_are_the_apps(spec_form: str) -> None:
    result = _validate({"inner": {"only_one": 3}, "attrs": {"online": "no"}}, spec_form)
    assert [error.path for error in result.errors] == ["/root/props/attrs/online"]
    assert result.spec is not None
    assert result.spec.root.props == {"inner": {"only_one": 3}, "attrs": {}}


def test_a_clean_value_passes_as_sent(spec_form: str) -> None:
    props = {"attrs": {"title": "t", "data-x": [1, {"aria-label": "a"}]}, "rows": [{"k": "v"}]}
    result = _validate(props, spec_form)
    assert result.ok
    assert result.spec is not None
    assert result.spec.root.props == props


def test_the_renderer_refuses_by_default_and_drops_on_request(spec_form: str) -> None:
    spec = {"root": {"component": "Box", "props": {"attrs": {"onfocus": "x", "autofocus": True}}}}
    sent: Any = json.dumps(spec) if spec_form == "text" else spec
    loaders = [DictLoader({"box.html": BOX_TEMPLATE})]
    with pytest.raises(GenerativeUIValidationError) as raised:
        Renderer(REGISTRY, loaders=loaders).render(sent)
    assert raised.value.errors[0].path == "/root/props/attrs/onfocus"
    html = Renderer(REGISTRY, loaders=loaders, on_invalid_props="drop").render(sent)
    assert "onfocus" not in html
    assert "autofocus" in html


def test_deep_values_are_walked_without_recursion() -> None:
    value: Any = {"onclick": 1}
    for _ in range(5_000):
        value = {"a": [value]}
    assert raw_has_forbidden_key(value)
    found = forbidden_keys(value)
    assert len(found) == 1
    assert found[0].loc[-1] == "onclick"
    assert len(found[0].loc) == 10_001
    cleaned = without_keys(value, [found[0].loc])
    for step in found[0].loc[:-1]:
        cleaned, value = cleaned[step], value[step]
    assert (cleaned, value) == ({}, {"onclick": 1})


def test_without_keys_copies_only_the_way_and_refuses_a_wrong_location() -> None:
    shared = {"k": 1}
    value = {"a": {"onclick": 1, "b": shared}, "c": shared}
    cleaned = without_keys(value, [("a", "onclick")])
    assert cleaned == {"a": {"b": {"k": 1}}, "c": {"k": 1}}
    assert value["a"] == {"onclick": 1, "b": shared}  # the original is untouched
    assert cleaned["c"] is shared
    with pytest.raises(LookupError):
        without_keys(value, [("a", "missing")])
    with pytest.raises(LookupError):
        without_keys(value, [("x", "y")])
