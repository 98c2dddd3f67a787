"""The one-pass fast path of Renderer.render(text) against the precise path.

For JSON text the renderer first tries genui.compiled (one pydantic-core validation of
the spec and every node's props) and falls back to genui.validate's walk for anything it
does not accept. These tests prove the two give the same HTML, the same
report and the same errors, and that the fast path is really taken where it should be.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from benchmarks.corpus import spec_text
from genui import (
    Component,
    GenerativeUIError,
    Renderer,
    SafeUrl,
    default_registry,
    validate,
)
from genui.testing import hostile_specs, specs
from genui.writing import Element
from tests import examples


class NoteProps(BaseModel):
    """An app's props model that lets undeclared props through and checks its own URL."""

    model_config = ConfigDict(extra="allow", frozen=True)

    text: str = ""
    link: SafeUrl = None
    level: int = 1

    @field_validator("level")
    @classmethod
    def _small(cls, value: int) -> int:
        if value > 3:
            raise PydanticCustomError("too_big", "level is at most 3")
        return value


NOTE = Component("Note", NoteProps, "note.html", children="inline")
NOTE_TEMPLATE = '<aside{{ node.attrs() }}>{{ props.text }}{% if props.link %}<a href="{{ props.link }}">go</a>{% endif %}{{ children }}</aside>'  # noqa: E501


def _renderers() -> list[Renderer]:
    from jinja2 import DictLoader

    app = default_registry().extend(NOTE)
    loaders = [DictLoader({"note.html": NOTE_TEMPLATE})]
    return [
        Renderer(),
        Renderer(fallback="default", on_invalid_props="drop"),
        Renderer(strict=True),
        Renderer(app, loaders=loaders, on_invalid_props="drop", id_prefix="app"),
        Renderer(app, loaders=loaders),
    ]


RENDERERS = _renderers()


def _outcome(run: Any) -> tuple[Any, ...]:
    try:
        result = run()
    except GenerativeUIError as exc:
        return ("error", type(exc).__name__, str(exc), getattr(exc, "errors", None))
    return ("ok", str(result.html), result.report.to_list())


def _agree(renderer: Renderer, text: str) -> bool:
    """Assert both paths agree on ``text``; return whether the fast path took it.

    The precise path is the same text given as Python data (which the fast path never takes).
    """
    fast = _outcome(lambda: renderer.render_with_report(text))
    precise = _outcome(lambda: renderer.render_with_report(json.loads(text)))
    assert fast == precise
    return renderer._render_compiled(text) is not None


def _note_nodes(spec: Any) -> Any:
    """Turn some Text nodes into app Note nodes (with undeclared and hostile props)."""
    if isinstance(spec, list):
        return [_note_nodes(item) for item in spec]
    if not isinstance(spec, dict):
        return spec
    result = {key: _note_nodes(value) for key, value in spec.items()}
    if result.get("component") == "Text":
        text = (result.get("props") or {}).get("text") or ""
        result = {
            "component": "Note",
            "props": {"text": text, "link": text, "extra": text[:3], "level": len(text) % 5},
            "children": result.get("children", []),
        }
    return result


@settings(max_examples=examples(150))
@given(st.one_of(specs(), hostile_specs(), specs().map(_note_nodes)))
def test_fast_and_precise_paths_agree(spec: dict[str, Any]) -> None:
    text = json.dumps(spec)
    for renderer in RENDERERS:
        _agree(renderer, text)


def _as_flat(value: Any, mixed: st.DataObject | None) -> Any:
    """``value`` with its nodes in the flat ``$type`` shape (some of them when ``mixed``)."""
    if isinstance(value, list):
        return [_as_flat(item, mixed) for item in value]
    if not isinstance(value, dict):
        return value
    if "component" not in value or (mixed is not None and not mixed.draw(st.booleans())):
        return {name: _as_flat(item, mixed) for name, item in value.items()}
    node: dict[str, Any] = {"$type": value["component"]}
    props = value.get("props")
    if isinstance(props, dict):
        node.update(props)
    elif props is not None:
        node["props"] = props  # not an object: refused by both paths alike
    if "children" in value:
        node["children"] = _as_flat(value["children"], mixed)
    if "key" in value:
        node["$key"] = value["key"]
    for name, item in value.items():
        if name not in ("component", "props", "children", "key"):
            node[name] = item
    return node


@settings(max_examples=examples(100))
@given(st.one_of(specs(), hostile_specs(), specs().map(_note_nodes)), st.data(), st.booleans())
def test_fast_and_precise_paths_agree_on_flat_nodes(
    spec: dict[str, Any], data: st.DataObject, mixed: bool
) -> None:
    text = json.dumps(_as_flat(spec, data if mixed else None))
    for renderer in RENDERERS:
        _agree(renderer, text)


def _verdict(result: Any) -> tuple[Any, ...]:
    spec = result.spec.model_dump(mode="json") if result.spec is not None else None
    return (
        [(error.path, error.code, error.hint) for error in result.errors],
        result.report.to_list(),
        spec,
    )


@settings(max_examples=examples(100))
@given(st.one_of(specs(), hostile_specs()), st.data(), st.booleans())
def test_validate_gives_flat_text_the_verdict_the_walk_gives_its_data(
    spec: dict[str, Any], data: st.DataObject, mixed: bool
) -> None:
    text = json.dumps(_as_flat(spec, data if mixed else None))
    assert _verdict(validate(text)) == _verdict(validate(json.loads(text)))


