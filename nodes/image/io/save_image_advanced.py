"""SaveImageAdvanced: SaveImage with a format choice (ComfyUI's node, a V3 dynamic
combo: ``format`` = ``png`` brings ``format.bit_depth`` and
``format.input_color_space``). Files are ``<prefix>_<counter:05>.png`` with the prompt
and workflow embedded. 8-bit PNG is written; 16-bit PNG and EXR are refused by name
rather than saved differently."""
from __future__ import annotations

from typing import Any

import numpy as np

from keroro_graph.api import NodeContext, Result, comfy_node, media
from nodes.image._pixels import check_image
from nodes.image.io._files import SaveTarget, png_metadata

DECLARATION = {
    "name": "SaveImageAdvanced", "display_name": "Save Image (Advanced)", "category": "image",
    "input": {"required": {
        "images": ["IMAGE", {}],
        "filename_prefix": ["STRING", {"default": "ComfyUI", "multiline": False}],
        "format": ["COMFY_DYNAMICCOMBO_V3", {"options": [
            {"key": "png", "inputs": {"required": {
                "bit_depth": ["COMBO", {"advanced": True, "default": "8-bit", "multiselect": False,
                                        "options": ["8-bit", "16-bit"]}],
                "input_color_space": ["COMBO", {"advanced": True, "default": "sRGB", "multiselect": False,
                                                "options": ["sRGB"]}]}}},
            {"key": "exr", "inputs": {"required": {
                "bit_depth": ["COMBO", {"advanced": True, "default": "32-bit float", "multiselect": False,
                                        "options": ["32-bit float"]}],
                "input_color_space": ["COMBO", {"advanced": True, "default": "sRGB", "multiselect": False,
                                                "options": ["sRGB", "HDR", "linear"]}]}}}]}],
    }},
    "input_order": {"required": ["images", "filename_prefix", "format"]},
    "output": ["IMAGE"], "output_name": ["images"], "output_is_list": [False], "output_node": True,
}


@comfy_node(DECLARATION)
def save_image_advanced(ctx: NodeContext, images: np.ndarray, filename_prefix: str, format: dict[str, Any]) -> Result:  # noqa: A002
    """Save images in a chosen format, with the workflow embedded."""
    chosen, depth = format.get("format"), format.get("bit_depth")
    if chosen != "png" or depth != "8-bit":
        raise ValueError(f"format {chosen!r} with format.bit_depth {depth!r} is not supported yet; "
                         "choose png and 8-bit")
    frames = check_image(images, "images")
    target = SaveTarget(ctx.paths.output, filename_prefix, kind="output", width=frames.shape[2],
                        height=frames.shape[1])
    metadata = png_metadata(ctx)
    saved = []
    for index, frame in enumerate(frames):
        ctx.check_cancelled()
        path, entry = target.claim("png", index, trailing="")
        with path.open("wb") as stream:
            media.to_pil(frame).save(stream, "PNG", pnginfo=metadata, compress_level=4)
        saved.append(entry)
    return Result(images, ui={"images": saved})
