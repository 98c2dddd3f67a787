"""Registries built from JSON Schema catalogs: genui's own, zod exports, hostile ones."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genui import render, validate
from genui.catalog import json_schema
from genui.components import default_registry
from genui.registry import Registry
from genui.schema_registry import (
    MAX_ENUM,
    MAX_PATTERN_INPUT,
    CatalogError,
    catalog_problems,
    registry_from_json_schema,
)
from genui.testing import hostile_specs, specs
from tests.security import violations

BUILT_IN = default_registry()
FROM_SCHEMA = registry_from_json_schema(json_schema())


def errors_of(spec: Any, registry: Registry) -> set[str]:
    return {error.path for error in validate(spec, registry=registry).errors}


def safe_html(spec: Any, registry: Registry) -> str:
    clean = validate(spec, registry=registry).spec
    return str(render(clean, registry)) if clean is not None else ""


def assert_no_unsafe_url(html: str) -> None:
    assert violations(html) == []  # the security wall's checks (docs/security.md)
    lowered = html.lower()
    for url in re.findall(r'\s(?:href|src)="([^"]*)"', lowered):
        assert not url.strip().startswith(("javascript", "vbscript", "data:text")), url
    outside_values = re.sub(r'"[^"]*"', '""', lowered)
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", outside_values) and "<script" not in lowered


# --- genui's own catalog: the same verdicts as the built-in registry -----------------------


def test_the_components_and_children_policies_match() -> None:
    assert sorted(FROM_SCHEMA) == sorted(BUILT_IN)
    for name, component in BUILT_IN.items():
        built = FROM_SCHEMA[name]
        assert built.children_policy == component.children_policy, name
        assert built.standalone == component.standalone, name
        declared = set(component.props_model.model_fields) - {"action"}
        assert set(built.props_model.model_fields) == declared, name


@settings(max_examples=150)
@given(specs())
def test_valid_specs_are_valid_for_both(spec: dict[str, Any]) -> None:
    assert validate(spec, registry=FROM_SCHEMA).ok


@settings(max_examples=150)
@given(hostile_specs())
def test_hostile_specs_are_refused_alike(spec: dict[str, Any]) -> None:
    built_in, from_schema = validate(spec), validate(spec, registry=FROM_SCHEMA)
    assert built_in.ok is from_schema.ok
    assert {e.path for e in built_in.errors} == {e.path for e in from_schema.errors}
    assert_no_unsafe_url(safe_html(spec, FROM_SCHEMA))


REJECTS: list[dict[str, Any]] = [
    {"root": {"component": "Heading", "props": {"level": 9, "text": "x"}}},
    {"root": {"component": "Text", "props": {"tone": "loud", "text": "x"}}},
    {"root": {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}}},
    {"root": {"component": "Link", "props": {"href": 3, "text": "x"}}},
    {"root": {"component": "Card", "props": {"title": "t", "onclick": "alert(1)"}}},
    {"root": {"component": "Card", "props": {"title": ["not", "text"]}}},
    {"root": {"component": "Grid", "props": {"columns": 0}}},
    {"root": {"component": "Divider", "children": ["no children"]}},
    {"root": {"component": "TextInput", "props": {"name": "a", "label": "A"}}},
    {"root": {"component": "Form", "children": [{"component": "Button", "props": {"label": "x"}}]}},
    {"root": {"component": "Table", "props": {"columns": ["a"], "rows": "nope"}}},
    {"root": {"component": "Stat", "props": {"value": 3}}},
    {"root": {"component": "List", "children": [{"component": "Text", "props": {"text": "x"}}]}},
]


@pytest.mark.parametrize("spec", REJECTS, ids=lambda s: s["root"]["component"])
def test_rejects_like_the_built_in_registry(spec: dict[str, Any]) -> None:
    built_in, from_schema = validate(spec), validate(spec, registry=FROM_SCHEMA)
    assert not built_in.ok and not from_schema.ok
    assert {e.path for e in built_in.errors} == {e.path for e in from_schema.errors}
    assert [e.code for e in built_in.errors] == [e.code for e in from_schema.errors]


def test_the_generic_writer_escapes_and_keeps_urls_safe() -> None:
    spec = {
        "root": {
            "component": "Card",
            "props": {"title": "<script>alert(1)</script>"},
            "children": [{"component": "Link", "props": {"href": "https://ok.test/?a=1&b=2"}}],
        }
    }
    html = safe_html(spec, FROM_SCHEMA)
    assert "&lt;script&gt;" in html and "<script" not in html
    assert 'href="https://ok.test/?a=1&amp;b=2"' in html
    assert 'rel="noopener noreferrer"' in html


# --- other catalog shapes -------------------------------------------------------------------

ZOD_EXPORT: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {
        "Hero": {
            "type": "object",
            "properties": {
                "title": {"type": "string", "maxLength": 80},
                "ctaHref": {"type": "string"},
                "image": {"type": "string", "format": "uri"},
                "target": {"type": "string", "format": "uri"},
                "tone": {"$ref": "#/definitions/tone"},
                "items": {"type": "array", "items": {"$ref": "#/definitions/item"}},
            },
            "required": ["title"],
            "additionalProperties": False,
        },
    },
    "definitions": {
        "tone": {"type": "string", "enum": ["calm", "loud"]},
        "item": {
            "type": "object",
            "properties": {"label": {"type": "string"}, "url": {"type": "string"}},
            "required": ["label"],
        },
    },
}


def test_a_zod_export() -> None:
    registry = registry_from_json_schema(ZOD_EXPORT)
    assert list(registry) == ["Hero"]
    good = {
        "root": {
            "component": "Hero",
            "props": {
                "title": "Hi",
                "ctaHref": "/docs",
                "image": "https://x.test/a.png",
                "tone": "calm",
                "items": [{"label": "a", "url": "https://x.test"}],
            },
        }
    }
    assert validate(good, registry=registry).ok
    html = safe_html(good, registry)
    assert 'href="/docs"' in html and 'src="https://x.test/a.png"' in html and ">Hi<" in html
    bad = {
        "root": {
            "component": "Hero",
            "props": {
                "title": "Hi",
                "ctaHref": "javascript:alert(1)",
                "image": "javascript:alert(2)",
                "target": "vbscript:x",
                "tone": "shrill",
                "items": [{"label": "a", "url": "javascript:alert(3)"}, {"url": "/x"}],
                "extra": 1,
            },
        }
    }
    result = validate(bad, registry=registry)
    assert {e.path for e in result.errors} >= {
        f"/root/props/{name}" for name in ("ctaHref", "image", "target", "tone", "extra")
    }
    assert "/root/props/items" in {e.path for e in result.errors}  # the label is required
    assert result.spec is not None
    assert_no_unsafe_url(safe_html(bad, registry))
    assert "javascript" not in str(result.spec.model_dump())
    missing = validate({"root": {"component": "Hero", "props": {}}}, registry=registry)
    assert [(e.path, e.code) for e in missing.errors] == [("/root/props/title", "missing_field")]
    long = validate(
        {"root": {"component": "Hero", "props": {"title": "x" * 81}}}, registry=registry
    )
    assert [e.code for e in long.errors] == ["invalid_value", "missing_field"]  # node dropped
    assert long.spec is not None and not long.spec.roots


def test_nested_urls_in_object_props_are_screened() -> None:
    registry = registry_from_json_schema(ZOD_EXPORT)
    spec = {
        "root": {
            "component": "Hero",
            "props": {"title": "t", "items": [{"label": "a", "url": "javascript:alert(1)"}]},
        }
    }
    result = validate(spec, registry=registry)
    assert result.spec is not None
    assert "javascript" not in str(result.spec.model_dump())


def test_plain_a2ui_and_wrapped_catalogs() -> None:
    props = {"type": "object", "properties": {"label": {"type": "string"}}}
    plain = registry_from_json_schema({"Chip": props})
    a2ui = registry_from_json_schema({"catalogId": "x", "components": {"Chip": props}})
    wrapped = registry_from_json_schema(
        {"Chip": {"props": props, "children": "none", "description": "A chip."}}
    )
    for registry in (plain, a2ui):
        assert list(registry) == ["Chip"] and registry["Chip"].children_policy == "any"
    assert wrapped["Chip"].children_policy == "none"
    assert wrapped["Chip"].description == "A chip."
    spec = {"root": {"component": "Chip", "props": {"label": "<b>x</b>"}}}
    assert "&lt;b&gt;x&lt;/b&gt;" in safe_html(spec, wrapped)


def test_base_registry_and_templates() -> None:
    registry = registry_from_json_schema(
        {"Chip": {"type": "object", "properties": {"label": {"type": "string"}}}},
        base=BUILT_IN,
        templates={"Chip": "chip.html"},
    )
    assert "Card" in registry and registry["Chip"].template == "chip.html"
    assert registry["Chip"].writer is None


def test_awkward_prop_names_get_aliases() -> None:
    registry = registry_from_json_schema(
        {
            "Odd": {
                "type": "object",
                "properties": {
                    "model_dump": {"type": "string"},
                    "class": {"type": "string"},
                    "data-x": {"type": "integer"},
                    "copy": {"type": "string"},
                },
            }
        }
    )
    spec = {"root": {"component": "Odd", "props": {"model_dump": "a", "class": "b", "data-x": 1}}}
    result = validate(spec, registry=registry)
    assert result.ok, result.errors
    assert (
        result.spec is not None
        and result.spec.model_dump()["root"]["props"] == spec["root"]["props"]
    )
    assert ">a<" in safe_html(spec, registry)


# --- hostile catalogs -----------------------------------------------------------------------


def _one(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"Widget": {"type": "object", "properties": props, **extra}}


@pytest.mark.parametrize(
    ("catalog", "code", "path"),
    [
        (_one({"onClick": {"type": "string"}}), "forbidden_prop", "/Widget/properties/onClick"),
        (_one({"style": {"type": "string"}}), "forbidden_prop", "/Widget/properties/style"),
        (
            _one({"dangerouslySetInnerHTML": {"type": "object"}}),
            "forbidden_prop",
            "/Widget/properties/dangerouslySetInnerHTML",
        ),
        (_one({"children": {"type": "array"}}), "forbidden_prop", "/Widget/properties/children"),
        (
            _one({"a": {"type": "string", "pattern": "^(a+)+$"}}),
            "unsafe_pattern",
            "/Widget/properties/a/pattern",
        ),
        (
            _one({"a": {"type": "string", "pattern": "(x|xx)*y"}}),
            "unsafe_pattern",
            "/Widget/properties/a/pattern",
        ),
        (
            _one({"a": {"type": "string", "pattern": r"(a)\1"}}),
            "unsafe_pattern",
            "/Widget/properties/a/pattern",
        ),
        (
            _one({"a": {"type": "string", "pattern": "(unclosed"}}),
            "unsafe_pattern",
            "/Widget/properties/a/pattern",
        ),
        (
            _one({"a": {"type": "object", "patternProperties": {"^(.*)*$": {}}}}),
            "unsafe_pattern",
            "/Widget/properties/a/patternProperties/^(.*)*$",
        ),
        (_one({"a": {"$ref": "#/Widget/properties/a"}}), "ref_loop", "/Widget/properties/a/$ref"),
        (
            _one({"a": {"$ref": "https://evil.test/s.json"}}),
            "remote_ref",
            "/Widget/properties/a/$ref",
        ),
        (_one({"a": {"$ref": "#/nowhere"}}), "dangling_ref", "/Widget/properties/a/$ref"),
        (
            _one({"a": {"enum": list(range(MAX_ENUM + 1))}}),
            "enum_too_large",
            "/Widget/properties/a/enum",
        ),
        ({"<script>": {"type": "object"}}, "invalid_name", "/<script>"),
        ("not a catalog", "type_mismatch", ""),
    ],
)
def test_hostile_catalogs_are_refused_with_typed_errors(catalog: Any, code: str, path: str) -> None:
    with pytest.raises(CatalogError) as caught:
        registry_from_json_schema(catalog)
    assert (path, code) in [(p.path, p.code) for p in caught.value.problems]
    assert (path, code) in [(p.path, p.code) for p in catalog_problems(catalog)]
    registry = registry_from_json_schema(catalog, on_problem="skip")  # never a crash
    for name in registry:
        assert name == "Widget"


def test_a_ref_loop_through_all_of() -> None:
    catalog = {
        "$defs": {"a": {"allOf": [{"$ref": "#/$defs/b"}]}, "b": {"not": {"$ref": "#/$defs/a"}}},
        "Widget": {"type": "object", "properties": {"x": {"$ref": "#/$defs/a"}}},
    }
    assert "ref_loop" in [p.code for p in catalog_problems(catalog)]
    assert "Widget" not in registry_from_json_schema(catalog, on_problem="skip")


def test_a_recursive_schema_that_reads_data_is_fine() -> None:
    catalog = {
        "$defs": {
            "tree": {
                "type": "object",
                "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
            }
        },
        "Tree": {"type": "object", "properties": {"data": {"$ref": "#/$defs/tree"}}},
    }
    registry = registry_from_json_schema(catalog)
    deep: dict[str, Any] = {}
    for _ in range(20):
        deep = {"kids": [deep]}
    assert validate({"root": {"component": "Tree", "props": {"data": deep}}}, registry=registry).ok
    bad = {"root": {"component": "Tree", "props": {"data": {"kids": [{"kids": 3}]}}}}
    assert [e.path for e in validate(bad, registry=registry).errors] == ["/root/props/data"]


def test_skipping_drops_only_the_forbidden_prop() -> None:
    catalog = _one({"onClick": {"type": "string"}, "label": {"type": "string"}})
    registry = registry_from_json_schema(catalog, on_problem="skip")
    assert list(registry["Widget"].props_model.model_fields) == ["label"]
    result = validate(
        {"root": {"component": "Widget", "props": {"label": "x", "onClick": "alert(1)"}}},
        registry=registry,
    )
    assert [e.path for e in result.errors] == ["/root/props/onClick"]
    assert "alert" not in safe_html(result.spec.model_dump() if result.spec else {}, registry)


def test_href_typed_as_anything_is_still_a_safe_url() -> None:
    for schema in ({"type": "string"}, {}, {"type": ["string", "object"]}, {"format": "uri"}):
        registry = registry_from_json_schema(_one({"href": schema, "src": schema}))
        spec = {
            "root": {
                "component": "Widget",
                "props": {"href": "javascript:alert(1)", "src": "data:text/html,<script>"},
            }
        }
        result = validate(spec, registry=registry)
        assert {e.code for e in result.errors} == {"unsafe_url"}
        assert_no_unsafe_url(safe_html(spec, registry))
        objects = {"root": {"component": "Widget", "props": {"href": {"x": 1}}}}
        assert not validate(objects, registry=registry).ok


def test_a_huge_but_allowed_enum_is_quick() -> None:
    registry = registry_from_json_schema(
        _one({"code": {"enum": [f"v{n}" for n in range(MAX_ENUM)]}})
    )
    start = time.perf_counter()
    for n in range(50):
        validate({"root": {"component": "Widget", "props": {"code": f"v{n}x"}}}, registry=registry)
    assert time.perf_counter() - start < 5


def test_deep_and_in_place_nesting_is_refused() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(200):
        schema = {"not": {"not": schema}}
    assert "catalog_too_deep" in [p.code for p in catalog_problems(_one({"a": schema}))]


def test_polynomial_patterns_are_bounded() -> None:
    three = _one({"a": {"type": "string", "pattern": "a*a*a*b"}})
    assert [p.code for p in catalog_problems(three)] == ["unsafe_pattern"]
    for pattern in ("^[a-z]+-[0-9]+$", "a*a*b", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"):
        assert catalog_problems(_one({"a": {"type": "string", "pattern": pattern}})) == []
    registry = registry_from_json_schema(_one({"a": {"type": "string", "pattern": "a*a*b"}}))
    start = time.perf_counter()
    near = validate(
        {"root": {"component": "Widget", "props": {"a": "a" * MAX_PATTERN_INPUT}}},
        registry=registry,
    )
    assert time.perf_counter() - start < 2
    assert [e.path for e in near.errors] == ["/root/props/a"]  # no b: the pattern fails
    over = validate(
        {"root": {"component": "Widget", "props": {"a": "a" * (MAX_PATTERN_INPUT + 1) + "b"}}},
        registry=registry,
    )
    assert [(e.path, e.code) for e in over.errors] == [("/root/props/a", "invalid_value")]
    assert "longer than" in over.errors[0].message


def test_skipping_an_unsafe_pattern_keeps_the_prop() -> None:
    catalog = _one({"a": {"type": "string", "maxLength": 5, "pattern": "^(a+)+$"}})
    registry = registry_from_json_schema(catalog, on_problem="skip")
    assert "pattern" in catalog["Widget"]["properties"]["a"]  # the catalog itself is unchanged
    ok = validate({"root": {"component": "Widget", "props": {"a": "aaaa!"}}}, registry=registry)
    assert ok.ok
    long = validate({"root": {"component": "Widget", "props": {"a": "a" * 40}}}, registry=registry)
    assert [e.path for e in long.errors] == ["/root/props/a"]


_SCHEMA_LEAF = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["string", "integer", "object", "array"])}),
    st.fixed_dictionaries({"pattern": st.sampled_from(["^a+$", "(a+)+", "[", "a*a*a*b", "x"])}),
    st.fixed_dictionaries({"enum": st.lists(st.one_of(st.text(max_size=3), st.integers()))}),
    st.fixed_dictionaries(
        {"$ref": st.sampled_from(["#", "#/W", "#/$defs/a", "#/x/y", "http://e"])}
    ),
    st.fixed_dictionaries({"format": st.just("uri")}),
    st.booleans(),
)
_SCHEMA = st.recursive(
    _SCHEMA_LEAF,
    lambda inner: st.one_of(
        st.fixed_dictionaries({"allOf": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"not": inner}),
        st.fixed_dictionaries({"items": inner}),
        st.fixed_dictionaries(
            {"properties": st.dictionaries(st.sampled_from(["a", "href", "data"]), inner)}
        ),
    ),
    max_leaves=8,
)
_PROP_NAMES = st.sampled_from(
    ["title", "href", "src", "data", "onClick", "style", "model_dump", "class", "$x", "children"]
)


@settings(max_examples=150)
@given(
    st.dictionaries(_PROP_NAMES, _SCHEMA, max_size=4),
    st.fixed_dictionaries({"a": _SCHEMA}),
    st.dictionaries(
        _PROP_NAMES,
        st.one_of(
            st.text(max_size=20),
            st.sampled_from(["javascript:alert(1)", "data:text/html,x", "https://ok.test"]),
            st.integers(),
            st.lists(st.text(max_size=5), max_size=3),
            st.dictionaries(st.sampled_from(["href", "url", "a"]), st.text(max_size=20)),
        ),
        max_size=4,
    ),
)
def test_fuzzed_catalogs_never_crash(
    properties: dict[str, Any], defs: dict[str, Any], props: dict[str, Any]
) -> None:
    catalog = {"$defs": defs, "W": {"type": "object", "properties": properties}}
    try:
        registry_from_json_schema(catalog)
    except CatalogError as error:
        assert error.problems and all(isinstance(p.path, str) for p in error.problems)
    registry = registry_from_json_schema(catalog, on_problem="skip")
    spec = {"root": {"component": "W", "props": props}}
    assert_no_unsafe_url(safe_html(spec, registry))
