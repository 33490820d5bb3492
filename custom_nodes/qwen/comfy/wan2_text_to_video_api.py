"""Wan2TextToVideoApi: a Wan 2.7 video from a prompt, optionally driven by audio."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import audio_url, body, required, video_task


@comfy_node(TABLE["Wan2TextToVideoApi"], provider=DashScopeClient)
async def wan2_text_to_video_api(ctx: NodeContext, *, model: dict[str, Any], seed: int, prompt_extend: bool,
                                 watermark: bool, audio: Any = None) -> Video:
    """Generate a Wan 2.7 video from text on your own DashScope key."""
    inputs = {"prompt": required("model.prompt", model["prompt"]), "negative_prompt": model["negative_prompt"],
              "audio_url": audio_url(audio)}
    return await video_task(ctx, body(model["model"], inputs, {
        "resolution": model["resolution"], "ratio": model["ratio"], "duration": model["duration"], "seed": seed,
        "prompt_extend": prompt_extend, "watermark": watermark}))
