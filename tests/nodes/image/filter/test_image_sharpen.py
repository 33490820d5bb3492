from __future__ import annotations

import numpy as np
import pytest

from nodes.image.filter.image_sharpen import image_sharpen


def soft_edge():
    """A vertical ramp edge in the middle of the frame."""
    row = np.clip(np.linspace(-0.5, 1.5, 12), 0.0, 1.0) * 0.6 + 0.2
    return np.broadcast_to(row[None, None, :, None], (1, 6, 12, 3)).astype(np.float32)


def test_sharpen_steepens_the_edge():
    image = soft_edge()
    out = image_sharpen(image, 1, 1.0, 0.5)
    assert out.shape == image.shape and out.dtype == np.float32
    assert np.abs(np.diff(out[0, 3, :, 0])).max() > np.abs(np.diff(image[0, 3, :, 0])).max()
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_alpha_zero_changes_nothing():
    image = soft_edge()
    np.testing.assert_allclose(image_sharpen(image, 2, 1.0, 0.0), image, atol=1e-6)


def test_bad_radius_names_the_input():
    with pytest.raises(ValueError, match="sharpen_radius"):
        image_sharpen(soft_edge(), 0, 1.0, 1.0)
