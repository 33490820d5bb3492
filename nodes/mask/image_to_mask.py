"""ImageToMask: take one channel of an IMAGE as a MASK (ComfyUI's node)."""
from __future__ import annotations

from typing import Literal

from keroro_graph.api import IMAGE, MASK, node
from nodes.image._pixels import check_image

_CHANNELS = ("red", "green", "blue", "alpha")


@node("ImageToMask")
def image_to_mask(image: IMAGE, channel: Literal["red", "green", "blue", "alpha"]) -> MASK:
    """Use the red, green, blue or alpha channel as the mask."""
    frames = check_image(image)
    if channel not in _CHANNELS:
        raise ValueError(f"channel must be one of {list(_CHANNELS)}; got {channel!r}")
    index = _CHANNELS.index(channel)
    if index >= frames.shape[3]:
        raise ValueError(f"channel {channel!r} needs an image with {index + 1} channels; "
                         f"this image has {frames.shape[3]}")
    return frames[..., index].copy()
