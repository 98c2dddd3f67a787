"""A stream's memory is about one copy of its current spec, plus its history's byte budget.

Measured with tracemalloc (deterministic, unlike time): what a stream retains after a
10,000-patch session — nodes added one at a time, props and texts changed, children
removed, in both node shapes — against what a stream given the final spec in one patch
retains, plus the bytes of the update history it keeps for reconnects.
"""

from __future__ import annotations

import gc
import json
import random
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from genui.stream import ALL_OPS, SpecStream

SESSION_PATCHES = 10_000
MEMORY_FACTOR = 3.0
"""The issue's bound: a session retains at most this times the final spec's memory."""
PER_UPDATE = 256
"""Bytes an update in the history costs beyond its HTML (the tuple, the str objects)."""


def _session(flat: bool, seed: int = 7) -> list[list[dict[str, Any]]]:
    """10,000 patches building and editing a page of cards with text children."""
    rng = random.Random(seed)
    patches: list[list[dict[str, Any]]] = [[{"op": "add", "path": "/root", "value": []}]]
    children: list[int] = []  # children per card

    def card(title: str) -> dict[str, Any]:
        if flat:
            return {"$type": "Card", "title": title, "children": []}
        return {"component": "Card", "props": {"title": title}, "children": []}

    def text(value: str) -> dict[str, Any]:
        return (
            {"$type": "Text", "text": value}
            if flat
            else {"component": "Text", "props": {"text": value}}
        )

    title = "title" if flat else "props/title"
    while len(patches) < SESSION_PATCHES:
        roll = rng.random()
        if not children or (roll < 0.05 and len(children) < 100):
            patches.append(
                [{"op": "add", "path": "/root/-", "value": card(f"card {len(children)}")}]
            )
            children.append(0)
            continue
        index = rng.randrange(len(children))
        if roll < 0.5 and sum(children) < 1_000:
            value = text(f"line {rng.random():.6f}")
            patches.append([{"op": "add", "path": f"/root/{index}/children/-", "value": value}])
            children[index] += 1
        elif roll < 0.8:
            patches.append(
                [{"op": "replace", "path": f"/root/{index}/{title}", "value": f"t {rng.random()}"}]
            )
        elif children[index]:
            children[index] -= 1
            patches.append([{"op": "remove", "path": f"/root/{index}/children/{children[index]}"}])
    return patches


def _retained(build: Callable[[], SpecStream]) -> tuple[SpecStream, int]:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        stream = build()
        gc.collect()
        return stream, tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("flat", [False, True], ids=["legacy", "flat"])
def test_a_10000_patch_session_retains_at_most_3x_its_final_spec_plus_the_history(
    flat: bool,
) -> None:
    patches = _session(flat)

    def session() -> SpecStream:
        stream = SpecStream(ops=ALL_OPS)
        for patch in patches:
            stream.apply(patch)
        stream.html()
        return stream

    stream, retained = _retained(session)
    final = json.dumps(stream.snapshot()["document"])

    def at_once() -> SpecStream:
        fresh = SpecStream(ops=ALL_OPS)
        fresh.apply([{"op": "add", "path": "", "value": json.loads(final)}])
        fresh.html()
        return fresh

    fresh, spec_memory = _retained(at_once)
    assert fresh.html() == stream.html()
    kept = [update for _, batch in stream._history for update in batch]
    history = stream._history_size + PER_UPDATE * len(kept)
    print(
        f"\n{'flat' if flat else 'legacy'}: session retains {retained / 1e6:.2f} MB,"
        f" a stream of the final spec {spec_memory / 1e6:.2f} MB"
        f" ({retained / spec_memory:.2f}x), history {history / 1e6:.2f} MB"
    )
    assert retained <= MEMORY_FACTOR * spec_memory + history


def test_the_history_keeps_at_most_its_byte_budget() -> None:
    stream = SpecStream(history_bytes=10_000)
    stream.apply({"root": {"component": "Text", "props": {"text": "start"}}})
    for index in range(100):
        stream.apply([{"op": "replace", "path": "/root/props/text", "value": f"{index:04d}" * 250}])
    assert stream._history_size <= 10_000 + 1_200  # the newest batch is always kept
    assert stream.updates_since(stream.version - 1) is not None
    assert stream.updates_since(2) is None  # too old: the client gets reset_update()


def test_one_batch_over_the_budget_is_still_kept() -> None:
    stream = SpecStream(history_bytes=10)
    stream.apply({"root": "a long enough text"})
    updates = stream.apply({"root": "another long enough text"})
    assert stream.updates_since(stream.version - 1) == updates
    assert stream.updates_since(stream.version - 2) is None
