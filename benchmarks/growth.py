"""Issue 16: streaming costs time linear in its input, however the input is cut.

Each case is timed at a size and at twice that size (the least CPU seconds of a few
runs, the cyclic GC off while timing); doubling the input should cost at most
:data:`GROWTH_TARGET` times the CPU time:

* ``children/patches`` — a parent (a ``Card``, and a ``List`` of ``ListItem`` s) with
  1,000 / 2,000 / 4,000 children, added one ``add /root/children/-`` patch at a time;
* ``children/feed`` — the same spec's JSON text, fed one child per chunk;
* ``string/feed`` — an Image whose ``data:`` URL is 1 MB / 2 MB, fed in 4-byte and 1-byte
  chunks.

Run with ``python -m benchmarks.growth [--quick] [--check]`` (``--only growth`` from
``python -m benchmarks``). The times are CPU seconds of this process on a shared machine:
informational; ``--check`` exits 1 when a ratio is over the target.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TextIO

from genui.render import Renderer
from genui.stream import ALL_OPS, SpecStream

GROWTH_TARGET = 2.5
"""Most CPU time a doubled input may cost, as a multiple of the input's."""
CHILDREN: tuple[int, ...] = (1_000, 2_000, 4_000)
QUICK_CHILDREN: tuple[int, ...] = (100, 200)
STRING_BYTES: tuple[int, ...] = (1_000_000, 2_000_000)
QUICK_STRING_BYTES: tuple[int, ...] = (20_000, 40_000)
REPEAT = 3


@dataclass(frozen=True)
class Growth:
    """One case at each of its sizes: CPU seconds, and each doubling's ratio."""

    name: str
    sizes: tuple[int, ...]
    seconds: tuple[float, ...]

    @property
    def ratios(self) -> tuple[float, ...]:
        """CPU time at each size over the size before it."""
        pairs = zip(self.seconds, self.seconds[1:], strict=False)
        return tuple(after / max(before, 1e-9) for before, after in pairs)

    @property
    def ok(self) -> bool:
        """Whether every doubling costs at most :data:`GROWTH_TARGET` times."""
        return all(ratio <= GROWTH_TARGET for ratio in self.ratios)


def _child(component: str, index: int) -> dict[str, object]:
    if component == "List":
        return {"component": "ListItem", "props": {"text": f"item {index}"}}
    return {"component": "Text", "props": {"text": f"item {index}"}}


def _parent(component: str) -> dict[str, object]:
    props = {"title": "Items"} if component == "Card" else {}
    return {"component": component, "props": props, "children": []}


def children_by_patches(renderer: Renderer, component: str, count: int) -> Callable[[], str]:
    """A stream that adds ``count`` children to one parent, one patch each."""
    patches = [
        [{"op": "add", "path": "/root/children/-", "value": _child(component, index)}]
        for index in range(count)
    ]

    def run() -> str:
        stream = SpecStream(renderer=renderer, ops=ALL_OPS)
        stream.apply([{"op": "add", "path": "", "value": {"root": _parent(component)}}])
        for patch in patches:
            stream.apply(patch)
        return str(stream.html())

    return run


def children_by_feed(renderer: Renderer, component: str, count: int) -> Callable[[], str]:
    """A stream fed the same spec's text, one child per chunk."""
    opening = json.dumps({"root": _parent(component)})[: -len("]}}")]
    pieces = [opening]
    pieces.extend(
        ("," if index else "") + json.dumps(_child(component, index)) for index in range(count)
    )
    pieces.append("]}}")

    def run() -> str:
        stream = SpecStream(renderer=renderer, ops=ALL_OPS)
        for piece in pieces:
            stream.feed(piece)
        stream.close()
        return str(stream.html())

    return run


def string_by_feed(renderer: Renderer, size: int, chunk: int) -> Callable[[], str]:
    """A stream fed an Image with a ``size``-byte ``data:`` URL in ``chunk``-byte chunks."""
    payload = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(size * 3 // 4)).decode()
    image = f"data:image/png;base64,{payload}"
    props = {"image": image, "alt": "A picture", "status": {"type": "complete"}}
    data = json.dumps({"root": {"component": "Image", "props": props}}).encode()
    pieces = [data[start : start + chunk] for start in range(0, len(data), chunk)]

    def run() -> str:
        stream = SpecStream(renderer=renderer)
        for piece in pieces:
            stream.feed(piece)
        stream.close()
        return str(stream.html())

    return run


def _cpu(run: Callable[[], str], repeat: int) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def measure(*, quick: bool = False, repeat: int = REPEAT) -> list[Growth]:
    """Every case at its sizes."""
    renderer = Renderer()
    counts = QUICK_CHILDREN if quick else CHILDREN
    lengths = QUICK_STRING_BYTES if quick else STRING_BYTES
    cases: list[tuple[str, tuple[int, ...], Callable[[int], Callable[[], str]]]] = []
    for component in ("Card", "List"):
        cases.append(
            (
                f"children/patches ({component})",
                counts,
                partial(children_by_patches, renderer, component),
            )
        )
        cases.append(
            (f"children/feed ({component})", counts, partial(children_by_feed, renderer, component))
        )
    for chunk in (4, 1):
        cases.append(
            (
                f"string/feed ({chunk}-byte chunks)",
                lengths,
                partial(string_by_feed, renderer, chunk=chunk),
            )
        )
    results = []
    for name, sizes, build in cases:
        seconds = tuple(_cpu(build(size), repeat) for size in sizes)
        results.append(Growth(name, sizes, seconds))
    return results


def report(results: Sequence[Growth], out: TextIO) -> None:
    """Print each case's CPU seconds per size and its doubling ratios."""
    out.write(f"issue 16: streaming time when the input doubles (target <= {GROWTH_TARGET}x)\n")
    for item in results:
        times = "  ".join(
            f"{size:>9,}: {seconds:6.3f}s"
            for size, seconds in zip(item.sizes, item.seconds, strict=True)
        )
        ratios = " ".join(f"{ratio:.2f}x" for ratio in item.ratios)
        verdict = "PASS" if item.ok else "MISS"
        out.write(f"  {item.name:30} {times}   doubling {ratios}  {verdict}\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options :func:`run_from_args` reads (``--quick`` and ``--check`` are common)."""
    parser.add_argument("--growth-repeat", type=int, default=REPEAT, help="runs per size")


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Measure and report; 1 when ``--check`` is given and a ratio is over the target."""
    stream = out if out is not None else sys.stdout
    results = measure(quick=bool(args.quick), repeat=args.growth_repeat)
    report(results, stream)
    return 1 if getattr(args, "check", False) and not all(r.ok for r in results) else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m benchmarks.growth``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.growth", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
