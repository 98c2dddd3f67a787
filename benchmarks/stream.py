"""Issues 5 and 16: the cost of streaming a spec, as a ratio to one full render of it.

For each size (2,000 and 4,000 nodes by default), in the same process and the
same interleaved rounds:

* ``patches`` — a new :class:`genui.stream.SpecStream`, then one
  ``apply([op])`` call per node: the first op adds ``/root`` as ``[]``, every
  other op adds one node (without its children, with ``"children": []`` when it
  will have some) at the end of its parent's list, parents before children, in
  document order — the way an agent builds a page. Then ``html()``.
* ``feed`` — a new stream, then the spec's JSON text fed in 20-byte chunks
  (``feed``), then ``html()``.
* ``render(text)`` — **the reference**: ``Renderer.render(final_spec_text)``, i.e.
  ``genui.render.render``: one parse + validate + render of the final spec.
* ``render(data)`` — ``Renderer.render`` of the final spec given as Python data (the
  decoded JSON): validate + render, issue 16's reference.
* ``render(parsed)`` — ``Renderer.render`` of the already-parsed final spec
  (render only), shown as a stricter second reference.

Streams send every update op (``SpecStream(ops=ALL_OPS)``, what ``genui.js`` applies);
the bytes of all the updates they send, over the final HTML, are printed beside the CPU
ratios (counted once, outside the timing).

The streaming cost is every call plus the final ``html()``; ``close()`` (which
re-validates and re-renders the final spec strictly, once) is timed as its own
phase and reported separately. Streams share one :class:`~genui.render.Renderer`
with the references, created outside the timing. Optionally (``--naive-size``)
a naive baseline re-renders the whole spec after every patch, to show what the
incremental machinery saves.

Targets: streaming/render(text) ≤ 10 for both paths (issue 5), streaming/render(data)
≤ 5 (issue 16), updates' bytes at most 3 times the final HTML, and the ratios must not grow when the
spec doubles (allowing 10 % for noise).

Run with ``python -m benchmarks.stream [--quick] [--sizes N ...] [--check]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from benchmarks._timing import (
    Case,
    Phase,
    Timing,
    clock_name,
    command_line,
    effort,
    exit_code,
    measure,
    set_clock,
)
from benchmarks.corpus import SEED, build_spec, iter_nodes, spec_text
from genui.patch import apply_json_patch
from genui.pointer import format_pointer
from genui.render import Renderer
from genui.spec import parse_spec
from genui.stream import ALL_OPS, SpecStream

__all__ = [
    "CHUNK_BYTES",
    "StreamResult",
    "add_arguments",
    "build_parser",
    "chunks",
    "main",
    "patch_ops",
    "run",
    "run_from_args",
]

STREAM_SIZES: tuple[int, ...] = (2_000, 4_000)
"""The sizes of issue 5: a spec, then the same page twice as long."""
QUICK_STREAM_SIZES: tuple[int, ...] = (100, 200)
CHUNK_BYTES = 20
"""Size of each fed chunk, in bytes of UTF-8."""
RATIO_TARGET = 10.0
"""Streaming cost over one full render of the final text must be at most this (issue 5)."""
DATA_RATIO_TARGET = 5.0
"""Streaming cost over one render of the final spec as Python data (issue 16)."""
BYTES_TARGET = 3.0
"""All updates' bytes over the final HTML (issue 16)."""
GROWTH_TOLERANCE = 1.10
"""Doubling the spec may raise the ratio by at most this factor (noise allowance)."""
NAIVE_SIZE = 200
"""Size on which the naive re-render-everything baseline runs by default."""

PATHS = ("patches", "feed")


