"""JoinImageWithAlpha and SplitImageWithAlpha (alpha = 1 - mask, as in ComfyUI)."""
from __future__ import annotations

import numpy as np

from nodes.mask.join_image_with_alpha import join_image_with_alpha
from nodes.mask.split_image_with_alpha import split_image_with_alpha


def test_join_uses_one_minus_mask_as_alpha(ramp):
    image = ramp(2, 3)
    mask = np.array([[[1.0, 0.0, 0.25], [0.0, 0.0, 0.0]]], np.float32)
    out = join_image_with_alpha(image, mask)
    assert out.shape == (1, 2, 3, 4)
    np.testing.assert_array_equal(out[..., :3], image)
    np.testing.assert_allclose(out[0, 0, :, 3], [0.0, 1.0, 0.75])


def test_join_resizes_the_mask_and_uses_the_shorter_batch(ramp):
    out = join_image_with_alpha(ramp(4, 4, batch=3), np.zeros((2, 2, 2), np.float32))
    assert out.shape == (2, 4, 4, 4)
    np.testing.assert_allclose(out[..., 3], 1.0)


def test_split_then_join_round_trips():
    rgba = np.random.default_rng(3).random((2, 3, 3, 4), dtype=np.float32)
    rgb, mask = split_image_with_alpha(rgba)
    assert rgb.shape == (2, 3, 3, 3) and mask.shape == (2, 3, 3)
    np.testing.assert_allclose(mask, 1.0 - rgba[..., 3])
    np.testing.assert_allclose(join_image_with_alpha(rgb, mask), rgba, atol=1e-6)


def test_split_of_rgb_gives_an_empty_mask(ramp):
    _, mask = split_image_with_alpha(ramp())
    assert mask.shape == (1, 4, 6) and not mask.any()
