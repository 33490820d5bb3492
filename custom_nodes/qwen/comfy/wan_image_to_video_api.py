"""WanImageToVideoApi: a Wan 2.5/2.6 video from one image, optionally with audio."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import audio_url, body, image_url, refuse, video_task


@comfy_node(TABLE["WanImageToVideoApi"], provider=DashScopeClient)
async def wan_image_to_video_api(ctx: NodeContext, *, model: str, image: Any, prompt: str, negative_prompt: str = "",
                                 resolution: str = "720P", duration: int = 5, audio: Any = None, seed: int = 0,
                                 generate_audio: bool = False, prompt_extend: bool = True, watermark: bool = False,
                                 shot_type: str = "single") -> Video:
    """Animate an image with Wan on your own DashScope key."""
    if image.ndim == 4 and image.shape[0] != 1:
        raise refuse(f"image: exactly one image is needed, not {image.shape[0]}")
    if resolution == "480P" and model == "wan2.6-i2v":
        raise refuse("resolution: wan2.6-i2v has no 480P")
    if duration == 15 and model == "wan2.5-i2v-preview":
        raise refuse("duration: 15 s needs wan2.6-i2v")
    inputs = {"prompt": prompt, "negative_prompt": negative_prompt, "img_url": image_url(image, "image"),
              "audio_url": audio_url(audio)}
    return await video_task(ctx, body(model, inputs, {
        "resolution": resolution, "duration": duration, "seed": seed, "audio": generate_audio or None,
        "prompt_extend": prompt_extend, "watermark": watermark, "shot_type": shot_type}))
