"""KlingTextToVideoNode ("Kling Text to Video"): a video from a prompt, with mode,
length and model chosen together as ComfyUI offers them."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import check_prompt
from ..models import Text2VideoRequest
from . import TABLE
from .pricing import MODE_COMBO
from .tasks import cfg, optional_text, parse_mode, video_task_with_id


@comfy_node(TABLE["KlingTextToVideoNode"], provider=KlingClient, price=MODE_COMBO)
async def kling_text_to_video_node(ctx: NodeContext, *, prompt: str, negative_prompt: str, cfg_scale: float,
                                   aspect_ratio: str, mode: str, camera_control: Any = None) -> tuple[Any, str, str]:
    """Generate a video from text with Kling on your own keys."""
    kling_mode, duration, model = parse_mode(mode)
    request = Text2VideoRequest(model_name=model, prompt=check_prompt("prompt", prompt, required=True),
                                negative_prompt=optional_text(negative_prompt), cfg_scale=cfg(model, cfg_scale),
                                mode=kling_mode, aspect_ratio=aspect_ratio, duration=duration)
    return await video_task_with_id(ctx, "text2video", request)
