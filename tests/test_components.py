"""The built-in component library: rendering, children policy, props validation, escaping."""

from __future__ import annotations

import dataclasses
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from genui.components import BUILTIN_COMPONENTS, default_registry
from genui.components.data import MAX_TABLE_CELLS, MAX_TABLE_COLUMNS, ProgressProps, TableProps
from genui.errors import GenerativeUIValidationError
from genui.registry import Component
from genui.render import Renderer, render
from genui.sanitize import is_url_attribute, url_fields
from genui.static import stylesheet
from genui.writing import Writer
from tests.hostile import HOSTILE_URLS
from tests.html_parsing import attributes, parse_errors
from tests.writer_source import url_attributes, writer_source

pytestmark = pytest.mark.usefixtures("spec_form")  # every test, from data and from JSON text

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "components.md"
TEMPLATES = REPO / "genui" / "templates" / "genui"

COMPONENTS: dict[str, Component] = {c.name: c for c in BUILTIN_COMPONENTS}
DOC_ORDER = [
    "Card",
    "Stack",
    "Grid",
    "Divider",
    "Heading",
    "Text",
    "Code",
    "Badge",
    "Alert",
    "Link",
    "Button",
    "Form",
    "TextInput",
    "TextArea",
    "Select",
    "Checkbox",
    "RadioGroup",
    "Stat",
    "List",
    "ListItem",
    "Table",
    "Chart",
    "Progress",
    "Image",
]

MINIMAL_PROPS: dict[str, dict[str, Any]] = {
    "Stat": {"label": "Revenue", "value": 1},
    "Chart": {"title": "Sales", "labels": ["Q1"], "series": [{"name": "2026", "values": [1]}]},
    "Progress": {"value": 1},
    "Image": {"image": "https://example.com/a.png"},
    "TextInput": {"name": "email", "label": "Email"},
    "TextArea": {"name": "message", "label": "Message"},
    "Select": {"name": "size", "label": "Size", "options": [{"value": "s", "label": "S"}]},
    "Checkbox": {"name": "agree", "label": "I agree"},
    "RadioGroup": {"name": "size", "label": "Size", "options": [{"value": "s", "label": "S"}]},
}
"""Props every node of the component needs to validate (required props)."""
CHOSEN_FROM_OPTIONS = frozenset({"Select", "RadioGroup"})
"""Components whose ``value`` must be one of their options' values."""

PAYLOAD = "<script>alert(1)</script>\"'&"
ESCAPED = str(escape(PAYLOAD))


