"""The security wall, browser-free: attack corpora and hostile specs against docs/security.md.

Every text and URL prop placement takes each payload by three deliveries (``DELIVERIES``):
written inline, bound from ``state`` with ``$state``, and bound from a repeated item with
``$item``; a bound payload must render and be refused exactly as the inline one is, and its
errors name the state value (``state_path``). The state deliveries carry a deterministic
subset of the corpus (``STATE_SAMPLE``, see :func:`_state_sample`).

The real-browser half lives in tests/test_security_browser.py.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui import (
    GenerativeUIError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
    Renderer,
    default_registry,
    validate,
)
from genui.catalog import json_schema
from genui.sanitize import url_fields
from genui.testing import hostile_specs, hostile_text
from genui.writing import FormFeedback
from tests import examples
from tests.figures import record_figure
from tests.input_forms import FORMS, as_text
from tests.security import (
    WALL_ACTIONS,
    WALL_BINDING,
    WALL_ENDPOINT,
    WALL_GATE,
    as_browsers_read,
    by_path,
    elements,
    form_target_violations,
    parse,
    text_content,
    violations,
)
from tests.support import load_corpus

pytestmark = pytest.mark.usefixtures("spec_form")  # every test, from data and from JSON text

PAYLOADS: list[str] = load_corpus("xss_payloads.json")
URL_VECTORS: list[dict[str, Any]] = load_corpus("url_vectors.json")
PROVENANCE: list[dict[str, Any]] = load_corpus("xss_payloads_with_provenance.json")["items"]


def _state_sample() -> list[str]:
    """The payloads the state deliveries carry: a deterministic subset of the corpus.

    Every payload already goes through every placement inline, and through state the
    resolved tree is the very same literal spec, so a subset checks the binding route
    itself: every eighth payload, the first of every upstream file (each of the three
    corpus files, and each of the 25 PayloadsAllTheThings files that one was built from),
    every payload with a URL scheme, and the longest one (so each limited prop that refuses
    a payload inline refuses one through state too). In corpus order, each once: 361
    payloads, a seventh of the corpus, so the two state deliveries add about a third to the
    wall's CPU time (128 s to 163 s on two workers) instead of doubling it.
    """
    chosen = set(range(0, len(PAYLOADS), 8))
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(PROVENANCE):
        group = (item["source"], item["note"] if item["source"] == "payloadsallthethings" else "")
        if group not in seen:
            seen.add(group)
            chosen.add(index)
        if "url-scheme" in item["features"]:
            chosen.add(index)
    chosen.add(max(range(len(PAYLOADS)), key=lambda index: len(PAYLOADS[index])))
    return [PAYLOADS[index] for index in sorted(chosen)]


STATE_SAMPLE = _state_sample()


def _payloads_for(delivery: str) -> list[str]:
    return PAYLOADS if delivery == "inline" else STATE_SAMPLE


BATCH = 400
RENDERER = Renderer(fallback="default")


def _is_free_text(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(
        option.get("type") == "string"
        and not {"enum", "pattern", "format", "const"} & set(option)
        and "enum" not in schema
        for option in options
    )


def _filler(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    if "$ref" in schema:
        schema = defs[schema["$ref"].rsplit("/", 1)[-1]]
    kind = schema.get("type") or next(
        (o.get("type") for o in schema.get("anyOf", []) if o.get("type") != "null"), "string"
    )
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "array":  # as many filled items as the array needs (a Select's options)
        return [_filler(schema["items"], defs)] * schema.get("minItems", 0)
    if kind == "object":
        properties = schema.get("properties", {})
        return {prop: _filler(properties[prop], defs) for prop in schema.get("required", [])}
    return {"string": "x", "integer": 1, "number": 1, "boolean": False}.get(kind, "x")


def _max_length(schema: dict[str, Any]) -> int | None:
    lengths = [o["maxLength"] for o in schema.get("anyOf", [schema]) if "maxLength" in o]
    return min(lengths) if lengths else None


def _component_props() -> dict[str, tuple[dict[str, Any], dict[str, int | None]]]:
    """Per component: minimal valid props, and its free-text props with their max lengths."""
    schema = json_schema()
    result = {}
    for name, component in default_registry().items():
        props_schema = schema["$defs"][f"{name}Node"]["properties"]["props"]
        properties = props_schema.get("properties", {})
        required = props_schema.get("required", [])
        minimal = {prop: _filler(properties[prop], schema["$defs"]) for prop in required}
        urls = url_fields(component.props_model)
        for prop, field in urls.items():
            if prop in minimal:
                minimal[prop] = "https://example.com/x.png" if field.context == "img" else "/x"
        text = {
            prop: _max_length(sub)
            for prop, sub in properties.items()
            if prop not in urls
            and _is_free_text(sub)
            and not (name in CHOSEN_FROM_OPTIONS and prop == "value")
        }
        result[name] = (minimal, text)
    return result


CHOSEN_FROM_OPTIONS = frozenset({"Select", "RadioGroup"})
"""Components whose ``value`` must be one of their options' (placed with the options)."""
OPTION_LENGTH = 200
"""The longest option value and label."""
COMPONENT_PROPS = _component_props()


