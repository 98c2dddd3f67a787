"""Imports inside genui point one way: no circle, and the core knows nothing of its users.

The graph is read from the source with :mod:`ast`, so every ``import`` counts wherever it
is written: at module level, inside a function (a "lazy" import is still a dependency),
under ``if TYPE_CHECKING:``. Importing ``genui.a.b`` also runs ``genui.a``, so an import of a
submodule is an edge to each package above it too (except the importer's own packages,
which are initialized before it, and ``genui`` itself: its ``__init__`` is the public
facade, a user of everything).
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "genui"

CORE = (
    "genui.registry",
    "genui.spec",
    "genui.sanitize",
    "genui.limits",
    "genui.jsontext",
    "genui.htmltext",
    "genui.errors",
    "genui.pointer",
)
"""Modules every other module may build on."""
USERS = ("genui.components", "genui.render", "genui.validate", "genui.stream")
"""What the core must never import (the component library and the engine's top)."""


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imported(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The genui modules ``module`` imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    edges = set()
    for target in targets:
        parts = target.split(".")
        if parts[0] != "genui":
            continue
        for end in range(2, len(parts) + 1):  # the target and the packages above it
            name = ".".join(parts[:end])
            inside = module.startswith(name + ".")  # its own package runs before it anyway
            if name in modules and (name == target or not inside):
                edges.add(name)
        if target == "genui":
            edges.add("genui")
    edges.discard(module)
    return edges


def import_graph() -> dict[str, set[str]]:
    """Module → the genui modules it imports."""
    modules = _modules()
    return {module: _imported(module, path, modules) for module, path in modules.items()}


def test_the_graph_sees_module_and_function_level_imports() -> None:
    graph = import_graph()
    assert "genui.registry" in graph["genui.components.layout"]
    assert "genui.sanitize" in graph["genui.registry"]  # imported inside a method
    assert "genui.components" in graph["genui.render"]  # the built-ins are its default
    assert len(graph) > 20


def test_genui_imports_form_no_cycle() -> None:
    graph = import_graph()
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:  # pragma: no cover - the failure message
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")
    assert set(order) >= set(graph)


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


@pytest.mark.parametrize("module", CORE)
def test_the_core_imports_nothing_of_the_library_or_the_engine_top(module: str) -> None:
    graph = import_graph()
    direct = {t for t in graph[module] if t.startswith(USERS)}
    assert not direct, f"{module} imports {sorted(direct)}"
    indirect = {t for t in _reachable(graph, module) if t.startswith(USERS)}
    assert not indirect, f"{module} reaches {sorted(indirect)}"
