"""Wan2VideoEditApi: edit a video by prompt and reference images with Wan 2.7."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, Video, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .edits import edit_video


@comfy_node(TABLE["Wan2VideoEditApi"], provider=DashScopeClient)
async def wan2_video_edit_api(ctx: NodeContext, *, model: dict[str, Any], video: Any, seed: int, audio_setting: str,
                              watermark: bool) -> Video:
    """Edit a video with Wan 2.7 on your own DashScope key."""
    duration = 0 if model["duration"] == "auto" else int(model["duration"])  # 0: as long as the input, as ComfyUI
    return await edit_video(ctx, model, video, {"duration": duration, "audio_setting": audio_setting,
                                                "watermark": watermark, "seed": seed})
