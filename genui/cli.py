"""The ``genui`` command line: validate, render, patch and describe specs.

Exit codes: 0 success, 1 the input is invalid (details printed), 2 usage or
I/O problems (missing file, unreadable or empty input).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from genui import catalog
from genui.errors import GenerativeUIError, GenerativeUIValidationError
from genui.patch import apply_patch
from genui.registry import Registry, default_registry
from genui.render import Renderer
from genui.schema import spec_json_schema_text
from genui.spec import GenerativeUISpec, decode_json, parse_spec

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
    spec = _load_spec(args, stdin)
    if args.json:
        stdout.write(json.dumps({"valid": True, "roots": len(spec.roots)}) + "\n")
    else:
        stdout.write(f"valid: {len(spec.roots)} root node(s)\n")
    return EXIT_OK


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
    spec = _load_spec(args, stdin)
    renderer = Renderer(fallback="default" if args.fallback else None)
    html = renderer.render_page(spec, title=args.title) if args.page else renderer.render(spec)
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
    if name != "default":
        raise _InputError(f"unknown registry {name!r} (available: default)")
    return default_registry()


_Command = Callable[[argparse.Namespace, TextIO, TextIO], int]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="genui", description="Validate and render untrusted generative-UI specs."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check a spec; exit 1 if it is invalid")
    validate.add_argument("file", metavar="FILE", help="spec JSON file, or - for standard input")
    validate.add_argument("--json", action="store_true", help="machine-readable output")
    validate.set_defaults(handler=_cmd_validate)

    render = commands.add_parser("render", help="render a spec to HTML on standard output")
    render.add_argument("file", metavar="FILE", help="spec JSON file, or - for standard input")
    render.add_argument(
        "--fallback", action="store_true", help="render unknown components as placeholders"
    )
    render.add_argument("--page", action="store_true", help="a complete HTML document")
    render.add_argument("--title", default="genui", help="page title (with --page)")
    render.add_argument("--json", action="store_true", help="machine-readable error output")
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
    schema.add_argument(
        "--registry", metavar="NAME", help="restrict to a registry's components (e.g. default)"
    )
    schema.add_argument("--strict", action="store_true", help="OpenAI strict-mode schema")
    schema.set_defaults(handler=_cmd_schema)

    prompt = commands.add_parser("prompt", help="print the component catalogue for an LLM")
    prompt.add_argument("--registry", metavar="NAME", default="default")
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
