"""KlingOmniProImageNode ("Kling 3.0 Omni Image"): images from a prompt and up to 10
reference images, or a series of 2–9 related images."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import KlingClient
from ..inputs import refuse
from ..models import OmniImageRequest
from . import TABLE
from .pricing import OMNI_IMAGE
from .tasks import frames, image_task, omni_prompt, required_prompt


@comfy_node(TABLE["KlingOmniProImageNode"], provider=KlingClient, price=OMNI_IMAGE)
async def kling_omni_pro_image_node(ctx: NodeContext, *, model_name: str, prompt: str, resolution: str,
                                    aspect_ratio: str, series_amount: str = "disabled", reference_images: Any = None,
                                    seed: int = 0) -> Any:
    """Generate images with Kling Omni on your own keys."""
    if model_name == "kling-image-o1" and resolution == "4K":
        raise refuse("resolution: kling-image-o1 has no 4K; pick 1K or 2K")
    series = series_amount != "disabled"
    if series and model_name == "kling-image-o1":
        raise refuse("series_amount: kling-image-o1 makes no series; pick kling-v3-omni or disabled")
    images = [{"image": b64} for b64 in frames(reference_images, "reference_images", limit=10)]
    request = OmniImageRequest(model_name=model_name, prompt=required_prompt("prompt", omni_prompt(prompt)),
                               resolution=resolution.lower(), aspect_ratio=aspect_ratio, image_list=images or None,
                               result_type="series" if series else None,
                               series_amount=int(series_amount) if series else None)
    return await image_task(ctx, "omni-image", request)
