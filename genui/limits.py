"""Hard limits on untrusted input, checked before any deep work.

Agent output is untrusted: a spec may be 100,000 levels deep, hold a million
nodes, or carry a 1 GiB string. :class:`Limits` bounds every dimension, and
:func:`check_limits` enforces them with an iterative scan (no recursion, so no
``RecursionError``), before pydantic or a template ever sees the value.

When the JSON text a value was decoded from is at hand, bounds read off the
text at C speed (its length, a count of ``,``/``[``/``{``, the longest run of
digits) usually prove that no string, integer or value count can be over its
limit; the scan then walks only the containers. Whenever a bound does not
prove it, or a limit is exceeded, the full scan runs, so verdicts, paths and
codes are always the full scan's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from genui.errors import ErrorDetail, GenerativeUIValidationError
from genui.pointer import format_pointer, parse_pointer

__all__ = [
    "CONTEXT_LIMITS",
    "DEFAULT_LIMITS",
    "JSON_DECODER_MAX_DEPTH",
    "MAX_INTEGER",
    "Limits",
    "check_limits",
    "check_value_limits",
    "flat_prop_count",
]

MAX_INTEGER = 2**63 - 1
"""Largest magnitude of an integer anywhere in a spec: ±(2**63 - 1). (-2**63 is refused too:
the streaming parser reports it as an overflow, and the two paths must agree.)"""

JSON_DECODER_MAX_DEPTH = 200
"""Nesting depth beyond which the JSON decoder (jiter) refuses text outright."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds applied to every spec genui parses. All are overridable.

    >>> Limits(max_nodes=1_000).max_depth
    32
    """

    max_depth: int = 32
    """Deepest nesting of component nodes (a root node is depth 1). Every node's element
    carries its path, which grows with its depth: 32 keeps what a page writes per node
    within the stated output factor (docs/security.md, "What each call may cost")."""
    max_json_depth: int = 192
    """Deepest nesting of JSON arrays/objects anywhere, props included."""
    max_nodes: int = 50_000
    """Most nodes (components and text leaves) in one spec."""
    max_values: int = 2_000_000
    """Most JSON values in one input, props included."""
    max_string_length: int = 10 * 1024 * 1024
    """Longest string (in characters), object keys included."""
    max_props_per_node: int = 256
    """Most props on one node."""
    max_input_bytes: int = 32 * 1024 * 1024
    """Largest JSON text accepted, in UTF-8 bytes."""
    max_total_chars: int = 64 * 1024 * 1024
    """Most characters in all strings and keys of one spec together. JSON text cannot hold
    more than its length, but patches that ``copy`` one long string many times could
    (1,500 copies of 1 MB: 1.5 GB to render); refused as ``too_much_text``."""
    max_output_chars: int = 128 * 1024 * 1024
    """Most characters of HTML one render (or one streamed fragment) may write. Counted
    node by node as it is written, so a render is refused as ``output_too_large``
    (a :class:`~genui.GenerativeUIRenderError` with the path of the node that crossed
    the line) once it has written this much, never after writing more."""
    max_chart_series: int = 12
    """Most series one Chart draws. The JSON Schema states the default, so a spec that
    satisfies it always renders; more is refused as ``too_long`` at the Chart's
    ``series``."""
    max_chart_points: int = 500
    """Most points per chart series: a Chart's ``labels`` and each series' ``values``,
    and a Stat's ``sparkline``. More is refused as ``too_long`` at the list."""


DEFAULT_LIMITS = Limits()
"""The limits used when a caller passes none."""

CONTEXT_LIMITS = "genui_limits"
"""Key of the :class:`Limits` in the pydantic validation context (props models that bound
their own data, such as Chart's, read it; :data:`DEFAULT_LIMITS` when absent)."""

# Where a value sits in the spec decides whether it counts as a node.
_JSON, _NODE_SLOT, _NODE_LIST, _SPEC = range(4)


class _Path:
    """A path kept as a linked list, so that extending it costs O(1)."""

    __slots__ = ("key", "parent")

    def __init__(self, parent: _Path | None, key: str | int) -> None:
        self.parent = parent
        self.key = key

    def pointer(self, prefix: tuple[str | int, ...]) -> str:
        parts: list[str | int] = []
        node: _Path | None = self
        while node is not None:
            parts.append(node.key)
            node = node.parent
        parts.reverse()
        return format_pointer((*prefix, *parts))


