"""KlingCameraControlT2VNode ("Kling Text to Video (Camera Control)"): kling-v1,
standard mode, 5 s, with a camera move."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import check_prompt
from ..models import CameraControl, Text2VideoRequest
from . import TABLE
from .tasks import optional_text, video_task_with_id


@comfy_node(TABLE["KlingCameraControlT2VNode"], provider=KlingClient)
async def kling_camera_control_t2v_node(ctx: NodeContext, *, prompt: str, negative_prompt: str, cfg_scale: float,
                                        aspect_ratio: str, camera_control: dict[str, Any]) -> tuple[Any, str, str]:
    """Generate a video with a camera move from text with Kling on your own keys."""
    request = Text2VideoRequest(model_name="kling-v1", prompt=check_prompt("prompt", prompt, required=True),
                                negative_prompt=optional_text(negative_prompt), cfg_scale=cfg_scale, mode="std",
                                aspect_ratio=aspect_ratio, duration="5",
                                camera_control=CameraControl.model_validate(camera_control))
    return await video_task_with_id(ctx, "text2video", request)
