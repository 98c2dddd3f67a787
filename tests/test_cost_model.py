"""Every byte of hostile input has a bounded price: output, memory, and work.

For each worst-case kind of :mod:`benchmarks.worst_cases` (at small sizes) and for
specs drawn from the catalog schema with text of ``<&"'``, this checks:

* the run ends in a result or a :class:`genui.GenerativeUIError`, nothing else;
* output bytes <= ``OUTPUT_FACTOR`` x input bytes (+ ``OUTPUT_SLACK``);
* peak traced memory (tracemalloc) <= ``MEMORY_FACTOR`` x input bytes (+ ``MEMORY_SLACK``);
* doubling the input at most ``GROWTH_LIMIT`` times the output and the peak memory
  (work counted, never timed: the time benchmark is ``python -m benchmarks.cost``);
* under an address-space limit (``RLIMIT_AS``, in a child process), each public
  entry point on the worst inputs at 512 KiB still ends in a result or a
  :class:`genui.GenerativeUIError` (never ``MemoryError``, ``RecursionError`` or a crash).

The measured factors are printed (``pytest -s``) and recorded as test properties
(``--junitxml``). The issue's target is ``TARGET_FACTOR`` (50) for every entry point;
``OUTPUT_FACTOR`` and ``MEMORY_FACTOR`` are what genui achieves today on every kind
but those of ``KNOWN_EXCESS``, listed with their factors at the test sizes, to be removed
as genui bounds them; most of those grow with the input (quadratic kinds, ``SUPERLINEAR``).
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import genui
from benchmarks import worst_cases
from benchmarks.worst_cases import Outcome, WorstCase
from genui.catalog import json_schema
from genui.testing import from_schema

TARGET_FACTOR = 50.0
"""The issue's goal: no entry point above 50 times its input in output or in memory."""
OUTPUT_FACTOR = 40.0
"""Output bytes per input byte allowed on every kind but those of KNOWN_EXCESS
(measured worst today: 37.7, deep/Image; the deep kinds repeat long paths)."""
MEMORY_FACTOR = 125.0
"""Peak traced bytes per input byte allowed on every kind but those of KNOWN_EXCESS
(measured worst today: 116, many-errors on validate; validate() of flat specs of tiny
nodes, which it checks node by node, 92; a render takes the one-pass path in either shape,
at most 70: deep/Image, whose HTML repeats long paths, then the flat deep kinds, 62)."""
OUTPUT_SLACK = 4 * 1024
"""Constant output allowance, for tiny inputs (a wrapper element, an error body)."""
MEMORY_SLACK = 512 * 1024
"""Constant memory allowance, for tiny inputs (caches, compiled validators, frames)."""
GROWTH_LIMIT = 2.2
"""Doubling the input may multiply output and peak memory by at most this much."""

KNOWN_EXCESS: dict[str, tuple[float, float]] = {
    "stream/copy": (40.0, 300.0),
    "stream/many-patches": (10.0, 300.0),
    "stream/tiny-nodes-4b": (OUTPUT_FACTOR, 250.0),
    "deep/Image@stream_feed": (60.0, 500.0),
    "deep/Form-fields@stream_feed": (60.0, 500.0),
    "tiny-flat/Form@stream_feed": (OUTPUT_FACTOR, 400.0),
}
"""(output factor, memory factor) measured at the test sizes (``SIZE``; ``STREAM_SIZE``
for streams) for kinds over the limits above; ``kind@entry`` when the kind runs on
another entry point than its own. ``copy`` ops on a stream (about 33 times their input in
output since copies got a text budget that follows the patch's size; 128 before) peak near
200 times it in memory: the stream keeps the copied spec, its validation and its HTML. A stream
sends each new child alone (``after``), but a node whose props are still arriving is
re-sent whole on each change, and its validation and render are kept per place: a deep
spec fed in 20-byte chunks writes about 31 times its text (1,193 before ``after``) and
peaks near 260 times it in memory (1,434 before the caches kept one entry per place).
Tiny nodes fed 4 bytes at a time peak near 230 times their text (linear: the stream keeps
each node's validation and render). Flat tiny Forms fed in 20-byte chunks (a stream reads
flat nodes since it reads every shape validate() reads; it refused them before) peak near
360 times their text: each 17-byte node writes about 480 bytes of HTML, which the stream
keeps in its render cache and its update history, beside the node's validation."""

