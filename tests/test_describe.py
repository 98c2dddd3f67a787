"""describe(): what the person saw, as text for the model — golden files and properties.

The golden table is ``tests/golden/describe.json``: each case has a spec (or JSON text), the
options, and the expected text. ``GENUI_UPDATE_GOLDEN=1 pytest tests/test_describe.py``
rewrites the expectations after a deliberate change (review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

import genui
from genui.describe import DEFAULT_MAX_CHARS, describe
from genui.spec import GenerativeUINode
from genui.testing import specs
from tests import examples

GOLDEN = Path(__file__).parent / "golden" / "describe.json"


class BookParams(BaseModel):
    restaurant: str = Field(min_length=1)


class BookInputs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = ""
    party_size: int = Field(default=2, ge=1, le=20)


def _actions() -> genui.Actions:
    actions = genui.Actions()

    @actions.action(params=BookParams, inputs=BookInputs, description="Book a table")
    def book_table(event: genui.ActionEvent[BookParams, BookInputs]) -> None:
        """Not called here."""

    return actions


class Weather(BaseModel):
    """An app's own component."""

    city: str
    celsius: float
    source: genui.SafeUrl = None


def _registry(name: str | None) -> genui.Registry | None:
    if name == "weather":
        return genui.default_registry().extend(genui.Component("Weather", Weather, "weather.html"))
    return None


def _describe(case: dict[str, Any]) -> str:
    options = dict(case.get("options", {}))
    registry = _registry(options.pop("registry", None))
    actions = _actions() if options.pop("actions", False) else None
    spec = case["text"] if "text" in case else case["spec"]
    return describe(spec, registry=registry, actions=actions, **options)


CASES: list[dict[str, Any]] = json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_golden_table_has_at_least_twenty_cases_with_unique_names() -> None:
    names = [case["name"] for case in CASES]
    assert len(names) >= 20 and len(set(names)) == len(names)


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_golden(case: dict[str, Any]) -> None:
    got = _describe(case)
    if os.environ.get("GENUI_UPDATE_GOLDEN"):
        case["expected"] = got
        GOLDEN.write_text(json.dumps(CASES, indent=2, ensure_ascii=False) + "\n", "utf-8")
        return
    assert got == case["expected"]
    budget = case.get("options", {}).get("max_chars", DEFAULT_MAX_CHARS)
    assert len(got) <= budget


def test_a_description_is_much_smaller_than_the_spec() -> None:
    case = next(case for case in CASES if case["name"] == "dashboard")
    size = len(json.dumps(case["spec"]))
    assert len(_describe(case)) <= size / 3


# -- properties ----------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)


@settings(max_examples=examples(150), deadline=None)
@given(st.one_of(JSON, specs()), st.integers(min_value=0, max_value=600))
def test_describe_never_raises_is_deterministic_and_within_its_budget(
    value: Any, max_chars: int
) -> None:
    first = describe(value, max_chars=max_chars)
    assert first == describe(json.loads(json.dumps(value)), max_chars=max_chars)
    assert len(first) <= max(40, max_chars)


_TEXT_PROPS = (
    "text",
    "title",
    "description",
    "label",
    "caption",
    "submit_label",
    "placeholder",
    "help",
    "delta",
)


def _visible_texts(result: genui.ValidationResult) -> list[str]:
    """Every text the clean spec shows: leaves, text props, options, columns and cells."""
    found: list[str] = []
    spec = result.spec
    assert spec is not None
    stack: list[Any] = list(spec.root) if isinstance(spec.root, list) else [spec.root]
    while stack:
        value = stack.pop()
        if not isinstance(value, GenerativeUINode):
            found.append(str(value) if isinstance(value, str) else "")
            continue
        stack.extend(value.children)
        props = result.props_model(value)
        if props is None:
            continue
        for name in _TEXT_PROPS:
            text = getattr(props, name, None)
            if isinstance(text, str):
                found.append(text)
        for option in getattr(props, "options", None) or ():
            found.append(option.label)
        if value.component == "Table":
            found.extend(props.columns)  # type: ignore[attr-defined]
            for row in props.rows:  # type: ignore[attr-defined]
                found.extend(cell for cell in row if isinstance(cell, str))
    return [" ".join(text.split()) for text in found if text.strip()]


@settings(max_examples=examples(150), deadline=None)
@given(specs())
def test_every_visible_text_of_a_small_spec_is_in_its_description(spec: dict[str, Any]) -> None:
    result = genui.validate(spec)
    text = describe(spec, max_chars=1_000_000, max_text=100_000, max_rows=100_000)
    for visible in _visible_texts(result):  # (a quoted value shows its quotes as ')
        assert visible.replace('"', "'") in text.replace('"', "'"), (visible, text)