def _parent_of(name: str) -> str:
    """The first component that takes ``name`` as a child (for nodes that need a parent)."""
    return next(
        n
        for n, c in default_registry().items()
        if isinstance(c.children, frozenset) and name in c.children
    )


def _wrap(name: str, node: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A root node holding ``node`` (lists hold items), and the suffix of ``node``'s path."""
    if default_registry()[name].standalone:
        return node, ""
    return {"component": _parent_of(name), "children": [node]}, "/children/0"


SIBLINGS = 25
"""Nodes that need a parent (fields, list items) share one, this many to a parent."""


def _rooted(name: str, nodes: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Root nodes holding ``nodes`` of component ``name``, and the path of each node."""
    if default_registry()[name].standalone:
        return nodes, [f"/root/{index}" for index in range(len(nodes))]
    roots: list[dict[str, Any]] = []
    paths: list[str] = []
    for start in range(0, len(nodes), SIBLINGS):
        chunk = nodes[start : start + SIBLINGS]
        paths += [f"/root/{len(roots)}/children/{index}" for index in range(len(chunk))]
        roots.append({"component": _parent_of(name), "children": chunk})
    return roots, paths


PropsFor = Callable[[Any], dict[str, Any]]
"""Payload (or a binding that reads it) -> the props of a node that carries it."""


def _with_prop(minimal: dict[str, Any], prop: str, payload: Any) -> dict[str, Any]:
    return {**minimal, prop: payload}


def _in_table_column(minimal: dict[str, Any], payload: Any) -> dict[str, Any]:
    return {**minimal, "columns": [payload]}


def _in_table_cell(minimal: dict[str, Any], payload: Any) -> dict[str, Any]:
    return {**minimal, "columns": ["c"], "rows": [[payload]]}


def _in_options(minimal: dict[str, Any], payload: Any) -> dict[str, Any]:
    return {**minimal, "options": [{"value": payload, "label": payload}], "value": payload}


Delivery = Literal["inline", "state", "item"]
DELIVERIES: tuple[Delivery, ...] = ("inline", "state", "item")
"""How a payload reaches its prop: written inline; as ``{"$state": "/p<i>"}`` with the payload
in ``state``; or as ``{"$item": "/p"}`` in a node that repeats over an array of
``{"p": payload}`` in ``state``. Resolved, all three are the same literal spec."""


def _delivered(
    name: str, props_for: PropsFor, payloads: list[str], delivery: Delivery
) -> tuple[dict[str, Any], list[str], list[str | None]]:
    """A spec holding one node of ``name`` per payload, delivered as ``delivery`` says.

    Returns the spec, each node's rendered path, and the ``state_path`` an error about each
    payload names (``None`` inline).
    """
    if delivery == "inline":
        nodes = [{"component": name, "props": props_for(p)} for p in payloads]
        roots, paths = _rooted(name, nodes)
        return {"root": roots}, paths, [None] * len(payloads)
    if delivery == "state":
        nodes = [
            {"component": name, "props": props_for({"$state": f"/p{index}"})}
            for index in range(len(payloads))
        ]
        roots, paths = _rooted(name, nodes)
        state = {f"p{index}": payload for index, payload in enumerate(payloads)}
        return {"state": state, "root": roots}, paths, [f"/state/{key}" for key in state]
    assert delivery == "item", delivery
    template = {"component": name, "props": props_for({"$item": "/p"})}
    size = len(payloads) if default_registry()[name].standalone else SIBLINGS
    chunks = [payloads[start : start + size] for start in range(0, len(payloads), size)]
    items = [[{"p": payload} for payload in chunk] for chunk in chunks]
    state_paths: list[str | None] = [
        f"/state/items/{k}/{i}/p" for k, chunk in enumerate(chunks) for i in range(len(chunk))
    ]
    if default_registry()[name].standalone:  # a repeating root node: one root per item
        root = [{**template, "repeat": {"$state": "/items/0"}}]
        return (
            {"state": {"items": items}, "root": root},
            [f"/root/{i}" for i in range(len(payloads))],
            state_paths,
        )
    roots = [
        {
            "component": _parent_of(name),
            "children": [{**template, "repeat": {"$state": f"/items/{k}"}}],
        }
        for k in range(len(chunks))
    ]
    paths = [f"/root/{k}/children/{i}" for k, chunk in enumerate(chunks) for i in range(len(chunk))]
    return {"state": {"items": items}, "root": roots}, paths, state_paths


def _placements() -> Iterator[tuple[str, tuple[str, int | None, PropsFor]]]:
    """(placement name, function payload -> (node, text the DOM must show at the node))."""
    for name, (minimal, text_props) in COMPONENT_PROPS.items():
        for prop, limit in text_props.items():
            yield f"{name}.{prop}", (name, limit, functools.partial(_with_prop, minimal, prop))
        if name == "Table":
            yield "Table.columns", (name, None, functools.partial(_in_table_column, minimal))
            yield "Table.cell", (name, None, functools.partial(_in_table_cell, minimal))
        if name in CHOSEN_FROM_OPTIONS:  # an option's value and label, chosen as the value
            yield f"{name}.options", (name, OPTION_LENGTH, functools.partial(_in_options, minimal))


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _render_and_check(spec: dict[str, Any] | list[dict[str, Any]]) -> tuple[Any, list[Any]]:
    """The parsed render of a spec or its root ``nodes`` (parsed once, for every check) and
    its violations."""
    tree = parse(str(RENDERER.render(spec if isinstance(spec, dict) else {"root": spec})))
    return tree, violations(tree)


def test_corpus_is_the_expected_size() -> None:
    assert len(PAYLOADS) == 2541
    assert sum(v["dangerous"] for v in URL_VECTORS) == 139
    assert sum(not v["dangerous"] for v in URL_VECTORS) == 67


def test_the_state_sample_covers_every_corpus_file_and_the_longest_payload() -> None:
    assert [item["payload"] for item in PROVENANCE] == PAYLOADS
    sampled = set(STATE_SAMPLE)
    assert len(sampled) == len(STATE_SAMPLE)
    by_source = {item["source"] for item in PROVENANCE if item["payload"] in sampled}
    assert by_source == {"owasp", "payloadsallthethings", "h5sc"}
    files = {item["note"] for item in PROVENANCE if item["source"] == "payloadsallthethings"}
    assert len(files) == 25
    assert {item["note"] for item in PROVENANCE if item["payload"] in sampled} >= files
    assert max(map(len, PAYLOADS)) == max(map(len, STATE_SAMPLE))
    record_figure("xss corpus: payloads the state deliveries carry", len(STATE_SAMPLE))


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize(
    ("placement", "make"), list(_placements()), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_payload_in_every_text_prop_renders_inert_and_round_trips(
    placement: str, make: tuple[str, int | None, PropsFor], delivery: Delivery
) -> None:
    name, limit, props_for = make
    payloads = _payloads_for(delivery)
    too_long = [p for p in payloads if limit is not None and len(p) > limit]
    for payload in too_long:  # over the prop's declared maxLength: refused, never truncated
        spec, _, (state_path,) = _delivered(name, props_for, [payload], delivery)
        with pytest.raises(GenerativeUIValidationError) as raised:
            RENDERER.render(spec)
        inline, _, _ = _delivered(name, props_for, [payload], "inline")
        with pytest.raises(GenerativeUIValidationError) as literal:
            RENDERER.render(inline)
        errors = raised.value.errors  # where the literal's are, the too-long value's bound
        assert [(e.path, e.code) for e in errors] == [
            (e.path, e.code) for e in literal.value.errors
        ]
        assert {e.state_path for e in errors if e.code == "too_long"} == {state_path}, errors
    checked = len(too_long)
    for batch in _batches([p for p in payloads if p not in too_long]):
        spec, paths, _ = _delivered(name, props_for, batch, delivery)
        tree, found = _render_and_check(spec)
        assert found == [], found[:5]
        elements = by_path(tree)
        for path, payload in zip(paths, batch, strict=True):
            element = elements[path]
            shown = [text_content(element)]
            shown += [value for child in element.iter() for value in child.attrib.values()]
            assert any(as_browsers_read(payload) in value for value in shown), (placement, payload)
            checked += 1
    assert checked == len(payloads)
    record_figure(
        f"xss corpus: text prop {placement} ({delivery})", checked, "payloads inert + round-trip"
    )


BOUND_RENDERER = Renderer(actions=WALL_ACTIONS, fallback="default")
FIELD_NAMES = frozenset(name for name, c in default_registry().items() if not c.standalone)


def _in_bound_form(name: str, props: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """A Form bound to the walls' action holding a node of ``name`` (or being it)."""
    if name == "Form":
        return {"component": "Form", "props": {**props, "action": WALL_BINDING}}, ""
    field = {"component": name, "props": props}
    return {"component": "Form", "props": {"action": WALL_BINDING}, "children": [field]}, (
        "/children/0"
    )


FORM_COMPONENTS = frozenset(
    {"Form"} | {name for name in default_registry()["Form"].children_policy if name in FIELD_NAMES}
)
"""The Form and the fields that live only in it."""
BOUND_SAMPLE = PAYLOADS[::8]
"""Every eighth payload: each one already passed through each of these props in an unbound form
(the text-prop wall above); bound, the render adds only the signed envelope and the target."""
FORM_PLACEMENTS = [
    (placement, make) for placement, make in _placements() if make[0] in FORM_COMPONENTS
]


def test_the_form_placements_cover_every_field_of_a_form() -> None:
    names = {make[0] for _, make in FORM_PLACEMENTS}
    assert names == {"Form", "TextInput", "TextArea", "Select", "Checkbox", "RadioGroup"}


@pytest.mark.parametrize(
    ("placement", "make"), FORM_PLACEMENTS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_payload_in_every_bound_form_position_renders_inert_and_posts_only_to_the_app(
    placement: str, make: tuple[str, int | None, PropsFor]
) -> None:
    name, limit, props_for = make
    fitting = [p for p in BOUND_SAMPLE if limit is None or len(p) <= limit]
    for batch in _batches(fitting):
        nodes, suffixes = [], []
        for payload in batch:
            node, suffix = _in_bound_form(name, props_for(payload))
            nodes.append(node)
            suffixes.append(suffix)
        surface = WALL_GATE.surface("wall")
        html = str(BOUND_RENDERER.render({"root": nodes}, surface=surface))
        assert html.count("<form ") == len(batch)
        tree = parse(html)
        assert violations(tree) == []
        assert form_target_violations(tree, WALL_ENDPOINT) == []
        found = by_path(tree)
        for index, payload in enumerate(batch):
            element = found[f"/root/{index}{suffixes[index]}"]
            shown = [text_content(element)]
            shown += [value for child in element.iter() for value in child.attrib.values()]
            assert any(as_browsers_read(payload) in value for value in shown), (placement, payload)
    record_figure(f"xss corpus: bound form {placement}", len(fitting), "payloads inert")


FEEDBACK_FORM = {
    "component": "Form",
    "props": {"action": WALL_BINDING, "title": "t"},
    "children": [
        {"component": "TextInput", "props": {"name": "a", "label": "a"}},
        {"component": "TextArea", "props": {"name": "b", "label": "b"}},
        {
            "component": "Select",
            "props": {"name": "c", "label": "c", "options": [{"value": "v", "label": "v"}]},
        },
        {"component": "Checkbox", "props": {"name": "d", "label": "d"}},
        {
            "component": "RadioGroup",
            "props": {"name": "e", "label": "e", "options": [{"value": "v", "label": "v"}]},
        },
    ],
}


def test_every_payload_as_submitted_values_and_errors_renders_inert_and_round_trips(
    spec_form: str,
) -> None:
    """What the browser sent back (and the app's messages) are shown again, escaped.

    The payloads are not in the spec, so each input form takes half of them: every payload
    goes through one whole render, and the spec through both routes.
    """
    spec = {"root": FEEDBACK_FORM}
    names = "abcde"
    half = PAYLOADS[FORMS.index(spec_form) :: len(FORMS)]
    for batch in _batches(half):
        fragments = []
        for payload in batch:  # one refused form per render; the batch is parsed at once
            feedback = FormFeedback(
                "/root", {n: (payload,) for n in names}, {n: payload for n in names}, payload
            )
            surface = WALL_GATE.surface("wall")
            fragments.append(str(BOUND_RENDERER.render(spec, surface=surface, feedback=feedback)))
        tree = parse("".join(fragments))
        assert violations(tree) == []
        assert form_target_violations(tree, WALL_ENDPOINT) == []
        forms = list(tree)
        assert len(forms) == len(batch)
        for form, payload in zip(forms, batch, strict=True):
            read = as_browsers_read(payload)
            parsed = list(elements(form))
            assert [e.get("value") for e in parsed if e.get("name") == "a"] == [read], payload
            (area,) = [e for e in parsed if e.tag == "textarea"]
            assert text_content(area) == read
            errors = [e for e in parsed if e.get("class") == "genui-field__error"]
            assert [text_content(e) for e in errors] == [read] * 5
            (summary,) = [e for e in parsed if e.get("class") == "genui-form__summary"]
            assert text_content(summary) == read
            assert len([e for e in parsed if e.get("autofocus") is not None]) == 1
    record_figure(f"xss corpus: submitted values and errors ({spec_form})", len(half), "payloads")


_TARGET_PROPS = ["action", "formaction", "formAction", "FORMACTION", " formaction", "method"]
_TARGET_PROPS += ["target", "enctype", "form", "submit_label", "title", "href", "$action"]
_TARGETS = st.one_of(
    hostile_text(),
    st.sampled_from(
        ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/elsewhere"]
    ),
    st.just(WALL_BINDING),
    st.fixed_dictionaries(
        {
            "name": st.sampled_from(["send", "nope", "javascript:alert(1)"]),
            "params": st.dictionaries(st.sampled_from(["url", "action"]), hostile_text()),
        }
    ),
    st.fixed_dictionaries({"type": st.sampled_from(["send", "nope"])}),
)
_TARGETED = st.dictionaries(st.sampled_from(_TARGET_PROPS), _TARGETS, max_size=4)


@st.composite
def _forms_aiming_elsewhere(draw: st.DrawFn) -> dict[str, Any]:
    """Forms, fields and buttons whose props try to choose where a submission goes."""
    fields: list[dict[str, Any]] = [
        {
            "component": draw(st.sampled_from(["TextInput", "Checkbox", "Button", "Link"])),
            "props": {"name": "x", "label": "x", **draw(_TARGETED)},
        }
        for _ in range(draw(st.integers(0, 3)))
    ]
    forms: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 3))):
        props: dict[str, Any] = {"action": WALL_BINDING, **draw(_TARGETED)}
        if draw(st.booleans()):  # the flat node shape: props beside $type, $action
            forms.append({"$type": "Form", **props, "children": fields})
        else:
            forms.append({"component": "Form", "props": props, "children": fields})
    return {"root": forms}


