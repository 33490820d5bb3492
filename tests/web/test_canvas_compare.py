"""End to end: ImageCompare's two images show on the node with a slider between them."""
from __future__ import annotations

from .conftest import Canvas

COMPARE = {"1": {"class_type": "ImageGradient", "inputs": {"width": 64, "height": 48}},
           "2": {"class_type": "ImageInvert", "inputs": {"image": ["1", 0]}},
           "3": {"class_type": "ImageCompare", "inputs": {"image_a": ["1", 0], "image_b": ["2", 0]}}}


def test_image_compare_shows_a_slider_between_two_images(canvas: Canvas) -> None:
    canvas.load(COMPARE, "compare")
    canvas.run()
    canvas.wait_idle()
    assert canvas.js("() => window.__app.runtime.getState().lastDone.status") == "success"
    view = canvas.node("3").locator(".kg-compare")
    view.locator("img").nth(1).wait_for()
    top = view.locator("img").nth(1)
    assert "inset(0px 50%" in top.evaluate("e => getComputedStyle(e).clipPath")
    view.get_by_label("Compare: show more of image A").fill("80")
    assert "inset(0px 20%" in top.evaluate("e => getComputedStyle(e).clipPath")
