"""The cost model: CPU time of every worst-case input, at 1x and 2x its size.

For each kind of :mod:`benchmarks.worst_cases` (1 MB and 2 MB by default), the
benchmark runs the case on its entry point a few times and keeps the best CPU
time (``time.process_time``), then prints:

* ``cpu``: kind, entry point, input bytes, CPU at 1x and at 2x, their ratio and
  PASS/MISS against the target: doubling the input costs at most 2.5 times the
  CPU time (linear cost, with room for noise);
* ``amplification``: output bytes / input bytes and peak traced memory
  (tracemalloc) / input bytes at 1x, and the outcome (``ok`` or ``err:<code>``).

Kinds that are quadratic today (:data:`benchmarks.worst_cases.SLOW_KINDS`) run at
their capped size unless ``--uncapped`` is given. Times are informational on a
shared machine; ``--check`` makes a MISS exit 1.

Run with ``python -m benchmarks.cost [--quick] [--bytes N] [--only KIND ...] [--check]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from benchmarks import worst_cases
from benchmarks._timing import Case, Phase, command_line, peak_memory
from benchmarks.worst_cases import Outcome, WorstCase

__all__ = [
    "CPU_TARGET",
    "KindResult",
    "add_arguments",
    "build_parser",
    "main",
    "measure_kind",
    "report",
    "run",
    "run_from_args",
]

CPU_TARGET = 2.5
"""Doubling the input may multiply the CPU time by at most this."""
FULL_BYTES = 1_000_000
QUICK_BYTES = 32_000


@dataclass(frozen=True)
class KindResult:
    """What one kind cost at 1x and 2x."""

    kind: str
    entry: str
    input_bytes: int
    double_bytes: int
    cpu: float
    cpu_double: float
    outcome: Outcome
    outcome_double: Outcome
    peak: int

    @property
    def ratio(self) -> float:
        """CPU at 2x over CPU at 1x."""
        return self.cpu_double / max(self.cpu, 1e-9)

    @property
    def ok(self) -> bool:
        """Whether the ratio meets :data:`CPU_TARGET`."""
        return self.ratio <= CPU_TARGET


def best_cpu(case: WorstCase, repeat: int) -> tuple[float, Outcome]:
    """The least CPU seconds of ``repeat`` runs of ``case`` (GC off inside each)."""
    renderer = worst_cases.default_renderer()
    best = float("inf")
    outcome = Outcome(0)
    for _ in range(max(1, repeat)):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            outcome = worst_cases.run(case, renderer)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best, outcome


def measure_kind(kind: str, target_bytes: int, *, repeat: int, uncapped: bool) -> KindResult:
    """Time ``kind`` at ``target_bytes`` and twice that; trace its memory at 1x."""
    size = target_bytes if uncapped else worst_cases.capped(kind, target_bytes)
    single = worst_cases.build(kind, size)
    double = worst_cases.build(kind, 2 * size)
    worst_cases.run(single)  # warm up
    cpu, outcome = best_cpu(single, repeat)
    cpu_double, outcome_double = best_cpu(double, repeat)
    peak = peak_memory(Case(kind, [Phase("run", worst_cases.run)], single))
    return KindResult(
        kind,
        single.entry,
        single.input_bytes,
        double.input_bytes,
        cpu,
        cpu_double,
        outcome,
        outcome_double,
        peak,
    )


def report(results: Sequence[KindResult], out: TextIO) -> None:
    """Print the CPU table, the amplification table and the verdicts."""
    out.write(f"cost model: CPU time at 1x and 2x (target: ratio <= {CPU_TARGET})\n")
    header = (
        f"{'kind':24} {'entry':13} {'bytes':>9} {'2x bytes':>9} {'cpu 1x':>8} {'cpu 2x':>8}"
        f" {'ratio':>6}  verdict\n"
    )
    out.write(header)
    for item in results:
        out.write(
            f"{item.kind:24} {item.entry:13} {item.input_bytes:9} {item.double_bytes:9}"
            f" {item.cpu:8.4f} {item.cpu_double:8.4f} {item.ratio:6.2f}"
            f"  {'PASS' if item.ok else 'MISS'}\n"
        )
    out.write("\namplification at 1x (per input byte)\n")
    out.write(f"{'kind':24} {'entry':13} {'out/in':>8} {'mem/in':>8}  outcome 1x / 2x\n")
    for item in results:
        size = max(1, item.input_bytes)
        out.write(
            f"{item.kind:24} {item.entry:13} {item.outcome.output_bytes / size:8.1f}"
            f" {item.peak / size:8.1f}  {item.outcome.label} / {item.outcome_double.label}\n"
        )
    missed = [item.kind for item in results if not item.ok]
    over = [
        item.kind
        for item in results
        if max(item.outcome.output_bytes, item.peak) > 50 * max(1, item.input_bytes)
    ]
    out.write("\ntargets\n")
    out.write(f"  CPU doubling <= {CPU_TARGET}: {'PASS' if not missed else 'MISS'}")
    out.write(f" ({len(results) - len(missed)}/{len(results)} kinds)\n")
    if missed:
        out.write(f"  missed: {', '.join(missed)}\n")
    out.write(f"  over 50x output or memory: {', '.join(over) or 'none'}\n")


def run(
    kinds: Sequence[str],
    target_bytes: int,
    *,
    repeat: int = 3,
    uncapped: bool = False,
    out: TextIO | None = None,
) -> list[KindResult]:
    """Measure ``kinds`` at ``target_bytes`` and print the report to ``out``."""
    out = out if out is not None else sys.stdout
    results = []
    for kind in kinds:
        results.append(measure_kind(kind, target_bytes, repeat=repeat, uncapped=uncapped))
    report(results, out)
    return results


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark (the common ones come from ``add_common_arguments``)."""
    parser.add_argument(
        "--bytes", type=int, help=f"input size at 1x (default {FULL_BYTES}; --quick {QUICK_BYTES})"
    )
    parser.add_argument(
        "--only-kind", nargs="+", metavar="KIND", help="kinds to run (default: every kind)"
    )
    parser.add_argument("--repeat", type=int, help="runs per size, best kept (default 3; quick 1)")
    parser.add_argument(
        "--uncapped", action="store_true", help="do not cap the kinds that are quadratic today"
    )


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run with parsed options; 1 on a MISS with ``--check``, else 0."""
    out = out if out is not None else sys.stdout
    target = args.bytes if args.bytes is not None else (QUICK_BYTES if args.quick else FULL_BYTES)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    kinds = args.only_kind if args.only_kind else worst_cases.kinds()
    unknown = [kind for kind in kinds if kind not in worst_cases.GENERATORS]
    if unknown:
        raise SystemExit(f"unknown kinds: {', '.join(unknown)}")
    out.write(f"cost benchmark (worst cases, {target} bytes at 1x, best of {repeat}, CPU time)\n")
    results = run(kinds, target, repeat=repeat, uncapped=args.uncapped, out=out)
    return 1 if args.check and any(not item.ok for item in results) else 0


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m benchmarks.cost``."""
    return command_line("python -m benchmarks.cost", __doc__, add_arguments)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.cost``."""
    return run_from_args(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
