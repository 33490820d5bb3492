"""JoinImageWithAlpha: add an alpha channel to an IMAGE from a MASK (ComfyUI's node).

As everywhere in ComfyUI, a mask marks what is *removed*: alpha = 1 - mask. The mask
is resized to the image, and the batch is as long as the shorter of the two.
"""
from __future__ import annotations

import numpy as np

from keroro_graph.api import IMAGE, MASK, node
from nodes.image._pixels import check_image, check_mask, resize_mask, with_channels


@node("JoinImageWithAlpha")
def join_image_with_alpha(image: IMAGE, alpha: MASK) -> IMAGE:
    """Make an RGBA image whose transparency is where the mask is 1."""
    frames = check_image(image)
    masks = check_mask(alpha, "alpha")
    height, width = frames.shape[1:3]
    if masks.shape[1:] != (height, width):
        masks = np.clip(resize_mask(masks, width, height), 0.0, 1.0)
    count = min(len(frames), len(masks))
    rgb = with_channels(frames[:count], 3)
    return np.concatenate([rgb, 1.0 - masks[:count, :, :, None]], axis=3)
