"""GetImageSize: an IMAGE's width, height and batch size, also shown on the node
(ComfyUI's node)."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, NodeContext, Output, node
from nodes.image._pixels import check_image


@node("GetImageSize")
def get_image_size(ctx: NodeContext, image: IMAGE) -> tuple[
        Annotated[int, Output(name="width")], Annotated[int, Output(name="height")],
        Annotated[int, Output(name="batch_size")]]:
    """Width, height and batch size of an image."""
    frames = check_image(image, "image")
    batch, height, width = frames.shape[:3]
    ctx.text(f"width: {width}, height: {height}\n batch size: {batch}")
    return int(width), int(height), int(batch)
