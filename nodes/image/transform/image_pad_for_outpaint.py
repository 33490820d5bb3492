"""ImagePadForOutpaint: add borders for outpainting (ComfyUI's node). The new area is
mid-grey (0.5) and fully masked (1.0); the original area is unmasked (0.0) except
for a quadratic feather of ``feathering`` pixels along each padded edge, so an
inpainting model blends the seam.
"""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, MASK, Int, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import check_image

_Pad = Annotated[int, Int(default=0, min=0, max=MAX_RESOLUTION, step=8)]


@node("ImagePadForOutpaint")
def image_pad_for_outpaint(
    image: IMAGE,
    left: _Pad,
    top: _Pad,
    right: _Pad,
    bottom: _Pad,
    feathering: Annotated[int, Int(default=40, min=0, max=MAX_RESOLUTION, step=1)],
) -> tuple[IMAGE, MASK]:
    """Pad with grey and return the mask of what an outpainting model should fill."""
    frames = check_image(image)
    for name, value in (("left", left), ("top", top), ("right", right), ("bottom", bottom),
                        ("feathering", feathering)):
        if value < 0:
            raise ValueError(f"{name} must not be negative; got {value}")
    batch, height, width, channels = frames.shape
    padded = np.full((batch, top + height + bottom, left + width + right, channels), 0.5, np.float32)
    padded[:, top:top + height, left:left + width, :] = frames
    mask = np.ones((top + height + bottom, left + width + right), dtype=np.float32)
    mask[top:top + height, left:left + width] = _feather(
        height, width, feathering, top=top > 0, bottom=bottom > 0, left=left > 0, right=right > 0)
    return padded, mask[None]


def _feather(height: int, width: int, feathering: int, *, top: bool, bottom: bool,
             left: bool, right: bool) -> np.ndarray:
    """Mask values over the original area: ``((f - d) / f)^2`` within ``f`` pixels of a
    padded edge (``d`` the distance to the nearest padded edge), 0 elsewhere."""
    inner = np.zeros((height, width), dtype=np.float32)
    if feathering <= 0 or feathering * 2 >= height or feathering * 2 >= width:
        return inner  # ComfyUI skips feathering when it would cover the whole image
    rows = np.arange(height, dtype=np.float32)[:, None]
    cols = np.arange(width, dtype=np.float32)[None, :]
    distance = np.full((height, width), float(max(height, width)), dtype=np.float32)
    if top:
        distance = np.minimum(distance, rows)
    if bottom:
        distance = np.minimum(distance, height - rows)
    if left:
        distance = np.minimum(distance, cols)
    if right:
        distance = np.minimum(distance, width - cols)
    near = distance < feathering
    inner[near] = ((feathering - distance[near]) / feathering) ** 2
    return inner
