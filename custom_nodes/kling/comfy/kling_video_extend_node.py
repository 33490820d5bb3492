"""KlingVideoExtendNode ("Kling Video Extend"): continue a Kling-made video, named by
the video_id another Kling node returned."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import refuse
from ..models import VideoExtendRequest
from . import TABLE
from .tasks import optional_text, video_task_with_id


@comfy_node(TABLE["KlingVideoExtendNode"], provider=KlingClient)
async def kling_video_extend_node(ctx: NodeContext, *, prompt: str, negative_prompt: str, cfg_scale: float,
                                  video_id: str) -> tuple[Any, str, str]:
    """Extend a Kling video on your own keys."""
    if not (video_id or "").strip():
        raise refuse("video_id: connect the video_id output of another Kling node")
    request = VideoExtendRequest(video_id=video_id.strip(), prompt=optional_text(prompt),
                                 negative_prompt=optional_text(negative_prompt), cfg_scale=cfg_scale)
    return await video_task_with_id(ctx, "video-extend", request)
