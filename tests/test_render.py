"""The renderer: resolution, fallbacks, props validation, escaping, determinism."""

from __future__ import annotations

import json
from typing import Any

import html5lib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import DictLoader, TemplateSyntaxError
from markupsafe import Markup
from pydantic import BaseModel

from genui import DEFAULT_LIMITS, GenerativeUIRenderError, GenerativeUIValidationError
from genui.components import default_registry
from genui.htmltext import escape_html
from genui.registry import Component
from genui.render import Renderer, format_number, render, render_page, render_with_report
from genui.sanitize import SafeUrl
from genui.testing import specs
from genui.writing import Element
from tests.builders import text
from tests.hostile import PROTOTYPE_LIKE
from tests.html_parsing import parse_errors
from tests.security import violations


def test_render_accepts_text_dicts_and_parsed_specs() -> None:
    spec = {"root": text("hi")}
    assert render(spec) == render('{"root": {"component": "Text", "props": {"text": "hi"}}}')
    assert isinstance(render(spec), Markup)


def test_bare_strings_and_numbers_are_escaped_text_leaves() -> None:
    assert render({"root": ["<b>&", 3, 2.0, 1.5]}) == "&lt;b&gt;&amp;321.5"


@pytest.mark.parametrize("name", [*PROTOTYPE_LIKE[:12], "Unknown"])
def test_unknown_names_raise_with_component_name_and_path(name: str) -> None:
    if not name or name[0] == "_":
        pytest.skip("not a syntactically valid name: rejected by parse_spec instead")
    spec = {"root": [text("a"), {"component": "Card", "children": [{"component": name}]}]}
    with pytest.raises(GenerativeUIRenderError) as info:
        render(spec)
    assert info.value.component_name == name
    assert info.value.path == "/root/1/children/0"
    assert info.value.code == "unknown_component"


def test_default_fallback_renders_an_escaped_placeholder_without_children() -> None:
    spec = {"root": {"component": "Evil", "key": "k", "children": [text("child-text")]}}
    html = render(spec, fallback="default")
    assert "unknown component: <code>Evil</code>" in html
    assert "child-text" not in html
    assert 'data-genui-key="k"' in html


def test_callable_fallback_gets_name_raw_props_and_path_and_its_str_is_escaped() -> None:
    calls: list[tuple[str, dict[str, Any], str]] = []

    def fallback(name: str, props: Any, path: str) -> str:
        calls.append((name, dict(props), path))
        return "<i>missing</i>"

    html = render(
        {"root": [{"component": "Map", "props": {"a": 1}, "children": ["x"]}]}, fallback=fallback
    )
    assert calls == [("Map", {"a": 1}, "/root/0")]
    assert html == "&lt;i&gt;missing&lt;/i&gt;"


def test_callable_fallback_markup_is_trusted_as_is() -> None:
    html = render(
        {"root": {"component": "Map"}}, fallback=lambda n, p, path: Markup("<em>n/a</em>")
    )
    assert html == "<em>n/a</em>"


def test_invalid_props_raise_with_paths_into_the_spec() -> None:
    spec = {"root": [text("ok"), text("x", tone="loud")]}
    with pytest.raises(GenerativeUIValidationError) as info:
        render(spec)
    assert [(e.path, e.code) for e in info.value.errors] == [
        ("/root/1/props/tone", "invalid_value")
    ]


def test_undeclared_props_are_invalid() -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        render({"root": text("x", colour="red")})
    assert (info.value.errors[0].path, info.value.errors[0].code) == (
        "/root/props/colour",
        "extra_field",
    )


@pytest.mark.parametrize(
    "name",
    ["onClick", "ONLOAD", "onerror", "style", "dangerouslySetInnerHTML", "srcdoc", "formaction"],
)
def test_never_allowed_props_raise_with_a_specific_code(name: str) -> None:
    with pytest.raises(GenerativeUIValidationError) as info:
        render({"root": text("x", **{name: "alert(1)"})})
    assert info.value.errors[0].path == f"/root/props/{name}"
    assert info.value.errors[0].code in {
        "event_handler",
        "style",
        "raw_html",
        "forbidden_attribute",
    }


def test_drop_mode_renders_without_invalid_props_and_reports_each() -> None:
    renderer = Renderer(on_invalid_props="drop")
    html, report = renderer.render_with_report(
        {"root": text("kept", tone="loud", onClick="x", colour="red")}
    )
    assert ">kept<" in html and "onclick" not in html.lower()
    assert sorted((e.prop, e.reason) for e in report) == [
        ("colour", "unknown_prop"),
        ("onClick", "event_handler"),
        ("tone", "invalid_prop"),
    ]
    assert all(e.path == "/root" for e in report)


