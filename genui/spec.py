"""The generative-UI wire format as typed pydantic models, and the parsers for it.

The format is compatible with assistant-ui's ``generative-ui`` message part::

    GenerativeUINode = string | number
                     | {"component": str, "props"?: {...}, "children"?: [node], "key"?: str}
    GenerativeUISpec = {"root": GenerativeUINode | [GenerativeUINode]}

:func:`parse_spec` turns untrusted input (JSON text, bytes, or decoded data)
into a :class:`GenerativeUISpec` or raises :class:`GenerativeUIValidationError`
with one JSON-Pointer-addressed detail per problem. Limits are enforced first,
so hostile input is refused before any deep work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, ParamSpec, TypeAlias, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    JsonValue,
    StrictFloat,
    StrictInt,
    StrictStr,
    Tag,
    ValidationError,
)

from genui.errors import ErrorDetail, GenerativeUIError, GenerativeUIValidationError
from genui.jsontext import decode_json
from genui.limits import DEFAULT_LIMITS, Limits, check_limits
from genui.pointer import format_pointer

__all__ = [
    "COMPONENT_NAME_PATTERN",
    "GenerativeUIMessagePart",
    "GenerativeUINode",
    "GenerativeUISpec",
    "NodeValue",
    "decode_json",
    "given_props",
    "parse_message_part",
    "parse_render_gui_result",
    "parse_spec",
]

COMPONENT_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_.\-]{0,127}$"
"""Component names: an ASCII letter, then letters, digits, ``_``, ``.`` or ``-`` (128 max)."""

_P = ParamSpec("_P")
_T = TypeVar("_T")
_ROOT_TAGS = {"node", "list"}


def _node_kind(value: Any) -> str | None:
    kind = type(value)  # exact types first: decoded JSON, and the isinstance chain is slow
    if kind is dict:
        return "component"
    if kind is str:
        return "text"
    if kind is int or kind is float:
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping | GenerativeUINode):
        return "component"
    return None


def _root_kind(value: Any) -> str:
    return "list" if isinstance(value, list | tuple) else "node"


def _as_list(value: Any) -> Any:
    """Normalize ``children``: absent/null is empty, a single node becomes a one-item list."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return value
    return [value]


def _empty_if_none(value: Any) -> Any:
    return {} if value is None else value


def given_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """The props that were given: null means "not given", so the default applies.

    (OpenAI strict-mode schemas send nulls for optional props.) A node keeps its
    props as sent; renderers validate only the given ones.
    """
    return {name: value for name, value in props.items() if value is not None}


NodeValue: TypeAlias = Annotated[
    Annotated[StrictStr, Tag("text")]
    | Annotated[StrictInt | StrictFloat, Tag("number")]
    | Annotated["GenerativeUINode", Tag("component")],
    Discriminator(
        _node_kind,
        custom_error_type="node_type",
        custom_error_message="a node must be a string, a number or an object with a 'component'",
    ),
]
"""One node of the tree: a text leaf, a number leaf, or a :class:`GenerativeUINode`."""


class GenerativeUINode(BaseModel):
    """A component node: a name from the registry, its props, and its children."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    component: Annotated[StrictStr, Field(pattern=COMPONENT_NAME_PATTERN)]
    """Component name, resolved later by exact lookup in a :class:`~genui.Registry`."""
    props: Annotated[
        dict[StrictStr, JsonValue],
        BeforeValidator(_empty_if_none, json_schema_input_type=dict[str, JsonValue] | None),
    ] = Field(default_factory=dict)
    """Props for the component, any JSON; the component's own model validates them."""
    children: Annotated[
        Annotated[list[NodeValue], Field(fail_fast=True)],
        BeforeValidator(_as_list, json_schema_input_type=NodeValue | list[NodeValue] | None),
    ] = Field(default_factory=list)
    """Child nodes. A single node or string is accepted and normalized to a list."""
    key: StrictStr | None = None
    """Stable identity for DOM ids and streaming updates; any string (always escaped)."""
    repeat: JsonValue | None = None
    """A binding to an array in the spec's ``state``: the node is written once per item
    (see :mod:`genui.state`). Flat nodes spell it ``$repeat``."""
    visible: JsonValue | None = None
    """A condition on the spec's ``state``: the node is written only when it holds (see
    :mod:`genui.state`). Flat nodes spell it ``$visible``."""

    def to_flat(self) -> dict[str, JsonValue]:
        """The node in assistant-ui's flat shape: ``{"$type", <prop>..., "children", "$key"}``.

        An ``action`` binding is written as assistant-ui's ``$action: {"type", ...params}``.

        >>> GenerativeUINode(component="Text", props={"text": "hi"}, key="k").to_flat()
        {'$type': 'Text', 'text': 'hi', '$key': 'k'}
        """
        flat: dict[str, JsonValue] = {"$type": self.component}
        flat.update(self.props)
        binding = _flat_action(flat.get("action"))
        if binding is not None:  # assistant-ui's spelling of an action binding
            del flat["action"]
            flat["$action"] = binding
        if self.children:
            flat["children"] = [_flat_value(child) for child in self.children]
        if self.key is not None:
            flat["$key"] = self.key
        if self.repeat is not None:
            flat["$repeat"] = self.repeat
        if self.visible is not None:
            flat["$visible"] = self.visible
        return flat


