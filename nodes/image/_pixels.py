"""Pixel helpers shared by the built-in image and mask nodes: checking that an input
really is an IMAGE or MASK, resizing with ComfyUI's method names, centre-cropping to an
aspect ratio, matching channel counts and parsing hex colours.

Arrays stay float32 throughout; resizing goes through Pillow's 32-bit float mode one
channel at a time so no precision is lost to 8-bit quantisation. This module knows
nothing about nodes or the engine.
"""
from __future__ import annotations

import re
from typing import Any, Literal

import numpy as np
from PIL import Image

from keroro_graph.api import media

#: ComfyUI's upscale method names, as a combo annotation.
UpscaleMethod = Literal["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]

#: The Pillow filter behind each upscale method. Pillow's
#: NEAREST samples pixel centres, which is what "nearest-exact" means; BOX averages
#: the covered source pixels, which is torch's "area".
RESIZE_FILTERS: dict[str, Image.Resampling] = {
    "nearest-exact": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "area": Image.Resampling.BOX,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}

_HEX = re.compile(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def check_image(value: Any, name: str = "image") -> np.ndarray:
    """``value`` as a float32 ``[batch, height, width, channels]`` array; raises
    ValueError naming the input otherwise. (A 3-D array is refused rather than
    guessed at: it could as well be a MASK batch as a single frame.)"""
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an IMAGE array; got {type(value).__name__}") from None
    if array.ndim != 4 or not 1 <= array.shape[3] <= 4 or 0 in array.shape:
        raise ValueError(
            f"{name} must be an IMAGE of shape [batch, height, width, 1-4 channels]; "
            f"got shape {tuple(array.shape)}")
    return array


def check_mask(value: Any, name: str = "mask") -> np.ndarray:
    """``value`` as a float32 ``[batch, height, width]`` array; a single
    ``[height, width]`` mask gains a batch axis. Raises ValueError naming the input."""
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a MASK array; got {type(value).__name__}") from None
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(
            f"{name} must be a MASK of shape [batch, height, width]; got shape {tuple(array.shape)}")
    return array


def resize(image: np.ndarray, width: int, height: int, method: str) -> np.ndarray:
    """Resize every frame and channel of ``[batch, height, width, channels]`` to
    ``width`` x ``height`` with one of RESIZE_FILTERS."""
    if method not in RESIZE_FILTERS:
        raise ValueError(f"upscale_method must be one of {sorted(RESIZE_FILTERS)}; got {method!r}")
    if width < 1 or height < 1:
        raise ValueError(f"cannot resize to {width}x{height}; both sides must be at least 1")
    batch, old_height, old_width, channels = image.shape
    if (old_width, old_height) == (width, height):
        return image.copy()
    resample = RESIZE_FILTERS[method]
    out = np.empty((batch, height, width, channels), dtype=np.float32)
    for b in range(batch):
        for c in range(channels):
            plane = Image.fromarray(np.ascontiguousarray(image[b, :, :, c]))
            out[b, :, :, c] = np.asarray(plane.resize((width, height), resample))
    if method in ("bicubic", "lanczos"):
        np.clip(out, 0.0, 1.0, out=out)  # these kernels overshoot at hard edges
    return out


def resize_mask(mask: np.ndarray, width: int, height: int, method: str = "bilinear") -> np.ndarray:
    """Resize a ``[batch, height, width]`` mask."""
    return resize(mask[..., None], width, height, method)[..., 0]


def center_crop_to_aspect(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Crop ``image`` equally from both sides so it has the aspect ratio of
    ``width`` x ``height`` (ComfyUI's ``crop="center"`` before scaling)."""
    old_height, old_width = image.shape[1:3]
    x, y = media.center_crop_offsets(old_width, old_height, width, height)
    return image[:, y:old_height - y, x:old_width - x, :]


def scale(image: np.ndarray, width: int, height: int, method: str, crop: str) -> np.ndarray:
    """ComfyUI's ``common_upscale``: optional centre crop to the target aspect, then resize."""
    if crop == "center":
        image = center_crop_to_aspect(image, width, height)
    elif crop != "disabled":
        raise ValueError(f"crop must be 'disabled' or 'center'; got {crop!r}")
    return resize(image, width, height, method)


def with_channels(image: np.ndarray, channels: int) -> np.ndarray:
    """Give ``image`` exactly ``channels`` channels: grey expands to RGB, a missing
    alpha is added as opaque (1.0), and extra channels are dropped."""
    have = image.shape[3]
    if have == channels:
        return image
    if have < 3 <= channels:
        image = np.repeat(image[..., :1], 3, axis=3)
        have = 3
    if have < channels:
        pad = np.ones(image.shape[:3] + (channels - have,), dtype=np.float32)
        return np.concatenate([image, pad], axis=3)
    return image[..., :channels]


def parse_hex_color(value: str, name: str) -> tuple[float, float, float]:
    """``"#rrggbb"`` (or ``"#rgb"``, ``#`` optional) as RGB floats in 0..1; raises
    ValueError naming the input when the text is not a hex colour."""
    match = _HEX.fullmatch(str(value).strip())
    if match is None:
        raise ValueError(f"{name} must be a hex colour such as #ff8800; got {value!r}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return tuple(int(digits[i:i + 2], 16) / 255.0 for i in (0, 2, 4))  # type: ignore[return-value]


def fill_color(color: tuple[float, float, float], channels: int) -> np.ndarray:
    """A colour as a ``channels``-long pixel: grey for 1 channel, opaque for 4."""
    if channels == 1:
        return np.array([0.299 * color[0] + 0.587 * color[1] + 0.114 * color[2]], np.float32)
    pixel = list(color) + [1.0] * (channels - 3)
    return np.array(pixel[:channels], dtype=np.float32)
