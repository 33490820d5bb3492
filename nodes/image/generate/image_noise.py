"""ImageNoise: uniform random noise around mid-grey, reproducible from a seed (our
own node). ``amount`` 1 spans the full 0..1 range, 0 is flat grey; ``monochrome``
uses one value for all three channels."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Bool, Float, Int, node
from nodes import MAX_RESOLUTION

_Side = Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)]


@node("ImageNoise")
def image_noise(
    width: _Side,
    height: _Side,
    seed: Annotated[int, Int(default=0, min=0, max=0xFFFFFFFFFFFFFFFF, control_after_generate=True)],
    amount: Annotated[float, Float(default=1.0, min=0.0, max=1.0, step=0.01)],
    monochrome: Annotated[bool, Bool(default=False)],
) -> IMAGE:
    """Random noise; the same seed always gives the same image."""
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be at least 1; got {width}x{height}")
    if seed < 0:
        raise ValueError(f"seed must not be negative; got {seed}")
    rng = np.random.default_rng(seed)
    noise = rng.random((height, width, 1 if monochrome else 3), dtype=np.float32)
    if monochrome:
        noise = np.repeat(noise, 3, axis=2)
    return (0.5 + (noise - 0.5) * np.float32(np.clip(amount, 0.0, 1.0)))[None]
