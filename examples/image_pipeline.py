"""A generated image, end to end: fake provider → lifecycle patches → SpecStream → page.

Runs offline: the "provider" draws a PNG in pure Python (zlib + struct) and streams two
partial previews before the final image; its first attempt fails with a rate limit, so the
retry with backoff shows too. A second request is refused by a content policy. Every step
is a JSON Patch from ``genui.images.generate`` applied to one ``SpecStream``; the script
prints the updates a browser would receive (the same ones ``genui.sse`` frames for
``genui.js``), then stores the images in a ``LocalBlobStore`` so the saved spec holds URLs
instead of base64, and writes the final page.

    .venv/bin/python examples/image_pipeline.py --out /tmp/images.html --blobs /tmp/blobs
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import struct
import sys
import tempfile
import zlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from genui.components.image import ImageActions, configure_image_actions
from genui.images import FinalImage, ImageGenerationError, PartialImage, RetryPolicy, generate
from genui.render import Renderer
from genui.storage import LocalBlobStore, externalize_images, to_data_url
from genui.stream import SpecStream


def draw_png(width: int = 320, height: int = 200, *, sharpness: int = 1) -> bytes:
    """A small landscape as PNG bytes; ``sharpness`` > 1 pixelates it (a partial preview)."""

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        if (x - width * 0.7) ** 2 + (y - height * 0.35) ** 2 < (height * 0.12) ** 2:
            return (255, 220, 120)
        ridge = height * (0.62 + 0.08 * math.sin(x / width * 7))
        if y > ridge:
            return (40, 70 + int(40 * y / height), 80)
        t = y / height
        return (int(60 + 180 * t), int(80 + 90 * t), int(170 - 40 * t))

    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(pixel(x - x % sharpness, y - y % sharpness))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + chunk(b"IEND", b"")
    )


class FakeProvider:
    """Stands in for an image API: partial previews, then the final image.

    The first call fails with a rate limit; prompts mentioning "forbidden" are refused
    by the "content policy".
    """

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(
        self, prompt: str, **params: Any
    ) -> AsyncIterator[PartialImage | FinalImage]:
        self.calls += 1
        if "forbidden" in prompt:
            raise ImageGenerationError("Rejected by the content policy.", kind="content-filter")
        if self.calls == 1:
            raise ImageGenerationError("429 Too Many Requests", kind="rate-limit")
        total = int(params.get("partial_images", 2))
        return self._stream(total)

    async def _stream(self, total: int) -> AsyncIterator[PartialImage | FinalImage]:
        for index in range(total):
            yield PartialImage(draw_png(sharpness=16 // (index + 1)), index)
            await asyncio.sleep(0)
        yield FinalImage(draw_png(), filename="landscape.png", alt="A sun over green hills")


async def no_wait(seconds: float) -> None:
    """Backoff without waiting, so the example finishes at once (print the delay)."""
    print(f"  (retrying after a {seconds:.2f}s backoff)")


async def run(out: Path, blobs: Path) -> dict[str, Any]:
    """Stream two image generations into one page; return a summary."""
    renderer = Renderer()
    configure_image_actions(renderer, ImageActions(regenerate_url="/images/regenerate"))
    stream = SpecStream(renderer=renderer)
    stream.apply(
        [
            {
                "op": "add",
                "path": "/root",
                "value": {
                    "component": "Stack",
                    "children": [
                        {"component": "Heading", "props": {"text": "Generated images"}},
                    ],
                },
            }
        ]
    )
    provider = FakeProvider()
    retry = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=4.0)
    updates = 0
    jobs = [
        ("/root/children/1", "a landscape at dusk", "landscape"),
        ("/root/children/2", "something forbidden", "refused"),
    ]
    for path, prompt, key in jobs:
        print(f"generate {prompt!r} at {path}")
        async for ops in generate(
            prompt,
            provider=provider,
            path=path,
            params={"partial_images": 2},
            retry=retry,
            key=key,
            sleep=no_wait,
        ):
            for update in stream.apply(ops):
                updates += 1
                state = update.html.split('class="', 1)[-1].split('"', 1)[0]
                print(f"  {update.op:<7} {update.target or '(all)':<18} {state}")

    spec = stream.spec
    assert spec is not None
    inline = spec.model_dump_json()
    store = LocalBlobStore(blobs, url_prefix="/blobs/")
    saved = externalize_images(spec, store)
    stored = saved.model_dump_json()
    print(f"saved spec: {len(inline):,} bytes inline → {len(stored):,} bytes with blob URLs")
    image_url = json.loads(stored)["root"]["children"][1]["props"]["image"]
    rehydrated = to_data_url(image_url, store)
    print(f"image stored at {image_url}; rehydrated for a model: {rehydrated[:40]}…")

    page = renderer.render_page(spec, title="genui image pipeline", script_href="genui.js")
    out.write_text(page, encoding="utf-8")
    print(f"wrote {out}")
    return {"updates": updates, "calls": provider.calls, "image_url": image_url, "page": str(page)}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=None, help="where to write the page")
    parser.add_argument("--blobs", type=Path, default=None, help="blob store directory")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        out = args.out or Path(scratch) / "images.html"
        blobs = args.blobs or Path(scratch) / "blobs"
        asyncio.run(run(out, blobs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
