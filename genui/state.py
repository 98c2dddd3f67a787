"""A spec's state, and the bindings, repeats and conditions that read it.

A spec may carry ``state``, any JSON document. Below ``root``, values may read it:

* ``{"$state": "/json/pointer"}`` — the value at that pointer of ``state`` (RFC 6901);
* ``{"$item": "/pointer"}`` — inside a node with ``repeat``, a value of the current item
  (``""`` is the item itself);
* ``{"$index": true}`` — inside a node with ``repeat``, the item's index (from 0).

A binding may stand for a whole prop or for any value inside one (a table cell, an
action's param) — not for a child node (bind a ``Text`` node's ``text``). A node may also
carry

* ``repeat`` — a binding to an array: the node is written once per item, its bindings
  read that item (``$item``) and index (``$index``);
* ``visible`` — a condition: ``true``/``false``; a binding (shown when the value is truthy
  as JavaScript reads it: not ``false``, ``0``, ``""`` or ``null``);
  ``{"eq": [a, b]}``, ``neq``, ``gt``, ``gte``, ``lt``, ``lte`` (operands are JSON scalars
  or bindings; ``gt``… compare two numbers or two strings, anything else is false);
  ``{"and": [c, ...]}``, ``{"or": [c, ...]}``, ``{"not": c}``. That is all: no expression
  language, nothing is evaluated.

Flat ``$type`` nodes spell them ``$repeat`` and ``$visible``.

:func:`resolve` turns the root of a spec with state into the literal tree it stands for —
repeats written out, hidden nodes left out, every binding replaced by its value — which
:mod:`genui.validate` then checks exactly like a spec written out by hand: a
``javascript:`` URL that arrives through state is refused like one written inline. The
:class:`Resolution` maps every path of that tree back to the spec as sent (and to the
state value a bound prop came from), so errors point where the agent can fix them, and
records which state pointers each node reads — the dependency index that lets
:class:`~genui.SpecStream` re-render only what a state patch changed.

Cost: a repeat is refused before it is built when its copies would pass
``Limits.max_nodes``, and the characters bound into the tree count against
``Limits.max_total_chars`` as they are bound; resolving is linear in the resolved tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, NamedTuple

from genui.errors import ErrorDetail, GenerativeUIValidationError
from genui.hints import condition_hint, missing_binding_hint
from genui.jsontext import json_type
from genui.limits import Limits
from genui.pointer import ARRAY_INDEX, escape_token, parse_pointer
from genui.sanitize import SanitizeEvent, SanitizeReport
from genui.spec import GenerativeUINode

__all__ = [
    "ABSENT",
    "BINDING_KEYS",
    "CONDITION_OPERATORS",
    "DependencyIndex",
    "Resolution",
    "Scope",
    "bound_fields",
    "changed_pointers",
    "is_binding",
    "json_equal",
    "lookup",
    "resolve",
    "resolve_node",
    "truthy",
    "writeback_ops",
]

BINDING_KEYS: Final = frozenset({"$state", "$item", "$index"})
"""The members that make an object a binding (it then has that one member only)."""

COMPARISONS: Final = frozenset({"eq", "neq", "gt", "gte", "lt", "lte"})
CONDITION_OPERATORS: Final = COMPARISONS | {"and", "or", "not"}
"""The operators a ``visible`` condition may use."""

_MISSING: Final = object()


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()
"""The state of a streaming spec whose ``state`` has not arrived yet."""
_LEGACY_META: Final = ("repeat", "visible")
_FLAT_META: Final = ("$repeat", "$visible")


def is_binding(value: Any) -> bool:
    """Whether ``value`` is (or tries to be) a binding.

    That is an object with a ``$state``, ``$item`` or ``$index`` member.
    """
    if type(value) is not dict and not isinstance(value, Mapping):
        return False
    return "$state" in value or "$item" in value or "$index" in value


def lookup(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` in a JSON document, or raise :class:`LookupError`."""
    return _follow(document, parse_pointer(pointer))


def _follow(document: Any, tokens: list[str]) -> Any:
    value = document
    for token in tokens:
        if type(value) is dict:
            if token not in value:
                raise LookupError("/".join(tokens))
            value = value[token]
            continue
        if isinstance(value, Mapping):
            if token not in value:
                raise LookupError("/".join(tokens))
            value = value[token]
        elif isinstance(value, list | tuple):
            if not ARRAY_INDEX.fullmatch(token) or int(token) >= len(value):
                raise LookupError("/".join(tokens))
            value = value[int(token)]
        else:
            raise LookupError("/".join(tokens))
    return value


