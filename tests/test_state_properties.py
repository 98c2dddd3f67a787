"""Properties of state (issue 15): bound specs are their literal specs, and state patches
streamed to a page end as a fresh render.

* A spec whose prop values (whole, or values inside them), repeats (nested too, with
  ``$item`` and ``$index``) and ``visible`` conditions read ``state`` validates and renders
  exactly as the literal spec it stands for (every binding replaced by its value, repeats
  written out, hidden nodes left out).
* A :class:`~genui.SpecStream` fed a bound spec, then random state patches (JSON Patch
  replace/add/remove of values and of repeated items, toggled conditions, merge patches,
  values that turn invalid such as a ``javascript:`` URL or a wrong type), either refuses a
  patch and stays unchanged, or sends updates that turn the previous DOM into the DOM of a
  fresh render of the patched spec, whose bytes :meth:`~genui.SpecStream.html` then equals.
* :func:`genui.validate` answers any JSON with random ``state``, bindings, repeats and
  conditions with a result, never an exception, however deep or wide.

The literal spec and the patched documents are built here, independently of genui.state.
The bugs the stream property found have regression tests at the end of its section (a
strict xfail while one is open).
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from genui import (
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIValidationError,
    Renderer,
    SpecStream,
    ValidationResult,
    validate,
)
from genui.render import RenderResult
from genui.testing import specs
from tests import examples
from tests.dom import Container, normalized
from tests.hostile import HOSTILE_URLS
from tests.input_forms import FORMS
from tests.strategies import hostile_text, json_scalars, json_values

DROP = Renderer(on_invalid_props="drop")
Mode = Literal["raise", "drop"]
MODES: tuple[Mode, ...] = ("raise", "drop")
"""The renderers' ``on_invalid_props``: a bound invalid value refused, or dropped and
reported (which a stream cannot patch node by node, so it takes the whole diff)."""


def as_form(spec: Any, form: str) -> Any:
    return json.dumps(spec) if form == "text" else spec


# -- a literal spec lifted into state, and the literal it stands for -----------------------


class _Index:
    """Where a repeated copy's index goes in a literal template (``$index``)."""


INDEX = _Index()
CONDITION_VALUES = [True, False, 2, -1, 2.5, "", "a", "b", None, [], {}]
"""Values a ``visible`` condition reads (and a toggle patch writes). No 0 or 1, which
equal False and True in Python: see ``test_a_boolean_replacing_an_equal_number_is_checked``."""


def js_truthy(value: Any) -> bool:
    """JavaScript's truthiness of a JSON value (written here, not taken from genui)."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    return True


def json_equal(left: Any, right: Any) -> bool:
    """``eq`` of two JSON scalars: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def _substituted(value: Any, index: int, key_suffix: bool = True) -> Any:
    """A literal template's copy ``index``: ``$index`` filled in, its own key suffixed."""
    if value is INDEX:
        return index
    if isinstance(value, list):
        return [_substituted(item, index, key_suffix=False) for item in value]
    if isinstance(value, dict):
        copied = {k: _substituted(v, index, key_suffix=False) for k, v in value.items()}
        if key_suffix and isinstance(copied.get("key"), str):
            copied["key"] = f"{copied['key']}:{index}"
        return copied
    return value