@settings(max_examples=examples(300))
@given(st.one_of(_forms_aiming_elsewhere(), hostile_specs(payloads=PAYLOADS[::50])))
def test_every_rendered_form_posts_to_the_apps_endpoint_and_nothing_has_formaction(
    spec: Any,
) -> None:
    renderer = Renderer(actions=WALL_ACTIONS, on_invalid_props="drop", fallback="default")
    try:
        html = str(renderer.render(spec, surface=WALL_GATE.surface("wall")))
    except GenerativeUIError:
        return
    assert violations(html) == []
    assert form_target_violations(html, WALL_ENDPOINT) == []


@pytest.mark.parametrize("parent", ["Card", "Text", "Alert", "Heading"])
def test_every_payload_as_a_text_child_renders_inert_and_round_trips(parent: str) -> None:
    for batch in _batches(PAYLOADS):
        nodes = [{"component": parent, "children": [payload]} for payload in batch]
        tree, found = _render_and_check(nodes)
        assert found == []
        elements = by_path(tree)
        for index, payload in enumerate(batch):
            assert as_browsers_read(payload) in text_content(elements[f"/root/{index}"])
    record_figure(f"xss corpus: text child of {parent}", len(PAYLOADS), "payloads")


def test_every_payload_as_a_key_stays_an_escaped_attribute() -> None:
    for batch in _batches(PAYLOADS):
        nodes = [
            {"component": "Card", "key": payload, "props": {"title": "t"}} for payload in batch
        ]
        tree, found = _render_and_check(nodes)
        assert found == []
        elements = by_path(tree)
        for index, payload in enumerate(batch):
            key = elements[f"/root/{index}"].get("data-genui-key")
            assert key == as_browsers_read(payload)
    record_figure("xss corpus: node key", len(PAYLOADS), "payloads")


