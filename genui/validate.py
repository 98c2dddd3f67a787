"""Validate an agent's spec before it is delivered: every problem at once, and a clean spec.

:func:`validate` is the front door of genui's pipeline. It takes whatever an agent or a
client sends — a dict, JSON text or bytes, a :class:`~genui.GenerativeUISpec`; a bare spec
``{"root": ...}``, an assistant-ui message part ``{"type": "generative-ui", "spec": ...}``
or ``render_gui`` tool arguments/results ``{"spec": ...}``; nodes in the legacy shape
``{"component", "props", "children", "key"}`` or assistant-ui's flat shape
``{"$type", "$key", "$action", "children", <prop>: ...}``, mixed freely — and never raises
on bad input. It returns a :class:`ValidationResult` with:

* ``errors``: **every** problem, each an :class:`~genui.ErrorDetail` whose ``path`` is a
  JSON Pointer into the input *as given* (flat or legacy, envelope included) and whose
  ``hint`` tells the agent how to fix it;
* ``spec``: the cleaned :class:`~genui.GenerativeUISpec`, safe to deliver — unknown
  components, invalid or forbidden props, unsafe URLs and children a parent does not
  take removed, exactly as the renderer drops them (``None`` when the input is not a
  spec at all or is over a limit);
* ``report``: the :class:`~genui.SanitizeReport` of what was removed.

The rules applied here are the renderer's: :class:`~genui.Renderer` writes what this
module validated. Cost is linear in the input: limits are checked before any deep work
(:mod:`genui.limits`), every node is looked at once, and a node's props are validated at
most once per prop dropped (at most :attr:`~genui.Limits.max_props_per_node` + 1 times).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, NamedTuple, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from genui.actions import ACTION_NAME_PATTERN, ActionProblem, ActionRef, Actions
from genui.compiled import IndexedReport, compiled_registry, events_by_node
from genui.components import default_registry
from genui.errors import ErrorDetail, GenerativeUIError, GenerativeUIValidationError
from genui.flat import document_members, legacy_tree, path_as_sent
from genui.hints import (
    action_hint,
    children_hint,
    prop_hint,
    unknown_component_hint,
    unknown_prop_hint,
    url_hint,
)
from genui.limits import DEFAULT_LIMITS, MAX_INTEGER, Limits, check_limits
from genui.nested_names import forbidden_keys, free_key_fields, without_keys
from genui.pointer import escape_token, format_pointer, parse_pointer
from genui.registry import Component, Registry
from genui.sanitize import (
    CONTEXT_PATH,
    CONTEXT_REPORT,
    DEFAULT_URL_POLICY,
    SanitizeEvent,
    SanitizeReport,
    UrlPolicy,
    forbidden_prop_reason,
    url_fields,
    validation_context,
)
from genui.spec import (
    COMPONENT_NAME_PATTERN,
    GenerativeUINode,
    GenerativeUISpec,
    NodeValue,
    decode_json,
    error_code,
    loc_to_pointer,
)
from genui.state import ABSENT, Resolution, json_equal, resolve

__all__ = ["Checker", "ValidationMemo", "ValidationResult", "checker_for", "validate"]

_LEGACY_KEYS: Final = frozenset({"component", "props", "children", "key"})
_FLAT_KEYS: Final = frozenset({"$type", "$key", "$action", "children"})
_SPEC_KEYS: Final = frozenset({"root", "state"})
_LEGACY_META: Final = ("repeat", "visible")
_FLAT_META: Final = ("$repeat", "$visible")
_NODE_TYPE_HINT: Final = (
    'a node is a string, a number, or an object with "component" (or "$type") naming a component'
)

_NAME: Final = re.compile(COMPONENT_NAME_PATTERN)
_ACTION_NAME: Final = re.compile(ACTION_NAME_PATTERN)
_NO_ACTIONS: Final = Actions()

Path = str
"""A JSON Pointer into the input as given, built token by token on the way down."""


def _at(pointer: Path, token: object) -> Path:
    """``pointer`` extended by one reference token (escaped as RFC 6901 requires)."""
    return f"{pointer}/{escape_token(str(token))}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """What :func:`validate` found: every problem, and the spec that is safe to deliver."""

    errors: tuple[ErrorDetail, ...]
    """Every problem, in input order, each with its JSON Pointer, code, message and hint."""
    _spec: GenerativeUISpec | Callable[[], GenerativeUISpec] | None
    report: SanitizeReport = field(default_factory=SanitizeReport)
    """What cleaning removed, per node (paths into the input as given)."""
    unknown_components: tuple[tuple[str, str], ...] = ()
    """``(JSON Pointer of the node, name)`` of every node whose component is unknown."""
    _typed: Mapping[int, tuple[GenerativeUINode, BaseModel]] = field(
        default_factory=dict, repr=False, compare=False
    )
    resolution: Resolution | None = field(default=None, repr=False, compare=False)
    """For a spec with ``state``: its bindings resolved (the clean spec is that literal
    tree), the maps back to the spec as sent, and which nodes read which state pointers."""

    @property
    def spec(self) -> GenerativeUISpec | None:
        """The cleaned spec (``None`` when the input is not a usable spec at all).

        For JSON text that was valid as sent, it is built on first access.
        """
        spec = self._spec
        if callable(spec):
            spec = spec()
            object.__setattr__(self, "_spec", spec)
        return spec

    @property
    def bound_spec(self) -> GenerativeUISpec | None:
        """The clean spec with its ``state`` and bindings kept, for renderers that bind.

        For client renderers that resolve bindings themselves: the spec as sent when it
        has state, is in the legacy node shape and validating it changed nothing (every
        binding resolved to a value that passed as it was); in every other case
        :attr:`spec`, the resolved literal tree, which needs no bindings.
        """
        resolution = self.resolution
        if resolution is None or resolution.source is None or self.errors or self.report:
            return self.spec
        root, state = resolution.source
        try:
            return GenerativeUISpec.model_validate({"root": root, "state": state})
        except ValidationError:
            return self.spec

    def with_node(self, path: str, result: ValidationResult) -> ValidationResult:
        """A copy of the result with the node at ``path`` replaced by ``result``'s root.

        For a node checked again on its own (:meth:`Checker.validate_node`, a state patch):
        the clean spec is rebuilt along ``path`` only, each rebuilt ancestor keeps its typed
        props, and the new node brings its own.
        """
        spec, part = self.spec, result.spec
        assert spec is not None and part is not None
        [node] = part.roots
        typed = (
            {**self._typed, **result._typed} if self._typed is not result._typed else self._typed
        )
        tokens = path.split("/")[2:]  # after "/root"
        root = spec.root
        if isinstance(root, list):
            roots = list(root)
            at = int(tokens[0])
            roots[at] = _replaced(roots[at], tokens[1:], node, typed)
            new = spec.model_copy(update={"root": roots})
        else:
            new = spec.model_copy(update={"root": _replaced(root, tokens, node, typed)})
        return replace(self, _spec=new, _typed=typed)

    def props_model(self, node: GenerativeUINode) -> BaseModel | None:
        """The validated props of a component node of :attr:`spec` (``None`` for others)."""
        entry = self._typed.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else None

    @property
    def ok(self) -> bool:
        """Whether the input was valid as sent (no errors)."""
        return not self.errors

    def raise_for_errors(self) -> None:
        """Raise :class:`~genui.GenerativeUIValidationError` carrying every error, if any."""
        if self.errors:
            raise GenerativeUIValidationError(self.errors)

    def to_dict(self) -> dict[str, Any]:
        """A JSON body for an HTTP 422 or a tool result: ``{"ok", "errors", "report"}``."""
        return {
            "ok": self.ok,
            "errors": [detail.to_dict() for detail in self.errors],
            "report": self.report.to_list(),
        }

    def repair_prompt(self) -> str:
        """Compact text for an agent's repair turn: every error with its path and fix."""
        if not self.errors:
            return "The UI spec is valid."
        count = len(self.errors)
        lines = [
            f"The UI spec has {count} problem{'s' if count != 1 else ''}. "
            "Fix all of them and send the whole spec again:"
        ]
        for detail in self.errors:
            line = f"- {detail.path or '/'}: {detail.message} [{detail.code}]"
            if detail.hint:
                line += f" -> {detail.hint}"
            lines.append(line)
        return "\n".join(lines)


