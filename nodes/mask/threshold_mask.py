"""ThresholdMask: 1 where the mask is above ``value``, 0 elsewhere (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import MASK, Float, node
from nodes.image._pixels import check_mask


@node("ThresholdMask")
def threshold_mask(
    mask: MASK,
    value: Annotated[float, Float(default=0.5, min=0.0, max=1.0, step=0.01)],
) -> MASK:
    """Make a hard mask: values above the threshold become 1, the rest 0."""
    return (check_mask(mask) > value).astype(np.float32)
