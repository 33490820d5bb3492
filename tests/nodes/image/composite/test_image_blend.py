from __future__ import annotations

import numpy as np
import pytest

from nodes.image.composite.image_blend import image_blend


def flat(value, height=2, width=2):
    return np.full((1, height, width, 3), value, np.float32)


@pytest.mark.parametrize("mode,expected", [
    ("normal", 0.8),
    ("multiply", 0.4 * 0.8),
    ("screen", 1 - 0.6 * 0.2),
    ("overlay", 2 * 0.4 * 0.8),
    ("soft_light", 0.4 + 0.6 * (np.sqrt(0.4) - 0.4)),
    ("difference", 0.0),  # ComfyUI's difference is image1 - image2, clamped at 0
])
def test_blend_modes_at_full_factor(mode, expected):
    out = image_blend(flat(0.4), flat(0.8), 1.0, mode)
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_factor_mixes_with_image1():
    np.testing.assert_allclose(image_blend(flat(0.2), flat(1.0), 0.25, "normal"), 0.4, atol=1e-6)
    np.testing.assert_allclose(image_blend(flat(0.2), flat(1.0), 0.0, "multiply"), 0.2, atol=1e-6)


def test_image2_is_resized_to_image1():
    out = image_blend(flat(0.2, 4, 6), flat(0.6, 2, 3), 1.0, "normal")
    assert out.shape == (1, 4, 6, 3)
    np.testing.assert_allclose(out, 0.6, atol=1e-5)


def test_mismatched_batches_name_the_inputs():
    with pytest.raises(ValueError, match="image2 has 2 frames but image1 has 3"):
        image_blend(np.zeros((3, 2, 2, 3), np.float32), np.zeros((2, 2, 2, 3), np.float32), 0.5, "normal")
