"""BatchImagesNode ("Batch Images"): join any number of images into one batch
(ComfyUI's node, a V3 autogrow input: ``images.image0``, ``images.image1``, ...).
Later images are scaled to the first one's size (bilinear, centre crop) and a missing
alpha channel is added as opaque."""
from __future__ import annotations

from typing import Any

import numpy as np

from keroro_graph.api import comfy_node
from nodes.image._pixels import check_image, scale, with_channels

DECLARATION = {
    "name": "BatchImagesNode", "display_name": "Batch Images", "category": "image/batch",
    "input": {"required": {"images": ["COMFY_AUTOGROW_V3", {
        "template": {"input": {"required": {"image": ["IMAGE", {}]}}, "max": 50, "min": 1, "prefix": "image"}}]}},
    "input_order": {"required": ["images"]},
    "output": ["IMAGE"], "output_name": ["IMAGE"], "output_is_list": [False], "output_node": False,
}


@comfy_node(DECLARATION)
def batch_images_node(images: dict[str, Any]) -> np.ndarray:
    """Join images into one batch, in socket order."""
    frames = [check_image(value, f"images.{name}") for name, value in _in_order(images) if value is not None]
    if not frames:
        raise ValueError("images: connect at least one image")
    channels = max(f.shape[3] for f in frames)
    first = with_channels(frames[0], channels)
    joined = [first]
    for more in frames[1:]:
        more = with_channels(more, channels)
        if more.shape[1:3] != first.shape[1:3]:
            more = scale(more, first.shape[2], first.shape[1], "bilinear", "center")
        joined.append(more)
    return np.concatenate(joined, axis=0)


def _in_order(grown: dict[str, Any]) -> list[tuple[str, Any]]:
    def index(name: str) -> int:
        digits = name.lstrip("abcdefghijklmnopqrstuvwxyz_")
        return int(digits) if digits.isdigit() else 0
    return sorted(grown.items(), key=lambda item: index(item[0]))
