"""Wan2VideoContinuationApi: continue a clip (optionally towards a last frame) with
Wan 2.7."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_url, video_task, video_url


@comfy_node(TABLE["Wan2VideoContinuationApi"], provider=DashScopeClient)
async def wan2_video_continuation_api(ctx: NodeContext, *, model: dict[str, Any], first_clip: Any, seed: int,
                                      prompt_extend: bool, watermark: bool, last_frame: Any = None) -> Video:
    """Continue a video with Wan 2.7 on your own DashScope key."""
    media = [{"type": "first_clip", "url": await video_url(ctx, model["model"], first_clip, "first_clip")}]
    if last_frame is not None:
        media.append({"type": "last_frame", "url": image_url(last_frame, "last_frame")})
    return await video_task(ctx, body(model["model"], {"prompt": model["prompt"],
                                                       "negative_prompt": model["negative_prompt"], "media": media},
                                      {"resolution": model["resolution"], "duration": model["duration"],
                                       "seed": seed, "prompt_extend": prompt_extend, "watermark": watermark}))
