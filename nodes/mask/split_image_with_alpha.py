"""SplitImageWithAlpha: separate an RGBA IMAGE into RGB and a MASK (ComfyUI's node);
the mask is 1 - alpha, and an image without alpha gives an all-zero mask."""
from __future__ import annotations

import numpy as np

from keroro_graph.api import IMAGE, MASK, node
from nodes.image._pixels import check_image, with_channels


@node("SplitImageWithAlpha")
def split_image_with_alpha(image: IMAGE) -> tuple[IMAGE, MASK]:
    """Split off the alpha channel as a mask (1 where transparent)."""
    frames = check_image(image)
    if frames.shape[3] > 3:
        alpha = frames[..., 3]
    else:
        alpha = np.ones(frames.shape[:3], dtype=np.float32)
    return with_channels(frames, 3).copy(), 1.0 - alpha
