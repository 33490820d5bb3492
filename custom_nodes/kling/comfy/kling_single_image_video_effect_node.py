"""KlingSingleImageVideoEffectNode ("Kling Video Effects"): one picture turned into
an effect video (bloom, squish, expansion, ...)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import EffectsRequest
from . import TABLE
from .tasks import frames, video_task_with_id


@comfy_node(TABLE["KlingSingleImageVideoEffectNode"], provider=KlingClient)
async def kling_single_image_video_effect_node(ctx: NodeContext, *, image: Any, effect_scene: str, model_name: str,
                                               duration: str) -> tuple[Any, str, str]:
    """Make an effect video from one image with Kling on your own keys."""
    [picture] = frames(image, "image", limit=1)
    request = EffectsRequest(effect_scene=effect_scene,
                             input={"model_name": model_name, "image": picture, "duration": duration})
    return await video_task_with_id(ctx, "effects", request)
