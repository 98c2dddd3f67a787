"""Every ```python block in README.md and docs/*.md runs, each in a fresh interpreter.

Each has a timeout. Discovery is automatic: any Markdown file added to docs/ is picked up.
Two HTML comment markers, on the line right before a block, change how it is run:

``<!-- file: NAME.py -->``
    the block is also saved as ``NAME.py`` in the working directory of the blocks after it
    in the same document, so a later block can ``import`` it (as a reader would after
    "save this as NAME.py");
``<!-- not-run: REASON -->``
    the block is skipped; REASON is required and shown in the skip message. Use it only
    for code that cannot run in a test (a real network call, a blocking server loop).

Blocks must not block: define the app, start servers only under ``if __name__ == "__main__"``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
TIMEOUT_SECONDS = 60

_FENCE = re.compile(r"^```(?:python|py|python3)\s*$")
_MARKER = re.compile(r"^<!--\s*(file|not-run)\s*:\s*(.*?)\s*-->$")


@dataclass(frozen=True)
class Block:
    doc: Path
    line: int
    """1-based line of the opening fence."""
    code: str
    file: str | None = None
    skip: str | None = None

    @property
    def id(self) -> str:
        return f"{self.doc.name}:{self.line}"


def blocks_in(doc: Path) -> list[Block]:
    """The python blocks of one Markdown file, with their markers."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    index = 0
    while index < len(lines):
        if not _FENCE.match(lines[index]):
            index += 1
            continue
        start = index
        end = start + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if end == len(lines):
            raise AssertionError(f"{doc.name}:{start + 1}: unterminated code block")
        previous = start - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        marker = _MARKER.match(lines[previous].strip()) if previous >= 0 else None
        file = skip = None
        if marker is not None and marker.group(1) == "file":
            file = marker.group(2)
        elif marker is not None:
            skip = marker.group(2)
        code = "\n".join(lines[start + 1 : end]) + "\n"
        found.append(Block(doc, start + 1, code, file, skip))
        index = end + 1
    return found


def all_blocks() -> list[Block]:
    docs = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return [block for doc in docs for block in blocks_in(doc)]


BLOCKS = all_blocks()


def test_docs_have_python_blocks_to_run() -> None:
    assert any(b.doc.name == "getting-started.md" for b in BLOCKS)
    assert len([b for b in BLOCKS if b.skip is None]) >= 4


def test_every_opt_out_says_why() -> None:
    for block in BLOCKS:
        if block.skip is not None:
            assert len(block.skip) >= 10, f"{block.id}: explain why the block is not run"


def test_file_markers_name_python_modules() -> None:
    for block in BLOCKS:
        if block.file is not None:
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\.py", block.file), block.id


def test_the_actions_guide_runs_every_example() -> None:
    guide = [b for b in BLOCKS if b.doc.name == "actions.md"]
    assert len(guide) >= 6
    assert all(block.skip is None for block in guide)
    assert "def run_action(request: Request)" in "".join(block.code for block in guide)


def test_getting_started_streams_a_page_in_under_30_lines() -> None:
    first = next(b for b in BLOCKS if b.doc.name == "getting-started.md" and b.file)
    assert len(first.code.splitlines()) < 30
    assert "data-genui-stream" in first.code and "FastAPI()" in first.code


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_doc_block_runs(block: Block, tmp_path: Path) -> None:
    if block.skip is not None:
        pytest.skip(f"{block.id} opts out: {block.skip}")
    # Earlier blocks of the same document saved as files are importable here.
    for earlier in blocks_in(block.doc):
        if earlier.line >= block.line:
            break
        if earlier.file is not None:
            (tmp_path / earlier.file).write_text(earlier.code, encoding="utf-8")
    script = tmp_path / "_doc_block.py"
    script.write_text(block.code, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    env.pop("OPENAI_API_KEY", None)  # docs never reach a real model in tests
    try:
        result = subprocess.run(
            [sys.executable, str(script)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{block.id}: still running after {TIMEOUT_SECONDS} s (does it block?)")
    assert result.returncode == 0, f"{block.id} failed:\n{result.stderr[-3000:]}"
