"""ImageToMask, MaskToImage, InvertMask, ThresholdMask and SolidMask."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.mask.image_to_mask import image_to_mask
from nodes.mask.invert_mask import invert_mask
from nodes.mask.mask_to_image import mask_to_image
from nodes.mask.solid_mask import solid_mask
from nodes.mask.threshold_mask import threshold_mask


def test_image_to_mask_takes_the_named_channel():
    image = np.zeros((2, 3, 4, 4), np.float32)
    image[..., 1] = 0.7
    image[..., 3] = 0.2
    green = image_to_mask(image, "green")
    assert green.shape == (2, 3, 4) and green.dtype == np.float32
    np.testing.assert_allclose(green, 0.7)
    np.testing.assert_allclose(image_to_mask(image, "alpha"), 0.2)
    assert not image_to_mask(image, "red").any()


def test_alpha_of_an_rgb_image_is_a_clear_error():
    with pytest.raises(ValueError, match="channel 'alpha' needs an image with 4 channels; this image has 3"):
        image_to_mask(np.zeros((1, 2, 2, 3), np.float32), "alpha")


def test_mask_to_image_repeats_the_value_in_rgb():
    mask = np.array([[[0.0, 0.5]]], np.float32)
    image = mask_to_image(mask)
    assert image.shape == (1, 1, 2, 3)
    np.testing.assert_allclose(image[0, 0, 1], [0.5, 0.5, 0.5])
    assert mask_to_image(mask[0]).shape == (1, 1, 2, 3)  # a bare [H, W] mask is accepted too


def test_invert_and_threshold():
    mask = np.array([[[0.0, 0.4, 0.5, 0.9]]], np.float32)
    np.testing.assert_allclose(invert_mask(mask), [[[1.0, 0.6, 0.5, 0.1]]], atol=1e-6)
    np.testing.assert_array_equal(threshold_mask(mask, 0.5), [[[0.0, 0.0, 0.0, 1.0]]])


def test_solid_mask_has_the_size_and_value():
    mask = solid_mask(0.25, 5, 3)
    assert mask.shape == (1, 3, 5) and mask.dtype == np.float32
    np.testing.assert_allclose(mask, 0.25)
    with pytest.raises(ValueError, match="width"):
        solid_mask(1.0, 0, 3)


def test_a_non_mask_is_refused_by_name():
    with pytest.raises(ValueError, match="mask must be a MASK"):
        invert_mask(np.zeros((1, 2, 2, 3)))
