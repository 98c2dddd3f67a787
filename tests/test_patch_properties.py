"""Property-based tests for genui.patch: atomicity, immutability, sharing, merge-patch laws.

JSON Patch results are checked differentially against a deliberately naive
reference implementation (deep copy, then mutate in place) written here from
RFC 6902, so every random patch is checked for the exact result, or for
failing at the same operation.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from genui.errors import GenerativeUIPatchError
from genui.patch import PATCH_ERROR_CODES, apply_json_patch, apply_merge_patch, parse_patch_ops
from genui.pointer import format_pointer, parse_pointer
from tests import examples
from tests.json_equality import strict

PROPERTY_SETTINGS = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# --------------------------------------------------------------------------- strategies

KEYS = st.text(alphabet="ab~/0-", max_size=3)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(alphabet="xy~/", max_size=3)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=15,
)
JSON_CONTAINERS = st.lists(JSON_VALUES, max_size=4) | st.dictionaries(KEYS, JSON_VALUES, max_size=4)
NO_NULL_OBJECT_VALUES = st.recursive(
    st.booleans() | st.integers(-3, 3) | st.text(alphabet="xy", max_size=2),
    lambda children: (
        st.lists(children | st.none(), max_size=3)
        | st.dictionaries(st.sampled_from("abcd"), children, max_size=4)
    ),
    max_leaves=12,
)


def pointers(doc: Any, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every pointer that resolves in ``doc`` (the root included)."""
    found = [format_pointer(prefix)]
    if isinstance(doc, Mapping):
        for key, item in doc.items():
            found.extend(pointers(item, (*prefix, key)))
    elif isinstance(doc, list):
        for index, item in enumerate(doc):
            found.extend(pointers(item, (*prefix, str(index))))
    return found


# --------------------------------------------------------------------------- reference model


class ModelError(Exception):
    pass


INDEX = re.compile(r"0|[1-9][0-9]*")


def ref_index(array: list[Any], token: str, *, end: bool) -> int:
    if token == "-" and end:
        return len(array)
    if not INDEX.fullmatch(token):
        raise ModelError(token)
    index = int(token)
    if index > (len(array) if end else len(array) - 1):
        raise ModelError(token)
    return index


def ref_get(doc: Any, tokens: list[str]) -> Any:
    for token in tokens:
        if isinstance(doc, dict):
            if token not in doc:
                raise ModelError(token)
            doc = doc[token]
        elif isinstance(doc, list):
            doc = doc[ref_index(doc, token, end=False)]
        else:
            raise ModelError(token)
    return doc


def ref_add(doc: Any, tokens: list[str], value: Any) -> Any:
    if not tokens:
        return value
    parent = ref_get(doc, tokens[:-1])
    if isinstance(parent, dict):
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        parent.insert(ref_index(parent, tokens[-1], end=True), value)
    else:
        raise ModelError("scalar parent")
    return doc


def ref_remove(doc: Any, tokens: list[str]) -> Any:
    if not tokens:
        raise ModelError("root")
    parent = ref_get(doc, tokens[:-1])
    if isinstance(parent, dict):
        if tokens[-1] not in parent:
            raise ModelError(tokens[-1])
        return parent.pop(tokens[-1])
    if isinstance(parent, list):
        return parent.pop(ref_index(parent, tokens[-1], end=False))
    raise ModelError("scalar parent")


def ref_op(doc: Any, op: dict[str, Any]) -> Any:
    """Apply one op to ``doc`` (which the reference owns and mutates); return the new doc."""
    kind, tokens = op["op"], parse_pointer(op["path"])
    if kind == "test":
        if strict(ref_get(doc, tokens)) != strict(op["value"]):
            raise ModelError("test")
        return doc
    if kind == "add":
        return ref_add(doc, tokens, copy.deepcopy(op["value"]))
    if kind == "remove":
        ref_remove(doc, tokens)
        return doc
    if kind == "replace":
        ref_get(doc, tokens)
        if not tokens:
            return copy.deepcopy(op["value"])
        ref_remove(doc, tokens)
        return ref_add(doc, tokens, copy.deepcopy(op["value"]))
    source = parse_pointer(op["from"])
    value = ref_get(doc, source)
    if kind == "copy":
        return ref_add(doc, tokens, copy.deepcopy(value))
    if source == tokens:
        return doc
    if tokens[: len(source)] == source:
        raise ModelError("descendant")
    ref_remove(doc, source)
    return ref_add(doc, tokens, value)


