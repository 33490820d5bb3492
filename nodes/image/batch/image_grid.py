"""ImageGrid: lay out the frames of a batch as one image, row by row in ``columns``
columns, with ``padding`` pixels of ``background`` colour between and around them
(our own node). Every cell is the size of the first frame; the batch already
guarantees that all frames share it."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Int, Text, node
from nodes.image._pixels import check_image, fill_color, parse_hex_color


@node("ImageGrid")
def image_grid(
    images: IMAGE,
    columns: Annotated[int, Int(default=4, min=1, max=256, step=1)],
    padding: Annotated[int, Int(default=8, min=0, max=1024, step=1)],
    background: Annotated[str, Text(default="#ffffff", tooltip="Hex colour between the cells.")],
) -> IMAGE:
    """Arrange a batch as a grid in one image."""
    frames = check_image(images, "images")
    if columns < 1:
        raise ValueError(f"columns must be at least 1; got {columns}")
    if padding < 0:
        raise ValueError(f"padding must not be negative; got {padding}")
    fill = fill_color(parse_hex_color(background, "background"), frames.shape[3])
    count, height, width, channels = frames.shape
    cols = min(columns, count)
    rows = -(-count // cols)
    grid = np.empty((padding + rows * (height + padding), padding + cols * (width + padding), channels),
                    dtype=np.float32)
    grid[:] = fill
    for index, frame in enumerate(frames):
        row, col = divmod(index, cols)
        top, left = padding + row * (height + padding), padding + col * (width + padding)
        grid[top:top + height, left:left + width] = frame
    return grid[None]
