"""ImageBatch: join two IMAGE batches into one (ComfyUI's node). ``image2`` is
resized to ``image1``'s size (bilinear, centre crop) when they differ, and a missing
alpha channel is added as opaque so RGB and RGBA batches can be joined."""
from __future__ import annotations

import numpy as np

from keroro_graph.api import IMAGE, node
from nodes.image._pixels import check_image, scale, with_channels


@node("ImageBatch")
def image_batch(image1: IMAGE, image2: IMAGE) -> IMAGE:
    """Append image2's frames after image1's."""
    first = check_image(image1, "image1")
    second = check_image(image2, "image2")
    channels = max(first.shape[3], second.shape[3])
    first, second = with_channels(first, channels), with_channels(second, channels)
    if second.shape[1:3] != first.shape[1:3]:
        second = scale(second, first.shape[2], first.shape[1], "bilinear", "center")
    return np.concatenate([first, second], axis=0)