class _LimitExceededError(Exception):
    """Raised by the fast scan, which keeps no paths, to ask for the tracking scan."""


def _fail(
    limits_path: _Path | None, prefix: tuple[str | int, ...], code: str, message: str
) -> None:
    if limits_path is _UNTRACKED:
        raise _LimitExceededError
    path = limits_path.pointer(prefix) if limits_path is not None else format_pointer(prefix)
    raise GenerativeUIValidationError([ErrorDetail(path, code, message)], title="spec over limits")


_UNTRACKED = _Path(None, "")
"""Stands for every path during the fast scan."""


def check_limits(
    value: Any,
    limits: Limits = DEFAULT_LIMITS,
    *,
    prefix: tuple[str | int, ...] = (),
    text: str | bytes | bytearray | None = None,
) -> None:
    """Raise :class:`GenerativeUIValidationError` if ``value`` exceeds ``limits``.

    ``value`` is a decoded spec (``{"root": ...}``); ``prefix`` is prepended to
    error paths when the spec sits inside an envelope. The scan is iterative and
    stops at the first violation, so its cost is bounded by the limits
    themselves, whatever the input. Values that are not JSON are left for the
    model validation to report.

    ``text`` is the JSON text (``str`` or UTF-8 bytes) that ``value``, or the
    document ``value`` is part of, was decoded from by
    :func:`genui.spec.decode_json`, if the caller has it. It only makes the check
    cheaper: the verdict, path and code are the same as without it. Passing a
    text that ``value`` was not decoded from is an error the check cannot detect.
    """
    if text is not None and _scalars_within_limits(text, limits):
        if _containers_within_limits(value, limits):
            return
        _scan(value, limits, prefix, track=True)  # over a limit: report it as the full scan does
        return
    try:
        _scan(value, limits, prefix, track=False)
    except _LimitExceededError:
        _scan(value, limits, prefix, track=True)


_DIGIT_RUN_TABLE = bytes.maketrans(b"123456789[{", b"000000000,,")
"""Maps every ASCII digit to ``0`` and ``[``/``{`` to ``,`` (for one search and one count)."""
_TOO_MANY_DIGITS = b"0" * len(str(MAX_INTEGER))
"""The shortest digit run an integer over :data:`MAX_INTEGER` in magnitude is written with."""


def _scalars_within_limits(text: str | bytes | bytearray, limits: Limits) -> bool:
    """Whether bounds read off JSON ``text`` prove its values keep the per-scalar limits.

    Those are string and key length, integer size and the number of values. No
    decoded string or key is longer than the text. Every JSON value but the
    outermost is the first member of a container or follows a ``,``, so there
    are at most ``1 + count(",") + count("[") + count("{")`` values (and at most
    one per character, as no two values start at the same one). An integer
    beyond ±MAX_INTEGER is written with at least 19 digits in a row. Characters
    inside strings only make the bounds larger, and so does counting UTF-8 bytes
    instead of characters.
    """
    size = len(text)
    if size > limits.max_string_length or size > limits.max_total_chars:
        return False
    if size < len(_TOO_MANY_DIGITS) and size <= limits.max_values:
        return True
    # UTF-8 (cached by the decoder) has the same ASCII characters as the text, at a byte each.
    encoded = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    marked = encoded.translate(_DIGIT_RUN_TABLE)
    if _TOO_MANY_DIGITS in marked:
        return False
    return size <= limits.max_values or 1 + marked.count(b",") <= limits.max_values


