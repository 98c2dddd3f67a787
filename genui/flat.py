"""assistant-ui's flat ``$type`` node read in genui's legacy node shape, and paths back.

A flat node is one object: ``{"$type": <component>, <prop>: ..., "children": [...],
"$key": ..., "$action": {"type": <name>, <param>: ...}, "$repeat": ..., "$visible": ...}``.
:func:`legacy_members` restructures one such node into the legacy members
``{"component", "props", "key", "repeat", "visible"}`` (children are left to the caller,
which converts them in its own order), checking nothing: members that are not a node's
(``$foo``) are kept as props, so validation refuses them rather than losing them.

Whatever validates the legacy members reports problems at legacy paths
(``/root/0/props/title``); :func:`path_as_sent` turns such a path into the path of the
same value in the document as the agent wrote it (``/root/0/title``), given which nodes
were flat. :func:`genui.validate` reads flat nodes natively; the streaming parser, the
patch stream and :func:`genui.formats.assistant_ui.from_assistant_ui` use this module.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, Final

from genui.errors import (
    ErrorDetail,
    GenerativeUIError,
    GenerativeUIPatchError,
    GenerativeUIRenderError,
    GenerativeUIValidationError,
)
from genui.pointer import format_pointer, parse_pointer

__all__ = [
    "FLAT_META",
    "FlatMembers",
    "document_members",
    "error_as_sent",
    "is_flat",
    "legacy_members",
    "legacy_tree",
    "patch_path_as_sent",
    "path_as_sent",
]

FLAT_META: Final = frozenset({"$type", "$key", "$action", "$repeat", "$visible", "children"})
"""The members of a flat node that are not props."""

_RENAMED: Final = {"component": "$type", "key": "$key", "repeat": "$repeat", "visible": "$visible"}
"""Legacy member → its flat spelling."""

_LEGACY_MEMBERS: Final = ("props", *_RENAMED)
"""The legacy members a path may name that a flat node spells otherwise."""

FlatMembers = Callable[[str], Collection[str] | None]
"""The member names of the flat node at a node path (``None``: not a flat node there)."""


def is_flat(value: Any) -> bool:
    """Whether ``value`` is a node in the flat shape (an object with ``$type``)."""
    return isinstance(value, Mapping) and "$type" in value


def legacy_members(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The legacy members of the flat node ``flat``, without ``children``.

    ``$action: {"type": name, ...params}`` becomes the ``action`` prop
    ``{"name", "params"}`` (anything else under ``$action`` is kept as a prop named
    ``$action``, for validation to refuse); an integer ``$key`` becomes its decimal text.

    >>> legacy_members({"$type": "Link", "href": "/a", "$key": 1})
    {'component': 'Link', 'props': {'href': '/a'}, 'key': '1'}
    """
    props = {name: value for name, value in flat.items() if name not in FLAT_META}
    node: dict[str, Any] = {"component": flat["$type"]}
    if "$action" in flat:
        binding = flat["$action"]
        if isinstance(binding, Mapping) and "action" not in props:
            params = {name: value for name, value in binding.items() if name != "type"}
            props["action"] = {"name": binding.get("type"), "params": params}
        else:
            props["$action"] = binding
    if props:
        node["props"] = props
    key = flat.get("$key")
    if key is not None:
        node["key"] = str(key) if type(key) is int else key
    for flat_name, name in (("$repeat", "repeat"), ("$visible", "visible")):
        if flat.get(flat_name) is not None:
            node[name] = flat[flat_name]
    return node


def legacy_tree(value: Any) -> Any:
    """A node and everything under it in the legacy shape (flat and legacy nodes alike).

    Iterative (depth is checked by validation, not here); each node becomes a new dict
    (the input is not changed). ``children`` that are ``null`` are left out and a single
    child becomes a list of one, as validation reads them; anything that is not a node is
    kept as it is, for validation to report.

    >>> legacy_tree({"$type": "Card", "children": {"$type": "Text", "text": "a"}})
    {'component': 'Card', 'children': [{'component': 'Text', 'props': {'text': 'a'}}]}
    """
    result: list[Any] = []
    stack: list[tuple[Any, list[Any]]] = [(value, result)]  # (a node, the list it goes into)
    while stack:
        item, into = stack.pop()
        if not isinstance(item, Mapping):
            into.append(item)
            continue
        if "$type" in item:
            node = legacy_members(item)
        elif "component" in item:
            node = dict(item)
        else:
            into.append(item)
            continue
        into.append(node)
        children = item.get("children")
        if children is None:
            node.pop("children", None)
            continue
        items = list(children) if isinstance(children, list | tuple) else [children]
        converted: list[Any] = []
        node["children"] = converted
        # siblings are popped in order; each appends to its own parent's list
        stack.extend((child, converted) for child in reversed(items))
    return result[0]


