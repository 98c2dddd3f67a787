"""The Image component (complete state: a URL to show, or an error card)."""

from __future__ import annotations

from genui.components.base import PropsModel
from genui.registry import Component
from genui.sanitize import ImageUrl

__all__ = ["IMAGE", "ImageProps"]


class ImageProps(PropsModel):
    """An image loaded from a URL, with alternative text."""

    image: ImageUrl
    """The image URL (https, or a relative path on this site; base64 `data:image/*` only
    if the application allows it). An unsafe URL shows an "Image unavailable" card."""
    alt: str | None = None
    """Alternative text describing the image for people who cannot see it."""
    filename: str | None = None
    """The image's file name; the alternative text when `alt` is absent."""


IMAGE = Component(
    "Image",
    ImageProps,
    "genui/image.html",
    children="none",
    description=(
        "An image from a URL, lazily loaded. Always describe it in alt for screen readers."
    ),
    example={
        "component": "Image",
        "props": {
            "image": "https://example.com/charts/q3-revenue.png",
            "alt": "Revenue rose each month of Q3",
            "filename": "q3-revenue.png",
        },
    },
)