def node(
    component: str,
    props: dict[str, Any] | None = None,
    children: list[Any] | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """A node with the fields that are given (``None`` leaves a field out)."""
    result: dict[str, Any] = {"component": component}
    if props is not None:
        result["props"] = props
    if children is not None:
        result["children"] = children
    if key is not None:
        result["key"] = key
    return result


# Component-level tests render ListItem and the form fields on their own; where they may
# appear is tested separately.
_ISOLATED = Renderer(
    default_registry().extend(
        *(dataclasses.replace(c, standalone=True) for c in BUILTIN_COMPONENTS if not c.standalone),
        replace=True,
    )
)


def html_of(value: dict[str, Any], renderer: Renderer | None = None) -> str:
    spec = {"root": value}
    return str((renderer or _ISOLATED).render(spec))


def schema_accepts_string(schema: dict[str, Any]) -> bool:
    if "anyOf" in schema:
        return any(schema_accepts_string(option) for option in schema["anyOf"])
    return schema.get("type") == "string" and "enum" not in schema


def hostile(schema: dict[str, Any], text: str) -> Any:
    """A value for a prop with this JSON schema that puts ``text`` in every string slot."""
    if schema.get("type") == "array":
        return [hostile(schema["items"], text)]
    return text


def free_text_props() -> list[tuple[str, str]]:
    """(component, prop) for every prop that takes arbitrary text (not enums, patterns, URLs)."""
    found = []
    for component in BUILTIN_COMPONENTS:
        urls = url_fields(component.props_model)
        properties = component.props_model.model_json_schema().get("properties", {})
        for name, schema in properties.items():
            if name in urls:
                continue
            strings = [schema, *schema.get("anyOf", [])]
            item = schema
            while item.get("type") == "array":
                item = item["items"]
                strings.extend([item, *item.get("anyOf", [])])
            if any(
                s.get("type") == "string" and "enum" not in s and "pattern" not in s
                for s in strings
            ):
                found.append((component.name, name))
    return found


def string_props() -> list[tuple[str, str]]:
    """(component, prop) for every prop a string can reach: free text and URLs."""
    pairs = set(free_text_props())
    for component in BUILTIN_COMPONENTS:
        pairs.update((component.name, name) for name in url_fields(component.props_model))
    return sorted(pairs)


def props_schema(component: str, prop: str) -> dict[str, Any]:
    schema: dict[str, Any] = COMPONENTS[component].props_model.model_json_schema()
    return dict(schema["properties"][prop])


# ----------------------------------------------------------------------------------------
# the library
# ----------------------------------------------------------------------------------------


def test_default_registry_holds_every_builtin_in_documentation_order() -> None:
    assert [c.name for c in BUILTIN_COMPONENTS] == DOC_ORDER
    assert list(default_registry()) == DOC_ORDER


@pytest.mark.parametrize("component", BUILTIN_COMPONENTS, ids=lambda c: c.name)
def test_every_builtin_has_a_description_a_documented_model_and_a_valid_example(
    component: Component,
) -> None:
    assert component.description
    assert component.props_model.__doc__
    for name, field in component.props_model.model_fields.items():
        assert field.description, f"{component.name}.{name} has no docstring"
    assert component.example is not None
    assert component.example["component"] == component.name
    html = html_of(dict(component.example))
    assert html.startswith("<")
    assert parse_errors(html) == []


# ----------------------------------------------------------------------------------------
# rendering: props -> HTML
# ----------------------------------------------------------------------------------------

RENDER_CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    (
        "card",
        node("Card", {"title": "Order", "description": "Shipped"}, ["Body"]),
        [
            '<section class="genui-card" data-genui-path="/root" aria-labelledby="genui-r-title">',
            '<h3 class="genui-card__title" id="genui-r-title">Order</h3>',
            '<p class="genui-card__description">Shipped</p>',
            '<div class="genui-card__body">Body</div>',
            "</section>",
        ],
    ),
    (
        "card-untitled",
        node("Card", {}, ["Body"]),
        ['<section class="genui-card" data-genui-path="/root">', "Body</div></section>"],
    ),
    (
        "stack-default",
        node("Stack", {}, ["a", "b"]),
        ['<div class="genui-stack genui-stack--vertical genui-gap-md" data-genui-path="/root">ab'],
    ),
    (
        "stack-horizontal",
        node("Stack", {"direction": "horizontal", "gap": "none", "align": "baseline"}, ["a"]),
        [
            '<div class="genui-stack genui-stack--horizontal genui-gap-none genui-align-baseline"'
            ' data-genui-path="/root">a</div>'
        ],
    ),
    (
        "grid-default",
        node("Grid", {}, ["a"]),
        ['<div class="genui-grid genui-grid--cols-2 genui-gap-md" data-genui-path="/root">a</div>'],
    ),
    (
        "grid-six",
        node("Grid", {"columns": 6, "gap": "lg"}, []),
        ['<div class="genui-grid genui-grid--cols-6 genui-gap-lg" data-genui-path="/root"></div>'],
    ),
    ("divider", node("Divider"), ['<hr class="genui-divider" data-genui-path="/root">']),
    (
        "heading-default",
        node("Heading", {"text": "Results"}),
        ['<h2 class="genui-heading" data-genui-path="/root">Results</h2>'],
    ),
    *(
        (
            f"heading-{level}",
            node("Heading", {"level": level}, ["Title"]),
            [f'<h{level} class="genui-heading" data-genui-path="/root">Title</h{level}>'],
        )
        for level in range(1, 7)
    ),
    (
        "text",
        node("Text", {"text": "Hello", "tone": "danger"}),
        ['<p class="genui-text genui-tone-danger" data-genui-path="/root">Hello</p>'],
    ),
    (
        "text-children",
        node("Text", None, ["Hello ", 42, " times"]),
        ['<p class="genui-text genui-tone-default" data-genui-path="/root">Hello 42 times</p>'],
    ),
    (
        "code",
        node("Code", {"code": "a = 1\n\tb = 2\n", "language": "c++"}),
        [
            '<pre class="genui-code" data-genui-path="/root"><code class="language-c++">'
            "a = 1\n\tb = 2\n</code></pre>"
        ],
    ),
    (
        "code-children",
        node("Code", None, ["print(1)"]),
        ['<pre class="genui-code" data-genui-path="/root"><code>print(1)</code></pre>'],
    ),
    (
        "badge",
        node("Badge", {"label": "Paid", "tone": "success"}),
        ['<span class="genui-badge genui-tone-success" data-genui-path="/root">Paid</span>'],
    ),
    (
        "badge-children",
        node("Badge", None, ["New"]),
        ['<span class="genui-badge genui-tone-default" data-genui-path="/root">New</span>'],
    ),
    (
        "alert-default",
        node("Alert", {}, ["Saved."]),
        [
            '<div class="genui-alert genui-tone-info" data-genui-path="/root" role="status">',
            '<div class="genui-alert__body">Saved.</div>',
        ],
    ),
    (
        "alert-danger",
        node("Alert", {"tone": "danger", "title": "Failed"}, ["Try again."]),
        [
            '<div class="genui-alert genui-tone-danger" data-genui-path="/root" role="alert">',
            '<p class="genui-alert__title">Failed</p>',
            '<div class="genui-alert__body">Try again.</div>',
        ],
    ),
    (
        "alert-warning",
        node("Alert", {"tone": "warning"}),
        ['<div class="genui-alert genui-tone-warning" data-genui-path="/root" role="alert">'],
    ),
    (
        "alert-success",
        node("Alert", {"tone": "success"}),
        ['<div class="genui-alert genui-tone-success" data-genui-path="/root" role="status">'],
    ),
    (
        "link",
        node("Link", {"href": "https://example.com/a?b=1&c=2", "text": "Docs"}),
        [
            '<a class="genui-link" data-genui-path="/root" href="https://example.com/a?b=1&amp;c=2"'
            ' rel="noopener noreferrer nofollow" target="_blank">Docs</a>'
        ],
    ),
    (
        "link-unsafe",
        node("Link", {"href": "javascript:alert(1)"}, ["Docs"]),
        ['<span class="genui-link genui-link--inert" data-genui-path="/root">Docs</span>'],
    ),
    (
        "button-link",
        node("Button", {"label": "Open", "href": "/orders/1", "variant": "primary"}),
        [
            '<a class="genui-button genui-button--primary" data-genui-path="/root"'
            ' href="/orders/1" rel="noopener noreferrer nofollow" target="_blank">Open</a>'
        ],
    ),
    (
        "button-without-href",
        node("Button", None, ["Open"]),
        [
            '<button class="genui-button genui-button--secondary" data-genui-path="/root"'
            ' type="button" disabled>Open</button>'
        ],
    ),
    (
        "button-unsafe-href",
        node("Button", {"label": "Open", "href": "javascript:alert(1)", "variant": "danger"}),
        ['<button class="genui-button genui-button--danger" data-genui-path="/root"'],
    ),
    (
        "stat",
        node("Stat", {"label": "Visitors", "value": 1200.0, "delta": "+5%", "trend": "up"}),
        [
            '<dl class="genui-stat genui-stat--up" data-genui-path="/root">',
            '<dt class="genui-stat__label">Visitors</dt>',
            '<dd class="genui-stat__value">1200</dd>',
            '<dd class="genui-stat__delta"><span class="genui-stat__arrow" aria-hidden="true">'
            '&#9650;</span>+5%<span class="genui-visually-hidden"> (up)</span></dd>',
        ],
    ),
    (
        "stat-string-value",
        node("Stat", {"label": "Churn", "value": "1.5%"}),
        ['<dl class="genui-stat" data-genui-path="/root">', ">1.5%</dd>\n</dl>"],
    ),
    (
        "stat-down",
        node("Stat", {"label": "Errors", "value": 0.5, "trend": "down"}),
        [
            '<dl class="genui-stat genui-stat--down" data-genui-path="/root">',
            ">0.5</dd>",
            "&#9660;",
            "> (down)</span>",
        ],
    ),
    (
        "stat-flat",
        node("Stat", {"label": "Errors", "value": 3, "trend": "flat"}),
        [
            '<dl class="genui-stat genui-stat--flat" data-genui-path="/root">',
            ">3</dd>",
            "&#9654;",
            "> (no change)</span>",
        ],
    ),
    (
        "list",
        node("List", None, [node("ListItem", {"text": "One"}), node("ListItem", None, ["Two"])]),
        [
            '<ul class="genui-list" data-genui-path="/root">'
            '<li class="genui-listitem" data-genui-path="/root/children/0">One</li>'
            '<li class="genui-listitem" data-genui-path="/root/children/1">Two</li></ul>'
        ],
    ),
    (
        "list-ordered",
        node("List", {"ordered": True}, [node("ListItem", {"text": "One"})]),
        ['<ol class="genui-list genui-list--ordered" data-genui-path="/root"><li ', "</li></ol>"],
    ),
    (
        "list-item",
        node("ListItem", None, [node("Link", {"href": "/a", "text": "a"})]),
        ['<li class="genui-listitem" data-genui-path="/root"><a class="genui-link"'],
    ),
    (
        "table",
        node(
            "Table",
            {
                "caption": "Sales",
                "columns": ["Item", "Units", "Ok", "Note"],
                "rows": [["Lamp", 3, True, None], ["Pen", 2.5, False], ["Cup", None]],
            },
        ),
        [
            '<div class="genui-table" data-genui-path="/root" role="region" tabindex="0"'
            ' aria-labelledby="genui-r-caption">',
            '<table class="genui-table__table">',
            '<caption class="genui-table__caption" id="genui-r-caption">Sales</caption>',
            '<thead><tr><th scope="col">Item</th><th scope="col" class="genui-table__num">Units'
            '</th><th scope="col">Ok</th><th scope="col">Note</th></tr></thead>',
            '<tr><td>Lamp</td><td class="genui-table__num">3</td><td>Yes</td><td></td></tr>',
            '<tr><td>Pen</td><td class="genui-table__num">2.5</td><td>No</td><td></td></tr>',
            '<tr><td>Cup</td><td class="genui-table__num"></td><td colspan="2"></td></tr>',
        ],
    ),
    (
        "table-without-header",
        node("Table", {"rows": [["a"], ["b", "c"]]}),
        [
            '<div class="genui-table" data-genui-path="/root" role="region" tabindex="0"'
            ' aria-label="Table">',
            "<tbody>\n<tr><td>a</td><td></td></tr>\n<tr><td>b</td><td>c</td></tr>\n</tbody>",
        ],
    ),
    (
        "table-row-wider-than-columns",
        node("Table", {"columns": ["a"], "rows": [["x", "y"], []]}),
        [
            '<div class="genui-table" data-genui-path="/root" role="region" tabindex="0"'
            ' aria-label="Table">',
            '<thead><tr><th scope="col">a</th><td></td></tr></thead>',
            '<tr><td>x</td><td>y</td></tr>\n<tr><td colspan="2"></td></tr>',
        ],
    ),
    (
        "progress",
        node("Progress", {"value": 30, "max": 60, "label": "Upload"}),
        [
            '<div class="genui-progress" data-genui-path="/root">',
            '<label class="genui-progress__label" for="genui-r-bar">Upload</label>',
            '<span class="genui-progress__percent" aria-hidden="true">50%</span>',
            '<progress class="genui-progress__bar" id="genui-r-bar" value="30" max="60">'
            "50%</progress>",
        ],
    ),
    (
        "progress-clamped",
        node("Progress", {"value": 250.5}),
        [
            '<div class="genui-progress" data-genui-path="/root">',
            'value="100" max="100" aria-label="Progress">100%</progress>',
        ],
    ),
    (
        "image",
        node("Image", {"image": "https://example.com/a.png", "alt": "A chart"}),
        [
            '<figure class="genui-image genui-image--complete" data-genui-path="/root">',
            '<img class="genui-image__img" src="https://example.com/a.png" alt="A chart"'
            ' loading="lazy" decoding="async">',
        ],
    ),
    (
        "image-filename-alt",
        node("Image", {"image": "/a.png", "filename": "a.png"}),
        [
            '<figure class="genui-image genui-image--complete" data-genui-path="/root">',
            'src="/a.png" alt="a.png"',
            'download="a.png"',
        ],
    ),
    (
        "image-default-alt",
        node("Image", {"image": "/a.png"}),
        [
            '<figure class="genui-image genui-image--complete" data-genui-path="/root">',
            'src="/a.png" alt="Generated image"',
        ],
    ),
    (
        "image-decorative",
        node("Image", {"image": "/a.png", "alt": "", "filename": "a.png"}),
        [
            '<figure class="genui-image genui-image--complete" data-genui-path="/root">',
            'src="/a.png" alt=""',
        ],
    ),
    (
        "image-running",
        node("Image", {"image": "/a.png", "status": {"type": "running"}}),
        [
            '<figure class="genui-image genui-image--running" data-genui-path="/root"'
            ' aria-busy="true">',
            'role="status" aria-live="polite">Generating image…</span>',
        ],
    ),
    (
        "image-content-filter",
        node(
            "Image",
            {"image": "/a.png", "status": {"type": "incomplete", "reason": "content-filter"}},
        ),
        [
            '<figure class="genui-image genui-image--incomplete genui-image--content-filter"'
            ' data-genui-path="/root">',
            "Image could not be generated",
        ],
    ),
    (
        "image-unsafe",
        node("Image", {"image": "javascript:alert(1)", "filename": "a.png"}),
        [
            '<figure class="genui-image genui-image--unavailable" data-genui-path="/root">'
            '<div class="genui-image__error"><strong>Image unavailable</strong>'
            '<span class="genui-image__detail">a.png</span></div></figure>'
        ],
    ),
    (
        "keyed",
        node("Badge", {"label": "x"}, key='k"1'),
        ['<span class="genui-badge genui-tone-default" ', ' data-genui-key="k&#34;1"', ">x</span>"],
    ),
    (
        "form-inert",
        node("Form", {"title": "Contact", "submit_label": "Send"}, [node("Text", {"text": "Hi"})]),
        [
            '<div class="genui-form genui-form--inert" data-genui-path="/root"'
            ' aria-labelledby="genui-r-title">'
            '<fieldset class="genui-form__fieldset" disabled>',
            '<h3 class="genui-form__title" id="genui-r-title">Contact</h3>',
            '<div class="genui-form__summary" role="alert" id="genui-r-summary" hidden></div>',
            '<button class="genui-button genui-button--primary" type="button" disabled>'
            "Send</button>",
        ],
    ),
    (
        "text-input",
        node(
            "TextInput",
            {"name": "qty", "label": "Qty", "kind": "number", "min": 1, "step": 1, "help": "1+"},
        ),
        [
            '<div class="genui-field genui-text-input" data-genui-path="/root">'
            '<label class="genui-field__label" for="genui-r">Qty</label>',
            '<input class="genui-field__control" id="genui-r" name="qty" type="number"'
            ' min="1" step="1" aria-describedby="genui-r-help genui-r-error">',
            '<p id="genui-r-help" class="genui-field__help">1+</p>',
            '<p id="genui-r-error" class="genui-field__error" hidden></p></div>',
        ],
    ),
    (
        "text-area",
        node("TextArea", {"name": "note", "label": "Note", "rows": 3, "value": "Hi"}),
        [
            '<div class="genui-field genui-text-area" data-genui-path="/root">',
            ' name="note" rows="3" aria-describedby="genui-r-error">\nHi</textarea>',
        ],
    ),
    (
        "select",
        node(
            "Select",
            {
                "name": "size",
                "label": "Size",
                "value": "m",
                "options": [{"value": "m", "label": "M"}],
            },
        ),
        [
            '<div class="genui-field genui-select" data-genui-path="/root">',
            '<select class="genui-field__control" id="genui-r" name="size"',
            '<option value="m" selected>M</option></select>',
        ],
    ),
    (
        "checkbox",
        node("Checkbox", {"name": "agree", "label": "I agree", "required": True, "checked": True}),
        [
            '<div class="genui-field genui-checkbox" data-genui-path="/root">',
            ' name="agree" type="checkbox" value="true" checked required',
            'I agree<span class="genui-field__required" aria-hidden="true">*</span></label>',
        ],
    ),
    (
        "radio-group",
        node(
            "RadioGroup",
            {"name": "size", "label": "Size", "options": [{"value": "s", "label": "S"}]},
        ),
        [
            '<fieldset class="genui-field genui-radio-group" data-genui-path="/root">'
            '<legend class="genui-field__label">Size</legend>',
            ' name="size" type="radio" value="s" aria-describedby="genui-r-error"><span>S</span>',
        ],
    ),
    (
        "chart",
        node(
            "Chart",
            {"title": "Sales", "labels": ["Q1", "Q2"], "series": [{"name": "A", "values": [1, 2]}]},
        ),
        [
            '<figure class="genui-chart genui-chart--bar" data-genui-path="/root">',
            '<figcaption class="genui-chart__title">Sales</figcaption>',
            'role="img"',
            "<title>Sales</title>"
            "<desc>Bar chart of 1 series over 2 categories. A from 1 to 2.</desc>",
            '<details class="genui-chart__data"><summary>Data table</summary>',
            '<tr><th scope="row">Q2</th><td class="genui-table__num">2</td></tr>',
        ],
    ),
]


