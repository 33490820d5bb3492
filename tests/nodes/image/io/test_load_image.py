from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from keroro_graph.registry import node_info
from nodes.image.io.load_image import _fingerprint, _validate, load_image


def write_rgba(path, alpha_values):
    """A 2x2 RGBA PNG with distinct colours and the given alpha per pixel."""
    rgba = np.array([[[255, 0, 0, 0], [0, 255, 0, 0]], [[0, 0, 255, 0], [255, 255, 255, 0]]], np.uint8)
    rgba[..., 3] = np.array(alpha_values, np.uint8).reshape(2, 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgba, "RGBA").save(path)
    return rgba


def test_rgba_png_gives_rgb_image_and_inverted_alpha_as_mask(ctx, paths):
    rgba = write_rgba(paths.input / "cut.png", [255, 0, 128, 64])
    image, mask = load_image(ctx, "cut.png")
    assert image.shape == (1, 2, 2, 3) and image.dtype == np.float32
    assert mask.shape == (1, 2, 2) and mask.dtype == np.float32
    np.testing.assert_allclose(image[0], rgba[..., :3] / 255.0)
    np.testing.assert_allclose(mask[0], 1.0 - rgba[..., 3] / 255.0, atol=1e-6)
    assert mask[0, 0, 0] == 0.0 and mask[0, 0, 1] == 1.0


def test_image_without_alpha_gets_a_64x64_zero_mask(ctx, paths):
    Image.new("RGB", (5, 3), (10, 20, 30)).save(paths.input / "plain.jpg", quality=100)
    image, mask = load_image(ctx, "plain.jpg")
    assert image.shape == (1, 3, 5, 3)
    assert mask.shape == (1, 64, 64) and not mask.any()


def test_animated_gif_becomes_a_batch(ctx, paths):
    frames = [Image.new("RGB", (4, 4), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(paths.input / "anim.gif", save_all=True, append_images=frames[1:], duration=50)
    image, mask = load_image(ctx, "anim.gif")
    assert image.shape == (3, 4, 4, 3)
    assert mask.shape[0] == 3
    assert image[0, 0, 0].argmax() == 0 and image[1, 0, 0].argmax() == 1 and image[2, 0, 0].argmax() == 2


def test_exif_orientation_is_applied(ctx, paths):
    img = Image.new("RGB", (6, 2), (200, 100, 50))
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: rotate 90 degrees clockwise to display
    img.save(paths.input / "phone.jpg", exif=exif)
    image, _ = load_image(ctx, "phone.jpg")
    assert image.shape == (1, 6, 2, 3)


def test_subfolder_names_load(ctx, paths):
    write_rgba(paths.input / "sub" / "x.png", [255, 255, 255, 255])
    image, mask = load_image(ctx, "sub/x.png")
    assert image.shape == (1, 2, 2, 3) and not mask.any()


def test_output_annotation_reads_the_output_folder(ctx, paths):
    write_rgba(paths.output / "made.png", [0, 0, 0, 0])
    _, mask = load_image(ctx, "made.png [output]")
    assert mask.min() == 1.0


@pytest.mark.parametrize("name", ["../secret.png", "sub/../../secret.png", "/etc/passwd", "C:\\x.png",
                                  "..\\secret.png"])
def test_names_that_escape_the_input_folder_are_refused(ctx, paths, name):
    write_rgba(paths.input.parent / "secret.png", [255] * 4)
    with pytest.raises(ValueError, match="image"):
        load_image(ctx, name)
    message = _validate(ctx, name)
    assert isinstance(message, str) and repr(name) in message


def test_symlink_out_of_the_input_folder_is_refused(ctx, paths):
    write_rgba(paths.input.parent / "secret.png", [255] * 4)
    (paths.input / "link.png").symlink_to(paths.input.parent / "secret.png")
    with pytest.raises(ValueError, match="outside the input folder"):
        load_image(ctx, "link.png")


def test_validate_reports_a_missing_file_in_comfyui_words(ctx, paths):
    assert _validate(ctx, "nope.png") == "Invalid image file: nope.png"
    write_rgba(paths.input / "yes.png", [255] * 4)
    assert _validate(ctx, "yes.png") is True


def test_undecodable_file_is_a_clear_error(ctx, paths):
    (paths.input / "broken.png").write_bytes(b"this is not a png")
    with pytest.raises(ValueError, match=r"'broken.png' could not be decoded"):
        load_image(ctx, "broken.png")


def test_fingerprint_follows_the_file_contents(ctx, paths):
    write_rgba(paths.input / "a.png", [255] * 4)
    first = _fingerprint(ctx, "a.png")
    assert first == _fingerprint(ctx, "a.png") and len(first) == 64
    write_rgba(paths.input / "a.png", [0] * 4)
    assert _fingerprint(ctx, "a.png") != first


def test_combo_lists_images_in_the_input_folder_sorted(ctx, paths):
    for name in ("b.png", "a.jpg", "sub/c.webp", ".hidden.png", ".cache/d.png"):
        (paths.input / name).parent.mkdir(parents=True, exist_ok=True)
        (paths.input / name).write_bytes(b"x")
    (paths.input / "notes.txt").write_text("not an image")
    info = node_info(load_image.__node_spec__, ctx)
    choices, options = info["input"]["required"]["image"]
    assert choices == ["a.jpg", "b.png", "sub/c.webp"]
    assert options["image_upload"] is True
    assert node_info(load_image.__node_spec__)["input"]["required"]["image"][0] == []
