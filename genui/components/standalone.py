"""Rendering a built-in component's props on their own, outside a spec.

A user of both the component library and the engine (it renders through a
:class:`~genui.Renderer`), so it lives apart from the component modules, which the
engine imports for its default registry: imports point one way.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from markupsafe import Markup

from genui.components.image import ImagePart
from genui.render import Renderer
from genui.sanitize import SanitizeReport

__all__ = ["render_image"]


def render_image(
    part: ImagePart | Mapping[str, Any],
    *,
    renderer: Renderer | None = None,
    key: str | None = None,
    report: SanitizeReport | None = None,
) -> Markup:
    """Render one image part on its own, as the spec ``{"root": {"component": "Image", ...}}``.

    ``part`` is an :class:`ImagePart` or its props as a mapping (validated like a spec's,
    so a rejected URL is recorded in ``report`` when one is given). Element ids derive from
    the path ``/root``: several parts rendered separately onto one page need renderers with
    distinct ``id_prefix`` es (or one spec with all of them).
    """
    if isinstance(part, ImagePart):
        props: Any = part.model_dump(mode="json", exclude_none=True)
    elif isinstance(part, Mapping):
        props = dict(part)
    else:
        raise TypeError(f"expected an ImagePart or a mapping, got {type(part).__name__}")
    node: dict[str, Any] = {"component": "Image", "props": props}
    if key is not None:
        node["key"] = key
    result = (renderer or _default_renderer()).render_with_report({"root": node})
    if report is not None:
        report.extend(result.report)
    return result.html


@cache
def _default_renderer() -> Renderer:
    """A shared default renderer (no image actions configured), built on first use."""
    return Renderer()