@pytest.mark.parametrize(
    ("value", "fragments"),
    [pytest.param(value, fragments, id=name) for name, value, fragments in RENDER_CASES],
)
def test_component_renders_its_element_classes_and_content(
    value: dict[str, Any], fragments: list[str]
) -> None:
    html = html_of(value)
    assert html.startswith(fragments[0])
    for fragment in fragments:
        assert fragment in html
    assert parse_errors(html) == []


def test_every_builtin_appears_in_the_render_cases() -> None:
    rendered = {value["component"] for _, value, _ in RENDER_CASES}
    assert rendered >= set(COMPONENTS)


def test_image_without_a_usable_url_renders_no_img_and_reports_it() -> None:
    result = Renderer().render_with_report({"root": node("Image", {"image": "javascript:x"})})
    assert "<img" not in result.html
    assert "Image unavailable" in result.html
    assert [(e.prop, e.reason) for e in result.report] == [("image", "unsafe_url_scheme")]


def test_button_with_a_rejected_href_is_disabled_and_reported() -> None:
    result = Renderer().render_with_report(
        {"root": node("Button", {"label": "Go", "href": "javascript:alert(1)"})}
    )
    assert "disabled" in result.html
    assert "href" not in result.html
    assert [(e.prop, e.reason) for e in result.report] == [("href", "unsafe_url_scheme")]


