"""ImageCompositeMasked: paste ``source`` onto ``destination`` with its top-left
corner at (x, y), optionally through a mask (ComfyUI's node).

The mask is resized to the source (bilinear); where it is 1 the source shows, where
0 the destination. The source is repeated to the destination's batch size and
clipped at the destination's edges. ``resize_source`` first scales the source to the
destination's size.
"""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, MASK, Bool, Int, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import check_image, check_mask, resize, resize_mask, with_channels

_Offset = Annotated[int, Int(default=0, min=0, max=MAX_RESOLUTION, step=1)]


@node("ImageCompositeMasked")
def image_composite_masked(
    destination: IMAGE,
    source: IMAGE,
    x: _Offset,
    y: _Offset,
    resize_source: Annotated[bool, Bool(default=False)],
    mask: MASK | None = None,
) -> IMAGE:
    """Paste source onto destination at (x, y), through the mask if one is given."""
    out = check_image(destination, "destination").copy()
    batch, height, width, channels = out.shape
    src = with_channels(check_image(source, "source"), channels)
    if resize_source:
        src = resize(src, width, height, "bilinear")
    x, y = max(0, min(x, width)), max(0, min(y, height))
    visible_h, visible_w = min(src.shape[1], height - y), min(src.shape[2], width - x)
    if visible_h <= 0 or visible_w <= 0:
        return out
    alpha = np.ones(src.shape[:3], dtype=np.float32)
    if mask is not None:
        alpha = resize_mask(check_mask(mask), src.shape[2], src.shape[1], "bilinear")
    src = _repeat_to(src, batch)[:, :visible_h, :visible_w]
    alpha = _repeat_to(alpha, batch)[:, :visible_h, :visible_w, None]
    region = out[:, y:y + visible_h, x:x + visible_w]
    out[:, y:y + visible_h, x:x + visible_w] = src * alpha + region * (1 - alpha)
    return out


def _repeat_to(array: np.ndarray, batch: int) -> np.ndarray:
    """ComfyUI's repeat_to_batch_size: tile (or cut) the batch axis to ``batch``."""
    if array.shape[0] == batch:
        return array
    if array.shape[0] > batch:
        return array[:batch]
    reps = -(-batch // array.shape[0])
    return np.concatenate([array] * reps, axis=0)[:batch]
