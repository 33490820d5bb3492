"""LoadVideo: a video file from the input folder as a VIDEO (ComfyUI's node). Frames
and audio are decoded only when a later node asks for them."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import VIDEO, Combo, NodeContext, node
from nodes.image.io._files import check_file, modified_time
from nodes.video._files import list_videos, open_video


def _fingerprint(ctx: NodeContext, file: str) -> str:
    return modified_time(ctx, file, "file")


def _validate(ctx: NodeContext, file: str) -> bool | str:
    return check_file(ctx, file, "file")


@node("LoadVideo", fingerprint=_fingerprint, validate=_validate)
def load_video(
    ctx: NodeContext,
    file: Annotated[str, Combo(options=list_videos, video_upload=True, tooltip="A video file in the input folder.")],
) -> VIDEO:
    """Load a video file; its frames and sound are read when needed."""
    return open_video(ctx, file, "file")
