"""JSON equality for assertions: 1 == 1.0, but 1 != true (Python's == says 1 == True)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["assert_json_equal", "strict"]


def strict(value: Any) -> Any:
    """A form of a JSON value whose == is JSON equality (1 == 1.0, but 1 != true)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if value is None:
        return ("null",)
    if isinstance(value, Mapping):
        return ("object", {key: strict(item) for key, item in value.items()})
    return ("array", [strict(item) for item in value])


def assert_json_equal(actual: Any, expected: Any) -> None:
    assert strict(actual) == strict(expected), f"{actual!r} != {expected!r}"
