"""The public API: everything in __all__ exists, is documented, and modules are flat."""

from __future__ import annotations

import importlib
import importlib.resources
import inspect
import pkgutil

import pytest

import genui


@pytest.mark.parametrize("name", genui.__all__)
def test_every_exported_name_exists(name: str) -> None:
    assert hasattr(genui, name)


@pytest.mark.parametrize("name", [n for n in genui.__all__ if not n.startswith("__")])
def test_every_exported_class_and_function_has_a_docstring(name: str) -> None:
    value = getattr(genui, name)
    if inspect.isclass(value) or inspect.isfunction(value):
        assert inspect.getdoc(value), f"genui.{name} has no docstring"


MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(genui.__path__, "genui.")
    if module.name != "genui.__main__"
)


@pytest.mark.parametrize("module_name", MODULES)
def test_every_module_documents_itself_and_its_public_names(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no module docstring"
    for name in getattr(module, "__all__", []):
        value = getattr(module, name)
        if (
            inspect.isclass(value) or inspect.isfunction(value)
        ) and value.__module__ == module_name:
            assert inspect.getdoc(value), f"{module_name}.{name} has no docstring"


def test_the_package_ships_its_type_marker() -> None:
    assert importlib.resources.files("genui").joinpath("py.typed").is_file()
