"""A fake image provider and the image lifecycle as JSON Patch ops.

The demo must run without network or API keys, so "generating" an image means
drawing a small landscape in pure Python (``zlib`` + ``struct``, no Pillow).
Partial previews are the same picture pixelated with a coarser grid: each one
gets sharper, as the partial images of a real provider do.

:class:`ImageSlot` turns lifecycle events (started, partial *i* of *n*,
completed, failed) into JSON Patch ops on one node of a spec, for
:meth:`genui.SpecStream.apply`. It is the one place that knows how the
``Image`` component describes its state:

* when ``genui.images`` is available, its helpers produce the ops (and classify
  the provider's error: content policy → ``content-filter``);
* else, when the ``Image`` component has a ``status`` prop, the slot writes the
  node with ``{"image", "alt", "filename", "status"}`` itself;
* else the states are drawn with other built-in components (``Progress``,
  ``Alert``) and the slot holds a plain ``Image`` once complete.
"""

from __future__ import annotations

import math
import re
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from genui import default_registry

try:  # the lifecycle helpers of issue 6, when this genui has them
    from genui import images as _genui_images
except ImportError:  # pragma: no cover - depends on the genui version
    _genui_images = None  # type: ignore[assignment]

__all__ = [
    "HEIGHT",
    "PARTIAL_BLOCKS",
    "WIDTH",
    "ImageSlot",
    "SlotMode",
    "encode_png",
    "image_component_has_status",
    "scene_png",
]

WIDTH = 384
HEIGHT = 216
PARTIAL_BLOCKS: tuple[int, ...] = (24, 12, 6)
"""Pixel-block sizes of the partial previews, coarse to fine (the final image has 1)."""

JsonPatch = list[dict[str, Any]]

# Palettes: sky top, sky horizon, sun, far mountains, near mountains, ground.
_Rgb = tuple[int, int, int]
_PALETTES: tuple[tuple[_Rgb, _Rgb, _Rgb, _Rgb, _Rgb, _Rgb], ...] = (
    ((38, 48, 110), (250, 160, 110), (255, 236, 170), (120, 86, 140), (70, 52, 100), (36, 30, 60)),
    ((24, 92, 120), (246, 196, 200), (255, 250, 220), (84, 128, 150), (44, 88, 110), (24, 52, 66)),
    ((12, 16, 44), (70, 70, 140), (230, 232, 255), (50, 54, 100), (30, 32, 70), (14, 16, 36)),
)


def encode_png(width: int, height: int, rows: Sequence[bytes]) -> bytes:
    """Encode 8-bit RGB rows (``width * 3`` bytes each) as a PNG file."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 (None) per row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _mix(a: _Rgb, b: _Rgb, t: float) -> _Rgb:
    t = min(1.0, max(0.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


@lru_cache(maxsize=8)
def _scene(attempt: int) -> tuple[bytes, ...]:
    """Full-resolution RGB rows of the landscape for ``attempt`` (deterministic)."""
    sky_top, horizon, sun, far, near, ground = _PALETTES[(attempt - 1) % len(_PALETTES)]
    phase = attempt * 1.7
    sun_x, sun_y, sun_r = WIDTH * (0.3 + 0.15 * (attempt % 3)), HEIGHT * 0.52, 26.0
    rows: list[bytes] = []
    far_ridge = [
        HEIGHT * 0.58 + 14 * math.sin(x / 37 + phase) + 8 * math.sin(x / 13 + 2 * phase)
        for x in range(WIDTH)
    ]
    near_ridge = [
        HEIGHT * 0.72 + 18 * math.sin(x / 53 - phase) + 6 * math.sin(x / 9 + phase)
        for x in range(WIDTH)
    ]
    for y in range(HEIGHT):
        row = bytearray()
        sky = _mix(sky_top, horizon, (y / (HEIGHT * 0.62)) ** 1.4)
        for x in range(WIDTH):
            if y > near_ridge[x]:
                color = _mix(near, ground, (y - near_ridge[x]) / 40)
            elif y > far_ridge[x]:
                color = _mix(far, near, (y - far_ridge[x]) / 60)
            else:
                glow = (math.hypot(x - sun_x, y - sun_y) - sun_r) / 70
                color = sun if glow < 0 else _mix(sun, sky, glow + 0.55)
            row += bytes(color)
        rows.append(bytes(row))
    return tuple(rows)


@lru_cache(maxsize=32)
def scene_png(attempt: int = 1, block: int = 1) -> bytes:
    """The landscape for ``attempt`` as PNG bytes, pixelated into ``block``-sized squares.

    ``block=1`` is the final image; larger blocks make the blurrier partial previews.
    Same arguments, same bytes: the demo is replayable.
    """
    if block < 1:
        raise ValueError("block must be at least 1")
    full = _scene(attempt)
    if block == 1:
        return encode_png(WIDTH, HEIGHT, full)
    rows: list[bytes] = []
    for top in range(0, HEIGHT, block):
        sample_y = min(HEIGHT - 1, top + block // 2)
        source = full[sample_y]
        row = bytearray()
        for left in range(0, WIDTH, block):
            sample_x = min(WIDTH - 1, left + block // 2)
            pixel = source[sample_x * 3 : sample_x * 3 + 3]
            row += pixel * min(block, WIDTH - left)
        rows.extend([bytes(row)] * min(block, HEIGHT - top))
    return encode_png(WIDTH, HEIGHT, rows)


def image_component_has_status() -> bool:
    """Whether the registry's ``Image`` component takes a ``status`` prop (issue 6)."""
    component = default_registry().get("Image")
    return component is not None and "status" in component.props_model.model_fields


