"""The benchmark scripts run on the small sizes and print every section.

Times are never asserted: they depend on the machine. ``make bench`` runs
the real sizes.
"""

from __future__ import annotations

import argparse
import io
import json

import pytest

from benchmarks import __main__ as bench_main
from benchmarks import render as render_bench
from benchmarks import stream as stream_bench
from benchmarks._timing import add_common_arguments, command_line
from benchmarks.baselines import Alternative, floor_page
from benchmarks.corpus import QUICK_SIZES, build_spec, count_nodes, iter_nodes, spec_text
from genui.render import Renderer
from genui.spec import parse_spec

FAST = ["--budget", "0", "--min-rounds", "1"]


@pytest.mark.parametrize("nodes", QUICK_SIZES)
def test_corpus_has_exactly_the_requested_nodes_and_renders(nodes: int) -> None:
    spec = build_spec(nodes)
    assert count_nodes(spec) == nodes
    Alternative().validate(spec)  # valid for the JSON Schema
    Renderer().render(spec_text(nodes))  # and for genui


def test_corpus_is_fixed_and_nested() -> None:
    assert spec_text(200) == spec_text(200)
    spec = build_spec(2_000)
    assert count_nodes(spec) == 2_000
    assert parse_spec(spec_text(2_000)).roots
    depth = max(len(path) for path, _ in iter_nodes(spec)) // 2
    assert depth >= 5  # sections -> grids -> cards -> rows -> items
    components = {node["component"] for _, node in iter_nodes(spec) if isinstance(node, dict)}
    assert {"Card", "Table", "Link", "Image", "Stat", "Text", "Grid", "Stack"} <= components


def test_floor_and_alternative_render_the_same_html() -> None:
    text = spec_text(200)
    assert floor_page(json.loads(text)) == Alternative()(text)


def test_patch_ops_rebuild_the_spec() -> None:
    from genui.patch import apply_json_patch

    spec = build_spec(200)
    document: object = {}
    for op in stream_bench.patch_ops(spec):
        document = apply_json_patch(document, [op])
    assert document == spec
    assert b"".join(stream_bench.chunks(spec_text(200))) == spec_text(200).encode()


def test_render_benchmark_prints_its_sections() -> None:
    out = io.StringIO()
    args = render_bench.build_parser().parse_args(["--quick", *FAST, "--sizes", "10", "50"])
    assert render_bench.run_from_args(args, out=out) == 0
    text = out.getvalue()
    for section in ("µs per node", "nodes per second", "baselines spend", "HTML bytes", "targets"):
        assert section in text
    assert "genui/floor" in text and "alternative/genui" in text


def test_stream_benchmark_prints_its_sections() -> None:
    out = io.StringIO()
    argv = ["--quick", *FAST, "--stream-sizes", "20", "40", "--naive-size", "10"]
    assert stream_bench.run_from_args(stream_bench.build_parser().parse_args(argv), out=out) == 0
    text = out.getvalue()
    for section in ("streaming cost", "patches", "feed", "naive baseline", "targets"):
        assert section in text


def test_python_m_benchmarks_quick(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--quick", *FAST, "--sizes", "10", "--stream-sizes", "20", "40"]
    assert bench_main.main(argv) == 0
    text = capsys.readouterr().out
    assert "render benchmark (issue 8)" in text
    assert "streaming benchmark (issue 5)" in text
    assert "state benchmark" in text


def test_state_benchmark_prints_its_sections() -> None:
    from benchmarks import state as state_bench

    out = io.StringIO()
    parser = command_line("state", None, state_bench.add_arguments)
    args = parser.parse_args(["--quick", *FAST, "--dashboard-nodes", "120", "--repeat-items", "30"])
    assert state_bench.run_from_args(args, out=out) == 0
    text = out.getvalue()
    for section in ("dashboard:", "one state patch", "bytes sent", "repeat:", "data:", "text:"):
        assert section in text


def test_cost_benchmark_prints_its_sections() -> None:
    from benchmarks import cost as cost_bench

    out = io.StringIO()
    kinds = ["tiny/Text", "deep/Divider", "patch/copy", "stream/data-url-4b"]
    argv = ["--quick", "--bytes", "4000", "--only-kind", *kinds]
    assert cost_bench.run_from_args(cost_bench.build_parser().parse_args(argv), out=out) == 0
    text = out.getvalue()
    for section in ("cost benchmark", "CPU time at 1x and 2x", "amplification at 1x", "targets"):
        assert section in text
    assert all(kind in text for kind in kinds)
    assert "PASS" in text or "MISS" in text


def test_growth_benchmark_prints_every_case_and_its_doubling() -> None:
    from benchmarks import growth as growth_bench

    out = io.StringIO()
    args = bench_main_parser_args(["--quick", "--only", "growth", "--growth-repeat", "1"])
    assert growth_bench.run_from_args(args, out=out) == 0
    text = out.getvalue()
    for case in ("children/patches (Card)", "children/feed (List)", "string/feed (1-byte"):
        assert case in text
    assert text.count("doubling") == 6


def bench_main_parser_args(argv: list[str]) -> argparse.Namespace:
    """The options ``python -m benchmarks`` parses from ``argv``."""
    parser = argparse.ArgumentParser()
    add_common_arguments(parser)
    from benchmarks import growth as growth_bench

    growth_bench.add_arguments(parser)
    parser.add_argument("--only")
    return parser.parse_args(argv)