class GenerativeUISpec(BaseModel):
    """A whole generative-UI spec: one root node or a list of them."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
        title="GenerativeUISpec",
    )

    root: Annotated[
        Annotated[NodeValue, Tag("node")]
        | Annotated[list[NodeValue], Tag("list"), Field(fail_fast=True)],
        Discriminator(_root_kind),
    ]
    """The root node, or a list of root nodes rendered one after another."""
    state: JsonValue | None = None
    """Data the nodes read through bindings (``{"$state": "/pointer"}``), ``repeat`` and
    ``visible`` (see :mod:`genui.state`); resolved when the spec is validated."""

    def to_flat(self) -> dict[str, JsonValue]:
        """The spec with every node in assistant-ui's flat ``$type`` shape, JSON-ready.

        ``spec.model_dump(mode="json", exclude_defaults=True)`` gives the legacy
        ``{"component", "props", "children", "key"}`` shape; both validate alike.

        >>> spec = GenerativeUISpec.model_validate(
        ...     {"root": [{"component": "Card", "props": {"title": "Hi"}, "children": ["x"]}]}
        ... )
        >>> spec.to_flat()
        {'root': [{'$type': 'Card', 'title': 'Hi', 'children': ['x']}]}
        """
        root = self.root
        flat: dict[str, JsonValue] = {
            "root": [_flat_value(item) for item in root]
            if isinstance(root, list)
            else _flat_value(root)
        }
        if self.state is not None:
            flat["state"] = self.state
        return flat

    @property
    def roots(self) -> tuple[NodeValue, ...]:
        """The root nodes as a tuple, whichever form ``root`` has."""
        root = self.root
        return tuple(root) if isinstance(root, list) else (root,)


def _flat_action(action: JsonValue | None) -> dict[str, JsonValue] | None:
    """An ``action`` prop ``{"name", "params"}`` as a flat ``$action: {"type", ...params}``.

    ``None`` when the prop is not a binding of that shape, has a param named ``type``
    (which ``$action`` cannot carry) or an empty ``params`` (which reads back without
    it): the prop is then written as it is, and either spelling reads back the same.
    """
    if not isinstance(action, dict) or not action.keys() <= {"name", "params"}:
        return None
    name, params = action.get("name"), action.get("params")
    if params is None and "params" not in action:
        params = {}
    elif not isinstance(params, dict) or not params or "type" in params:
        return None
    if not isinstance(name, str):
        return None
    return {"type": name, **params}


def _flat_value(value: NodeValue) -> JsonValue:
    return value.to_flat() if isinstance(value, GenerativeUINode) else value


class GenerativeUIMessagePart(BaseModel):
    """The assistant-ui message-part envelope: ``{"type": "generative-ui", "spec": ...}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["generative-ui"]
    """Always ``"generative-ui"``."""
    spec: GenerativeUISpec
    """The spec carried by the part."""


# ---------------------------------------------------------------------------
# Decoding and error translation
# ---------------------------------------------------------------------------


_CODE_BY_PYDANTIC_TYPE = {
    "missing": "missing_field",
    "extra_forbidden": "extra_field",
    "string_pattern_mismatch": "pattern_mismatch",
    "string_too_long": "too_long",
    "finite_number": "not_finite",
    "literal_error": "invalid_value",
    "json_invalid": "invalid_json",
    "too_long": "too_long",
    "recursion_loop": "too_deep",
    "invalid-json-value": "type_mismatch",
    "unsafe_url": "unsafe_url",
}
_TYPE_MISMATCH_SUFFIX = "_type"


