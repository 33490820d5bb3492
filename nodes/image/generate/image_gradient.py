"""ImageGradient: a linear or radial blend between two colours (our own node).

Horizontal runs left to right, vertical top to bottom, diagonal from the top-left to
the bottom-right corner, radial from the centre out to the corners. Colours are hex
strings such as ``#ff8800``.
"""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np

from keroro_graph.api import IMAGE, Int, Text, node
from nodes import MAX_RESOLUTION
from nodes.image._pixels import parse_hex_color

_Side = Annotated[int, Int(default=512, min=1, max=MAX_RESOLUTION, step=1)]


@node("ImageGradient")
def image_gradient(
    width: _Side,
    height: _Side,
    color_start: Annotated[str, Text(default="#000000", tooltip="Hex colour at the start, e.g. #000000.")],
    color_end: Annotated[str, Text(default="#ffffff", tooltip="Hex colour at the end, e.g. #ffffff.")],
    direction: Literal["horizontal", "vertical", "diagonal", "radial"],
) -> IMAGE:
    """A gradient from color_start to color_end."""
    start = np.array(parse_hex_color(color_start, "color_start"), np.float32)
    end = np.array(parse_hex_color(color_end, "color_end"), np.float32)
    if width < 1 or height < 1:
        raise ValueError(f"width and height must be at least 1; got {width}x{height}")
    t = _position(width, height, direction)[..., None]
    return (start + (end - start) * t)[None].astype(np.float32)


def _position(width: int, height: int, direction: str) -> np.ndarray:
    """How far along the gradient each pixel is, 0..1, as ``[height, width]``."""
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :] if width > 1 else np.zeros((1, 1), np.float32)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None] if height > 1 else np.zeros((1, 1), np.float32)
    if direction == "horizontal":
        return np.broadcast_to(xs, (height, width))
    if direction == "vertical":
        return np.broadcast_to(ys, (height, width))
    if direction == "diagonal":
        return (xs + ys) / 2
    if direction == "radial":
        # Distance from the centre in units where the corners are at 1.
        return np.sqrt(((xs - 0.5) ** 2 + (ys - 0.5) ** 2) / 0.5)
    raise ValueError(f"direction must be horizontal, vertical, diagonal or radial; got {direction!r}")