URL_PROPS = [
    (name, prop)
    for name, component in default_registry().items()
    for prop in url_fields(component.props_model)
]


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize(("name", "prop"), URL_PROPS)
def test_every_payload_as_a_url_prop_never_reaches_a_url_attribute_unsafely(
    name: str, prop: str, delivery: Delivery
) -> None:
    minimal, _ = COMPONENT_PROPS[name]
    props_for = functools.partial(_with_prop, minimal, prop)
    payloads = _payloads_for(delivery)
    for batch in _batches(payloads):
        spec, _, _ = _delivered(name, props_for, batch, delivery)
        _, found = _render_and_check(spec)
        assert found == []
    record_figure(f"xss corpus: URL prop {name}.{prop} ({delivery})", len(payloads), "payloads")


def test_every_payload_as_a_component_name_is_rejected_or_rendered_as_escaped_text() -> None:
    rejected = fallbacks = 0
    for payload in PAYLOADS:
        try:
            html = str(RENDERER.render({"root": {"component": payload, "children": ["child"]}}))
        except GenerativeUIValidationError as error:
            assert error.errors[0].code in {"invalid_name", "type_mismatch"}
            rejected += 1
            continue
        tree = parse(html)
        assert violations(tree) == []
        assert text_content(by_path(tree)["/root"]) == f"unknown component: {payload}"
        fallbacks += 1
    assert rejected + fallbacks == len(PAYLOADS)
    record_figure(
        "xss corpus: component names rejected / shown as fallback", f"{rejected} / {fallbacks}"
    )


