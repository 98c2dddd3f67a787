"""SpecStream: partial JSON, patches, updates that really transform the page, resuming."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from genui import (
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIValidationError,
    Limits,
    parse_spec,
)
from genui.patch import apply_json_patch as genui_apply_patch
from genui.render import render
from genui.sse import end_event, parse_last_event_id, resume_events, sse_event
from genui.stream import BASIC_OPS, SpecStream, Update
from genui.testing import specs
from genui.validate import validate
from tests.dom import Container, normalized

DASHBOARD = {
    "root": [
        {"component": "Heading", "props": {"level": 1, "text": "Sales"}},
        {
            "component": "Card",
            "key": "summary",
            "props": {"title": "Summary"},
            "children": [
                {"component": "Text", "props": {"text": "Up 12%"}},
                {"component": "Link", "props": {"href": "https://example.com/r", "text": "Report"}},
            ],
        },
        "closing words",
    ]
}


def same_dom(left: str, right: str) -> bool:
    return normalized(left) == normalized(right)


def feed_all(stream: SpecStream, text: str, sizes: list[int]) -> list[list[Update]]:
    batches = []
    position, index = 0, 0
    while position < len(text):
        size = sizes[index % len(sizes)] if sizes else 20
        batches.append(stream.feed(text[position : position + size]))
        position += size
        index += 1
    return batches


# --- partial JSON -------------------------------------------------------------------------


def test_feeding_the_text_in_pieces_ends_with_the_full_render() -> None:
    stream = SpecStream()
    feed_all(stream, json.dumps(DASHBOARD), [7])
    stream.close()
    assert stream.html() == render(DASHBOARD)


def test_a_half_streamed_component_name_is_held_back_not_rejected() -> None:
    stream = SpecStream()
    updates = stream.feed('{"root": [{"component": "Ca')
    assert all("Ca" not in update.html for update in updates)
    assert "Ca" not in stream.html()
    stream.feed('rd", "props": {"title": "T"}}')
    assert "genui-card" in stream.html()


def test_a_half_streamed_url_is_never_emitted() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Link", "props": {"text": "t", "href": "https://exa')
    assert "https" not in stream.html()
    stream.feed('mple.com/ok"}}')
    assert 'href="https://example.com/ok"' in stream.html()


def test_an_open_node_shows_once_its_props_are_complete_and_complete_siblings_show() -> None:
    stream = SpecStream()
    stream.feed(
        '{"root": [{"component": "Text", "props": {"text": "one"}}, '
        '{"component": "Card", "props": {"title": "open"}, "children": '
        '[{"component": "Text", "props": {"te'
    )
    html = stream.html()
    assert ">one<" in html and ">open<" in html and "genui-card" in html


def test_an_open_node_with_required_props_missing_is_held_back() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Stat", "props": {"label": "x"}, "children": [')
    assert "genui-stat" not in stream.html()


def test_unknown_components_wait_for_the_node_to_close_then_raise() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Mystery", "props": {}')
    with pytest.raises(GenerativeUIError):
        stream.feed("}]}")
        stream.close()


def test_invalid_json_raises_and_stays_failed_with_the_last_good_spec() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Text", "props": {"text": "ok"}}, ')
    good = stream.html()
    with pytest.raises(GenerativeUIValidationError):
        stream.feed("}}}")
    with pytest.raises(GenerativeUIValidationError):
        stream.feed("{}")
    assert stream.html() == good


def test_an_invalid_complete_node_raises_with_its_path() -> None:
    stream = SpecStream()
    with pytest.raises(GenerativeUIValidationError) as info:
        stream.feed('{"root": [{"component": "Text"}, {"component": "Text", "key": 5}]}')
    assert info.value.errors[0].path == "/root/1/key"


def test_limits_apply_to_streamed_text() -> None:
    from genui import Limits

    stream = SpecStream(limits=Limits(max_depth=3))
    with pytest.raises(GenerativeUIValidationError) as info:
        stream.feed('{"root": ' + '{"component": "Card", "children": [' * 4)
    assert info.value.errors[0].code == "too_deep"
    small = SpecStream(limits=Limits(max_input_bytes=50))
    with pytest.raises(GenerativeUIValidationError):
        small.feed('{"root": "' + "x" * 60 + '"}')


def test_close_drops_what_is_incomplete_and_says_so() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Text", "props": {"text": "done"}}, {"component": "Te')
    with pytest.raises(GenerativeUIValidationError) as info:
        stream.close()
    assert info.value.errors[0].code in {"incomplete", "invalid_json"}
    assert ">done<" in stream.html()
    with pytest.raises(GenerativeUIError):
        stream.feed("x")


def test_close_validates_the_final_spec_strictly() -> None:
    stream = SpecStream()
    stream.feed('{"root": [{"component": "Text", "props": {"text": "ok"}}, ')
    with pytest.raises(GenerativeUIValidationError) as info:
        stream.feed('{"component": "Text", "props": {"tone": "loud"}}]}')
        stream.close()
    assert info.value.errors[0].path == "/root/1/props/tone"
    assert ">ok<" in stream.html()


def test_a_trailing_number_root_is_flushed_on_close() -> None:
    stream = SpecStream()
    stream.feed('{"root": 12')
    stream.feed("}")
    stream.close()
    assert stream.html() == "12"


# --- patches ------------------------------------------------------------------------------


def test_patches_update_the_spec_and_return_fragment_updates() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": []}])
    updates = stream.apply(
        [{"op": "add", "path": "/root/-", "value": {"component": "Card", "props": {"title": "A"}}}]
    )
    assert [u.op for u in updates] == ["append"]
    updates = stream.apply([{"op": "replace", "path": "/root/0/props/title", "value": "B"}])
    assert [(u.op, u.target) for u in updates] == [("replace", "/root/0")]
    assert ">B<" in updates[0].html


def test_a_patch_touching_one_child_replaces_only_that_child() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": DASHBOARD["root"]}])
    updates = stream.apply(
        [{"op": "replace", "path": "/root/1/children/0/props/text", "value": "Down"}]
    )
    assert [(u.op, u.target) for u in updates] == [("replace", "/root/1/children/0")]


def _item(index: int) -> dict[str, Any]:
    return {"component": "ListItem", "props": {"text": f"Item {index}"}}


def test_a_child_added_at_the_end_is_sent_alone_after_its_previous_sibling() -> None:
    stream = SpecStream(ops=BASIC_OPS)
    stream.apply([{"op": "add", "path": "/root", "value": {"component": "List"}}])
    first = stream.apply([{"op": "add", "path": "/root/children", "value": [_item(0)]}])
    assert [(u.op, u.target) for u in first] == [("replace", "/root")]  # no sibling to follow
    dom = Container(stream.html())
    for index in range(1, 4):
        patch = [{"op": "add", "path": "/root/children/-", "value": _item(index)}]
        updates = stream.apply(patch)
        target = f"/root/children/{index - 1}"
        assert [(u.op, u.target) for u in updates] == [("after", target)]
        alone = render({"root": {"component": "List", "children": [_item(index)]}})
        assert updates[0].html in alone.replace("/children/0", f"/children/{index}")
        for update in updates:
            dom.apply(update)
        assert same_dom(dom.html(), stream.html())


def test_a_changed_last_child_and_new_children_come_in_one_batch() -> None:
    stream = SpecStream()
    card = {"component": "Card", "children": [{"component": "Text", "props": {"text": "a"}}]}
    stream.apply([{"op": "add", "path": "/root", "value": card}])
    dom = Container(stream.html())
    updates = stream.apply(
        [
            {"op": "replace", "path": "/root/children/0/props/text", "value": "b"},
            {"op": "add", "path": "/root/children/-", "value": {"component": "Divider"}},
        ]
    )
    assert [(u.op, u.target) for u in updates] == [
        ("replace", "/root/children/0"),
        ("after", "/root/children/0"),
    ]
    for update in updates:
        dom.apply(update)
    assert same_dom(dom.html(), stream.html())


def test_children_after_a_text_leaf_re_send_their_parent() -> None:
    stream = SpecStream(ops=BASIC_OPS)
    stream.apply(
        [{"op": "add", "path": "/root", "value": {"component": "Card", "children": ["a"]}}]
    )
    updates = stream.apply([{"op": "add", "path": "/root/children/-", "value": "b"}])
    assert [(u.op, u.target) for u in updates] == [("replace", "/root")]


def test_streamed_text_adds_list_items_without_re_sending_the_list() -> None:
    spec = {"root": {"component": "List", "children": [_item(index) for index in range(200)]}}
    stream = SpecStream()
    sent = sum(len(u.html) for batch in feed_all(stream, json.dumps(spec), [20]) for u in batch)
    stream.close()
    # Every item once (its path grows), the list's shell twice: 100 times this before.
    assert sent <= 1.2 * len(render(spec))


def test_a_long_stream_keeps_about_one_spec_of_validations_and_renders() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": {"component": "List"}}])
    stream.apply([{"op": "add", "path": "/root/children", "value": [_item(0)]}])
    for index in range(1, 300):
        stream.apply([{"op": "add", "path": "/root/children/-", "value": _item(index)}])
        stream.apply(
            [{"op": "replace", "path": "/root/children/0/props/text", "value": str(index)}]
        )
    memo = stream._cache.memo
    # 301 nodes now; 600 versions of the list and of its first item were validated.
    assert len(memo.checked) <= 310 and len(memo.typed) <= 310 and len(stream._cache) <= 310
    assert stream.html() == render(stream.spec.model_dump(mode="json") if stream.spec else {})


def test_a_change_too_large_to_write_leaves_the_current_spec_rendering_as_before() -> None:
    from genui import GenerativeUIRenderError, Limits, Renderer

    stream = SpecStream(renderer=Renderer(limits=Limits(max_output_chars=2_000)))
    stream.apply([{"op": "add", "path": "/root", "value": {"component": "List"}}])
    stream.apply([{"op": "add", "path": "/root/children", "value": [_item(0)]}])
    before = stream.html()
    with pytest.raises(GenerativeUIRenderError):
        stream.apply(
            [{"op": "replace", "path": "/root/children/0/props/text", "value": "x" * 3_000}]
        )
    assert stream.html() == before
    more = stream.apply([{"op": "add", "path": "/root/children/-", "value": _item(1)}])
    assert [u.op for u in more] == ["after"]


def test_a_failed_first_patch_leaves_a_fresh_stream_open_to_text() -> None:
    stream = SpecStream()
    with pytest.raises(GenerativeUIError):
        stream.apply([{"op": "add", "path": "/root", "value": {"component": "Nope"}}])
    stream.feed('{"root": "still fresh"}')
    assert stream.html() == "still fresh"


@pytest.mark.parametrize(
    ("sent", "patch"),
    [
        (
            {"root": [{"component": "Stack", "children": []}]},
            {"op": "add", "path": "/root/0/children/-", "value": {"component": "Divider"}},
        ),
        (
            {"root": [{"component": "Card", "props": {}}]},
            {"op": "add", "path": "/root/0/props/title", "value": "T"},
        ),
        (
            {"spec": {"root": {"component": "Stack", "children": []}}},
            {"op": "add", "path": "/root/children/-", "value": "a"},
        ),
    ],
)
def test_patches_after_text_apply_to_the_document_the_agent_sent(
    sent: dict[str, Any], patch: dict[str, Any]
) -> None:
    stream = SpecStream()
    stream.feed(json.dumps(sent))
    stream.apply([patch])
    document = sent.get("spec", sent)
    assert stream.html() == render(genui_apply_patch(document, [patch]))


@pytest.mark.parametrize("control", ["\f", "\v", "\x00", "\x1f"])
def test_streamed_text_refuses_raw_controls_as_parse_spec_does(control: str) -> None:
    text = '{"root":' + control + '"x"}'
    with pytest.raises(GenerativeUIValidationError) as at_once:
        parse_spec(text)
    assert at_once.value.errors[0].code == "invalid_json"
    stream = SpecStream()
    with pytest.raises(GenerativeUIValidationError) as streamed:
        feed_all(stream, text, [3])
    assert streamed.value.errors[0].code == "invalid_json"


def test_children_null_streams_as_it_renders_at_once() -> None:
    text = '{"root": {"component": "Stack", "children": null}}'
    stream = SpecStream()
    feed_all(stream, text, [7])
    stream.close()
    assert stream.html() == render(text)


def test_a_character_split_over_byte_chunks_survives_a_snapshot() -> None:
    data = '{"root": "caf\u00e9 \U0001f600"}'.encode()
    cut = data.index("\U0001f600".encode()) + 2  # inside the four bytes of the emoji
    stream = SpecStream()
    stream.feed(data[:cut])
    moved = SpecStream.restore(json.loads(json.dumps(stream.snapshot())))
    moved.feed(data[cut:])
    moved.close()
    assert moved.html() == render(data.decode())


def test_apply_refuses_a_string_over_the_limit_like_parse_spec() -> None:
    limits = Limits(max_string_length=100)
    stream = SpecStream(limits=limits)
    with pytest.raises(GenerativeUIPatchError) as refused:
        stream.apply([{"op": "add", "path": "/root", "value": "x" * 101}])
    assert [detail.code for detail in refused.value.errors] == ["too_long"]
    with pytest.raises(GenerativeUIValidationError) as at_once:
        parse_spec({"root": "x" * 101}, limits=limits)
    assert at_once.value.errors[0].code == "too_long"


def test_many_small_copy_patches_cannot_grow_the_text_past_its_budget() -> None:
    from genui.patch import COPY_CHARS_PER_PATCH_CHAR, DEFAULT_COPY_CHARS_FLOOR

    stream = SpecStream()
    leaf = "z" * 20_000
    stream.apply([{"op": "add", "path": "/root", "value": [leaf]}])
    copy = [{"op": "copy", "from": "/root/0", "path": "/root/-"}]
    sent = len(leaf) + len("/root")
    with pytest.raises(GenerativeUIPatchError) as refused:
        for _ in range(1_000):  # each patch is within its own budget; their sum is not
            stream.apply(copy)
            sent += len("/root/0") + len("/root/-")
    assert [detail.code for detail in refused.value.errors] == ["too_much_text"]
    shown = stream.spec
    assert shown is not None and isinstance(shown.root, list)
    held = len(shown.root) * len(leaf)
    assert held <= DEFAULT_COPY_CHARS_FLOOR + COPY_CHARS_PER_PATCH_CHAR * sent
    restored = SpecStream.restore(stream.snapshot())  # the budget moves with the stream
    with pytest.raises(GenerativeUIPatchError):
        restored.apply(copy)


def test_merge_patches_are_accepted() -> None:
    stream = SpecStream()
    stream.apply({"root": "hello"})
    assert stream.html() == "hello"


def test_a_failing_patch_leaves_the_stream_untouched() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": DASHBOARD["root"]}])
    before, version = stream.html(), stream.version
    with pytest.raises(GenerativeUIPatchError) as info:
        stream.apply(
            [
                {"op": "replace", "path": "/root/0/props/text", "value": "changed"},
                {"op": "remove", "path": "/root/9"},
            ]
        )
    assert info.value.op_index == 1
    assert (stream.html(), stream.version) == (before, version)


def test_a_patch_that_makes_the_spec_invalid_fails_like_any_other() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": DASHBOARD["root"]}])
    before = stream.html()
    with pytest.raises(GenerativeUIPatchError) as info:
        stream.apply([{"op": "add", "path": "/root/1/children/-", "value": True}])
    assert info.value.code == "invalid_spec"
    assert info.value.errors[0].path == "/root/1/children/2"
    assert stream.html() == before


def test_version_increments_per_applied_change_and_snapshots_resume() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": []}])
    stream.apply([{"op": "add", "path": "/root/-", "value": "a"}])
    assert stream.version == 2
    restored = SpecStream.restore(json.loads(json.dumps(stream.snapshot())))
    assert (restored.version, restored.html()) == (2, stream.html())
    restored.apply([{"op": "add", "path": "/root/-", "value": "b"}])
    assert restored.html() == "ab"


def test_text_streams_snapshot_and_resume_mid_way() -> None:
    text = json.dumps(DASHBOARD)
    stream = SpecStream()
    stream.feed(text[:100])
    restored = SpecStream.restore(stream.snapshot())
    assert restored.html() == stream.html()
    restored.feed(text[100:])
    restored.close()
    assert restored.html() == render(DASHBOARD)


def test_updates_since_replays_missed_batches_or_asks_for_a_reset() -> None:
    stream = SpecStream(history=2)
    stream.apply([{"op": "add", "path": "/root", "value": []}])
    for letter in "abc":
        stream.apply([{"op": "add", "path": "/root/-", "value": letter}])
    assert stream.updates_since(stream.version) == []
    assert [u.html for u in stream.updates_since(stream.version - 1) or []] == ["c"]
    assert stream.updates_since(0) is None
    assert stream.updates_since(99) is None


# --- SSE ----------------------------------------------------------------------------------


def test_sse_events_carry_the_version_as_id_and_one_line_of_json() -> None:
    event = sse_event([Update("replace", "/root/0", render({"root": "a\nb"}))], 7)
    lines = event.split("\n")
    assert lines[:2] == ["id: 7", "event: genui"]
    assert json.loads(lines[2][len("data: ") :])["updates"][0]["target"] == "/root/0"
    assert event.endswith("\n\n")
    assert end_event(7).startswith("id: 7\nevent: genui-end\n")


@pytest.mark.parametrize(
    ("header", "value"),
    [
        *[(None, None), ("5", 5), (" 12 ", 12), ("x", None), ("-1", None), ("9" * 40, None)],
        *[("\u00b2", None), ("\u0661\u0662", None), ("\uff11", None), ("1\u00b2", None)],
    ],
)
def test_last_event_id_is_parsed_defensively(header: str | None, value: int | None) -> None:
    assert parse_last_event_id(header) == value


def test_resume_replays_without_duplicates_or_resets_when_unknown() -> None:
    stream = SpecStream()
    stream.apply([{"op": "add", "path": "/root", "value": ["a"]}])
    stream.apply([{"op": "add", "path": "/root/-", "value": "b"}])
    assert list(resume_events(stream, str(stream.version))) == []
    replay = list(resume_events(stream, "1"))
    assert len(replay) == 1 and '"op":"append"' in replay[0]
    reset = list(resume_events(stream, None))
    assert '"op":"reset"' in reset[0] and '"html":"ab"' in reset[0]


# --- properties ---------------------------------------------------------------------------


@given(specs(), st.lists(st.integers(min_value=1, max_value=40), min_size=1, max_size=8))
def test_streaming_any_spec_in_any_chunks_ends_byte_identical_to_render(
    spec: dict[str, Any], sizes: list[int]
) -> None:
    stream = SpecStream()
    dom = Container()
    text = json.dumps(spec)
    position, index = 0, 0
    while position < len(text):
        size = sizes[index % len(sizes)]
        for update in stream.feed(text[position : position + size]):
            dom.apply(update)
        assert same_dom(dom.html(), stream.html())
        position += size
        index += 1
    for update in stream.close():
        dom.apply(update)
    assert stream.html() == render(spec)
    assert same_dom(dom.html(), stream.html())


def _node_patches(spec: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Patches that build ``spec`` one node at a time (parents before children)."""
    patches: list[list[dict[str, Any]]] = []

    def add(value: Any, parent: str, index: int) -> None:
        path = f"{parent}/{index}" if parent else "/root"
        if isinstance(value, dict) and "component" in value:
            children = value.get("children") or []
            shell = {k: v for k, v in value.items() if k != "children"}
            if "children" in value:
                shell["children"] = []
            patches.append([{"op": "add", "path": path, "value": shell}])
            for child_index, child in enumerate(children):
                add(child, f"{path}/children", child_index)
        else:
            patches.append([{"op": "add", "path": path, "value": value}])

    root = spec["root"]
    if isinstance(root, list):
        patches.append([{"op": "add", "path": "/root", "value": []}])
        for index, item in enumerate(root):
            add(item, "/root", index)
    else:
        add(root, "", 0)
    return patches