def validate(
    data: Any,
    *,
    registry: Registry | None = None,
    actions: Actions | None = None,
    policy: UrlPolicy | None = None,
    limits: Limits | None = None,
) -> ValidationResult:
    """Validate anything an agent or client sends; never raises on bad input.

    ``registry`` is the component allowlist (default :func:`genui.default_registry`),
    ``actions`` the :class:`~genui.Actions` a spec may bind (none by default),
    ``policy`` the :class:`~genui.UrlPolicy` for URL props, ``limits`` the hard
    :class:`~genui.Limits` (checked before any deep work).

    >>> result = validate({"root": {"$type": "Heading", "level": 9, "text": "Hi"}})
    >>> result.ok, [(e.path, e.code) for e in result.errors]
    (False, [('/root/level', 'invalid_value')])
    >>> result.spec.root.props
    {'text': 'Hi'}
    """
    return checker_for(
        registry if registry is not None else default_registry(), policy, limits, actions
    ).validate(data)


_CHECKERS: dict[tuple[Registry, UrlPolicy | None, Limits | None, Actions | None], Checker] = {}
_MAX_CHECKERS = 32


def checker_for(
    registry: Registry,
    policy: UrlPolicy | None,
    limits: Limits | None,
    actions: Actions | None = None,
) -> Checker:
    """A :class:`Checker` per configuration, built on first use and kept (bounded)."""
    key = (registry, policy, limits, actions)
    checker = _CHECKERS.get(key)
    if checker is None:
        if len(_CHECKERS) >= _MAX_CHECKERS:
            _CHECKERS.pop(next(iter(_CHECKERS)))
        checker = Checker(registry, policy=policy, limits=limits, actions=actions)
        _CHECKERS[key] = checker
    return checker


class ValidationMemo:
    """Remembers validated subtrees by the identity of the node object and its place.

    Specs are immutable and patches share unchanged subtrees, so a node object seen
    before at the same place validates to the same clean node, errors and events.
    :class:`~genui.SpecStream` keeps one per stream (inside its
    :class:`~genui.RenderCache`) so each update validates only what changed. Use one
    memo per :class:`Checker` configuration. Bounded: past ``max_entries`` it starts over.
    """

    __slots__ = (
        "checked",
        "latest_only",
        "lists",
        "max_entries",
        "places",
        "props",
        "roots",
        "shared",
        "superseded",
        "typed",
    )

    def __init__(self, max_entries: int = 200_000, *, latest_only: bool = False) -> None:
        self.checked: dict[Path, _Checked] = {}
        """Place → what validating the node last given there gave (kept while it is the
        very object given there: one entry per place, a superseded one is evicted)."""
        self.typed: dict[int, tuple[GenerativeUINode, BaseModel]] = {}
        """id of a clean node → the node and its validated props."""
        self.props: dict[Path, _CheckedProps] = {}
        """The props last validated at each place (node models only)."""
        self.roots: dict[Path, _Roots] = {}
        """The root list last validated, per envelope: unchanged roots are found by identity."""
        self.lists: dict[Path, _Roots] = {}
        """A long children list last validated, per place of its node (see
        :data:`_BULK_CHILDREN`): its leading unchanged children are replayed in bulk."""
        self.shared: dict[int, tuple[list[Any], list[Any], int]] = {}
        """What the caller knows of the lists it gives: ``id(new) → (new, old, n)`` says the
        first ``n`` items of ``new`` are the very items of ``old`` (a stream rebuilding a
        children list from the one before). Where ``old`` is the list validated last time at
        a place, that prefix is taken without comparing it item by item. Set before a
        validation, cleared by the caller after it."""
        self.max_entries = max_entries
        """Past this many entries the memo starts over (bounded memory)."""
        self.latest_only = latest_only
        """Forget the validated props of a node superseded at its place, so the memo holds
        about one spec's worth (what a stream needs: it only ever renders its latest result).
        A result validated earlier with this memo may then no longer render its superseded
        nodes; leave it off to render older results again."""
        self.places: dict[int, int] = {}
        """id of a clean node → at how many places of :attr:`checked` it is (one node object
        may sit at several: a repeat's copies, a patch's ``copy``); its typed props are
        forgotten only when the last of them is superseded."""
        self.superseded: dict[int, tuple[GenerativeUINode, BaseModel]] = {}
        """With ``latest_only``: what the last validation forgot (each superseded clean
        node and its props), until the next one starts. A stream reads it to compare the
        node it shows with the one replacing it (so it can send only what changed)."""

    def __len__(self) -> int:
        return len(self.checked) + len(self.typed) + len(self.props) + len(self.lists)

    def clear(self) -> None:
        """Forget everything."""
        self.checked.clear()
        self.typed.clear()
        self.props.clear()
        self.roots.clear()
        self.lists.clear()
        self.shared.clear()
        self.superseded.clear()
        self.places.clear()


class _Checked(NamedTuple):
    source: Any
    """The node as given (kept alive, so its id cannot be reused)."""
    clean: NodeValue | None
    errors: tuple[ErrorDetail, ...]
    events: tuple[SanitizeEvent, ...]
    unknown_names: tuple[tuple[str, str], ...]
    nodes: int


class _CheckedProps(NamedTuple):
    component: str
    props: dict[str, Any]
    """The props as given (kept alive, so an identity match is real)."""
    model: BaseModel | None
    clean: dict[str, Any]
    errors: tuple[ErrorDetail, ...]
    events: tuple[SanitizeEvent, ...]


class _Roots:
    """The root list a memo last validated: each root's result, and running totals.

    With the totals, the leading roots that are the very objects validated last time are
    taken in bulk (their nodes, errors, events and clean nodes), not one by one.
    """

    __slots__ = (
        "errors",
        "events",
        "given",
        "hits",
        "items",
        "marks",
        "owner",
        "same",
        "sources",
        "unknown",
    )

    def __init__(
        self,
        hits: list[_Checked | None],
        last: _Roots | None = None,
        start: int = 0,
        owner: str = "",
        given: Sequence[Any] = (),
    ):
        """Totals of ``hits`` (of the items of ``given``); the first ``start`` are ``last``'s."""
        self.hits = hits
        self.given = given
        """The list validated (its object: see :attr:`ValidationMemo.shared`)."""
        self.owner = owner
        """The component whose children these are (``""``: a spec's roots)."""
        self.marks: list[tuple[int, int, int, int, int]]
        """``marks[i]``: nodes, clean items, errors, events and unknown names of the first
        ``i`` roots."""
        if last is None or start == 0:
            self.marks = [(0, 0, 0, 0, 0)]
            self.items: list[NodeValue] = []
            self.errors: list[ErrorDetail] = []
            self.events: list[SanitizeEvent] = []
            self.unknown: list[tuple[str, str]] = []
        else:  # slices copy at C speed: the shared prefix costs no Python per root
            mark = last.marks[start]
            self.marks = last.marks[: start + 1]
            self.items = last.items[: mark[1]]
            self.errors = last.errors[: mark[2]]
            self.events = last.events[: mark[3]]
            self.unknown = last.unknown[: mark[4]]
        reused = len(self.marks) - 1
        self.sources: list[Any] = [] if last is None or start == 0 else last.sources[:reused]
        """The given values of the leading ``hits`` that are not None (C-speed compare)."""
        self.same: int = 0 if last is None or start == 0 else min(last.same, reused)
        """How many leading hits gave back their very source (nothing in them was cleaned)."""
        nodes = self.marks[-1][0]
        for hit in hits[reused:]:
            if hit is None:
                break
            self.sources.append(hit.source)
            if hit.clean is hit.source and self.same == len(self.sources) - 1:
                self.same += 1
            nodes += hit.nodes
            if hit.clean is not None:
                self.items.append(hit.clean)
            self.errors.extend(hit.errors)
            self.events.extend(hit.events)
            self.unknown.extend(hit.unknown_names)
            self.marks.append(
                (nodes, len(self.items), len(self.errors), len(self.events), len(self.unknown))
            )

    def unchanged(self, root: Sequence[Any], memo: ValidationMemo) -> int:
        """How many leading roots are the very objects validated last time.

        Found in ``memo.shared`` when the caller said ``root`` shares a prefix with the very
        list validated last time; else compared item by item (at C speed).
        """
        known = memo.shared.get(id(root))
        if known is not None and known[0] is root and known[1] is self.given:
            return min(known[2], len(self.sources))  # (sources[i] is given[i] for each i)
        return _same_prefix(self.sources, root)  # (marks cover exactly the sources)


