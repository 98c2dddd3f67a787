"""Reading the built-in writers' source: which functions write a component, and where the
values of its URL attributes come from.

A writer (``genui.writing.Writer``) builds its HTML with f-strings, often in helper
functions of its module. :func:`writer_functions` finds those helpers;
:func:`url_attributes` finds every URL attribute the f-strings open (``href="{…}"``) and
traces the value written there back through assignments and helper-call arguments to
where it comes from (``props.href``), checking on the way that it passed through
``escape_html``.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from typing import Any

from genui.sanitize import is_url_attribute

URL_LIKE_ATTRIBUTES = frozenset({"data-genui-copy-image"})
"""Attributes that are not URL attributes to a browser but carry a URL for genui.js."""

_OPENER = re.compile(r"([A-Za-z][A-Za-z0-9:-]*)=\"$")
UNESCAPED = "<unescaped>"
"""The source reported for a value written without ``escape_html``."""


def writer_functions(writer: Callable[..., Any]) -> list[types.FunctionType]:
    """``writer`` and every function of its module that it calls, transitively."""
    module = sys.modules[writer.__module__]
    found: list[types.FunctionType] = [writer]  # type: ignore[list-item]
    for function in found:  # grows while it is walked
        for name in _global_names(function.__code__):
            helper = getattr(module, name, None)
            if (
                isinstance(helper, types.FunctionType)
                and helper.__module__ == module.__name__
                and helper not in found
            ):
                found.append(helper)
    return found


def writer_source(writer: Callable[..., Any]) -> str:
    """The source of ``writer`` and of the helpers it calls."""
    return "\n".join(inspect.getsource(function) for function in writer_functions(writer))


def url_attributes(writer: Callable[..., Any]) -> list[tuple[str, frozenset[str]]]:
    """``(attribute, sources)`` for every URL attribute the writer's f-strings write.

    ``sources`` are the expressions the written value comes from (``props.image``,
    ``actions.regenerate_url``...), followed through local assignments and through the
    arguments of calls between the writer's functions. A value that is not
    ``escape_html(…)`` (directly or through a name bound only to such calls) has the source
    :data:`UNESCAPED`; a value built any other way shows up as its own expression.
    """
    trees = [_parse(function) for function in writer_functions(writer)]
    bindings = _bindings(trees)
    found = []
    for tree in trees:
        for attribute, value in _attribute_values(tree):
            found.append((attribute, frozenset(_escaped_sources(value, bindings, set()))))
    return found


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _global_names(constant)
    return names


def _parse(function: types.FunctionType) -> ast.FunctionDef:
    (tree,) = ast.parse(textwrap.dedent(inspect.getsource(function))).body
    assert isinstance(tree, ast.FunctionDef)
    return tree


def _bindings(trees: list[ast.FunctionDef]) -> dict[str, list[ast.expr]]:
    """Every value each name is bound to: by assignment, or as an argument of a call."""
    bindings: dict[str, list[ast.expr]] = {}
    functions = {tree.name: tree for tree in trees}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    _bind(bindings, target, node.value)
            elif isinstance(node, ast.For | ast.comprehension):
                _bind(bindings, node.target, node.iter)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = functions.get(node.func.id)
                if callee is None:
                    continue
                parameters = [a.arg for a in (*callee.args.posonlyargs, *callee.args.args)]
                for name, argument in zip(parameters, node.args, strict=False):
                    bindings.setdefault(name, []).append(argument)
                for keyword in node.keywords:
                    if keyword.arg is not None:
                        bindings.setdefault(keyword.arg, []).append(keyword.value)
    return bindings


def _bind(bindings: dict[str, list[ast.expr]], target: ast.expr, value: ast.expr) -> None:
    if isinstance(target, ast.Name):
        bindings.setdefault(target.id, []).append(value)
    else:  # unpacking: its parts are not followed, a name comes from "part of <value>"
        part = ast.Name(id=f"<part of {ast.unparse(value)}>")
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                bindings.setdefault(name.id, []).append(part)


def _attribute_values(tree: ast.FunctionDef) -> Iterator[tuple[str, ast.expr]]:
    """``(attribute, value expression)`` for each URL attribute opened in an f-string."""
    in_fstrings = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
        elif isinstance(node, ast.Constant) and id(node) not in in_fstrings:
            parts = [node]  # a URL attribute opened in a plain string: its value is untraceable
        else:
            continue
        for index, part in enumerate(parts):
            if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                continue
            opener = _OPENER.search(part.value)
            if opener is None:
                continue
            attribute = opener.group(1).lower()
            if not (is_url_attribute(attribute) or attribute in URL_LIKE_ATTRIBUTES):
                continue
            following = parts[index + 1] if index + 1 < len(parts) else None
            if isinstance(following, ast.FormattedValue):
                yield attribute, following.value
            else:
                yield attribute, ast.Name(id="<not an f-string replacement field>")


def _escaped_sources(
    value: ast.expr, bindings: dict[str, list[ast.expr]], seen: set[str]
) -> set[str]:
    """Where a value written into HTML comes from; :data:`UNESCAPED` if not escaped."""
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "escape_html"
        and len(value.args) == 1
    ):
        return _raw_sources(value.args[0], bindings, set())
    if isinstance(value, ast.Constant) and value.value is None:
        return set()  # a helper called without the value writes nothing
    if isinstance(value, ast.Name) and value.id in bindings:
        if value.id in seen:
            return set()  # passed on under its own name (src=src): nothing new
        seen = seen | {value.id}
        return set().union(*(_escaped_sources(v, bindings, seen) for v in bindings[value.id]))
    return {UNESCAPED}


def _raw_sources(value: ast.expr, bindings: dict[str, list[ast.expr]], seen: set[str]) -> set[str]:
    """The expressions a value comes from, following names to what they are bound to."""
    if isinstance(value, ast.Constant) and value.value is None:
        return set()
    if isinstance(value, ast.Name) and value.id in bindings:
        if value.id in seen:
            return set()
        seen = seen | {value.id}
        return set().union(*(_raw_sources(v, bindings, seen) for v in bindings[value.id]))
    return {ast.unparse(value)}
