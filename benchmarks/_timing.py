"""A small timing harness for noisy machines: interleaved rounds, medians, ratios.

Every case of one comparison is timed in the same rounds, one after another
(rotating the order each round), so slow phases of a shared machine hit all
of them alike; ratios are taken per round and their median is what the
benchmarks report (:func:`paired_ratio`). Absolute times are printed for
orientation only.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Case",
    "Phase",
    "Timing",
    "add_common_arguments",
    "clock_name",
    "measure",
    "paired_ratio",
    "peak_memory",
    "set_clock",
]


@dataclass(frozen=True)
class Phase:
    """One step of a case; it receives the previous step's result."""

    name: str
    func: Callable[[Any], Any]


@dataclass(frozen=True)
class Case:
    """Something to time: phases run in order, the first one given ``argument``."""

    name: str
    phases: Sequence[Phase]
    argument: Any = None

    def run(self) -> Any:
        """Run the phases once, untimed (warm-up, memory measurement)."""
        value = self.argument
        for phase in self.phases:
            value = phase.func(value)
        return value


@dataclass
class Timing:
    """Per-call times (seconds) of one case, one sample per round."""

    name: str
    number: int
    """Calls per sample (several for cases too quick to time one call reliably)."""
    samples: list[float] = field(default_factory=list)
    phases: dict[str, list[float]] = field(default_factory=dict)

    @property
    def median(self) -> float:
        """Median seconds per call."""
        return statistics.median(self.samples)

    def phase_median(self, name: str) -> float:
        """Median seconds per call spent in phase ``name``."""
        return statistics.median(self.phases[name])

    def phase_shares(self) -> dict[str, float]:
        """Each phase's median as a share of the sum of the phase medians."""
        medians = {name: statistics.median(samples) for name, samples in self.phases.items()}
        total = sum(medians.values()) or 1.0
        return {name: value / total for name, value in medians.items()}

    @property
    def spread(self) -> float:
        """Interquartile range over the median: a noise indicator (0.05 = ±2.5 %)."""
        if len(self.samples) < 4:
            return (max(self.samples) - min(self.samples)) / self.median
        quartiles = statistics.quantiles(self.samples, n=4)
        return (quartiles[2] - quartiles[0]) / self.median


def paired_ratio(numerator: Timing, denominator: Timing) -> float:
    """Median over rounds of ``numerator / denominator`` measured in the same round.

    Both cases ran back to back in every round, so a burst of load from other
    processes tends to slow both; the per-round ratio cancels most of it, and
    the median drops the rounds where it did not.
    """
    return statistics.median(
        a / b for a, b in zip(numerator.samples, denominator.samples, strict=True)
    )


CLOCKS: dict[str, Callable[[], float]] = {"cpu": time.process_time, "wall": time.perf_counter}
"""``cpu``: CPU time of this process (default: time spent descheduled while other
processes run is not counted); ``wall``: elapsed time."""
_clock: Callable[[], float] = time.process_time


def set_clock(name: str) -> None:
    """Choose the clock every later measurement uses (a key of :data:`CLOCKS`)."""
    global _clock
    _clock = CLOCKS[name]


def clock_name() -> str:
    """The name of the clock in use."""
    return next(name for name, func in CLOCKS.items() if func is _clock)


def _sample(case: Case, number: int) -> tuple[float, list[float]]:
    """Run ``case`` ``number`` times; return total seconds and seconds per phase."""
    clock = _clock
    per_phase = [0.0] * len(case.phases)
    funcs = [phase.func for phase in case.phases]
    for _ in range(number):
        value = case.argument
        for index, func in enumerate(funcs):
            start = clock()
            value = func(value)
            per_phase[index] += clock() - start
    return sum(per_phase), per_phase


def _calibrate(case: Case, min_sample: float) -> tuple[int, float]:
    """Calls per sample so that one sample lasts at least ``min_sample`` seconds."""
    number = 1
    while True:
        elapsed, _ = _sample(case, number)
        if elapsed >= min_sample or number >= 1 << 20:
            return number, elapsed / number
        number *= 2 if elapsed > min_sample / 8 else 8


def measure(
    cases: Sequence[Case],
    *,
    budget: float = 5.0,
    min_rounds: int = 5,
    max_rounds: int = 41,
    min_sample: float = 0.02,
    disable_gc: bool = True,
) -> dict[str, Timing]:
    """Time ``cases`` in interleaved rounds; return a :class:`Timing` per case name.

    Each case runs once as a warm-up (caches, template compilation), then is
    calibrated. The number of rounds is what fits in ``budget`` seconds,
    clamped to ``[min_rounds, max_rounds]``, so large inputs still get a
    median of ``min_rounds`` samples without taking forever. With
    ``disable_gc`` the cyclic collector is off inside each sample (and run
    between samples), which removes its pauses from the noise.
    """
    for case in cases:
        case.run()
    numbers: dict[str, int] = {}
    round_cost = 0.0
    for case in cases:
        numbers[case.name], per_call = _calibrate(case, min_sample)
        round_cost += per_call * numbers[case.name]
    rounds = max(min_rounds, min(max_rounds, int(budget / max(round_cost, 1e-9))))
    timings = {case.name: Timing(case.name, numbers[case.name]) for case in cases}
    for case in cases:
        timings[case.name].phases = {phase.name: [] for phase in case.phases}
    order = list(cases)
    for round_index in range(rounds):
        shift = round_index % len(order)
        for case in order[shift:] + order[:shift]:
            number = numbers[case.name]
            gc.collect()
            if disable_gc:
                gc.disable()
            try:
                total, per_phase = _sample(case, number)
            finally:
                gc.enable()
            timing = timings[case.name]
            timing.samples.append(total / number)
            for phase, seconds in zip(case.phases, per_phase, strict=True):
                timing.phases[phase.name].append(seconds / number)
    return timings


def peak_memory(case: Case) -> int:
    """Peak bytes allocated (tracemalloc) by one run of ``case``, result included.

    tracemalloc sees every Python object, including those pydantic-core and
    jiter create; it does not see scratch buffers that Rust or C extensions
    allocate with their own allocator, so treat the figure as a lower bound.
    """
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = case.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every benchmark takes (and ``python -m benchmarks`` passes to each)."""
    parser.add_argument("--quick", action="store_true", help="small sizes, briefly (smoke run)")
    parser.add_argument("--budget", type=float, help="seconds of timing per size")
    parser.add_argument("--min-rounds", type=int, help="fewest timing rounds per size (default 5)")
    parser.add_argument("--gc", action="store_true", help="leave the cyclic GC on while timing")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="cpu",
        help="cpu: process CPU time (default, robust to other load); wall: perf_counter",
    )


def effort(args: argparse.Namespace, *, full_budget: float) -> tuple[float, int]:
    """Seconds of timing per size and fewest rounds, from the common options."""
    budget = args.budget if args.budget is not None else (0.3 if args.quick else full_budget)
    min_rounds = args.min_rounds if args.min_rounds is not None else (3 if args.quick else 5)
    return budget, min_rounds


def exit_code(args: argparse.Namespace, verdicts: Iterable[tuple[Any, Any, bool | None]]) -> int:
    """1 when ``--check`` is given and a target was missed, else 0."""
    missed = any(ok is False for _, _, ok in verdicts)
    return 1 if args.check and missed else 0


def command_line(
    prog: str, description: str | None, add_arguments: Callable[[argparse.ArgumentParser], None]
) -> argparse.ArgumentParser:
    """A benchmark's parser: the common options, then its own."""
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_common_arguments(parser)
    add_arguments(parser)
    return parser
