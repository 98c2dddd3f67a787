"""assistant-ui's flat IR out of genui and back: same HTML, state and bindings kept."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from pydantic import BaseModel

from genui import Actions, GenerativeUISpec, render, validate
from genui.actions import ActionEvent
from genui.formats.assistant_ui import from_assistant_ui, to_assistant_ui
from genui.testing import specs
from tests.security import violations

BOUND: dict[str, Any] = {
    "state": {"rows": [{"name": "Ada", "paid": True}, {"name": "Bob", "paid": False}]},
    "root": {
        "component": "Stack",
        "key": "list",
        "children": [
            {
                "component": "Text",
                "props": {"text": {"$item": "/name"}},
                "repeat": {"$state": "/rows"},
                "visible": {"eq": [{"$item": "/paid"}, True]},
                "key": "row",
            },
            {"component": "Badge", "props": {"label": {"$state": "/rows/1/name"}}},
        ],
    },
}


@given(specs())
def test_round_trip_renders_the_same_html(spec: dict[str, Any]) -> None:
    flat = to_assistant_ui(spec)
    back = from_assistant_ui(flat)
    assert str(render(back)) == str(render(spec))
    assert str(render(flat)) == str(render(spec))  # genui reads the IR itself too
    assert validate(flat).ok and validate(back).ok


def test_state_repeat_and_visible_are_kept() -> None:
    flat = to_assistant_ui(BOUND)
    assert flat["state"] == BOUND["state"]
    row = flat["root"]["children"][0]  # type: ignore[index,call-overload]
    assert row == {
        "$type": "Text",
        "text": {"$item": "/name"},
        "$key": "row",
        "$repeat": {"$state": "/rows"},
        "$visible": {"eq": [{"$item": "/paid"}, True]},
    }
    back = from_assistant_ui(flat)
    assert GenerativeUISpec.model_validate(back) == GenerativeUISpec.model_validate(BOUND)
    html = str(render(back))
    assert html == str(render(BOUND))
    assert "Ada" in html and html.count("Bob") == 1  # Bob's row is hidden; the badge shows


def test_action_bindings_use_the_flat_spelling() -> None:
    spec = {
        "root": {
            "component": "Button",
            "props": {"label": "Pay", "action": {"name": "pay", "params": {"id": 7}}},
        }
    }
    flat = to_assistant_ui(spec)
    assert flat == {
        "root": {"$type": "Button", "label": "Pay", "$action": {"type": "pay", "id": 7}}
    }
    assert from_assistant_ui(flat) == spec
    actions = Actions()

    class PayParams(BaseModel):
        id: int

    @actions.action("pay", params=PayParams)
    def pay(event: ActionEvent[Any, Any]) -> None: ...

    assert validate(from_assistant_ui(flat), actions=actions).ok


def test_message_part_in_and_out() -> None:
    part = to_assistant_ui(BOUND, part=True)
    assert part["type"] == "generative-ui"
    assert from_assistant_ui(part) == from_assistant_ui(part["spec"])
    assert from_assistant_ui({"spec": part["spec"]}) == from_assistant_ui(part)
    model = GenerativeUISpec.model_validate(BOUND)
    assert to_assistant_ui(model) == to_assistant_ui(BOUND) == model.to_flat()


def test_flat_input_converts_too() -> None:
    flat = {"root": [{"$type": "Text", "text": "a", "$key": 3}, "x"]}
    assert to_assistant_ui(flat) == {"root": [{"$type": "Text", "text": "a", "$key": "3"}, "x"]}


@pytest.mark.parametrize(
    "flat",
    [
        {"root": {"$type": "Text", "text": "hi", "$onclick": "alert(1)"}},
        {"root": {"$type": "Button", "label": "x", "$action": "alert(1)"}},
        {"root": {"$type": "Link", "href": "javascript:alert(1)", "text": "x"}},
        {"root": {"$type": "Text", "onclick": "alert(1)", "text": "x"}},
    ],
)
def test_what_is_wrong_in_the_ir_is_still_reported(flat: dict[str, Any]) -> None:
    back = from_assistant_ui(flat)
    assert not validate(back).ok
    assert not validate(flat).ok
    clean = validate(back).spec
    html = str(render(clean)) if clean is not None else ""
    assert "javascript:" not in html and "onclick" not in html.lower()
    assert violations(html) == []


def test_non_spec_input_is_left_for_validate() -> None:
    assert from_assistant_ui(["x"]) == {"root": ["x"]}
    assert from_assistant_ui({"root": {"nope": 1}}) == {"root": {"nope": 1}}
    assert from_assistant_ui(42) == {"root": 42}
    assert not validate(from_assistant_ui(None)).ok


def _bound(spec: dict[str, Any]) -> dict[str, Any]:
    """A drawn spec repeated over state, its second copy hidden by a condition."""
    roots = spec["root"] if isinstance(spec["root"], list) else [spec["root"]]
    return {
        "state": {"items": [{"on": True}, {"on": False}, {"on": True}]},
        "root": {
            "component": "Stack",
            "children": [
                {
                    "component": "Stack",
                    "children": roots,
                    "repeat": {"$state": "/items"},
                    "visible": {"or": [{"$item": "/on"}, {"eq": [{"$index": True}, 5]}]},
                }
            ],
        },
    }


@given(specs().map(_bound))
def test_round_trip_keeps_repeats_and_conditions(spec: dict[str, Any]) -> None:
    flat = to_assistant_ui(spec)
    assert str(render(from_assistant_ui(flat))) == str(render(spec)) == str(render(flat))
