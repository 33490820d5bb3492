"""CreateVideo: an IMAGE batch (and optional AUDIO) as a VIDEO (ComfyUI's node). The
frames are encoded at once as H.264 (AAC sound) into the temp folder, keyed by job and
node, so SaveVideo only copies the file."""
from __future__ import annotations

import re
from typing import Annotated

from keroro_graph.api import AUDIO, IMAGE, VIDEO, Float, Int, NodeContext, Video, node, video
from nodes.image._pixels import check_image


@node("CreateVideo")
def create_video(
    ctx: NodeContext,
    images: IMAGE,
    fps: Annotated[float, Float(default=30.0, min=1.0, max=120.0, step=1.0)],
    audio: AUDIO | None = None,
    bit_depth: Annotated[int | None, Int(default=8, min=8, max=10, step=2, display="number")] = None,
) -> VIDEO:
    """Make a video from images, with sound when audio is connected."""
    frames = check_image(images, "images")
    bit_depth = 8 if bit_depth is None else bit_depth
    if bit_depth not in (8, 10):
        raise ValueError(f"bit_depth must be 8 or 10; got {bit_depth}")
    folder = ctx.paths.temp / "video"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{ctx.job_id or 'job'}_{ctx.node_id or 'node'}") + ".mp4"
    partial = folder / (name + ".part")
    try:
        video.encode_video(partial, frames, fps=fps, audio=audio, bit_depth=bit_depth)
        partial.replace(folder / name)
    finally:
        partial.unlink(missing_ok=True)
    return Video.open(folder / name)
