"""ImageFromBatch: ``length`` frames of a batch starting at ``batch_index`` (negative
counts from the end), clamped to the batch (ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, Int, node
from nodes.image._pixels import check_image


@node("ImageFromBatch", display_name="Get Image from Batch")
def image_from_batch(
    image: IMAGE,
    batch_index: Annotated[int, Int(default=0, min=-16384, max=16384)],
    length: Annotated[int, Int(default=1, min=1, max=4096)],
) -> IMAGE:
    """Pick frames out of a batch."""
    frames = check_image(image, "image")
    count = frames.shape[0]
    start = batch_index + count if batch_index < 0 else batch_index
    start = max(0, min(count - 1, start))
    return frames[start:start + min(count - start, length)].copy()
