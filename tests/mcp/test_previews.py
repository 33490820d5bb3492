"""Inline previews: at most 512 px on the longer side, WebP, never above the byte
limit, and nothing at all when an image cannot be made that small or is no image."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

from keroro_graph.mcp.previews import MAX_PREVIEW_BYTES, MAX_SIDE_PX, is_image_name, make_preview


def encoded(img: Image.Image, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, fmt)
    return buffer.getvalue()


def noise(width: int, height: int, mode: str = "RGB") -> Image.Image:
    channels = len(mode)
    pixels = np.random.default_rng(1).integers(0, 256, (height, width, channels), dtype=np.uint8)
    return Image.fromarray(pixels if channels > 1 else pixels[..., 0], mode)


def test_a_large_image_shrinks_to_512_px_keeping_its_aspect() -> None:
    preview = make_preview(encoded(noise(1600, 900)))
    assert preview is not None and preview.mime_type == "image/webp"
    assert (preview.width, preview.height) == (MAX_SIDE_PX, 288)
    assert len(preview.data) <= MAX_PREVIEW_BYTES
    assert Image.open(io.BytesIO(preview.data)).size == (512, 288)


def test_a_small_image_keeps_its_size_and_alpha() -> None:
    preview = make_preview(encoded(Image.new("RGBA", (40, 30), (255, 0, 0, 128))))
    assert preview is not None and (preview.width, preview.height) == (40, 30)
    assert Image.open(io.BytesIO(preview.data)).mode == "RGBA"


def test_the_byte_limit_is_never_exceeded_and_an_impossible_one_gives_nothing() -> None:
    data = encoded(noise(1024, 1024))
    tight = make_preview(data, max_bytes=20_000)
    assert tight is not None and len(tight.data) <= 20_000 and max(tight.width, tight.height) < MAX_SIDE_PX
    assert make_preview(data, max_bytes=10) is None


def test_only_the_first_frame_of_an_animation_is_used() -> None:
    frames = [Image.new("RGB", (64, 64), c) for c in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:])
    preview = make_preview(buffer.getvalue())
    assert preview is not None
    red, _, blue = Image.open(io.BytesIO(preview.data)).convert("RGB").getpixel((32, 32))
    assert red > 200 and blue < 50


def test_bytes_that_are_not_an_image_give_no_preview() -> None:
    assert make_preview(b"not an image") is None
    assert is_image_name("a.PNG") and is_image_name("b.webp") and not is_image_name("c.mp4")
