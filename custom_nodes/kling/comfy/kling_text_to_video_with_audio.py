"""KlingTextToVideoWithAudio ("Kling 2.6 Text to Video with Audio")."""
from __future__ import annotations

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from ..models import SoundVideoRequest
from . import TABLE
from .pricing import WITH_AUDIO
from .tasks import required_prompt, sound, video_task


@comfy_node(TABLE["KlingTextToVideoWithAudio"], provider=KlingClient, price=WITH_AUDIO)
async def kling_text_to_video_with_audio(ctx: NodeContext, *, model_name: str, prompt: str, mode: str,
                                         aspect_ratio: str, duration: int, generate_audio: bool = True) -> Video:
    """Generate a video with sound from text with Kling 2.6 on your own keys."""
    request = SoundVideoRequest(model_name=model_name, prompt=required_prompt("prompt", prompt), mode=mode,
                                aspect_ratio=aspect_ratio, duration=str(duration), sound=sound(generate_audio))
    return await video_task(ctx, "text2video", request)
