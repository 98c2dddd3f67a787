"""Issue 8: genui's render against the floor and the obvious alternative, in one run.

For each corpus size, in the same process and the same interleaved rounds:

* ``floor`` — ``json.loads`` + a hand-written escaped f-string render
  (:func:`benchmarks.baselines.floor_page`), no validation, no sanitization;
* ``alternative`` — ``json.loads`` + ``jsonschema`` validation (validator built
  once) + a recursive Jinja2 macro (:class:`benchmarks.baselines.Alternative`);
* ``genui`` — ``Renderer.render(spec_text)``, i.e. what ``genui.render.render``
  does: parse, check limits, validate, resolve, validate props, sanitize URLs,
  render templates (the renderer is created once, outside the timing);
* ``parse_spec`` — parsing and validation of the text alone;
* ``validate`` — :func:`genui.validate` of the text (every problem, the clean spec built
  on first access); ``validate+spec`` also takes ``result.spec``;
* ``render(parsed)`` — ``Renderer.render`` of an already-parsed spec.

Reported: µs per node and nodes per second (medians), the ratios genui/floor
and alternative/genui, per-node flatness over the sizes, peak memory on the
largest spec (tracemalloc, separate run) and PASS/MISS per target. The exit
code is 0 unless ``--check`` is given and a target is missed.

Run with ``python -m benchmarks.render [--quick] [--sizes N ...] [--check]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import TextIO

from benchmarks._timing import (
    Case,
    Phase,
    Timing,
    clock_name,
    command_line,
    effort,
    exit_code,
    measure,
    paired_ratio,
    peak_memory,
    set_clock,
)
from benchmarks.baselines import Alternative, floor_page
from benchmarks.corpus import QUICK_SIZES, SEED, SIZES, spec_text
from genui.render import Renderer
from genui.spec import GenerativeUISpec, parse_spec
from genui.validate import ValidationResult, validate

__all__ = ["SizeResult", "add_arguments", "build_parser", "main", "run", "run_from_args"]

CASES = (
    "floor",
    "alternative",
    "genui",
    "parse_spec",
    "render(parsed)",
    "validate",
    "validate+spec",
)
"""Case names, in table order."""

FLOOR_TARGET = 3.0
"""genui/floor must be at most this on the 2,000-node spec."""
ALTERNATIVE_TARGET = 5.0
"""alternative/genui must be at least this (on the 2,000-node spec)."""
FLATNESS_TARGET = 1.5
"""max/min of genui µs per node over the sizes from 200 to 20,000."""
TARGET_SIZE = 2_000
FLAT_RANGE = (200, 20_000)


@dataclass
class SizeResult:
    """Timings of every case on one corpus size."""

    nodes: int
    text_bytes: int
    html_bytes: dict[str, int]
    timings: dict[str, Timing]

    def per_node(self, case: str) -> float:
        """Median microseconds per node of ``case``."""
        return self.timings[case].median / self.nodes * 1e6

    def ratio(self, numerator: str, denominator: str) -> float:
        """Median of the per-round ratios of two cases (see :func:`paired_ratio`)."""
        return paired_ratio(self.timings[numerator], self.timings[denominator])


def _cases(text: str, renderer: Renderer, alternative: Alternative) -> list[Case]:
    parsed = parse_spec(text)
    return [
        Case("floor", [Phase("json.loads", json.loads), Phase("f-string", floor_page)], text),
        Case(
            "alternative",
            [
                Phase("json.loads", json.loads),
                Phase("jsonschema", alternative.validate),
                Phase("jinja2 macro", alternative.render),
            ],
            text,
        ),
        Case("genui", [Phase("render", renderer.render)], text),
        Case("parse_spec", [Phase("parse_spec", parse_spec)], text),
        Case("render(parsed)", [Phase("render", renderer.render)], parsed),
        Case("validate", [Phase("validate", validate)], text),
        Case("validate+spec", [Phase("validate", validate), Phase(".spec", _spec)], text),
    ]


def _spec(result: ValidationResult) -> GenerativeUISpec | None:
    return result.spec


def measure_size(
    nodes: int,
    renderer: Renderer,
    alternative: Alternative,
    *,
    budget: float,
    min_rounds: int,
    disable_gc: bool = True,
) -> SizeResult:
    """Time every case on the ``nodes``-node corpus spec."""
    text = spec_text(nodes)
    cases = _cases(text, renderer, alternative)
    html_bytes = {
        case.name: len(str(case.run()).encode())
        for case in cases
        if case.name not in ("parse_spec", "validate", "validate+spec")
    }
    timings = measure(cases, budget=budget, min_rounds=min_rounds, disable_gc=disable_gc)
    return SizeResult(nodes, len(text.encode()), html_bytes, timings)


def _verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "MISS")


def _by_size(results: Sequence[SizeResult], nodes: int) -> SizeResult | None:
    return next((result for result in results if result.nodes == nodes), None)


def targets(results: Sequence[SizeResult]) -> list[tuple[str, float | None, bool | None]]:
    """Each target as ``(description, measured value, met?)``; ``None`` if not measured."""
    checks: list[tuple[str, float | None, bool | None]] = []
    at = _by_size(results, TARGET_SIZE)
    floor_ratio = at.ratio("genui", "floor") if at else None
    checks.append(
        (
            f"genui/floor <= {FLOOR_TARGET:g} on {TARGET_SIZE:,} nodes",
            floor_ratio,
            None if floor_ratio is None else floor_ratio <= FLOOR_TARGET,
        )
    )
    alt_ratio = at.ratio("alternative", "genui") if at else None
    checks.append(
        (
            f"alternative/genui >= {ALTERNATIVE_TARGET:g} on {TARGET_SIZE:,} nodes",
            alt_ratio,
            None if alt_ratio is None else alt_ratio >= ALTERNATIVE_TARGET,
        )
    )
    validate_ratio = at.ratio("validate", "floor") if at else None
    checks.append(
        (
            f"validate/floor <= genui/floor ({floor_ratio or 0:.2f}) on {TARGET_SIZE:,} nodes",
            validate_ratio,
            None
            if validate_ratio is None or floor_ratio is None
            else validate_ratio <= floor_ratio,
        )
    )
    low, high = FLAT_RANGE
    flat_sizes = [r for r in results if low <= r.nodes <= high]
    flatness: float | None = None
    if len(flat_sizes) >= 2 and {low, high} <= {r.nodes for r in flat_sizes}:
        costs = [r.per_node("genui") for r in flat_sizes]
        flatness = max(costs) / min(costs)
    checks.append(
        (
            f"genui µs/node flat from {low:,} to {high:,} nodes (max/min <= {FLATNESS_TARGET:g})",
            flatness,
            None if flatness is None else flatness <= FLATNESS_TARGET,
        )
    )
    return checks


def report(
    results: Sequence[SizeResult],
    memory: dict[str, int] | None,
    memory_nodes: int | None,
    out: TextIO,
) -> None:
    """Print the tables and the targets section."""
    write = out.write
    write("\nµs per node (median; lower is better)\n")
    header = (
        f"{'nodes':>7} {'KiB':>7} {'rounds':>6} │ {'floor':>7} {'altern.':>8} {'genui':>7}"
        f" {'parse':>7} {'render':>7} {'valid.':>7} │ {'genui/floor':>11} {'alt/genui':>9}"
        f" {'valid./floor':>12} {'±genui':>7}\n"
    )
    write(header)
    write("─" * (len(header) - 1) + "\n")
    for r in results:
        genui = r.timings["genui"]
        write(
            f"{r.nodes:>7,} {r.text_bytes / 1024:>7.1f} {len(genui.samples):>6} │"
            f" {r.per_node('floor'):>7.2f} {r.per_node('alternative'):>8.2f}"
            f" {r.per_node('genui'):>7.2f} {r.per_node('parse_spec'):>7.2f}"
            f" {r.per_node('render(parsed)'):>7.2f} {r.per_node('validate'):>7.2f} │"
            f" {r.ratio('genui', 'floor'):>11.2f} {r.ratio('alternative', 'genui'):>9.2f}"
            f" {r.ratio('validate', 'floor'):>12.2f}"
            f" {genui.spread * 100:>6.1f}%\n"
        )
    write("\nnodes per second (median; higher is better)\n")
    header = "".join(f"{name:>15}" for name in CASES)
    write(f"{'nodes':>7} │{header}\n")
    write("─" * (9 + 15 * len(CASES)) + "\n")
    for r in results:
        cells = "".join(f"{r.nodes / r.timings[name].median:>15,.0f}" for name in CASES)
        write(f"{r.nodes:>7,} │{cells}\n")

    write("\nwhere the baselines spend their time (phase medians, as shares of their sum)\n")
    for r in results:
        parts = []
        for name in ("floor", "alternative"):
            shares = r.timings[name].phase_shares()
            parts.append(f"{name}: " + ", ".join(f"{p} {v:.0%}" for p, v in shares.items()))
        write(f"{r.nodes:>7,} │ " + "; ".join(parts) + "\n")

    write("\nHTML bytes out (genui adds data-genui-path, ARIA and tone classes)\n")
    for r in results:
        cells = ", ".join(f"{name} {size:,}" for name, size in r.html_bytes.items())
        write(f"{r.nodes:>7,} │ {cells}\n")

    if memory is not None and memory_nodes is not None:
        write(f"\npeak memory on the {memory_nodes:,}-node spec (tracemalloc, one run each)\n")
        for name, peak in memory.items():
            write(f"  {name:<15} {peak / 2**20:>8.1f} MiB  ({peak / memory_nodes:>7,.0f} B/node)\n")
        floor_peak = memory.get("floor")
        if floor_peak:
            write(f"  genui/floor peak memory: {memory['genui'] / floor_peak:.2f}\n")

    write("\ntargets (medians of per-round ratios, measured in this run)\n")
    for description, value, ok in targets(results):
        shown = "—" if value is None else f"{value:.2f}"
        write(f"  {_verdict(ok)}  {description:<62} {shown:>6}\n")


def run(
    sizes: Sequence[int] = SIZES,
    *,
    budget: float = 6.0,
    min_rounds: int = 5,
    memory: bool = True,
    disable_gc: bool = True,
    out: TextIO | None = None,
) -> list[SizeResult]:
    """Measure every size, print the report (to ``out``, default stdout), return the results."""
    out = out if out is not None else sys.stdout
    renderer = Renderer()
    alternative = Alternative()
    out.write(
        f"== render benchmark (issue 8) ==\n"
        f"python {platform.python_version()} on {platform.machine()},"
        f" pydantic {version('pydantic')},"
        f" jinja2 {version('jinja2')}, jsonschema {version('jsonschema')};"
        f" corpus seed {SEED}; gc {'off' if disable_gc else 'on'} inside samples;"
        f" {clock_name()} clock\n"
    )
    results: list[SizeResult] = []
    for nodes in sizes:
        out.write(f"measuring {nodes:,} nodes ...\n")
        out.flush()
        results.append(
            measure_size(
                nodes,
                renderer,
                alternative,
                budget=budget,
                min_rounds=min_rounds,
                disable_gc=disable_gc,
            )
        )
    peaks: dict[str, int] | None = None
    memory_nodes = max(sizes) if memory and sizes else None
    if memory_nodes is not None:
        cases = _cases(spec_text(memory_nodes), renderer, alternative)
        peaks = {case.name: peak_memory(case) for case in cases}
    report(results, peaks, memory_nodes, out)
    out.flush()
    return results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark (the common ones come from :func:`add_common_arguments`)."""
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        help=f"node counts (default {SIZES}; --quick: {QUICK_SIZES})",
    )


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run with parsed options; return the exit code."""
    set_clock(args.clock)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    budget, min_rounds = effort(args, full_budget=6.0)
    results = run(
        sizes,
        budget=budget,
        min_rounds=min_rounds,
        memory=not args.quick,
        disable_gc=not args.gc,
        out=out,
    )
    return exit_code(args, targets(results))


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.render``."""
    return command_line("python -m benchmarks.render", __doc__, add_arguments)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    return run_from_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