SUPERLINEAR: frozenset[str] = frozenset(KNOWN_EXCESS) - {"stream/tiny-nodes-4b"}
"""Kinds whose output or memory grows faster than their input today: their factors are
checked at the small size only, and the doubling check is skipped."""

SIZE = 16 * 1024
"""Input bytes of the property cases (the doubling check also runs at twice this)."""
STRESS_BYTES = 512 * 1024
"""Input bytes of the address-space stress runs (capped for worst_cases.SLOW_KINDS, a
quarter for the ``tiny`` kinds outside QUICK_COMPONENTS)."""
STRESS_HEADROOM = 768 * 1024 * 1024
"""Address space granted above the child's size after its imports and inputs."""

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measured:
    """One run of one case: what it cost."""

    case: WorstCase
    outcome: Outcome
    peak: int

    @property
    def output_factor(self) -> float:
        """Output bytes per input byte."""
        return self.outcome.output_bytes / max(1, self.case.input_bytes)

    @property
    def memory_factor(self) -> float:
        """Peak traced bytes per input byte."""
        return self.peak / max(1, self.case.input_bytes)


def measure(case: WorstCase) -> Measured:
    """Run ``case`` under tracemalloc; a non-genui exception fails the test."""
    renderer = worst_cases.default_renderer()
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        outcome = worst_cases.run(case, renderer)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measured(case, outcome, peak)


_TABLE: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _summary() -> Iterator[None]:
    """Print the measured factors once the module's tests ran (visible with ``pytest -s``)."""
    worst_cases.run(worst_cases.build("tiny/Text", 1_000))  # warm up caches and templates
    worst_cases.run(worst_cases.build("tiny-flat/Text", 1_000))  # and the flat-shape validator
    genui.validate("{}")
    # Everything alive now (the whole test session's heap) is left out of the collections
    # each measurement starts with, which otherwise cost time in proportion to all of it.
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
    if _TABLE:
        header = f"{'kind':24} {'entry':18} {'in':>8} {'out/in':>7} {'mem/in':>7} {'grow':>9}"
        sys.stdout.write("\n\ncost model (factors per input byte)\n" + header + "\n")
        sys.stdout.write("\n".join(_TABLE) + "\n")
        over = [line.split()[0] for line in _TABLE if line.endswith("!")]
        sys.stdout.write(f"over the {TARGET_FACTOR:.0f}x target: {', '.join(over) or 'none'}\n")


def _limits(kind: str) -> tuple[float, float]:
    """The (output, memory) factors allowed for ``kind`` (``kind@entry`` off its own entry)."""
    return KNOWN_EXCESS.get(kind, (OUTPUT_FACTOR, MEMORY_FACTOR))


def _record(
    record_property: Any, small: Measured, large: Measured, growth: tuple[float, float]
) -> None:
    case = small.case
    record_property("output_factor", round(small.output_factor, 2))
    record_property("memory_factor", round(small.memory_factor, 2))
    record_property("output_growth", round(growth[0], 2))
    record_property("memory_growth", round(growth[1], 2))
    flag = max(small.output_factor, small.memory_factor) > TARGET_FACTOR
    line = (
        f"{case.name:24} {case.entry:18} {case.input_bytes:8} {small.output_factor:7.1f}"
        f" {small.memory_factor:7.1f} {growth[0]:4.2f}/{growth[1]:4.2f}"
        f" {small.outcome.label}{' !' if flag else ''}"
    )
    _TABLE.append(line)
    print(line)


def _check(kind: str, small: Measured, large: Measured, record_property: Any) -> None:
    growth = (
        large.outcome.output_bytes / max(1, small.outcome.output_bytes),
        large.peak / max(1, small.peak),
    )
    _record(record_property, small, large, growth)
    output_factor, memory_factor = _limits(kind)
    for measured in (small,) if kind in SUPERLINEAR else (small, large):
        size = measured.case.input_bytes
        assert measured.outcome.output_bytes <= output_factor * size + OUTPUT_SLACK, measured
        assert measured.peak <= memory_factor * size + MEMORY_SLACK, measured
    if kind in SUPERLINEAR:
        return
    input_growth = large.case.input_bytes / max(1, small.case.input_bytes)
    # Work per byte must not grow: output and memory at most GROWTH_LIMIT / 2 per doubling.
    allowed = GROWTH_LIMIT * max(1.0, input_growth / 2)
    assert growth[0] <= allowed + OUTPUT_SLACK / max(1, small.outcome.output_bytes), growth
    assert growth[1] <= allowed + MEMORY_SLACK / max(1, small.peak), growth


