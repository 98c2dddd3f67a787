"""The repository's housekeeping: one version, pinned tools, a self-contained sdist.

The version is written once (``genui/__init__.py``) and must agree with the installed
metadata and the newest release in ``CHANGELOG.md``; the pre-commit ruff is the pinned ruff;
the sdist carries what its tests need; and nothing refers to files outside the repository.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import genui

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "requirements" / "dev-constraints.txt"

# Built from pieces so that this file does not mention them itself.
OUTSIDE_REFERENCES = ("../" + "shared", "GENUI_" + "SHARED_DIR", "DESIGN" + ".md")
# Directories that are not the repository's own files, when there is no git to ask.
UNTRACKED_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".hypothesis",
        ".benchmarks",
        "test-artifacts",
        "build",
        "dist",
    }
)
RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\]", re.MULTILINE)


def pins() -> dict[str, str]:
    """The constraints file as ``{normalized name: version}``."""
    pinned: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{CONSTRAINTS.name}: {line!r} is not an exact == pin"
        pinned[normalize(name)] = version.strip()
    return pinned


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def latest_release(changelog: str) -> str:
    """The version of the first ``## [x.y.z]`` heading that is not ``Unreleased``."""
    for match in RELEASE_HEADING.finditer(changelog):
        version = match["version"]
        if version.lower() != "unreleased":
            return version
    raise AssertionError("CHANGELOG.md has no released version heading")


def repository_files() -> Iterator[Path]:
    """Every file of the repository: git's tracked files, or a walk when there is no git."""
    if (ROOT / ".git").exists() and shutil.which("git"):
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        for name in listed.decode().split("\0"):
            path = ROOT / name
            if name and path.is_file():
                yield path
        return
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT).parts
        ignored = UNTRACKED_DIRS.intersection(relative[:-1]) or any(
            part.endswith(".egg-info") for part in relative
        )
        if path.is_file() and not ignored:
            yield path


# -- the version --------------------------------------------------------------------------


def test_latest_changelog_release_is_the_package_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert latest_release(changelog) == genui.__version__


def test_latest_release_skips_unreleased() -> None:
    changelog = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n## [1.1.0]\n"
    assert latest_release(changelog) == "1.2.0"


def test_installed_metadata_is_the_package_version() -> None:
    assert importlib.metadata.version("genui") == genui.__version__


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "genui/__init__.py"


# -- pinned tools -------------------------------------------------------------------------


def test_every_dev_requirement_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = pins()
    for requirement in project["project"]["optional-dependencies"]["dev"]:
        name = re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]
        assert normalize(name) in pinned, f"{name} (dev extra) has no pin in {CONSTRAINTS.name}"
    assert "genui" not in pinned


def test_pre_commit_ruff_is_the_pinned_ruff() -> None:
    config = (ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    match = re.search(
        r"repo:\s*https://github\.com/astral-sh/ruff-pre-commit\s*\n\s*rev:\s*['\"]?v?([^'\"\s]+)",
        config,
    )
    assert match, ".pre-commit-config.yaml has no astral-sh/ruff-pre-commit repo with a rev"
    assert match[1] == pins()["ruff"]


# -- nothing outside the repository ---------------------------------------------------------


def test_no_file_refers_to_files_outside_the_repository() -> None:
    offenders = []
    for path in repository_files():
        if path.name == "CHANGELOG.md":  # history may name what was removed
            continue
        data = path.read_bytes()
        offenders += [
            f"{path.relative_to(ROOT)}: {text}"
            for text in OUTSIDE_REFERENCES
            if text.encode() in data
        ]
    assert offenders == []


# -- the distributions -----------------------------------------------------------------------


@pytest.mark.slow
def test_sdist_carries_the_tests_and_the_wheel_only_the_package(tmp_path: Path) -> None:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("not run from a source tree")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (sdist,) = tmp_path.glob("genui-*.tar.gz")
    (wheel,) = tmp_path.glob("genui-*.whl")
    top = f"genui-{genui.__version__}"

    with tarfile.open(sdist) as archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        names = {name.removeprefix(f"{top}/") for name in members}
        for needed in (
            "README.md",
            "LICENSE",
            "CHANGELOG.md",
            "pyproject.toml",
            "Makefile",
            "requirements/dev-constraints.txt",
            "tests/__init__.py",
            "tests/conftest.py",
            "tests/test_packaging.py",
            "genui/__init__.py",
            "genui/py.typed",
        ):
            assert needed in names, f"{needed} missing from the sdist"
        for directory in ("tests/corpora/", "examples/", "docs/", "benchmarks/", "schemas/"):
            assert any(name.startswith(directory) for name in names), f"no {directory}"
        assert not [name for name in names if name.startswith((".venv/", ".git/"))]
        for name, member in members.items():
            if name.endswith("/CHANGELOG.md"):  # history may name what was removed
                continue
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = extracted.read()
            for text in OUTSIDE_REFERENCES:
                assert text.encode() not in data, f"{name} refers to {text}"

    with zipfile.ZipFile(wheel) as archive:
        outside = [
            name
            for name in archive.namelist()
            if not name.startswith(("genui/", f"genui-{genui.__version__}.dist-info/"))
        ]
    assert outside == []