def _member_tokens(tokens: list[str], members: Collection[str]) -> list[str]:
    """Legacy tokens inside one flat node (``members``: its names) as the flat tokens."""
    if not tokens:
        return tokens
    head = tokens[0]
    if head in _RENAMED:
        return [_RENAMED[head], *tokens[1:]]
    if head != "props":
        return tokens
    rest = tokens[1:]
    if rest[:1] == ["action"] and "$action" in members:
        inner = rest[1:]
        if inner[:1] == ["name"]:
            return ["$action", "type", *inner[1:]]
        if inner[:1] == ["params"]:
            return ["$action", *inner[1:]]
        return ["$action", *inner]
    return rest


def _node_end(tokens: list[str]) -> int | None:
    """How many of ``tokens`` make the path of the node they lead into (None: no node)."""
    at = 1 if tokens[:1] == ["spec"] else 0
    if tokens[at : at + 1] != ["root"]:
        return None
    end = at + 1
    if end < len(tokens) and tokens[end].isdecimal():
        end += 1
    while end + 1 < len(tokens) and tokens[end] == "children" and tokens[end + 1].isdecimal():
        end += 2
    return end


def path_as_sent(path: str, flat_members: FlatMembers) -> str:
    """``path`` (a legacy path into a spec) as the path into the spec as sent.

    The node path (``/root``, ``/root/2``, then ``/children/i`` steps; an envelope's
    ``/spec`` first) is the same in both shapes; the tokens after it are mapped when
    ``flat_members`` says the node there was flat. Anything that is not such a path is
    returned as it is.

    >>> path_as_sent("/root/0/props/title", lambda at: {"$type", "title"})
    '/root/0/title'
    """
    return _mapped(path, flat_members, keep_members=False)


def patch_path_as_sent(path: str, flat_members: FlatMembers) -> str:
    """A patch's ``path`` written for the legacy shape, as the path in the document as sent.

    genui's own patch helpers (:mod:`genui.images`) address a node's props as
    ``<node>/props/<name>``; in a flat node that prop is ``<node>/<name>``. Mapped as
    :func:`path_as_sent` maps, except where the flat node has a member of the legacy name
    itself (a flat prop named ``props`` keeps ``<node>/props/...``).
    """
    if not any(f"/{name}" in path for name in _LEGACY_MEMBERS):
        return path  # (the common case, at C speed: nothing of the legacy shape in it)
    return _mapped(path, flat_members, keep_members=True)


def _mapped(path: str, flat_members: FlatMembers, *, keep_members: bool) -> str:
    try:
        tokens = parse_pointer(path)
    except ValueError:
        return path
    end = _node_end(tokens)
    if end is None or end == len(tokens):
        return path
    members = flat_members(format_pointer(tokens[:end]))
    if members is None or (keep_members and tokens[end] in members):
        return path
    return format_pointer([*tokens[:end], *_member_tokens(tokens[end:], members)])


def _details_as_sent(
    details: tuple[ErrorDetail, ...], flat_members: FlatMembers, base: str
) -> list[ErrorDetail]:
    return [
        ErrorDetail(
            base + path_as_sent(detail.path, flat_members),
            detail.code,
            detail.message,
            detail.hint,
            detail.state_path,
        )
        for detail in details
    ]


def error_as_sent(
    error: GenerativeUIError, flat_members: FlatMembers, *, base: str = ""
) -> GenerativeUIError:
    """``error`` with every path mapped by :func:`path_as_sent` (the same error type).

    ``base`` is put before every path: the pointer of the spec in what was sent
    (``"/spec"`` inside an envelope).
    """
    if isinstance(error, GenerativeUIRenderError):
        return GenerativeUIRenderError(
            error.message,
            component_name=error.component_name,
            path=base + path_as_sent(error.path, flat_members),
            code=error.code,
            details=_details_as_sent(error.errors, flat_members, base),
        )
    if isinstance(error, GenerativeUIValidationError):
        return GenerativeUIValidationError(
            _details_as_sent(error.errors, flat_members, base), title=error.title
        )
    if isinstance(error, GenerativeUIPatchError):
        return GenerativeUIPatchError(
            error.message,
            op_index=error.op_index,
            path=base + path_as_sent(error.path, flat_members),
            code=error.code,
            details=_details_as_sent(error.errors, flat_members, base),
        )
    return error


def document_members(document: Any) -> FlatMembers:
    """:data:`FlatMembers` read from a document (a spec, or an envelope ``{"spec"}``)."""

    def members(node_path: str) -> Collection[str] | None:
        try:
            tokens = parse_pointer(node_path)
        except ValueError:
            return None
        value = document
        for token in tokens:
            if isinstance(value, Mapping):
                value = value.get(token)
            elif isinstance(value, list) and token.isdecimal() and int(token) < len(value):
                value = value[int(token)]
            else:
                return None
        return value.keys() if is_flat(value) else None

    return members