STREAM_SIZE = 8 * 1024
"""Input bytes of the streaming cases that are quadratic today (worst_cases.SLOW_KINDS)."""
FEED_SIZE = 2 * 1024
"""Input bytes when a text kind is streamed in 20-byte chunks (quadratic for deep specs)."""
QUICK_COMPONENTS = frozenset({"Form", "Table", "Image", "Card", "TextInput", "List"})
"""Components whose ``tiny`` kinds run at the full sizes (the costliest per byte); the
``tiny`` kinds of the others run at a quarter (``TINY_SHARE``) and are marked slow, to keep
this module under a minute (a spec of tiny nodes costs its time in node objects, the same
per node at any size, so the factors do not depend on it)."""
TINY_SHARE = 4
"""The ``tiny`` kinds of components outside QUICK_COMPONENTS run at 1/TINY_SHARE the size."""


def _is_minor_tiny(kind: str) -> bool:
    family, _, component = kind.partition("/")
    return family in ("tiny", "tiny-flat") and component not in QUICK_COMPONENTS


def _sizes(kind: str) -> tuple[int, int]:
    small = STREAM_SIZE if kind in worst_cases.SLOW_KINDS else SIZE
    if _is_minor_tiny(kind):
        small //= TINY_SHARE
    return small, 2 * small


def _kind_param(kind: str) -> Any:
    return pytest.param(kind, marks=pytest.mark.slow) if _is_minor_tiny(kind) else kind


@pytest.mark.parametrize("kind", [_kind_param(kind) for kind in worst_cases.kinds()])
def test_worst_case_costs_a_bounded_multiple_of_its_input(kind: str, record_property: Any) -> None:
    small_bytes, large_bytes = _sizes(kind)
    small = measure(worst_cases.build(kind, small_bytes))
    large = measure(worst_cases.build(kind, large_bytes))
    _check(kind, small, large, record_property)


ENTRY_KINDS = ("tiny-flat/Form", "deep/Image", "deep/Form-fields", "escapes/Text", "many-errors")
"""Kinds also run on every other entry point that takes spec text, and streamed in
20-byte chunks (``render`` is their own entry point, measured above)."""
OTHER_ENTRIES: tuple[worst_cases.Entry, ...] = (
    "validate",
    "render_with_report",
    "parse_spec",
    "stream_feed",
)


@pytest.mark.parametrize("entry", OTHER_ENTRIES)
@pytest.mark.parametrize("kind", ENTRY_KINDS)
def test_every_text_entry_point_is_bounded(
    kind: str, entry: worst_cases.Entry, record_property: Any
) -> None:
    size = FEED_SIZE if entry == "stream_feed" else SIZE

    def case(target: int) -> WorstCase:
        built = worst_cases.build(kind, target).on(entry)
        return replace(built, chunk_bytes=20) if entry == "stream_feed" else built

    small = measure(case(size))
    large = measure(case(2 * size))
    _check(f"{kind}@{entry}", small, large, record_property)


HOSTILE_TEXT = st.text(alphabet="<&\"'ab", max_size=24)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(from_schema(json_schema(genui.default_registry()), text=HOSTILE_TEXT))
def test_drawn_specs_render_within_the_factors(spec: dict[str, Any]) -> None:
    text = json.dumps(spec, ensure_ascii=False)
    for entry in ("render", "validate"):
        case = WorstCase("drawn", entry, text)
        worst_cases.run(case)  # warm up: first uses of a component build its writers
        measured = measure(case)
        size = measured.case.input_bytes
        assert measured.outcome.output_bytes <= OUTPUT_FACTOR * size + OUTPUT_SLACK
        assert measured.peak <= MEMORY_FACTOR * size + MEMORY_SLACK


# -- under an address-space limit ------------------------------------------------------------

