"""ComfyUI's non-model image nodes the API templates use: ImageFromBatch,
GetImageSize, ResizeAndPadImage, ImageScaleToTotalPixels, ImageStitch, ImageCompare,
BatchImagesNode and SaveImageAdvanced, with ComfyUI's arithmetic and ui shapes."""
from __future__ import annotations

import numpy as np
import pytest

from nodes.image.batch.batch_images_node import batch_images_node
from nodes.image.batch.image_from_batch import image_from_batch
from nodes.image.get_image_size import get_image_size
from nodes.image.image_compare import image_compare
from nodes.image.io.save_image_advanced import save_image_advanced
from nodes.image.transform.image_stitch import image_stitch
from nodes.image.transform.resize_and_pad_image import resize_and_pad_image
from nodes.image.upscaling.image_scale_to_total_pixels import image_scale_to_total_pixels


def solid(value: float, batch: int = 1, height: int = 20, width: int = 40) -> np.ndarray:
    return np.full((batch, height, width, 3), value, np.float32)


def test_image_from_batch_clamps_like_comfyui(ramp):
    batch = ramp(2, 2, 5)
    assert np.array_equal(image_from_batch(batch, 1, 2), batch[1:3])
    assert np.array_equal(image_from_batch(batch, -1, 3), batch[4:5])
    assert np.array_equal(image_from_batch(batch, 99, 1), batch[4:5])


def test_get_image_size_shows_it_on_the_node(ctx, events):
    assert get_image_size(ctx, solid(0.5, 3)) == (40, 20, 3)
    assert any("width: 40, height: 20" in getattr(e, "text", "") for e in events)


def test_resize_and_pad_fits_and_centres():
    out = resize_and_pad_image(solid(0.0), 80, 80, "white", "area")
    assert out.shape == (1, 80, 80, 3)
    assert out[0, 0, 0, 0] == 1.0 and out[0, 40, 40, 0] == 0.0  # padding above, picture in the middle
    assert out[0, 19, 40, 0] == 1.0 and out[0, 20, 40, 0] == 0.0


def test_scale_to_total_pixels_rounds_to_steps():
    out = image_scale_to_total_pixels(solid(0.3, height=100, width=200), "bilinear", 0.02, 8)
    # sqrt(0.02 * 1024^2 / 20000) = 1.0240: 204.8 x 102.4, rounded to multiples of 8
    assert out.shape == (1, 104, 208, 3)


def test_stitch_matches_size_adds_spacing_and_orders_by_direction():
    right = image_stitch(solid(0.0), "right", True, 4, "red", solid(1.0, height=10, width=10))
    assert right.shape == (1, 20, 40 + 4 + 20, 3)
    assert np.allclose(right[0, 5, 41], [1.0, 0.0, 0.0]) and right[0, 5, 50, 0] == 1.0
    up = image_stitch(solid(0.0), "up", False, 0, "white", solid(1.0, height=10, width=20))
    assert up.shape == (1, 30, 40, 3) and up[0, 0, 0, 0] == 1.0 and up[0, 5, 15, 0] == 1.0
    assert np.array_equal(image_stitch(solid(0.2), "left", True, 0, "white", None), solid(0.2))


def test_batch_images_joins_in_socket_order_and_resizes():
    out = batch_images_node({"image1": solid(1.0, height=10, width=20), "image0": solid(0.0)})
    assert out.shape == (2, 20, 40, 3) and out[0].max() == 0.0 and out[1].min() == 1.0
    with pytest.raises(ValueError, match="connect at least one image"):
        batch_images_node({})


def test_compare_and_advanced_save_write_comfyuis_ui(ctx, paths):
    compare = image_compare(ctx, ["", ""], solid(0.1), None)
    assert compare.ui["b_images"] == [] and compare.ui["a_images"][0]["type"] == "temp"
    saved = save_image_advanced(ctx, solid(0.4, 2), "adv/shot", {"format": "png", "bit_depth": "8-bit",
                                                                  "input_color_space": "sRGB"})
    names = [e["filename"] for e in saved.ui["images"]]
    assert names == ["shot_00001.png", "shot_00002.png"] and (paths.output / "adv" / names[1]).is_file()
    with pytest.raises(ValueError, match="'exr'.*not supported"):
        save_image_advanced(ctx, solid(0.4), "adv/x", {"format": "exr", "bit_depth": "32-bit float"})
