"""State, bindings, repeat and visible: resolved on the server, checked like literals.

Every table row runs with the spec given as Python data and as JSON text, in the legacy
and the flat node shape where the row has both.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict

from genui import (
    Action,
    ActionEvent,
    ActionGate,
    ActionReply,
    Actions,
    GenerativeUIError,
    GenerativeUIValidationError,
    Limits,
    Renderer,
    SpecStream,
    StreamSurfaces,
    validate,
)
from genui.actions import ActionSource
from genui.state import lookup, truthy
from genui.surfaces import apply_reply
from genui.testing import specs

FORMS = ("data", "text")
DROP = Renderer(on_invalid_props="drop")


def as_form(spec: dict[str, Any], form: str) -> Any:
    return json.dumps(spec) if form == "text" else spec


def bound(pointer: str) -> dict[str, str]:
    return {"$state": pointer}


def item(pointer: str = "") -> dict[str, str]:
    return {"$item": pointer}


@pytest.fixture(params=FORMS)
def form(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


# -- resolution equals the literal spec ----------------------------------------------------

LITERAL_EQUIVALENTS = [
    (
        "a bound prop",
        {"state": {"t": "Hello"}, "root": {"component": "Heading", "props": {"text": bound("/t")}}},
        {"root": {"component": "Heading", "props": {"text": "Hello"}}},
    ),
    (
        "a bound value inside a prop (table cells)",
        {
            "state": {"rows": [["a", 1], ["b", 2]], "x": "c"},
            "root": {
                "component": "Table",
                "props": {"columns": ["n", "v"], "rows": [bound("/rows/0"), [bound("/x"), 3]]},
            },
        },
        {
            "root": {
                "component": "Table",
                "props": {"columns": ["n", "v"], "rows": [["a", 1], ["c", 3]]},
            }
        },
    ),
    (
        "repeat with $item and $index",
        {
            "state": {"people": [{"name": "Ada"}, {"name": "Alan"}]},
            "root": {
                "component": "Grid",
                "children": [
                    {
                        "component": "Stat",
                        "repeat": bound("/people"),
                        "props": {"label": item("/name"), "value": {"$index": True}},
                    }
                ],
            },
        },
        {
            "root": {
                "component": "Grid",
                "children": [
                    {"component": "Stat", "props": {"label": "Ada", "value": 0}},
                    {"component": "Stat", "props": {"label": "Alan", "value": 1}},
                ],
            }
        },
    ),
    (
        "nested repeats",
        {
            "state": {"groups": [{"title": "A", "items": ["x", "y"]}, {"title": "B", "items": []}]},
            "root": [
                {
                    "component": "Card",
                    "repeat": bound("/groups"),
                    "props": {"title": item("/title")},
                    "children": [
                        {"component": "Text", "repeat": item("/items"), "props": {"text": item()}}
                    ],
                }
            ],
        },
        {
            "root": [
                {
                    "component": "Card",
                    "props": {"title": "A"},
                    "children": [
                        {"component": "Text", "props": {"text": "x"}},
                        {"component": "Text", "props": {"text": "y"}},
                    ],
                },
                {"component": "Card", "props": {"title": "B"}},
            ]
        },
    ),
    (
        "a repeating root node becomes a list of roots",
        {
            "state": {"n": [1, 2]},
            "root": {"component": "Text", "repeat": bound("/n"), "props": {"text": "t"}},
        },
        {"root": [{"component": "Text", "props": {"text": "t"}}] * 2},
    ),
    (
        "visible conditions",
        {
            "state": {"n": 3, "s": "on", "empty": "", "list": [], "flag": False},
            "root": [
                {"component": "Text", "visible": bound("/n"), "props": {"text": "truthy"}},
                {"component": "Text", "visible": bound("/empty"), "props": {"text": "no1"}},
                {"component": "Text", "visible": bound("/list"), "props": {"text": "[] is true"}},
                {
                    "component": "Text",
                    "visible": {"eq": [bound("/s"), "on"]},
                    "props": {"text": "eq"},
                },
                {
                    "component": "Text",
                    "visible": {"neq": [bound("/s"), "on"]},
                    "props": {"text": "no2"},
                },
                {"component": "Text", "visible": {"gt": [bound("/n"), 2]}, "props": {"text": "gt"}},
                {
                    "component": "Text",
                    "visible": {"lte": [bound("/n"), 2]},
                    "props": {"text": "no3"},
                },
                {
                    "component": "Text",
                    "visible": {"gt": [bound("/s"), 2]},
                    "props": {"text": "no4"},
                },
                {
                    "component": "Text",
                    "visible": {"and": [bound("/n"), {"not": bound("/flag")}]},
                    "props": {"text": "and"},
                },
                {
                    "component": "Text",
                    "visible": {"or": [bound("/flag"), {"eq": [bound("/flag"), 0]}]},
                    "props": {"text": "no5 (false is not 0)"},
                },
                {"component": "Text", "visible": False, "props": {"text": "no6"}},
            ],
        },
        {
            "root": [
                {"component": "Text", "props": {"text": text}}
                for text in ("truthy", "[] is true", "eq", "gt", "and")
            ]
        },
    ),
    (
        "visible per repeated item",
        {
            "state": {"tasks": [{"t": "a", "done": True}, {"t": "b", "done": False}]},
            "root": {
                "component": "List",
                "children": [
                    {
                        "component": "ListItem",
                        "repeat": bound("/tasks"),
                        "visible": {"not": item("/done")},
                        "children": [{"component": "Text", "props": {"text": item("/t")}}],
                    }
                ],
            },
        },
        {
            "root": {
                "component": "List",
                "children": [
                    {
                        "component": "ListItem",
                        "children": [{"component": "Text", "props": {"text": "b"}}],
                    }
                ],
            }
        },
    ),
    (
        "an action param bound to the item",
        {
            "state": {"rows": [{"id": "r1"}]},
            "root": {
                "component": "Stack",
                "children": [
                    {
                        "component": "Button",
                        "repeat": bound("/rows"),
                        "props": {
                            "label": "Delete",
                            "action": {"name": "delete", "params": {"id": item("/id")}},
                        },
                    }
                ],
            },
        },
        {
            "root": {
                "component": "Stack",
                "children": [
                    {
                        "component": "Button",
                        "props": {
                            "label": "Delete",
                            "action": {"name": "delete", "params": {"id": "r1"}},
                        },
                    }
                ],
            }
        },
    ),
]


@pytest.mark.parametrize(
    ("spec", "literal"),
    [pytest.param(spec, literal, id=name) for name, spec, literal in LITERAL_EQUIVALENTS],
)
def test_a_bound_spec_renders_as_its_literal_spec(
    spec: dict[str, Any], literal: dict[str, Any], form: str
) -> None:
    result = validate(as_form(spec, form))
    expected = validate(literal)
    assert [(e.path, e.code) for e in result.errors] == [(e.path, e.code) for e in expected.errors]
    assert result.spec == expected.spec
    assert DROP.render(as_form(spec, form)) == DROP.render(literal)


def test_the_flat_shape_spells_them_dollar_repeat_and_dollar_visible(form: str) -> None:
    spec = {
        "state": {"xs": ["a", "b"], "show": False},
        "root": [
            {"$type": "Text", "$repeat": bound("/xs"), "text": item(), "$key": "t"},
            {"$type": "Text", "$visible": bound("/show"), "text": "hidden"},
        ],
    }
    result = validate(as_form(spec, form))
    assert result.ok, result.errors
    assert result.spec is not None
    assert [(node.props, node.key) for node in result.spec.roots] == [  # type: ignore[union-attr]
        ({"text": "a"}, "t:0"),
        ({"text": "b"}, "t:1"),
    ]


# -- what arrives through state is checked like a literal -----------------------------------


def test_a_javascript_url_through_state_is_dropped_and_reported_at_the_binding(form: str) -> None:
    spec = {
        "state": {"links": [{"u": "https://example.com/"}, {"u": " JaVaScRiPt:alert(1)"}]},
        "root": {
            "component": "Stack",
            "children": [
                {
                    "component": "Link",
                    "repeat": bound("/links"),
                    "props": {"text": "go", "href": item("/u")},
                }
            ],
        },
    }
    result = validate(as_form(spec, form))
    assert [(e.path, e.code, e.state_path) for e in result.errors] == [
        ("/root/children/0/props/href", "unsafe_url", "/state/links/1/u")
    ]
    assert [(event.path, event.prop) for event in result.report] == [("/root/children/0", "href")]
    html = DROP.render(as_form(spec, form))
    assert "javascript" not in html.lower()
    assert 'href="https://example.com/"' in html


def test_a_wrong_type_through_state_names_the_binding_and_the_state_value(form: str) -> None:
    spec = {
        "state": {"level": "big"},
        "root": {"component": "Heading", "props": {"text": "x", "level": bound("/level")}},
    }
    result = validate(as_form(spec, form))
    [error] = result.errors
    assert (error.path, error.state_path) == ("/root/props/level", "/state/level")
    assert "/state/level" in error.message
    assert error.to_dict()["state_path"] == "/state/level"


def test_a_template_problem_is_reported_once_not_once_per_item(form: str) -> None:
    spec = {
        "state": {"xs": list(range(50))},
        "root": {"component": "Stack", "children": [{"component": "Nope", "repeat": bound("/xs")}]},
    }
    result = validate(as_form(spec, form))
    assert [(e.path, e.code) for e in result.errors] == [
        ("/root/children/0/component", "unknown_component")
    ]


BINDING_ERRORS = [
    (
        "a child that is a binding",
        {"state": {"t": "x"}, "root": {"component": "Text", "children": [bound("/t")]}},
        ("/root/children/0", "invalid_binding"),
        "Text",
    ),
    (
        "missing path",
        {
            "state": {"user": {"name": "a"}},
            "root": {"component": "Text", "props": {"text": bound("/user/nmae")}},
        },
        ("/root/props/text", "binding_missing"),
        "name",
    ),
    (
        "$item outside a repeat",
        {"state": {}, "root": {"component": "Text", "props": {"text": item("/x")}}},
        ("/root/props/text", "invalid_binding"),
        "repeat",
    ),
    (
        "$index not true",
        {
            "state": {"a": [1]},
            "root": {"component": "Text", "repeat": bound("/a"), "props": {"text": {"$index": 1}}},
        },
        ("/root/props/text", "invalid_binding"),
        "$index",
    ),
    (
        "a binding with two members",
        {
            "state": {"a": "x"},
            "root": {"component": "Text", "props": {"text": {"$state": "/a", "x": 1}}},
        },
        ("/root/props/text", "invalid_binding"),
        "$state",
    ),
    (
        "a pointer that is not one",
        {"state": {"a": "x"}, "root": {"component": "Text", "props": {"text": bound("a")}}},
        ("/root/props/text", "invalid_binding"),
        "/path",
    ),
    (
        "repeat over a non-array",
        {
            "state": {"a": {"b": 1}},
            "root": [{"component": "Text", "repeat": bound("/a"), "props": {"text": "x"}}],
        },
        ("/root/0/repeat", "type_mismatch"),
        "list",
    ),
    (
        "repeat that is not a binding",
        {"state": {}, "root": [{"component": "Text", "repeat": [1, 2], "props": {"text": "x"}}]},
        ("/root/0/repeat", "invalid_binding"),
        "$state",
    ),
    (
        "an unknown condition",
        {
            "state": {},
            "root": [
                {"component": "Text", "visible": {"matches": ["a", ".*"]}, "props": {"text": "x"}}
            ],
        },
        ("/root/0/visible", "invalid_condition"),
        "eq",
    ),
    (
        "a comparison of objects",
        {
            "state": {"o": {}},
            "root": [
                {"component": "Text", "visible": {"eq": [{"a": 1}, 1]}, "props": {"text": "x"}}
            ],
        },
        ("/root/0/visible/eq/0", "invalid_condition"),
        "scalars",
    ),
]


@pytest.mark.parametrize(
    ("spec", "where", "hint_word"),
    [pytest.param(spec, where, word, id=name) for name, spec, where, word in BINDING_ERRORS],
)
def test_binding_problems_are_typed_errors_with_a_hint(
    spec: dict[str, Any], where: tuple[str, str], hint_word: str, form: str
) -> None:
    result = validate(as_form(spec, form))
    assert (result.errors[0].path, result.errors[0].code) == where
    assert hint_word in result.errors[0].hint


def test_a_missing_value_hint_lists_what_state_has() -> None:
    spec = {
        "state": {"user": {"name": "a", "email": "b"}},
        "root": {"component": "Text", "props": {"text": bound("/user/nmae")}},
    }
    [error] = validate(spec).errors
    assert error.state_path == "/state/user/nmae"
    assert "email, name" in error.hint


def test_without_state_a_binding_is_not_resolved_and_is_an_error() -> None:
    result = validate({"root": {"component": "Text", "props": {"text": bound("/t")}}})
    assert not result.ok


# -- bounded cost ---------------------------------------------------------------------------


def test_a_repeat_too_large_to_write_out_is_refused_before_it_is_built(form: str) -> None:
    template = {
        "component": "Card",
        "repeat": bound("/items"),
        "children": [{"component": "Text", "props": {"text": item()}}] * 9,
    }
    spec = {"state": {"items": list(range(100_000))}, "root": [template]}
    result = validate(as_form(spec, form))
    assert [(e.path, e.code) for e in result.errors] == [("/root/0", "too_many_nodes")]
    assert result.spec is None


def test_characters_bound_into_the_tree_count_against_the_budget() -> None:
    limits = Limits(max_total_chars=10_000)
    spec = {
        "state": {"big": "x" * 5_000, "n": list(range(10))},
        "root": [{"component": "Text", "repeat": bound("/n"), "props": {"text": bound("/big")}}],
    }
    result = validate(spec, limits=limits)
    assert [e.code for e in result.errors] == ["too_large"]


def test_repeat_within_the_node_limit_is_written_out() -> None:
    limits = Limits(max_nodes=101)
    spec = {
        "state": {"n": list(range(100))},
        "root": {
            "component": "Stack",
            "children": [{"component": "Text", "repeat": bound("/n"), "props": {"text": "x"}}],
        },
    }
    assert validate(spec, limits=limits).ok
    spec["state"] = {"n": list(range(101))}
    assert [e.code for e in validate(spec, limits=limits).errors] == ["too_many_nodes"]


# -- helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False),
        (False, False),
        (0, False),
        (0.0, False),
        ("", False),
        ([], True),
        ({}, True),
        ("0", True),
        (-1, True),
        (True, True),
    ],
)
def test_truthiness_is_javascripts(value: Any, expected: bool) -> None:
    assert truthy(value) is expected


def test_lookup_follows_rfc_6901() -> None:
    document = {"a/b": {"m~n": [10, 20]}}
    assert lookup(document, "/a~1b/m~0n/1") == 20
    assert lookup(document, "") is document
    for missing in ("/x", "/a~1b/m~0n/2", "/a~1b/m~0n/01", "/a~1b/m~0n/-"):
        with pytest.raises(LookupError):
            lookup(document, missing)


# -- properties -----------------------------------------------------------------------------


def _lift(spec: dict[str, Any], picks: st.DataObject) -> tuple[dict[str, Any], dict[str, Any]]:
    """``spec`` with some prop values moved into state and bound: (bound spec, state)."""
    state: dict[str, Any] = {}

    def walk(value: Any) -> Any:
        if isinstance(value, dict) and "component" in value:
            props = dict(value.get("props") or {})
            for name in sorted(props):
                if picks.draw(st.booleans()):
                    key = f"v{len(state)}"
                    state[key] = props[name]
                    props[name] = {"$state": f"/{key}"}
            new = {**value, "props": props}
            if isinstance(value.get("children"), list):
                new["children"] = [walk(child) for child in value["children"]]
            return new
        return value

    root = spec["root"]
    lifted = [walk(node) for node in root] if isinstance(root, list) else walk(root)
    return {"root": lifted, "state": state}, state


@settings(max_examples=60, deadline=None)
@given(specs(), st.data())
def test_binding_any_prop_to_state_renders_as_the_literal(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    literal = json.loads(json.dumps(spec))
    bound_spec, _ = _lift(literal, data)
    for form in FORMS:
        result, expected = validate(as_form(bound_spec, form)), validate(literal)
        assert [(e.path, e.code) for e in result.errors] == [
            (e.path, e.code) for e in expected.errors
        ]
        assert result.report.events == expected.report.events
        assert result.spec == expected.spec
        assert DROP.render(as_form(bound_spec, form)) == DROP.render(literal)


# -- streaming ------------------------------------------------------------------------------

STREAMED = {
    "state": {"rows": [{"n": "alpha"}, {"n": "beta"}], "title": "Rows"},
    "root": {
        "component": "Card",
        "props": {"title": bound("/title")},
        "children": [
            {"component": "Text", "repeat": bound("/rows"), "props": {"text": item("/n")}},
            {"component": "Text", "props": {"text": "static"}},
        ],
    },
}


@pytest.mark.parametrize("state_first", [True, False])
@pytest.mark.parametrize("chunk", [1, 7, 64])
def test_streamed_text_with_state_waits_for_its_values(state_first: bool, chunk: int) -> None:
    spec = STREAMED if state_first else {"root": STREAMED["root"], "state": STREAMED["state"]}
    text = json.dumps(spec)
    stream = SpecStream()
    for start in range(0, len(text), chunk):
        stream.feed(text[start : start + chunk])
        html = stream.html()
        assert "$state" not in html and "$item" not in html
        if not state_first and '"state"' not in text[: start + chunk]:
            assert "alpha" not in html  # nothing bound can show before the state arrived
    stream.close()
    assert stream.html() == Renderer().render(spec)


def test_a_binding_still_missing_when_the_text_ends_is_an_error() -> None:
    stream = SpecStream()
    text = json.dumps({"state": {}, "root": {"component": "Text", "props": {"text": bound("/x")}}})
    with pytest.raises(GenerativeUIValidationError) as caught:
        stream.feed(text[:-1])  # still waiting: no error yet
        assert stream.html() == ""
        stream.feed(text[-1])
    assert caught.value.errors[0].code == "binding_missing"


def _dashboard() -> dict[str, Any]:
    return {
        "state": {"m": [{"v": str(i)} for i in range(50)], "show": True},
        "root": {
            "component": "Stack",
            "children": [
                {
                    "component": "Grid",
                    "children": [
                        {
                            "component": "Stat",
                            "props": {"label": f"m{i}", "value": bound(f"/m/{i}/v")},
                        }
                        for i in range(50)
                    ],
                },
                {"component": "Text", "visible": bound("/show"), "props": {"text": "shown"}},
            ],
        },
    }


def test_a_state_patch_re_renders_only_the_node_that_reads_it() -> None:
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": _dashboard()}])
    updates = stream.apply([{"op": "replace", "path": "/state/m/7/v", "value": "77"}])
    assert [(u.op, u.target) for u in updates] == [("replace", "/root/children/0/children/7")]
    assert ">77<" in updates[0].html
    patched = _dashboard()
    patched["state"]["m"][7]["v"] = "77"
    assert stream.html() == Renderer().render(patched)
    patched["state"]["show"] = False
    updates = stream.apply({"state": {"show": False}})  # a merge patch
    assert [(u.op, u.target) for u in updates] == [("replace", "/root")]
    assert stream.html() == Renderer().render(patched)


def test_a_state_patch_that_makes_a_value_invalid_is_refused_and_changes_nothing() -> None:
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": _dashboard()}])
    before, version = stream.html(), stream.version
    with pytest.raises(GenerativeUIError):
        stream.apply([{"op": "replace", "path": "/state/m/3/v", "value": {"an": "object"}}])
    with pytest.raises(GenerativeUIError):  # the values bound past the end are gone
        stream.apply([{"op": "remove", "path": "/state/m/3"}])
    assert (stream.html(), stream.version) == (before, version)


def test_a_javascript_url_arriving_by_state_patch_is_dropped() -> None:
    spec = {
        "state": {"u": "https://example.com/"},
        "root": {"component": "Link", "props": {"text": "go", "href": bound("/u")}},
    }
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    updates = stream.apply([{"op": "replace", "path": "/state/u", "value": "javascript:alert(1)"}])
    assert "javascript" not in "".join(u.html for u in updates)
    assert [event.prop for event in stream.report.events] == ["href"]


# -- two-way inputs -------------------------------------------------------------------------


class _Booking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str
    guests: int
    newsletter: bool = False


BOOK = Action("book", lambda event: None, inputs=_Booking)
BOOKING_ACTIONS = Actions({"book": BOOK})


def _booking_spec() -> dict[str, Any]:
    return {
        "state": {"booking": {"email": "draft@example.com", "guests": 2, "news": False}},
        "root": {
            "component": "Form",
            "props": {"action": {"name": "book"}},
            "children": [
                {
                    "component": "TextInput",
                    "props": {"name": "email", "label": "Email", "value": bound("/booking/email")},
                },
                {
                    "component": "TextInput",
                    "props": {
                        "name": "guests",
                        "label": "Guests",
                        "kind": "number",
                        "value": bound("/booking/guests"),
                    },
                },
                {
                    "component": "Checkbox",
                    "props": {
                        "name": "newsletter",
                        "label": "News",
                        "checked": bound("/booking/news"),
                    },
                },
            ],
        },
    }


def test_a_bound_input_is_prefilled_from_state_and_the_submission_is_written_back() -> None:
    stream = SpecStream(renderer=Renderer(actions=BOOKING_ACTIONS))
    stream.apply([{"op": "replace", "path": "", "value": _booking_spec()}])
    assert 'value="draft@example.com"' in stream.html()
    assert stream.bound_fields("/root") == {
        "email": "/booking/email",
        "guests": "/booking/guests",
        "newsletter": "/booking/news",
    }
    event: ActionEvent[Any, Any] = ActionEvent(
        BOOK,
        BOOK.params(),
        _Booking(email="ada@example.com", guests=3, newsletter=True),
        ActionSource("s", stream.version, "/root", None, False),
        "nonce",
    )
    reply = ActionReply(patches=[{"op": "add", "path": "/state/booking/note", "value": "ok"}])
    updates = apply_reply(stream, reply, event)
    assert updates
    spec = stream.spec
    assert spec is not None and spec.state == {
        "booking": {"email": "ada@example.com", "guests": 3, "news": True, "note": "ok"}
    }
    expected = _booking_spec()
    expected["state"] = spec.state
    assert stream.html() == Renderer(actions=BOOKING_ACTIONS).render(expected)
    assert 'value="ada@example.com"' in stream.html()


def test_only_the_fields_bound_to_state_are_written_back() -> None:
    stream = SpecStream(renderer=Renderer(actions=BOOKING_ACTIONS))
    spec = _booking_spec()
    spec["root"]["children"][0]["props"]["value"] = "literal@example.com"
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    event: ActionEvent[Any, Any] = ActionEvent(
        BOOK,
        BOOK.params(),
        _Booking(email="x@example.com", guests=1),
        ActionSource("s", stream.version, "/root", None, False),
        "n",
    )
    apply_reply(stream, ActionReply(), event)
    assert stream.spec is not None
    state: Any = stream.spec.state
    assert state["booking"]["email"] == "draft@example.com"  # not bound: as it was
    assert state["booking"]["guests"] == 1


def test_replace_keeps_state_so_later_state_patches_apply() -> None:
    stream = SpecStream()
    stream.replace(
        {"state": {"name": "Ada"}, "root": {"component": "Text", "props": {"text": bound("/name")}}}
    )
    assert stream.spec is not None and stream.spec.state == {"name": "Ada"}
    updates = stream.apply([{"op": "replace", "path": "/state/name", "value": "Alan"}])
    assert [(u.op, u.target) for u in updates] == [("replace", "/root")]
    assert ">Alan<" in updates[0].html


class _Email(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str


def test_a_state_patch_inside_a_form_re_renders_the_form_with_a_fresh_envelope() -> None:
    actions = Actions({"save": Action("save", lambda event: None, inputs=_Email)})
    surfaces = StreamSurfaces()
    gate = ActionGate(actions, ["k" * 32], surfaces=surfaces)
    stream = surfaces.add(SpecStream(renderer=Renderer(actions=actions), surface=gate.surface("s")))
    field = {
        "component": "TextInput",
        "props": {"name": "email", "label": "Email", "value": bound("/email")},
    }
    form_node = {"component": "Form", "props": {"action": {"name": "save"}}, "children": [field]}
    stream.apply(
        [
            {
                "op": "replace",
                "path": "",
                "value": {"state": {"email": "a@example.com"}, "root": [form_node]},
            }
        ]
    )
    updates = stream.apply([{"op": "replace", "path": "/state/email", "value": "b@example.com"}])
    assert [(u.op, u.target) for u in updates] == [("replace", "/root/0")]  # the form, whole
    envelope = re.search(r'name="genui-action" value="([^"]+)"', updates[0].html)
    assert envelope is not None
    event = gate.verify({"genui-action": envelope.group(1), "email": "c@example.com"})
    assert event.name == "save"


@pytest.mark.parametrize("member", ["visible", "repeat"])
def test_repeat_or_visible_without_state_leaves_the_node_out(member: str, form: str) -> None:
    value: Any = False if member == "visible" else bound("/xs")
    legacy = {"root": [{"component": "Text", "props": {"text": "secret"}, member: value}]}
    flat = {"root": [{"$type": "Text", "text": "secret", f"${member}": value}]}
    for spec, at in ((legacy, f"/root/0/{member}"), (flat, f"/root/0/${member}")):
        result = validate(as_form(spec, form))
        assert [(e.path, e.code) for e in result.errors] == [(at, "missing_state")]
        assert result.spec is not None and result.spec.roots == ()
        assert "secret" not in DROP.render(as_form(spec, form))
