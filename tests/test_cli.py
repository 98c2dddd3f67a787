"""The genui command line: exit codes, human and JSON reports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

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


def test_validate_json_output_is_machine_readable() -> None:
    code, out, _ = run("validate", "--json", "-", stdin='{"root": {"component": "_x"}}')
    assert code == 1
    report = json.loads(out)
    assert report["errors"][0]["path"] == "/root/component"
    assert report["errors"][0]["code"] == "invalid_name"
    code, out, _ = run("validate", "--json", "-", stdin='{"root": "x"}')
    assert (code, json.loads(out)["valid"]) == (0, True)


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
