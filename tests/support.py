"""Shared helpers for the test-suite: where the vendored corpora live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPORA_DIR = Path(__file__).resolve().parent / "corpora"
"""The vendored test corpora (``tests/corpora``; sources and licences in its README)."""


def load_corpus(name: str) -> Any:
    """Load a JSON corpus file from ``tests/corpora``."""
    with (CORPORA_DIR / name).open(encoding="utf-8") as handle:
        return json.load(handle)