def truthy(value: Any) -> bool:
    """Truthiness as JavaScript reads a JSON value.

    Only ``false``, ``0``, ``""`` and ``null`` are false (an empty list or object is true).
    """
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0
    return True


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def json_equal(left: Any, right: Any) -> bool:
    """Equality of JSON values (``1 == 1.0``; ``true`` is not ``1``)."""
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    if _number(left) and _number(right):
        return bool(left == right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return left is None and right is None


def _ordered(operator: str, left: Any, right: Any) -> bool:
    if not (_number(left) and _number(right)) and not (
        isinstance(left, str) and isinstance(right, str)
    ):
        return False
    if operator == "gt":
        return bool(left > right)
    if operator == "gte":
        return bool(left >= right)
    if operator == "lt":
        return bool(left < right)
    return bool(left <= right)


class Scope(NamedTuple):
    """The item a node inside a ``repeat`` is written for."""

    item: Any
    """The item's value."""
    at: str
    """The item's pointer in ``state`` (what ``{"$item": p}`` reads is ``at + p``)."""
    number: int
    """The item's index in its array (what ``{"$index": true}`` reads)."""


@dataclass(slots=True)
class Resolution:
    """A spec's root with its state resolved, and the maps back to the spec as sent."""

    root: Any
    """The literal tree (the input's own objects wherever nothing in them was bound)."""
    errors: list[ErrorDetail] = field(default_factory=list)
    """Problems with bindings, repeats and conditions (paths into the spec as sent)."""
    moved: dict[str, str] = field(default_factory=dict)
    """Resolved node path → its path in the spec as sent, where the two differ."""
    bound: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Resolved value path → (the binding's path as sent, the state pointer it read)."""
    reads: dict[str, list[str]] = field(default_factory=dict)
    """Resolved node path → the state pointers its own output depends on (its props; for
    a parent, the ``repeat`` and ``visible`` of its children; ``""`` for the roots)."""
    shapes: dict[str, list[str]] = field(default_factory=dict)
    """Resolved node path → the arrays its children repeat over (a change *inside* an item
    leaves the copies in place: only a change at or above the array moves them)."""
    origins: dict[str, tuple[Any, str, Scope | None, int | None]] = field(default_factory=dict)
    """Resolved path of each node in :attr:`reads` → (its node as sent, that node's path
    as sent, the repeat item in scope, the item's number if the node is that item's copy):
    what resolving it again needs."""
    state_prefix: str = "/state"
    """Where ``state`` sits in the document (what :attr:`ErrorDetail.state_path` starts
    with)."""
    source: tuple[Any, Any] | None = None
    """``(root, state)`` as sent: what a client that resolves bindings itself is given
    when validating changed nothing."""

    def source_of(self, path: str) -> tuple[str, str | None]:
        """The path as sent for a resolved path, and the state pointer it was bound to."""
        prefix = path
        while True:
            bound = self.bound.get(prefix)
            if bound is not None:
                return bound[0], bound[1] + path[len(prefix) :]
            moved = self.moved.get(prefix)
            if moved is not None:
                return moved + path[len(prefix) :], None
            if not prefix:
                return path, None
            prefix = prefix[: prefix.rfind("/")]

    def remap_errors(self, errors: Sequence[ErrorDetail]) -> list[ErrorDetail]:
        """``errors`` found in the resolved tree, pointing into the spec as sent.

        No duplicates: a template's problem is reported once, not once per item.
        """
        seen: set[ErrorDetail] = set()
        mapped: list[ErrorDetail] = []
        for error in errors:
            path, pointer = self.source_of(error.path)
            if path != error.path or pointer is not None:
                state_path = self.state_prefix + pointer if pointer is not None else None
                message = error.message
                if state_path is not None:
                    message = f"{message} (the value bound from {state_path})"
                error = replace(error, path=path, message=message, state_path=state_path)
            if error not in seen:
                seen.add(error)
                mapped.append(error)
        return mapped

    def remap_report(self, events: Sequence[SanitizeEvent]) -> SanitizeReport:
        """Report ``events`` of the resolved tree with node paths into the spec as sent."""
        report = SanitizeReport()
        for event in events:
            path = self.source_of(event.path)[0]
            report.append(event if path == event.path else replace(event, path=path))
        return report


class _Resolver:
    """One resolution: walks the root once, building the literal tree and its maps."""

    def __init__(
        self,
        state: Any,
        limits: Limits,
        result: Resolution,
        *,
        waiting: bool = False,
        record: bool = True,
    ) -> None:
        self.state = state
        self.record = record
        """Whether to keep the maps (paths as sent, what each node reads): a one-off render
        that reports nothing needs none of them."""
        self.limits = limits
        self.result = result
        self.waiting = waiting
        """Whether the spec is still streaming: a missing value is awaited, not an error."""
        self.waits = 0
        """Bindings whose value has not arrived (while waiting): their nodes are left out."""
        self.nodes = 0
        self.chars = 0
        self.measured: dict[int, tuple[Any, int, int]] = {}
        self.pointers: dict[str, list[str] | None] = {}
        self.plans: dict[int, tuple[Any, list[Any]]] = {}
        """Per object or list of props: the members holding bindings (templates repeat)."""
        self.sizes: dict[int, tuple[Any, int]] = {}

    def error(
        self, path: str, code: str, message: str, hint: str, state_pointer: str | None = None
    ) -> None:
        state_path = self.result.state_prefix + state_pointer if state_pointer is not None else None
        self.result.errors.append(ErrorDetail(path, code, message, hint, state_path))

    # -- values --------------------------------------------------------------------------

    def charge(self, value: Any, path: str, out: str) -> None:
        """Count the characters a binding puts into the tree; refuse past the budget.

        A bound object or list must also fit ``max_json_depth`` where it lands (``out``):
        the resolved tree is then within every limit the spec as sent was checked for.
        """
        kind = type(value)
        if kind is str:
            size = len(value)
        elif kind is dict or kind is list or isinstance(value, Mapping | list | tuple):
            known = self.measured.get(id(value))
            if known is None or known[0] is not value:
                known = (value, *_chars_and_depth(value))
                self.measured[id(value)] = known
            size = known[1]
            if out.count("/") + known[2] > self.limits.max_json_depth:
                raise GenerativeUIValidationError(
                    [
                        ErrorDetail(
                            path,
                            "too_deep",
                            f"the bound value nests deeper than {self.limits.max_json_depth}"
                            " levels where it is bound",
                            "bind a flatter value, or bind its parts where they are used",
                        )
                    ]
                )
        else:
            size = 1
        self.chars += size
        if self.chars > self.limits.max_total_chars:
            raise GenerativeUIValidationError(
                [
                    ErrorDetail(
                        path,
                        "too_large",
                        f"bindings put more than {self.limits.max_total_chars} characters"
                        " into the spec",
                        "bind smaller values, or fewer copies of them (repeat over fewer items)",
                    )
                ]
            )

    def read(self, binding: Mapping[str, Any], src: str, scope: Scope | None) -> Any:
        """``(value, state pointer or None)`` for a binding, or ``_MISSING`` (reported)."""
        if scope is not None and len(binding) == 1:  # the common case first: an item's value
            argument = binding.get("$item")
            tokens = self.pointers.get(argument) if type(argument) is str else None
            if tokens is not None:
                try:
                    return _follow(scope.item, tokens), scope.at + argument  # type: ignore[operator]
                except LookupError:
                    pass  # reported below
        if len(binding) != 1:
            self.error(
                src,
                "invalid_binding",
                "a binding has exactly one member ($state, $item or $index)",
                'write {"$state": "/pointer"}, {"$item": "/pointer"} or {"$index": true}',
            )
            return _MISSING
        kind, argument = next(iter(binding.items()))
        if kind == "$index":
            if argument is not True:
                self.error(src, "invalid_binding", "$index must be true", 'write {"$index": true}')
                return _MISSING
            if scope is None:
                self.error(
                    src,
                    "invalid_binding",
                    "$index is only defined inside a node with 'repeat'",
                    "move it below a node that repeats, or bind with $state",
                )
                return _MISSING
            return scope.number, None
        tokens = self.pointers.get(argument) if type(argument) is str else None
        if tokens is None:
            tokens = self.tokens(argument) if isinstance(argument, str) else None
        if tokens is None:
            self.error(
                src,
                "invalid_binding",
                f'{kind} takes a JSON Pointer such as "/items/0/name"',
                f'write {{"{kind}": "/path/to/value"}} ("" for the whole '
                f"{'state' if kind == '$state' else 'item'})",
            )
            return _MISSING
        if kind == "$item":
            if scope is None:
                self.error(
                    src,
                    "invalid_binding",
                    "$item is only defined inside a node with 'repeat'",
                    "move it below a node that repeats, or bind with $state",
                )
                return _MISSING
            document, pointer = scope.item, scope.at + argument
        else:
            document, pointer = self.state, argument
        try:
            if document is ABSENT:
                raise LookupError(pointer)
            value = _follow(document, tokens)
        except LookupError:
            if self.waiting:
                self.waits += 1
                return _MISSING
            self.error(
                src,
                "binding_missing",
                f"state has no value at {pointer or '/'!r}",
                missing_binding_hint(self.state, pointer),
                pointer,
            )
            return _MISSING
        return value, pointer

    def tokens(self, pointer: str) -> list[str] | None:
        """A pointer's tokens (``None``: not a JSON Pointer), parsed once per resolution."""
        if pointer in self.pointers:
            return self.pointers[pointer]
        try:
            tokens: list[str] | None = parse_pointer(pointer)
        except ValueError:
            tokens = None
        if len(self.pointers) < 100_000:
            self.pointers[pointer] = tokens
        return tokens

    def binding(
        self, binding: Mapping[str, Any], src: str, out: str, scope: Scope | None, node: str
    ) -> Any:
        """The value a binding at ``src`` reads, put at ``out`` in node ``node``'s props."""
        resolved: Any = _MISSING
        pointer: str | None = None
        if scope is not None and not self.record and len(binding) == 1:  # a copy's value
            argument = binding.get("$item")
            tokens = self.pointers.get(argument) if type(argument) is str else None
            if tokens is not None:
                try:  # (not contextlib.suppress: this runs once per bound value per copy)
                    resolved = _follow(scope.item, tokens)
                except LookupError:
                    resolved = _MISSING  # read() reports it
        if resolved is _MISSING:
            found = self.read(binding, src, scope)
            if found is _MISSING:
                return _MISSING
            resolved, pointer = found
        kind = type(resolved)
        if kind is str or kind is int or kind is float or kind is bool:
            self.chars += len(resolved) if kind is str else 1
            if self.chars > self.limits.max_total_chars:
                self.charge(resolved, src, out)  # reports it
        else:
            self.charge(resolved, src, out)
        if pointer is not None and self.record:
            self.result.reads.setdefault(node, []).append(pointer)
            self.result.bound[out] = (src, pointer)
        return resolved

    def value(self, value: Any, src: str, out: str, scope: Scope | None, node: str) -> Any:
        """``value`` with every binding inside it replaced (the same object if none)."""
        kind = type(value)
        if kind is str or kind is int or kind is float or kind is bool or value is None:
            return value
        if kind is dict or (kind is not list and isinstance(value, Mapping)):
            if "$state" in value or "$item" in value or "$index" in value:
                return self.binding(value, src, out, scope, node)
            plan = self.plans.get(id(value))
            first = plan is None or plan[0] is not value
            keys: Iterable[Any] = value if first else plan[1]  # type: ignore[index]
            copy: dict[str, Any] | None = None
            bound: list[Any] = []
            for entry in keys:
                key, token = (entry, None) if first else entry
                item = value[key]
                kind = type(item)
                if kind is str or kind is int or kind is float or kind is bool or item is None:
                    continue
                if token is None:
                    token = "/" + escape_token(key)
                if kind is dict and ("$state" in item or "$item" in item or "$index" in item):
                    new = self.binding(item, src + token, out + token, scope, node)
                else:
                    new = self.value(item, src + token, out + token, scope, node)
                if new is not item:
                    bound.append((key, token))
                    if copy is None:
                        copy = dict(value)
                    if new is _MISSING:
                        del copy[key]
                    else:
                        copy[key] = new
            if first:  # the next copy of this template visits only what was bound
                self.plans[id(value)] = (value, bound)
            return value if copy is None else copy
        if kind is list or isinstance(value, tuple):
            plan = self.plans.get(id(value))
            indexes: Iterable[int] = (
                plan[1] if plan is not None and plan[0] is value else range(len(value))
            )
            items: list[Any] | None = None
            changed: list[int] = []
            for index in indexes:
                item = value[index]
                kind = type(item)
                if kind is str or kind is int or kind is float or kind is bool or item is None:
                    continue
                new = self.value(item, f"{src}/{index}", f"{out}/{index}", scope, node)
                if new is not item:
                    changed.append(index)
                    if items is None:
                        items = list(value)
                    items[index] = None if new is _MISSING else new
            if plan is None or plan[0] is not value:
                self.plans[id(value)] = (value, changed)
            return value if items is None else items
        return value

    # -- conditions ----------------------------------------------------------------------

    def visible(self, condition: Any, src: str, scope: Scope | None, owner: str) -> bool:
        """Evaluate a ``visible`` condition (every part, so every problem is reported)."""
        if condition is True or condition is False:
            return condition
        if is_binding(condition):
            found = self.operand(condition, src, scope, owner)
            return found is not _MISSING and truthy(found)
        if isinstance(condition, Mapping) and len(condition) == 1:
            operator, argument = next(iter(condition.items()))
            if operator == "not":
                return not self.visible(argument, src + "/not", scope, owner)
            if operator in ("and", "or") and isinstance(argument, list) and argument:
                at = src + "/" + operator
                results = [
                    self.visible(part, f"{at}/{index}", scope, owner)
                    for index, part in enumerate(argument)
                ]
                return all(results) if operator == "and" else any(results)
            if operator in COMPARISONS and isinstance(argument, list) and len(argument) == 2:
                at = src + "/" + operator
                left = self.operand(argument[0], at + "/0", scope, owner)
                right = self.operand(argument[1], at + "/1", scope, owner)
                if left is _MISSING or right is _MISSING:
                    return False
                if operator == "eq":
                    return json_equal(left, right)
                if operator == "neq":
                    return not json_equal(left, right)
                return _ordered(operator, left, right)
        self.error(src, "invalid_condition", "not a condition genui knows", condition_hint())
        return False

    def operand(self, value: Any, src: str, scope: Scope | None, owner: str) -> Any:
        if is_binding(value):
            found = self.read(value, src, scope)
            if found is _MISSING:
                return _MISSING
            resolved, pointer = found
            if pointer is not None and self.record:
                self.result.reads.setdefault(owner, []).append(pointer)
            return resolved
        if value is None or isinstance(value, str | int | float):
            return value
        self.error(
            src,
            "invalid_condition",
            "a comparison compares JSON scalars or bindings",
            condition_hint(),
        )
        return _MISSING

    # -- nodes ---------------------------------------------------------------------------

    def nodes_of(self, value: Any) -> int:
        """How many nodes a subtree as sent holds (its repeats counted once)."""
        known = self.sizes.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        count, stack = 0, [value]
        while stack:
            item = stack.pop()
            count += 1
            children = _children_of(item)
            if isinstance(children, list | tuple):
                stack.extend(children)
            elif children is not None:
                stack.append(children)
        self.sizes[id(value)] = (value, count)
        return count

    def count(self, added: int, src: str) -> None:
        self.nodes += added
        if self.nodes > self.limits.max_nodes:
            raise GenerativeUIValidationError(
                [
                    ErrorDetail(
                        src,
                        "too_many_nodes",
                        "with its repeats written out, the spec has more than"
                        f" {self.limits.max_nodes} nodes",
                        "repeat over fewer items, or paginate the data",
                    )
                ]
            )

    def children(
        self,
        items: Sequence[Any],
        src_at: str,
        out_at: str,
        scope: Scope | None,
        owner: str,
        *,
        single: bool = False,
    ) -> list[Any] | Sequence[Any]:
        """The resolved children (or roots): repeats written out, hidden nodes left out.

        ``single``: ``items`` is a spec's one root node (sent at ``src_at`` itself).
        """
        out: list[Any] = []
        changed = False
        for index, child in enumerate(items):
            src = src_at if single else f"{src_at}/{index}"
            if is_binding(child):
                self.error(
                    src,
                    "invalid_binding",
                    "a child cannot be a binding",
                    'bind a Text node\'s text instead: {"component": "Text", "props": {"text":'
                    ' {"$item": "/name"}}}',
                )
                changed = True
                continue
            repeat, visible, flat = _meta(child)
            if repeat is None:
                if visible is not None and not self.visible(
                    visible, src + ("/$visible" if flat else "/visible"), scope, owner
                ):
                    changed = True
                    continue
                self.count(1, src)
                at = f"{out_at}/{len(out)}"
                if len(out) != index and self.record:
                    self.result.moved[at] = src
                waits = self.waits
                resolved = self.node(child, src, at, scope, None)
                if self.waits != waits:  # streaming: shown once its values have arrived
                    changed = True
                    continue
                changed = changed or resolved is not child
                out.append(resolved)
                continue
            changed = True
            array = self.array(repeat, src + ("/$repeat" if flat else "/repeat"), scope, owner)
            if array is None:
                continue
            pointer, values = array
            if self.nodes + len(values) * self.nodes_of(child) > self.limits.max_nodes:
                self.count(len(values) * self.nodes_of(child), src)  # refused before building
            for number, item in enumerate(values):
                item_scope = Scope(item, f"{pointer}/{number}", number)
                if visible is not None and not self.visible(
                    visible, src + ("/$visible" if flat else "/visible"), item_scope, owner
                ):
                    continue
                self.nodes += 1
                if self.nodes > self.limits.max_nodes:
                    self.count(0, src)
                at = f"{out_at}/{len(out)}"
                if self.record:
                    self.result.moved[at] = src
                waits = self.waits
                resolved = self.node(child, src, at, item_scope, number)
                if self.waits == waits:
                    out.append(resolved)
        return out if changed else items

    def array(
        self, binding: Any, src: str, scope: Scope | None, owner: str
    ) -> tuple[str, Sequence[Any]] | None:
        """The array a ``repeat`` binds, with its state pointer (``None``: reported)."""
        if not is_binding(binding) or "$index" in binding:
            self.error(
                src,
                "invalid_binding",
                "repeat takes a binding to an array",
                'write "repeat": {"$state": "/items"} (or {"$item": "/rows"} inside a repeat)',
            )
            return None
        found = self.read(binding, src, scope)
        if found is _MISSING:
            return None
        values, pointer = found
        assert pointer is not None
        if self.record:
            self.result.shapes.setdefault(owner, []).append(pointer)
        if not isinstance(values, list | tuple):
            self.error(
                src,
                "type_mismatch",
                f"repeat needs an array, and state has {json_type(values)} at {pointer or '/'!r}",
                "bind repeat to a list in state",
                pointer,
            )
            return None
        return pointer, values

    def node(self, value: Any, src: str, out: str, scope: Scope | None, copy: int | None) -> Any:
        """One node resolved (the node itself when nothing in it is bound)."""
        if type(value) is not dict:
            if isinstance(value, GenerativeUINode):
                return self.model_node(value, src, out, scope, copy)
            if not isinstance(value, Mapping):
                return value
        if "$type" in value:
            return self.flat_node(value, src, out, scope, copy)
        if "component" not in value:
            return value
        new = {key: item for key, item in value.items() if key not in _LEGACY_META}
        changed = len(new) != len(value)
        props = value.get("props")
        if type(props) is dict or isinstance(props, Mapping):
            resolved = self.value(props, src + "/props", out + "/props", scope, out)
            if resolved is not props:
                new["props"], changed = resolved, True
        children = value.get("children")
        if children is not None:
            items = children if isinstance(children, list | tuple) else [children]
            resolved = self.children(items, src + "/children", out + "/children", scope, out)
            if resolved is not items:
                new["children"], changed = resolved, True
        if copy is not None and isinstance(value.get("key"), str):
            new["key"], changed = f"{value['key']}:{copy}", True
        if self.record:
            self.origin(value, src, out, scope, copy)
        return new if changed else value

    def flat_node(
        self, value: Mapping[str, Any], src: str, out: str, scope: Scope | None, copy: int | None
    ) -> Any:
        new: dict[str, Any] = {}
        changed = False
        for name, item in value.items():
            if name in _FLAT_META:
                changed = True
                continue
            token = "/" + escape_token(name)
            if name == "children":
                items = item if isinstance(item, list | tuple) else [item]
                resolved = self.children(items, src + token, out + token, scope, out)
                if resolved is not items:
                    item, changed = resolved, True
            elif name == "$action" or not name.startswith("$"):
                resolved = self.value(item, src + token, out + token, scope, out)
                if resolved is _MISSING:
                    changed = True
                    continue
                if resolved is not item:
                    item, changed = resolved, True
            new[name] = item
        key = value.get("$key")
        if copy is not None and isinstance(key, str | int) and not isinstance(key, bool):
            new["$key"], changed = f"{key}:{copy}", True
        if self.record:
            self.origin(value, src, out, scope, copy)
        return new if changed else value

    def model_node(
        self, value: GenerativeUINode, src: str, out: str, scope: Scope | None, copy: int | None
    ) -> Any:
        props = self.value(value.props, src + "/props", out + "/props", scope, out)
        children = self.children(value.children, src + "/children", out + "/children", scope, out)
        key = value.key
        if copy is not None and key is not None:
            key = f"{key}:{copy}"
        if self.record:
            self.origin(value, src, out, scope, copy)
        if (
            props is value.props
            and children is value.children
            and key == value.key
            and value.repeat is None
            and value.visible is None
        ):
            return value
        return GenerativeUINode.model_construct(
            component=value.component, props=props, children=list(children), key=key
        )

    def origin(self, value: Any, src: str, out: str, scope: Scope | None, copy: int | None) -> None:
        """Remember how to resolve a node again, if it reads state."""
        if out in self.result.reads or out in self.result.shapes:
            self.result.origins[out] = (value, src, scope, copy)


def resolve(
    root: Any,
    state: Any,
    limits: Limits,
    *,
    given: str = "/root",
    state_prefix: str = "/state",
    waiting: bool = False,
    record: bool = True,
) -> Resolution:
    """Resolve a spec's ``root`` against its ``state`` (see the module docstring).

    ``given`` is where the root sits in the document as sent. Problems with bindings are in
    :attr:`Resolution.errors`; a repeat whose copies would pass ``limits.max_nodes`` or bound
    values past ``limits.max_total_chars`` raise :class:`GenerativeUIValidationError`
    before they are built. ``waiting``: the spec is still streaming (``state`` may be
    :data:`ABSENT`): a node that reads a value not there yet is left out, not an error.
    ``record=False`` leaves :attr:`Resolution.moved`, ``bound``, ``reads``, ``shapes`` and
    ``origins`` empty (for a render that has nothing to report or to stream).
    """
    result = Resolution(root, state_prefix=state_prefix, source=(root, state))
    resolver = _Resolver(state, limits, result, waiting=waiting, record=record)
    if isinstance(root, list | tuple):
        result.root = resolver.children(root, given, given, None, "")
    else:
        repeat, visible, _ = _meta(root)
        if repeat is None and visible is None:
            resolver.count(1, given)
            result.root = resolver.node(root, given, given, None, None)
            if resolver.waits:
                result.root = []
        else:  # a root that repeats, or may hide, is a list of roots
            result.root = resolver.children([root], given, given, None, "", single=True)
    return result


def resolve_node(
    resolution: Resolution, path: str, state: Any, limits: Limits
) -> Resolution | None:
    """Resolve the node at resolved ``path`` again, against a new ``state``.

    For a state patch: the node as :func:`resolve` would build it there now (the
    result's ``root``) and that part's maps; ``None`` when the node cannot be resolved on
    its own any more (its repeat item is gone: resolve the whole spec).
    """
    value, src, scope, copy = resolution.origins[path]
    if scope is not None:
        try:
            scope = Scope(lookup(state, scope.at), scope.at, scope.number)
        except LookupError:
            return None
    part = Resolution(None, state_prefix=resolution.state_prefix)
    part.root = _Resolver(state, limits, part).node(value, src, path, scope, copy)
    return part


class _Trie:
    __slots__ = ("below", "reads", "shapes")

    def __init__(self) -> None:
        self.below: dict[str, _Trie] = {}
        self.reads: set[str] = set()
        self.shapes: set[str] = set()


class DependencyIndex:
    """Which nodes read which state pointers: what a state patch must re-render.

    Built from a :class:`Resolution`'s ``reads`` and ``shapes``; :meth:`affected` is
    linear in the changed pointer's length plus what it finds.
    """

    def __init__(self, resolution: Resolution) -> None:
        self._root = _Trie()
        for path, pointers in resolution.reads.items():
            self.add(path, pointers, ())
        for path, pointers in resolution.shapes.items():
            self.add(path, (), pointers)

    def _at(self, pointer: str, create: bool) -> _Trie | None:
        trie: _Trie | None = self._root
        for token in parse_pointer(pointer):
            assert trie is not None
            below = trie.below.get(token)
            if below is None:
                if not create:
                    return None
                below = trie.below[token] = _Trie()
            trie = below
        return trie

    def add(self, path: str, reads: Sequence[str], shapes: Sequence[str]) -> None:
        """Record that the node at ``path`` reads ``reads`` and repeats over ``shapes``."""
        for pointer in reads:
            trie = self._at(pointer, True)
            assert trie is not None
            trie.reads.add(path)
        for pointer in shapes:
            trie = self._at(pointer, True)
            assert trie is not None
            trie.shapes.add(path)

    def discard(self, path: str, reads: Sequence[str], shapes: Sequence[str]) -> None:
        """Forget what :meth:`add` recorded for the node at ``path``."""
        for pointer in reads:
            trie = self._at(pointer, False)
            if trie is not None:
                trie.reads.discard(path)
        for pointer in shapes:
            trie = self._at(pointer, False)
            if trie is not None:
                trie.shapes.discard(path)

    def affected(self, pointer: str) -> set[str]:
        """The nodes a change of the state value at ``pointer`` re-renders.

        A node reading a pointer at, above or below it (a changed item changes the list
        that holds it); a node repeating over an array at or below it.
        """
        found: set[str] = set()
        trie = self._root
        for token in parse_pointer(pointer):
            found |= trie.reads
            below = trie.below.get(token)
            if below is None:
                return found
            trie = below
        stack = [trie]
        while stack:
            trie = stack.pop()
            found |= trie.reads
            found |= trie.shapes
            stack.extend(trie.below.values())
        return found


_FIELD_VALUES: Final = ("value", "checked")
"""The props an input's current value sits in (``Checkbox`` uses ``checked``)."""


def bound_fields(resolution: Resolution, node: Any, path: str) -> dict[str, str]:
    """Field name → state pointer, for each form field inside ``node`` bound to state.

    ``node`` is a clean node at resolved ``path``. What writing a submitted form back to
    state needs (:func:`genui.apply_reply`).
    """
    found: dict[str, str] = {}
    stack = [(node, path)]
    while stack:
        current, at = stack.pop()
        if not isinstance(current, GenerativeUINode):
            continue
        name = current.props.get("name")
        if isinstance(name, str):
            for prop in _FIELD_VALUES:
                for where in (f"{at}/props/{prop}", f"{at}/{prop}"):
                    bound = resolution.bound.get(where)
                    if bound is not None and bound[1]:
                        found[name] = bound[1]
        stack.extend((child, f"{at}/children/{i}") for i, child in enumerate(current.children))
    return found


def writeback_ops(fields: Mapping[str, str], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JSON Patch ops writing submitted ``values`` to the state pointers of ``fields``.

    ``values`` are what the action's inputs model validated (JSON-ready); fields without
    a value, or not bound, are left as they are.
    """
    ops: list[dict[str, Any]] = []
    for name, pointer in sorted(fields.items()):
        if name not in values:
            continue
        last = pointer.rsplit("/", 1)[-1]
        kind = "replace" if ARRAY_INDEX.fullmatch(last) else "add"
        ops.append({"op": kind, "path": "/state" + pointer, "value": values[name]})
    return ops


def changed_pointers(ops: Any, *, max_pointers: int = 64) -> list[str] | None:
    """The state pointers a patch changes, if it changes ``state`` only (else ``None``).

    ``ops``: a list of JSON Patch ops (plain dicts, as :func:`genui.parse_patch_ops` gives
    them) or a merge patch. Adding or removing an array item changes the array (the items
    after it move). ``None`` too past ``max_pointers``, or when all of ``state`` changes.
    """
    pointers: list[str] = []
    if isinstance(ops, Mapping):
        if set(ops) != {"state"} or not isinstance(ops["state"], Mapping):
            return None
        stack: list[tuple[str, Any]] = [("", ops["state"])]
        while stack:
            at, members = stack.pop()
            for key, value in members.items():
                pointer = f"{at}/{escape_token(key)}"
                if isinstance(value, Mapping) and value:
                    stack.append((pointer, value))
                else:
                    pointers.append(pointer)
            if len(pointers) > max_pointers:
                return None
        return pointers
    for op in ops:
        kind = op.get("op")
        if kind == "test":
            continue
        for member in ("path", "from") if kind in ("move", "copy") else ("path",):
            if member == "from" and kind == "copy":
                continue
            path = op.get(member)
            if not isinstance(path, str) or not path.startswith("/state/"):
                return None
            pointer = path[len("/state") :]
            if kind in ("add", "remove", "move", "copy"):
                last = pointer.rsplit("/", 1)[-1]
                if last == "-" or ARRAY_INDEX.fullmatch(last):
                    pointer = pointer[: pointer.rfind("/")]
            if not pointer:
                return None
            pointers.append(pointer)
        if len(pointers) > max_pointers:
            return None
    return pointers


def _meta(value: Any) -> tuple[Any, Any, bool]:
    """A node's ``repeat`` and ``visible`` (``None`` when absent), and whether it is flat."""
    if type(value) is dict and "$type" not in value:
        if "component" in value:
            return value.get("repeat"), value.get("visible"), False
        return None, None, False
    if isinstance(value, GenerativeUINode):
        return value.repeat, value.visible, False
    if isinstance(value, Mapping):
        if "$type" in value:
            return value.get("$repeat"), value.get("$visible"), True
        if "component" in value:
            return value.get("repeat"), value.get("visible"), False
    return None, None, False


def _children_of(value: Any) -> Any:
    if isinstance(value, GenerativeUINode):
        return value.children
    if isinstance(value, Mapping):
        return value.get("children")
    return None


def _chars_and_depth(value: Any) -> tuple[int, int]:
    """Characters of a JSON value's strings (keys, and 1 per other scalar) and its depth."""
    total, deepest = 0, 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, Mapping):
            deepest = max(deepest, depth)
            total += sum(len(key) for key in item if isinstance(key, str))
            stack.extend((member, depth + 1) for member in item.values())
        elif isinstance(item, list | tuple):
            deepest = max(deepest, depth)
            stack.extend((member, depth + 1) for member in item)
        else:
            total += 1
    return total, deepest