SlotMode = Literal["auto", "images", "status", "legacy"]


@dataclass(frozen=True)
class ImageSlot:
    """The JSON Patch ops that move the image node at ``path`` through its lifecycle.

    ``path`` is where the node goes (e.g. ``/root/2``); :meth:`started` inserts it there,
    the other methods change it. ``mode`` picks who writes the ops: ``images``
    (``genui.images``), ``status`` (the Image component's ``status`` prop, written here),
    ``legacy`` (other components), or ``auto``: the first one available.
    """

    path: str
    alt: str
    filename: str
    key: str = "generated-image"
    """The node's key: stable identity, and how a regenerate form names the image."""
    mode: SlotMode = "auto"

    @property
    def resolved_mode(self) -> SlotMode:
        """The mode in use (``auto`` resolved)."""
        if self.mode != "auto":
            return self.mode
        if _genui_images is not None:
            return "images"
        return "status" if image_component_has_status() else "legacy"

    def _image(self, image: str | None, status: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = {"alt": self.alt, "filename": self.filename, "status": status}
        if image is not None:
            props["image"] = image
        return {"component": "Image", "key": self.key, "props": props}

    def _set(self, value: dict[str, Any], op: str = "replace") -> JsonPatch:
        return [{"op": op, "path": self.path, "value": value}]

    def started(self) -> JsonPatch:
        """Generation started: insert the node, running (a spinner, no image yet)."""
        mode = self.resolved_mode
        if mode == "images":
            assert _genui_images is not None
            return _genui_images.started(
                self.path, alt=self.alt, filename=self.filename, key=self.key
            )
        if mode == "status":
            return self._set(self._image(None, {"type": "running"}), "add")
        progress = {"component": "Progress", "props": {"label": "Generating image…", "value": 0}}
        return self._set(
            {"component": "Stack", "key": self.key, "props": {"gap": "sm"}, "children": [progress]},
            "add",
        )

    def partial(self, image: str, index: int, total: int) -> JsonPatch:
        """Partial image ``index`` (from 0) of ``total``: a preview; progress ``index/total``."""
        mode = self.resolved_mode
        if mode == "images":
            assert _genui_images is not None
            return _genui_images.partial(self.path, image, index, total)
        progress = min(1.0, index / max(1, total))
        if mode == "status":
            return self._set(self._image(image, {"type": "running", "progress": progress}))
        preview = {"component": "Image", "props": {"image": image, "alt": f"Preview of {self.alt}"}}
        bar = {
            "component": "Progress",
            "props": {"label": "Generating image…", "value": round(progress * 100)},
        }
        return self._set(
            {
                "component": "Stack",
                "key": self.key,
                "props": {"gap": "sm"},
                "children": [preview, bar],
            }
        )

    def completed(self, image: str) -> JsonPatch:
        """The final image."""
        mode = self.resolved_mode
        if mode == "images":
            assert _genui_images is not None
            return _genui_images.completed(self.path, image, filename=self.filename, alt=self.alt)
        if mode == "status":
            return self._set(self._image(image, {"type": "complete"}))
        props = {"image": image, "alt": self.alt, "filename": self.filename}
        return self._set({"component": "Image", "key": self.key, "props": props})

    def failed(self, error: str) -> JsonPatch:
        """The provider failed with ``error``: an error card (content policy → content-filter)."""
        mode = self.resolved_mode
        if mode == "images":
            assert _genui_images is not None
            return _genui_images.failed(self.path, error)
        filtered = re.search(r"content[ _-]?(policy|filter)|safety", error, re.IGNORECASE)
        reason = "content-filter" if filtered else "error"
        if mode == "status":
            status: dict[str, Any] = {"type": "incomplete", "reason": reason}
            if reason != "content-filter":
                status["error"] = error
            return self._set(self._image(None, status))
        text = "The request was blocked by the content policy." if filtered else error
        return self._set(
            {
                "component": "Alert",
                "key": self.key,
                "props": {"tone": "danger", "title": "Image could not be generated"},
                "children": [text],
            }
        )