def test_progress_clamps_value_to_max_in_the_model() -> None:
    props = ProgressProps(value=150, max=120)
    assert props.bounded_value == 120
    assert props.percent == 100
    assert ProgressProps(value=1, max=3).percent == 33


def test_table_right_aligns_only_all_numeric_columns() -> None:
    props = TableProps(columns=["a", "b", "c"], rows=[[1, "x", True], [None, 2, 3]])
    assert props.numeric_columns == frozenset({0})


def test_table_limits_are_all_in_the_json_schema() -> None:
    # A spec that satisfies the catalog's schema must always render: no hidden validators.
    schema = TableProps.model_json_schema()["properties"]
    assert schema["rows"]["maxItems"] * schema["rows"]["items"]["maxItems"] == MAX_TABLE_CELLS
    assert schema["columns"]["maxItems"] == MAX_TABLE_COLUMNS
    assert TableProps.__pydantic_decorators__.model_validators == {}


# ----------------------------------------------------------------------------------------
# children policy
# ----------------------------------------------------------------------------------------

CHILDLESS = [c.name for c in BUILTIN_COMPONENTS if c.children == "none"]
TEXT_ONLY = [c.name for c in BUILTIN_COMPONENTS if c.children == "text"]
INLINE_ONLY = [c.name for c in BUILTIN_COMPONENTS if c.children == "inline"]


