"""WanImageToImageApi: a Wan 2.5 edit of one or two images."""
from __future__ import annotations

from typing import Any

from keroro_graph.api import NodeContext, comfy_node

from ..client import DashScopeClient
from . import TABLE
from .tasks import body, image_task, image_url, refuse, required


@comfy_node(TABLE["WanImageToImageApi"], provider=DashScopeClient)
async def wan_image_to_image_api(ctx: NodeContext, *, model: str, image: Any, prompt: str,
                                 negative_prompt: str = "", seed: int = 0, watermark: bool = False) -> Any:
    """Edit images with Wan on your own DashScope key."""
    count = int(image.shape[0]) if image.ndim == 4 else 1
    if not 1 <= count <= 2:
        raise refuse(f"image: Wan edits one or two images, not {count}")
    images = [image_url(image[i:i + 1] if image.ndim == 4 else image, "image") for i in range(count)]
    return await image_task(ctx, body(model, {"prompt": required("prompt", prompt),
                                              "negative_prompt": negative_prompt, "images": images},
                                      {"seed": seed, "watermark": watermark}), edit=True)