CHILD = r"""
import json, resource, sys, traceback
import genui
from benchmarks import worst_cases

headroom, sized = int(sys.argv[1]), [arg.rpartition("=") for arg in sys.argv[2:]]
renderer = worst_cases.default_renderer()
worst_cases.run(worst_cases.build("tiny/Text", 1_000), renderer)  # warm up
genui.validate("{}")
cases = [worst_cases.build(name, worst_cases.capped(name, int(size))) for name, _, size in sized]

def vm_size():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return None

base = vm_size()
if base is None:
    print(json.dumps({"skip": "no /proc/self/status"}), flush=True)
    sys.exit(0)
resource.setrlimit(resource.RLIMIT_AS, (base + headroom, resource.getrlimit(resource.RLIMIT_AS)[1]))
print(json.dumps({"base": base, "limit": base + headroom}), flush=True)
for case in cases:
    start = {"start": case.name, "entry": case.entry, "bytes": case.input_bytes}
    print(json.dumps(start), flush=True)
    try:
        outcome = worst_cases.run(case, renderer)
        report = {"done": case.name, "result": outcome.label, "out": outcome.output_bytes}
    except BaseException as exc:
        report = {"done": case.name, "result": "exception", "type": type(exc).__name__,
                  "message": str(exc)[:300], "trace": traceback.format_exc()[-1500:]}
    del case
    print(json.dumps(report), flush=True)
"""


KNOWN_CRASHES: dict[str, str] = {}
"""Kinds that end the child process today under the address-space limit (run alone, xfail)."""


def _stress_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for kind in worst_cases.kinds():
        family = kind if kind in KNOWN_CRASHES else kind.split("/")[0]
        family = "misc" if family in ("undeclared-props", "many-errors", "table", "url") else family
        groups.setdefault(family, []).append(kind)
    return groups


def _stress_bytes(kind: str) -> int:
    """STRESS_BYTES, a quarter of it for the minor ``tiny`` kinds (as in the property test)."""
    return STRESS_BYTES // TINY_SHARE if _is_minor_tiny(kind) else STRESS_BYTES


def _family_param(family: str) -> Any:
    if family in KNOWN_CRASHES:
        return pytest.param(
            family, marks=pytest.mark.xfail(reason=KNOWN_CRASHES[family], strict=False)
        )
    return family


def _run_child(family: str) -> subprocess.CompletedProcess[str]:
    """Run the kinds of ``family`` in a child process under the address-space limit."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    sized = [f"{name}={_stress_bytes(name)}" for name in _stress_groups()[family]]
    argv = [sys.executable, "-c", CHILD, str(STRESS_HEADROOM), *sized]
    return subprocess.run(
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


_CHILDREN: dict[str, Future[subprocess.CompletedProcess[str]]] = {}
"""The stress children started when the module begins, by family."""


@pytest.fixture(scope="module", autouse=True)
def _stress_in_background(request: pytest.FixtureRequest) -> Iterator[None]:
    """Start the selected stress children at once, one at a time on a second core.

    The property tests above count bytes, never time, so they run meanwhile; each stress
    test then waits for its child. The module costs the longer of the two, not their sum.
    """
    wanted = [
        str(item.callspec.params["family"])
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_entry_points_survive_an_address_space_limit"
    ]
    with ThreadPoolExecutor(max_workers=1) as pool:
        for family in wanted:
            _CHILDREN[family] = pool.submit(_run_child, family)
        yield
        for future in _CHILDREN.values():
            future.cancel()
        _CHILDREN.clear()


@pytest.mark.slow
@pytest.mark.parametrize("family", [_family_param(family) for family in _stress_groups()])
def test_entry_points_survive_an_address_space_limit(family: str) -> None:
    resource = pytest.importorskip("resource")
    if not hasattr(resource, "RLIMIT_AS") or not Path("/proc/self/status").exists():
        pytest.skip("needs RLIMIT_AS and /proc/self/status (Linux)")
    names = _stress_groups()[family]
    future = _CHILDREN.get(family)
    child = future.result() if future is not None else _run_child(family)
    lines = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    if lines and "skip" in lines[0]:
        pytest.skip(lines[0]["skip"])
    started = [line["start"] for line in lines if "start" in line]
    done = {line["done"]: line for line in lines if "done" in line}
    crashed = [name for name in started if name not in done]
    assert child.returncode == 0 and not crashed, (child.returncode, crashed, child.stderr[-3000:])
    assert sorted(done) == sorted(names), (sorted(done), child.stderr[-3000:])
    failures = {name: line for name, line in done.items() if line["result"] == "exception"}
    for name, line in sorted(done.items()):
        print(f"rlimit {name:24} {line['result']}")
    assert not failures, failures
