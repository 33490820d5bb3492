"""ImageInvert and ImageAdjust."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.adjust.image_adjust import image_adjust
from nodes.image.adjust.image_invert import image_invert


def test_invert_known_pixels():
    image = np.array([[[[0.0, 0.25, 1.0], [0.5, 0.5, 0.5]]]], np.float32)
    np.testing.assert_allclose(image_invert(image), [[[[1.0, 0.75, 0.0], [0.5, 0.5, 0.5]]]])


def test_invert_rejects_a_non_image():
    with pytest.raises(ValueError, match="image must be an IMAGE"):
        image_invert(np.zeros((2, 3, 4, 5, 6)))


def test_adjust_at_one_changes_nothing(ramp):
    image = ramp(4, 4)
    np.testing.assert_allclose(image_adjust(image, 1.0, 1.0, 1.0), image, atol=1e-6)


def test_brightness_scales_colour_but_not_alpha():
    image = np.full((1, 2, 2, 4), 0.6, np.float32)
    out = image_adjust(image, 0.5, 1.0, 1.0)
    np.testing.assert_allclose(out[..., :3], 0.3, atol=1e-6)
    np.testing.assert_allclose(out[..., 3], 0.6)


def test_saturation_zero_is_grey_and_contrast_zero_is_the_mean():
    image = np.array([[[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]]], np.float32)
    grey = image_adjust(image, 1.0, 1.0, 0.0)
    np.testing.assert_allclose(grey[0, 0, 0], 0.299, atol=1e-6)
    np.testing.assert_allclose(grey[0, 0, 1], 0.114, atol=1e-6)
    flat = image_adjust(image, 1.0, 0.0, 1.0)
    np.testing.assert_allclose(flat, (0.299 + 0.114) / 2, atol=1e-6)


def test_results_stay_in_range_and_negative_factors_are_refused(ramp):
    out = image_adjust(ramp(), 3.0, 3.0, 3.0)
    assert 0.0 <= out.min() and out.max() <= 1.0
    with pytest.raises(ValueError, match="contrast"):
        image_adjust(ramp(), 1.0, -1.0, 1.0)