def _containers_within_limits(value: Any, limits: Limits) -> bool:
    """Whether ``value`` keeps the node-depth, JSON-depth, node-count and props limits.

    ``value`` must be decoded JSON (only ``dict`` and ``list`` containers). Nodes
    are what :func:`_scan` counts as nodes: ``root``, each item of a ``children``
    or ``root`` list, and a ``children`` that is not a list. Only containers are
    looked into; scalars are skipped.
    """
    max_json_depth = limits.max_json_depth
    max_props = limits.max_props_per_node
    if type(value) is not dict:
        return type(value) is not list or _json_within_depth(value, 1, max_json_depth)
    if max_json_depth < 1:
        return False
    # Lists of sibling nodes still to look at: (siblings, their JSON depth, their node depth).
    pending: list[tuple[Sequence[Any], int, int]] = []
    nodes = 0
    for key, child in value.items():
        kind = type(child)
        if key == "root":
            if kind is not list:
                nodes = 1
                pending.append(((child,), 2, 1))
            elif max_json_depth < 2:
                return False
            else:
                nodes = len(child)
                pending.append((child, 3, 1))
        elif (kind is dict or kind is list) and not _json_within_depth(child, 2, max_json_depth):
            return False
    while pending:
        siblings, json_depth, node_depth = pending.pop()
        nodes_fit = json_depth <= max_json_depth and node_depth <= limits.max_depth
        for node in siblings:
            kind = type(node)
            if kind is list:  # JSON in a node slot
                if not _json_within_depth(node, json_depth, max_json_depth):
                    return False
            elif kind is dict:
                if not nodes_fit or ("$type" in node and flat_prop_count(node) > max_props):
                    return False
                for key, child in node.items():
                    kind = type(child)
                    if kind is dict:
                        if key == "props":
                            if len(child) > max_props or json_depth >= max_json_depth:
                                return False
                            for member in child.values():
                                kind = type(member)
                                if (kind is dict or kind is list) and not _json_within_depth(
                                    member, json_depth + 2, max_json_depth
                                ):
                                    return False
                        elif key == "children":
                            nodes += 1
                            pending.append(((child,), json_depth + 1, node_depth + 1))
                        elif not _json_within_depth(child, json_depth + 1, max_json_depth):
                            return False
                    elif kind is list:
                        if key == "children":
                            if json_depth >= max_json_depth:
                                return False
                            nodes += len(child)
                            pending.append((child, json_depth + 2, node_depth + 1))
                        elif not _json_within_depth(child, json_depth + 1, max_json_depth):
                            return False
                    elif key == "children":
                        nodes += 1
        if nodes > limits.max_nodes:
            return False
    return True


def flat_prop_count(node: Mapping[Any, Any]) -> int:
    """How many props a node in the flat ``$type`` shape carries.

    Every key is a prop but the ``$``-keys and ``children``.
    """
    return sum(
        1
        for key in node
        if not (isinstance(key, str) and key.startswith("$")) and key != "children"
    )


def _json_within_depth(value: Any, depth: int, max_depth: int) -> bool:
    """Whether no container in decoded JSON ``value`` (at ``depth`` itself) is too deep."""
    stack = [(value, depth)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return False
        depth += 1
        for child in item.values() if type(item) is dict else item:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth))
    return True