def _same_prefix(known: Sequence[Any], given: Sequence[Any]) -> int:
    """How many leading items of ``given`` are the very objects of ``known`` (at C speed)."""
    flags = bytes(map(operator.is_, known, given))
    index = flags.find(0)
    return len(flags) if index < 0 else index


_BULK_CHILDREN = 8
"""From this many children on, a node's children list is remembered whole (see
:attr:`ValidationMemo.lists`), so a patch adding one child does not replay every other."""


class _NotASpecError(Exception):
    """The input is not a spec at all (or over a limit): nothing usable is left."""


class Checker:
    """Applies one registry, URL policy and limits to specs: the rules of :func:`validate`.

    The renderer holds one; ``keep_unknown`` keeps unknown components in the tree (as
    nodes without typed props) for a renderer that has a fallback for them.
    """

    __slots__ = ("_entries", "_url_contexts", "actions", "limits", "policy", "registry")

    def __init__(
        self,
        registry: Registry,
        *,
        policy: UrlPolicy | None = None,
        limits: Limits | None = None,
        actions: Actions | None = None,
    ) -> None:
        self.registry = registry
        self.actions = actions if actions is not None else _NO_ACTIONS
        self.policy = policy if policy is not None else DEFAULT_URL_POLICY
        self.limits = limits if limits is not None else DEFAULT_LIMITS
        self._entries: dict[str, _Entry] = {}
        self._url_contexts: dict[type[BaseModel], dict[str, str]] = {}

    def validate(
        self,
        data: Any,
        *,
        keep_unknown: bool = False,
        memo: ValidationMemo | None = None,
        waiting: bool = False,
    ) -> ValidationResult:
        """Validate ``data`` (see :func:`validate`); ``memo`` reuses earlier subtrees.

        ``waiting``: ``data`` is a spec still streaming, which may read state that has
        not arrived: a node whose bound values are missing is left out, not an error.
        """
        if memo is None and not waiting and isinstance(data, str | bytes | bytearray):
            valid = self._valid_text(data)
            if valid is not None:
                return valid
        walk = self._walk(keep_unknown, memo)
        walk.waiting = waiting
        return walk.run(walk.document, data)

    def _valid_text(self, text: str | bytes | bytearray) -> ValidationResult | None:
        """The result for JSON text that is valid as sent, found in one pydantic-core pass.

        The one-pass validator (:mod:`genui.compiled`) runs the very props models the
        walk runs; it accepts a subset of valid specs (no envelope, no flat node with
        ``$action``/``$repeat``/``$visible``, nothing to report but dropped URLs). Anything
        else returns None and takes the walk, which reports every problem. The clean spec
        is then the spec as sent (in the legacy shape, null props left out), built on first
        access.
        """
        nulls = (b"null" in text) if not isinstance(text, str) else ("null" in text)
        flat = (b"$type" in text) if not isinstance(text, str) else ("$type" in text)
        try:
            data = decode_json(text, self.limits)
            if type(data) is not dict or len(data) != 1 or "root" not in data:
                return None
            check_limits(data, self.limits, text=text)
        except GenerativeUIError:
            return None
        compiled = compiled_registry(self.registry)
        collector = IndexedReport()
        context = validation_context(policy=self.policy, report=collector, limits=self.limits)
        try:
            root = compiled.validate(data, context, normalize=nulls, flat=flat)
        except ValidationError:
            return None
        if not self._placed(root):
            return None
        flat_members = document_members(data) if flat else None
        dropped = events_by_node(root, collector, compiled.counted)
        if len(dropped) != len(collector):
            return None
        errors: list[ErrorDetail] = []
        report = SanitizeReport()
        for path, node, event in dropped:
            entry = self.entry(node.component)
            if entry is None or event.prop not in entry.url_contexts:
                return None  # an app model's own report, or a URL inside a prop: be precise
            at = f"{path}/props/{escape_token(event.prop)}"
            errors.append(
                ErrorDetail(
                    at if flat_members is None else path_as_sent(at, flat_members),
                    "unsafe_url",
                    event.detail,
                    url_hint(self.policy, entry.url_contexts[event.prop]),
                )
            )
            report.add(path, event.prop, event.reason, event.detail)
        drops = [(path, event.prop) for path, _, event in dropped]
        return ValidationResult(
            tuple(errors), lambda: _as_sent(_legacy(data) if flat else data, nulls, drops), report
        )

    def _placed(self, root: Any) -> bool:
        """Whether every node of a one-pass validation sits where its parent takes it."""
        stack: list[tuple[Any, _Entry | None]] = [
            (item, None) for item in (root if type(root) is list else [root])
        ]
        while stack:
            value, parent = stack.pop()
            kind = type(value)
            if kind is str or kind is int or kind is float:
                if parent is not None and not parent.takes_text:
                    return False
                continue
            entry = self.entry(value.component)
            if entry is None:  # pragma: no cover - the one-pass union has only known names
                return False
            if entry.takes_action and value.props.action is not None:
                return False  # action bindings are checked by the walk
            if parent is None:
                if not entry.component.standalone:
                    return False
            elif value.component not in parent.child_names:
                return False
            stack.extend((child, entry) for child in value.children)
        return True

    def validate_node(
        self,
        value: Any,
        given: Path,
        *,
        keep_unknown: bool = False,
        memo: ValidationMemo | None = None,
    ) -> ValidationResult:
        """Validate one node found at ``given`` on its own (a streaming update target).

        Its placement is not checked (its parent was); the result's spec has it as
        its only root.
        """
        walk = self._walk(keep_unknown, memo)
        depth = given.count("/children/") + 1
        return walk.run(walk.single, value, given, depth)

    def _walk(self, keep_unknown: bool, memo: ValidationMemo | None) -> _Walk:
        if memo is not None and len(memo) > memo.max_entries:
            memo.clear()
        return _Walk(self, keep_unknown=keep_unknown, memo=memo)

    def entry(self, name: str) -> _Entry | None:
        """What checking a node of component ``name`` needs, worked out once."""
        entry = self._entries.get(name)
        if entry is None:
            component = self.registry.get(name)
            if component is None:
                return None
            registry = self.registry
            entry = _Entry(
                component,
                frozenset(
                    child for child, other in registry.items() if component.accepts_child(other)
                ),
                component.accepts_child("text"),
                frozenset(component.props_model.model_fields),
                {
                    name: marker.context
                    for name, marker in url_fields(component.props_model).items()
                },
                "action" in component.props_model.model_fields,
                free_key_fields(component.props_model),
            )
            self._entries[name] = entry
        return entry

    def parents_of(self, name: str) -> str:
        """The components that take ``name`` as a child, in words (``List or Table``)."""
        parents = sorted(
            other.name
            for other in self.registry.values()
            if isinstance(other.children_policy, frozenset) and name in other.children_policy
        )
        return " or ".join(parents) if parents else "parent that lists it"

    def standalone_names(self) -> list[str]:
        """The components allowed at the root."""
        return [name for name, component in self.registry.items() if component.standalone]


@dataclass(frozen=True, slots=True)
class _Entry:
    component: Component
    child_names: frozenset[str]
    takes_text: bool
    prop_names: frozenset[str]
    url_contexts: dict[str, str]
    takes_action: bool
    """Whether the component has an ``action`` prop (an :class:`~genui.ActionRef`)."""
    free_keys: frozenset[str]
    """Props whose values may hold mappings with keys the agent chose (see
    :mod:`genui.nested_names`): their keys are checked at every depth."""


@dataclass(slots=True)
class _Form:
    """A node bound to an action, while its subtree is walked."""

    path: Path
    action: str
    inputs: frozenset[str]
    """The field names the action's inputs model declares."""
    seen: set[str] = field(default_factory=set)
    """The field names found under the node so far."""


