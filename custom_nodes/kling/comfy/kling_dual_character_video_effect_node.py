"""KlingDualCharacterVideoEffectNode ("Kling Dual Character Video Effects"): two
people hug, kiss or make a heart gesture."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import EffectsRequest
from . import TABLE
from .tasks import frames, video_task_with_id


@comfy_node(TABLE["KlingDualCharacterVideoEffectNode"], provider=KlingClient)
async def kling_dual_character_video_effect_node(ctx: NodeContext, *, image_left: Any, image_right: Any,
                                                 effect_scene: str, model_name: str, mode: str,
                                                 duration: str) -> tuple[Any, str]:
    """Make a two-person effect video with Kling on your own keys."""
    images = frames(image_left, "image_left", limit=1) + frames(image_right, "image_right", limit=1)
    request = EffectsRequest(effect_scene=effect_scene, input={"model_name": model_name, "mode": mode,
                                                               "images": images, "duration": duration})
    video, _video_id, length = await video_task_with_id(ctx, "effects", request)
    return video, length
