"""ImageCrop: cut a width x height rectangle whose top-left corner is at (x, y)
(ComfyUI's node). The corner is clamped inside the image and the rectangle is clipped
at the image's edge, so the result can be smaller than asked."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, Int, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import check_image


@node("ImageCrop")
def image_crop(
    image: IMAGE,
    width: Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)],
    height: Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)],
    x: Annotated[int, Int(default=0, min=0, max=MAX_RESOLUTION, step=1)],
    y: Annotated[int, Int(default=0, min=0, max=MAX_RESOLUTION, step=1)],
) -> IMAGE:
    """Crop a rectangle starting at (x, y)."""
    frames = check_image(image)
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be at least 1; got {width}x{height}")
    if x < 0 or y < 0:
        raise ValueError(f"x and y must not be negative; got ({x}, {y})")
    x = min(x, frames.shape[2] - 1)
    y = min(y, frames.shape[1] - 1)
    return frames[:, y:y + height, x:x + width, :].copy()
