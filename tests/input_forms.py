"""Run a test module against every input form of a spec, as markupsafe runs its tests twice.

genui takes a spec as Python data or as JSON text, and the two take different routes (JSON
text may take the one-pass validator of :mod:`genui.compiled`). A module that sets
``pytestmark = pytest.mark.usefixtures("spec_form")`` runs every test once per form: under
``"text"`` every spec given to :meth:`genui.Renderer.render_with_report` (which ``render``,
``render_page`` and the module-level functions all go through) as a mapping is sent as its
JSON text instead, with the same ``surface`` and ``feedback``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from genui.envelope import ActionSurface
from genui.render import RenderCache, Renderer, RenderResult
from genui.writing import FormFeedback

FORMS = ("data", "text")


def as_text(spec: Any) -> Any:
    """``spec`` as JSON text when it is JSON data (anything else is passed on as it is)."""
    if not isinstance(spec, Mapping):
        return spec
    try:
        return json.dumps(spec, allow_nan=False)
    except (TypeError, ValueError):
        return spec


@pytest.fixture(params=FORMS)
def spec_form(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The input form the test's specs are rendered from: ``"data"`` or ``"text"``."""
    form: str = request.param
    if form == "text":
        original = Renderer.render_with_report

        def render_with_report(
            self: Renderer,
            spec: Any,
            *,
            cache: RenderCache | None = None,
            surface: ActionSurface | None = None,
            feedback: FormFeedback | None = None,
        ) -> RenderResult:
            return original(self, as_text(spec), cache=cache, surface=surface, feedback=feedback)

        monkeypatch.setattr(Renderer, "render_with_report", render_with_report)
    yield form