@pytest.mark.parametrize("delivery", DELIVERIES)
@pytest.mark.parametrize(
    ("name", "prop"), [("Link", "href"), ("Button", "href"), ("Image", "image")]
)
def test_url_vectors_dangerous_are_never_emitted_and_safe_ones_are_kept(
    name: str, prop: str, delivery: Delivery, spec_form: str
) -> None:
    minimal, _ = COMPONENT_PROPS[name]
    props_for = functools.partial(_with_prop, minimal, prop)
    attribute = "src" if prop == "image" else "href"
    kept = dropped = 0
    for vector in URL_VECTORS:
        spec, _, (state_path,) = _delivered(name, props_for, [vector["input"]], delivery)
        result = RENDERER.render_with_report(spec)
        html = str(result.html)
        assert violations(html) == []
        emitted = [
            element.get(attribute)
            for element in elements(parse(html))
            if element.get(attribute) is not None
        ]
        errors = validate(as_text(spec) if spec_form == "text" else spec).errors
        if vector["dangerous"]:
            assert emitted == [], vector
            assert [event.prop for event in result.report] == [prop], vector
            assert [(e.path.rsplit("/", 1)[-1], e.state_path) for e in errors] == [
                (prop, state_path)
            ], (vector, errors)
            dropped += 1
        else:
            assert emitted, vector
            assert not result.report, (vector, result.report.to_list())
            assert not errors, (vector, errors)
            kept += 1
    assert (dropped, kept) == (139, 67)
    record_figure(
        f"url vectors via {name}.{prop} ({delivery}): dropped / kept", f"{dropped} / {kept}"
    )


