"""Tests for genui.patch: RFC 6902 JSON Patch and RFC 7396 JSON Merge Patch."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from genui.errors import GenerativeUIPatchError
from genui.patch import (
    COPY_CHARS_PER_PATCH_CHAR,
    DEFAULT_COPY_CHARS_FLOOR,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_COPY_NODES,
    DEFAULT_MAX_OPS,
    PATCH_ERROR_CODES,
    _Patcher,
    apply_json_patch,
    apply_merge_patch,
    parse_patch_ops,
    text_chars,
)
from tests.json_equality import assert_json_equal
from tests.support import load_corpus

# --------------------------------------------------------------------------- helpers


def patch_error(
    doc: Any, ops: Any, *, snapshot: bool = True, **kwargs: Any
) -> GenerativeUIPatchError:
    """Apply a patch that must fail; check the input is untouched and return the error.

    ``snapshot=False`` skips the before/after comparison (for non-JSON Python values).
    """
    before = copy.deepcopy(doc) if snapshot else None
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_json_patch(doc, ops, **kwargs)
    if snapshot:
        assert_json_equal(doc, before)
    error = info.value
    assert error.code in PATCH_ERROR_CODES
    return error


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


# --------------------------------------------------------------------------- external corpus

CORPUS_FILES = ("json-patch-tests/tests.json", "json-patch-tests/spec_tests.json")


def corpus_cases() -> Iterator[Any]:
    for name in CORPUS_FILES:
        short = name.rsplit("/", 1)[1].removesuffix(".json")
        for number, case in enumerate(load_corpus(name)):
            if "patch" not in case:  # comment-only records
                continue
            case_id = f"{short}-{number:03d}-{slug(case.get('comment', '')) or 'case'}"
            marks = [pytest.mark.skip(reason="disabled upstream")] if case.get("disabled") else []
            yield pytest.param(case, id=case_id, marks=marks)


CORPUS = list(corpus_cases())


def test_corpus_is_complete_so_it_cannot_silently_shrink() -> None:
    enabled = [param.values[0] for param in CORPUS if not param.values[0].get("disabled", False)]
    with_expected = [case for case in enabled if "expected" in case]
    with_error = [case for case in enabled if "error" in case]
    print(f"json-patch-tests: {len(enabled)} enabled cases ({len(with_error)} must fail)")
    assert len(enabled) > 90
    assert len(enabled) == 108
    assert len(with_error) == 34
    assert len(with_expected) + len(with_error) <= len(enabled)


@pytest.mark.parametrize("case", CORPUS)
def test_corpus_case_gives_the_expected_document_or_error(case: dict[str, Any]) -> None:
    before = copy.deepcopy(case["doc"])
    if "error" in case:
        error = patch_error(case["doc"], case["patch"])
        assert error.op_index is not None
        assert 0 <= error.op_index < len(case["patch"])
        failing_path = case["patch"][error.op_index].get("path")
        assert error.path == (failing_path if isinstance(failing_path, str) else "")
    else:
        result = apply_json_patch(case["doc"], case["patch"])
        if "expected" in case:
            assert_json_equal(result, case["expected"])
    assert_json_equal(case["doc"], before)


@pytest.mark.parametrize("case", CORPUS)
def test_corpus_case_behaves_the_same_given_as_json_text_or_json_lines(
    case: dict[str, Any],
) -> None:
    as_text = json.dumps(case["patch"])
    as_lines = "\n".join(json.dumps(op) for op in case["patch"])
    for form in (as_text, as_text.encode(), as_lines):
        if "error" in case:
            patch_error(case["doc"], form)
        else:
            result = apply_json_patch(case["doc"], form)
            if "expected" in case:
                assert_json_equal(result, case["expected"])


# --------------------------------------------------------------------------- input forms


OPS = [{"op": "add", "path": "/a", "value": 1}, {"op": "add", "path": "/b", "value": [2]}]


@pytest.mark.parametrize(
    "ops",
    [
        pytest.param(OPS, id="list"),
        pytest.param(tuple(OPS), id="tuple"),
        pytest.param(json.dumps(OPS), id="json-text"),
        pytest.param(json.dumps(OPS, indent=2), id="pretty-json-text"),
        pytest.param(json.dumps(OPS).encode(), id="bytes"),
        pytest.param(bytearray(json.dumps(OPS).encode()), id="bytearray"),
        pytest.param(b"\xef\xbb\xbf" + json.dumps(OPS).encode(), id="bytes-with-bom"),
        pytest.param("\n".join(json.dumps(op) for op in OPS), id="jsonl"),
        pytest.param(
            "\n\n  \r\n" + "\r\n\r\n".join(json.dumps(op) for op in OPS) + "\n\n",
            id="jsonl-blank-crlf",
        ),
        pytest.param(("\n".join(json.dumps(op) for op in OPS)).encode(), id="jsonl-bytes"),
    ],
)
def test_patch_is_accepted_as_list_text_bytes_or_json_lines(ops: Any) -> None:
    assert apply_json_patch({}, ops) == {"a": 1, "b": [2]}


def test_a_single_op_object_is_accepted_as_a_mapping_or_json_text() -> None:
    op = {"op": "add", "path": "/a", "value": 1}
    assert apply_json_patch({}, op) == {"a": 1}
    assert apply_json_patch({}, json.dumps(op)) == {"a": 1}
    assert apply_json_patch({}, json.dumps(op, indent=2)) == {"a": 1}


def test_empty_patch_or_blank_json_lines_return_the_document_itself() -> None:
    doc = {"a": [1]}
    forms: tuple[Any, ...] = ([], (), "[]", "", "\n  \n", b"")
    for ops in forms:
        assert apply_json_patch(doc, ops) is doc


def test_parse_patch_ops_normalizes_ops_and_drops_unknown_members() -> None:
    ops = parse_patch_ops(
        '{"op": "add", "path": "/a", "value": null, "spurious": 1}\n'
        '{"op": "move", "from": "/a", "path": "/b", "value": "ignored"}\n'
        '{"op": "remove", "path": "/b"}'
    )
    assert ops == [
        {"op": "add", "path": "/a", "value": None},
        {"op": "move", "path": "/b", "from": "/a"},
        {"op": "remove", "path": "/b"},
    ]
    assert all(type(op) is dict for op in ops)


def test_parse_patch_ops_reports_the_first_malformed_op_with_its_index_and_path() -> None:
    with pytest.raises(GenerativeUIPatchError) as info:
        parse_patch_ops([{"op": "remove", "path": "/a"}, {"op": "add", "path": "/x"}])
    assert (info.value.code, info.value.op_index, info.value.path) == ("invalid_op", 1, "/x")


def test_public_limits_have_documented_defaults() -> None:
    assert DEFAULT_MAX_OPS == 100_000
    assert DEFAULT_MAX_BYTES == 32 * 1024 * 1024
    assert DEFAULT_MAX_COPY_NODES == 1_000_000


# --------------------------------------------------------------------------- malformed patches


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('[{"op": "add", "path": "/a", "value": NaN}]', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": Infinity}]', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": -Infinity}]', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": 1e400}]', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": 1, "op": "remove"}]', "duplicate_key"),
        ('[{"op": "add", "path": "/a", "value": 1}] garbage', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": 1}][]', "invalid_json"),
        ('[{"op": "add", "path": "/a", "value": 1}', "invalid_json"),
        ('{"op": "add", "path": "/a", "value": 1}{"op": "remove", "path": "/a"}', "invalid_json"),
        ("[" + "1" * 5000 + "]", "invalid_json"),
        ('{"op": "add", "path": "/a", "value": ' + "[" * 100_000 + "]" * 100_000 + "}", "too_deep"),
        ("[" * 100_000 + "]" * 100_000, "too_deep"),
        ("42", "invalid_patch"),
        ("null", "invalid_patch"),
        ('"add"', "invalid_patch"),
        ("[1, 2]", "invalid_op"),
        ("[[]]", "invalid_op"),
        ('{"op": "add", "path": "/a", "value": 1}\n[1]', "invalid_op"),
    ],
    ids=lambda value: slug(str(value))[:40],
)
def test_malformed_patch_text_is_rejected_with_a_stable_code(text: str, code: str) -> None:
    error = patch_error({"a": 0}, text)
    assert error.code == code
    with pytest.raises(GenerativeUIPatchError):
        parse_patch_ops(text)


def test_bytes_that_are_not_utf8_are_invalid_json() -> None:
    assert patch_error({}, b'[{"op": "add", "path": "/\xff", "value": 1}]').code == "invalid_json"


def test_a_bad_json_lines_line_names_its_op_index_and_line_number() -> None:
    text = '{"op":"add","path":"/a","value":1}\n\n{"op":"add","path":"/b","value":NaN}\n'
    error = patch_error({}, text)
    assert (error.code, error.op_index) == ("invalid_json", 1)
    assert "line 3" in error.message


def test_a_bad_pretty_printed_op_object_reports_the_json_error_not_a_line_split_error() -> None:
    text = json.dumps({"op": "add", "path": "/a", "value": 0}, indent=2).replace("0", "NaN")
    error = patch_error({}, text)
    assert (error.code, error.op_index) == ("invalid_json", 0)
    assert "NaN" in error.message


@pytest.mark.parametrize(
    "ops", [42, None, {1, 2}, 3.5, object(), iter([{"op": "remove", "path": "/a"}])]
)
def test_a_patch_of_the_wrong_type_is_invalid_patch(ops: Any) -> None:
    error = patch_error({"a": 1}, ops)
    assert (error.code, error.op_index, error.path) == ("invalid_patch", None, "")


@pytest.mark.parametrize(
    ("op", "code", "path"),
    [
        ({"path": "/a", "value": 1}, "invalid_op", "/a"),
        ({"op": None, "path": "/a"}, "invalid_op", "/a"),
        ({"op": ["add"], "path": "/a", "value": 1}, "invalid_op", "/a"),
        ({"op": "ADD", "path": "/a", "value": 1}, "invalid_op", "/a"),
        ({"op": "spam", "path": "/a"}, "invalid_op", "/a"),
        ({"op": "add", "value": 1}, "invalid_op", ""),
        ({"op": "add", "path": None, "value": 1}, "invalid_op", ""),
        ({"op": "add", "path": 3, "value": 1}, "invalid_op", ""),
        ({"op": "add", "path": "/a"}, "invalid_op", "/a"),
        ({"op": "replace", "path": "/a"}, "invalid_op", "/a"),
        ({"op": "test", "path": "/a"}, "invalid_op", "/a"),
        ({"op": "move", "path": "/a"}, "invalid_op", "/a"),
        ({"op": "copy", "path": "/a", "from": None}, "invalid_op", "/a"),
        ({"op": "move", "path": "/a", "from": 0}, "invalid_op", "/a"),
        ({"op": "add", "path": "a", "value": 1}, "invalid_pointer", "a"),
        ({"op": "add", "path": "/a~2", "value": 1}, "invalid_pointer", "/a~2"),
        ({"op": "remove", "path": "/a~"}, "invalid_pointer", "/a~"),
        ({"op": "copy", "path": "/b", "from": "a"}, "invalid_pointer", "/b"),
        ({"op": "move", "path": "/b", "from": "/~x"}, "invalid_pointer", "/b"),
    ],
    ids=lambda value: slug(json.dumps(value)) if isinstance(value, dict) else str(value),
)
def test_a_malformed_op_fails_with_its_index_and_path(op: Any, code: str, path: str) -> None:
    ops = [{"op": "add", "path": "/x", "value": 1}, {"op": "test", "path": "/x", "value": 1}, op]
    error = patch_error({"a": 1}, ops)
    assert (error.code, error.op_index, error.path) == (code, 2, path)


@pytest.mark.parametrize("item", [1, "add", None, [], ["op", "add"], True])
def test_an_op_that_is_not_an_object_is_invalid_op(item: Any) -> None:
    error = patch_error({}, [{"op": "add", "path": "/a", "value": 1}, item])
    assert (error.code, error.op_index, error.path) == ("invalid_op", 1, "")


def test_too_many_ops_are_refused_before_any_is_applied() -> None:
    ops = [{"op": "add", "path": "/-", "value": 1}] * 6
    for form in (ops, json.dumps(ops), "\n".join(json.dumps(op) for op in ops)):
        error = patch_error([], form, max_ops=5)
        assert error.code == "too_many_ops"
    assert apply_json_patch([], ops, max_ops=6) == [1] * 6


def test_patch_text_longer_than_max_bytes_is_refused() -> None:
    text = json.dumps([{"op": "add", "path": "/a", "value": "é" * 40}])
    size = len(text.encode())
    assert apply_json_patch({}, text, max_bytes=size) == {"a": "é" * 40}
    for form in (text, text.encode()):
        assert patch_error({}, form, max_bytes=size - 1).code == "patch_too_large"


# --------------------------------------------------------------------------- pointer semantics


@pytest.mark.parametrize(
    "token", ["+1", "-1", "01", "00", "1e0", " 1", "1 ", "0x1", "\u0661", "1.0", ""]
)
def test_array_tokens_that_are_not_plain_indices_are_invalid_index(token: str) -> None:
    doc = {"arr": [10, 11, 12]}
    for op in (
        {"op": "test", "path": f"/arr/{token}", "value": 11},
        {"op": "replace", "path": f"/arr/{token}", "value": 0},
        {"op": "remove", "path": f"/arr/{token}"},
        {"op": "add", "path": f"/arr/{token}", "value": 0},
        {"op": "copy", "from": f"/arr/{token}", "path": "/x"},
        {"op": "add", "path": f"/arr/{token}/deeper", "value": 0},
    ):
        assert patch_error(doc, [op]).code == "invalid_index"


def test_end_of_array_token_is_only_valid_as_an_add_move_or_copy_target() -> None:
    doc = {"arr": [1, 2], "v": 3}
    assert apply_json_patch(doc, [{"op": "add", "path": "/arr/-", "value": 9}])["arr"] == [1, 2, 9]
    assert apply_json_patch(doc, [{"op": "move", "from": "/v", "path": "/arr/-"}]) == {
        "arr": [1, 2, 3]
    }
    assert apply_json_patch(doc, [{"op": "copy", "from": "/v", "path": "/arr/-"}])["arr"] == [
        1,
        2,
        3,
    ]
    for op in (
        {"op": "remove", "path": "/arr/-"},
        {"op": "replace", "path": "/arr/-", "value": 0},
        {"op": "test", "path": "/arr/-", "value": 2},
        {"op": "move", "from": "/arr/-", "path": "/x"},
        {"op": "copy", "from": "/arr/-", "path": "/x"},
        {"op": "add", "path": "/arr/-/x", "value": 0},
    ):
        assert patch_error(doc, [op]).code == "invalid_index"


def test_indices_past_the_end_are_index_out_of_range() -> None:
    doc = [0, 1]
    assert apply_json_patch(doc, [{"op": "add", "path": "/2", "value": 2}]) == [0, 1, 2]
    for op in (
        {"op": "add", "path": "/3", "value": 2},
        {"op": "remove", "path": "/2"},
        {"op": "replace", "path": "/2", "value": 0},
        {"op": "test", "path": "/99999999999999999999999999999999", "value": 0},
        {"op": "remove", "path": "/" + "9" * 5000},
    ):
        assert patch_error(doc, [op]).code == "index_out_of_range"


def test_escaped_tokens_address_keys_with_slash_and_tilde() -> None:
    doc = {"a/b": 1, "m~n": 2, "~1": 3}
    ops: list[dict[str, Any]] = [
        {"op": "replace", "path": "/a~1b", "value": 10},
        {"op": "replace", "path": "/m~0n", "value": 20},
        {"op": "test", "path": "/~01", "value": 3},
        {"op": "add", "path": "/", "value": "empty key"},
    ]
    assert apply_json_patch(doc, ops) == {"a/b": 10, "m~n": 20, "~1": 3, "": "empty key"}


def test_descending_into_a_scalar_or_a_missing_member_is_path_not_found() -> None:
    doc: dict[str, Any] = {"s": "text", "n": None, "o": {}}
    for op in (
        {"op": "add", "path": "/s/x", "value": 1},
        {"op": "add", "path": "/n/x", "value": 1},
        {"op": "add", "path": "/o/missing/x", "value": 1},
        {"op": "test", "path": "/s/0", "value": "t"},
        {"op": "remove", "path": "/o/missing"},
        {"op": "replace", "path": "/missing", "value": 1},
        {"op": "move", "from": "/missing", "path": "/x"},
    ):
        assert patch_error(doc, [op]).code == "path_not_found"
    assert patch_error(5, [{"op": "add", "path": "/x", "value": 1}]).code == "path_not_found"


def test_the_whole_document_can_be_added_replaced_and_tested_but_not_removed() -> None:
    assert apply_json_patch({"a": 1}, [{"op": "add", "path": "", "value": [1]}]) == [1]
    assert apply_json_patch({"a": 1}, [{"op": "replace", "path": "", "value": "x"}]) == "x"
    doc = {"a": 1}
    assert apply_json_patch(doc, [{"op": "test", "path": "", "value": {"a": 1.0}}]) is doc
    assert patch_error(doc, [{"op": "remove", "path": ""}]).code == "cannot_remove_root"


def test_move_into_its_own_descendant_fails_but_onto_itself_is_a_no_op() -> None:
    doc = {"a": {"b": {}}, "ab": 1}
    assert patch_error(doc, [{"op": "move", "from": "/a", "path": "/a/b"}]).code == (
        "move_into_descendant"
    )
    assert patch_error(doc, [{"op": "move", "from": "", "path": "/a/c"}]).code == (
        "move_into_descendant"
    )
    assert apply_json_patch(doc, [{"op": "move", "from": "/a", "path": "/a"}]) is doc
    assert apply_json_patch(doc, [{"op": "move", "from": "/ab", "path": "/a/ab"}]) == {
        "a": {"b": {}, "ab": 1}
    }
    assert apply_json_patch(doc, [{"op": "move", "from": "/a/b", "path": "/a"}]) == {
        "a": {},
        "ab": 1,
    }


def test_move_within_an_array_removes_before_inserting() -> None:
    assert apply_json_patch([0, 1, 2, 3], [{"op": "move", "from": "/0", "path": "/3"}]) == [
        1,
        2,
        3,
        0,
    ]
    assert apply_json_patch([0, 1, 2, 3], [{"op": "move", "from": "/3", "path": "/0"}]) == [
        3,
        0,
        1,
        2,
    ]


# --------------------------------------------------------------------------- test op equality


@pytest.mark.parametrize(
    ("actual", "expected", "equal"),
    [
        (1, 1.0, True),
        (0, -0.0, True),
        (1, True, False),
        (0, False, False),
        (True, 1, False),
        (None, False, False),
        (None, 0, False),
        ("1", 1, False),
        ([1, True], [1.0, True], True),
        ([1], [True], False),
        ([[[1]]], [[[True]]], False),
        ({"a": 1, "b": [2]}, {"b": [2.0], "a": 1}, True),
        ({"a": 1}, {"a": True}, False),
        ({"a": None}, {}, False),
        ({}, [], False),
        ([], {}, False),
        ([1, 2], [2, 1], False),
        ((1, 2), [1, 2], True),
        (2**53 + 1, float(2**53), False),
    ],
)
def test_test_op_uses_json_equality(actual: Any, expected: Any, equal: bool) -> None:
    doc = {"v": actual}
    ops = [{"op": "test", "path": "/v", "value": expected}]
    if equal:
        assert apply_json_patch(doc, ops) is doc
    else:
        assert patch_error(doc, ops).code == "test_failed"


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"k": [value]}
    return value


def test_test_op_compares_very_deep_values_without_recursion_errors() -> None:
    doc = {"v": nested(50_000, 1)}
    assert (
        apply_json_patch(doc, [{"op": "test", "path": "/v", "value": nested(50_000, 1.0)}]) is doc
    )
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_json_patch(doc, [{"op": "test", "path": "/v", "value": nested(50_000, True)}])
    assert info.value.code == "test_failed"


def test_very_deep_documents_can_be_patched_and_copied() -> None:
    depth = 20_000
    doc = {"v": nested(depth, 1)}
    path = "/v" + "/k/0" * depth
    result = apply_json_patch(
        doc,
        [{"op": "replace", "path": path, "value": 2}, {"op": "copy", "from": "/v", "path": "/w"}],
    )
    assert apply_json_patch(result, [{"op": "test", "path": "/w" + path[2:], "value": 2}])
    assert apply_json_patch(doc, [{"op": "test", "path": path, "value": 1}]) is doc


def test_test_op_terminates_on_self_referencing_python_values() -> None:
    left: list[Any] = []
    left.append(left)
    right: list[Any] = []
    right.append(right)
    assert apply_json_patch(left, [{"op": "test", "path": "", "value": right}]) is left
    error = patch_error(left, [{"op": "test", "path": "", "value": [[[1]]]}], snapshot=False)
    assert error.code == "test_failed"


# --------------------------------------------------------------------------- atomicity, sharing


def test_a_failing_op_leaves_the_input_untouched_and_names_its_index() -> None:
    doc = {"list": [1, 2, 3], "obj": {"x": 1}}
    ops = [
        {"op": "remove", "path": "/list/0"},
        {"op": "add", "path": "/obj/y", "value": 2},
        {"op": "replace", "path": "/obj/x", "value": 3},
        {"op": "move", "from": "/obj/y", "path": "/list/-"},
        {"op": "test", "path": "/obj/x", "value": 4},
        {"op": "add", "path": "/z", "value": 0},
    ]
    error = patch_error(doc, ops)
    assert (error.code, error.op_index, error.path) == ("test_failed", 4, "/obj/x")
    assert "operation 4" in error.message
    assert error.to_dict()["errors"] == [
        {"path": "/obj/x", "code": "test_failed", "message": error.message, "hint": ""}
    ]


def test_input_document_and_op_values_are_never_mutated() -> None:
    doc = {"a": {"b": [1, 2]}, "c": [{"d": 1}]}
    value = {"new": [1]}
    ops: list[dict[str, Any]] = [
        {"op": "add", "path": "/v", "value": value},
        {"op": "add", "path": "/v/new/-", "value": 2},
        {"op": "add", "path": "/v/more", "value": 3},
        {"op": "remove", "path": "/a/b/0"},
        {"op": "move", "from": "/c/0", "path": "/a/b/-"},
        {"op": "replace", "path": "/a/b/1/d", "value": 5},
    ]
    doc_before, ops_before = copy.deepcopy(doc), copy.deepcopy(ops)
    result = apply_json_patch(doc, ops)
    assert result == {"a": {"b": [2, {"d": 5}]}, "c": [], "v": {"new": [1, 2], "more": 3}}
    assert doc == doc_before
    assert ops == ops_before
    assert value == {"new": [1]}


def test_copy_duplicates_the_value_so_later_edits_touch_only_one_place() -> None:
    doc = {"src": {"list": [1], "obj": {"k": "v"}}}
    result = apply_json_patch(
        doc,
        [
            {"op": "copy", "from": "/src", "path": "/dst"},
            {"op": "add", "path": "/dst/list/-", "value": 2},
            {"op": "replace", "path": "/dst/obj/k", "value": "changed"},
            {"op": "copy", "from": "/dst", "path": "/again"},
            {"op": "remove", "path": "/again/list/0"},
        ],
    )
    assert result == {
        "src": {"list": [1], "obj": {"k": "v"}},
        "dst": {"list": [1, 2], "obj": {"k": "changed"}},
        "again": {"list": [2], "obj": {"k": "changed"}},
    }
    assert result["src"] is doc["src"]
    assert doc == {"src": {"list": [1], "obj": {"k": "v"}}}


def test_copies_that_would_blow_up_the_document_are_refused() -> None:
    doubling = [{"op": "copy", "from": "", "path": "/-"}] * 40
    error = patch_error([0], doubling)
    assert error.code == "copy_too_large"
    assert error.op_index is not None and error.op_index < 25
    copy_a = [{"op": "copy", "from": "/a", "path": "/b"}]
    assert patch_error({"a": [1, 2, 3]}, copy_a, max_copy_nodes=3).code == "copy_too_large"
    assert apply_json_patch({"a": [1, 2]}, copy_a, max_copy_nodes=3) == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize("form", ["data", "text"])
def test_copied_text_is_bounded_by_the_floor_plus_eight_per_character_of_the_patch(
    form: str,
) -> None:
    leaf = "x" * 10_000
    fits = (DEFAULT_COPY_CHARS_FLOOR // len(leaf)) - 1  # well within the floor alone
    copies: list[dict[str, Any]] = [{"op": "copy", "from": "/0", "path": "/-"}] * fits
    ops: Any = json.dumps(copies) if form == "text" else copies
    assert len(apply_json_patch([leaf], ops)) == fits + 1
    many = copies * 40  # a 40 KB patch: its budget is the floor plus 320 K characters
    ops = json.dumps(many) if form == "text" else many
    error = patch_error([leaf], ops)
    assert error.code == "copy_too_large"
    assert error.op_index is not None
    # Text: its length. Data: the characters of each op's pointers and value.
    size = len(json.dumps(many)) if form == "text" else sum(len("/0") + len("/-") for _ in many)
    budget = DEFAULT_COPY_CHARS_FLOOR + COPY_CHARS_PER_PATCH_CHAR * size
    assert error.op_index * len(leaf) <= budget < (error.op_index + 2) * len(leaf)


def test_text_chars_counts_strings_and_keys_once_per_container() -> None:
    shared = {"ab": "cde"}
    assert text_chars([shared, shared, "fg"]) == 7
    cycle: list[Any] = ["x"]
    cycle.append(cycle)
    assert text_chars(cycle) == 1


def test_a_patch_that_brings_its_own_text_may_copy_it_more() -> None:
    leaf = "y" * 100_000
    ops = [{"op": "add", "path": "/0", "value": leaf}]
    ops += [{"op": "copy", "from": "/0", "path": "/-"}] * 10  # 1 M characters: under the budget
    assert len(apply_json_patch([], ops)) == 11


def test_unchanged_subtrees_are_shared_by_identity() -> None:
    doc: dict[str, Any] = {
        "left": {"deep": {"x": [1, 2]}, "other": [3]},
        "right": {"y": 1},
        "list": [{}, {}],
    }
    result = apply_json_patch(doc, [{"op": "replace", "path": "/left/deep/x/0", "value": 9}])
    assert result["left"]["deep"]["x"] == [9, 2]
    assert result is not doc
    assert result["left"] is not doc["left"]
    assert result["left"]["deep"] is not doc["left"]["deep"]
    assert result["right"] is doc["right"]
    assert result["list"] is doc["list"]
    assert result["left"]["other"] is doc["left"]["other"]
    assert doc["left"]["deep"]["x"] == [1, 2]


def test_a_long_patch_copies_each_container_once_not_once_per_op() -> None:
    copies = 0
    original_own = _Patcher._own

    def counting_own(self: _Patcher, container: Any) -> Any:
        nonlocal copies
        result = original_own(self, container)
        copies += result is not container
        return result

    doc = {"items": list(range(10_000)), "meta": {"n": 0}}
    ops: list[dict[str, Any]] = []
    for number in range(2_000):
        ops.append({"op": "add", "path": "/items/-", "value": number})
        ops.append({"op": "replace", "path": "/meta/n", "value": number})
    with pytest.MonkeyPatch.context() as patcher:
        patcher.setattr(_Patcher, "_own", counting_own)
        result = apply_json_patch(doc, ops)
    assert copies == 3  # the root, /items and /meta, each copied once
    assert len(result["items"]) == 12_000
    assert result["meta"] == {"n": 1_999}
    assert len(doc["items"]) == 10_000


# --------------------------------------------------------------------------- hostile objects


class ExplodingEquality:
    def __eq__(self, other: object) -> bool:
        raise TypeError("no comparisons today")

    __hash__ = None  # type: ignore[assignment]


class ExplodingMapping(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("boom")

    def __iter__(self) -> Iterator[str]:
        raise RuntimeError("boom")

    def __len__(self) -> int:
        raise RuntimeError("boom")


class ExplodingSequence(list[Any]):
    def __len__(self) -> int:
        raise RuntimeError("boom")


def test_weird_python_objects_end_in_a_patch_error_not_another_exception() -> None:
    odd = {"odd": ExplodingEquality()}
    test_odd = [{"op": "test", "path": "/odd", "value": ExplodingEquality()}]
    assert patch_error(odd, test_odd, snapshot=False).code == "invalid_value"
    assert patch_error({}, [ExplodingMapping()]).code == "invalid_op"
    assert patch_error({}, ExplodingSequence()).code == "invalid_patch"
    exploding = {"m": ExplodingMapping()}
    for op in (
        {"op": "add", "path": "/m/x", "value": 1},
        {"op": "copy", "from": "/m", "path": "/x"},
        {"op": "test", "path": "/m", "value": {}},
    ):
        assert patch_error(exploding, [op], snapshot=False).code == "invalid_value"


def test_non_json_scalars_compare_by_their_own_equality() -> None:
    doc = {"s": frozenset({1})}
    assert apply_json_patch(doc, [{"op": "test", "path": "/s", "value": frozenset({1})}]) is doc
    assert patch_error(doc, [{"op": "test", "path": "/s", "value": [1]}]).code == "test_failed"


# --------------------------------------------------------------------------- merge patch

RFC7396_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, '"bar"', "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("doc", "patch", "expected"), RFC7396_EXAMPLES)
def test_merge_patch_matches_every_rfc7396_appendix_a_example(
    doc: Any, patch: Any, expected: Any
) -> None:
    before = copy.deepcopy(doc)
    assert_json_equal(apply_merge_patch(doc, patch), expected)
    if not isinstance(patch, str):
        assert_json_equal(apply_merge_patch(doc, json.dumps(patch)), expected)
        assert_json_equal(apply_merge_patch(doc, json.dumps(patch).encode()), expected)
    assert_json_equal(doc, before)


def test_merge_patch_shares_unchanged_subtrees_and_returns_the_doc_when_nothing_changes() -> None:
    doc: dict[str, Any] = {"a": {"b": {"c": 1}, "d": [1]}, "e": {"f": 2}}
    result = apply_merge_patch(doc, {"a": {"b": {"c": 2}}})
    assert result == {"a": {"b": {"c": 2}, "d": [1]}, "e": {"f": 2}}
    assert result["e"] is doc["e"]
    assert result["a"]["d"] is doc["a"]["d"]
    assert doc["a"]["b"] == {"c": 1}
    assert apply_merge_patch(doc, {}) is doc
    assert apply_merge_patch(doc, {"missing": None, "a": {"gone": None}}) is doc
    assert apply_merge_patch(doc, {"a": {"d": doc["a"]["d"]}}) is doc


def test_merge_patch_rejects_bad_text_and_self_containing_patches() -> None:
    for text in ('{"a": NaN}', '{"a": 1', "", b"\xff"):
        with pytest.raises(GenerativeUIPatchError) as info:
            apply_merge_patch({}, text)
        assert info.value.code == "invalid_json"
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_merge_patch({}, '{"a": 1, "a": 2}')
    assert info.value.code == "duplicate_key"
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_merge_patch({}, '{"a": 1}', max_bytes=5)
    assert info.value.code == "patch_too_large"
    looping: dict[str, Any] = {}
    looping["x"] = {"y": looping}
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_merge_patch({}, looping)
    assert (info.value.code, info.value.path) == ("invalid_value", "/x/y")


def test_merge_patch_handles_very_deep_patches_without_recursion_errors() -> None:
    patch: dict[str, Any] = {}
    cursor = patch
    for _ in range(100_000):
        cursor["k"] = {}
        cursor = cursor["k"]
    cursor["leaf"] = None
    result = apply_merge_patch({"k": 1}, patch)
    for _ in range(100_000):
        result = result["k"]
    assert result == {}
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_merge_patch({}, "[" * 100_000 + "]" * 100_000)
    assert info.value.code == "too_deep"


def test_merge_patch_with_weird_mappings_ends_in_a_patch_error() -> None:
    with pytest.raises(GenerativeUIPatchError) as info:
        apply_merge_patch({"a": ExplodingMapping()}, {"a": {"b": 1}})
    assert info.value.code == "invalid_value"
