"""Minimal updates (issue 16): what a stream sends costs what changed, not the parent.

With ``SpecStream(ops=ALL_OPS)`` children after a text leaf or into an empty parent are
``insert`` ed, trailing children ``remove`` d and a parent whose props changed re-sent as a
``shell`` (its children stay on the page). Every step is checked on the test DOM: applying
the updates to the previous page gives the new page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genui import GenerativeUIError
from genui.render import render
from genui.stream import ALL_OPS, BASIC_OPS, SpecStream, Update
from genui.testing import specs
from tests.dom import Container, normalized
from tests.test_stream import _node_patches


def same_dom(left: str, right: str) -> bool:
    return normalized(left) == normalized(right)


def _sent(updates: list[Update]) -> int:
    return sum(len(update.html) for update in updates)


class _Page:
    """A stream and the test DOM its updates are applied to, checked after every call."""

    def __init__(self) -> None:
        self.stream = SpecStream(ops=ALL_OPS)
        self.dom = Container()
        self.sent = 0
        self.ops: set[str] = set()

    def take(self, updates: list[Update]) -> None:
        for update in updates:
            self.dom.apply(update if len(self.ops) % 2 else update.to_dict())  # both forms
            self.ops.add(update.op)
        self.sent += _sent(updates)
        assert same_dom(self.dom.html(), self.stream.html())

    def apply(self, patch: Any) -> bool:
        try:
            updates = self.stream.apply(patch)
        except GenerativeUIError:  # (a patch the renderer refuses raises its validation error)
            return False  # an intermediate state may be invalid (required props come later)
        self.take(updates)
        return True


@given(specs())
def test_building_any_spec_node_by_node_sends_at_most_3x_its_html(spec: dict[str, Any]) -> None:
    page = _Page()
    for patch in _node_patches(spec):
        page.apply(patch)
    assert page.stream.html() == render(spec)
    assert page.sent <= 3 * max(len(page.stream.html()), 1)


@given(specs(), st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
def test_feeding_any_spec_in_any_chunks_sends_at_most_3x_its_html(
    spec: dict[str, Any], sizes: list[int]
) -> None:
    page = _Page()
    text = json.dumps(spec)
    position = index = 0
    while position < len(text):
        size = sizes[index % len(sizes)]
        page.take(page.stream.feed(text[position : position + size]))
        position, index = position + size, index + 1
    page.take(page.stream.close())
    assert page.stream.html() == render(spec)
    assert page.sent <= 3 * max(len(page.stream.html()), 1)


def _node_paths(value: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every component node of a spec's root with its JSON Pointer, parents first."""
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _node_paths(item, f"{path}/{i}")]
    if not isinstance(value, dict) or "component" not in value:
        return []
    found = [(path, value)]
    children = value.get("children")
    if isinstance(children, list):
        for index, child in enumerate(children):
            found += _node_paths(child, f"{path}/children/{index}")
    return found


@given(specs(), specs(), st.data())
def test_random_patch_sequences_keep_the_page_equal_to_the_spec(
    spec: dict[str, Any], other: dict[str, Any], data: st.DataObject
) -> None:
    page = _Page()
    for patch in _node_patches(spec):
        page.apply(patch)
    donors: dict[str, list[Any]] = {}
    for _, node in _node_paths(other["root"], "/root"):
        donors.setdefault(node["component"], []).append(node.get("props", {}))
    for _ in range(data.draw(st.integers(1, 6), label="patches")):
        document = page.stream.snapshot()["document"]
        nodes = _node_paths(document["root"], "/root") if isinstance(document, dict) else []
        if not nodes:
            break
        path, node = data.draw(st.sampled_from(nodes), label="node")
        kinds = ["text", "remove", "props"] if node.get("children") else ["text", "props"]
        kind = data.draw(st.sampled_from(kinds), label="kind")
        ops: list[dict[str, Any]]
        if kind == "remove":
            ops = [{"op": "remove", "path": f"{path}/children/{len(node['children']) - 1}"}]
        elif kind == "text":
            where = f"{path}/children" + ("/-" if "children" in node else "")
            value: Any = data.draw(st.sampled_from(["more", 7]), label="leaf")
            ops = [{"op": "add", "path": where, "value": value if where.endswith("-") else [value]}]
        else:
            choices = donors.get(node["component"], [])
            if not choices:
                continue
            props = data.draw(st.sampled_from(choices), label="props")
            ops = [{"op": "add", "path": f"{path}/props", "value": props}]
        page.apply(ops)
    if page.stream.spec is not None:
        assert page.stream.html() == render(page.stream.spec)


# --- each op, where it applies -------------------------------------------------------------


def test_children_after_a_text_leaf_are_inserted_without_their_parent() -> None:
    page = _Page()
    page.apply([{"op": "add", "path": "/root", "value": {"component": "Card", "children": ["a"]}}])
    updates = page.stream.apply([{"op": "add", "path": "/root/children/-", "value": "b"}])
    assert [(u.op, u.target, u.at, str(u.html)) for u in updates] == [
        ("insert", "/root", "0", "b")  # the Card's body, its first element child
    ]
    page.take(updates)
    expected = {"op": "insert", "target": "/root", "html": "b", "at": "0"}
    assert updates[0].to_dict() == expected


