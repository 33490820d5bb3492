"""End to end: the mask editor paints a mask over a Load Image picture and saves it
through /upload/mask into input/clipspace/; the node then loads that file, whose
painted pixels are transparent (LoadImage's MASK)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image

from .conftest import Canvas


def test_mask_editor_saves_a_mask_into_input(canvas: Canvas, tmp_path: Path) -> None:
    picture = tmp_path / "masked.png"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture)
    node = canvas.search_add("Load Image")
    canvas.page.get_by_test_id(f"upload-{node}").set_input_files(str(picture))
    canvas.page.wait_for_function(f"() => window.__app.graph.getState().nodes.find(n => n.id === '{node}').data.widgets.image === 'masked.png'")
    canvas.node(node).get_by_role("button", name="Edit mask…").click()
    paint = canvas.page.get_by_label("Paint the mask")
    paint.wait_for()
    box = paint.bounding_box()
    canvas.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    canvas.page.mouse.down()
    canvas.page.mouse.move(box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.5, steps=8)
    canvas.page.mouse.up()
    canvas.page.get_by_role("button", name="Save mask").click()
    canvas.page.wait_for_function(f"() => window.__app.graph.getState().nodes.find(n => n.id === '{node}').data.widgets.image.startsWith('clipspace/')")
    value = canvas.js(f"() => window.__app.graph.getState().nodes.find(n => n.id === '{node}').data.widgets.image")
    assert value.endswith(" [input]")
    saved = canvas.server.user_dir / "input" / value[: -len(" [input]")]
    with Image.open(saved) as img:
        alpha = img.convert("RGBA").getchannel("A")
        w, h = img.size
        assert alpha.getpixel((w // 2, h // 2)) == 0  # painted: masked
        assert alpha.getpixel((2, 2)) == 255  # untouched corner
    # The node's new value is one the server accepts (ComfyUI's "clipspace/... [input]").
    checked = canvas.server.post("/api/workflows/validate", {"prompt": {
        "1": {"class_type": "LoadImage", "inputs": {"image": value}},
        "2": {"class_type": "MaskToImage", "inputs": {"mask": ["1", 1]}},
        "3": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": "e2e/mask"}}}})
    assert checked["valid"], checked
