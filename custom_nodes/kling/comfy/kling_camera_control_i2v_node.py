"""KlingCameraControlI2VNode ("Kling Image to Video (Camera Control)"): kling-v1-5,
pro mode, 5 s, a "simple" camera move from a first frame."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import CameraControl, Image2VideoRequest
from . import TABLE
from .tasks import frames, optional_text, video_task_with_id


@comfy_node(TABLE["KlingCameraControlI2VNode"], provider=KlingClient)
async def kling_camera_control_i2v_node(ctx: NodeContext, *, start_frame: Any, prompt: str, negative_prompt: str,
                                        cfg_scale: float, aspect_ratio: str,
                                        camera_control: dict[str, Any]) -> tuple[Any, str, str]:
    """Animate a first frame with a camera move with Kling on your own keys."""
    [image] = frames(start_frame, "start_frame", limit=1)
    # As ComfyUI: image to video takes only the "simple" type, with the config.
    move = CameraControl.model_validate({**camera_control, "type": "simple"})
    request = Image2VideoRequest(model_name="kling-v1-5", image=image, prompt=optional_text(prompt),
                                 negative_prompt=optional_text(negative_prompt), cfg_scale=cfg_scale, mode="pro",
                                 duration="5", camera_control=move)
    return await video_task_with_id(ctx, "image2video", request)