class _Placement:
    """Where a node sits when it has no parent entry: at the root, or anywhere."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


_ROOT: Final = _Placement("root")
"""A root node: only standalone components."""
_ANYWHERE: Final = _Placement("anywhere")
"""A node validated on its own (a streaming update target): its placement is not checked."""
_Parent = Union["_Entry", _Placement]


def _hinted(details: Sequence[ErrorDetail], limits: Limits) -> list[ErrorDetail]:
    """Add a hint to errors raised by the shared parsers (JSON text, limits)."""
    hints = {
        "invalid_json": "send one complete, valid JSON document",
        "too_large": f"keep the input under {limits.max_input_bytes} bytes",
        "too_deep": f"nest nodes at most {limits.max_depth} deep",
        "too_many_nodes": f"use at most {limits.max_nodes} nodes",
        "too_many_values": f"use at most {limits.max_values} JSON values",
        "too_many_props": f"give a node at most {limits.max_props_per_node} props",
        "too_long": f"keep strings under {limits.max_string_length} characters",
        "too_much_text": (
            f"keep all text under {limits.max_total_chars} characters (a copied string "
            "counts every time)"
        ),
        "number_too_large": "keep integers within 64 bits",
    }
    return [
        detail if detail.hint else ErrorDetail(*_fields(detail), hints.get(detail.code, ""))
        for detail in details
    ]


def _fields(detail: ErrorDetail) -> tuple[str, str, str]:
    return detail.path, detail.code, detail.message


class _Walk:
    """One validation: the errors, the report and the typed props found on the way."""

    __slots__ = (
        "checker",
        "context",
        "errors",
        "flat_actions",
        "forms",
        "from_text",
        "keep_unknown",
        "memo",
        "nodes",
        "report",
        "resolution",
        "typed",
        "unknown_names",
        "waiting",
    )

    def __init__(
        self, checker: Checker, *, keep_unknown: bool, memo: ValidationMemo | None
    ) -> None:
        self.checker = checker
        self.keep_unknown = keep_unknown
        self.memo = memo
        self.errors: list[ErrorDetail] = []
        self.report = SanitizeReport()
        self.typed: dict[int, tuple[GenerativeUINode, BaseModel]] = (
            memo.typed if memo is not None else {}
        )
        if memo is not None:
            memo.superseded.clear()  # what the previous validation forgot: no longer needed
        self.unknown_names: list[tuple[str, str]] = []
        self.nodes = 0
        """Nodes looked at so far (the limit holds for specs built in Python too)."""
        self.context = validation_context(policy=checker.policy, limits=checker.limits)
        self.from_text = False
        """Whether the spec was decoded from JSON text (then every value is JSON)."""
        self.forms: list[_Form] = []
        """The action-bound nodes being walked (innermost last): their fields are checked."""
        self.flat_actions: set[Path] = set()
        """Nodes whose ``action`` came from a flat ``$action`` (their errors point there)."""
        self.resolution: Resolution | None = None
        """The spec's state resolved, when it has ``state``."""
        self.waiting = False
        """Whether the spec is still streaming (its bound values may be on their way)."""

    def run(self, step: Callable[..., GenerativeUISpec], *args: Any) -> ValidationResult:
        """Run one validation step; turn whatever it raises into errors (never raises)."""
        spec: GenerativeUISpec | None
        try:
            spec = step(*args)
        except _NotASpecError:
            spec = None
        except GenerativeUIValidationError as error:
            self.errors.extend(_hinted(error.errors, self.checker.limits))
            spec = None
        except GenerativeUIError as error:
            self.errors.extend(error.errors)
            spec = None
        except (RecursionError, MemoryError) as exc:
            self.errors.append(
                ErrorDetail(
                    "",
                    "too_large",
                    f"input too large or too deep to process ({type(exc).__name__})",
                    "send a smaller, flatter spec",
                )
            )
            spec = None
        except Exception as exc:  # anything a hostile object raises while being read
            self.errors.append(
                ErrorDetail(
                    "",
                    "invalid_input",
                    f"input could not be read: {type(exc).__name__}",
                    "send JSON data",
                )
            )
            spec = None
        return ValidationResult(
            tuple(self.errors),
            spec,
            self.report,
            tuple(self.unknown_names),
            self.typed,
            self.resolution,
        )

    def single(self, value: Any, given: Path, depth: int) -> GenerativeUISpec:
        """Validate one node wherever it sits; the spec has it as its only root."""
        clean = self.node(value, given, _ANYWHERE, depth)
        return GenerativeUISpec.model_construct(root=[clean] if clean is not None else [])

    def error(self, path: Path, code: str, message: str, hint: str = "") -> None:
        self.errors.append(ErrorDetail(path, code, message, hint))

    # -- the envelope --------------------------------------------------------------------

    def document(self, data: Any) -> GenerativeUISpec:
        """Find the spec in whatever was sent, check limits, and validate it."""
        limits = self.checker.limits
        if isinstance(data, GenerativeUISpec):
            members = (
                {"root": data.root}
                if data.state is None
                else {"root": data.root, "state": data.state}
            )
            return self.spec(members, "", None, model=True)
        text: str | bytes | bytearray | None = None
        if isinstance(data, str | bytes | bytearray):
            text = data
            data = decode_json(data, limits)
        if not isinstance(data, Mapping):
            self.error(
                "",
                "type_mismatch",
                "a spec must be a JSON object",
                'send {"root": <node or list of nodes>}',
            )
            raise _NotASpecError
        if "root" in data:
            return self.spec(data, "", text)
        if "spec" in data:
            return self.envelope(data, text)
        self.error(
            "/root",
            "missing_field",
            "a spec needs 'root'",
            'send {"root": <node or list of nodes>}, or a message part '
            '{"type": "generative-ui", "spec": {...}}',
        )
        raise _NotASpecError

    def envelope(
        self, data: Mapping[str, Any], text: str | bytes | bytearray | None
    ) -> GenerativeUISpec:
        """A message part ``{"type": "generative-ui", "spec"}`` or tool data ``{"spec"}``."""
        allowed = {"spec", "type"} if "type" in data else {"spec"}
        for key in data:
            if key not in allowed:
                self.error(
                    _at("", key),
                    "extra_field",
                    "unexpected key beside 'spec'",
                    "send only {'spec': ...} (or a generative-ui message part)",
                )
        if "type" in data and data["type"] != "generative-ui":
            self.error(
                "/type",
                "invalid_value",
                "message part type must be 'generative-ui'",
                'set "type": "generative-ui"',
            )
        spec = data["spec"]
        if isinstance(spec, str | bytes | bytearray):  # tool arguments often carry JSON text
            text = spec
            spec = decode_json(spec, self.checker.limits)
        if not isinstance(spec, Mapping) or "root" not in spec:
            self.error(
                "/spec/root" if isinstance(spec, Mapping) else "/spec",
                "missing_field" if isinstance(spec, Mapping) else "type_mismatch",
                "'spec' must be a spec object with 'root'",
                'send {"spec": {"root": <node or list of nodes>}}',
            )
            raise _NotASpecError
        return self.spec(spec, "/spec", text)

    def spec(
        self,
        data: Mapping[str, Any],
        prefix: Path,
        text: str | bytes | bytearray | None,
        *,
        model: bool = False,
    ) -> GenerativeUISpec:
        """Validate a spec object; ``model``: its root holds node models (counted by the walk)."""
        if not model:
            check_limits(data, self.checker.limits, prefix=_tokens(prefix), text=text)
        self.from_text = text is not None
        for key in data:
            if key not in _SPEC_KEYS:
                self.error(
                    _at(prefix, key),
                    "extra_field",
                    f"unexpected key {key!r} in the spec",
                    "a spec has only 'root' and 'state'; remove it",
                )
        if "state" in data or self.waiting:
            return self.resolved(data, prefix)
        return self.tree(data["root"], prefix)

    def resolved(self, data: Mapping[str, Any], prefix: Path) -> GenerativeUISpec:
        """Validate a spec with ``state``: its literal tree, with paths as sent."""
        limits = self.checker.limits
        resolution = resolve(
            data["root"],
            data.get("state", ABSENT),
            limits,
            given=prefix + "/root",
            state_prefix=prefix + "/state",
            waiting=self.waiting,
        )
        self.resolution = resolution  # within every limit: resolve() checks what it binds
        errors, events, unknown = len(self.errors), len(self.report), len(self.unknown_names)
        self.errors.extend(resolution.errors)
        spec = self.tree(resolution.root, prefix)
        self.errors[errors:] = resolution.remap_errors(self.errors[errors:])
        remapped = resolution.remap_report(self.report.events_since(events))
        self.report = SanitizeReport([*self.report.events[:events], *remapped])
        self.unknown_names[unknown:] = [
            (resolution.source_of(path)[0], name) for path, name in self.unknown_names[unknown:]
        ]
        return spec

    def tree(self, root: Any, prefix: Path) -> GenerativeUISpec:
        """Validate a spec's root (one node or a list of them) found at ``prefix/root``."""
        given = prefix + "/root"
        if isinstance(root, list | tuple):
            memo = self.memo
            known: list[_Checked | None] = []
            seen: list[_Checked | None] = []
            items: list[NodeValue] = []
            start = 0
            if memo is not None and prefix in memo.roots:
                last = memo.roots[prefix]
                known = last.hits
                start = last.unchanged(root, memo)  # the roots that did not change: in bulk
                seen.extend(known[:start])
                items.extend(self.replay_leading(last, start, given))
            for index in range(start, len(root)):
                item = root[index]
                hit = known[index] if index < len(known) else None
                if hit is not None and hit.source is item:  # an unchanged root: no lookup
                    value = self.replay(hit, given)
                else:
                    at = f"{given}/{index}"
                    value = self.node(item, at, _ROOT, 1)
                    hit = memo.checked.get(at) if memo is not None else None
                    hit = hit if hit is not None and hit.source is item else None
                seen.append(hit)
                if value is not None:
                    items.append(value)
            if memo is not None:
                memo.roots[prefix] = _Roots(seen, memo.roots.get(prefix), start, given=root)
            return GenerativeUISpec.model_construct(root=items)
        value = self.node(root, given, _ROOT, 1)
        return GenerativeUISpec.model_construct(root=value if value is not None else [])

    # -- nodes ---------------------------------------------------------------------------

    def replay_leading(self, last: _Roots, start: int, given: Path) -> list[NodeValue]:
        """Replay, in bulk, the first ``start`` items of a list validated last time.

        Their node count, errors, events and unknown names are added; the clean items they
        gave are returned (a new list).
        """
        nodes, kept, errors, events, unknown = last.marks[start]
        self.nodes += nodes
        limit = self.checker.limits.max_nodes
        if self.nodes > limit:
            self.error(given, "too_many_nodes", f"more than {limit} nodes", "")
            raise _NotASpecError
        self.errors.extend(last.errors[:errors])
        self.report.extend(last.events[:events])
        self.unknown_names.extend(last.unknown[:unknown])
        return last.items[:kept]

    def replay(self, hit: _Checked, given: Path) -> NodeValue | None:
        """What validating a remembered subtree gave, as if it were validated again."""
        self.nodes += hit.nodes
        limits = self.checker.limits
        if self.nodes > limits.max_nodes:
            self.error(given, "too_many_nodes", f"more than {limits.max_nodes} nodes", "")
            raise _NotASpecError
        if hit.errors:
            self.errors.extend(hit.errors)
        if hit.events:
            self.report.extend(hit.events)
        if hit.unknown_names:
            self.unknown_names.extend(hit.unknown_names)
        return hit.clean

    def node(self, value: Any, given: Path, parent: _Parent, depth: int) -> NodeValue | None:
        """The clean node for ``value`` (``None`` when it is dropped)."""
        memo = self.memo if not self.forms else None  # inside a form, rules see the form
        limits = self.checker.limits
        if memo is not None:
            hit = memo.checked.get(given)
            if hit is not None and hit.source is value:  # validated before, at this place
                return self.replay(hit, given)
        self.nodes += 1
        if self.nodes > limits.max_nodes:
            self.error(given, "too_many_nodes", f"more than {limits.max_nodes} nodes", "")
            raise _NotASpecError
        kind = type(value)
        if (
            kind is str
            or kind is int
            or kind is float
            or (kind is not bool and isinstance(value, str | int | float))
        ):
            return self.leaf(value, given, parent)
        if depth > limits.max_depth:
            self.error(given, "too_deep", f"nodes nested deeper than {limits.max_depth}", "")
            raise _NotASpecError
        if memo is None:
            return self.component(value, given, parent, depth)
        errors, events, nodes = len(self.errors), len(self.report), self.nodes
        unknown = len(self.unknown_names)
        clean = self.component(value, given, parent, depth)
        if memo.latest_only:
            superseded = memo.checked.get(given)
            if superseded is None or superseded.clean is not clean:
                places = memo.places
                if clean is not None:
                    places[id(clean)] = places.get(id(clean), 0) + 1
                if superseded is not None and superseded.clean is not None:
                    left = places.get(id(superseded.clean), 1) - 1
                    if left > 0:
                        places[id(superseded.clean)] = left  # still shown at another place
                    else:
                        places.pop(id(superseded.clean), None)
                        forgotten = memo.typed.pop(id(superseded.clean), None)  # its own only
                        if forgotten is not None:  # (children have places of their own)
                            memo.superseded[id(superseded.clean)] = forgotten
        memo.checked[given] = _Checked(
            value,
            clean,
            tuple(self.errors[errors:]),
            self.report.events_since(events),
            tuple(self.unknown_names[unknown:]),
            self.nodes - nodes + 1,
        )
        return clean

    def component(self, value: Any, given: Path, parent: _Parent, depth: int) -> NodeValue | None:
        """The clean node for a component node ``value`` (``None`` when it is dropped)."""
        if isinstance(value, GenerativeUINode):
            return self.model_node(value, given, parent, depth)
        if not isinstance(value, Mapping):
            self.error(
                given, "type_mismatch", f"a node cannot be {_json_type(value)}", _NODE_TYPE_HINT
            )
            return None
        flat = "$type" in value
        name = value.get("$type" if flat else "component")
        name_at = given + ("/$type" if flat else "/component")
        if name is None and not flat:
            self.error(name_at, "missing_field", "a component node needs a name", _NODE_TYPE_HINT)
            return None
        if not isinstance(name, str):
            self.error(
                name_at, "type_mismatch", "a component name must be a string", _NODE_TYPE_HINT
            )
            return None
        for member in _FLAT_META if flat else _LEGACY_META:
            if member in value:  # resolved away when the spec has state
                self.stateless(given, member)
                return None
        entry = self.checker.entry(name)
        if entry is None:
            return self.unknown(value, name, name_at, given, parent, flat=flat)
        if not self.placed(entry, given, parent):
            return None
        component = entry.component
        raw_props, key, children, children_at = (
            self.flat_parts(value, given, component)
            if flat
            else self.legacy_parts(value, given, component)
        )
        props_at = given if flat else given + "/props"
        model, clean_props = self.props(entry, raw_props, props_at, given)
        if model is None or not self.field_declared(entry, model, props_at, given):
            return None
        form = self.enter_form(entry, model, given)
        kept: list[NodeValue] = []
        for child, child_at in _children(children, children_at):
            clean = self.node(child, child_at, entry, depth + 1)
            if clean is not None:
                kept.append(clean)
        if form is not None:
            model, clean_props = self.leave_form(form, model, clean_props)
        node = GenerativeUINode.model_construct(
            component=name, props=clean_props, children=kept, key=key
        )
        self.typed[id(node)] = (node, model)
        return node

    def stateless(self, given: Path, member: str) -> None:
        """Refuse a node with ``repeat``/``visible`` in a spec without ``state`` (left out)."""
        self.error(
            _at(given, member),
            "missing_state",
            f"{member!r} reads the spec's state, and the spec has none: the node is left out",
            'add "state" beside "root" (the data it reads, or {})',
        )

    def model_node(
        self, value: GenerativeUINode, given: Path, parent: _Parent, depth: int
    ) -> NodeValue | None:
        """The clean node for a node model (its structure is valid: only the rules are left).

        A node that needs no cleaning is returned as it is, so its subtree is shared.
        """
        name = value.component
        if value.repeat is not None or value.visible is not None:
            self.stateless(given, "repeat" if value.repeat is not None else "visible")
            return None
        entry = self.checker.entry(name)
        if entry is None:
            members = _legacy_members(value)
            return self.unknown(members, name, given + "/component", given, parent, flat=False)
        if not self.placed(entry, given, parent):
            return None
        props = value.props
        model, clean_props = self.model_props(entry, props, given)
        if model is None or not self.field_declared(entry, model, given + "/props", given):
            return None
        form = self.enter_form(entry, model, given)
        same = len(clean_props) == len(props)
        kept: list[NodeValue] = []
        at = given + "/children/"
        if len(value.children) >= _BULK_CHILDREN and self.memo is not None and not self.forms:
            kept, unchanged = self.children_list(value.children, given, entry, depth, self.memo)
            same = same and unchanged
        else:
            for index, child in enumerate(value.children):
                clean = self.node(child, at + str(index), entry, depth + 1)
                if clean is not None:
                    kept.append(clean)
                same = same and clean is child
        if form is not None:
            model, clean_props = self.leave_form(form, model, clean_props)
            same = same and len(clean_props) == len(props)
        if same:
            node = value
        else:
            node = GenerativeUINode.model_construct(
                component=name, props=clean_props, children=kept, key=value.key
            )
        self.typed[id(node)] = (node, model)
        return node

    def children_list(
        self,
        children: list[NodeValue],
        given: Path,
        entry: _Entry,
        depth: int,
        memo: ValidationMemo,
    ) -> tuple[list[NodeValue], bool]:
        """A node's children validated as :meth:`model_node` does, replaying in bulk.

        The leading children that are the very objects validated last time at this place
        (under the same component) are replayed at once: their nodes, errors and events.
        Returns the clean children and whether each clean child is its given one.
        """
        name = entry.component.name
        last = memo.lists.get(given)
        start = 0
        kept: list[NodeValue] = []
        seen: list[_Checked | None] = []
        if last is not None and last.owner == name:
            start = last.unchanged(children, memo)
            seen = last.hits[:start]
            kept = self.replay_leading(last, start, given)
        same = last is None or last.owner != name or last.same >= start
        at = given + "/children/"
        for index in range(start, len(children)):
            child = children[index]
            errors, events, nodes = len(self.errors), len(self.report), self.nodes
            unknown = len(self.unknown_names)
            clean = self.node(child, at + str(index), entry, depth + 1)
            seen.append(
                _Checked(
                    child,
                    clean,
                    tuple(self.errors[errors:]),
                    self.report.events_since(events),
                    tuple(self.unknown_names[unknown:]),
                    self.nodes - nodes,
                )
            )
            if clean is not None:
                kept.append(clean)
            same = same and clean is child
        reused = last if last is not None and last.owner == name else None
        memo.lists[given] = _Roots(
            seen, reused, start if reused is not None else 0, name, given=children
        )
        return kept, same

    def model_props(
        self, entry: _Entry, props: dict[str, Any], given: Path
    ) -> tuple[BaseModel | None, dict[str, Any]]:
        """:meth:`props` of a node model, remembered per place while the props stay equal.

        Streaming rebuilds the nodes along a changed path with the same props (the same
        dict, or an equal one): validating them again would give the same result.
        """
        memo = self.memo if not self.forms else None
        if memo is None:
            return self.props(entry, props, given + "/props", given, structured=True)
        name = entry.component.name
        known = memo.props.get(given)
        if (
            known is not None
            and known.component == name
            and (known.props is props or (known.props == props and json_equal(known.props, props)))
        ):
            if known.errors:
                self.errors.extend(known.errors)
            if known.events:
                self.report.extend(known.events)
            return known.model, known.clean
        errors, events = len(self.errors), len(self.report)
        model, clean = self.props(entry, props, given + "/props", given, structured=True)
        memo.props[given] = _CheckedProps(
            name,
            props,
            model,
            clean,
            tuple(self.errors[errors:]),
            self.report.events_since(events),
        )
        return model, clean

    def enter_form(self, entry: _Entry, model: BaseModel, given: Path) -> _Form | None:
        """Start checking the fields under a node bound to an action (None: no binding)."""
        ref = getattr(model, "action", None) if entry.takes_action else None
        if not isinstance(ref, ActionRef):
            return None
        action = self.checker.actions.get(ref.name)
        form = _Form(given, ref.name, action.input_names() if action is not None else frozenset())
        self.forms.append(form)
        return form

    def leave_form(
        self, form: _Form, model: BaseModel, clean: dict[str, Any]
    ) -> tuple[BaseModel, dict[str, Any]]:
        """The node's model and clean props once its subtree is walked.

        Each of the action's required inputs that no field under the node asks for is
        reported; the binding is then removed (nothing could ever submit it validly), so
        the control renders disabled and the clean spec validates.
        """
        self.forms.pop()
        action = self.checker.actions.get(form.action)
        if action is None or action.inputs is None:
            return model, clean
        missing = [
            info.alias or name
            for name, info in action.inputs.model_fields.items()
            if info.is_required() and (info.alias or name) not in form.seen
        ]
        for field_name in missing:
            self.error(
                form.path,
                "missing_input",
                f"the action {form.action!r} needs the input {field_name!r}"
                " and no field asks for it",
                f"add a field named {field_name!r} (a TextInput, Select, ...) to the form",
            )
        if not missing:
            return model, clean
        self.report.add(
            form.path, "action", "missing_input", f"'action' removed: no field for {missing[0]!r}"
        )
        return _unbound(model, clean)

    def field_declared(self, entry: _Entry, model: BaseModel, props_at: Path, given: Path) -> bool:
        """Whether a form field under an action-bound node names one of the action's inputs.

        A field the action does not declare would only be refused on submit: it is
        reported and removed here.
        """
        if not self.forms or "name" not in entry.prop_names:
            return True
        name = getattr(model, "name", None)
        if not isinstance(name, str):
            return True
        form = self.forms[-1]
        form.seen.add(name)
        if name in form.inputs:
            return True
        declared = ", ".join(sorted(form.inputs)) or "none"
        self.error(
            props_at + "/name",
            "unknown_input",
            f"the action {form.action!r} takes no input {name!r} (its inputs: {declared})",
            f"name the field after one of the action's inputs: {declared}",
        )
        self.report.add(given, "component", "unknown_input", f"field {name!r} removed")
        return False

    def placed(self, entry: _Entry, given: Path, parent: _Parent) -> bool:
        """Whether a node of ``entry``'s component may sit under ``parent`` (else reported)."""
        component = entry.component
        name = component.name
        if parent is _ROOT and not component.standalone:
            detail = f"{name} may only appear inside a parent that lists it"
            parents = self.checker.parents_of(name)
            self.error(given, "children_not_allowed", detail, f"put the {name} in a {parents}")
            self.report.add(given, "component", "children_not_allowed", detail)
            return False
        if isinstance(parent, _Entry) and name not in parent.child_names:
            if component.standalone:
                self.refuse_child(parent, f"a {name} component", given)
            else:  # the parent takes anything standalone: this one lives only in its own parent
                parents = self.checker.parents_of(name)
                detail = f"{name} may only appear inside {parents}"
                self.error(given, "children_not_allowed", detail, f"put the {name} in a {parents}")
                self.report.add(given, "children", "children_not_allowed", detail)
            return False
        return True

    def leaf(self, value: Any, given: Path, parent: _Parent) -> NodeValue | None:
        if type(value) is float and not math.isfinite(value):
            self.error(given, "not_finite", "numbers must be finite", "use a finite number")
            return None
        if isinstance(value, int) and not -MAX_INTEGER <= value <= MAX_INTEGER:
            self.error(given, "number_too_large", "integers must fit in 64 bits", "")
            return None
        if isinstance(parent, _Entry) and not parent.takes_text:
            self.refuse_child(parent, "text", given)
            return None
        if isinstance(value, str):
            return str(value)
        return int(value) if isinstance(value, int) else float(value)

    def refuse_child(self, parent: _Entry, what: str, given: Path) -> None:
        component = parent.component
        detail = f"{component.name} takes {component.describe_children()}, not {what}"
        self.error(given, "children_not_allowed", detail, children_hint(component, what))
        self.report.add(given, "children", "children_not_allowed", detail)

    def unknown(
        self,
        value: Mapping[str, Any],
        name: str,
        name_at: Path,
        given: Path,
        parent: _Parent,
        *,
        flat: bool,
    ) -> NodeValue | None:
        if not _NAME.fullmatch(name):
            self.error(
                name_at,
                "invalid_name",
                "component name must start with an ASCII letter and contain only letters, "
                "digits, '_', '.' or '-' (at most 128 characters)",
                unknown_component_hint(name, self.checker.registry, self._allowed(parent)),
            )
            return None
        self.error(
            name_at,
            "unknown_component",
            f"unknown component {name!r}",
            unknown_component_hint(name, self.checker.registry, self._allowed(parent)),
        )
        pointer = given
        self.report.add(
            pointer, "component", "unknown_component", f"{name!r} is not in the registry"
        )
        self.unknown_names.append((pointer, name))
        if not self.keep_unknown:
            return None
        props, key, _, _ = (
            self.flat_parts(value, given, None, quiet=True)
            if flat
            else self.legacy_parts(value, given, None, quiet=True)
        )
        return GenerativeUINode.model_construct(
            component=name, props=dict(props), children=[], key=key
        )

    def _allowed(self, parent: _Parent) -> list[str]:
        if isinstance(parent, _Entry):
            return sorted(parent.child_names)
        if parent is _ROOT:
            return self.checker.standalone_names()
        return sorted(self.checker.registry)

    def legacy_parts(
        self,
        value: Mapping[str, Any],
        given: Path,
        component: Component | None,
        *,
        quiet: bool = False,
    ) -> tuple[Mapping[str, Any], str | None, Any, Path]:
        """Props, key and children of a ``{"component", "props", ...}`` node."""
        if not quiet:
            for member in value:
                if member in _LEGACY_KEYS:
                    continue
                declared = component is not None and member in component.props_model.model_fields
                hint = (
                    f"move {member!r} into 'props'"
                    if declared
                    else "a node has only component, props, children and key; remove it"
                )
                self.report.add(
                    given, str(member), "extra_field", f"{member!r} removed: not a node key"
                )
                self.error(
                    _at(given, member),
                    "extra_field",
                    f"unexpected key {member!r} in a node",
                    hint,
                )
        props = value.get("props")
        if props is None:
            props = {}
        elif not isinstance(props, Mapping):
            if not quiet:
                self.error(
                    given + "/props",
                    "type_mismatch",
                    "props must be an object",
                    'give props as {"name": value, ...}',
                )
            props = {}
        key = self.key(value.get("key"), given + "/key", allow_number=False, quiet=quiet)
        return props, key, value.get("children"), given + "/children"

    def flat_parts(
        self,
        value: Mapping[str, Any],
        given: Path,
        component: Component | None,
        *,
        quiet: bool = False,
    ) -> tuple[Mapping[str, Any], str | None, Any, Path]:
        """Props, key and children of a ``{"$type", ...props}`` node."""
        props: dict[str, Any] = {}
        for name, item in value.items():
            if name in _FLAT_KEYS:
                continue
            if isinstance(name, str) and name.startswith("$"):
                if not quiet:
                    self.error(
                        _at(given, name),
                        "reserved_key",
                        f"{name!r} is reserved",
                        "only $type, $key and $action are read; remove it",
                    )
                continue
            props[name] = item
        if "$action" in value and not quiet and component is not None:
            self.flat_action(value["$action"], given, component, props)
        key = self.key(value.get("$key"), given + "/$key", allow_number=True, quiet=quiet)
        return props, key, value.get("children"), given + "/children"

    def flat_action(
        self, binding: Any, given: Path, component: Component, props: dict[str, Any]
    ) -> None:
        """Read a flat ``$action: {"type": name, ...params}`` into the ``action`` prop."""
        at = given + "/$action"
        name = binding.get("type") if isinstance(binding, Mapping) else None
        if "action" not in component.props_model.model_fields:
            self.error(
                at,
                "action_not_supported",
                f"{component.name} cannot run an action",
                "put the action on a Button or a Form (their submit runs it), or remove $action",
            )
        elif not isinstance(binding, Mapping):
            self.error(
                at,
                "type_mismatch",
                "$action must be an object",
                'write "$action": {"type": "<action name>", <param>: <value>, ...}',
            )
        elif not isinstance(name, str) or not _ACTION_NAME.fullmatch(name):
            self.error(
                at + "/type",
                "missing_field" if "type" not in binding else "unknown_action",
                "$action needs a 'type': the name of a declared action",
                action_hint("unknown_action", self.checker.actions),
            )
        elif "action" in props:
            self.error(
                at,
                "duplicate_action",
                "the node has both $action and an 'action' prop",
                "keep one of them",
            )
        else:
            params = {member: item for member, item in binding.items() if member != "type"}
            props["action"] = {"name": name, "params": params} if params else {"name": name}
            self.flat_actions.add(given)
            return
        self.report.add(given, "$action", "invalid_action", "'$action' removed")

    def key(self, key: Any, at: Path, *, allow_number: bool, quiet: bool) -> str | None:
        if key is None:
            return None
        if isinstance(key, str):
            return str(key)
        if allow_number and type(key) is int:
            return str(key)
        if not quiet:
            self.error(
                at, "type_mismatch", "a key must be a string", "use a string key, or remove it"
            )
        return None

    # -- props ---------------------------------------------------------------------------

    def props(
        self,
        entry: _Entry,
        raw: Mapping[str, Any],
        props_at: Path,
        node_at: Path,
        *,
        structured: bool = False,
    ) -> tuple[BaseModel | None, dict[str, Any]]:
        """Validate a node's props; drop what is invalid; the model and the clean props.

        Returns ``(None, {})`` when no props could be kept that the component accepts
        (a required prop is missing or invalid): the node itself is then dropped.
        """
        component = entry.component
        node_pointer = node_at
        given: dict[str, Any] = {}
        removed: set[str] = set()
        """Props already reported and removed (a missing-field error for one says nothing new)."""
        for name, value in raw.items():
            if value is None:
                continue  # null means "not given": the default applies
            if not isinstance(name, str):
                self.error(props_at, "type_mismatch", "prop names must be strings", "")
                continue
            if name not in entry.prop_names:
                reason = forbidden_prop_reason(name)
                if reason is not None:
                    message = f"{reason.replace('_', ' ')} props are never allowed"
                    self.error(_at(props_at, name), reason, message, f"remove {name!r}; {message}")
                    self.report.add(node_pointer, name, reason, f"{name!r} removed: never allowed")
                    removed.add(name)
                    continue
            if not (self.from_text or structured) and not _is_json(value):
                at = _at(props_at, name)
                if name == "action" and node_pointer in self.flat_actions:
                    culprit = _not_json_at(value)
                    at = _action_pointer(props_at, node_pointer, culprit, flat=True)
                self.error(
                    at,
                    "type_mismatch",
                    "a prop value must be JSON",
                    prop_hint(component, name, "type_mismatch"),
                )
                self.report.add(node_pointer, name, "invalid_prop", f"{name!r} removed: not JSON")
                removed.add(name)
                continue
            given[name] = value
        validator = component.props_model.__pydantic_validator__
        context = self.context
        context[CONTEXT_PATH] = node_pointer
        while True:
            urls = SanitizeReport()
            context[CONTEXT_REPORT] = urls
            try:
                model: BaseModel = validator.validate_python(given, context=context)
            except ValidationError as exc:
                if not self.drop_invalid(entry, exc, given, props_at, node_pointer, removed):
                    return None, {}
                continue
            if entry.free_keys and self.drop_forbidden_keys(
                entry, model, given, props_at, node_pointer
            ):
                continue  # validate what is left (a required prop may be gone)
            break
        for event in urls if urls else ():
            url_context = entry.url_contexts.get(event.prop, "href")
            self.error(
                _at(props_at, event.prop),
                "unsafe_url",
                event.detail or f"{event.reason} URL removed",
                url_hint(self.checker.policy, url_context),
            )
            self.report.append(event)
        if not urls:
            clean = given  # as sent, nulls left out
        elif {event.prop for event in urls} <= given.keys():
            # A URL prop is dropped; a text prop whose URLs were taken out (Markdown) keeps
            # its cleaned text.
            reported = {event.prop for event in urls}
            clean = {}
            for name, value in given.items():
                if name not in reported:
                    clean[name] = value
                elif isinstance(cleaned := getattr(model, name, None), str):
                    clean[name] = cleaned
        else:
            clean = _clean_props(model, given)  # a URL inside a prop's value was dropped
        if entry.takes_action and isinstance(getattr(model, "action", None), ActionRef):
            return self.bound(model, clean, props_at, node_pointer)
        return model, clean

    def bound(
        self, model: BaseModel, clean: dict[str, Any], props_at: Path, node_at: Path
    ) -> tuple[BaseModel, dict[str, Any]]:
        """Check a node's action binding against the app's :class:`~genui.Actions`.

        A binding the allowlist refuses is reported (one error per problem, with the
        path of the value at fault) and removed: the control then renders disabled.
        """
        ref: ActionRef = getattr(model, "action")  # noqa: B009 - any model with the prop
        actions = self.checker.actions
        if self.forms:
            problems = [
                ActionProblem(
                    ("name",),
                    "nested_action",
                    f"this node is inside {self.forms[-1].path}, which runs an action already",
                )
            ]
        else:
            problems = actions.check(ref) if actions else _undeclared(ref)
        if not problems:
            return model, clean
        flat = node_at in self.flat_actions
        for problem in problems:
            self.error(
                _action_pointer(props_at, node_at, problem.loc, flat=flat),
                problem.code,
                problem.message,
                action_hint(problem.code, actions, ref.name),
            )
        self.report.add(
            node_at, "action", problems[0].code, f"'action' removed: {problems[0].message}"
        )
        return _unbound(model, clean)

    def drop_forbidden_keys(
        self,
        entry: _Entry,
        model: BaseModel,
        given: dict[str, Any],
        props_at: Path,
        node_pointer: str,
    ) -> bool:
        """Report and remove never-allowed keys inside free-form prop values; True if any.

        Each key is an error at its own path (``/props/attrs/x/onclick``) and an event
        of the report; the prop keeps everything else. Should a location not lead
        through the JSON as sent, the whole prop goes.
        """
        changed = False
        for name in sorted(entry.free_keys & given.keys()):
            found = forbidden_keys(getattr(model, name))
            if not found:
                continue
            changed = True
            for key in found:
                at = _at(props_at, name) + format_pointer(list(key.loc))
                message = f"{key.reason.replace('_', ' ')} names are never allowed, at any depth"
                self.error(at, key.reason, message, f"remove {key.loc[-1]!r}; {message}")
                self.report.add(
                    node_pointer, name, key.reason, f"{key.loc[-1]!r} removed from {name!r}"
                )
            try:
                given[name] = without_keys(given[name], [key.loc for key in found])
            except LookupError:
                del given[name]
        return changed

    def drop_invalid(
        self,
        entry: _Entry,
        exc: ValidationError,
        given: dict[str, Any],
        props_at: Path,
        node_pointer: str,
        removed: set[str],
    ) -> bool:
        """Report every error of ``exc``; drop the props at fault. False: the node cannot stay."""
        component = entry.component
        droppable: dict[str, str] = {}
        fatal = False
        seen: set[tuple[str, str]] = set()
        for error in exc.errors(include_url=False, include_input=False):
            loc = error["loc"]
            kind = error["type"]
            code = error_code(kind)
            name = loc[0] if loc else None
            if kind == "missing":
                pointer = loc_to_pointer(loc[:-1], given, "props") + format_pointer([loc[-1]])
            else:
                pointer = loc_to_pointer(loc, given, "props")
            prefix = props_at
            if kind == "extra_forbidden" and isinstance(name, str):
                hint = unknown_prop_hint(component, name)
                message = f"{component.name} has no prop {name!r}"
            else:
                field = str(name) if name is not None else ""
                hint = prop_hint(component, field, code) if field else ""
                message = error["msg"]
            if kind == "missing" and name in removed:
                fatal = True
                continue
            if (pointer, code) not in seen:  # a union reports one problem once per member
                seen.add((pointer, code))
                self.errors.append(ErrorDetail(prefix + pointer, code, message, hint))
            if kind == "missing" or not isinstance(name, str) or name not in given:
                fatal = True
            else:
                droppable[name] = "unknown_prop" if kind == "extra_forbidden" else "invalid_prop"
        if fatal:
            self.report.add(
                node_pointer,
                "component",
                "invalid_props",
                f"{component.name} removed: invalid props",
            )
            return False
        for name, reason in droppable.items():
            del given[name]
            self.report.add(node_pointer, name, reason, f"{name!r} removed: {reason}")
        return True