class Binder:
    """Lifts a literal spec's values into state as hypothesis draws, keeping the literal.

    :meth:`spec` returns ``(bound spec, literal spec)``. Inside a repeat, lifted values go
    into the item (read with ``$item``); a repeat's items are copies of one item, so each
    copy of the literal is the same but for ``$index`` and the key's ``:index`` suffix.
    """

    def __init__(self, data: st.DataObject, *, keep: bool = True) -> None:
        self.data = data
        self.keep = keep
        """Whether a scalar may stay literal (else every scalar prop value is bound)."""
        self.choices = ["keep", "bind", "inside"] if keep else ["bind", "inside"]
        self.state: dict[str, Any] = {}
        self.count = 0
        self.repeated = False
        """Whether any node repeats (errors then point at templates, not copies)."""

    def _name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def _store(self, value: Any, item: dict[str, Any] | None, prefix: str = "v") -> Any:
        name = self._name(prefix)
        if item is None:
            self.state[name] = value
            return {"$state": f"/{name}"}
        item[name] = value
        return {"$item": f"/{name}"}

    def value(self, value: Any, item: dict[str, Any] | None) -> tuple[Any, Any]:
        """(bound, literal) of a prop value: kept, bound whole, or bound inside."""
        integer = isinstance(value, int) and not isinstance(value, bool)
        if integer and item is not None and self.data.draw(st.integers(0, 3)) == 0:
            return {"$index": True}, INDEX
        container = isinstance(value, list | dict)
        choice = self.data.draw(st.sampled_from(self.choices)) if container or self.keep else "bind"
        if choice == "bind":
            return self._store(value, item), value
        if choice == "inside" and isinstance(value, list):
            pairs = [self.value(v, item) for v in value]
            return [b for b, _ in pairs], [lit for _, lit in pairs]
        if choice == "inside" and isinstance(value, dict):
            pairs_by_key = {k: self.value(v, item) for k, v in value.items()}
            return (
                {k: b for k, (b, _) in pairs_by_key.items()},
                {k: lit for k, (_, lit) in pairs_by_key.items()},
            )
        return value, value

    def condition(self, item: dict[str, Any] | None, depth: int = 0) -> tuple[Any, bool]:
        """A ``visible`` condition and whether it holds."""
        kinds = ["literal", "bound", "eq", "neq", "gt", "lte"]
        if depth < 2:
            kinds += ["not", "and", "or"]
        kind = self.data.draw(st.sampled_from(kinds))
        if kind == "literal":
            flag = self.data.draw(st.booleans())
            return flag, flag
        if kind == "bound":
            value = self.data.draw(st.sampled_from(CONDITION_VALUES))
            return self._store(value, item, "c"), js_truthy(value)
        if kind in ("eq", "neq"):
            left = self.data.draw(st.sampled_from([2, 3, 2.0, True, "a", "b", None]))
            right = self.data.draw(st.sampled_from([2, True, "a", None]))
            equal = json_equal(left, right)
            return {kind: [self._store(left, item, "c"), right]}, equal == (kind == "eq")
        if kind in ("gt", "lte"):
            left = self.data.draw(st.sampled_from([-3, -2, 2, 3]))
            right = self.data.draw(st.sampled_from([-3, -2, 2, 3]))
            holds = left > right if kind == "gt" else left <= right
            return {kind: [self._store(left, item, "c"), right]}, holds
        if kind == "not":
            inner, holds = self.condition(item, depth + 1)
            return {"not": inner}, not holds
        parts = [self.condition(item, depth + 1) for _ in range(self.data.draw(st.integers(1, 2)))]
        truths = [holds for _, holds in parts]
        holds = all(truths) if kind == "and" else any(truths)
        return {kind: [c for c, _ in parts]}, holds

    def node(self, node: Any, item: dict[str, Any] | None) -> tuple[Any, Any]:
        """(bound, literal) of one node (or text child), its repeat/visible left to its list."""
        if not isinstance(node, dict) or "component" not in node:
            return node, node  # a text child stays literal (a child cannot be a binding)
        bound, literal = dict(node), dict(node)
        if isinstance(node.get("props"), dict):
            pairs = {name: self.value(v, item) for name, v in node["props"].items()}
            bound["props"] = {name: b for name, (b, _) in pairs.items()}
            literal["props"] = {name: lit for name, (_, lit) in pairs.items()}
        if isinstance(node.get("children"), list):
            bound["children"], literal["children"] = self.nodes(node["children"], item)
        return bound, literal

    def nodes(self, nodes: list[Any], item: dict[str, Any] | None) -> tuple[list[Any], list[Any]]:
        """(bound, literal) of a list of nodes: some repeat, some carry ``visible``."""
        bound_list: list[Any] = []
        literal_list: list[Any] = []
        for node in nodes:
            is_node = isinstance(node, dict) and "component" in node
            repeat = is_node and self.data.draw(st.integers(0, 3)) == 0
            condition: tuple[Any, bool] | None = None
            if is_node and self.data.draw(st.integers(0, 3)) == 0:
                condition = self.condition(None if repeat else item)
            if not repeat:
                bound, literal = self.node(node, item)
                if condition is not None:
                    bound = {**bound, "visible": condition[0]}
                bound_list.append(bound)
                if condition is None or condition[1]:
                    literal_list.append(literal)
                continue
            self.repeated = True
            template_item: dict[str, Any] = {}
            bound, literal = self.node(node, template_item)
            copies = self.data.draw(st.integers(0, 3))
            items = [copy.deepcopy(template_item) for _ in range(copies)]
            if item is None:
                name = self._name("r")
                self.state[name] = items
                bound = {**bound, "repeat": {"$state": f"/{name}"}}
            else:
                name = self._name("r")
                item[name] = items
                bound = {**bound, "repeat": {"$item": f"/{name}"}}
            if condition is not None:
                bound = {**bound, "visible": condition[0]}
            bound_list.append(bound)
            if condition is None or condition[1]:
                literal_list += [_substituted(literal, index) for index in range(copies)]
        return bound_list, literal_list

    def spec(self, spec: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        root = spec["root"]
        if isinstance(root, list):
            bound_root, literal_root = self.nodes(root, None)
        elif isinstance(root, dict):
            bound_root, literal_root = self.node(root, None)
        else:  # a text root stays literal (bindings live below the root)
            bound_root = literal_root = root
        return {"state": self.state, "root": bound_root}, {"root": literal_root}


def _literal_json(spec: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(spec))
    return result


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except GenerativeUIError as error:
        return type(error)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.data())
