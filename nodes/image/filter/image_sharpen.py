"""ImageSharpen: unsharp masking with ComfyUI's kernel. The kernel is
``(1 + 10·alpha)·identity − 10·alpha·gaussian``, so the result is
``image + 10·alpha·(image − blur(image))``, clamped to 0..1."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Float, Int, node
from nodes.image._pixels import check_image
from nodes.image.filter._gaussian import gaussian_blur


@node("ImageSharpen")
def image_sharpen(
    image: IMAGE,
    sharpen_radius: Annotated[int, Int(default=1, min=1, max=31, step=1)],
    sigma: Annotated[float, Float(default=1.0, min=0.1, max=10.0, step=0.01)],
    alpha: Annotated[float, Float(default=1.0, min=0.0, max=5.0, step=0.01)],
) -> IMAGE:
    """Sharpen each frame; alpha is the strength, sharpen_radius the kernel half-width."""
    frames = check_image(image)
    if not 1 <= sharpen_radius <= 31:
        raise ValueError(f"sharpen_radius must be between 1 and 31; got {sharpen_radius}")
    if sigma <= 0:
        raise ValueError(f"sigma must be greater than 0; got {sigma}")
    strength = np.float32(10.0 * alpha)
    sharpened = frames + strength * (frames - gaussian_blur(frames, sharpen_radius, sigma))
    return np.clip(sharpened, 0.0, 1.0)
