"""ImageScale and ImageScaleBy."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.transform.image_scale import image_scale
from nodes.image.transform.image_scale_by import image_scale_by

METHODS = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"]


@pytest.mark.parametrize("method", METHODS)
def test_scale_gives_the_requested_size_for_every_method(ramp, method):
    out = image_scale(ramp(4, 6, batch=2), method, 9, 5, "disabled")
    assert out.shape == (2, 5, 9, 3) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0


def test_nearest_doubling_repeats_each_pixel(ramp):
    image = ramp(2, 3)
    out = image_scale(image, "nearest-exact", 6, 4, "disabled")
    np.testing.assert_array_equal(out[0, 0:2, 0:2], np.broadcast_to(image[0, 0, 0], (2, 2, 3)))
    np.testing.assert_array_equal(out[0, 2:4, 4:6], np.broadcast_to(image[0, 1, 2], (2, 2, 3)))


def test_a_zero_side_keeps_the_aspect_ratio(ramp):
    assert image_scale(ramp(100, 200), "bilinear", 50, 0, "disabled").shape == (1, 25, 50, 3)
    assert image_scale(ramp(100, 200), "bilinear", 0, 50, "disabled").shape == (1, 50, 100, 3)
    image = ramp(3, 5)
    np.testing.assert_array_equal(image_scale(image, "bilinear", 0, 0, "disabled"), image)


def test_center_crop_trims_the_long_side_instead_of_stretching():
    image = np.zeros((1, 2, 6, 3), np.float32)
    image[:, :, 2:4] = 1.0  # a white centre band two pixels wide
    out = image_scale(image, "nearest-exact", 2, 2, "center")
    assert out.shape == (1, 2, 2, 3)
    assert out.min() == 1.0  # only the centre band survives
    assert image_scale(image, "nearest-exact", 2, 2, "disabled").min() == 0.0


def test_bad_method_names_the_input(ramp):
    with pytest.raises(ValueError, match="upscale_method"):
        image_scale(ramp(), "sinc", 4, 4, "disabled")


def test_scale_by_rounds_each_side(ramp):
    assert image_scale_by(ramp(10, 20), "area", 0.5).shape == (1, 5, 10, 3)
    assert image_scale_by(ramp(3, 3), "bicubic", 1.5).shape == (1, 4, 4, 3)
    assert image_scale_by(ramp(3, 3), "bilinear", 0.01).shape == (1, 1, 1, 3)


def test_area_downscale_averages_blocks():
    image = np.zeros((1, 2, 2, 3), np.float32)
    image[0, 0, 0] = 1.0
    out = image_scale_by(image, "area", 0.5)
    np.testing.assert_allclose(out[0, 0, 0], 0.25, atol=1e-6)