def test_children_policies_follow_html_content_models() -> None:
    assert CHILDLESS == [
        "Divider",
        "TextInput",
        "TextArea",
        "Select",
        "Checkbox",
        "RadioGroup",
        "Stat",
        "Table",
        "Chart",
        "Progress",
        "Image",
    ]
    assert TEXT_ONLY == ["Code", "Badge", "Link", "Button"]
    assert INLINE_ONLY == ["Heading", "Text"]
    assert [c.name for c in BUILTIN_COMPONENTS if c.inline] == ["Badge", "Link", "Button"]


@pytest.mark.parametrize("name", CHILDLESS)
def test_components_without_children_reject_children(name: str) -> None:
    value = node(name, MINIMAL_PROPS.get(name, {}), ["surprise"])
    with pytest.raises(GenerativeUIValidationError) as caught:
        _ISOLATED.render({"root": value})
    assert [(d.path, d.code) for d in caught.value.errors] == [
        ("/root/children/0", "children_not_allowed")
    ]


@pytest.mark.parametrize("name", CHILDLESS)
def test_drop_mode_drops_children_of_childless_components_and_reports_them(name: str) -> None:
    value = node(name, MINIMAL_PROPS.get(name, {}), ["surprise", node("Badge", {"label": "b"})])
    result = Renderer(_ISOLATED.registry, on_invalid_props="drop").render_with_report(
        {"root": value}
    )
    assert "surprise" not in result.html
    assert "genui-badge" not in result.html
    assert [(e.path, e.reason) for e in result.report] == [
        ("/root/children/0", "children_not_allowed"),
        ("/root/children/1", "children_not_allowed"),
    ]
    assert result.html == html_of(node(name, MINIMAL_PROPS.get(name, {})))


TAKES_NAMED_CHILDREN = {c.name for c in BUILTIN_COMPONENTS if isinstance(c.children, frozenset)}
FREE_CHILDREN = [
    c.name
    for c in BUILTIN_COMPONENTS
    if c.children != "none" and c.name not in TAKES_NAMED_CHILDREN
]


def test_a_list_takes_only_list_items_and_items_live_only_in_lists() -> None:
    items = [node("ListItem", {"text": "one"}), node("ListItem", {}, ["two"])]
    html = str(render({"root": node("List", {"ordered": True}, items)}))
    assert html.index("one") < html.index("two") and html.count("<li") == 2
    for spec, path in [
        ({"root": node("List", {}, ["text"])}, "/root/children/0"),
        ({"root": node("List", {}, [node("Card")])}, "/root/children/0"),
        ({"root": node("ListItem", {"text": "x"})}, "/root"),
        ({"root": node("Card", {}, [node("ListItem")])}, "/root/children/0"),
        (
            {"root": node("List", {}, [node("ListItem", {}, [node("ListItem")])])},
            "/root/children/0/children/0",
        ),
    ]:
        with pytest.raises(GenerativeUIValidationError) as info:
            render(spec)
        assert (info.value.errors[0].path, info.value.errors[0].code) == (
            path,
            "children_not_allowed",
        )


@pytest.mark.parametrize("name", FREE_CHILDREN)
def test_components_with_children_render_them_in_order(name: str) -> None:
    last: Any = 42 if name in TEXT_ONLY else node("Badge", {"label": "42"})
    html = html_of(node(name, MINIMAL_PROPS.get(name, {}), ["ALPHA", last]))
    assert 0 < html.index("ALPHA") < html.index("42")
    assert parse_errors(html) == []