def test_a_bound_spec_validates_and_renders_as_its_literal(
    spec: dict[str, Any], data: st.DataObject
) -> None:
    binder = Binder(data)
    if isinstance(spec["root"], dict) and data.draw(st.booleans()):  # a root list may repeat
        spec = {"root": [spec["root"]]}
    bound, literal = binder.spec(_literal_json(spec))
    event(f"repeats: {binder.repeated}, visible: {'visible' in json.dumps(bound)}")
    expected = validate(literal)
    for form in FORMS:
        result = validate(as_form(bound, form))
        assert result.ok == expected.ok, (result.errors, expected.errors)
        assert result.spec == expected.spec
        assert {e.code for e in result.errors} == {e.code for e in expected.errors}
        if not binder.repeated:  # without copies every path is the literal's path
            assert [(e.path, e.code) for e in result.errors] == [
                (e.path, e.code) for e in expected.errors
            ]
            assert result.report.events == expected.report.events
        rendered = _outcome(lambda: DROP.render(as_form(bound, form)))  # noqa: B023
        assert rendered == _outcome(lambda: DROP.render(literal))


def test_the_binder_writes_repeats_nested_repeats_and_conditions_out_as_expected() -> None:
    """The literal the property compares with, for one hand-made draw of each kind."""
    cell = {"component": "Table", "key": "k", "props": {"columns": ["c"], "rows": [[7]]}}
    spec = {"root": [{"component": "Card", "key": "c", "children": [cell]}]}

    @settings(max_examples=50, deadline=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        bound, literal = Binder(data).spec(_literal_json(spec))
        result = validate(bound)
        assert result.ok, result.errors
        assert result.spec == validate(literal).spec

    check()


# -- a stream of state patches ends as a fresh render --------------------------------------


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointers(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every (pointer, value) below ``value`` (not ``value`` itself)."""
    found: list[tuple[str, Any]] = []
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = [(_escape(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(str(i), v) for i, v in enumerate(value)]
    else:
        return found
    for token, child in items:
        pointer = f"{prefix}/{token}"
        found.append((pointer, child))
        found += _pointers(child, pointer)
    return found


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _patched(document: Any, ops: Any) -> Any:
    """``document`` after ``ops`` (this module's own ops only), or raise LookupError."""
    document = copy.deepcopy(document)
    if isinstance(ops, dict):  # a merge patch
        return _merged(document, ops)
    for op in ops:
        *parents, last = _tokens(op["path"])
        target = document
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        if isinstance(target, list):
            if op["op"] == "add":
                target.insert(len(target) if last == "-" else int(last), copy.deepcopy(op["value"]))
            elif op["op"] == "remove":
                del target[int(last)]
            else:
                target[int(last)] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del target[last]
        elif op["op"] == "replace" and last not in target:
            raise LookupError(op["path"])
        else:
            target[last] = copy.deepcopy(op["value"])
    return document


def _merged(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _merged(result.get(key), value)
    return result


_NUMBERS = st.integers(-(2**64), 2**64) | st.sampled_from([0, 1, 0.0, 1.0, 0.5, 2.5])
REPLACEMENTS = st.one_of(
    st.sampled_from(CONDITION_VALUES),
    st.sampled_from(HOSTILE_URLS),
    st.sampled_from(["https://example.com/a", "/b", "#c", "x" * 300]),
    hostile_text(),
    _NUMBERS,
    st.lists(st.none() | st.booleans() | _NUMBERS | hostile_text(), max_size=3),
)
"""What a patch writes: toggles, script URLs, text, numbers (0 and 1 beside booleans, and
past 64 bits), wrong types."""


@st.composite
def state_patches(draw: st.DrawFn, document: dict[str, Any]) -> Any:
    """One random patch of ``document``'s state: JSON Patch ops or a merge patch."""
    state = document["state"]
    pointers = _pointers(state)
    ops: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["replace", "replace", "add", "remove", "append", "merge"]))
        if kind == "merge" and not ops:
            top = draw(st.sampled_from(sorted(state))) if state else "fresh"
            value = draw(REPLACEMENTS | st.none())
            if value is not None and value == state.get(top):
                value = None  # (never equal in Python, as below)
            return {"state": {top: value}}
        if not pointers or (kind == "add" and draw(st.booleans())):
            name = draw(st.sampled_from(["fresh", *sorted(state)]))
            ops.append(
                {"op": "add", "path": f"/state/{_escape(name)}", "value": draw(REPLACEMENTS)}
            )
            continue
        pointer, current = draw(st.sampled_from(pointers))
        if kind == "add" and isinstance(current, dict):  # a member nothing reads yet
            ops.append({"op": "add", "path": f"/state{pointer}/fresh", "value": 1})
            continue
        if kind in ("append", "add"):
            arrays = [(p, v) for p, v in pointers if isinstance(v, list)]
            if arrays:
                pointer, array = draw(st.sampled_from(arrays))
                value = copy.deepcopy(draw(st.sampled_from(array))) if array else {}
                ops.append({"op": "add", "path": f"/state{pointer}/-", "value": value})
                continue
        if kind == "remove":
            ops.append({"op": "remove", "path": f"/state{pointer}"})
            break  # later pointers may be gone
        value = draw(REPLACEMENTS)
        if value == current:
            value = draw(REPLACEMENTS.filter(lambda new: new != current))  # noqa: B023
        ops.append({"op": "replace", "path": f"/state{pointer}", "value": value})
    return ops


REFUSED = GenerativeUIError
"""What a refused patch raises: GenerativeUIPatchError, or the renderer's own error for a
spec it refuses (``test_a_patch_the_renderer_refuses_raises_the_renderers_error``)."""


LIMIT_CODES = frozenset(
    {"number_too_large", "too_deep", "too_large", "too_long", "too_many_nodes", "too_many_props"}
    | {"too_many_values", "too_much_text"}
)
"""A stream may refuse a patch over a limit even where the patched spec is within them: it
bounds each op's value (an op the next one overwrites included)."""


def _start(mode: Mode, document: dict[str, Any]) -> tuple[SpecStream, str] | None:
    """A stream fed ``document`` whole, and its HTML; ``None`` if it refuses it (and so
    does a fresh render)."""
    stream = SpecStream(renderer=Renderer(on_invalid_props=mode))
    expected = _outcome(lambda: Renderer(on_invalid_props=mode).render(document))
    try:
        updates = stream.apply([{"op": "replace", "path": "", "value": document}])
    except REFUSED:
        assert isinstance(expected, type), "the stream refused a spec that renders"
        return None
    assert not isinstance(expected, type), expected
    dom = Container()
    for update in updates:
        dom.apply(update)
    assert stream.html() == expected
    assert dom.html() == normalized(expected)
    return stream, str(expected)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.data(), st.sampled_from(MODES))
def test_state_patches_and_the_streams_updates_end_as_a_fresh_render(
    spec: dict[str, Any], data: st.DataObject, mode: Mode
) -> None:
    root = spec["root"] if isinstance(spec["root"], list) else [spec["root"]]  # may repeat
    binder = Binder(data, keep=False)
    document, _ = binder.spec(_literal_json({"root": root}))
    assume(document["state"])  # something to patch
    started = _start(mode, document)
    event(f"started: {started is not None}, {len(_pointers(document['state']))} state values")
    if started is None:
        return
    stream, _ = started
    for _ in range(data.draw(st.integers(1, 8))):
        ops = data.draw(state_patches(document))
        before, version = str(stream.html()), stream.version
        try:
            patched = _patched(document, ops)
        except (LookupError, TypeError, ValueError):
            patched = None  # an op reads what an earlier one replaced: the stream refuses too
        renderer = Renderer(on_invalid_props=mode)
        fresh = _outcome(lambda: renderer.render_with_report(patched)) if patched else None  # noqa: B023
        try:
            updates = stream.apply(ops)
        except REFUSED as refusal:
            assert stream.html() == before and stream.version == version
            over_a_limit = {e.code for e in refusal.errors} & LIMIT_CODES
            renders = fresh is not None and not isinstance(fresh, type)
            assert not renders or over_a_limit, (ops, "refused, yet it renders", refusal)
            event("patch refused")
            continue
        event(f"patch applied: {len(updates)} updates")
        assert patched is not None and isinstance(fresh, RenderResult), (ops, fresh)
        dom = Container(before)
        for update in updates:
            dom.apply(update)
        assert dom.html() == normalized(fresh.html), ops
        assert str(stream.html()) == fresh.html, ops
        document = patched


# -- bugs the property above found: regression tests (a strict xfail while one is open) ----


def test_a_dropped_node_comes_back() -> None:
    """The same bug the other way: a node dropped for ``True`` stays dropped for ``1``."""
    drop = Renderer(on_invalid_props="drop")
    spec = {
        "state": {"v": 0},
        "root": {"component": "Progress", "props": {"value": {"$state": "/v"}}},
    }
    stream = SpecStream(renderer=Renderer(on_invalid_props="drop"))
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    stream.apply([{"op": "replace", "path": "/state/v", "value": True}])  # dropped: ""
    assert stream.html() == ""
    stream.apply([{"op": "replace", "path": "/state/v", "value": 1}])
    assert stream.html() == drop.render({**spec, "state": {"v": 1}})  # still ""


@pytest.mark.parametrize(("before", "after"), [(1, True), (0.0, False)])
def test_a_boolean_replacing_an_equal_number_is_checked(before: float, after: bool) -> None:
    spec = {
        "state": {"v": before},
        "root": {"component": "Progress", "props": {"value": {"$state": "/v"}}},
    }
    with pytest.raises(GenerativeUIError):  # Progress.value must be a number
        Renderer().render({**spec, "state": {"v": after}})
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    with pytest.raises(GenerativeUIError):
        stream.apply([{"op": "replace", "path": "/state/v", "value": after}])  # shows 1% / 0%


def test_a_state_patch_after_a_refused_one_renders() -> None:
    spec = {
        "state": {"v": 0},
        "root": [
            {
                "component": "Card",
                "children": [{"component": "Progress", "props": {"value": {"$state": "/v"}}}],
            }
        ],
    }
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    with pytest.raises(GenerativeUIError):  # Progress.value must be a number
        stream.apply([{"op": "replace", "path": "/state/v", "value": "x"}])
    stream.apply([{"op": "replace", "path": "/state/v", "value": 2}])  # one replace update
    assert stream.html() == Renderer().render({**spec, "state": {"v": 2}})  # unknown 'Card'


def test_a_state_value_over_a_limit_is_refused_after_an_invalid_state() -> None:
    drop = Renderer(on_invalid_props="drop")
    spec = {"state": {"r": []}, "root": [{"component": "Card", "repeat": {"$state": "/r"}}]}
    with pytest.raises(GenerativeUIError):  # integers must fit in 64 bits
        drop.render({**spec, "state": {"r": [2**63]}})
    stream = SpecStream(renderer=Renderer(on_invalid_props="drop"))
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    stream.apply([{"op": "replace", "path": "/state/r", "value": True}])  # shown, with an error
    with pytest.raises(GenerativeUIError):  # (refused when the spec before had no error)
        stream.apply([{"op": "replace", "path": "/state/r", "value": [2**63]}])  # accepted


def test_a_node_shown_at_several_places_keeps_its_props_when_one_place_changes() -> None:
    """A repeat's copies share their static children: superseding one place must not
    forget the props of a node still shown at another (html() raised unknown component)."""
    shown = {
        "not": {"and": [{"neq": [{"$state": "/c1"}, True]}, {"eq": [{"$state": "/c2"}, None]}]}
    }
    template = {
        "component": "List",
        "key": "k",
        "repeat": {"$state": "/r6"},
        "visible": shown,
        "children": [
            {"component": "ListItem", "repeat": {"$item": "/r3"}},
            {"component": "ListItem", "props": {}, "key": "", "children": []},
            {
                "component": "ListItem",
                "repeat": {"$item": "/r5"},
                "visible": {"gt": [{"$state": "/c4"}, -2]},
            },
            {"component": "ListItem"},
        ],
    }
    rows: list[Any] = [{"r3": [{}], "r5": [{}, {}]}, "#c", {"r3": [], "r5": [{}, {}]}]
    state: dict[str, Any] = {"c1": "#c", "c2": [-183, True], "c4": 3, "r6": rows}
    spec: dict[str, Any] = {"state": state, "root": [template]}
    drop = Renderer(on_invalid_props="drop")
    stream = SpecStream(renderer=Renderer(on_invalid_props="drop"))
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    stream.apply([{"op": "remove", "path": "/state/r6/0/r3"}])
    patched = {**spec, "state": {**state, "r6": [{"r5": [{}, {}]}, *rows[1:]]}}
    assert stream.html() == drop.render(patched)


def test_a_patch_the_renderer_refuses_raises_the_renderers_error() -> None:
    """As documented: the renderer's own error for a spec it refuses, a patch error for a
    patch that cannot be applied; the stream is unchanged either way."""
    spec = {
        "state": {"v": "x"},
        "root": {"component": "Card", "props": {"title": {"$state": "/v"}}},
    }
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    before = stream.html()
    with pytest.raises(GenerativeUIValidationError) as refused:
        stream.apply([{"op": "replace", "path": "/state/v", "value": True}])
    assert refused.value.errors[0].state_path == "/state/v"
    with pytest.raises(GenerativeUIPatchError):
        stream.apply([{"op": "replace", "path": "/state/nowhere", "value": 1}])
    assert stream.html() == before


# -- validate answers anything -------------------------------------------------------------

POINTERS = st.one_of(
    st.sampled_from(["", "/", "/a", "/a/0", "/xs", "/xs/0", "/xs/-", "/xs/01", "/~2", "/n"]),
    hostile_text().map(lambda text: "/" + text),
    json_scalars(),
)
BINDINGS = st.one_of(
    st.fixed_dictionaries({"$state": POINTERS}),
    st.fixed_dictionaries({"$item": POINTERS}),
    st.fixed_dictionaries({"$index": json_scalars()}),
    st.dictionaries(st.sampled_from(["$state", "$item", "$index", "x"]), POINTERS, min_size=2),
)
OPERATORS = ["eq", "neq", "gt", "gte", "lt", "lte", "and", "or", "not", "matches", ""]
CONDITIONS = st.recursive(
    st.booleans() | BINDINGS | json_scalars(),
    lambda inner: st.one_of(
        st.dictionaries(
            st.sampled_from(OPERATORS),
            st.lists(inner | json_values(4), max_size=3) | inner,
            min_size=1,
            max_size=2,
        ),
        st.fixed_dictionaries({"not": inner}),
    ),
    max_leaves=8,
)
NAMES = st.sampled_from(["Card", "Text", "List", "ListItem", "Stack", "Link", "Table", "x"])
VALUES = st.recursive(
    json_scalars() | BINDINGS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["$state", "$item", "a", "text"]), inner, max_size=3)
    ),
    max_leaves=10,
)
PROPS = st.dictionaries(
    st.sampled_from(["text", "title", "href", "items", "columns", "rows", "$repeat"]),
    VALUES,
    max_size=3,
)


