"""MaskToImage: show a MASK as a grey IMAGE (ComfyUI's node): the mask value
becomes all three colour channels."""
from __future__ import annotations

import numpy as np

from keroro_graph.api import IMAGE, MASK, node
from nodes.image._pixels import check_mask


@node("MaskToImage")
def mask_to_image(mask: MASK) -> IMAGE:
    """Turn a mask into a grey image."""
    return np.repeat(check_mask(mask)[..., None], 3, axis=3)
