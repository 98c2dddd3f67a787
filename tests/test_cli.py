"""The genui command line: exit codes, human and JSON reports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import genui
from genui.cli import main
from genui.schema import spec_json_schema_text


def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    code = main(list(argv), stdin=fake_stdin, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_validate_exits_0_on_a_valid_spec(tmp_path: Path) -> None:
    spec = tmp_path / "ok.json"
    spec.write_text('{"root": {"component": "Text", "props": {"text": "hi"}}}')
    code, out, _ = run("validate", str(spec))
    assert code == 0
    assert "valid" in out


def test_validate_exits_1_and_prints_paths_on_an_invalid_spec() -> None:
    code, out, _ = run("validate", "-", stdin='{"root": [true]}')
    assert code == 1
    assert "/root/0" in out
    assert "type_mismatch" in out


FOUR_PROBLEMS = {
    "root": [
        {"component": "Marquee", "props": {"text": "hi"}},
        {"component": "Heading", "props": {"level": 9, "text": "Title"}},
        {"component": "Link", "props": {"href": "javascript:alert(1)", "text": "x"}},
        {"component": "Text", "props": {"text": "a", "colour": "red"}},
    ]
}


def test_validate_lists_every_problem_with_path_code_and_hint(tmp_path: Path) -> None:
    # An unknown component, a Heading of level 9, a javascript: link and an unknown prop
    # (this printed "valid" and exited 0 before `genui validate` ran genui.validate()).
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(FOUR_PROBLEMS))
    code, out, err = run("validate", str(spec))
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == "invalid: 4 problems"
    problems = lines[1:]
    assert len(problems) == 4
    expected = [(e.path, e.code, e.hint) for e in genui.validate(FOUR_PROBLEMS).errors]
    assert [(path, error_code) for path, error_code, _ in expected] == [
        ("/root/0/component", "unknown_component"),
        ("/root/1/props/level", "invalid_value"),
        ("/root/2/props/href", "unsafe_url"),
        ("/root/3/props/colour", "extra_field"),
    ]
    for line, (path, error_code, hint) in zip(problems, expected, strict=True):
        assert line.startswith(f"  {path}: ")
        assert f"[{error_code}]" in line
        assert hint and line.endswith(f"(fix: {hint})")


def test_validate_json_prints_the_validation_result(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(FOUR_PROBLEMS))
    code, out, _ = run("validate", "--json", str(spec))
    assert code == 1
    assert json.loads(out) == genui.validate(FOUR_PROBLEMS).to_dict()


@pytest.mark.parametrize(
    "spec",
    [
        {"root": [{"$type": "Card", "title": "Hi", "children": ["x"]}, "y"]},
        {"type": "generative-ui", "spec": {"root": ["x", "y"]}},
        {"spec": {"root": ["x", "y"]}},
    ],
    ids=["flat", "message-part", "render-gui"],
)
def test_validate_accepts_what_validate_accepts(spec: dict[str, object]) -> None:
    code, out, _ = run("validate", "-", stdin=json.dumps(spec))
    assert (code, out) == (0, "valid: 2 root node(s)\n")


def test_validate_json_output_is_machine_readable() -> None:
    code, out, _ = run("validate", "--json", "-", stdin='{"root": {"component": "_x"}}')
    assert code == 1
    report = json.loads(out)
    assert report["errors"][0]["path"] == "/root/component"
    assert report["errors"][0]["code"] == "invalid_name"
    code, out, _ = run("validate", "--json", "-", stdin='{"root": "x"}')
    assert (code, json.loads(out)) == (0, {"ok": True, "errors": [], "report": []})


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["validate", "/definitely/not/here.json"], "", "no such file"),
        (["validate", "-"], "", "empty input"),
        (["validate", "-"], "   \n", "empty input"),
    ],
)
def test_unreadable_or_empty_input_exits_2_with_a_clear_message(
    argv: list[str], stdin: str, message: str
) -> None:
    code, out, err = run(*argv, stdin=stdin)
    assert code == 2
    assert message in err
    assert out == ""


def test_a_directory_is_not_a_spec_file(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path))
    assert code == 2
    assert "directory" in err


def test_invalid_json_exits_1() -> None:
    code, out, _ = run("validate", "-", stdin="{nope")
    assert code == 1
    assert "invalid_json" in out


def test_schema_prints_the_committed_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0
    assert out == spec_json_schema_text()


def test_unknown_command_is_a_usage_error() -> None:
    code, _, _ = run("frobnicate")
    assert code == 2


def test_console_script_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "genui", "validate", "-"],
        input=b'{"root": "x"}',
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_patch_applies_a_json_patch_and_prints_the_valid_result(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"root": [{"component": "Text", "props": {"text": "a"}}]}')
    ops = tmp_path / "ops.json"
    ops.write_text('[{"op": "add", "path": "/root/-", "value": "b"}]')
    code, out, _ = run("patch", str(spec), str(ops))
    assert code == 0
    assert json.loads(out) == {"root": [{"component": "Text", "props": {"text": "a"}}, "b"]}


def test_patch_accepts_a_merge_patch_and_jsonl(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"root": "a"}')
    code, out, _ = run("patch", "--merge", str(spec), "-", stdin='{"root": "b"}')
    assert (code, json.loads(out)) == (0, {"root": "b"})
    jsonl = (
        '{"op": "replace", "path": "/root", "value": "c"}\n'
        '{"op": "test", "path": "/root", "value": "c"}\n'
    )
    code, out, _ = run("patch", str(spec), "-", stdin=jsonl)
    assert (code, json.loads(out)) == (0, {"root": "c"})


def test_a_failing_or_invalidating_patch_exits_1_with_its_error(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text('{"root": ["a"]}')
    code, out, _ = run(
        "patch", "--json", str(spec), "-", stdin='[{"op": "remove", "path": "/root/5"}]'
    )
    assert code == 1
    assert json.loads(out)["errors"][0]["code"] == "index_out_of_range"
    code, out, _ = run(
        "patch", str(spec), "-", stdin='[{"op": "add", "path": "/root/-", "value": true}]'
    )
    assert code == 1 and "invalid_spec" in out


# -- --registry --------------------------------------------------------------------------

REGISTRIES = """
import genui

