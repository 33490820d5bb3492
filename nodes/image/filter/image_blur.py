"""ImageBlur: Gaussian blur applied to every frame of an IMAGE batch (ComfyUI's node,
same kernel and reflected edges)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, Float, Int, node
from nodes.image._pixels import check_image
from nodes.image.filter._gaussian import gaussian_blur


@node("ImageBlur")
def image_blur(
    image: IMAGE,
    blur_radius: Annotated[int, Int(default=1, min=1, max=31, step=1)],
    sigma: Annotated[float, Float(default=1.0, min=0.1, max=10.0, step=0.1)],
) -> IMAGE:
    """Blur each frame; blur_radius is the kernel half-width in pixels."""
    frames = check_image(image)
    if not 1 <= blur_radius <= 31:
        raise ValueError(f"blur_radius must be between 1 and 31; got {blur_radius}")
    if sigma <= 0:
        raise ValueError(f"sigma must be greater than 0; got {sigma}")
    return gaussian_blur(frames, blur_radius, sigma)