CHILD_CASES: list[tuple[str, Any, bool]] = [
    ("Text", node("Link", {"href": "/a", "text": "a"}), True),
    ("Text", node("Badge", {"label": "b"}), True),
    ("Text", node("Button", {"label": "b"}), True),
    ("Text", node("Card"), False),
    ("Text", node("Text", {"text": "nested paragraph"}), False),
    ("Heading", node("Badge", {"label": "b"}), True),
    ("Heading", node("Heading", {"text": "nested"}), False),
    ("Heading", node("Divider"), False),
    ("Code", 3.5, True),
    ("Code", node("Badge", {"label": "b"}), False),
    ("Badge", node("Link", {"href": "/a", "text": "a"}), False),
    ("Link", node("Link", {"href": "/b", "text": "b"}), False),
    ("Link", node("Button", {"label": "b"}), False),
    ("Button", node("Badge", {"label": "b"}), False),
    ("ListItem", node("Card", {"title": "t"}), True),
    ("Alert", node("Table", {"rows": [["x"]]}), True),
]


@pytest.mark.parametrize(
    ("name", "child", "allowed"),
    [pytest.param(n, c, a, id=f"{n}-{json.dumps(c)[:30]}") for n, c, a in CHILD_CASES],
)
def test_children_outside_the_content_model_are_refused(
    name: str, child: Any, allowed: bool
) -> None:
    value = node(name, None, ["x", child])
    if allowed:
        html = html_of(value)
        assert parse_errors(html) == []
        return
    with pytest.raises(GenerativeUIValidationError) as caught:
        _ISOLATED.render({"root": value})
    assert [(d.path, d.code) for d in caught.value.errors] == [
        ("/root/children/1", "children_not_allowed")
    ]
    dropped = Renderer(on_invalid_props="drop").render_with_report({"root": value})
    assert dropped.html == html_of(node(name, None, ["x"]))


# ----------------------------------------------------------------------------------------
# invalid props
# ----------------------------------------------------------------------------------------

INVALID_PROPS: list[tuple[str, dict[str, Any], str]] = [
    ("Card", {"title": 3}, "/root/props/title"),
    ("Card", {"subtitle": "x"}, "/root/props/subtitle"),
    ("Stack", {"direction": "diagonal"}, "/root/props/direction"),
    ("Stack", {"gap": "xl"}, "/root/props/gap"),
    ("Stack", {"align": "left"}, "/root/props/align"),
    ("Grid", {"columns": 0}, "/root/props/columns"),
    ("Grid", {"columns": 7}, "/root/props/columns"),
    ("Grid", {"columns": 2.5}, "/root/props/columns"),
    ("Grid", {"columns": "3"}, "/root/props/columns"),
    ("Divider", {"label": "x"}, "/root/props/label"),
    ("Heading", {"level": 0}, "/root/props/level"),
    ("Heading", {"level": 7}, "/root/props/level"),
    ("Heading", {"level": "2"}, "/root/props/level"),
    ("Heading", {"level": True}, "/root/props/level"),
    ("Text", {"tone": "loud"}, "/root/props/tone"),
    ("Text", {"text": ["a"]}, "/root/props/text"),
    ("Code", {"language": "py thon"}, "/root/props/language"),
    ("Code", {"language": 'x" onmouseover="alert(1)'}, "/root/props/language"),
    ("Code", {"language": "x" * 33}, "/root/props/language"),
    ("Badge", {"color": "red"}, "/root/props/color"),
    ("Alert", {"tone": "muted"}, "/root/props/tone"),
    ("Link", {"href": 5}, "/root/props/href"),
    ("Button", {"variant": "link"}, "/root/props/variant"),
    ("Button", {"onClick": "alert(1)"}, "/root/props/onClick"),
    ("Stat", {"label": "a", "value": True}, "/root/props/value"),
    ("Stat", {"label": "a", "value": [1]}, "/root/props/value"),
    ("Stat", {"label": "a", "value": 1, "trend": "sideways"}, "/root/props/trend"),
    ("List", {"ordered": "yes"}, "/root/props/ordered"),
    ("ListItem", {"text": 1}, "/root/props/text"),
    ("Table", {"columns": "a,b"}, "/root/props/columns"),
    ("Table", {"rows": [[{"x": 1}]]}, "/root/props/rows/0/0"),
    ("Table", {"rows": ["abc"]}, "/root/props/rows/0"),
    ("Table", {"columns": ["c"] * 101}, "/root/props/columns"),
    ("Table", {"rows": [["x"] * 101]}, "/root/props/rows/0"),
    ("Table", {"rows": [["x"]] * 1001}, "/root/props/rows"),
    ("Progress", {"value": -1}, "/root/props/value"),
    ("Progress", {"value": 1, "max": 0}, "/root/props/max"),
    ("Progress", {"value": "50%"}, "/root/props/value"),
    ("Image", {"image": 5}, "/root/props/image"),
    ("Image", {"type": "file"}, "/root/props/type"),
    ("Image", {"status": {"type": "done"}}, "/root/props/status"),
    ("Image", {"status": {"type": "running", "progress": 2}}, "/root/props/status/progress"),
    ("Image", {"status": {"type": "incomplete", "reason": "nope"}}, "/root/props/status/reason"),
    ("Image", {"image": "/a.png", "width": 100}, "/root/props/width"),
]