def _replaced(
    current: NodeValue,
    tokens: list[str],
    node: NodeValue,
    typed: dict[int, tuple[GenerativeUINode, BaseModel]] | Mapping[int, Any],
) -> NodeValue:
    """``current`` with the node at ``tokens`` (``children``, index, ...) replaced."""
    if not tokens:
        return node
    assert isinstance(current, GenerativeUINode) and tokens[0] == "children"
    children = list(current.children)
    at = int(tokens[1])
    children[at] = _replaced(children[at], tokens[2:], node, typed)
    copy = current.model_copy(update={"children": children})
    entry = typed.get(id(current))
    if entry is not None and entry[0] is current and isinstance(typed, dict):
        typed[id(copy)] = (copy, entry[1])
    return copy


def _unbound(model: BaseModel, clean: dict[str, Any]) -> tuple[BaseModel, dict[str, Any]]:
    """A node's model and clean props without its action binding."""
    kept = {name: value for name, value in clean.items() if name != "action"}
    return model.model_copy(update={"action": None}), kept


def _undeclared(ref: ActionRef) -> list[ActionProblem]:
    return [ActionProblem(("name",), "unknown_action", "this app declares no actions")]


def _action_pointer(props_at: Path, node_at: Path, loc: Sequence[str | int], *, flat: bool) -> Path:
    """Where a problem with an action binding is, in the input as given."""
    if not flat:
        return props_at + "/action" + format_pointer(loc)
    if tuple(loc) == ("name",):
        return node_at + "/$action/type"
    return node_at + "/$action" + format_pointer(loc[1:])  # params are $action's members


