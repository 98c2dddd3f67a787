"""The committed JSON Schema matches the models, and agrees with parse_spec."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import pytest
from hypothesis import given

from genui import GenerativeUIValidationError, parse_spec
from genui.schema import spec_json_schema, spec_json_schema_text
from tests.strategies import spec_shaped
from tests.support import REPO_ROOT

SCHEMA_FILE = REPO_ROOT / "schemas" / "generative-ui-spec.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(spec_json_schema())


def test_committed_schema_file_matches_the_models() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == spec_json_schema_text(), (
        "schemas/generative-ui-spec.schema.json drifted from the models: run `make schema`"
    )


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(spec_json_schema())
    assert spec_json_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def parses(data: Any) -> bool:
    try:
        parse_spec(data)
    except GenerativeUIValidationError:
        return False
    return True


CORPUS: list[tuple[Any, bool]] = [
    ({"root": "text"}, True),
    ({"root": 1.5}, True),
    ({"root": -3}, True),
    ({"root": []}, True),
    ({"root": [{"component": "Card", "props": {"a": {"b": [1, None]}}, "key": "k"}]}, True),
    ({"root": {"component": "Card", "children": "one"}}, True),
    ({"root": {"component": "Card", "children": {"component": "Text"}}}, True),
    ({"root": {"component": "Card", "children": None, "props": None, "key": None}}, True),
    ({"root": {"component": "a.b-c_9"}}, True),
    ({}, False),
    ({"root": None}, False),
    ({"root": True}, False),
    ({"root": [[]]}, False),
    ({"root": "x", "extra": 1}, False),
    ({"root": {"component": ""}}, False),
    ({"root": {"component": "_x"}}, False),
    ({"root": {"component": "9x"}}, False),
    ({"root": {"component": "a b"}}, False),
    ({"root": {"component": "A" * 129}}, False),
    ({"root": {"component": "Card", "props": []}}, False),
    ({"root": {"component": "Card", "key": 1}}, False),
    ({"root": {"component": "Card", "on": 1}}, False),
    ({"root": {"component": "Card", "children": [True]}}, False),
    ({"root": {"component": "Card", "children": [[1]]}}, False),
    ({"root": {"props": {}}}, False),
    ([], False),
    ("root", False),
]


@pytest.mark.parametrize(("data", "valid"), CORPUS, ids=[json.dumps(d)[:50] for d, _ in CORPUS])
def test_jsonschema_and_parse_spec_agree_on_the_corpus(data: Any, valid: bool) -> None:
    assert VALIDATOR.is_valid(data) is valid
    assert parses(data) is valid


@given(spec_shaped())
def test_jsonschema_and_parse_spec_agree_on_generated_input(data: Any) -> None:
    try:
        text = json.dumps(data, allow_nan=False)
    except (ValueError, TypeError):
        return  # not JSON: JSON Schema has nothing to say about it
    if any(len(digits) > 18 for digits in re.findall(r"\d+", text)):
        return  # a limit (64-bit integers), which JSON Schema does not express
    assert VALIDATOR.is_valid(data) is parses(data)
