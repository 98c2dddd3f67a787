"""Which raster image some bytes are, by their magic numbers (never by a name or a label).

One rule for the storage layer (what a blob is stored as) and for the Image component (under
which extension a download is offered): PNG, JPEG, GIF, WebP, AVIF and BMP. SVG and anything
else a browser could run as a document are none of them.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from typing import Final

__all__ = ["EXTENSIONS", "data_url_media_type", "image_media_type"]

EXTENSIONS: Final[Mapping[str, str]] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
    "image/bmp": "bmp",
}
"""The file extension of each raster type :func:`image_media_type` recognizes."""

_BMP_HEADER_SIZES: Final = frozenset({12, 40, 52, 56, 64, 108, 124})
_AVIF_BRANDS: Final = frozenset({b"avif", b"avis"})
_HEAD_BYTES: Final = 64
_BASE64_DATA: Final = re.compile(r"data:[^,;]*(?:;[^,;]*)*;base64,", re.ASCII | re.IGNORECASE)


def image_media_type(data: bytes) -> str | None:
    """The image type the bytes' magic numbers say (``image/png``...), or None.

    Recognizes PNG, JPEG, GIF (87a/89a), WebP (RIFF/WEBP), AVIF (ISO-BMFF ``ftyp`` with an
    ``avif``/``avis`` brand) and BMP (``BM`` with a known header size). Anything else,
    SVG included, is None. Only the first 64 bytes are read.
    """
    head = bytes(data[:_HEAD_BYTES])
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if len(head) >= 16 and head[4:8] == b"ftyp":
        box = int.from_bytes(head[:4], "big")
        brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(box, len(head)), 4)]
        if any(brand in _AVIF_BRANDS for brand in brands):
            return "image/avif"
    if (
        len(head) >= 18
        and head[:2] == b"BM"
        and int.from_bytes(head[14:18], "little") in _BMP_HEADER_SIZES
    ):
        return "image/bmp"
    return None


def data_url_media_type(url: str) -> str | None:
    """The raster type the bytes of a base64 ``data:`` URL are, whatever it declares, or None.

    Decodes only the first 64 bytes (the cost does not grow with the URL). A ``data:`` URL
    that is not base64, or whose bytes are not a raster image, is None.
    """
    match = _BASE64_DATA.match(url)
    if match is None:
        return None
    chunk = url[match.end() : match.end() + _HEAD_BYTES * 4 // 3 + 4]
    chunk = chunk[: len(chunk) // 4 * 4]
    try:
        head = base64.b64decode(chunk, validate=True)
    except (binascii.Error, ValueError):
        return None
    return image_media_type(head)
