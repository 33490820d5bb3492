"""GetVideoComponents: a VIDEO's frames, sound, frame rate and bit depth (ComfyUI's
node). The audio output is None when the video has no sound."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import AUDIO, IMAGE, VIDEO, Output, VideoError, node


@node("GetVideoComponents")
def get_video_components(video: VIDEO) -> tuple[
        Annotated[IMAGE, Output(name="images")], Annotated[AUDIO, Output(name="audio")],
        Annotated[float, Output(name="fps")], Annotated[int, Output(name="bit_depth")]]:
    """Split a video into its frames, audio, frame rate and bit depth."""
    try:
        parts = video.components()
    except VideoError as exc:
        raise ValueError(f"video {video.path.name!r}: {exc}") from exc
    return parts.images, parts.audio, parts.fps, parts.bit_depth  # type: ignore[return-value]  # audio None: silent
