"""WanTextToVideoApi: a Wan 2.5/2.6 video from a prompt at a fixed size, optionally
with audio."""
from __future__ import annotations

import re
from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import audio_url, body, refuse, required, video_task

_SIZE = re.compile(r"\((\d+)x(\d+)\)")


@comfy_node(TABLE["WanTextToVideoApi"], provider=DashScopeClient)
async def wan_text_to_video_api(ctx: NodeContext, *, model: str, prompt: str, negative_prompt: str = "",
                                size: str = "720p: 1:1 (960x960)", duration: int = 5, audio: Any = None,
                                seed: int = 0, generate_audio: bool = False, prompt_extend: bool = True,
                                watermark: bool = False, shot_type: str = "single") -> Video:
    """Generate a Wan video from text on your own DashScope key."""
    if "480p" in size and model == "wan2.6-t2v":
        raise refuse("size: wan2.6-t2v has no 480p sizes")
    if duration == 15 and model == "wan2.5-t2v-preview":
        raise refuse("duration: 15 s needs wan2.6-t2v")
    width, height = _SIZE.search(size).groups()  # type: ignore[union-attr]
    inputs = {"prompt": required("prompt", prompt), "negative_prompt": negative_prompt, "audio_url": audio_url(audio)}
    return await video_task(ctx, body(model, inputs, {
        "size": f"{width}*{height}", "duration": duration, "seed": seed, "audio": generate_audio or None,
        "prompt_extend": prompt_extend, "watermark": watermark, "shot_type": shot_type}))
