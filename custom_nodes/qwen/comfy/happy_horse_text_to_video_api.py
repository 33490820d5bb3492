"""HappyHorseTextToVideoApi: a HappyHorse video from a prompt (ratio, 720P/1080P,
3–15 s)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, required, video_task


@comfy_node(TABLE["HappyHorseTextToVideoApi"], provider=DashScopeClient)
async def happy_horse_text_to_video_api(ctx: NodeContext, *, model: dict[str, Any], seed: int,
                                        watermark: bool) -> Video:
    """Generate a HappyHorse video from text on your own DashScope key."""
    return await video_task(ctx, body(model["model"], {"prompt": required("model.prompt", model["prompt"])},
                                      {"resolution": model["resolution"], "ratio": model["ratio"],
                                       "duration": model["duration"], "seed": seed, "watermark": watermark}))
