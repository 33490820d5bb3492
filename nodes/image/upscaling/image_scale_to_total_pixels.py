"""ImageScaleToTotalPixels: resize so the image has about ``megapixels`` million
pixels (1 MP = 1024 x 1024), sides rounded to ``resolution_steps`` (ComfyUI's node)."""
from __future__ import annotations

import math
from typing import Annotated

from keroro_graph.api import IMAGE, Float, Int, node
from nodes.image._pixels import UpscaleMethod, check_image, resize


@node("ImageScaleToTotalPixels", display_name="Scale Image to Total Pixels")
def image_scale_to_total_pixels(
    image: IMAGE,
    upscale_method: UpscaleMethod,
    megapixels: Annotated[float, Float(default=1.0, min=0.01, max=16.0, step=0.01)],
    resolution_steps: Annotated[int, Int(default=1, min=1, max=256)],
) -> IMAGE:
    """Scale an image to a total pixel count."""
    frames = check_image(image, "image")
    height, width = frames.shape[1:3]
    scale_by = math.sqrt(megapixels * 1024 * 1024 / (width * height))
    new_width = max(resolution_steps, round(width * scale_by / resolution_steps) * resolution_steps)
    new_height = max(resolution_steps, round(height * scale_by / resolution_steps) * resolution_steps)
    return resize(frames, int(new_width), int(new_height), upscale_method)
