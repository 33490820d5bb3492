"""HappyHorseImageToVideoApi: a HappyHorse video that starts on a first frame."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_url, video_task


@comfy_node(TABLE["HappyHorseImageToVideoApi"], provider=DashScopeClient)
async def happy_horse_image_to_video_api(ctx: NodeContext, *, model: dict[str, Any], first_frame: Any, seed: int,
                                         watermark: bool) -> Video:
    """Animate a first frame with HappyHorse on your own DashScope key."""
    media = [{"type": "first_frame", "url": image_url(first_frame, "first_frame", min_side=300)}]
    return await video_task(ctx, body(model["model"], {"prompt": model["prompt"], "media": media},
                                      {"resolution": model["resolution"], "duration": model["duration"],
                                       "seed": seed, "watermark": watermark}))
