"""KlingImageToVideoWithAudio ("Kling 2.6 Image(First Frame) to Video with Audio")."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..models import SoundVideoRequest
from . import TABLE
from .pricing import WITH_AUDIO
from .tasks import frames, required_prompt, sound, video_task


@comfy_node(TABLE["KlingImageToVideoWithAudio"], provider=KlingClient, price=WITH_AUDIO)
async def kling_image_to_video_with_audio(ctx: NodeContext, *, model_name: str, start_frame: Any, prompt: str,
                                          mode: str, duration: int, generate_audio: bool = True) -> Video:
    """Animate a first frame into a video with sound with Kling 2.6 on your own keys."""
    [image] = frames(start_frame, "start_frame", limit=1)
    request = SoundVideoRequest(model_name=model_name, image=image, prompt=required_prompt("prompt", prompt),
                                mode=mode, duration=str(duration), sound=sound(generate_audio))
    return await video_task(ctx, "image2video", request)
