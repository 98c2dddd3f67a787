"""Hypothesis strategies used across genui's own tests (users get genui.testing)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.hostile import HOSTILE_FRAGMENTS


def hostile_text() -> st.SearchStrategy[str]:
    """Text mixing random characters with fragments attackers actually use."""
    fragment = st.sampled_from(HOSTILE_FRAGMENTS)
    return st.lists(st.text(max_size=8) | fragment, max_size=6).map("".join)


def json_scalars() -> st.SearchStrategy[Any]:
    """JSON scalars, plus non-finite floats a Python caller could pass."""
    return (
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=True, allow_infinity=True)
        | hostile_text()
    )


def json_values(max_leaves: int = 30) -> st.SearchStrategy[Any]:
    """Arbitrary (possibly wide or deep) JSON-like values."""
    return st.recursive(
        json_scalars(),
        lambda children: (
            st.lists(children, max_size=6)
            | st.dictionaries(
                hostile_text() | st.sampled_from(["root", "component"]), children, max_size=6
            )
        ),
        max_leaves=max_leaves,
    )


_NAMES = st.sampled_from(
    ["Card", "Text", "Stack", "constructor", "__proto__", "", "1x", "toString", "a.b-c_d"]
)


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    fields = st.fixed_dictionaries(
        {"component": _NAMES | json_scalars()},
        optional={
            "props": st.dictionaries(hostile_text(), json_values(8), max_size=4) | json_scalars(),
            "children": st.lists(children, max_size=4) | children,
            "key": hostile_text() | json_scalars(),
            "onClick": hostile_text(),
        },
    )
    return fields


def spec_shaped() -> st.SearchStrategy[Any]:
    """Values shaped like specs with hostile twists at every position."""
    nodes = st.recursive(json_scalars(), _node, max_leaves=20)
    return (
        st.fixed_dictionaries(
            {"root": nodes | st.lists(nodes, max_size=4)},
            optional={"extra": json_scalars()},
        )
        | nodes
    )
