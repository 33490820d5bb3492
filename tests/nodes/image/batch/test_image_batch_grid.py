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


def test_grid_places_frames_row_by_row_with_padding():
    frames = np.stack([np.full((2, 3, 3), value, np.float32) for value in (0.1, 0.2, 0.3)])
    out = image_grid(frames, 2, 1, "#ffffff")
    assert out.shape == (1, 1 + 2 * 3, 1 + 2 * 4, 3)
    grid = out[0, :, :, 0]
    assert grid[0, 0] == 1.0  # padding
    np.testing.assert_allclose(grid[1:3, 1:4], 0.1)
    np.testing.assert_allclose(grid[1:3, 5:8], 0.2)
    np.testing.assert_allclose(grid[4:6, 1:4], 0.3)
    assert grid[4:6, 5:8].min() == 1.0  # the empty cell shows the background


def test_grid_with_more_columns_than_frames_is_one_row():
    out = image_grid(np.zeros((2, 4, 4, 3), np.float32), 8, 0, "#000")
    assert out.shape == (1, 4, 8, 3)


def test_grid_background_error_names_the_input():
    with pytest.raises(ValueError, match="background"):
        image_grid(np.zeros((1, 2, 2, 3), np.float32), 2, 1, "white")