def ref_apply(doc: Any, ops: list[dict[str, Any]]) -> tuple[str, Any]:
    """Return ``("ok", result)`` or ``("error", failing_index)``."""
    doc = copy.deepcopy(doc)
    for index, op in enumerate(ops):
        try:
            doc = ref_op(doc, op)
        except ModelError:
            return ("error", index)
    return ("ok", doc)


# --------------------------------------------------------------------------- op generation

GARBAGE_PATHS = ["/zz", "/0", "/-", "/9", "/a/b", "/00", "/-1", "/0/0", ""]


@st.composite
def patches(draw: st.DrawFn, doc: Any, *, valid_only: bool = False) -> list[dict[str, Any]]:
    """Ops drawn mostly from locations that exist at that point of the patch.

    With ``valid_only``, ops the reference model rejects are left out, so the
    patch applies cleanly.
    """
    model = copy.deepcopy(doc)
    ops: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        existing = pointers(model)
        targets = [*existing, *(p + "/-" for p in existing), *(p + "/a" for p in existing)]
        path = draw(
            st.sampled_from(existing) | st.sampled_from(targets) | st.sampled_from(GARBAGE_PATHS)
        )
        kind = draw(st.sampled_from(["add", "remove", "replace", "move", "copy", "test"]))
        op: dict[str, Any] = {"op": kind, "path": path}
        if kind in ("add", "replace"):
            op["value"] = draw(JSON_VALUES)
        elif kind == "test":
            try:
                current = ref_get(model, parse_pointer(path))
            except ModelError:
                current = None
            op["value"] = draw(st.just(copy.deepcopy(current)) | JSON_VALUES)
        elif kind in ("move", "copy"):
            op["from"] = draw(st.sampled_from(existing) | st.sampled_from(GARBAGE_PATHS))
        try:
            model = ref_op(copy.deepcopy(model), copy.deepcopy(op))  # a failed op may be half-done
        except ModelError:
            if valid_only:
                continue
            # Later ops are still drawn; the patch as a whole fails at this one.
        ops.append(op)
    return ops


@st.composite
def docs_and_patches(
    draw: st.DrawFn, *, valid_only: bool = False
) -> tuple[Any, list[dict[str, Any]]]:
    doc = draw(JSON_CONTAINERS)
    return doc, draw(patches(doc, valid_only=valid_only))


# --------------------------------------------------------------------------- JSON Patch properties


@PROPERTY_SETTINGS
@given(docs_and_patches() | docs_and_patches(valid_only=True))
def test_json_patch_matches_the_reference_and_never_mutates_its_input(
    case: tuple[Any, list[dict[str, Any]]],
) -> None:
    doc, ops = case
    doc_before, ops_before = copy.deepcopy(doc), copy.deepcopy(ops)
    outcome, expected = ref_apply(doc, ops)
    event(f"reference outcome: {outcome}")
    if outcome == "ok":
        result = apply_json_patch(doc, ops)
        assert strict(result) == strict(expected)
    else:
        try:
            apply_json_patch(doc, ops)
        except GenerativeUIPatchError as error:
            assert error.op_index == expected
            assert error.path == ops[expected]["path"]
            assert error.code in PATCH_ERROR_CODES
        else:
            raise AssertionError(f"patch should fail at op {expected}")
    assert strict(doc) == strict(doc_before)
    assert strict(ops) == strict(ops_before)


@PROPERTY_SETTINGS
@given(docs_and_patches())
def test_json_patch_gives_the_same_outcome_as_a_list_json_text_or_json_lines(
    case: tuple[Any, list[dict[str, Any]]],
) -> None:
    doc, ops = case
    outcomes = []
    for form in (ops, json.dumps(ops), "\n".join(json.dumps(op) for op in ops)):
        try:
            outcomes.append(("ok", strict(apply_json_patch(doc, form))))
        except GenerativeUIPatchError as error:
            outcomes.append(("error", (error.op_index, error.path, error.code)))
    assert outcomes[0] == outcomes[1] == outcomes[2]
    assert parse_patch_ops(json.dumps(ops)) == parse_patch_ops(ops)


