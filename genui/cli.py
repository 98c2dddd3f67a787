"""The ``genui`` command line: validate, render, patch and describe specs.

Exit codes: 0 success, 1 the input is invalid (details printed), 2 usage or
I/O problems (missing file, unreadable or empty input, a ``--registry`` that cannot
be loaded).

``genui validate`` runs :func:`genui.validate`: it prints every problem, one per line
with its JSON Pointer, code and hint, and exits 0 only when the spec is valid as sent.
``--registry`` (validate, render, schema, prompt) is ``default`` or ``module:attribute``
naming a :class:`~genui.Registry` or a zero-argument callable returning one.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from genui import catalog
from genui.components import default_registry
from genui.errors import GenerativeUIError, GenerativeUIValidationError
from genui.patch import apply_patch
from genui.registry import Registry
from genui.render import Renderer
from genui.schema import spec_json_schema_text
from genui.spec import GenerativeUISpec, decode_json, parse_spec
from genui.validate import validate

__all__ = ["main"]

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


class _InputError(Exception):
    """The input could not be read at all (exit code 2)."""


def _read_input(source: str, stdin: TextIO) -> bytes:
    if source == "-":
        data = stdin.buffer.read() if hasattr(stdin, "buffer") else stdin.read().encode()
        where = "standard input"
    else:
        path = Path(source)
        if not path.exists():
            raise _InputError(f"no such file: {source}")
        if path.is_dir():
            raise _InputError(f"is a directory, not a file: {source}")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise _InputError(f"cannot read {source}: {exc.strerror or exc}") from None
        where = source
    if not data.strip():
        raise _InputError(f"empty input: {where}")
    return data


def _report(error: GenerativeUIError, *, as_json: bool, out: TextIO) -> None:
    if as_json:
        out.write(json.dumps(error.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif isinstance(error, GenerativeUIValidationError):
        out.write(str(error) + "\n")  # a title line, then one line per detail
    elif len(error.errors) == 1 and error.errors[0].message == error.message:
        out.write(f"{error.errors[0]}\n")  # path: message [code]
    else:
        lines = [f"{error.message.splitlines()[0]} [{error.code}]"]
        lines += [f"  {detail}" for detail in error.errors]
        out.write("\n".join(lines) + "\n")


def _load_spec(args: argparse.Namespace, stdin: TextIO) -> GenerativeUISpec:
    return parse_spec(_read_input(args.file, stdin))


def _cmd_validate(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    registry = _registry(args.registry)
    result = validate(_read_input(args.file, stdin), registry=registry)
    if args.json:
        stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    elif result.ok:
        roots = len(result.spec.roots) if result.spec is not None else 0
        stdout.write(f"valid: {roots} root node(s)\n")
    else:
        count = len(result.errors)
        lines = [f"invalid: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  {detail}" for detail in result.errors]  # path: message [code] (fix: hint)
        stdout.write("\n".join(lines) + "\n")
    return EXIT_OK if result.ok else EXIT_INVALID


def _cmd_schema(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    if args.registry is None:
        stdout.write(spec_json_schema_text())
    else:
        schema = catalog.json_schema(_registry(args.registry), strict=args.strict)
        stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _cmd_prompt(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    stdout.write(catalog.prompt(_registry(args.registry)))
    return EXIT_OK


def _cmd_render(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    registry = _registry(args.registry)
    data = _read_input(args.file, stdin)
    renderer = Renderer(registry, fallback="default" if args.fallback else None)
    html = renderer.render_page(data, title=args.title) if args.page else renderer.render(data)
    stdout.write(str(html) + "\n")
    return EXIT_OK


def _cmd_patch(args: argparse.Namespace, stdin: TextIO, stdout: TextIO) -> int:
    if args.file == "-" and args.patch == "-":
        raise _InputError("only one of SPEC and PATCH can be standard input")
    spec = _load_spec(args, stdin)
    ops: Any = _read_input(args.patch, stdin).decode("utf-8", "replace")
    if args.merge:
        ops = decode_json(ops)
        if not isinstance(ops, dict):
            raise _InputError("a merge patch must be a JSON object")
    patched = apply_patch(spec, ops)
    stdout.write(patched.model_dump_json(exclude_defaults=True, indent=2) + "\n")
    return EXIT_OK


def _registry(name: str) -> Registry:
    """Load ``--registry``: ``default``, or ``module:attribute`` (a Registry or a factory)."""
    if name == "default":
        return default_registry()
    module_name, colon, attribute = name.partition(":")
    if not colon or not module_name or not attribute:
        raise _InputError(f"--registry must be 'default' or 'module:attribute', not {name!r}")
    here = os.getcwd()
    added = here not in sys.path  # find modules in the current directory, as `python -m` does
    if added:
        sys.path.insert(0, here)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise _InputError(f"--registry {name}: cannot import {module_name!r}: {exc}") from None
    except Exception as exc:
        raise _InputError(
            f"--registry {name}: importing {module_name!r} failed: {type(exc).__name__}: {exc}"
        ) from None
    finally:
        if added and here in sys.path:
            sys.path.remove(here)
    value: Any = module
    for part in attribute.split("."):
        try:
            value = getattr(value, part)
        except AttributeError:
            raise _InputError(f"--registry {name}: {module_name!r} has no {attribute!r}") from None
    if not isinstance(value, Registry) and callable(value):
        try:
            value = value()
        except Exception as exc:
            raise _InputError(
                f"--registry {name}: calling {attribute} failed: {type(exc).__name__}: {exc}"
            ) from None
    if not isinstance(value, Registry):
        raise _InputError(
            f"--registry {name}: expected a genui.Registry or a zero-argument callable "
            f"returning one, got {type(value).__name__}"
        )
    return value


_Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def _add_registry(
    parser: argparse.ArgumentParser, *, default: str | None, what: str = "the component allowlist"
) -> None:
    parser.add_argument(
        "--registry",
        metavar="REGISTRY",
        default=default,
        help=f"{what}: 'default' or module:attribute (a Registry or a callable returning one)",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genui", description="Validate and render untrusted generative-UI specs."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a spec; exit 1 if it is invalid")
    validate.add_argument("file", metavar="FILE", help="spec JSON file, or - for standard input")
    validate.add_argument("--json", action="store_true", help="print validate()'s to_dict()")
    _add_registry(validate, default="default")
    validate.set_defaults(handler=_cmd_validate)

    render = commands.add_parser("render", help="render a spec to HTML on standard output")
    render.add_argument("file", metavar="FILE", help="spec JSON file, or - for standard input")
    render.add_argument(
        "--fallback", action="store_true", help="render unknown components as placeholders"
    )
    render.add_argument("--page", action="store_true", help="a complete HTML document")
    render.add_argument("--title", default="genui", help="page title (with --page)")
    render.add_argument("--json", action="store_true", help="machine-readable error output")
    _add_registry(render, default="default")
    render.set_defaults(handler=_cmd_render)

    patch = commands.add_parser(
        "patch", help="apply a JSON Patch (or --merge patch) to a spec; print the result"
    )
    patch.add_argument("file", metavar="SPEC", help="spec JSON file, or -")
    patch.add_argument("patch", metavar="PATCH", help="JSON Patch (array or JSON Lines), or -")
    patch.add_argument("--merge", action="store_true", help="PATCH is an RFC 7396 merge patch")
    patch.add_argument("--json", action="store_true", help="machine-readable error output")
    patch.set_defaults(handler=_cmd_patch)

    schema = commands.add_parser("schema", help="print the JSON Schema of the spec format")
    _add_registry(schema, default=None, what="restrict the schema to a registry's components")
    schema.add_argument("--strict", action="store_true", help="OpenAI strict-mode schema")
    schema.set_defaults(handler=_cmd_schema)

    prompt = commands.add_parser("prompt", help="print the component catalogue for an LLM")
    _add_registry(prompt, default="default")
    prompt.set_defaults(handler=_cmd_prompt)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the CLI and return its exit code (the console script exits with it)."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handler: _Command = args.handler
    try:
        return handler(args, stdin, stdout)
    except _InputError as exc:
        stderr.write(f"genui: {exc}\n")
        return EXIT_USAGE
    except GenerativeUIError as exc:
        _report(exc, as_json=getattr(args, "json", False), out=stdout)
        return EXIT_INVALID


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
