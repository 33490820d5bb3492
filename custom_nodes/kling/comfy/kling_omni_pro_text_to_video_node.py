"""KlingOmniProTextToVideoNode ("Kling 3.0 Omni Text to Video"): a video from a prompt
(or storyboard shots) with Kling's Omni model."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import KlingClient
from . import TABLE
from .omni import omni_video


@comfy_node(TABLE["KlingOmniProTextToVideoNode"], provider=KlingClient)
async def kling_omni_pro_text_to_video_node(ctx: NodeContext, *, model_name: str, prompt: str, aspect_ratio: str,
                                            duration: int, resolution: str = "1080p", storyboards: Any = None,
                                            generate_audio: bool = False, seed: int = 0) -> Video:
    """Generate a video from text with Kling Omni on your own keys."""
    return await omni_video(ctx, model_name=model_name, prompt=prompt, duration=duration, resolution=resolution,
                            storyboards=storyboards, generate_audio=generate_audio, aspect_ratio=aspect_ratio,
                            any_duration=False)
