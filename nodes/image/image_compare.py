"""ImageCompare: show two images on the node with a slider between them (ComfyUI's
node). Both are written as previews into the temp folder; the ui carries them as
``a_images`` and ``b_images`` as ComfyUI does."""
from __future__ import annotations

import random
import string
from typing import Annotated, Any

from keroro_graph.api import IMAGE, Input, NodeContext, Result, node, socket
from nodes.image._pixels import check_image
from nodes.image.io._files import save_frames

IMAGECOMPARE = socket("IMAGECOMPARE")


@node("ImageCompare", output=True, experimental=True)
def image_compare(
    ctx: NodeContext,
    compare_view: Annotated[IMAGECOMPARE, Input(socketless=True, tooltip="The comparison view.")],
    image_a: IMAGE | None = None,
    image_b: IMAGE | None = None,
) -> Result:
    """Compare two images with a slider."""
    ui: dict[str, Any] = {"a_images": [], "b_images": []}
    for key, name, value in (("a_images", "image_a", image_a), ("b_images", "image_b", image_b)):
        if value is not None:
            suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(5))
            ui[key] = save_frames(ctx, check_image(value, name),
                                  root=ctx.paths.temp, prefix=f"ComfyUI_temp_{suffix}", kind="temp",
                                  compress_level=1)
    return Result(ui=ui)
