"""Long children lists change under a stream exactly as a fresh render says.

A stream takes the leading children a patch kept without comparing them one by one (it
reads what a one-op patch kept from the op's path, and tells the validation and the diff
which items a rebuilt list shares with the one before). These properties drive lists long
enough for that (at least 8 children, nested) through random patches — inserts at the
front and in the middle, appends, removals, replacements whole and deep, copies, moves,
several ops at once — and after every patch compare the stream's HTML, and the DOM its
updates built, with a render of the patched document.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from genui import GenerativeUIError, render
from genui.patch import apply_json_patch
from genui.stream import ALL_OPS, SpecStream
from tests import examples
from tests.dom import Container, normalized


def _text(label: str) -> dict[str, Any]:
    return {"component": "Text", "props": {"text": label}}


def _card(label: str, count: int) -> dict[str, Any]:
    return {
        "component": "Card",
        "props": {"title": label},
        "children": [_text(f"{label}.{index}") for index in range(count)],
    }


def _document() -> dict[str, Any]:
    inner = [_card(f"c{index}", 9) for index in range(3)]
    return {
        "root": [{"component": "Stack", "children": [*inner, *(_text(f"t{i}") for i in range(8))]}]
    }


LISTS = ["/root/0/children", "/root/0/children/0/children", "/root/0/children/2/children"]


@st.composite
def _op(draw: st.DrawFn, document: Any) -> dict[str, Any]:
    at = draw(st.sampled_from(LISTS))
    items = _at(document, at)
    count = len(items) if isinstance(items, list) else 0
    kind = draw(st.sampled_from(["add", "add-end", "remove", "replace", "deep", "copy", "move"]))
    label = draw(st.text(alphabet="abc<&", min_size=1, max_size=4))
    index = draw(st.integers(min_value=0, max_value=max(count - 1, 0)))
    if kind == "add" or count == 0:
        return {"op": "add", "path": f"{at}/{index}", "value": _text(label)}
    if kind == "add-end":
        return {"op": "add", "path": f"{at}/-", "value": _text(label)}
    if kind == "remove":
        return {"op": "remove", "path": f"{at}/{index}"}
    if kind == "replace":
        return {"op": "replace", "path": f"{at}/{index}", "value": _text(label)}
    if kind == "deep":
        child = items[index]
        member = "title" if child.get("component") == "Card" else "text"
        return {"op": "replace", "path": f"{at}/{index}/props/{member}", "value": label}
    target = draw(st.integers(min_value=0, max_value=count - 1))
    if kind == "copy":
        return {"op": "copy", "from": f"{at}/{index}", "path": f"{at}/{target}"}
    return {"op": "move", "from": f"{at}/{index}", "path": f"{at}/{target}"}


def _at(document: Any, pointer: str) -> Any:
    value = document
    for token in pointer.strip("/").split("/"):
        value = value[int(token)] if isinstance(value, list) else value.get(token)
    return value


@settings(max_examples=examples(60))
@given(st.data())
def test_random_patches_to_long_lists_show_what_a_render_shows(data: st.DataObject) -> None:
    document: Any = _document()
    stream, dom = SpecStream(ops=ALL_OPS), Container()
    for update in stream.apply(
        [{"op": "add", "path": "", "value": json.loads(json.dumps(document))}]
    ):
        dom.apply(update)
    for _ in range(data.draw(st.integers(min_value=1, max_value=25))):
        ops = [data.draw(_op(document)) for _ in range(data.draw(st.sampled_from([1, 1, 1, 2, 3])))]
        try:
            patched = apply_json_patch(document, ops)
            updates = stream.apply(ops)
        except GenerativeUIError:
            continue  # an op that cannot apply (a move into its own subtree...): nothing changed
        document = patched
        for update in updates:
            dom.apply(update)
        expected = render(document)
        assert stream.html() == expected
        assert normalized(dom.html()) == normalized(expected)