def _scan(
    value: Any,
    limits: Limits,
    prefix: tuple[str | int, ...],
    *,
    track: bool,
    role: int = _SPEC,
) -> int:
    """Walk ``value`` once. Containers go on a stack; scalars are checked where they sit.

    Returns the characters of all its strings and keys (at most ``max_total_chars``).
    """
    start = None if track else _UNTRACKED
    max_string = limits.max_string_length
    max_chars = limits.max_total_chars
    chars = 0
    max_values = limits.max_values
    max_nodes = limits.max_nodes
    values = nodes = 0

    def child_path(parent: _Path | None, key: str | int) -> _Path | None:
        return _Path(parent, key) if track else parent

    def too_much_text(parent: _Path | None, key: str | int) -> None:
        _fail(
            child_path(parent, key),
            prefix,
            "too_much_text",
            f"more than {max_chars} characters of text in all",
        )

    def scalar_problem(item: Any) -> tuple[str, str] | None:
        """Why a leaf is over a limit (strings and integers), or None."""
        kind = type(item)
        if kind is str or (kind is not bool and isinstance(item, str)):
            if len(item) > max_string:
                return "too_long", f"string longer than {max_string} characters"
            if len(item) > max_chars:
                return "too_much_text", f"more than {max_chars} characters of text"
        elif kind is int and not -MAX_INTEGER <= item <= MAX_INTEGER:
            return "number_too_large", "integers must fit in 64 bits"
        return None

    stack: list[tuple[Any, int, int, int, _Path | None]] = []
    values = 1
    nodes = 1 if role == _NODE_SLOT else 0
    if isinstance(value, Mapping | list | tuple):
        stack.append((value, 1, 0, role, start))
    else:
        problem = scalar_problem(value)
        if problem is not None:
            _fail(start, prefix, *problem)
        if isinstance(value, str):
            chars = len(value)
    while stack:
        item, json_depth, node_depth, role, path = stack.pop()
        if json_depth > limits.max_json_depth:
            _fail(path, prefix, "too_deep", f"JSON nested deeper than {limits.max_json_depth}")
        if isinstance(item, Mapping):
            if role == _NODE_SLOT:
                node_depth += 1
                if node_depth > limits.max_depth:
                    _fail(path, prefix, "too_deep", f"nodes nested deeper than {limits.max_depth}")
                props = item.get("props")
                if isinstance(props, Mapping) and len(props) > limits.max_props_per_node:
                    _fail(
                        child_path(path, "props"),
                        prefix,
                        "too_many_props",
                        f"more than {limits.max_props_per_node} props",
                    )
                if "$type" in item and flat_prop_count(item) > limits.max_props_per_node:
                    _fail(
                        path,
                        prefix,
                        "too_many_props",
                        f"more than {limits.max_props_per_node} props",
                    )
            entries: Any = item.items()
        else:
            entries = enumerate(item)
        element_role = _NODE_SLOT if role == _NODE_LIST else _JSON
        for key, child in entries:
            if (role == _SPEC and key == "root") or (role == _NODE_SLOT and key == "children"):
                child_role = _NODE_LIST if isinstance(child, list | tuple) else _NODE_SLOT
            elif type(key) is int:
                child_role = element_role
            else:
                if isinstance(key, str):
                    if len(key) > max_string:
                        _fail(path, prefix, "too_long", f"key longer than {max_string} characters")
                    chars += len(key)
                child_role = _JSON
            values += 1
            if values > max_values:
                _fail(
                    child_path(path, key),
                    prefix,
                    "too_many_values",
                    f"more than {max_values} JSON values",
                )
            if child_role == _NODE_SLOT:
                nodes += 1
                if nodes > max_nodes:
                    _fail(
                        child_path(path, key),
                        prefix,
                        "too_many_nodes",
                        f"more than {max_nodes} nodes",
                    )
            kind = type(child)
            if kind is str:
                if len(child) > max_string:
                    _fail(
                        child_path(path, key),
                        prefix,
                        "too_long",
                        f"string longer than {max_string} characters",
                    )
                chars += len(child)
                if chars > max_chars:
                    too_much_text(path, key)
            elif kind is int:
                if not -MAX_INTEGER <= child <= MAX_INTEGER:
                    _fail(
                        child_path(path, key),
                        prefix,
                        "number_too_large",
                        "integers must fit in 64 bits",
                    )
            elif kind is dict or kind is list or isinstance(child, Mapping | list | tuple):
                stack.append(
                    (
                        child,
                        json_depth + 1,
                        node_depth,
                        child_role,
                        _Path(path, key) if track else path,
                    )
                )
            elif kind is not float and kind is not bool and child is not None:
                problem = scalar_problem(child)  # str and int subclasses, and anything else
                if problem is not None:
                    _fail(child_path(path, key), prefix, *problem)
                if isinstance(child, str):
                    chars += len(child)
                    if chars > max_chars:
                        too_much_text(path, key)
    return chars


def check_value_limits(value: Any, limits: Limits, base: str) -> int:
    """Check a plain JSON value (e.g. one node's props) against ``limits``.

    Depth, value count, string and key lengths, and the number of members of
    the value itself (as props); ``base`` is the value's JSON Pointer. Returns the
    characters of its strings and keys (for a caller adding up a whole spec).
    """
    if isinstance(value, Mapping) and len(value) > limits.max_props_per_node:
        raise GenerativeUIValidationError(
            [ErrorDetail(base, "too_many_props", f"more than {limits.max_props_per_node} props")],
            title="spec over limits",
        )
    try:
        return _scan(value, limits, (), track=False, role=_JSON)  # keeps no paths: no prefix
    except _LimitExceededError:
        return _scan(value, limits, tuple(parse_pointer(base)), track=True, role=_JSON)
