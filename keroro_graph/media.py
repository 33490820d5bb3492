"""Media conversions shared by the engine (previews), nodes and the provider SDK:
IMAGE arrays (float32 ``[batch, height, width, channels]`` in 0..1) to and from
Pillow images and encoded bytes. Pure functions; no I/O beyond what they are handed.
"""
from __future__ import annotations

import io
import os
from typing import Any

import numpy as np
from PIL import Image

#: Decoding refuses images above this many pixels per frame (decompression bombs).
MAX_PIXELS = 8192 * 8192
#: Memory one image input may claim once decoded, in bytes of float32 values: every
#: frame × width × height × channels (RGB, plus alpha when present) × 4. Animated files
#: count every frame, so a small GIF cannot expand into gigabytes.
DEFAULT_DECODED_BUDGET_BYTES = 1024**3
_BUDGET_ENV = "KERORO_IMAGE_BUDGET_BYTES"


class MediaError(ValueError):
    """Bytes that are not a decodable image, or an array that is not an IMAGE."""


class DecodedBudgetError(MediaError):
    """An image (every frame of it) would decode to more than the budget allows."""


def center_crop_offsets(old_width: int, old_height: int, width: int, height: int) -> tuple[int, int]:
    """How much ComfyUI's ``crop="center"`` trims from each side (x, y) so an image
    of ``old_width`` x ``old_height`` takes the aspect ratio of ``width`` x ``height``."""
    old_aspect, new_aspect = old_width / old_height, width / height
    if old_aspect > new_aspect:
        return round((old_width - old_width * (new_aspect / old_aspect)) / 2), 0
    if old_aspect < new_aspect:
        return 0, round((old_height - old_height * (old_aspect / new_aspect)) / 2)
    return 0, 0


def frame(image: np.ndarray, index: int = 0) -> np.ndarray:
    """One ``[H, W, C]`` frame of an IMAGE batch (a bare frame passes through)."""
    if image.ndim == 4:
        one: np.ndarray = image[index]
        return one
    if image.ndim in (2, 3):
        return image
    raise MediaError(f"expected an IMAGE of 2 to 4 dimensions, got shape {image.shape}")


def to_pil(image: np.ndarray | Image.Image, index: int = 0) -> Image.Image:
    """An IMAGE frame (or a MASK frame) as a Pillow image, quantised as ComfyUI does:
    ``clip(255 * x)`` cast to uint8."""
    if isinstance(image, Image.Image):
        return image
    data = frame(np.asarray(image), index)
    pixels = np.clip(data * 255.0, 0, 255).astype(np.uint8)
    if pixels.ndim == 3 and pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    return Image.fromarray(pixels)


def from_pil(img: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """A Pillow image as an IMAGE batch of one RGB frame, plus its alpha channel as a
    MASK batch (or None when the image has no alpha)."""
    alpha = None
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32)[None] / 255.0
        img = rgba
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32) / 255.0
    return rgb[None], alpha


def encode(image: np.ndarray | Image.Image, fmt: str = "PNG", *, quality: int = 90,
           max_side: int | None = None, pnginfo: Any = None, compress_level: int = 4) -> bytes:
    """Encode one frame as PNG, JPEG or WEBP bytes, optionally shrunk so its longer
    side is at most ``max_side``."""
    img = to_pil(image)
    if max_side and max(img.size) > max_side:
        img = img.copy()
        img.thumbnail((max_side, max_side))
    fmt = fmt.upper()
    if fmt == "JPEG" and img.mode not in ("RGB", "L"):
        img = img.convert("RGB")
    buffer = io.BytesIO()
    if fmt == "PNG":
        img.save(buffer, "PNG", pnginfo=pnginfo, compress_level=compress_level)
    elif fmt in ("JPEG", "WEBP"):
        img.save(buffer, fmt, quality=quality)
    else:
        raise MediaError(f"unsupported image format {fmt!r}; use PNG, JPEG or WEBP")
    return buffer.getvalue()


def open_image(data: bytes | io.IOBase, *, max_pixels: int = MAX_PIXELS,
               budget_bytes: int | None = None) -> Image.Image:
    """Open image bytes with a per-frame pixel cap and the decoded-image budget over
    every frame (``budget_bytes``, default ``decoded_budget_bytes()``); raises
    MediaError naming the problem. Only the first frame is decoded here."""
    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    try:
        img = Image.open(stream)  # type: ignore[arg-type]  # a binary file object
        width, height = img.size
        if width * height > max_pixels:
            raise MediaError(f"image is {width}x{height}, above the limit of {max_pixels} pixels")
        check_budget(img, budget_bytes=budget_bytes)
        img.load()
    except MediaError:
        raise
    except Image.DecompressionBombError as exc:
        raise MediaError(f"image is too large to decode safely: {exc}") from exc
    except Exception as exc:
        raise MediaError(f"not a decodable image: {exc}") from exc
    return img


def decoded_budget_bytes() -> int:
    """The decoded-image budget: ``KERORO_IMAGE_BUDGET_BYTES`` or 1 GiB."""
    raw = os.environ.get(_BUDGET_ENV, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_DECODED_BUDGET_BYTES


def frame_count(img: Image.Image) -> int:
    """Frames in the file (1 for a still image); reading the count decodes no pixels."""
    try:
        return max(1, int(getattr(img, "n_frames", 1)))
    except Exception as exc:
        raise MediaError(f"cannot count the frames: {exc}") from exc


#: Bytes one pixel of an IMAGE takes (float32 RGB).
FLOAT_RGB_BYTES = 3 * 4


def decoded_bytes(img: Image.Image) -> int:
    """What ``img`` claims decoded as IMAGE (+ MASK) float32 arrays, every frame."""
    width, height = img.size
    channels = 3 + (1 if _has_alpha(img) else 0)
    return frame_count(img) * width * height * channels * 4


def check_budget(img: Image.Image, *, budget_bytes: int | None = None, what: str = "image") -> None:
    """Raise MediaError naming the sizes and the limit when ``img`` would decode to
    more than the budget."""
    budget = decoded_budget_bytes() if budget_bytes is None else budget_bytes
    need = decoded_bytes(img)
    if need > budget:
        frames, (width, height) = frame_count(img), img.size
        channels = 3 + (1 if _has_alpha(img) else 0)
        raise DecodedBudgetError(f"{what} decodes to {frames} frame(s) x {width}x{height} x {channels} channels = "
                         f"{need / 2**20:,.0f} MiB, above the decoded-image budget of {budget / 2**20:,.0f} MiB "
                         f"({_BUDGET_ENV})")


def _has_alpha(img: Image.Image) -> bool:
    return "A" in img.getbands() or (img.mode == "P" and "transparency" in img.info)


def decode(data: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[np.ndarray, np.ndarray | None]:
    """Image bytes → (IMAGE batch of one, MASK from alpha or None)."""
    return from_pil(open_image(data, max_pixels=max_pixels))
