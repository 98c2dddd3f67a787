"""Figures a test wants to see in CI output: counts, rates, timings.

Call :func:`record_figure` from any test; ``tests/conftest.py`` prints everything recorded in a
"genui figures" section of the pytest terminal summary, so numbers such as "247/248 positive
controls detected" show up in the CI log without ``-s``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Figure", "clear_figures", "figures", "record_figure"]


@dataclass(frozen=True)
class Figure:
    """One recorded number (or short text) with its unit."""

    name: str
    value: object
    unit: str = ""

    def __str__(self) -> str:
        value = f"{self.value:.1f}" if isinstance(self.value, float) else str(self.value)
        return f"{self.name}: {value}{' ' + self.unit if self.unit else ''}"


_FIGURES: dict[str, Figure] = {}


def record_figure(name: str, value: object, unit: str = "") -> None:
    """Record (or overwrite) a figure for the end-of-session summary."""
    _FIGURES[name] = Figure(name, value, unit)


def figures() -> list[Figure]:
    """All figures recorded in this session, in the order they were first recorded."""
    return list(_FIGURES.values())


def clear_figures() -> None:
    """Forget every recorded figure (for tests of this module)."""
    _FIGURES.clear()