@PROPERTY_SETTINGS
@given(docs_and_patches(valid_only=True), st.data())
def test_a_failing_op_anywhere_makes_the_whole_patch_fail_and_changes_nothing(
    case: tuple[Any, list[dict[str, Any]]], data: st.DataObject
) -> None:
    doc, ops = case
    assert ref_apply(doc, ops)[0] == "ok"
    failing: dict[str, Any] = data.draw(
        st.sampled_from(
            [
                {"op": "test", "path": "", "value": "never the document"},
                {"op": "remove", "path": "/no such member/x"},
                {"op": "remove", "path": ""},
                {"op": "move", "from": "", "path": "/x"},
                {"op": "add", "path": "/1e0/x", "value": 1},
                {"op": "bogus", "path": ""},
                {"op": "add", "path": "/x"},
                {"op": "copy", "from": "nope", "path": "/x"},
            ]
        )
    )
    position = data.draw(st.integers(min_value=0, max_value=len(ops)))
    patch = [*ops[:position], failing, *ops[position:]]
    before = copy.deepcopy(doc)
    try:
        apply_json_patch(doc, patch)
    except GenerativeUIPatchError as error:
        assert error.op_index is not None
        assert error.op_index <= position  # an earlier op may fail once the doc differs
        if error.op_index == position:
            assert error.path == failing["path"]
    else:
        raise AssertionError("a patch containing a failing op must fail")
    assert strict(doc) == strict(before)


def big_document(width: int, depth: int) -> dict[str, Any]:
    if depth == 0:
        return {f"leaf{index}": [index, {"x": index}] for index in range(width)}
    return {f"k{index}": big_document(width, depth - 1) for index in range(width)}


BIG_DOC = big_document(4, 4)


def subtrees_on_path(doc: Any, tokens: list[str]) -> list[Any]:
    nodes = [doc]
    for token in tokens:
        doc = doc[token] if isinstance(doc, dict) else doc[int(token)]
        nodes.append(doc)
    return nodes


@PROPERTY_SETTINGS
@given(st.sampled_from([p for p in pointers(BIG_DOC) if p]), JSON_VALUES)
def test_replace_deep_in_a_big_document_shares_every_sibling_subtree(path: str, value: Any) -> None:
    tokens = parse_pointer(path)
    result = apply_json_patch(BIG_DOC, [{"op": "replace", "path": path, "value": value}])
    old_path = subtrees_on_path(BIG_DOC, tokens)
    new_path = subtrees_on_path(result, tokens)
    assert new_path[-1] is value
    for depth, (old, new) in enumerate(zip(old_path[:-1], new_path[:-1], strict=True)):
        assert new is not old  # copied on the way down...
        siblings = old.items() if isinstance(old, dict) else enumerate(old)
        for key, child in siblings:
            if str(key) != tokens[depth]:
                assert new[key] is child  # ...and everything beside the path is shared
    assert big_document(4, 4) == BIG_DOC


@PROPERTY_SETTINGS
@given(JSON_CONTAINERS, st.data())
def test_unchanged_members_are_shared_after_add_and_remove(doc: Any, data: st.DataObject) -> None:
    if isinstance(doc, dict):
        key = data.draw(KEYS)
        ops = [{"op": "add", "path": format_pointer([key]), "value": 1}]
        if data.draw(st.booleans()) and doc:
            key = data.draw(st.sampled_from(sorted(doc)))
            ops = [{"op": "remove", "path": format_pointer([key])}]
        result = apply_json_patch(doc, ops)
        for other, child in doc.items():
            if other != key:
                assert result[other] is child
    else:
        result = apply_json_patch(doc, [{"op": "add", "path": "/-", "value": 1}])
        assert all(new is old for new, old in zip(result, doc, strict=False))
    assert result is not doc


@PROPERTY_SETTINGS
@given(
    JSON_VALUES,
    st.lists(
        st.dictionaries(
            st.sampled_from(["op", "path", "from", "value", "extra"]),
            JSON_VALUES | st.sampled_from(["add", "remove", "move", "copy", "test", "/", "/-"]),
        )
        | JSON_VALUES,
        max_size=5,
    ),
)
def test_arbitrary_op_lists_end_in_a_result_or_a_patch_error(doc: Any, ops: list[Any]) -> None:
    before = copy.deepcopy(doc)
    try:
        apply_json_patch(doc, ops)
    except GenerativeUIPatchError as error:
        assert error.code in PATCH_ERROR_CODES
    assert strict(doc) == strict(before)


