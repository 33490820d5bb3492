"""EmptyImage: a batch of solid-colour frames (ComfyUI's node). ``color`` is an
integer 0xRRGGBB, shown as a colour picker."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Int, node
from nodes import MAX_RESOLUTION

_Side = Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)]


@node("EmptyImage")
def empty_image(
    width: _Side,
    height: _Side,
    batch_size: Annotated[int, Int(default=1, min=1, max=4096)],
    color: Annotated[int, Int(default=0, min=0, max=0xFFFFFF, step=1, display="color")],  # type: ignore[arg-type]
) -> IMAGE:
    """Solid-colour images of the given size."""
    if not 0 <= color <= 0xFFFFFF:
        raise ValueError(f"color must be between 0 and 0xFFFFFF; got {color}")
    for name, value, top in (("width", width, MAX_RESOLUTION), ("height", height, MAX_RESOLUTION),
                             ("batch_size", batch_size, 4096)):
        if not 1 <= value <= top:
            raise ValueError(f"{name} must be between 1 and {top}; got {value}")
    rgb = [((color >> shift) & 0xFF) / 255.0 for shift in (16, 8, 0)]
    return np.broadcast_to(np.array(rgb, np.float32), (batch_size, height, width, 3)).copy()
