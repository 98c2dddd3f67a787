"""assistant-ui's flat ``$type`` IR out of a genui spec, and back to genui's legacy shape.

assistant-ui writes a node as one flat object: ``{"$type": <component>, <prop>: ...,
"children": [...], "$key": ..., "$action": {"type": <name>, <param>: ...}}``; genui adds
``$repeat`` and ``$visible`` for its state bindings (see :mod:`genui.state`).
:func:`genui.validate` already reads that shape on input, mixed freely with genui's own
``{"component", "props", "children", "key", "repeat", "visible"}`` nodes.

* :func:`to_assistant_ui` writes a genui spec (a :class:`~genui.GenerativeUISpec`, or
  anything it validates from) as the flat IR, ``state`` kept, optionally wrapped in the
  ``{"type": "generative-ui", "spec": ...}`` message part; it reuses
  :meth:`genui.GenerativeUISpec.to_flat`.
* :func:`from_assistant_ui` turns flat IR (a bare spec, a message part or ``render_gui``
  arguments ``{"spec": ...}``) into the legacy shape, as plain JSON data. It checks
  nothing: pass the result (or the flat input itself) to :func:`genui.validate`, which
  reports problems with paths into the flat document as sent. Members it does not know
  (``$foo``) are kept as props, so validation reports them rather than losing them.

Round trip: for every valid spec, ``from_assistant_ui(to_assistant_ui(spec))`` renders
the same HTML as ``spec`` (a property test draws specs with
:func:`genui.testing.specs`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import JsonValue

from genui.flat import legacy_tree
from genui.spec import GenerativeUISpec

__all__ = ["from_assistant_ui", "to_assistant_ui"]


def to_assistant_ui(spec: Any, *, part: bool = False) -> dict[str, JsonValue]:
    """A genui spec as assistant-ui's flat IR ``{"root": ..., "state"?: ...}``, JSON-ready.

    ``spec`` is a :class:`~genui.GenerativeUISpec` or data it validates from (legacy or
    flat nodes); it raises :class:`pydantic.ValidationError` when that is no spec shape
    at all (use :func:`genui.validate` first for untrusted input). ``part=True`` wraps it
    in assistant-ui's message part ``{"type": "generative-ui", "spec": ...}``.

    >>> to_assistant_ui({"root": {"component": "Text", "props": {"text": "hi"}, "key": "k"}})
    {'root': {'$type': 'Text', 'text': 'hi', '$key': 'k'}}
    """
    model = spec if isinstance(spec, GenerativeUISpec) else _legacy_model(spec)
    flat = model.to_flat()
    if part:
        return {"type": "generative-ui", "spec": flat}
    return flat


def _legacy_model(data: Any) -> GenerativeUISpec:
    if isinstance(data, Mapping) and _has_flat(data.get("root")):
        data = from_assistant_ui(data)
    return GenerativeUISpec.model_validate(data)


def _has_flat(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, Mapping):
            if "$type" in item:
                return True
            stack.append(item.get("children"))
    return False


def from_assistant_ui(data: Any) -> dict[str, Any]:
    """Flat ``$type`` IR as a genui spec in the legacy node shape (plain JSON data).

    Accepts a bare spec ``{"root": ..., "state"?: ...}``, a message part
    ``{"type": "generative-ui", "spec": ...}`` or ``{"spec": ...}``; legacy nodes inside
    are converted too (their children). ``$action: {"type": name, ...params}`` becomes
    the ``action`` prop ``{"name", "params"}``, ``$key``/``$repeat``/``$visible`` the
    node's ``key``/``repeat``/``visible``. Anything that is not a node shape is left as
    it is, for :func:`genui.validate` to report.

    >>> from_assistant_ui({"root": {"$type": "Link", "href": "/a", "$key": 1}})
    {'root': {'component': 'Link', 'props': {'href': '/a'}, 'key': '1'}}
    """
    if isinstance(data, Mapping) and "root" not in data and isinstance(data.get("spec"), Mapping):
        data = data["spec"]
    if not isinstance(data, Mapping):
        return {"root": data}
    out: dict[str, Any] = {
        name: value for name, value in data.items() if name not in ("root", "state")
    }
    root = data.get("root")
    out = {"root": _roots(root), **out}
    if "state" in data:
        out["state"] = data["state"]
    return out


def _roots(root: Any) -> Any:
    if isinstance(root, list | tuple):
        return [legacy_tree(item) for item in root]
    return legacy_tree(root)
