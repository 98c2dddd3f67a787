"""A SpecStream reads every shape :func:`genui.validate` reads, and reports paths as sent.

Flat ``$type`` nodes (assistant-ui's canonical shape), legacy nodes, both mixed, bare or
inside a ``render_gui`` tool call's arguments ``{"spec": ...}`` or a message part
``{"type": "generative-ui", "spec": ...}``: fed as text in any chunks, built patch by
patch, or replaced whole, the stream shows what ``render`` shows for the same spec, and
its errors point where ``validate`` points.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genui import GenerativeUIError, GenerativeUISpec, images, render, validate
from genui.flat import document_members, legacy_members, patch_path_as_sent, path_as_sent
from genui.render import Renderer
from genui.stream import ALL_OPS, SpecStream
from genui.testing import specs
from tests.dom import Container, normalized

LEGACY: dict[str, Any] = {
    "root": [
        {
            "component": "Card",
            "props": {"title": "Trip"},
            "children": [
                {"component": "Text", "props": {"text": "Lisbon"}},
                {"component": "Badge", "props": {"label": "3 days"}, "key": "days"},
                "and a text leaf",
            ],
        },
        {"component": "Heading", "props": {"text": "Next", "level": 2}},
    ]
}
FLAT: dict[str, Any] = GenerativeUISpec.model_validate(LEGACY).to_flat()
MIXED: dict[str, Any] = {"root": [FLAT["root"][0], LEGACY["root"][1]]}

Wrap = Callable[[dict[str, Any]], dict[str, Any]]
ENVELOPES: dict[str, Wrap] = {
    "bare": lambda spec: spec,
    "tool-arguments": lambda spec: {"spec": spec},
    "message-part": lambda spec: {"type": "generative-ui", "spec": spec},
}


def _node_patches(document: Any) -> list[list[dict[str, Any]]]:
    """Patches that build ``document`` one node at a time (parents first, either shape)."""
    patches: list[list[dict[str, Any]]] = []
    base = ""

    def add(value: Any, path: str) -> None:
        if isinstance(value, dict) and ("component" in value or "$type" in value):
            children = value.get("children")
            shell = {name: member for name, member in value.items() if name != "children"}
            if "children" in value:
                shell["children"] = []
            patches.append([{"op": "add", "path": path, "value": shell}])
            items = children if isinstance(children, list) else []
            for index, child in enumerate(items):
                add(child, f"{path}/children/{index}")
        else:
            patches.append([{"op": "add", "path": path, "value": value}])

    spec = document
    if "spec" in document and "root" not in document:  # the envelope first, its spec empty
        patches.append([{"op": "add", "path": "", "value": {**document, "spec": {"root": []}}}])
        spec, base = document["spec"], "/spec"
    root = spec["root"]
    if isinstance(root, list):
        if not base:
            patches.append([{"op": "add", "path": "/root", "value": []}])
        for index, item in enumerate(root):
            add(item, f"{base}/root/{index}")
    else:
        add(root, f"{base}/root")
    return patches


def _shown(stream: SpecStream, dom: Container, updates: Any) -> None:
    for update in updates:
        dom.apply(update)
    assert normalized(dom.html()) == normalized(stream.html())


def _fed(text: str, size: int) -> SpecStream:
    stream, dom = SpecStream(ops=ALL_OPS), Container()
    for start in range(0, len(text), size):
        _shown(stream, dom, stream.feed(text[start : start + size]))
    _shown(stream, dom, stream.close())
    return stream


def _patched(document: dict[str, Any]) -> SpecStream:
    stream, dom = SpecStream(ops=ALL_OPS), Container()
    for patch in _node_patches(document):
        _shown(stream, dom, stream.apply(patch))
    _shown(stream, dom, stream.close())
    return stream


@pytest.mark.parametrize("envelope", sorted(ENVELOPES))
@pytest.mark.parametrize("shape", ["legacy", "flat", "mixed"])
@pytest.mark.parametrize("how", ["feed-1", "feed-7", "feed-whole", "patches", "apply", "replace"])
def test_every_shape_streams_to_what_render_shows(envelope: str, shape: str, how: str) -> None:
    document = ENVELOPES[envelope]({"legacy": LEGACY, "flat": FLAT, "mixed": MIXED}[shape])
    expected = render(LEGACY)
    if how.startswith("feed"):
        text = json.dumps(document)
        stream = _fed(text, len(text) if how == "feed-whole" else int(how[5:]))
    elif how == "patches":
        stream = _patched(document)
    elif how == "apply":
        stream = SpecStream()
        stream.apply([{"op": "add", "path": "", "value": document}])
    else:
        stream = SpecStream()
        stream.replace(document)
    assert stream.html() == expected


def test_a_flat_stream_patches_the_document_as_sent() -> None:
    stream = SpecStream(ops=ALL_OPS)
    stream.apply([{"op": "add", "path": "", "value": {"spec": FLAT}}])
    updates = stream.apply([{"op": "replace", "path": "/spec/root/0/title", "value": "Porto"}])
    assert [update.op for update in updates] == ["shell"]
    changed = json.loads(json.dumps(LEGACY))
    changed["root"][0]["props"]["title"] = "Porto"
    assert stream.html() == render(changed)
    stream.apply({"spec": {"root": [{"$type": "Text", "text": "merged"}]}})  # a merge patch
    assert stream.html() == render({"root": [{"component": "Text", "props": {"text": "merged"}}]})


BAD_FLAT: dict[str, Any] = {
    "root": [
        {
            "$type": "Card",
            "title": 5,
            "children": [
                {"$type": "Heading", "level": 9, "text": "x"},
                {"$type": "Text", "text": "ok", "colour": "red"},
            ],
        }
    ]
}


def _error_paths(run: Callable[[], object]) -> list[tuple[str, str]]:
    with pytest.raises(GenerativeUIError) as raised:
        run()
    return sorted((detail.path, detail.code) for detail in raised.value.errors)


@pytest.mark.parametrize("envelope", sorted(ENVELOPES))
def test_errors_point_where_validate_points_in_the_document_as_sent(envelope: str) -> None:
    document = ENVELOPES[envelope](BAD_FLAT)
    expected = sorted((detail.path, detail.code) for detail in validate(document).errors)
    assert expected and all("/props" not in path for path, _ in expected)
    text = json.dumps(document)

    def feed() -> None:
        stream = SpecStream()
        for start in range(0, len(text), 5):
            stream.feed(text[start : start + 5])
        stream.close()

    def apply() -> None:
        SpecStream().apply([{"op": "add", "path": "", "value": document}])

    assert _error_paths(feed) == expected
    assert _error_paths(apply) == expected


def test_a_structural_error_in_a_flat_node_points_at_its_flat_member() -> None:
    bad = {"root": [{"$type": "Text", "text": "a", "$key": [1]}]}
    text = json.dumps(bad)
    stream = SpecStream()
    paths = _error_paths(lambda: [stream.feed(text), stream.close()])
    assert paths == [("/root/0/$key", "type_mismatch")]
    assert _error_paths(lambda: SpecStream().apply({"root": bad["root"]})) == paths


def test_an_envelope_with_other_members_is_refused_where_they_are() -> None:
    stream = SpecStream()
    stream.apply({"root": "before"})
    assert _error_paths(lambda: stream.apply([{"op": "add", "path": "/spec", "value": LEGACY}]))
    bad = {"spec": LEGACY, "extra": 1}
    assert _error_paths(lambda: SpecStream().apply([{"op": "add", "path": "", "value": bad}])) == [
        ("/extra", "invalid_spec")
    ]
    part = {"type": "tool-call", "spec": LEGACY}
    assert _error_paths(lambda: SpecStream().apply([{"op": "add", "path": "", "value": part}])) == [
        ("/type", "invalid_spec")
    ]
    assert stream.html() == "before"


def test_a_flat_node_may_not_carry_more_props_than_the_limit_while_streaming() -> None:
    renderer = Renderer()
    limit = renderer.limits.max_props_per_node
    node: dict[str, Any] = {"$type": "Text", "text": "a"}
    node.update({f"p{index}": index for index in range(limit)})
    stream = SpecStream(renderer=renderer)
    paths = _error_paths(lambda: stream.feed(json.dumps({"root": node})))
    assert paths == [("/root", "too_many_props")]


@pytest.mark.parametrize(
    ("legacy", "flat"),
    [
        ("/root/0/props/title", "/root/0/title"),
        ("/root/0/component", "/root/0/$type"),
        ("/root/0/key", "/root/0/$key"),
        ("/root/0/children/1/props/items/0/label", "/root/0/children/1/items/0/label"),
        ("/root/0/props/action/name", "/root/0/$action/type"),
        ("/root/0/props/action/params/id", "/root/0/$action/id"),
        ("/root/0/props/action", "/root/0/$action"),
        ("/root/0/children/3", "/root/0/children/3"),
        ("/root/0", "/root/0"),
        ("/spec/root/props/a~1b", "/spec/root/a~1b"),
        ("/state/x", "/state/x"),
        ("", ""),
        ("not a pointer", "not a pointer"),
    ],
)
def test_path_as_sent_maps_legacy_members_of_flat_nodes(legacy: str, flat: str) -> None:
    assert path_as_sent(legacy, lambda node: {"$type", "$action"}) == flat
    assert path_as_sent(legacy, lambda node: None) == legacy


def test_a_literal_action_prop_of_a_flat_node_keeps_its_path() -> None:
    document = {"root": [{"$type": "Button", "label": "Go", "action": {"name": "go"}}]}
    members = document_members(document)
    assert path_as_sent("/root/0/props/action/name", members) == "/root/0/action/name"
    assert legacy_members(document["root"][0])["props"]["action"] == {"name": "go"}


@given(specs(), st.integers(min_value=1, max_value=40))
def test_any_spec_in_the_flat_shape_streams_to_what_render_shows(
    spec: dict[str, Any], size: int
) -> None:
    flat = GenerativeUISpec.model_validate(spec).to_flat()
    expected = render(spec)
    assert _fed(json.dumps(flat), size).html() == expected
    assert _patched({"spec": flat}).html() == expected


@pytest.mark.parametrize("shape", ["legacy", "flat"])
def test_an_images_patches_apply_once_the_agents_text_has_ended(shape: str) -> None:
    image = {"component": "Image", "props": {"alt": "A cat", "status": {"type": "running"}}}
    legacy = {"root": [{"component": "Text", "props": {"text": "Here:"}}, image]}
    sent = legacy if shape == "legacy" else GenerativeUISpec.model_validate(legacy).to_flat()
    text = json.dumps({"spec": sent})
    stream, dom = SpecStream(ops=ALL_OPS), Container()
    for start in range(0, len(text), 6):
        _shown(stream, dom, stream.feed(text[start : start + 6]))
    # the text is complete; the image generation finishes later, through genui's helpers
    # (which address props in the legacy shape: /root/1/props/...)
    url = "https://images.example/cat.png"
    _shown(stream, dom, stream.apply(images.partial("/spec/root/1", url, 1, 2)))
    _shown(stream, dom, stream.apply(images.completed("/spec/root/1", url, filename="cat.png")))
    _shown(stream, dom, stream.close())
    expected = json.loads(json.dumps(legacy))
    expected["root"][1]["props"] = {
        "alt": "A cat",
        "image": url,
        "filename": "cat.png",
        "status": {"type": "complete"},
    }
    assert stream.html() == render(expected)


def test_a_flat_prop_named_like_a_legacy_member_is_patched_where_it_is() -> None:
    members = document_members({"root": {"$type": "Text", "text": "a", "props": {"x": 1}}})
    assert patch_path_as_sent("/root/props/x", members) == "/root/props/x"
    assert patch_path_as_sent("/root/props/text", lambda node: {"$type", "text"}) == "/root/text"
    assert patch_path_as_sent("/root/children/-", members) == "/root/children/-"


@pytest.mark.parametrize("how", ["feed", "apply"])
@pytest.mark.parametrize("prefix", ["", "/spec"])
def test_a_patch_addresses_the_spec_in_an_envelope_with_or_without_it(
    how: str, prefix: str
) -> None:
    sent = {"type": "generative-ui", "spec": FLAT}
    stream = SpecStream()
    if how == "feed":
        stream.feed(json.dumps(sent))
    else:
        stream.apply([{"op": "add", "path": "", "value": sent}])
    stream.apply([{"op": "replace", "path": f"{prefix}/root/1/text", "value": "Later"}])
    changed = json.loads(json.dumps(LEGACY))
    changed["root"][1]["props"]["text"] = "Later"
    assert stream.html() == render(changed)
