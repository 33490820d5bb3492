"""HappyHorseVideoEditApi: edit a video by prompt and reference images with HappyHorse."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .edits import edit_video


@comfy_node(TABLE["HappyHorseVideoEditApi"], provider=DashScopeClient)
async def happy_horse_video_edit_api(ctx: NodeContext, *, model: dict[str, Any], video: Any, seed: int,
                                     watermark: bool) -> Video:
    """Edit a video with HappyHorse on your own DashScope key."""
    return await edit_video(ctx, model, video, {"watermark": watermark, "seed": seed})