def test_null_props_mean_absent_so_defaults_apply() -> None:
    assert render({"root": text("x", tone=None)}) == render({"root": text("x")})


def test_unsafe_urls_are_dropped_and_reported_not_raised() -> None:
    html, report = render_with_report(
        {"root": {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "t"}}}
    )
    assert "href" not in html and "javascript" not in html
    assert [(e.path, e.prop, e.reason) for e in report] == [("/root", "href", "unsafe_url_scheme")]


def test_strict_mode_turns_any_sanitization_into_a_validation_error() -> None:
    strict = Renderer(strict=True)
    with pytest.raises(GenerativeUIValidationError) as info:
        strict.render({"root": {"component": "Link", "props": {"href": "javascript:x"}}})
    assert info.value.errors[0].path == "/root/props/href"
    with pytest.raises(GenerativeUIValidationError):
        Renderer(strict=True, on_invalid_props="drop").render({"root": text("x", colour="red")})


def test_keys_are_escaped_wherever_they_are_written() -> None:
    html = render(
        {"root": {"component": "Card", "key": '"><script>x</script>', "props": {"title": "t"}}}
    )
    assert "<script>" not in html
    assert "&#34;&gt;&lt;script&gt;" in html
    assert not parse_errors(html)


def test_every_element_carries_its_class_and_identity() -> None:
    html = render({"root": [{"component": "Card", "children": [text("a")]}, text("b")]})
    assert 'class="genui-card" data-genui-path="/root/0"' in html
    assert 'class="genui-text genui-tone-default" data-genui-path="/root/0/children/0"' in html
    assert 'data-genui-path="/root/1"' in html


def test_text_components_take_text_from_string_children() -> None:
    assert render({"root": {"component": "Text", "children": ["a<", "b"]}}) == render(
        {"root": text("a<b")}
    )


def test_apps_add_components_with_their_own_templates() -> None:
    class BadgeCountProps(BaseModel):
        count: int
        href: SafeUrl = None

    registry = default_registry().extend(Component("Count", BadgeCountProps, "count.html"))
    renderer = Renderer(
        registry,
        loaders=[
            DictLoader(
                {"count.html": '<a{{ node.attrs() }} href="{{ props.href }}">{{ props.count }}</a>'}
            )
        ],
    )
    html, report = renderer.render_with_report(
        {"root": {"component": "Count", "props": {"count": 3, "href": "javascript:x"}}}
    )
    assert ">3</a>" in html and "javascript" not in html
    assert report.events[0].prop == "href"


class _ChipProps(BaseModel):
    label: str
    extra: dict[str, str | int | bool | None] = {}


_CHIP = Component("Chip", _ChipProps, "chip.html")
_CHIP_TEMPLATE = "<span{{ node.attrs() }}{{ props.extra|xmlattr }}>{{ props.label }}</span>"
_CHIP_LOADERS = [DictLoader({"chip.html": _CHIP_TEMPLATE})]
_CHIP_RENDERER = Renderer(default_registry().extend(_CHIP), loaders=_CHIP_LOADERS)


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        (
            {"title": "t", "data-x": 1, "aria-label": 'a"b'},
            ' title="t" data-x="1" aria-label="a&#34;b"',
        ),
        ({"onfocus": "alert(1)", "autofocus": True}, ' autofocus="True"'),
        ({"ONFOCUS": "x", "on\u200bclick": "x", "style": "color:red", "srcdoc": "<b>"}, ""),
        ({"href": "javascript:alert(1)", "src": "data:text/html,<b>"}, ""),
        ({"href": "https://example.com/a", "srcset": "https://e.example/a.png 2x"}, ""),
        ({"x y": "1", "a>b": "1", "hx-get": "/x", ":href": "x", "@click": "x"}, ""),
        ({"title": None}, ""),
    ],
)
def test_xmlattr_in_an_app_template_leaves_out_handlers_and_unsafe_urls(
    extra: dict[str, Any], kept: str
) -> None:
    # the filter alone, as the renderer's environment installs it: validation removes
    # never-allowed keys inside a dict prop before (tests/test_nested_names.py); the filter
    # is the second wall, for the dicts an app builds itself
    template = _CHIP_RENDERER.environment.from_string("<span{{ extra|xmlattr }}>c</span>")
    html = template.render(extra=extra)
    assert violations(html) == []
    if "href" in extra and extra["href"].startswith("https"):
        assert 'href="https://example.com/a"' in html and "srcset=" in html
    else:
        assert html == f"<span{kept}>c</span>"
    spec = {"root": {"component": "Chip", "props": {"label": "c", "extra": extra}}}
    dropping = Renderer(_CHIP_RENDERER.registry, loaders=_CHIP_LOADERS, on_invalid_props="drop")
    assert violations(str(dropping.render(spec))) == []  # both walls together