def error_code(pydantic_type: str) -> str:
    """Map a pydantic error type to genui's stable error code."""
    if pydantic_type in _CODE_BY_PYDANTIC_TYPE:
        return _CODE_BY_PYDANTIC_TYPE[pydantic_type]
    if (
        pydantic_type.endswith(_TYPE_MISMATCH_SUFFIX)
        or pydantic_type.endswith("_parsing")
        or pydantic_type in ("node_type", "union_tag_invalid", "model_attributes_type")
    ):
        return "type_mismatch"
    return "invalid_value"


def _child(container: Any, key: Any) -> tuple[bool, Any]:
    if isinstance(container, Mapping) and isinstance(key, str) and key in container:
        return True, container[key]
    if isinstance(container, list | tuple) and isinstance(key, int) and 0 <= key < len(container):
        return True, container[key]
    return False, None


def loc_to_pointer(loc: Sequence[str | int], data: Any, root_model: str = "spec") -> str:
    """Translate a pydantic error location into a JSON Pointer into ``data``.

    Pydantic locations carry synthetic entries for union members; this walks the
    location alongside the input and the wire format's shape to drop them.
    ``root_model`` says what ``data`` is: ``"spec"``, ``"node"`` or ``"props"``.
    """
    parts: list[str | int] = []
    current = data
    state = {"spec": "spec", "node": "node", "props": "json"}[root_model]
    for item in loc:
        if state == "spec":
            if item == "root":
                found, current = _child(current, item)
                parts.append(item)
                state = "root" if found else "done"
            else:
                parts.append(item)
                state = "done"
        elif state == "root":
            state = "list" if item == "list" else "slot" if item in _ROOT_TAGS else "done"
        elif state == "list":
            if isinstance(current, list | tuple):
                found, current = _child(current, item)
                parts.append(item)
                state = "slot" if found else "done"
            else:  # a single child normalized to a list: the index is synthetic
                state = "slot"
        elif state == "slot":
            state = "node" if item == "component" else "done"
        elif state == "node":
            found, current = _child(current, item)
            parts.append(item)
            state = ("list" if item == "children" else "json") if found else "done"
        elif state == "json":
            if item == "[key]":
                state = "done"
                continue
            found, value = _child(current, item)
            if found:
                current = value
                parts.append(item)
        # state "done": the rest of the location is synthetic or past the input
    return format_pointer(parts)


def translate_validation_error(
    exc: ValidationError,
    data: Any,
    *,
    base: str = "",
    root_model: str = "spec",
    title: str = "invalid generative UI spec",
) -> GenerativeUIValidationError:
    """Turn a pydantic :class:`ValidationError` into a :class:`GenerativeUIValidationError`.

    ``base`` is the JSON Pointer of ``data`` within the whole input.
    """
    details: list[ErrorDetail] = []
    seen: set[tuple[str, str]] = set()
    for error in exc.errors(include_url=False, include_input=False):
        loc = error["loc"]
        if error["type"] == "missing" and loc:  # the missing member is not in the data
            pointer = base + loc_to_pointer(loc[:-1], data, root_model)
            pointer += format_pointer([loc[-1]])
        else:
            pointer = base + loc_to_pointer(loc, data, root_model)
        code = error_code(error["type"])
        if (pointer, code) in seen:
            continue
        seen.add((pointer, code))
        message = error["msg"]
        if code == "pattern_mismatch" and root_model != "props" and loc and loc[-1] == "component":
            code = "invalid_name"
            message = (
                "component name must start with an ASCII letter and contain only "
                "letters, digits, '_', '.' or '-' (at most 128 characters)"
            )
        details.append(ErrorDetail(pointer, code, message))
    return GenerativeUIValidationError(details, title=title)


def _validate_spec(
    value: Any, text: str | bytes | bytearray | None, limits: Limits, prefix: tuple[str | int, ...]
) -> GenerativeUISpec:
    """Check ``value`` against ``limits`` and validate it; ``text`` is the JSON it came from."""
    if isinstance(value, GenerativeUISpec):
        return value
    check_limits(value, limits, prefix=prefix, text=text)
    try:
        return GenerativeUISpec.model_validate(value)
    except ValidationError as exc:
        raise translate_validation_error(exc, value, base=format_pointer(prefix)) from None
    except RecursionError:  # pragma: no cover - limits make this unreachable
        raise GenerativeUIValidationError.single(
            format_pointer(prefix), "too_deep", "input nested too deeply"
        ) from None


