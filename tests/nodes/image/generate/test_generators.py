"""EmptyImage, ImageGradient and ImageNoise."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.generate.empty_image import empty_image
from nodes.image.generate.image_gradient import image_gradient
from nodes.image.generate.image_noise import image_noise


def test_empty_image_unpacks_the_color_integer():
    out = empty_image(4, 2, 3, 0xFF8000)
    assert out.shape == (3, 2, 4, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out[2, 1, 3], [1.0, 128 / 255, 0.0])
    out[0, 0, 0] = 0.0
    assert out[1, 0, 0, 0] == 1.0  # frames are independent arrays, not views of one pixel


def test_empty_image_refuses_out_of_range_values():
    with pytest.raises(ValueError, match="color"):
        empty_image(4, 4, 1, 0x1000000)
    with pytest.raises(ValueError, match="batch_size"):
        empty_image(4, 4, 0, 0)


@pytest.mark.parametrize("direction", ["horizontal", "vertical", "diagonal", "radial"])
def test_gradient_runs_from_start_to_end(direction):
    out = image_gradient(5, 5, "#000000", "#ff0000", direction)
    assert out.shape == (1, 5, 5, 3) and out.dtype == np.float32
    assert not out[..., 1:].any()
    red = out[0, :, :, 0]
    if direction == "radial":
        assert red[2, 2] == 0.0 and red[0, 0] == pytest.approx(1.0)
    else:
        assert red[0, 0] == 0.0 and red[4, 4] == pytest.approx(1.0)
    if direction == "horizontal":
        np.testing.assert_allclose(red[3], [0.0, 0.25, 0.5, 0.75, 1.0])
    if direction == "vertical":
        np.testing.assert_allclose(red[:, 3], [0.0, 0.25, 0.5, 0.75, 1.0])


def test_gradient_colour_errors_name_the_input():
    with pytest.raises(ValueError, match="color_end must be a hex colour"):
        image_gradient(4, 4, "#000", "red-ish", "horizontal")


def test_noise_is_reproducible_from_the_seed():
    first = image_noise(8, 6, 42, 1.0, False)
    assert first.shape == (1, 6, 8, 3) and first.dtype == np.float32
    np.testing.assert_array_equal(first, image_noise(8, 6, 42, 1.0, False))
    assert not np.array_equal(first, image_noise(8, 6, 43, 1.0, False))
    assert 0.0 <= first.min() and first.max() <= 1.0 and first.std() > 0.2


def test_noise_amount_and_monochrome():
    np.testing.assert_allclose(image_noise(4, 4, 1, 0.0, False), 0.5)
    mono = image_noise(4, 4, 1, 1.0, True)
    np.testing.assert_array_equal(mono[..., 0], mono[..., 2])
    assert mono[..., 0].std() > 0.1
