"""KlingImage2VideoNode ("Kling Image(First Frame) to Video")."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import Image2VideoRequest
from . import TABLE
from .pricing import MODEL_NAME
from .tasks import cfg, frames, optional_text, video_task_with_id


@comfy_node(TABLE["KlingImage2VideoNode"], provider=KlingClient, price=MODEL_NAME)
async def kling_image2_video_node(ctx: NodeContext, *, start_frame: Any, prompt: str, negative_prompt: str,
                                  model_name: str, cfg_scale: float, mode: str, aspect_ratio: str,
                                  duration: str) -> tuple[Any, str, str]:
    """Animate a first frame with Kling on your own keys."""
    [image] = frames(start_frame, "start_frame", limit=1)
    if mode == "std" and model_name == "kling-v2-5-turbo":
        mode = "pro"  # as ComfyUI: Kling serves this model in pro mode only
    request = Image2VideoRequest(model_name=model_name, image=image, prompt=optional_text(prompt),
                                 negative_prompt=optional_text(negative_prompt), cfg_scale=cfg(model_name, cfg_scale),
                                 mode=mode, duration=duration)
    return await video_task_with_id(ctx, "image2video", request)