@pytest.mark.parametrize(
    ("name", "props", "path"),
    [pytest.param(n, p, path, id=f"{n}-{json.dumps(p)[:40]}") for n, p, path in INVALID_PROPS],
)
def test_invalid_props_raise_with_a_pointer_to_the_prop(
    name: str, props: dict[str, Any], path: str
) -> None:
    with pytest.raises(GenerativeUIValidationError) as caught:
        _ISOLATED.render({"root": node(name, {**MINIMAL_PROPS.get(name, {}), **props})})
    assert path in [d.path for d in caught.value.errors]


@pytest.mark.parametrize("name", ["Stat", "Progress"])
def test_required_props_are_required(name: str) -> None:
    with pytest.raises(GenerativeUIValidationError) as caught:
        _ISOLATED.render({"root": node(name, {})})
    assert all(d.path.startswith("/root/props") for d in caught.value.errors)
    assert "missing_field" in [d.code for d in caught.value.errors]


def test_drop_mode_drops_an_invalid_optional_prop_and_renders_the_rest() -> None:
    value = node("Heading", {"level": 9, "text": "Hi"})
    result = Renderer(on_invalid_props="drop").render_with_report({"root": value})
    assert result.html == '<h2 class="genui-heading" data-genui-path="/root">Hi</h2>'
    assert [(e.prop, e.reason) for e in result.report] == [("level", "invalid_prop")]


# ----------------------------------------------------------------------------------------
# escaping and URL safety
# ----------------------------------------------------------------------------------------


def test_free_text_props_are_found_by_introspection() -> None:
    found = set(free_text_props())
    assert {
        ("Card", "title"),
        ("Heading", "text"),
        ("Code", "code"),
        ("Stat", "value"),
        ("Table", "columns"),
        ("Table", "rows"),
        ("Image", "alt"),
    } <= found
    assert ("Code", "language") not in found  # a pattern-constrained token, tested below
    assert ("Link", "href") not in found


@pytest.mark.parametrize(("name", "prop"), free_text_props())
def test_every_text_prop_is_escaped(name: str, prop: str) -> None:
    props = {**MINIMAL_PROPS.get(name, {}), prop: hostile(props_schema(name, prop), PAYLOAD)}
    if name == "Table" and prop == "rows":
        props["columns"] = ["c"]
    if name in CHOSEN_FROM_OPTIONS and prop == "value":
        props["options"] = [{"value": PAYLOAD, "label": "x"}]
    html = html_of(node(name, props))
    assert ESCAPED in html
    assert "<script" not in html.lower()
    assert parse_errors(html) == []


@pytest.mark.parametrize("name", FREE_CHILDREN)
def test_string_children_are_escaped(name: str) -> None:
    html = html_of(node(name, MINIMAL_PROPS.get(name, {}), [PAYLOAD]))
    assert ESCAPED in html
    assert "<script" not in html.lower()
    assert parse_errors(html) == []


def test_node_keys_are_escaped_in_attributes_and_ids() -> None:
    html = html_of(node("Card", {"title": "t"}, key=PAYLOAD))
    assert "<script" not in html
    assert parse_errors(html) == []
    ids = [value for _, name, value in attributes(html) if name in ("id", "aria-labelledby")]
    assert ids and all(re.fullmatch(r"[A-Za-z0-9_-]+", value) for value in ids)


@pytest.mark.parametrize("url", HOSTILE_URLS)
@pytest.mark.parametrize("name", list(COMPONENTS))
def test_no_url_attribute_carries_a_script_url_whatever_the_string_props(
    name: str, url: str
) -> None:
    props: dict[str, Any] = dict(MINIMAL_PROPS.get(name, {}))
    for component, prop in string_props():
        if component == name:
            props[prop] = hostile(props_schema(name, prop), url)
    if name == "Table":
        props["columns"] = ["c"]
    if name in CHOSEN_FROM_OPTIONS:
        props["options"] = [{"value": url, "label": url}]
    result = _ISOLATED.render_with_report({"root": node(name, props)})
    html = str(result.html)
    assert parse_errors(html) == []
    for _element, attribute, value in attributes(html):
        folded = re.sub(r"[\x00-\x20]", "", value).lower()
        if is_url_attribute(attribute):
            assert not folded.startswith(("javascript:", "vbscript:", "data:")), (attribute, value)
        assert not attribute.lower().startswith("on")
    for prop in url_fields(COMPONENTS[name].props_model):
        assert prop in {event.prop for event in result.report}


def _writer(component: Component) -> Writer:
    """The writer of ``component`` (every built-in has one)."""
    assert component.writer is not None, component.name
    return component.writer


# What a writer may write into a URL attribute besides its URL-typed props, and why each is
# checked. Everything else must be a SafeUrl/ImageUrl prop used in its own context.
CHECKED_URLS_BEYOND_PROPS: dict[str, set[str]] = {
    "Image": {
        "props.preview",  # ImagePart.preview: the image prop (ImageUrl), while running
        "props.download_url",  # ImagePart.download_url: the image prop, restricted further
        "actions.regenerate_url",  # ImageActions: the app's URL, checked by sanitize_url
    },
}
_IMG_CONTEXT = ("src", "srcset", "poster", "data-genui-copy-image")


