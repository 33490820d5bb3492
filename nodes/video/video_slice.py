"""Video Slice ("Trim Video"): the part of a VIDEO from ``start_time`` (negative:
counted from the end) lasting ``duration`` seconds, 0 meaning to the end (ComfyUI's
node). Nothing is decoded here: the trim travels with the value."""
from __future__ import annotations

from typing import Annotated

from keroro_graph.api import VIDEO, Bool, Float, VideoError, node


@node("Video Slice", display_name="Trim Video")
def video_slice(
    video: VIDEO,
    start_time: Annotated[float, Float(default=0.0, min=-100000.0, max=100000.0, step=0.001)],
    duration: Annotated[float, Float(default=0.0, min=0.0, step=0.001)],
    strict_duration: Annotated[bool, Bool(default=False)],
) -> VIDEO:
    """Keep only part of a video."""
    try:
        return video.trimmed(start_time, duration, strict=strict_duration)
    except VideoError as exc:
        raise ValueError(f"Failed to slice video: {exc} (source duration {video.duration_s} s, "
                         f"start_time {start_time}, duration {duration})") from exc