def patch_ops(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Single-node JSON Patch ops building ``spec`` (a list root) parents first."""
    ops: list[dict[str, Any]] = [{"op": "add", "path": "/root", "value": []}]
    for path, node in iter_nodes(spec):
        value = node
        if isinstance(node, dict) and "children" in node:
            value = {**node, "children": []}
        ops.append({"op": "add", "path": format_pointer((*path[:-1], "-")), "value": value})
    return ops


def chunks(text: str, size: int = CHUNK_BYTES) -> list[bytes]:
    """``text`` as UTF-8, cut every ``size`` bytes (multi-byte characters get split too)."""
    data = text.encode()
    return [data[start : start + size] for start in range(0, len(data), size)]


def _stream_patches(renderer: Renderer) -> tuple[Phase, Phase, Phase]:
    state: dict[str, SpecStream] = {}

    def apply_all(ops: list[dict[str, Any]]) -> int:
        stream = state["stream"] = SpecStream(renderer=renderer, ops=ALL_OPS)
        updates = 0
        for op in ops:
            updates += len(stream.apply([op]))
        return updates

    def html(_: int) -> str:
        return str(state["stream"].html())

    def close(html: str) -> str:
        state.pop("stream").close()
        return html

    return Phase("calls", apply_all), Phase("html", html), Phase("close", close)


def _stream_feed(renderer: Renderer) -> tuple[Phase, Phase, Phase]:
    state: dict[str, SpecStream] = {}

    def feed_all(pieces: list[bytes]) -> int:
        stream = state["stream"] = SpecStream(renderer=renderer, ops=ALL_OPS)
        updates = 0
        for piece in pieces:
            updates += len(stream.feed(piece))
        return updates

    def html(_: int) -> str:
        return str(state["stream"].html())

    def close(html: str) -> str:
        state.pop("stream").close()
        return html

    return Phase("calls", feed_all), Phase("html", html), Phase("close", close)


def sent_bytes(
    renderer: Renderer, ops: list[dict[str, Any]], pieces: list[bytes]
) -> dict[str, int]:
    """Characters of HTML in all the updates of each path, and of the final HTML."""
    patched = SpecStream(renderer=renderer, ops=ALL_OPS)
    sent = {"patches": sum(len(u.html) for op in ops for u in patched.apply([op]))}
    fed = SpecStream(renderer=renderer, ops=ALL_OPS)
    sent["feed"] = sum(len(u.html) for piece in pieces for u in fed.feed(piece))
    sent["feed"] += sum(len(u.html) for u in fed.close())
    sent["html"] = len(patched.html())
    return sent


def naive_patches(renderer: Renderer, ops: list[dict[str, Any]]) -> str:
    """Apply each op, then re-render the whole document: the cost streaming avoids."""
    document: Any = {}
    html = ""
    for op in ops:
        document = apply_json_patch(document, [op])
        html = str(renderer.render(document))
    return html


@dataclass
class StreamResult:
    """Timings of both streaming paths and the references on one size."""

    nodes: int
    ops: int
    chunks: int
    timings: dict[str, Timing]
    sent: dict[str, int]
    """Characters of HTML sent per path (``patches``, ``feed``) and of the final ``html``."""

    def bytes_ratio(self, path: str) -> float:
        """All the updates' HTML over the final HTML."""
        return self.sent[path] / max(self.sent["html"], 1)

    def _per_round(self, path: str, with_close: bool) -> list[float]:
        """Seconds of the calls plus ``html()`` (plus ``close()``) of ``path``, per round."""
        phases = self.timings[path].phases
        names = ("calls", "html", "close") if with_close else ("calls", "html")
        return [sum(values) for values in zip(*(phases[name] for name in names), strict=True)]

    def streaming(self, path: str, *, with_close: bool = False) -> float:
        """Median seconds of the streaming cost of ``path``."""
        return statistics.median(self._per_round(path, with_close))

    def ratio(
        self, path: str, reference: str = "render(text)", *, with_close: bool = False
    ) -> float:
        """Median over rounds of the streaming cost of ``path`` over ``reference``'s time."""
        references = self.timings[reference].samples
        per_round = self._per_round(path, with_close)
        return statistics.median(a / b for a, b in zip(per_round, references, strict=True))


def measure_size(
    nodes: int, renderer: Renderer, *, budget: float, min_rounds: int, disable_gc: bool = True
) -> StreamResult:
    """Time both streaming paths and the references on the ``nodes``-node spec."""
    spec = build_spec(nodes)
    text = spec_text(nodes)
    ops = patch_ops(spec)
    pieces = chunks(text)
    parsed = parse_spec(text)
    data = json.loads(text)
    reference = str(renderer.render(parsed))
    cases = [
        Case("patches", _stream_patches(renderer), ops),
        Case("feed", _stream_feed(renderer), pieces),
        Case("render(text)", [Phase("render", renderer.render)], text),
        Case("render(data)", [Phase("render", renderer.render)], data),
        Case("render(parsed)", [Phase("render", renderer.render)], parsed),
    ]
    for case in cases[:2]:  # the streams must end where a full render does
        if case.run() != reference:
            raise AssertionError(f"{case.name}: streamed HTML differs from render(final spec)")
    timings = measure(
        cases, budget=budget, min_rounds=min_rounds, min_sample=0.0, disable_gc=disable_gc
    )
    return StreamResult(nodes, len(ops), len(pieces), timings, sent_bytes(renderer, ops, pieces))


def measure_naive(
    nodes: int, renderer: Renderer, *, min_rounds: int, disable_gc: bool = True
) -> tuple[float, float]:
    """Median seconds of the naive patch baseline and of one full render, same rounds."""
    ops = patch_ops(build_spec(nodes))
    text = spec_text(nodes)
    cases = [
        Case("naive", [Phase("naive", lambda o: naive_patches(renderer, o))], ops),
        Case("render(text)", [Phase("render", renderer.render)], text),
    ]
    timings = measure(cases, budget=0.0, min_rounds=min_rounds, disable_gc=disable_gc)
    return timings["naive"].median, timings["render(text)"].median


def targets(results: Sequence[StreamResult]) -> list[tuple[str, float | None, bool | None]]:
    """Each target as ``(description, measured value, met?)``; ``None`` if not measured."""
    checks: list[tuple[str, float | None, bool | None]] = []
    for path in PATHS:
        for result in results:
            value = result.ratio(path)
            checks.append(
                (
                    f"{path}: streaming/render(text) <= {RATIO_TARGET:g} on {result.nodes:,} nodes",
                    value,
                    value <= RATIO_TARGET,
                )
            )
        for result in results:
            value = result.ratio(path, "render(data)")
            checks.append(
                (
                    f"{path}: streaming/render(data) <= {DATA_RATIO_TARGET:g}"
                    f" on {result.nodes:,} nodes",
                    value,
                    value <= DATA_RATIO_TARGET,
                )
            )
            sent = result.bytes_ratio(path)
            checks.append(
                (
                    f"{path}: bytes sent/final HTML <= {BYTES_TARGET:g} on {result.nodes:,} nodes",
                    sent,
                    sent <= BYTES_TARGET,
                )
            )
        if len(results) >= 2:
            small, large = results[0], results[-1]
            for reference in ("render(text)", "render(data)"):
                growth = large.ratio(path, reference) / small.ratio(path, reference)
                checks.append(
                    (
                        f"{path}: ÷{reference} does not grow {small.nodes:,} -> {large.nodes:,}"
                        f" (x{GROWTH_TOLERANCE:g} noise)",
                        growth,
                        growth <= GROWTH_TOLERANCE,
                    )
                )
    return checks


def report(
    results: Sequence[StreamResult], naive: tuple[int, float, float] | None, out: TextIO
) -> None:
    """Print the table and the targets section."""
    write = out.write
    write(
        "\nstreaming cost = all calls + final html(); ratios to one full render of the final"
        " spec,\nmedians of per-round ratios (render(text) = Renderer.render(final JSON text):"
        " parse + validate + render;\nrender(data) = the same from Python data: validate +"
        " render; render(parsed) = render only; bytes = all updates' HTML ÷ final HTML)\n"
    )
    header = (
        f"{'nodes':>6} {'path':>8} {'calls':>6} {'rounds':>6} │ {'stream ms':>9}"
        f" {'render ms':>9} │ {'÷render(text)':>13} {'÷render(data)':>13}"
        f" {'÷render(parsed)':>15} {'w/ close()':>10} {'µs/call':>8} │ {'bytes':>6}\n"
    )
    write(header)
    write("─" * (len(header) - 1) + "\n")
    for r in results:
        for path in PATHS:
            timing = r.timings[path]
            calls = r.ops if path == "patches" else r.chunks
            write(
                f"{r.nodes:>6,} {path:>8} {calls:>6,} {len(timing.samples):>6} │"
                f" {r.streaming(path) * 1e3:>9.1f} {r.timings['render(text)'].median * 1e3:>9.1f} │"
                f" {r.ratio(path):>13.2f} {r.ratio(path, 'render(data)'):>13.2f}"
                f" {r.ratio(path, 'render(parsed)'):>15.2f}"
                f" {r.ratio(path, with_close=True):>10.2f}"
                f" {timing.phase_median('calls') / calls * 1e6:>8.1f} │"
                f" {r.bytes_ratio(path):>6.2f}\n"
            )
    write("\nshare of the streaming cost spent in the final html() call\n")
    for r in results:
        parts = ", ".join(
            f"{path} {r.timings[path].phase_median('html') / r.streaming(path):.1%}"
            for path in PATHS
        )
        write(f"{r.nodes:>6,} │ {parts}\n")
    if naive is not None:
        nodes, naive_s, render_s = naive
        write(
            f"\nnaive baseline on {nodes:,} nodes (apply each patch, then re-render everything):"
            f" {naive_s / render_s:.0f}x one full render; it grows linearly with the size"
            f" (about {naive_s / render_s * 2000 / nodes:,.0f}x at 2,000 nodes)\n"
        )
    write("\ntargets (medians of per-round ratios, measured in this run)\n")
    for description, value, ok in targets(results):
        verdict = "PASS" if ok else "MISS"
        shown = "—" if value is None else f"{value:.2f}"
        write(f"  {verdict}  {description:<72} {shown:>6}\n")


def run(
    sizes: Sequence[int] = STREAM_SIZES,
    *,
    budget: float = 10.0,
    min_rounds: int = 5,
    naive_size: int | None = NAIVE_SIZE,
    disable_gc: bool = True,
    out: TextIO | None = None,
) -> list[StreamResult]:
    """Measure every size, print the report (to ``out``, default stdout), return the results."""
    out = out if out is not None else sys.stdout
    renderer = Renderer()
    out.write(
        f"== streaming benchmark (issue 5) ==\n"
        f"python {platform.python_version()}; corpus seed {SEED}; chunks of {CHUNK_BYTES} bytes;"
        f" gc {'off' if disable_gc else 'on'} inside samples; {clock_name()} clock\n"
    )
    results: list[StreamResult] = []
    for nodes in sizes:
        out.write(f"measuring {nodes:,} nodes ...\n")
        out.flush()
        results.append(
            measure_size(
                nodes, renderer, budget=budget, min_rounds=min_rounds, disable_gc=disable_gc
            )
        )
    naive = None
    if naive_size:
        out.write(f"measuring the naive baseline on {naive_size:,} nodes ...\n")
        out.flush()
        naive_s, render_s = measure_naive(
            naive_size, renderer, min_rounds=min_rounds, disable_gc=disable_gc
        )
        naive = (naive_size, naive_s, render_s)
    report(results, naive, out)
    out.flush()
    return results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark (the common ones come from :func:`add_common_arguments`)."""
    parser.add_argument(
        "--stream-sizes",
        type=int,
        nargs="+",
        help=f"node counts for streaming (default {STREAM_SIZES}; --quick: {QUICK_STREAM_SIZES})",
    )
    parser.add_argument(
        "--naive-size",
        type=int,
        help=f"nodes for the naive baseline, 0 to skip (default {NAIVE_SIZE}; --quick: 0)",
    )


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run with parsed options; return the exit code."""
    set_clock(args.clock)
    sizes = args.stream_sizes or (QUICK_STREAM_SIZES if args.quick else STREAM_SIZES)
    budget, min_rounds = effort(args, full_budget=10.0)
    naive_size = (
        args.naive_size if args.naive_size is not None else (0 if args.quick else NAIVE_SIZE)
    )
    results = run(
        sizes,
        budget=budget,
        min_rounds=min_rounds,
        naive_size=naive_size,
        disable_gc=not args.gc,
        out=out,
    )
    return exit_code(args, targets(results))


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.stream``."""
    return command_line("python -m benchmarks.stream", __doc__, add_arguments)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    return run_from_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
