"""Properties of genui.validate over arbitrary JSON, hostile specs and valid specs.

* validate never raises, whatever it is given;
* its clean spec re-validates ok, renders in strict mode, and is what rendering writes:
  ``render(x) == render(validate(x).spec)``;
* the same spec as Python data and as JSON text, and in the legacy and the flat node
  shape, gives the same result.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genui import (
    GenerativeUIError,
    GenerativeUISpec,
    Renderer,
    ValidationResult,
    validate,
)
from genui.testing import hostile_specs, specs
from tests import examples
from tests.security import violations
from tests.strategies import json_values, spec_shaped

DROP = Renderer(on_invalid_props="drop")
STRICT = Renderer(strict=True)


def _check_clean(result: ValidationResult) -> None:
    spec = result.spec
    if spec is None:
        assert result.errors
        return
    again = validate(spec)
    assert again.ok, again.errors
    assert again.spec == spec
    html = STRICT.render(spec)
    assert violations(str(html)) == []


@settings(max_examples=examples(300))
@given(json_values() | spec_shaped())
def test_validate_never_raises_on_arbitrary_json(value: Any) -> None:
    result = validate(value)
    assert isinstance(result, ValidationResult)
    assert result.ok == (not result.errors)
    _check_clean(result)


@settings(max_examples=examples(300))
@given(hostile_specs())
def test_the_clean_spec_of_a_hostile_spec_is_valid_safe_and_what_rendering_writes(
    spec: Any,
) -> None:
    result = validate(spec)
    _check_clean(result)
    assert result.spec is not None
    assert DROP.render(spec) == STRICT.render(result.spec)
    for renderer in (Renderer(), STRICT):
        try:
            html = renderer.render(spec)
        except GenerativeUIError as error:
            assert not result.ok
            assert set(error.errors) <= set(result.errors)
            continue
        assert html == STRICT.render(result.spec)


@settings(max_examples=examples(300))
@given(hostile_specs() | json_values() | spec_shaped())
def test_data_and_text_give_the_same_result(value: Any) -> None:
    if isinstance(value, str):
        return  # a string given as data is JSON text already
    try:
        text = json.dumps(value, allow_nan=False)
    except ValueError:
        return
    from_data, from_text = validate(value), validate(text)
    assert from_data.errors == from_text.errors
    assert from_data.spec == from_text.spec
    assert from_data.report.to_list() == from_text.report.to_list()


def _flat(value: Any) -> Any:
    """A node tree of the catalog's legacy shape in the flat ``$type`` shape."""
    if isinstance(value, list):
        return [_flat(item) for item in value]
    if not isinstance(value, dict) or "component" not in value:
        return value
    flat: dict[str, Any] = {"$type": value["component"], **(value.get("props") or {})}
    if "children" in value:
        flat["children"] = _flat(value["children"])
    if value.get("key") is not None:
        flat["$key"] = value["key"]
    return flat


def _flat_path(path: str) -> str:
    path = path.replace("/props/", "/")
    if path.endswith("/component"):
        return path.removesuffix("/component") + "/$type"
    if path.endswith("/key"):
        return path.removesuffix("/key") + "/$key"
    return path


@settings(max_examples=examples(200))
@given(specs() | hostile_specs())
def test_flat_and_legacy_shapes_of_the_same_spec_give_the_same_result(spec: Any) -> None:
    legacy = validate(spec)
    flat = validate({"root": _flat(spec["root"])})
    assert flat.spec == legacy.spec
    assert [(e.path, e.code) for e in flat.errors] == [
        (_flat_path(e.path), e.code) for e in legacy.errors
    ]


@settings(max_examples=examples(200))
@given(specs())
def test_valid_specs_are_ok_and_delivered_as_sent(spec: Any) -> None:
    result = validate(json.dumps(spec))
    assert result.ok, result.errors
    assert result.spec is not None
    sent = GenerativeUISpec.model_validate(spec)
    assert result.spec.to_flat() == validate(sent.to_flat()).spec.to_flat()  # type: ignore[union-attr]
    assert STRICT.render(result.spec) == STRICT.render(spec)


@settings(max_examples=examples(100))
@given(st.lists(hostile_specs(), min_size=2, max_size=2))
def test_the_validation_memo_gives_what_a_fresh_validation_gives(pair: list[Any]) -> None:
    from genui.render import RenderCache

    renderer = Renderer(on_invalid_props="drop")
    cache = RenderCache()
    for spec in pair * 2:
        parsed = validate(spec).spec
        assert parsed is not None
        cached = renderer.render_with_report(spec, cache=cache)
        fresh = renderer.render_with_report(spec)
        assert cached.html == fresh.html
        assert cached.report.to_list() == fresh.report.to_list()