@given(specs())
def test_building_any_spec_by_patches_ends_byte_identical_to_render(spec: dict[str, Any]) -> None:
    stream = SpecStream()
    dom = Container()
    for patch in _node_patches(spec):
        try:
            updates = stream.apply(patch)
        except GenerativeUIPatchError:
            continue  # an intermediate state may be invalid (e.g. required props arrive later)
        for update in updates:
            dom.apply(update)
        assert same_dom(dom.html(), stream.html())
    assert stream.html() == render(spec)


def _without_leaf_children(value: Any) -> Any:
    """``value`` with every text and number child dropped (each child then has an element)."""
    if isinstance(value, list):
        return [_without_leaf_children(item) for item in value]
    if isinstance(value, dict) and isinstance(value.get("children"), list):
        kept = [_without_leaf_children(c) for c in value["children"] if isinstance(c, dict)]
        return {**value, "children": kept}
    return value


@given(specs().map(lambda spec: {**spec, "root": _without_leaf_children(spec["root"])}))
def test_building_a_spec_node_by_node_sends_at_most_3x_its_html(spec: dict[str, Any]) -> None:
    stream = SpecStream()
    sent = 0
    for patch in _node_patches(spec):
        try:
            sent += sum(len(update.html) for update in stream.apply(patch))
        except GenerativeUIPatchError:
            continue
    # A node's shell goes out at most three times: alone, in its parent's first-child
    # replace, and with its own first child; every later child is sent alone.
    assert sent <= 3 * len(stream.html())


