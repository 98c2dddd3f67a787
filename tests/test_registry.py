"""The allowlist: exact lookup only, immutable, derived registries."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field, create_model

from genui.components import default_registry
from genui.registry import Component, Registry, css_class_for, register
from genui.sanitize import URL_ATTRIBUTES, ImageUrl, SafeUrl
from tests.hostile import PROTOTYPE_LIKE


class NoteProps(BaseModel):
    text: str


NOTE = Component("Note", NoteProps, "note.html")


@pytest.mark.parametrize("name", PROTOTYPE_LIKE)
def test_prototype_and_method_names_are_just_unknown_names(name: str) -> None:
    registry = default_registry()
    assert name not in registry
    assert registry.get(name) is None
    with pytest.raises(KeyError):
        registry[name]


@pytest.mark.parametrize("name", [None, 1, ("Card",), b"Card", object()])
def test_non_string_names_never_resolve(name: object) -> None:
    assert default_registry().get(name) is None
    assert name not in default_registry()


def test_a_str_subclass_cannot_smuggle_a_lookup() -> None:
    class Sneaky(str):
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = str.__hash__

    assert default_registry().get(Sneaky("anything")) is None


def test_registry_is_immutable() -> None:
    registry = Registry([NOTE])
    with pytest.raises(AttributeError):
        registry._components = {}
    with pytest.raises(TypeError):
        registry["Other"] = NOTE  # type: ignore[index]


def test_extend_only_and_without_return_new_registries() -> None:
    base = default_registry()
    extended = base.extend(NOTE)
    assert "Note" in extended and "Note" not in base
    assert list(base.only("Card", "Text")) == ["Card", "Text"]
    assert "Card" not in base.without("Card") and "Card" in base
    with pytest.raises(KeyError):
        base.only("Nope")


def test_a_name_cannot_be_registered_twice_unless_replacing() -> None:
    with pytest.raises(ValueError, match="already registered"):
        Registry([NOTE]).extend(NOTE)
    replacement = Component("Note", NoteProps, "other.html")
    assert Registry([NOTE]).extend(replacement, replace=True)["Note"].template == "other.html"
    with pytest.raises(ValueError, match="twice"):
        Registry([NOTE, NOTE])


def test_register_decorator_declares_a_component_on_the_model() -> None:
    @register("Weather", template="weather.html", description="Forecast", children=False)
    class WeatherProps(BaseModel):
        city: str

    registry = default_registry().extend(WeatherProps)
    component = registry["Weather"]
    assert (component.props_model, component.template, component.children) == (
        WeatherProps,
        "weather.html",
        "none",
    )


@pytest.mark.parametrize("name", ["", "_x", "1x", "a b", "Cärd", "x" * 129])
def test_components_need_valid_names(name: str) -> None:
    with pytest.raises(ValueError, match="invalid component name"):
        Component(name, NoteProps, "t.html")


def test_component_needs_a_pydantic_model() -> None:
    with pytest.raises(TypeError):
        Component("X", dict, "t.html")  # type: ignore[arg-type]


def test_a_component_has_a_writer_or_a_template() -> None:
    with pytest.raises(ValueError, match="a writer or a template"):
        Component("X", NoteProps)
    with pytest.raises(TypeError, match="writer"):
        Component("X", NoteProps, writer="t.html")  # type: ignore[arg-type]
    written = Component("X", NoteProps, writer=lambda element: "<hr>")
    assert written.template == "" and written.writer is not None


def test_text_prop_must_be_declared() -> None:
    with pytest.raises(ValueError, match="text_prop"):
        Component("X", NoteProps, "t.html", text_prop="label")


def test_registering_something_else_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Registry([NoteProps])


@pytest.mark.parametrize(
    ("name", "css"),
    [("Card", "genui-card"), ("ui.Card-v2", "genui-ui-card-v2"), ("ListItem", "genui-listitem")],
)
def test_css_class_is_derived_from_the_name(name: str, css: str) -> None:
    assert css_class_for(name) == css


class _PlainLink(BaseModel):
    href: str


class _Aliased(BaseModel):
    target: str = Field(alias="SRC")


class _Typed(BaseModel):
    href: SafeUrl
    icon: ImageUrl | None = None
    src: list[ImageUrl] = []


class _Named(BaseModel):
    data: str
    """A caption, never written into an attribute."""


@pytest.mark.parametrize("model", [_PlainLink, _Aliased])
def test_a_prop_named_like_a_url_attribute_must_be_typed_as_a_url(model: type[BaseModel]) -> None:
    with pytest.raises(ValueError, match="named like a URL attribute"):
        Component("Thing", model, "thing.html")


def test_url_typed_props_and_named_opt_outs_are_accepted() -> None:
    Component("Typed", _Typed, "typed.html")
    Component("Named", _Named, "named.html", not_urls={"data"})
    with pytest.raises(ValueError, match="not_urls=\\{'data'\\}"):
        Component("Named", _Named, "named.html")
    declared = register("Named", template="named.html", not_urls={"data"})(_Named)
    assert declared.__genui_component__.not_urls == {"data"}  # type: ignore[attr-defined]


def test_every_url_attribute_name_is_guarded() -> None:
    for attribute in sorted(URL_ATTRIBUTES):
        if not attribute.isidentifier():
            continue
        model = create_model("M", **{attribute: (str, ...)})  # type: ignore[call-overload]
        with pytest.raises(ValueError, match="named like a URL attribute"):
            Component("M", model, "m.html")