# --- hostile specs: docs/security.md guarantees 1-5 ------------------------------------------


def _component_at(spec: Any, path: str) -> Any:
    value: Any = spec
    for part in path.strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    if isinstance(value, list):  # a single child given as a list entry
        value = value[0]
    return value.get("component") if isinstance(value, dict) else None


@settings(max_examples=examples(400))
@given(hostile_specs())
def test_hostile_specs_end_in_a_result_or_a_genui_error_never_anything_else(spec: Any) -> None:
    for renderer in (Renderer(), Renderer(on_invalid_props="drop", fallback="default")):
        try:
            html = renderer.render(spec)
        except GenerativeUIRenderError as error:
            assert renderer.fallback is None
            assert error.component_name == _component_at(spec, error.path)
            assert error.component_name not in default_registry()
            continue
        except GenerativeUIError:
            continue
        assert violations(str(html)) == []
        assert renderer.render(spec) == html  # deterministic


@settings(max_examples=examples(400))
@given(hostile_specs(payloads=PAYLOADS[::10]))
def test_hostile_specs_with_corpus_payloads_render_nothing_executable(spec: Any) -> None:
    renderer = Renderer(on_invalid_props="drop", fallback="default")
    try:
        html = str(renderer.render(spec))
    except GenerativeUIError:
        return
    assert violations(html) == []


def test_the_hostile_example_spec_is_neutralized_and_reported() -> None:
    from tests.support import REPO_ROOT

    spec = json.loads((REPO_ROOT / "examples" / "specs" / "hostile.json").read_text())
    html, report = Renderer(on_invalid_props="drop", fallback="default").render_with_report(spec)
    assert violations(str(html)) == []
    assert {event.reason for event in report} >= {"unsafe_url_scheme"}
