"""ImageBlend: mix two images with a blend mode (ComfyUI's node and formulas).

``image2`` is resized to ``image1`` (bicubic, centre crop) when their sizes differ;
the blended result is then mixed with ``image1`` by ``blend_factor`` and clamped.
"difference" is ``image1 - image2`` clamped at 0, as in ComfyUI.
"""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np

from keroro_graph.api import IMAGE, Float, node
from nodes.image._pixels import check_image, scale, with_channels

BlendMode = Literal["normal", "multiply", "screen", "overlay", "soft_light", "difference"]


@node("ImageBlend")
def image_blend(
    image1: IMAGE,
    image2: IMAGE,
    blend_factor: Annotated[float, Float(default=0.5, min=0.0, max=1.0, step=0.01)],
    blend_mode: BlendMode,
) -> IMAGE:
    """Blend image2 over image1; blend_factor 0 keeps image1, 1 is the full blend."""
    base = check_image(image1, "image1")
    top = with_channels(check_image(image2, "image2"), base.shape[3])
    if top.shape[1:3] != base.shape[1:3]:
        top = scale(top, base.shape[2], base.shape[1], "bicubic", "center")
    if top.shape[0] not in (1, base.shape[0]):
        raise ValueError(f"image2 has {top.shape[0]} frames but image1 has {base.shape[0]}; "
                         "give image2 one frame or the same number")
    blended = _blend(base, top, blend_mode)
    factor = np.float32(blend_factor)
    return np.clip(base * (1 - factor) + blended * factor, 0.0, 1.0)


def _blend(a: np.ndarray, b: np.ndarray, mode: str) -> np.ndarray:
    if mode == "normal":
        return np.broadcast_to(b, a.shape)
    if mode == "multiply":
        return a * b
    if mode == "screen":
        return 1 - (1 - a) * (1 - b)
    if mode == "overlay":
        return np.where(a <= 0.5, 2 * a * b, 1 - 2 * (1 - a) * (1 - b))
    if mode == "soft_light":
        return np.where(b <= 0.5, a - (1 - 2 * b) * a * (1 - a), a + (2 * b - 1) * (_soft_light_g(a) - a))
    if mode == "difference":
        return a - b
    raise ValueError(f"blend_mode must be one of normal, multiply, screen, overlay, soft_light, "
                     f"difference; got {mode!r}")


def _soft_light_g(x: np.ndarray) -> np.ndarray:
    return np.where(x <= 0.25, ((16 * x - 12) * x + 4) * x, np.sqrt(np.maximum(x, 0.0)))
