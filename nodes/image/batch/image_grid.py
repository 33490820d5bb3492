"""ImageGrid ("Make Image Grid"): lay out images row by row in ``columns`` columns,
each resized (Lanczos) to ``cell_width`` x ``cell_height``, with ``padding`` pixels of
black between the cells (ComfyUI's node; it takes whole lists, so a list of images
from a list-producing node becomes one grid, and every frame of a batch is a cell)."""
from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from PIL import Image

from keroro_graph.api import IMAGE, Int, Output, media, node
from nodes.image._pixels import check_image


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


@node("ImageGrid", display_name="Make Image Grid", experimental=True, input_is_list=True)
def image_grid(
    images: IMAGE,
    columns: Annotated[int, Int(default=4, min=1, max=20)],
    cell_width: Annotated[int, Int(default=256, min=32, max=2048)],
    cell_height: Annotated[int, Int(default=256, min=32, max=2048)],
    padding: Annotated[int, Int(default=4, min=0, max=50)],
) -> Annotated[IMAGE, Output(name="images")]:
    """Arrange images as a grid in one image."""
    items = images if isinstance(images, list) else [images]
    frames = [frame for item in items for frame in check_image(item, "images")]
    if not frames:
        raise ValueError("images: cannot make a grid from no images")
    cols, width, height, gap = int(_first(columns)), int(_first(cell_width)), int(_first(cell_height)), \
        int(_first(padding))
    rows = -(-len(frames) // cols)
    grid = np.zeros((rows * height + (rows - 1) * gap, cols * width + (cols - 1) * gap, 3), np.float32)
    for index, frame in enumerate(frames):
        row, col = divmod(index, cols)
        cell = media.to_pil(frame[..., :3] if frame.shape[-1] >= 3 else np.repeat(frame, 3, axis=-1))
        cell = cell.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        top, left = row * (height + gap), col * (width + gap)
        grid[top:top + height, left:left + width] = np.asarray(cell, np.float32) / 255.0
    return grid[None]
