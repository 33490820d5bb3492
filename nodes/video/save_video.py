"""SaveVideo: write a VIDEO into the output folder as MP4 (ComfyUI's node), with the
prompt and workflow as container tags, shown on the node as ComfyUI shows it
(``{"images": [...], "animated": [true]}``). An untrimmed H.264 MP4 is copied;
anything else is re-encoded (H.264, AAC)."""
from __future__ import annotations

from typing import Annotated, Literal

from keroro_graph.api import VIDEO, NodeContext, Output, Result, Text, node
from nodes.image.io._files import SaveTarget
from nodes.video._files import saved_metadata


@node("SaveVideo", output=True)
def save_video(
    ctx: NodeContext,
    video: VIDEO,
    filename_prefix: Annotated[str, Text(default="video/ComfyUI", tooltip="File name prefix; may hold a subfolder.")],
    format: Literal["auto", "mp4"] = "auto",  # noqa: A002 - ComfyUI's input name
    codec: Literal["auto", "h264"] = "auto",
) -> Annotated[VIDEO, Output(name="video")]:
    """Save a video to the output folder."""
    target = SaveTarget(ctx.paths.output, filename_prefix, kind="output", width=video.width or 0,
                        height=video.height or 0)
    path, entry = target.claim("mp4")
    try:
        video.save_to(path, metadata=saved_metadata(ctx))
    except Exception:
        path.unlink(missing_ok=True)
        raise
    return Result(video, ui={"images": [entry], "animated": [True]})  # type: ignore[return-value]
