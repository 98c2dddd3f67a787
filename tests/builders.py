"""Builders for spec nodes: the ``{"component": ..., "props": ...}`` dicts tests feed genui."""

from __future__ import annotations

from typing import Any

__all__ = ["chain", "node", "text"]


def node(component: object = "Text", **fields: Any) -> dict[str, Any]:
    """A node with exactly these fields, ``None`` and ill-typed values included.

    For validation tests too: ``node(7)``, ``node(props=None)`` and ``node(onclick="x")`` are
    kept as written.
    """
    return {"component": component, **fields}


def chain(depth: int) -> dict[str, Any] | str:
    """``depth`` Stacks, each the only child of the one above, around a text leaf.

    ``chain(0)`` is the bare leaf.
    """
    current: dict[str, Any] | str = "leaf"
    for _ in range(depth):
        current = node("Stack", children=[current])
    return current


def text(value: str, **props: Any) -> dict[str, Any]:
    """A Text node saying ``value`` (with any other props)."""
    return {"component": "Text", "props": {"text": value, **props}}
