"""ImageStitch: put ``image2`` beside ``image1`` (right, down, left or up), optionally
scaled to match its height or width, with a coloured gap between (ComfyUI's node).
Shorter batches repeat their last frame; RGB and RGBA mix by adding opaque alpha."""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np

from keroro_graph.api import IMAGE, Bool, Int, node
from nodes.image._pixels import check_image, resize, with_channels

_COLOURS = {"white": (1.0, 1.0, 1.0), "black": (0.0, 0.0, 0.0), "red": (1.0, 0.0, 0.0),
            "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0)}


@node("ImageStitch")
def image_stitch(
    image1: IMAGE,
    direction: Literal["right", "down", "left", "up"] = "right",
    match_image_size: Annotated[bool, Bool(default=True)] = True,
    spacing_width: Annotated[int, Int(default=0, min=0, max=1024, step=2)] = 0,
    spacing_color: Literal["white", "black", "red", "green", "blue"] = "white",
    image2: IMAGE | None = None,
) -> IMAGE:
    """Join two images side by side or one above the other."""
    first = check_image(image1, "image1")
    if image2 is None:
        return first
    second = check_image(image2, "image2")
    count = max(first.shape[0], second.shape[0])
    first, second = _repeat_last(first, count), _repeat_last(second, count)
    horizontal = direction in ("left", "right")
    if match_image_size:
        h1, w1 = first.shape[1:3]
        h2, w2 = second.shape[1:3]
        size = (int(h1 * w2 / h2), h1) if horizontal else (w1, int(w1 / (w2 / h2)))
        second = resize(second, max(1, size[0]), max(1, size[1]), "lanczos")
    else:
        grey = 1.0 if spacing_color == "white" else 0.0  # red/green/blue pad black, as ComfyUI does
        first, second = _pad_across(first, second, horizontal, grey)
    channels = max(first.shape[3], second.shape[3])
    first, second = with_channels(first, channels), with_channels(second, channels)
    parts = [second, first] if direction in ("left", "up") else [first, second]
    if spacing_width > 0:
        parts.insert(1, _gap(first, second, spacing_width + spacing_width % 2, horizontal, spacing_color))
    return np.concatenate(parts, axis=2 if horizontal else 1)


def _repeat_last(frames: np.ndarray, count: int) -> np.ndarray:
    if frames.shape[0] == count:
        return frames
    return np.concatenate([frames, np.repeat(frames[-1:], count - frames.shape[0], axis=0)])


def _pad_across(first: np.ndarray, second: np.ndarray, horizontal: bool, value: float) -> tuple[np.ndarray, np.ndarray]:
    """Centre the smaller image across the joining direction (ComfyUI pads with the
    spacing grey; colour spacings pad black)."""
    axis = 1 if horizontal else 2
    size = max(first.shape[axis], second.shape[axis])

    def pad(frames: np.ndarray) -> np.ndarray:
        missing = size - frames.shape[axis]
        if not missing:
            return frames
        widths = [(0, 0)] * 4
        widths[axis] = (missing // 2, missing - missing // 2)
        return np.pad(frames, widths, constant_values=value)
    return pad(first), pad(second)


def _gap(first: np.ndarray, second: np.ndarray, width: int, horizontal: bool, colour: str) -> np.ndarray:
    channels = first.shape[3]
    shape = ((first.shape[0], max(first.shape[1], second.shape[1]), width, channels) if horizontal
             else (first.shape[0], width, max(first.shape[2], second.shape[2]), channels))
    gap = np.zeros(shape, dtype=np.float32)
    rgb = _COLOURS[colour]
    gap[..., :min(3, channels)] = rgb[:min(3, channels)]
    if channels == 4:
        gap[..., 3] = 1.0
    return gap
