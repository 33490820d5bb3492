"""KlingStartEndFrameNode ("Kling Start-End Frame to Video")."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import Image2VideoRequest
from . import TABLE
from .pricing import MODE_COMBO
from .tasks import cfg, frames, optional_text, parse_mode, video_task_with_id


@comfy_node(TABLE["KlingStartEndFrameNode"], provider=KlingClient, price=MODE_COMBO)
async def kling_start_end_frame_node(ctx: NodeContext, *, start_frame: Any, end_frame: Any, prompt: str,
                                     negative_prompt: str, cfg_scale: float, aspect_ratio: str,
                                     mode: str) -> tuple[Any, str, str]:
    """Animate from a start frame to an end frame with Kling on your own keys."""
    kling_mode, duration, model = parse_mode(mode)
    [image] = frames(start_frame, "start_frame", limit=1)
    [tail] = frames(end_frame, "end_frame", limit=1)
    request = Image2VideoRequest(model_name=model, image=image, image_tail=tail, prompt=optional_text(prompt),
                                 negative_prompt=optional_text(negative_prompt), cfg_scale=cfg(model, cfg_scale),
                                 mode=kling_mode, duration=duration)
    return await video_task_with_id(ctx, "image2video", request)
