"""State and bindings: what a state patch costs, and what a repeat costs (issue 15).

``python -m benchmarks.state`` (or ``python -m benchmarks --only state``) prints, from
timings taken in the same interleaved rounds (CPU time, medians of per-round ratios):

* **dashboard**: a 2,000-node dashboard (``Stat`` nodes in ``Grid`` s) whose values are
  bound to state. One state patch that changes one value, through
  :meth:`genui.SpecStream.apply`, against one full render of the same spec given as Python
  data (the floor the patch must stay far below: target **≤ 1/50**), and the bytes the
  patch sends (target **< 1 KB**), beside the bytes of the whole page;
* **repeat**: a ``repeat`` over 1,000 items against the same 1,000 nodes written out
  literally, as Python data and as JSON text (target **≤ 1.5x** in both forms).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from benchmarks._timing import Case, Phase, command_line, effort, exit_code, measure, paired_ratio
from genui import Renderer, SpecStream

__all__ = ["dashboard_spec", "literal_rows_spec", "main", "repeat_spec", "run_from_args"]

PATCH_TARGET = 1 / 50
PATCH_BYTES_TARGET = 1024
REPEAT_TARGET = 1.5


def dashboard_spec(nodes: int) -> dict[str, Any]:
    """A dashboard of ``nodes`` nodes: grids of 24 ``Stat`` s, every value bound to state."""
    stats = nodes - 1 - (nodes - 1) // 25
    metrics = {
        f"m{i}": {"value": f"{i * 37 % 1000}.{i % 10}", "delta": f"+{i % 9}%"} for i in range(stats)
    }
    grids: list[dict[str, Any]] = []
    for start in range(0, stats, 24):
        grids.append(
            {
                "component": "Grid",
                "children": [
                    {
                        "component": "Stat",
                        "props": {
                            "label": f"Metric {i}",
                            "value": {"$state": f"/metrics/m{i}/value"},
                            "delta": {"$state": f"/metrics/m{i}/delta"},
                        },
                    }
                    for i in range(start, min(start + 24, stats))
                ],
            }
        )
    return {"state": {"metrics": metrics}, "root": {"component": "Stack", "children": grids}}


def _rows(count: int) -> list[dict[str, Any]]:
    return [{"name": f"Item {i}", "value": i * 3, "delta": f"-{i % 7}%"} for i in range(count)]


def repeat_spec(count: int) -> dict[str, Any]:
    """``count`` ``Stat`` nodes written by one ``repeat`` over state."""
    template = {
        "component": "Stat",
        "repeat": {"$state": "/rows"},
        "props": {
            "label": {"$item": "/name"},
            "value": {"$item": "/value"},
            "delta": {"$item": "/delta"},
        },
    }
    return {"state": {"rows": _rows(count)}, "root": {"component": "Grid", "children": [template]}}


def literal_rows_spec(count: int) -> dict[str, Any]:
    """The same nodes as :func:`repeat_spec`, written out."""
    children = [
        {
            "component": "Stat",
            "props": {"label": r["name"], "value": r["value"], "delta": r["delta"]},
        }
        for r in _rows(count)
    ]
    return {"root": {"component": "Grid", "children": children}}


def _renders(renderer: Renderer, spec: Any) -> Callable[[Any], Any]:
    return lambda _: renderer.render(spec)


def _patcher(
    spec: dict[str, Any], nodes: int
) -> tuple[SpecStream, Callable[[Any], Any], list[int]]:
    stream = SpecStream()
    stream.apply([{"op": "replace", "path": "", "value": spec}])
    counter = itertools.count()
    sent: list[int] = []

    def patch(_: Any) -> Any:
        updates = stream.apply(
            [
                {
                    "op": "replace",
                    "path": f"/state/metrics/m{700 % (nodes // 2)}/value",
                    "value": f"{next(counter)}",
                }
            ]
        )
        sent.append(sum(len(json.dumps(update.to_dict())) for update in updates))
        return updates

    return stream, patch, sent


def run(
    nodes: int, items: int, budget: float, min_rounds: int, out: TextIO
) -> list[tuple[str, float, bool]]:
    """Measure both parts; print them; return ``(what, figure, target met)`` rows."""
    renderer = Renderer()
    dashboard = dashboard_spec(nodes)
    stream, patch, sent = _patcher(dashboard, nodes)
    assert stream.html() == renderer.render(dashboard)
    page_bytes = len(renderer.render(dashboard).encode())
    cases = [
        Case("full render", [Phase("render", lambda _: renderer.render(dashboard))]),
        Case("state patch", [Phase("patch", patch)]),
    ]
    timings = measure(cases, budget=budget, min_rounds=min_rounds)
    ratio = paired_ratio(timings["state patch"], timings["full render"])
    patch_bytes = max(sent)
    out.write(f"dashboard: {nodes} nodes bound to state, page {page_bytes} bytes\n")
    out.write(
        f"  full render {timings['full render'].median * 1e3:.2f} ms, one state patch "
        f"{timings['state patch'].median * 1e3:.3f} ms: 1/{1 / ratio:.0f} of a render "
        f"(target <= 1/{1 / PATCH_TARGET:.0f}); {patch_bytes} bytes sent "
        f"(target < {PATCH_BYTES_TARGET}); stream html equals render: yes\n"
    )
    rows = [
        ("patch/render", ratio, ratio <= PATCH_TARGET),
        ("patch bytes", patch_bytes, patch_bytes < PATCH_BYTES_TARGET),
    ]
    repeated, literal = repeat_spec(items), literal_rows_spec(items)
    assert renderer.render(repeated) == renderer.render(literal)
    out.write(f"repeat: {items} items from state against the same nodes written out\n")
    forms: list[tuple[str, Any, Any]] = [
        ("data", literal, repeated),
        ("text", json.dumps(literal), json.dumps(repeated)),
    ]
    for form, literal_input, repeated_input in forms:
        cases = [
            Case("literal", [Phase("render", _renders(renderer, literal_input))]),
            Case("repeat", [Phase("render", _renders(renderer, repeated_input))]),
        ]
        timings = measure(cases, budget=budget, min_rounds=min_rounds)
        ratio = paired_ratio(timings["repeat"], timings["literal"])
        out.write(
            f"  {form:4}: literal {timings['literal'].median * 1e3:.2f} ms, repeat "
            f"{timings['repeat'].median * 1e3:.2f} ms: {ratio:.2f}x (target <= {REPEAT_TARGET}x)\n"
        )
        rows.append((f"repeat/{form}", ratio, ratio <= REPEAT_TARGET))
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of this benchmark (the common ones come from ``add_common_arguments``)."""
    parser.add_argument(
        "--dashboard-nodes", type=int, help="dashboard size (default 2000; quick 400)"
    )
    parser.add_argument("--repeat-items", type=int, help="repeat size (default 1000; quick 200)")


def run_from_args(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run with parsed options; 1 on a missed target with ``--check``, else 0."""
    out = out if out is not None else sys.stdout
    budget, min_rounds = effort(args, full_budget=3.0)
    nodes = args.dashboard_nodes or (400 if args.quick else 2000)
    items = args.repeat_items or (200 if args.quick else 1000)
    out.write("state benchmark (CPU time, medians of paired ratios)\n")
    rows = run(nodes, items, budget, min_rounds, out)
    return exit_code(args, [(what, figure, ok) for what, figure, ok in rows])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m benchmarks.state``."""
    return run_from_args(
        command_line("python -m benchmarks.state", __doc__, add_arguments).parse_args(argv)
    )


if __name__ == "__main__":
    sys.exit(main())
