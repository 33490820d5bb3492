from __future__ import annotations

import numpy as np
import pytest

from nodes.image.draw.image_draw_text import image_draw_text


def black(height=80, width=200):
    return np.zeros((2, height, width, 3), np.float32)


def test_text_is_drawn_near_x_y_in_the_colour():
    out = image_draw_text(black(), "Hi", 100, 30, 24, "#ff0000", False, "#000000", 0)
    assert out.shape == (2, 80, 200, 3) and out.dtype == np.float32
    ys, xs = np.nonzero(out[0, :, :, 0] > 0.5)
    assert xs.min() >= 100 and ys.min() >= 30 and ys.max() < 30 + 24 * 2
    assert out[..., 1:].max() == 0.0  # pure red: no green or blue
    np.testing.assert_array_equal(out[0], out[1])  # every frame gets the text


def test_background_box_surrounds_the_text():
    out = image_draw_text(black(), "Box", 40, 20, 20, "#ffffff", True, "#0000ff", 6)
    blue_only = (out[0, :, :, 2] > 0.99) & (out[0, :, :, 0] < 0.01)
    ys, xs = np.nonzero(blue_only)
    assert xs.min() <= 40 - 6 + 1 and ys.min() <= 20
    assert out[0, 0, 0, 2] == 0.0  # outside the box stays black


def test_cjk_text_does_not_fail():
    out = image_draw_text(black(), "你好，世界\n第二行", 10, 10, 28, "#ffffff", True, "#333333", 4)
    assert out.shape == (2, 80, 200, 3)
    assert out.max() > 0.0


def test_empty_text_leaves_the_image_alone():
    image = black()
    np.testing.assert_array_equal(image_draw_text(image, "", 0, 0, 20, "#ffffff", True, "#ffffff", 4), image)


def test_bad_colour_names_the_input():
    with pytest.raises(ValueError, match="box_color"):
        image_draw_text(black(), "x", 0, 0, 20, "#fff", True, "blue", 4)
