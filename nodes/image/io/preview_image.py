"""PreviewImage: like SaveImage but into the temp folder (cleaned between runs) with
a random prefix and fast compression, so the canvas can show the frames without
filling the output folder.
"""
from __future__ import annotations

import random
import string
from typing import Annotated

from keroro_graph.api import IMAGE, Input, NodeContext, Output, Result, node
from nodes.image._pixels import check_image
from nodes.image.io._files import save_frames


@node("PreviewImage", output=True)
def preview_image(
    ctx: NodeContext,
    images: Annotated[IMAGE, Input(tooltip="The images to show on the node.")],
) -> Annotated[IMAGE, Output(name="images")]:
    """Show images on the node without keeping them."""
    frames = check_image(images, "images")
    # A random prefix keeps previews of different nodes and jobs from sharing counters.
    suffix = "".join(random.choice(string.ascii_lowercase) for _ in range(5))
    saved = save_frames(ctx, frames, root=ctx.paths.temp, prefix=f"ComfyUI_temp_{suffix}",
                        kind="temp", compress_level=1)
    return Result(images, ui={"images": saved})  # type: ignore[return-value]