ONLY_TEXT = genui.default_registry().only("Text")


def only_text():
    return ONLY_TEXT


def broken():
    raise RuntimeError("no registry today")


NOT_A_REGISTRY = {"Text": None}
"""


@pytest.fixture
def registries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of a module defining registries (importable while the test runs)."""
    name = "genui_cli_test_registries"
    (tmp_path / f"{name}.py").write_text(REGISTRIES)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


HEADING = '{"root": {"$type": "Heading", "text": "Hi"}}'


@pytest.mark.parametrize("attribute", ["ONLY_TEXT", "only_text"])
def test_validate_uses_a_registry_or_a_factory_from_module_attribute(
    registries: str, attribute: str
) -> None:
    assert run("validate", "-", stdin=HEADING)[0] == 0
    code, out, _ = run("validate", "--registry", f"{registries}:{attribute}", "-", stdin=HEADING)
    assert code == 1
    assert "/root/$type: unknown component 'Heading' [unknown_component]" in out
    assert run("validate", "--registry", "genui:default_registry", "-", stdin=HEADING)[0] == 0


def test_render_validates_with_the_same_registry(registries: str) -> None:
    code, out, _ = run("render", "-", stdin=HEADING)  # flat nodes render too
    assert code == 0 and "Hi" in out
    code, out, _ = run("render", "--registry", f"{registries}:ONLY_TEXT", "-", stdin=HEADING)
    assert code == 1
    assert "unknown_component" in out


def test_schema_and_prompt_take_the_same_registries(registries: str) -> None:
    code, out, _ = run("schema", "--registry", f"{registries}:only_text")
    assert code == 0
    assert json.loads(out) == genui.catalog.json_schema(genui.default_registry().only("Text"))
    code, out, _ = run("prompt", "--registry", f"{registries}:ONLY_TEXT")
    assert code == 0
    assert out == genui.catalog.prompt(genui.default_registry().only("Text"))


@pytest.mark.parametrize(
    ("registry", "message"),
    [
        ("nonsense", "must be 'default' or 'module:attribute'"),
        ("genui_no_such_module_anywhere:REGISTRY", "cannot import 'genui_no_such_module_anywhere'"),
        ("{module}:MISSING", "has no 'MISSING'"),
        ("{module}:broken", "calling broken failed: RuntimeError: no registry today"),
        ("{module}:NOT_A_REGISTRY", "expected a genui.Registry or a zero-argument callable"),
    ],
)
@pytest.mark.parametrize("command", ["validate", "render", "schema", "prompt"])
def test_a_registry_that_cannot_be_loaded_is_a_usage_error(
    registries: str, command: str, registry: str, message: str
) -> None:
    argv = [command, "--registry", registry.format(module=registries)]
    if command in ("validate", "render"):
        argv.append("-")
    code, out, err = run(*argv, stdin=HEADING)
    assert (code, out) == (2, "")
    assert err.startswith("genui: --registry ")
    assert message in err
