"""ImageBatch and ImageGrid."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.batch.image_batch import image_batch
from nodes.image.batch.image_grid import image_grid


def test_batch_appends_frames_in_order():
    out = image_batch(np.zeros((2, 3, 3, 3), np.float32), np.ones((1, 3, 3, 3), np.float32))
    assert out.shape == (3, 3, 3, 3)
    assert out[:2].max() == 0.0 and out[2].min() == 1.0


def test_batch_resizes_image2_to_image1():
    out = image_batch(np.zeros((1, 4, 6, 3), np.float32), np.full((1, 2, 2, 3), 0.5, np.float32))
    assert out.shape == (2, 4, 6, 3)
    np.testing.assert_allclose(out[1], 0.5, atol=1e-6)


def test_batch_of_rgb_and_rgba_gets_an_opaque_alpha():
    out = image_batch(np.zeros((1, 2, 2, 3), np.float32), np.zeros((1, 2, 2, 4), np.float32))
    assert out.shape == (2, 2, 2, 4)
    assert out[0, ..., 3].min() == 1.0


def test_grid_places_cells_row_by_row_with_black_padding():
    frames = [np.full((1, 20, 30, 3), value, np.float32) for value in (0.2, 0.4)] + [np.full((1, 40, 40, 3), 0.6, np.float32)]
    out = image_grid(frames, [2], [32], [32], [4])  # a list input: every value arrives as a list
    assert out.shape == (1, 2 * 32 + 4, 2 * 32 + 4, 3)
    grid = out[0, :, :, 0]
    np.testing.assert_allclose(grid[5, 5], 0.2, atol=1 / 255)
    np.testing.assert_allclose(grid[5, 40], 0.4, atol=1 / 255)
    np.testing.assert_allclose(grid[40, 5], 0.6, atol=1 / 255)
    assert grid[33, 5] == 0.0 and grid[40, 40] == 0.0  # padding and the empty cell are black


def test_grid_takes_every_frame_of_a_batch_as_a_cell():
    out = image_grid([np.zeros((5, 8, 8, 3), np.float32)], [4], [32], [32], [0])
    assert out.shape == (1, 64, 128, 3)


def test_grid_of_nothing_is_refused():
    with pytest.raises(ValueError, match="no images"):
        image_grid([], [2], [32], [32], [0])
