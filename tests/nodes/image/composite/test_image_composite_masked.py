from __future__ import annotations

import numpy as np

from nodes.image.composite.image_composite_masked import image_composite_masked


def test_source_is_pasted_at_x_y():
    destination = np.zeros((1, 6, 8, 3), np.float32)
    source = np.ones((1, 2, 3, 3), np.float32)
    out = image_composite_masked(destination, source, 4, 1, False)
    assert out[0, 1:3, 4:7].min() == 1.0
    assert out.sum() == 2 * 3 * 3
    assert destination.max() == 0.0  # the input is not modified


def test_mask_selects_where_the_source_shows():
    destination = np.zeros((1, 4, 4, 3), np.float32)
    source = np.ones((1, 4, 4, 3), np.float32)
    mask = np.zeros((1, 4, 4), np.float32)
    mask[:, :, :2] = 1.0
    out = image_composite_masked(destination, source, 0, 0, False, mask)
    assert out[0, :, :2].min() == 1.0 and out[0, :, 2:].max() == 0.0


def test_source_is_clipped_at_the_edge_and_repeated_over_the_batch():
    destination = np.zeros((3, 4, 4, 3), np.float32)
    source = np.ones((1, 4, 4, 3), np.float32)
    out = image_composite_masked(destination, source, 2, 3, False)
    assert out.shape == (3, 4, 4, 3)
    assert out[:, 3, 2:].min() == 1.0 and out.sum() == 3 * 2 * 3


def test_resize_source_covers_the_destination():
    out = image_composite_masked(np.zeros((1, 8, 8, 3), np.float32), np.ones((1, 2, 2, 3), np.float32),
                                 0, 0, True)
    assert out.min() == 1.0


def test_rgba_source_on_rgb_destination_drops_alpha():
    out = image_composite_masked(np.zeros((1, 2, 2, 3), np.float32), np.ones((1, 2, 2, 4), np.float32),
                                 0, 0, False)
    assert out.shape == (1, 2, 2, 3) and out.min() == 1.0