def test_apps_add_components_with_their_own_writers() -> None:
    class NoteProps(BaseModel):
        text: str

    def write_note(element: Element[NoteProps]) -> str:
        text = escape_html(element.props.text)
        return f'<aside class="{element.css_class}"{element.identity_attrs()}>{text}</aside>'

    renderer = Renderer(default_registry().extend(Component("Note", NoteProps, writer=write_note)))
    spec = {"root": {"component": "Note", "props": {"text": "<b>"}, "key": "k"}}
    expected = (
        '<aside class="genui-note" data-genui-path="/root" data-genui-key="k">&lt;b&gt;</aside>'
    )
    assert renderer.render(spec) == expected
    assert renderer.render(json.dumps(spec)) == expected  # the one-pass path too
    loaders = [DictLoader({"note.html": "<p{{ node.attrs() }}>{{ props.text }}</p>"})]
    assert Renderer(renderer.registry, loaders=loaders).render(spec) == expected  # no key
    keyed = Component("Note", NoteProps, "note.html", writer=write_note)
    overridden = Renderer(default_registry().extend(keyed), loaders=loaders)
    assert overridden.render(spec) == '<p class="genui-note" data-genui-path="/root"' + (
        ' data-genui-key="k">&lt;b&gt;</p>'
    )


def test_app_loaders_can_override_a_built_in_template() -> None:
    renderer = Renderer(
        loaders=[DictLoader({"genui/text.html": "<span{{ node.attrs() }}>{{ content }}</span>"})]
    )
    assert renderer.render({"root": text("x")}).startswith("<span")
    text_json = json.dumps({"root": text("x")})
    assert renderer.render(text_json).startswith("<span")  # the one-pass path too


def test_a_built_in_template_name_is_reused_only_with_its_props_model() -> None:
    from genui.components.layout import CardProps

    class Aside(CardProps):
        """A card with one more prop."""

        tone: str = "muted"

    class Other(BaseModel):
        count: int = 0

    aside = Renderer(default_registry().extend(Component("Aside", Aside, "genui/card.html")))
    assert 'class="genui-aside"' in aside.render({"root": {"component": "Aside"}})
    wrong = Renderer(default_registry().extend(Component("Odd", Other, "genui/card.html")))
    with pytest.raises(TypeError, match="renders CardProps"):
        wrong.render({"root": {"component": "Text"}})


def test_autoescape_is_always_on_and_undefined_is_strict() -> None:
    environment = Renderer().environment
    assert environment.autoescape is True
    assert environment.undefined.__name__ == "StrictUndefined"


def test_render_page_is_a_complete_document_with_the_stylesheet() -> None:
    page = render_page({"root": text("hello")}, title="<Preview>")
    assert page.startswith("<!doctype html>")
    assert "<title>&lt;Preview&gt;</title>" in page
    assert "<style>" in page and ">hello<" in page
    linked = Renderer().render_page(
        {"root": "x"}, stylesheet_href="/static/genui.css", theme="dark"
    )
    assert '<link rel="stylesheet" href="/static/genui.css">' in linked and "<style>" not in linked
    assert 'data-genui-theme="dark"' in linked


def test_render_guards_depth_for_specs_built_without_parse_spec() -> None:
    from genui import GenerativeUINode, GenerativeUISpec

    node: Any = "leaf"
    for _ in range(80):
        node = GenerativeUINode.model_construct(
            component="Card", props={}, children=[node], key=None
        )
    with pytest.raises(GenerativeUIValidationError) as info:
        render(GenerativeUISpec.model_construct(root=node))
    assert info.value.errors[0].code == "too_deep"
    assert info.value.errors[0].path == "/root" + "/children/0" * DEFAULT_LIMITS.max_depth


