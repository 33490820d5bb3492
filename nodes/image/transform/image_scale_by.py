"""ImageScaleBy: resize an IMAGE batch by a factor (ComfyUI's node); each side
becomes ``round(side * scale_by)``, at least one pixel."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, Float, node
from nodes.image._pixels import UpscaleMethod, check_image, resize


@node("ImageScaleBy")
def image_scale_by(
    image: IMAGE,
    upscale_method: UpscaleMethod,
    scale_by: Annotated[float, Float(default=1.0, min=0.01, max=8.0, step=0.01)],
) -> IMAGE:
    """Resize by a factor, keeping the aspect ratio."""
    frames = check_image(image)
    if scale_by <= 0:
        raise ValueError(f"scale_by must be greater than 0; got {scale_by}")
    old_height, old_width = frames.shape[1:3]
    width = max(1, round(old_width * scale_by))
    height = max(1, round(old_height * scale_by))
    return resize(frames, width, height, upscale_method)
