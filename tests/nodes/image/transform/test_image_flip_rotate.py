"""ImageFlip and ImageRotate: where a known pixel ends up."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.transform.image_flip import image_flip
from nodes.image.transform.image_rotate import image_rotate


def marked(height=3, width=5):
    """Black image with a white pixel at the top-left corner."""
    image = np.zeros((1, height, width, 3), np.float32)
    image[0, 0, 0] = 1.0
    return image


def corner(image):
    rows, cols = np.nonzero(image[0, :, :, 0])
    return int(rows[0]), int(cols[0])


def test_flip_x_axis_turns_upside_down():
    assert corner(image_flip(marked(), "x-axis: vertically")) == (2, 0)


def test_flip_y_axis_mirrors_left_to_right():
    assert corner(image_flip(marked(), "y-axis: horizontally")) == (0, 4)


@pytest.mark.parametrize("rotation,shape,where", [
    ("none", (3, 5), (0, 0)),
    ("90 degrees", (5, 3), (0, 2)),   # clockwise: top-left goes to top-right
    ("180 degrees", (3, 5), (2, 4)),
    ("270 degrees", (5, 3), (4, 0)),
])
def test_rotate_is_clockwise(rotation, shape, where):
    out = image_rotate(marked(), rotation)
    assert out.shape[1:3] == shape
    assert corner(out) == where


def test_bad_choices_name_the_input():
    with pytest.raises(ValueError, match="rotation"):
        image_rotate(marked(), "45 degrees")
    with pytest.raises(ValueError, match="flip_method"):
        image_flip(marked(), "z-axis")