def _random_node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    legacy = st.fixed_dictionaries(
        {"component": NAMES | json_scalars()},
        optional={
            "props": PROPS | VALUES,
            "children": st.lists(children, max_size=3) | children | BINDINGS,
            "repeat": BINDINGS | VALUES,
            "visible": CONDITIONS,
            "key": BINDINGS | hostile_text(),
        },
    )
    flat = st.builds(
        lambda name, props, extra: {"$type": name, **props, **extra},
        NAMES,
        PROPS,
        st.fixed_dictionaries(
            {},
            optional={
                "$repeat": BINDINGS | VALUES,
                "$visible": CONDITIONS,
                "children": st.lists(children, max_size=3),
                "$key": BINDINGS | hostile_text(),
            },
        ),
    )
    return legacy | flat


RANDOM_NODES = st.recursive(json_scalars() | BINDINGS, _random_node, max_leaves=12)
RANDOM_STATE = st.one_of(
    json_values(),
    st.fixed_dictionaries(
        {
            "xs": st.lists(
                json_values(6) | st.fixed_dictionaries({"a": json_values(4)}), max_size=4
            ),
            "a": json_values(6),
            "n": json_scalars(),
        }
    ),
)
RANDOM_SPECS = st.one_of(
    st.fixed_dictionaries(
        {"root": RANDOM_NODES | st.lists(RANDOM_NODES, max_size=4)},
        optional={"state": RANDOM_STATE},
    ),
    json_values(),
)


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RANDOM_SPECS)
def test_validate_answers_any_state_binding_repeat_and_condition_shape(spec: Any) -> None:
    for given_as in (spec, json.dumps(spec)):
        result = validate(given_as)
        assert isinstance(result, ValidationResult)
        assert result.ok == (result.spec is not None and not result.errors)
        with contextlib.suppress(GenerativeUIError):
            Renderer(on_invalid_props="drop", fallback="default").render(given_as)


