"""KlingFirstLastFrameNode ("Kling 3.0 First-Last-Frame to Video"): a video that
starts on one frame and ends on another (``image2video`` with ``image_tail``),
720p/1080p/4k, optionally with sound."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..models import SoundVideoRequest
from . import TABLE
from .tasks import frames, mode_for, required_prompt, sound, video_task


@comfy_node(TABLE["KlingFirstLastFrameNode"], provider=KlingClient)
async def kling_first_last_frame_node(ctx: NodeContext, *, prompt: str, duration: int, first_frame: Any,
                                      end_frame: Any, generate_audio: bool, model: dict[str, Any],
                                      seed: int) -> Video:
    """Animate from a first frame to a last frame with Kling 3.0 on your own keys."""
    [image] = frames(first_frame, "first_frame", limit=1)
    [tail] = frames(end_frame, "end_frame", limit=1)
    request = SoundVideoRequest(model_name=model["model"], image=image, image_tail=tail,
                                prompt=required_prompt("prompt", prompt), mode=mode_for(model["resolution"]),
                                duration=str(duration), sound=sound(generate_audio))
    return await video_task(ctx, "image2video", request)
