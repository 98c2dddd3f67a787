"""Shared helpers for the test-suite: where the external corpora live."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = Path(os.environ.get("GENUI_SHARED_DIR", REPO_ROOT.parent / "shared"))
CORPORA_DIR = SHARED_DIR / "corpora"


def load_corpus(name: str) -> Any:
    """Load a JSON corpus file from ``../shared/corpora`` (fails loudly when missing)."""
    path = CORPORA_DIR / name
    if not path.exists():
        raise FileNotFoundError(
            f"corpus {path} is missing: genui's tests expect ../shared/ beside the checkout "
            "(or GENUI_SHARED_DIR pointing at it)"
        )
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)
