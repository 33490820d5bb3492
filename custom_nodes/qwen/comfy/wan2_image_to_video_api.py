"""Wan2ImageToVideoApi: a Wan 2.7 video from a first frame (and optional last frame
and driving audio)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import audio_url, body, image_url, video_task


@comfy_node(TABLE["Wan2ImageToVideoApi"], provider=DashScopeClient)
async def wan2_image_to_video_api(ctx: NodeContext, *, model: dict[str, Any], first_frame: Any, seed: int,
                                  prompt_extend: bool, watermark: bool, last_frame: Any = None,
                                  audio: Any = None) -> Video:
    """Animate a first frame with Wan 2.7 on your own DashScope key."""
    media: list[dict[str, Any]] = [{"type": "first_frame", "url": image_url(first_frame, "first_frame")}]
    if last_frame is not None:
        media.append({"type": "last_frame", "url": image_url(last_frame, "last_frame")})
    if audio is not None:
        media.append({"type": "driving_audio", "url": audio_url(audio)})
    return await video_task(ctx, body(model["model"], {"prompt": model["prompt"],
                                                       "negative_prompt": model["negative_prompt"], "media": media},
                                      {"resolution": model["resolution"], "duration": model["duration"],
                                       "seed": seed, "prompt_extend": prompt_extend, "watermark": watermark}))
