"""ImageScale: resize an IMAGE batch to an exact width and height (ComfyUI's node).

A width or height of 0 keeps the aspect ratio from the other side; both 0 returns the
image unchanged. ``crop="center"`` trims the source to the target aspect first, so
nothing is stretched.
"""
from __future__ import annotations

from typing import Annotated, Literal

from keroro_graph.api import IMAGE, Int, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import UpscaleMethod, check_image, scale


@node("ImageScale")
def image_scale(
    image: IMAGE,
    upscale_method: UpscaleMethod,
    width: Annotated[int, Int(default=512, min=0, max=MAX_RESOLUTION, step=1)],
    height: Annotated[int, Int(default=512, min=0, max=MAX_RESOLUTION, step=1)],
    crop: Literal["disabled", "center"],
) -> IMAGE:
    """Resize to width x height; 0 on one side keeps the aspect ratio."""
    frames = check_image(image)
    if width < 0 or height < 0:
        raise ValueError(f"width and height must not be negative; got {width}x{height}")
    if width == 0 and height == 0:
        return frames
    old_height, old_width = frames.shape[1:3]
    if width == 0:
        width = max(1, round(old_width * height / old_height))
    elif height == 0:
        height = max(1, round(old_height * width / old_width))
    return scale(frames, width, height, upscale_method, crop)
