"""The Gaussian kernel ImageBlur and ImageSharpen share, with ComfyUI's convention:
the kernel spans ``2 * radius + 1`` pixels sampled on ``[-1, 1]``, so ``sigma`` is
relative to the radius rather than in pixels. Edges are reflected.

The 2-D kernel ``exp(-(x² + y²) / 2σ²)`` is the outer product of two 1-D kernels, so
the blur runs as two 1-D passes: the same result as ComfyUI's 2-D convolution at a
fraction of the work.
"""
from __future__ import annotations

import numpy as np


def gaussian_blur(image: np.ndarray, radius: int, sigma: float) -> np.ndarray:
    """Blur ``[batch, height, width, channels]`` with a (2·radius+1)² Gaussian."""
    if radius < 1:
        return image.copy()
    size = 2 * radius + 1
    taps = np.linspace(-1.0, 1.0, size)
    weights = np.exp(-(taps * taps) / (2.0 * sigma * sigma))
    weights = (weights / weights.sum()).astype(np.float32)
    height, width = image.shape[1:3]
    padded = np.pad(image, ((0, 0), (radius, radius), (radius, radius), (0, 0)), mode="reflect")
    across = np.zeros(padded.shape[:2] + (width, image.shape[3]), dtype=np.float32)
    for i, weight in enumerate(weights):
        across += weight * padded[:, :, i:i + width, :]
    out = np.zeros(image.shape, dtype=np.float32)
    for i, weight in enumerate(weights):
        out += weight * across[:, i:i + height, :, :]
    return out
