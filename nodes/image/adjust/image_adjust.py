"""ImageAdjust: brightness, contrast and saturation as multipliers, where 1.0 leaves
the image unchanged (our own node).

Applied in that order: brightness scales the colour channels; contrast stretches
them around the frame's mean luminance (as Pillow's ImageEnhance does); saturation
moves each pixel away from or towards its own grey. An alpha channel is left alone.
"""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Float, node
from nodes.image._pixels import check_image

_Factor = Annotated[float, Float(default=1.0, min=0.0, max=5.0, step=0.01)]
#: Rec. 601 luma weights, the ones Pillow uses for "L" conversion.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@node("ImageAdjust")
def image_adjust(image: IMAGE, brightness: _Factor, contrast: _Factor, saturation: _Factor) -> IMAGE:
    """Scale brightness, contrast and saturation; 1.0 keeps each unchanged."""
    frames = check_image(image).copy()
    for name, value in (("brightness", brightness), ("contrast", contrast), ("saturation", saturation)):
        if value < 0:
            raise ValueError(f"{name} must not be negative; got {value}")
    colour = frames[..., :3] if frames.shape[3] >= 3 else frames[..., :1]  # a view: edits land in frames
    colour *= np.float32(brightness)
    if colour.shape[3] == 3:
        grey = colour @ _LUMA
        mean = grey.mean(axis=(1, 2), keepdims=True)[..., None]
        colour[:] = mean + (colour - mean) * np.float32(contrast)
        grey = (colour @ _LUMA)[..., None]
        colour[:] = grey + (colour - grey) * np.float32(saturation)
    else:  # a grey image has no saturation to change
        mean = colour.mean(axis=(1, 2, 3), keepdims=True)
        colour[:] = mean + (colour - mean) * np.float32(contrast)
    np.clip(colour, 0.0, 1.0, out=colour)
    return frames
