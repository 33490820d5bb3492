"""ImageCrop and ImagePadForOutpaint."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.transform.image_crop import image_crop
from nodes.image.transform.image_pad_for_outpaint import image_pad_for_outpaint


def test_crop_takes_the_rectangle_at_x_y(ramp):
    image = ramp(6, 8)
    out = image_crop(image, 3, 2, 4, 1)
    assert out.shape == (1, 2, 3, 3)
    np.testing.assert_array_equal(out, image[:, 1:3, 4:7])


def test_crop_is_clipped_at_the_edge_and_the_corner_clamped(ramp):
    image = ramp(6, 8)
    assert image_crop(image, 10, 10, 5, 4).shape == (1, 2, 3, 3)
    out = image_crop(image, 4, 4, 100, 100)
    np.testing.assert_array_equal(out, image[:, 5:, 7:])


def test_pad_places_the_image_on_grey_and_masks_the_new_area(ramp):
    image = ramp(4, 4)
    padded, mask = image_pad_for_outpaint(image, 2, 1, 3, 0, 0)
    assert padded.shape == (1, 5, 9, 3) and mask.shape == (1, 5, 9)
    np.testing.assert_array_equal(padded[:, 1:5, 2:6], image)
    assert padded[0, 0, 0, 0] == 0.5 and padded[0, 4, 8, 0] == 0.5
    assert mask[0, 1:5, 2:6].max() == 0.0
    assert mask[0, 0].min() == 1.0 and mask[0, :, :2].min() == 1.0 and mask[0, :, 6:].min() == 1.0


def test_feathering_fades_only_along_padded_edges():
    image = np.zeros((1, 20, 20, 3), np.float32)
    _, mask = image_pad_for_outpaint(image, 4, 0, 0, 0, 4)
    inner = mask[0, :, 4:]
    # Left edge was padded: the first original column is ((4 - 0) / 4)^2 = 1, then 0.5625, 0.25, 0.0625.
    np.testing.assert_allclose(inner[10, :5], [1.0, 0.5625, 0.25, 0.0625, 0.0])
    assert inner[0, 10] == 0.0 and inner[19, 10] == 0.0  # top and bottom were not padded


def test_feathering_is_skipped_when_it_would_cover_the_image():
    _, mask = image_pad_for_outpaint(np.zeros((1, 6, 6, 3), np.float32), 2, 2, 2, 2, 3)
    assert mask[0, 2:8, 2:8].max() == 0.0


def test_negative_padding_names_the_input(ramp):
    with pytest.raises(ValueError, match="left"):
        image_pad_for_outpaint(ramp(), -1, 0, 0, 0, 0)
