"""ResizeAndPadImage: fit an image inside ``target_width`` x ``target_height`` keeping
its aspect ratio, centred on a white or black canvas (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np

from keroro_graph.api import IMAGE, Combo, Int, node
from nodes.image._pixels import check_image, resize


@node("ResizeAndPadImage")
def resize_and_pad_image(
    image: IMAGE,
    target_width: Annotated[int, Int(default=512, min=1, max=16384, step=1)],
    target_height: Annotated[int, Int(default=512, min=1, max=16384, step=1)],
    padding_color: Annotated[Literal["white", "black"], Combo(options=["white", "black"])],
    interpolation: Annotated[str, Combo(options=["area", "bicubic", "nearest-exact", "bilinear", "lanczos"])],
) -> IMAGE:
    """Scale to fit the target size and pad the rest."""
    frames = check_image(image, "image")
    batch, height, width, channels = frames.shape
    scale = min(target_width / width, target_height / height)
    new_width, new_height = max(1, int(width * scale)), max(1, int(height * scale))
    resized = resize(frames, new_width, new_height, interpolation)
    out = np.full((batch, target_height, target_width, channels), 0.0 if padding_color == "black" else 1.0,
                  dtype=np.float32)
    top, left = (target_height - new_height) // 2, (target_width - new_width) // 2
    out[:, top:top + new_height, left:left + new_width] = resized
    return out
