"""SolidMask: a width x height mask of one value (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import MASK, Float, Int, node
from nodes import MAX_RESOLUTION


@node("SolidMask")
def solid_mask(
    value: Annotated[float, Float(default=1.0, min=0.0, max=1.0, step=0.01)],
    width: Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)],
    height: Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)],
) -> MASK:
    """A mask filled with one value."""
    for name, side in (("width", width), ("height", height)):
        if not 1 <= side <= MAX_RESOLUTION:
            raise ValueError(f"{name} must be between 1 and {MAX_RESOLUTION}; got {side}")
    return np.full((1, height, width), value, dtype=np.float32)
