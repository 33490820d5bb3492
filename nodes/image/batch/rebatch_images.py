"""RebatchImages: regroup a list of IMAGE batches into batches of ``batch_size``
frames (ComfyUI's node; a shorter last batch keeps the remainder)."""
from __future__ import annotations

from typing import Annotated

import numpy as np

from keroro_graph.api import IMAGE, Int, Output, node
from nodes.image._pixels import check_image


@node("RebatchImages", category="image/batch", display_name="Rebatch Images", input_is_list=True)
def rebatch_images(images: IMAGE, batch_size: Annotated[int, Int(default=1, min=1, max=4096)] = 1
                   ) -> Annotated[IMAGE, Output(is_list=True)]:
    """Every frame of every incoming batch, in order, regrouped ``batch_size`` at a time."""
    size = int(batch_size[0]) if isinstance(batch_size, list) else int(batch_size)
    frames = [frame[None] for batch in images for frame in check_image(batch, "images")]
    return [np.concatenate(frames[i:i + size], axis=0) for i in range(0, len(frames), size)]  # type: ignore[return-value]  # a list output: one value per item