@pytest.mark.parametrize(
    "node",
    [
        {"$type": "Text", "text": "a", "$key": 3},
        {"$type": "Text", "text": "a", "$key": "k"},
        {"$type": "Button", "label": "Go", "$action": {"type": "go"}},
        {"$type": "Text", "text": "a", "$visible": True},
        {"$type": "Text", "text": "a", "$other": 1},
        {"$type": "Card", "title": "t", "children": [{"$type": "Text", "text": "x"}, "leaf"]},
        {"$type": "Card", "children": {"$type": "Text", "text": "one child"}},
    ],
)
def test_flat_nodes_render_alike_on_both_paths(node: dict[str, Any]) -> None:
    for renderer in RENDERERS:
        _agree(renderer, json.dumps({"root": [node]}))
    text = json.dumps({"root": [node, {**node, "href": "javascript:x"}]})
    assert _verdict(validate(text)) == _verdict(validate(json.loads(text)))


def test_a_dropped_url_of_a_flat_node_is_reported_where_it_was_sent() -> None:
    text = json.dumps({"root": [{"$type": "Link", "href": "javascript:alert(1)", "text": "x"}]})
    result = validate(text)
    assert [(error.path, error.code) for error in result.errors] == [("/root/0/href", "unsafe_url")]
    assert _verdict(result) == _verdict(validate(json.loads(text)))


@pytest.mark.parametrize("nodes", [10, 200, 2000])
def test_the_benchmark_corpus_takes_the_fast_path(nodes: int) -> None:
    text = spec_text(nodes)
    for renderer in RENDERERS:
        # a strict renderer raises on the corpus's few javascript: links: precise path
        assert _agree(renderer, text) or (renderer.strict and "javascript:" in text)


def _link(href: str) -> dict[str, Any]:
    return {"component": "Link", "props": {"href": href, "text": "x"}}


def test_dropped_urls_are_reported_at_their_nodes_paths() -> None:
    spec = {
        "root": [
            {"component": "Text", "children": [_link("javascript:alert(1)"), "a"]},
            {
                "component": "Card",
                "props": {"title": "t"},
                "children": [
                    {"component": "Text", "children": [_link("https://ok.example")]},
                    {
                        "component": "Text",
                        "children": [_link("vbscript:x"), _link("java\tscript:y")],
                    },
                    {"component": "Image", "props": {"image": "javascript:z", "alt": "i"}},
                ],
            },
            {"component": "Button", "props": {"label": "b", "href": "data:text/html,<b>"}},
        ]
    }
    text = json.dumps(spec)
    renderer = Renderer()
    assert _agree(renderer, text)
    paths = [event.path for event in renderer.render_with_report(text).report]
    assert paths == [
        "/root/0/children/0",
        "/root/1/children/1/children/0",
        "/root/1/children/1/children/1",
        "/root/1/children/2",
        "/root/2",
    ]


def test_nulls_and_single_children_render_like_the_precise_path() -> None:
    spec = {
        "root": {
            "component": "Stack",
            "props": {"gap": None, "direction": "horizontal", "align": None},
            "children": {"component": "Badge", "props": {"label": "one", "tone": None}},
        }
    }
    for renderer in RENDERERS:
        _agree(renderer, json.dumps(spec))
    no_children = {"root": {"component": "Card", "props": None, "children": None}}
    assert _agree(Renderer(), json.dumps(no_children))


@pytest.mark.parametrize(
    "node",
    [
        {"component": "Nope"},
        {"component": "Text", "props": {"onclick": "x"}},
        {"component": "Text", "props": {"text": 1}},
        {"component": "ListItem", "props": {"text": "orphan"}},
        {"component": "Text", "children": [{"component": "Card"}]},
        {"component": "Divider", "children": ["text"]},
        {"component": "Text", "props": {"text": "t"}, "extra": 1},
        {"component": "Note", "props": {"text": "t", "onclick": "x"}},
        {"component": "Note", "props": {"text": "t", "level": 9}},
        {"component": "Text", "children": [True]},
    ],
)
def test_what_the_fast_path_refuses_is_handled_by_the_precise_path(node: dict[str, Any]) -> None:
    text = json.dumps({"root": [node]})
    for renderer in RENDERERS:
        assert not _agree(renderer, text)


def test_limits_are_enforced_before_the_fast_path() -> None:
    from genui import Limits

    deep: Any = "leaf"
    for _ in range(70):
        deep = {"component": "Stack", "children": [deep]}
    renderer = Renderer()
    assert _outcome(lambda: renderer.render_with_report(json.dumps({"root": deep})))[0] == "error"
    small = Renderer(limits=Limits(max_nodes=3))
    text = json.dumps({"root": [{"component": "Text", "children": ["a", "b", "c"]}]})
    assert _agree(small, text) is False
    assert _outcome(lambda: small.render_with_report(text))[0] == "error"


def _deep_call(depth: int, call: Callable[[], str]) -> str:
    """``call()`` from ``depth`` Python frames down (a web framework's stack, say)."""
    return call() if depth == 0 else _deep_call(depth - 1, call)


def test_the_first_render_of_a_registry_works_from_a_deep_call() -> None:
    """Building the one-pass validator must not need a stack as deep as the registry is long."""

    def write(element: Element[Any]) -> str:
        return f"<p{element.identity_attrs()}></p>"

    deep = Component("DeepNote", NoteProps, writer=write, children="none")
    renderer = Renderer(default_registry().extend(deep))  # new: nothing built for it yet
    text = json.dumps({"root": [{"component": "Card"}, {"component": "DeepNote"}]})
    budget = sys.getrecursionlimit() - len(inspect.stack(0)) - 200
    html = _deep_call(budget, lambda: str(renderer.render(text)))
    assert 'class="genui-card"' in html and '<p data-genui-path="/root/1">' in html