@pytest.mark.parametrize(
    ("value", "text_form"),
    [(1, "1"), (1.0, "1"), (-0.5, "-0.5"), (1e21, "1e+21"), (10**30, "1e+30"), (0.1, "0.1")],
)
def test_numbers_print_like_javascript(value: float, text_form: str) -> None:
    assert format_number(value) == text_form


# --- properties over the default registry -------------------------------------------------


def _text_leaves(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _text_leaves(item)]
    if isinstance(value, dict) and "component" in value:
        return _text_leaves(value.get("children") or [])
    return []


@given(specs())
def test_specs_drawn_from_the_catalog_schema_always_render(spec: dict[str, Any]) -> None:
    html = render(spec)
    assert render(spec) == html  # deterministic


@given(specs(strict=True))
def test_strict_catalog_specs_with_nulls_always_render(spec: dict[str, Any]) -> None:
    render(spec)


@given(specs())
def test_rendered_html_parses_cleanly_as_html5(spec: dict[str, Any]) -> None:
    html = render(spec)
    assert parse_errors(html) == []


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_every_text_leaf_appears_escaped_exactly_once(leaves: list[str]) -> None:
    from markupsafe import escape

    from genui.htmltext import replace_invalid_characters

    marker_leaves = [f"\u27e6{index}:{leaf}\u27e7" for index, leaf in enumerate(leaves)]
    spec = {"root": [{"component": "Card", "children": [leaf]} for leaf in marker_leaves]}
    html = render(spec)
    for leaf in marker_leaves:
        assert html.count(str(escape(replace_invalid_characters(leaf)))) == 1


@given(st.text())
def test_characters_html_disallows_never_reach_the_output(value: str) -> None:
    html = render({"root": [value, {"component": "Card", "key": value, "props": {"title": value}}]})
    assert parse_errors(html) == []
    html.encode("utf-8")


def _parent_path(path: str) -> str | None:
    head, sep, _ = path.rpartition("/children/")
    return head if sep else None


def _nesting_mismatches(html: str) -> list[tuple[str, str | None, str | None]]:
    """Elements whose nearest genui ancestor in the parsed DOM is not their spec parent."""
    tree = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    mismatches = []
    stack: list[tuple[Any, str | None]] = [(tree, None)]
    while stack:
        element, ancestor = stack.pop()
        path = element.get("data-genui-path") if hasattr(element, "get") else None
        if path is not None:
            if _parent_path(path) != ancestor:
                mismatches.append((path, _parent_path(path), ancestor))
            ancestor = path
        stack.extend((child, ancestor) for child in element)
    return mismatches


@given(specs())
def test_browsers_build_the_same_tree_as_the_spec(spec: dict[str, Any]) -> None:
    # HTML parsers silently re-parent misnested elements (a <p> in a <p>, an <li> in an
    # <li>, an <a> in an <a>): the parsed DOM must nest exactly like the spec.
    assert _nesting_mismatches(render(spec)) == []


@pytest.mark.parametrize(
    "source",
    [
        "<a title={{ props.label }}>x</a>",
        "<a title = {{ props.label }}>x</a>",
        "<a\n  title=\n  {{ props.label }}>x</a>",
        "<a{{ node.attrs() }} title={% if props.label %}{{ props.label }}{% endif %}>x</a>",
    ],
)
def test_a_template_writing_an_attribute_value_unquoted_is_refused_when_loaded(
    source: str,
) -> None:
    class LabelProps(BaseModel):
        label: str

    registry = default_registry().extend(Component("Label", LabelProps, "label.html"))
    renderer = Renderer(registry, loaders=[DictLoader({"label.html": source})])
    with pytest.raises(TemplateSyntaxError, match="must be quoted"):
        renderer.render({"root": {"component": "Divider"}})  # the first render loads all


@pytest.mark.parametrize(
    "source",
    [
        '<a title="{{ props.label }}">x</a>',
        "<a title='{{ props.label }}' data-x=\"{{ props.label }}\">x</a>",
        "<p>a = {{ props.label }} and b=</p>",
        '<a{{ node.attrs() }} title="{% if props.label %}{{ props.label }}{% endif %}">x</a>',
    ],
)
def test_quoted_attribute_values_and_text_after_an_equals_sign_are_fine(source: str) -> None:
    class LabelProps(BaseModel):
        label: str

    registry = default_registry().extend(Component("Label", LabelProps, "label.html"))
    renderer = Renderer(registry, loaders=[DictLoader({"label.html": source})])
    html = str(renderer.render({"root": {"component": "Label", "props": {"label": "x onclick=y"}}}))
    assert violations(html) == []