def _deep(opening: str, closing: str, leaf: str, depth: int) -> str:
    return opening * depth + leaf + closing * depth


DEEP = 100_000
DEEP_TEXTS = {
    "a condition": '{"state": {}, "root": {"component": "Text", "visible": '
    + _deep('{"not": ', "}", "true", DEEP)
    + "}}",
    "state": '{"state": ' + _deep("[", "]", "1", DEEP) + ', "root": "x"}',
    "a binding's value": '{"state": {"a": '
    + _deep('{"a": ', "}", "1", DEEP)
    + '}, "root": {"component": "Text", "props": {"text": {"$state": "/a"}}}}',
    "a pointer": '{"state": {}, "root": {"component": "Text", "props": {"text": {"$state": "'
    + "/a" * DEEP
    + '"}}}}',
    "nested repeats": '{"state": {"xs": ['
    + ",".join(["[" + ",".join(["1"] * 10) + "]"] * 10)
    + ']}, "root": '
    + _deep(
        '{"component": "Stack", "repeat": {"$state": "/xs"}, "children": [',
        "]}",
        '{"component": "Text", "repeat": {"$state": "/xs"}, "props": {"text": "x"}}',
        20,
    )
    + "}",
}


def _nested_condition(depth: int) -> dict[str, Any]:
    condition: Any = True
    for _ in range(depth):
        condition = {"not": condition}
    return {"state": {}, "root": {"component": "Text", "visible": condition, "props": {}}}


def _wide_repeats(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {
        "component": "Text",
        "repeat": {"$state": "/xs"},
        "props": {"text": "x"},
    }
    for _ in range(levels):
        node = {"component": "Stack", "repeat": {"$state": "/xs"}, "children": [node]}
    return {"state": {"xs": list(range(1000))}, "root": node}


@pytest.mark.parametrize("name", list(DEEP_TEXTS))
def test_deep_or_multiplying_state_as_text_is_refused_without_recursion_or_memory_errors(
    name: str,
) -> None:
    result = validate(DEEP_TEXTS[name])
    assert not result.ok and result.errors
    expected = {"binding_missing"} if name == "a pointer" else {"too_deep", "too_many_nodes"}
    assert {e.code for e in result.errors} & expected, result.errors


@pytest.mark.parametrize(
    "spec",
    [_nested_condition(DEEP), _wide_repeats(30)],
    ids=["a 100,000-deep condition", "30 nested repeats of 1,000 items"],
)
def test_deep_or_multiplying_state_as_data_is_refused_without_recursion_or_memory_errors(
    spec: dict[str, Any],
) -> None:
    result = validate(spec)
    assert not result.ok
    assert {e.code for e in result.errors} & {"too_deep", "too_many_nodes"}
