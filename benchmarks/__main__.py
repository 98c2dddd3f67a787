"""Run every benchmark: ``python -m benchmarks`` (what ``make bench`` does).

Options: ``--quick`` (small sizes, a few seconds), ``--only render|stream|state|growth|cost``
(``cost``, the worst-case cost model of :mod:`benchmarks.cost`, and ``growth``, streaming
time as the input doubles (:mod:`benchmarks.growth`), run only when asked for: they take
minutes at their full sizes),
``--sizes`` / ``--stream-sizes`` (node counts), ``--budget`` / ``--min-rounds``
(timing effort per size), ``--naive-size`` (0 skips the naive streaming
baseline), ``--gc`` (keep the cyclic GC on while timing) and ``--check``
(exit 1 if a target is missed; without it the exit code is 0 whatever the
numbers, since they are informational on a shared machine).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from benchmarks import cost, growth, render, state, stream
from benchmarks._timing import add_common_arguments


def main(argv: Sequence[str] | None = None) -> int:
    """Run the render benchmark (issue 8), the streaming one (issue 5), then state's (15)."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_arguments(parser)
    render.add_arguments(parser)
    stream.add_arguments(parser)
    cost.add_arguments(parser)
    state.add_arguments(parser)
    growth.add_arguments(parser)
    parser.add_argument(
        "--only",
        choices=("render", "stream", "state", "growth", "cost"),
        help="run one benchmark",
    )
    args = parser.parse_args(argv)
    status = 0
    if args.only == "cost":
        return cost.run_from_args(args)
    if args.only == "growth":
        return growth.run_from_args(args)
    if args.only in (None, "render"):
        status |= render.run_from_args(args)
    if args.only is None:
        sys.stdout.write("\n")
    if args.only in (None, "stream"):
        status |= stream.run_from_args(args)
    if args.only is None:
        sys.stdout.write("\n")
    if args.only in (None, "state"):
        status |= state.run_from_args(args)
    return status


if __name__ == "__main__":
    sys.exit(main())
