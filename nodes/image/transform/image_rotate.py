"""ImageRotate: turn an IMAGE batch clockwise by a multiple of 90 degrees (ComfyUI's
node); 90 and 270 swap width and height."""
from __future__ import annotations

from typing import Literal

import numpy as np

from keroro_graph.api import IMAGE, node
from nodes.image._pixels import check_image

_QUARTER_TURNS = {"none": 0, "90 degrees": 1, "180 degrees": 2, "270 degrees": 3}


@node("ImageRotate")
def image_rotate(image: IMAGE, rotation: Literal["none", "90 degrees", "180 degrees", "270 degrees"]) -> IMAGE:
    """Rotate clockwise by 90, 180 or 270 degrees."""
    frames = check_image(image)
    if rotation not in _QUARTER_TURNS:
        raise ValueError(f"rotation must be one of {list(_QUARTER_TURNS)}; got {rotation!r}")
    # Rotating from the width axis towards the height axis is clockwise on screen.
    return np.ascontiguousarray(np.rot90(frames, k=_QUARTER_TURNS[rotation], axes=(2, 1)))
