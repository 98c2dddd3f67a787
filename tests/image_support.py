"""Real image bytes for the image tests, made with zlib and struct (no imaging library)."""

from __future__ import annotations

import base64
import math
import struct
import zlib

__all__ = ["data_url", "png_bytes"]


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def png_bytes(
    width: int = 48, height: int = 48, *, hue: float = 0.0, progress: float = 1.0
) -> bytes:
    """An RGB PNG: a diagonal gradient with a sun, rows past ``progress`` left grey.

    ``hue`` (0..1) shifts the colours, so different images have different bytes;
    ``progress`` below 1 makes a partial preview (the top part drawn, the rest grey).
    """
    drawn = math.ceil(height * max(0.0, min(1.0, progress)))
    rows = bytearray()
    cx, cy, radius = width * 0.68, height * 0.38, min(width, height) * 0.16
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            if y >= drawn:
                rows += bytes((208, 212, 220))
                continue
            t = (x + y) / (width + height)
            r = int(40 + 150 * t + 60 * hue) % 256
            g = int(90 + 100 * (1 - t)) % 256
            b = int(200 - 80 * t + 40 * hue) % 256
            if (x - cx) ** 2 + (y - cy) ** 2 <= radius**2:
                r, g, b = 255, 214, 90
            elif y > height * 0.72:
                r, g, b = 30 + int(40 * hue), 70, 60
            rows += bytes((r, g, b))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )


def data_url(data: bytes, media_type: str = "image/png") -> str:
    """``data:<media_type>;base64,<data>``."""
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
