"""One pydantic-core validation for a whole spec and every node's props: the fast path.

:func:`genui.parse_spec` validates the wire format with props as plain JSON, and the
renderer then validates each node's props with its component's model: one model
validation per node, with Python in between. For JSON text, a :class:`CompiledRegistry`
does both in one call: it builds, once per registry, a node class per component (a
slotted dataclass: the name as a literal tag, the component's own props model, children,
key) joined in a union discriminated by ``component``, so pydantic-core picks each node's
class from its name and validates the whole tree, props included, in one pass.

It is only ever a shortcut. It accepts a subset of what the precise path accepts,
with the same models: a node runs the same props model with the same validation
context, nulls in props and single or null ``children`` are normalized the same way,
a flat ``{"$type", ...props}`` node (when asked for) is read into the same members the
walk reads, and any prop name the component does not declare makes the shortcut give up. Whatever
it does not accept (an unknown component, a bad prop, anything to report other than a
dropped URL) is handed back by raising :class:`~pydantic.ValidationError`, and the
renderer then takes the precise path, which reports the problem with its JSON path.

Sanitization events (dropped URLs) are reported through the validation context as
usual, into an :class:`IndexedReport` that notes the pre-order index of the node being
validated; the renderer walks the tree in the same order and files each event under
the node's path.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Final, Literal, Union

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationInfo,
    create_model,
    model_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass
from pydantic.dataclasses import rebuild_dataclass
from typing_extensions import TypeAliasType

from genui.flat import legacy_members
from genui.nested_names import free_key_fields, raw_has_forbidden_key
from genui.registry import Component, Registry
from genui.sanitize import (
    CONTEXT_REPORT,
    SanitizeEvent,
    SanitizeReport,
    forbidden_prop_reason,
    url_fields,
)
from genui.spec import _as_list, _empty_if_none, given_props

__all__ = [
    "CompiledRegistry",
    "IndexedReport",
    "compiled_registry",
    "events_by_node",
    "may_report",
]


class IndexedReport(SanitizeReport):
    """A report that also notes, for each event, which node was being validated.

    Node models bump :attr:`node` as each node starts validation (pre-order), so
    ``owners[i]`` is the pre-order index of the node that produced ``events[i]``.
    """

    __slots__ = ("node", "owners")

    def __init__(self) -> None:
        super().__init__()
        self.node = -1
        """Pre-order index of the node being validated."""
        self.owners: list[int] = []
        """For each event, the pre-order index of its node."""

    def append(self, event: SanitizeEvent) -> None:
        """Record an event for the current node."""
        super().append(event)
        self.owners.append(self.node)

    def add(self, path: str, prop: str, reason: str, detail: str = "") -> SanitizeEvent:
        """Record one dropped value for the current node."""
        event = SanitizeEvent(path=path, prop=prop, reason=reason, detail=detail)
        self.append(event)
        return event

    def extend(self, events: Iterable[SanitizeEvent]) -> None:
        """Record several events for the current node."""
        for event in events:
            self.append(event)


_NODE_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def may_report(component: Component) -> bool:
    """Whether validating the component's props may report a sanitization event.

    Built-in props models report through URL fields, or through validators of their own
    when the component says it ``screens_urls`` (Markdown); an application's model may
    have validators of its own that do.
    """
    model = component.props_model
    return (
        bool(url_fields(model))
        or component.screens_urls
        or not model.__module__.startswith("genui.")
    )


def _as_members(value: dict[str, Any]) -> dict[str, Any]:
    """A flat ``{"$type", ...props}`` node as the members of the legacy shape.

    Read by :func:`genui.flat.legacy_members`, the one reading of the flat shape; raises
    on what only the walk handles: ``$action``, ``$repeat``, ``$visible``, any other ``$``
    name (and a member name that is not text).
    """
    for name in value:
        if type(name) is not str or (name.startswith("$") and name not in _ONE_PASS_FLAT):
            raise ValueError("a flat node member only the walk reads")
    members = legacy_members(value)
    if "children" in value:
        members["children"] = value["children"]
    return members


_ONE_PASS_FLAT: Final = frozenset({"$type", "$key"})
"""The ``$`` members of a flat node the one-pass validator reads (the walk reads the rest)."""


def _node_tag(value: Any) -> Any:
    """The component name of a raw node, in either shape (the union's discriminator)."""
    name = value.get("$type" if "$type" in value else "component") if type(value) is dict else None
    return name if type(name) is str else None


def _node_model(
    component: Component, child: Any, *, normalize: bool, counts: bool, flat: bool
) -> type[Any]:
    """The node class of one component: tag, its props model, children, key.

    Its before-validator does, in Python, only what this component needs: count the
    node when ``counts`` (its props may report, see :class:`IndexedReport`); with ``flat``,
    read a flat ``$type`` node as the legacy members; refuse prop names that are never
    allowed when the props model does not forbid undeclared props itself; and, with
    ``normalize``, treat null props as "not given" and a single or null ``children`` as
    a list, as :func:`genui.parse_spec` and the renderer do.
    """
    model = component.props_model
    declared = frozenset(model.model_fields)
    checks_names = model.model_config.get("extra") != "forbid"
    free_keys = free_key_fields(model)

    def before(cls: type[Any], value: Any, info: ValidationInfo) -> Any:
        if counts and isinstance(info.context, dict):
            report = info.context.get(CONTEXT_REPORT)
            if isinstance(report, IndexedReport):
                report.node += 1
        if type(value) is not dict:
            return value
        if flat and "$type" in value:
            value = _as_members(value)
        props = value.get("props")
        if normalize:
            children = value.get("children")
            given = type(props) is not dict or None in props.values()
            listed = type(children) is not list and "children" in value
            if given or listed:
                value = dict(value)
                if given:  # the precise path's two steps: the node's, then the renderer's
                    props = _empty_if_none(props)
                    if type(props) is dict:
                        props = given_props(props)
                    value["props"] = props
                if listed:
                    value["children"] = _as_list(children)
        if (
            checks_names
            and type(props) is dict
            and not props.keys() <= declared
            and any(forbidden_prop_reason(name) is not None for name in props)
        ):
            raise ValueError("a prop name that is never allowed")
        if (
            free_keys
            and type(props) is dict
            and any(raw_has_forbidden_key(props.get(name)) for name in free_keys)
        ):
            raise ValueError("a never-allowed key inside a prop (the walk reports it)")
        return value

    name = f"_{component.name.replace('.', '_').replace('-', '_')}Node"
    namespace: dict[str, Any] = {
        "__annotations__": {
            "component": Literal[component.name],
            "props": model,
            "children": tuple[child, ...],
            "key": StrictStr | None,
        },
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"A {component.name} node of a one-pass validation.",
        "props": Field(default_factory=dict, validate_default=True),
        "children": Field(default=(), fail_fast=True),
        "key": None,
    }
    if counts or checks_names or normalize or free_keys or flat:
        namespace["before"] = model_validator(mode="before")(before)
    # A slotted dataclass, not a model: a node is its four slots (64 bytes), not a model's
    # object, __dict__ and fields-set (about 500 bytes), and a leaf's children are the one
    # empty tuple. The walk reads them the same way (.component, .props, .children, .key).
    node: type[Any] = pydantic_dataclass(config=_NODE_CONFIG, slots=True)(type(name, (), namespace))
    return node


def _spec_validator(
    registry: Registry, *, normalize: bool, flat: bool, counted: frozenset[str]
) -> Any:
    """The pydantic-core validator of a whole spec over ``registry`` (``flat``: in both shapes)."""
    namespace: dict[str, Any] = {}
    nodes = [
        _node_model(c, "_Child", normalize=normalize, counts=c.name in counted, flat=flat)
        for c in registry.values()
    ]
    leaf: Any = StrictStr | StrictInt | StrictFloat
    # A flat node names its component in "$type": a callable picks its class (over one
    # component there is no union to pick in, and flat nodes take the precise path)
    if len(nodes) > 1 and flat:
        tagged = [Annotated[model, Tag(c)] for model, c in zip(nodes, registry, strict=True)]
        union: Any = Union[tuple(tagged)]  # noqa: UP007 - built at run time
        node: Any = Annotated[union, Discriminator(_node_tag)]
        value: Any = Annotated[leaf | node, Field(union_mode="left_to_right")]
    elif nodes:
        union = Union[tuple(nodes)]  # noqa: UP007 - built at run time
        node = Annotated[union, Field(discriminator="component")]
        value = Annotated[leaf | node, Field(union_mode="left_to_right")]
    else:
        value = leaf
    # A named alias is one schema definition that every node model refers to, so
    # building the schema goes one model deep, not one level per component (a chain
    # of model references as deep as the registry is long, which overflowed the
    # stack when the first validation came from a deep call).
    child: Any = TypeAliasType("_Child", value)
    namespace["_Child"] = child
    for model in nodes:
        namespace[model.__name__] = model
    for model in nodes:
        rebuild_dataclass(model, _types_namespace=namespace)
    # fail_fast: the first invalid child ends a list's validation. Anything invalid takes
    # the precise path, so one error is all this validator needs; without it pydantic-core
    # built an error per child and per union member (20,000 flat nodes 30 deep: 3 s, and
    # more memory than a process under an address-space limit had)
    items: Any = Annotated[list[child], Field(fail_fast=True)]
    root: Any = Annotated[items | child, Field(union_mode="left_to_right")]
    spec = create_model("_CompiledSpec", __config__=_NODE_CONFIG, root=(root, ...))
    return spec.__pydantic_validator__


class CompiledRegistry:
    """Validates a decoded spec over one registry in one pydantic-core call.

    :meth:`validate` returns the spec's root: a node object (with ``component``,
    ``props`` — the validated props model —, ``children`` — a tuple — and ``key``), a text
    or number leaf, or a list of those; or raises :class:`~pydantic.ValidationError` for anything
    the precise path must handle.
    """

    __slots__ = ("_validators", "counted", "registry")

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.counted: frozenset[str] = frozenset(
            name for name, component in registry.items() if may_report(component)
        )
        """Components whose nodes are counted in :attr:`IndexedReport.node`."""
        self._validators: dict[tuple[bool, bool], Any] = {}

    def validate(
        self, data: Any, context: dict[str, Any], *, normalize: bool, flat: bool = False
    ) -> Any:
        """Validate a decoded spec; return its root (see the class docstring).

        ``normalize=False`` is for input with no ``null`` anywhere: it skips the
        per-node normalization of null props and of ``children`` that is not a list
        (such input is refused instead, and takes the precise path). ``flat=True`` also
        reads flat ``{"$type", ...props}`` nodes (assistant-ui's shape, ``$key`` included)
        into the same node objects; one with ``$action``, ``$repeat``, ``$visible`` or
        another ``$`` name is refused.
        """
        shape = (normalize, flat)
        validator = self._validators.get(shape)
        if validator is None:
            validator = _spec_validator(
                self.registry, normalize=normalize, flat=flat, counted=self.counted
            )
            self._validators[shape] = validator
        return validator.validate_python(data, context=context).root


_COMPILED: dict[Registry, CompiledRegistry] = {}
_MAX_COMPILED = 32


def compiled_registry(registry: Registry) -> CompiledRegistry:
    """The :class:`CompiledRegistry` of ``registry``, built on first use and kept."""
    compiled = _COMPILED.get(registry)
    if compiled is None:
        if len(_COMPILED) >= _MAX_COMPILED:
            _COMPILED.pop(next(iter(_COMPILED)))
        compiled = CompiledRegistry(registry)
        _COMPILED[registry] = compiled
    return compiled


def events_by_node(
    root: Any, collector: IndexedReport, counted: frozenset[str]
) -> list[tuple[str, Any, SanitizeEvent]]:
    """Each event of a one-pass validation with its node: ``(path, node, event)``.

    Walks ``root`` (what :meth:`CompiledRegistry.validate` returned) in the pre-order the
    validation counted nodes in; ``path`` is the node's JSON Pointer (``/root/0/children/1``).
    """
    owners = collector.owners
    if not owners:
        return []
    events = collector.events
    found: list[tuple[str, Any, SanitizeEvent]] = []
    items = root if type(root) is list else [root]
    paths = [f"/root/{index}" for index in range(len(items))] if type(root) is list else ["/root"]
    stack = list(zip(reversed(items), reversed(paths), strict=True))
    index = -1
    position = 0
    while stack and position < len(owners):
        node, path = stack.pop()
        kind = type(node)
        if kind is str or kind is int or kind is float:
            continue
        if node.component in counted:
            index += 1
            while position < len(owners) and owners[position] == index:
                found.append((path, node, events[position]))
                position += 1
        children = node.children
        for child_index in range(len(children) - 1, -1, -1):
            stack.append((children[child_index], f"{path}/children/{child_index}"))
    return found
