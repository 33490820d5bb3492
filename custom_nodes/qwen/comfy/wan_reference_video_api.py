"""WanReferenceVideoApi: a Wan 2.6 video starring the characters of up to three
reference videos (sent through DashScope's temporary storage)."""
from __future__ import annotations

import re
from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, refuse, required, video_task, video_url

_SIZE = re.compile(r"\((\d+)x(\d+)\)")


@comfy_node(TABLE["WanReferenceVideoApi"], provider=DashScopeClient)
async def wan_reference_video_api(ctx: NodeContext, *, model: str, prompt: str, negative_prompt: str,
                                  reference_videos: dict[str, Any], size: str, duration: int, seed: int,
                                  shot_type: str, watermark: bool) -> Video:
    """Generate a video from reference videos with Wan on your own DashScope key."""
    if not reference_videos:
        raise refuse("reference_videos: connect at least one reference video")
    urls = [await video_url(ctx, model, clip, f"reference_videos.{name}") for name, clip in reference_videos.items()]
    width, height = _SIZE.search(size).groups()  # type: ignore[union-attr]
    return await video_task(ctx, body(model, {"prompt": required("prompt", prompt), "negative_prompt": negative_prompt,
                                              "reference_video_urls": urls},
                                      {"size": f"{width}*{height}", "duration": duration, "shot_type": shot_type,
                                       "watermark": watermark, "seed": seed}))