def _decode_if_text(value: Any, limits: Limits) -> tuple[Any, str | bytes | bytearray | None]:
    """``value`` decoded if it is JSON text, and that text (None if it was not text)."""
    if isinstance(value, str | bytes | bytearray):
        return decode_json(value, limits), value
    return value, None


def _guard(func: Callable[_P, _T]) -> Callable[_P, _T]:
    """Make sure nothing but a :class:`GenerativeUIError` leaves a public parser."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return func(*args, **kwargs)
        except GenerativeUIError:
            raise
        except (RecursionError, MemoryError) as exc:
            raise GenerativeUIValidationError.single(
                "", "too_large", f"input too large or too deep to process ({type(exc).__name__})"
            ) from None
        except Exception as exc:  # translate anything hostile objects raise
            raise GenerativeUIValidationError.single(
                "", "invalid_input", f"input could not be read: {type(exc).__name__}: {exc}"
            ) from None

    return wrapper


def parse_spec(data: Any, *, limits: Limits | None = None) -> GenerativeUISpec:
    """Parse untrusted input into a :class:`GenerativeUISpec`.

    ``data`` is JSON text (``str``/``bytes``), already-decoded data (a mapping),
    or a :class:`GenerativeUISpec` (returned as is). Raises
    :class:`GenerativeUIValidationError` listing the problems found, each with its
    JSON Pointer path and code; no other exception type escapes. Of a list of nodes
    (``root``, ``children``), only the first bad item is reported: 20,000 bad
    siblings 30 deep made 40,000 errors that took 3 s and 380 MiB to build.
    :func:`genui.validate` reports every problem, at a bounded cost per node.

    >>> parse_spec('{"root": {"component": "Text", "props": {"text": "hi"}}}').roots[0].component
    'Text'
    """
    return _parse_spec(data, limits or DEFAULT_LIMITS)


@_guard
def _parse_spec(data: Any, limits: Limits) -> GenerativeUISpec:
    return _validate_spec(*_decode_if_text(data, limits), limits, ())


def parse_message_part(value: Any, *, limits: Limits | None = None) -> GenerativeUISpec:
    """Parse an assistant-ui message part ``{"type": "generative-ui", "spec": ...}``.

    Accepts the part as a mapping or as its JSON text and returns its spec;
    errors point into the part (e.g. ``/spec/root/0/props``).
    """
    return _parse_message_part(value, limits or DEFAULT_LIMITS)


@_guard
def _parse_message_part(value: Any, limits: Limits) -> GenerativeUISpec:
    value, text = _decode_if_text(value, limits)
    if not isinstance(value, Mapping):
        raise GenerativeUIValidationError.single(
            "", "type_mismatch", "a message part must be an object"
        )
    details: list[ErrorDetail] = []
    if value.get("type") != "generative-ui":
        code = "missing_field" if "type" not in value else "invalid_value"
        details.append(ErrorDetail("/type", code, "message part type must be 'generative-ui'"))
    if "spec" not in value:
        details.append(ErrorDetail("/spec", "missing_field", "message part has no 'spec'"))
    details.extend(
        ErrorDetail(format_pointer([key]), "extra_field", "unexpected key in message part")
        for key in value
        if key not in ("type", "spec")
    )
    if details:
        raise GenerativeUIValidationError(details, title="invalid generative-ui message part")
    return _validate_spec(value["spec"], text, limits, ("spec",))


def parse_render_gui_result(value: Any, *, limits: Limits | None = None) -> GenerativeUISpec:
    """Parse the result of a ``render_gui`` tool call.

    The result is ``{"spec": <spec>}``, the spec itself (``{"root": ...}``), or
    the JSON text of either; a ``spec`` given as JSON text is decoded too.
    """
    return _parse_render_gui_result(value, limits or DEFAULT_LIMITS)


@_guard
def _parse_render_gui_result(value: Any, limits: Limits) -> GenerativeUISpec:
    value, text = _decode_if_text(value, limits)
    if isinstance(value, Mapping) and "spec" in value and "root" not in value:
        extra = [key for key in value if key != "spec"]
        if extra:
            details = [
                ErrorDetail(format_pointer([key]), "extra_field", "unexpected key") for key in extra
            ]
            raise GenerativeUIValidationError(details, title="invalid render_gui result")
        spec, spec_text = _decode_if_text(value["spec"], limits)
        return _validate_spec(spec, text if spec_text is None else spec_text, limits, ("spec",))
    return _validate_spec(value, text, limits, ())
