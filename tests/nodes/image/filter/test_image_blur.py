from __future__ import annotations

import numpy as np
import pytest

from nodes.image.filter.image_blur import image_blur


def reference_blur(image, radius, sigma):
    """ComfyUI's recipe written out directly: a 2-D kernel over [-1, 1] and reflected edges."""
    size = 2 * radius + 1
    x, y = np.meshgrid(np.linspace(-1, 1, size), np.linspace(-1, 1, size), indexing="ij")
    kernel = np.exp(-(x * x + y * y) / (2 * sigma * sigma))
    kernel /= kernel.sum()
    padded = np.pad(image, ((0, 0), (radius, radius), (radius, radius), (0, 0)), mode="reflect")
    out = np.zeros_like(image, dtype=np.float64)
    for i in range(size):
        for j in range(size):
            out += kernel[i, j] * padded[:, i:i + image.shape[1], j:j + image.shape[2]]
    return out


def test_blur_reduces_variance_and_keeps_the_mean():
    image = np.random.default_rng(1).random((2, 16, 16, 3), dtype=np.float32)
    out = image_blur(image, 2, 1.0)
    assert out.shape == image.shape and out.dtype == np.float32
    assert out.var() < image.var() / 2
    assert abs(out.mean() - image.mean()) < 0.01


def test_blur_matches_comfyui_kernel():
    image = np.random.default_rng(2).random((1, 9, 11, 3), dtype=np.float32)
    np.testing.assert_allclose(image_blur(image, 3, 0.7), reference_blur(image, 3, 0.7), atol=1e-5)


def test_a_flat_image_stays_flat():
    image = np.full((1, 5, 5, 3), 0.3, np.float32)
    np.testing.assert_allclose(image_blur(image, 4, 2.0), image, atol=1e-6)


def test_bad_settings_name_the_input():
    image = np.zeros((1, 4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="blur_radius"):
        image_blur(image, 40, 1.0)
    with pytest.raises(ValueError, match="sigma"):
        image_blur(image, 1, 0.0)
