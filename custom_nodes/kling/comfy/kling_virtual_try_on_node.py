"""KlingVirtualTryOnNode ("Kling Virtual Try On"): a person wearing the given
clothes (Kolors virtual try-on)."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..models import TryOnRequest
from . import TABLE
from .tasks import frames, image_task


@comfy_node(TABLE["KlingVirtualTryOnNode"], provider=KlingClient)
async def kling_virtual_try_on_node(ctx: NodeContext, *, human_image: Any, cloth_image: Any, model_name: str) -> Any:
    """Dress a person in a garment with Kling on your own keys."""
    [human] = frames(human_image, "human_image", limit=1)
    [cloth] = frames(cloth_image, "cloth_image", limit=1)
    return await image_task(ctx, "try-on", TryOnRequest(model_name=model_name, human_image=human, cloth_image=cloth))
