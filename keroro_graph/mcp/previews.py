"""Small inline previews of output images for tool results: the first frame, shrunk
so its longer side is at most 512 px, encoded as WebP (JPEG where Pillow lacks
WebP) and squeezed until it fits ``MAX_PREVIEW_BYTES`` — a quarter of a mebibyte,
well under the 1 MiB many assistants accept per image. A full-size file never
travels inline: anything that cannot be made small enough is left out and only
linked. Pure and blocking; callers run it in a worker thread."""
from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, features

MAX_SIDE_PX = 512
MAX_PREVIEW_BYTES = 256 * 1024
#: Decoding refuses images above this many pixels (decompression bombs).
MAX_SOURCE_PIXELS = 16384 * 16384
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")
_QUALITIES = (80, 65, 50, 35)


@dataclass(frozen=True, slots=True)
class Preview:
    data: bytes
    mime_type: str
    width: int
    height: int


def is_image_name(filename: str) -> bool:
    return filename.lower().endswith(IMAGE_EXTENSIONS)


def make_preview(data: bytes, *, max_side_px: int = MAX_SIDE_PX,
                 max_bytes: int = MAX_PREVIEW_BYTES) -> Preview | None:
    """A preview of the image in ``data``, or None when it is not a readable image
    or cannot be brought under ``max_bytes``. Never returns more than
    ``max_bytes`` bytes or a side longer than ``max_side_px``."""
    img = _open(data)
    if img is None:
        return None
    side = max_side_px
    while side >= 64:
        small = img.copy()
        small.thumbnail((side, side), Image.Resampling.LANCZOS)
        for quality in _QUALITIES:
            encoded, mime = _encode(small, quality)
            if len(encoded) <= max_bytes:
                return Preview(encoded, mime, small.width, small.height)
        side //= 2
    return None


def _open(data: bytes) -> Image.Image | None:
    try:
        img = Image.open(io.BytesIO(data))
        if img.width * img.height > MAX_SOURCE_PIXELS:
            return None
        img.seek(0)
        shown: Image.Image = ImageOps.exif_transpose(img)
        shown.load()
    except (OSError, ValueError, Image.DecompressionBombError, EOFError):
        return None
    has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
    return img.convert("RGBA" if has_alpha else "RGB")


def _encode(img: Image.Image, quality: int) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    if features.check("webp"):
        img.save(buffer, "WEBP", quality=quality, method=4)
        return buffer.getvalue(), "image/webp"
    img.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
    return buffer.getvalue(), "image/jpeg"
