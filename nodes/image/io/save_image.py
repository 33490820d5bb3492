"""SaveImage: write every frame of an IMAGE batch as a PNG into the output folder,
named ``<prefix>_<counter:05>_.png`` with the counter continuing after the highest
existing file, and carrying the prompt and workflow as PNG text chunks so the file
can be dropped back onto the canvas (ComfyUI's format).
"""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import IMAGE, Input, NodeContext, Output, Result, Text, node
from nodes.image._pixels import check_image
from nodes.image.io._files import save_frames


@node("SaveImage", output=True)
def save_image(
    ctx: NodeContext,
    images: Annotated[IMAGE, Input(tooltip="The images to save; one file per frame.")],
    filename_prefix: Annotated[str, Text(
        default="ComfyUI",
        tooltip="File name prefix; may include a subfolder (renders/shot) and "
                "%width%, %height%, %year%, %month%, %day%, %hour%, %minute%, %second%.")],
) -> Annotated[IMAGE, Output(name="images")]:
    """Save images as PNG files in the output folder, with the workflow embedded."""
    frames = check_image(images, "images")
    saved = save_frames(ctx, frames, root=ctx.paths.output, prefix=filename_prefix,
                        kind="output", compress_level=4)
    return Result(images, ui={"images": saved})  # type: ignore[return-value]