def _as_sent(
    data: dict[str, Any], nulls: bool, drops: Sequence[tuple[Path, str]]
) -> GenerativeUISpec:
    """The spec of decoded JSON that validated in one pass, cleaned.

    Null props are left out (not given) and so are the dropped URL props (``drops``:
    node pointer and prop). ``data`` is genui's own decoded copy: it is changed in place.
    """
    for path, prop in drops:
        node: Any = data
        for token in parse_pointer(path):
            node = node[int(token)] if type(node) is list else node[token]
        props = node.get("props")
        if type(props) is dict:
            props.pop(prop, None)
    if nulls:
        stack: list[Any] = [data["root"]]
        while stack:
            item = stack.pop()
            if type(item) is list:
                stack.extend(item)
            elif type(item) is dict:
                props = item.get("props")
                if type(props) is dict and None in props.values():
                    item["props"] = {k: v for k, v in props.items() if v is not None}
                children = item.get("children")
                if children is not None:
                    stack.append(children)
    return GenerativeUISpec.model_validate(data)


def _legacy(data: dict[str, Any]) -> dict[str, Any]:
    """A decoded spec with every node in the legacy shape (the clean spec's shape)."""
    root = data["root"]
    if type(root) is list:
        return {"root": [legacy_tree(item) for item in root]}
    return {"root": legacy_tree(root)}