@pytest.mark.parametrize("component", BUILTIN_COMPONENTS, ids=lambda c: c.name)
def test_every_url_attribute_a_writer_writes_is_an_escaped_url_typed_prop(
    component: Component,
) -> None:
    urls = url_fields(component.props_model)
    beyond = CHECKED_URLS_BEYOND_PROPS.get(component.name, set())
    written = url_attributes(_writer(component))
    assert bool(written) == bool(urls), (
        f"{component.name}: URL props {set(urls)}, written {written}"
    )
    for attribute, sources in written:
        assert sources, f"{component.name}: {attribute} written from nothing traceable"
        for source in sources - beyond:
            # UNESCAPED, a local expression or a plain prop all fail here
            assert source.startswith("props."), f"{component.name}: {attribute} from {source}"
            name = source.removeprefix("props.")
            assert name in urls, f"{component.name}: {attribute} from {name}, not a URL prop"
            expected = "img" if attribute in _IMG_CONTEXT else "href"
            assert urls[name].context == expected, (component.name, attribute, name)


@pytest.mark.parametrize("component", BUILTIN_COMPONENTS, ids=lambda c: c.name)
def test_writers_never_mark_safe_style_or_script(component: Component) -> None:
    source = writer_source(_writer(component)).lower()
    for forbidden in ("|safe", "markup(", "style=", "<script", "<style", "srcdoc"):
        assert forbidden not in source, f"{component.template} contains {forbidden!r}"
    assert re.search(r"\son[a-z]*\s*=", source) is None, "an event handler attribute"
    assert "identity_attrs(" in source


def test_every_builtin_has_a_writer_and_no_builtin_template_is_left_over() -> None:
    for component in BUILTIN_COMPONENTS:
        assert component.writer is not None, component.name
        assert component.template.startswith("genui/"), component.name  # its override key
        assert component.writer.__module__ == component.props_model.__module__, component.name
    assert len({c.template for c in BUILTIN_COMPONENTS}) == len(BUILTIN_COMPONENTS)
    # genui's own templates: the preview page and the unknown-component placeholder
    assert sorted(p.name for p in TEMPLATES.glob("*.html")) == ["_page.html", "_unknown.html"]


def test_writers_print_no_attribute_value_from_props_unescaped() -> None:
    """Every props value a writer puts in its output goes through escape_html or is a literal."""
    for component in BUILTIN_COMPONENTS:
        _model, writer = component.props_model, _writer(component)
        for line in writer_source(writer).splitlines():
            for value in re.findall(r"\{(props\.\w+)\}", line):
                field = value.split(".")[1]
                model_field = _model.model_fields.get(field)
                assert model_field is not None, (writer.__name__, value)
                assert "Literal" in str(model_field.annotation) or "int" in str(
                    model_field.annotation
                ), (writer.__name__, value, model_field.annotation)


# ----------------------------------------------------------------------------------------
# stylesheet
# ----------------------------------------------------------------------------------------


def test_stylesheet_styles_every_builtin_and_the_preview_page() -> None:
    css = stylesheet()
    for component in BUILTIN_COMPONENTS:
        assert f".{component.css_class}" in css
    for selector in (".genui-fallback", ".genui-page", ".genui-root", "prefers-color-scheme"):
        assert selector in css
    assert ":root:not([data-genui-theme=light])" in css
    assert "[data-genui-theme=dark]" in css


def test_stylesheet_survives_html_escaping_when_inlined() -> None:
    # render_page writes the stylesheet into <style> through autoescape.
    assert not set(stylesheet()) & set("<>&\"'")


def test_preview_page_inlines_the_stylesheet_unchanged() -> None:
    page = str(Renderer().render_page({"root": node("Divider")}, theme="dark"))
    assert stylesheet().rstrip("\n") in page  # the include drops only the final newline
    assert '<hr class="genui-divider"' in page


# ----------------------------------------------------------------------------------------
# docs/components.md
# ----------------------------------------------------------------------------------------


def _doc_sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (\w+)\n", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_docs_describe_every_builtin() -> None:
    sections = _doc_sections()
    assert [name for name in sections if name in COMPONENTS] == DOC_ORDER


@pytest.mark.parametrize("component", BUILTIN_COMPONENTS, ids=lambda c: c.name)
def test_docs_example_is_the_components_example_and_renders_exactly_as_shown(
    component: Component,
) -> None:
    section = _doc_sections()[component.name]
    json_block = re.search(r"```json\n(.*?)\n```", section, flags=re.S)
    html_block = re.search(r"```html\n(.*?)\n```", section, flags=re.S)
    assert json_block and html_block
    example = json.loads(json_block.group(1))
    assert example == component.example
    rendered = html_of(example)
    if rendered != html_block.group(1) and os.environ.get("GENUI_UPDATE_DOCS") == "1":
        text = DOC.read_text(encoding="utf-8")
        old = f"## {component.name}\n{section}"
        DOC.write_text(text.replace(old, old.replace(html_block.group(1), rendered)), "utf-8")
        return
    assert rendered == html_block.group(1), "run with GENUI_UPDATE_DOCS=1 to update the docs"


@pytest.mark.parametrize("component", BUILTIN_COMPONENTS, ids=lambda c: c.name)
def test_docs_props_table_lists_every_prop(component: Component) -> None:
    section = _doc_sections()[component.name]
    documented = set(re.findall(r"^\| `(\w+)` \|", section, flags=re.M))
    assert documented == set(component.props_model.model_fields)


@pytest.mark.parametrize("width", [50, 100])
@pytest.mark.parametrize("rows", [250, 500, 1_000])
def test_a_ragged_table_writes_a_bounded_multiple_of_its_json(width: int, rows: int) -> None:
    """One wide row over many empty ones: each short row is one spanning cell, not ``width``
    cells, so the HTML grows with the JSON (it was 272 times the JSON), whatever the width."""
    spec = {"root": node("Table", {"columns": ["a"], "rows": [[1] * width] + [[]] * (rows - 1)})}
    written = len(html_of(spec["root"]))
    sent = len(json.dumps(spec, separators=(",", ":")))
    assert written < 16 * sent
