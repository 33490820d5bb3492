"""ImageFlip: mirror an IMAGE batch (ComfyUI's node). "x-axis: vertically" turns it
upside down; "y-axis: horizontally" swaps left and right."""
from __future__ import annotations

from typing import Literal

import numpy as np

from keroro_graph.api import IMAGE, node
from nodes.image._pixels import check_image


@node("ImageFlip")
def image_flip(image: IMAGE, flip_method: Literal["x-axis: vertically", "y-axis: horizontally"]) -> IMAGE:
    """Flip upside down (x-axis) or left to right (y-axis)."""
    frames = check_image(image)
    if flip_method.startswith("x"):
        return np.ascontiguousarray(frames[:, ::-1])
    if flip_method.startswith("y"):
        return np.ascontiguousarray(frames[:, :, ::-1])
    raise ValueError(f"flip_method must be 'x-axis: vertically' or 'y-axis: horizontally'; got {flip_method!r}")