FLAT_CARD: dict[str, Any] = {
    "root": [{"$type": "Card", "title": "Booked", "children": [{"$type": "Text", "text": "4"}]}]
}


@pytest.mark.parametrize("form", ["data", "text", "model"])
def test_replace_reads_either_node_shape_as_validate_does(form: str) -> None:
    clean = render(FLAT_CARD)  # what the same spec renders to outside a stream
    given: Any = {"data": FLAT_CARD, "text": json.dumps(FLAT_CARD)}.get(form)
    if form == "model":
        given = validate(FLAT_CARD).spec
    stream = SpecStream()
    stream.replace({"root": "before"})
    updates = stream.replace(given)
    assert stream.html() == clean
    assert updates and stream.version == 2
    assert stream.spec is not None
    assert [getattr(node, "component", None) for node in stream.spec.roots] == ["Card"]


@pytest.mark.parametrize("bad", [{"root": [{"$type": "Nope"}]}, '{"root": [{"$type": 1}]}', "{"])
def test_replace_with_an_invalid_spec_in_either_shape_leaves_the_stream_untouched(
    bad: Any,
) -> None:
    stream = SpecStream()
    stream.replace({"root": "before"})
    with pytest.raises(GenerativeUIPatchError) as raised:
        stream.replace(bad)
    assert raised.value.code == "invalid_spec" and raised.value.errors
    assert stream.html() == "before" and stream.version == 1