@PROPERTY_SETTINGS
@given(st.text(max_size=80) | st.binary(max_size=80))
def test_arbitrary_text_ends_in_a_result_or_a_patch_error(text: str | bytes) -> None:
    for apply in (apply_json_patch, apply_merge_patch):
        try:
            apply({"a": [1]}, text)
        except GenerativeUIPatchError as error:
            assert error.code in PATCH_ERROR_CODES


# --------------------------------------------------------------------------- merge patch laws


def merge(doc: Any, patch: Any) -> Any:
    """apply_merge_patch, passing a str patch as JSON text (a bare str would be parsed)."""
    return apply_merge_patch(doc, json.dumps(patch) if isinstance(patch, str) else patch)


def merge_diff(source: Any, target: Any) -> Any:
    """The RFC 7396 merge patch that turns ``source`` into ``target``."""
    if not isinstance(target, dict) or not isinstance(source, dict):
        return target
    patch: dict[str, Any] = {key: None for key in source if key not in target}
    for key, value in target.items():
        if key not in source:
            patch[key] = merge_diff(None, value)
        elif strict(source[key]) != strict(value):
            patch[key] = merge_diff(source[key], value)
    return patch


@PROPERTY_SETTINGS
@given(NO_NULL_OBJECT_VALUES, NO_NULL_OBJECT_VALUES)
def test_merge_patch_from_a_diff_reproduces_the_target(source: Any, target: Any) -> None:
    before = copy.deepcopy(source)
    patch = merge_diff(source, target)
    assert strict(merge(source, patch)) == strict(target)
    assert strict(apply_merge_patch(source, json.dumps(patch))) == strict(target)
    assert strict(source) == strict(before)


@PROPERTY_SETTINGS
@given(JSON_VALUES, JSON_VALUES)
def test_merge_patch_is_idempotent_and_never_mutates_its_inputs(doc: Any, patch: Any) -> None:
    doc_before, patch_before = copy.deepcopy(doc), copy.deepcopy(patch)
    once = merge(doc, patch)
    twice = merge(once, patch)
    assert strict(twice) == strict(once)
    assert strict(doc) == strict(doc_before)
    assert strict(patch) == strict(patch_before)


@PROPERTY_SETTINGS
@given(st.dictionaries(KEYS, JSON_VALUES, max_size=5), st.dictionaries(KEYS, JSON_VALUES))
def test_merge_patch_shares_every_member_the_patch_does_not_mention(
    doc: dict[str, Any], patch: dict[str, Any]
) -> None:
    result = apply_merge_patch(doc, patch)
    for key, value in doc.items():
        if key not in patch:
            assert result[key] is value
    if not patch:
        assert result is doc


@st.composite
def copy_after_edit(draw: st.DrawFn) -> tuple[Any, list[dict[str, Any]]]:
    """Edit inside a container, copy it, then edit the copy: the copy must be independent."""
    doc = draw(st.dictionaries(KEYS, JSON_CONTAINERS, min_size=1, max_size=4))
    containers = [
        p for p in pointers(doc) if p and isinstance(ref_get(doc, parse_pointer(p)), list | dict)
    ]
    source = draw(st.sampled_from(containers))

    def edit(pointer: str, container: Any, value: int) -> dict[str, Any]:
        if isinstance(container, list):
            return {"op": "add", "path": pointer + "/-", "value": value}
        return {"op": "add", "path": pointer + "/new", "value": value}

    container = ref_get(doc, parse_pointer(source))
    ops = [
        edit(source, container, 1),
        {"op": "copy", "from": source, "path": "/copied"},
        edit("/copied", container, 2),
        edit(source, container, 3),
    ]
    if source.startswith("/copied"):  # the copy may have replaced its own source
        ops = ops[:3]
    return doc, ops


@PROPERTY_SETTINGS
@given(copy_after_edit())
def test_editing_a_copy_never_changes_the_value_it_was_copied_from(
    case: tuple[Any, list[dict[str, Any]]],
) -> None:
    doc, ops = case
    outcome, expected = ref_apply(doc, ops)
    if outcome == "ok":
        assert strict(apply_json_patch(doc, ops)) == strict(expected)
    else:
        try:
            apply_json_patch(doc, ops)
        except GenerativeUIPatchError as error:
            assert error.op_index == expected
        else:
            raise AssertionError(f"patch should fail at op {expected}")