def test_the_first_child_of_an_empty_parent_is_inserted_where_the_writer_allows() -> None:
    page = _Page()
    page.apply([{"op": "add", "path": "/root", "value": {"component": "Stack", "children": []}}])
    updates = page.stream.apply([{"op": "add", "path": "/root/children/-", "value": "x"}])
    assert [(u.op, u.at) for u in updates] == [("insert", "")]
    page.take(updates)
    # A Card writes its body only when it has children: the first child re-sends it.
    page = _Page()
    page.apply([{"op": "add", "path": "/root", "value": {"component": "Card", "children": []}}])
    updates = page.stream.apply([{"op": "add", "path": "/root/children/-", "value": "x"}])
    assert [u.op for u in updates] == ["replace"]
    page.take(updates)


def test_a_parent_card_with_300_text_children_costs_its_html_not_300_times_it() -> None:
    spec = {"root": {"component": "Card", "children": [f"item {n} " for n in range(300)]}}
    page = _Page()
    for patch in _node_patches(spec):
        page.apply(patch)
    assert page.sent <= 1.1 * len(render(spec))  # 156x with the basic ops
    basic = SpecStream(ops=BASIC_OPS)
    sent = sum(_sent(basic.apply(patch)) for patch in _node_patches(spec))
    assert sent > 100 * len(render(spec))


def test_a_changed_prop_of_a_parent_re_sends_its_shell_not_its_children() -> None:
    children = [{"component": "Text", "props": {"text": "x" * 200}} for _ in range(20)]
    card = {"component": "Card", "props": {"title": "Old"}, "children": children}
    page = _Page()
    page.apply([{"op": "add", "path": "/root", "value": card}])
    updates = page.stream.apply([{"op": "replace", "path": "/root/props/title", "value": "New"}])
    assert [(u.op, u.target) for u in updates] == [("shell", "/root")]
    assert "New" in updates[0].html and "xxx" not in updates[0].html
    page.take(updates)
    # A description adds an element before the body: the slot moves, the Card is re-sent.
    described = [{"op": "add", "path": "/root/props/description", "value": "Now"}]
    updates = page.stream.apply(described)
    assert [u.op for u in updates] == ["replace"]
    page.take(updates)
    updates = page.stream.apply(
        [{"op": "replace", "path": "/root/props/description", "value": "Then"}]
    )
    assert [(u.op, u.at) for u in updates] == [("shell", "2")]  # after the title and it
    page.take(updates)


def test_children_removed_from_the_end_are_removed_by_path() -> None:
    items = [{"component": "ListItem", "props": {"text": f"i{n}"}} for n in range(5)]
    page = _Page()
    page.apply([{"op": "add", "path": "/root", "value": {"component": "List", "children": items}}])
    updates = page.stream.apply([{"op": "remove", "path": "/root/children/4"}])
    assert [(u.op, u.target, str(u.html)) for u in updates] == [("remove", "/root/children/4", "")]
    page.take(updates)
    roots = [{"op": "replace", "path": "", "value": {"root": ["a", {"component": "Divider"}]}}]
    page.apply(roots)
    updates = page.stream.apply([{"op": "remove", "path": "/root/1"}])
    assert [u.op for u in updates] == ["remove"]
    page.take(updates)


def test_a_stream_with_the_basic_ops_sends_only_those() -> None:
    spec = {"root": {"component": "Card", "children": ["a", "b", {"component": "Divider"}]}}
    assert SpecStream().ops == ALL_OPS  # the default: what genui.js applies
    stream = SpecStream(ops=BASIC_OPS)
    ops = {u.op for patch in _node_patches(spec) for u in stream.apply(patch)}
    ops |= {u.op for u in stream.apply([{"op": "remove", "path": "/root/children/2"}])}
    assert ops <= BASIC_OPS
    with pytest.raises(ValueError):
        SpecStream(ops={"replace"})


# --- long children lists: leading unchanged children are taken in bulk -------------------


def _link(n: int) -> dict[str, Any]:
    href = "javascript:alert(1)" if n % 3 == 0 else f"https://example.com/{n}"
    return {"component": "Link", "props": {"href": href, "text": f"l{n}"}}


@pytest.mark.parametrize("ops", [BASIC_OPS, ALL_OPS])
def test_a_long_children_list_patched_anywhere_renders_and_reports_as_at_once(
    ops: frozenset[str],
) -> None:
    from genui.render import Renderer

    stream, dom = SpecStream(ops=ops), Container()
    steps: list[list[dict[str, Any]]] = [
        [{"op": "add", "path": "/root", "value": {"component": "Card", "children": []}}]
    ]
    steps += [
        [{"op": "add", "path": "/root/children/-", "value": _link(n) if n % 2 else f"t{n} "}]
        for n in range(24)
    ]
    steps += [
        [{"op": "replace", "path": "/root/children/5", "value": _link(99)}],  # in the middle
        [{"op": "remove", "path": "/root/children/3"}],  # the later ones move up
        [{"op": "add", "path": "/root/children/0", "value": "first "}],
        [{"op": "replace", "path": "/root/component", "value": "Stack"}],  # same children
        [{"op": "replace", "path": "/root/children/-1", "value": "x"}],  # (invalid pointer)
        [{"op": "add", "path": "/root/children/-", "value": {"component": "Nope"}}],
        [{"op": "add", "path": "/root/children/-", "value": _link(30)}],
    ]
    for patch in steps:
        try:
            updates = stream.apply(patch)
        except GenerativeUIError:
            continue
        for update in updates:
            dom.apply(update)
        document = stream.snapshot()["document"]
        whole = Renderer().check(document)
        assert stream.html() == render(document)
        assert same_dom(dom.html(), stream.html())
        assert stream.report.to_dict() == whole.report.to_dict()
        assert stream._checked is not None
        assert stream._checked.errors == whole.errors
    assert "javascript" not in stream.html()
    assert stream.report  # the dropped URLs are reported