def _tokens(pointer: Path) -> tuple[str, ...]:
    return tuple(parse_pointer(pointer))


def _legacy_members(node: GenerativeUINode) -> dict[str, Any]:
    """A node model's members as the legacy node object they were validated from."""
    members: dict[str, Any] = {"component": node.component, "props": node.props}
    if node.children:
        members["children"] = node.children
    if node.key is not None:
        members["key"] = node.key
    return members


def _children(children: Any, at: Path) -> list[tuple[Any, Path]]:
    """``children`` as ``(child, pointer)`` pairs: absent is none, a single node is one."""
    if children is None:
        return []
    if isinstance(children, list | tuple):
        return [(child, f"{at}/{index}") for index, child in enumerate(children)]
    return [(children, at)]


def _clean_props(model: BaseModel, given: Mapping[str, Any]) -> dict[str, Any]:
    """The props to deliver when a URL inside a prop's value was dropped: the model's values.

    Dropped URLs are ``None`` in the model (null means "not given").
    """
    try:
        dumped = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    except (PydanticSerializationError, ValueError, TypeError):
        dumped = dict(given)
    return {name: value for name, value in dumped.items() if value is not None}


def _is_json(value: Any) -> bool:
    """Whether ``value`` is plain JSON data (decoded text always is; Python data may not be)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None or kind is int:
            continue
        if kind is float:
            if not math.isfinite(item):
                return False
            continue
        if kind is dict:
            if not all(type(key) is str for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        else:
            return False
    return True


def _not_json_at(value: Any) -> tuple[str | int, ...]:
    """Where in ``value``, which is not :func:`_is_json`, the first non-JSON part is.

    A mapping with a key that is not a string is the part at fault itself. Only run on
    refused values: it may look at a member again at each level it descends.
    """
    loc: list[str | int] = []
    item = value
    while True:
        if type(item) is dict and all(type(key) is str for key in item):
            key = next(key for key, member in item.items() if not _is_json(member))
            loc.append(key)
            item = item[key]
        elif type(item) is list:
            index = next(index for index, member in enumerate(item) if not _is_json(member))
            loc.append(index)
            item = item[index]
        else:
            return tuple(loc)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, list | tuple):
        return "an array"
    return f"a {type(value).__name__}"
